//! v1 content writes: `POST /rest/api/content`, `PUT|DELETE /rest/api/content/{id}`, and
//! the request shapes the comment endpoints reuse. Reads are in `content.rs`.

use super::content::{Target, body_bytes, find, id_value};
use super::content_json::{self as cj};
use super::convert::storage_from_body;
use super::json::{Expand, Renderer, V1, no_content, no_space};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, parse_json};
use crate::params::Params;
use crate::state::AppState;
use crate::store::NewContent;
use crate::store::editing::NewVersion;
use crate::store::model::*;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

/// What create and update answer with when the caller did not say.
fn write_expand(params: &Params) -> Expand {
    let ex = params.expand();
    if ex.is_empty() {
        Expand::of(&[
            "space",
            "history",
            "version",
            "ancestors",
            "body.storage",
            "container",
        ])
    } else {
        ex
    }
}

#[derive(Deserialize)]
pub struct IdRef {
    pub id: Option<Value>,
}

#[derive(Deserialize)]
pub struct SpaceRef {
    pub key: Option<String>,
}

#[derive(Deserialize)]
pub struct CreateReq {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub title: Option<String>,
    pub space: Option<SpaceRef>,
    pub status: Option<String>,
    #[serde(default)]
    pub ancestors: Vec<IdRef>,
    pub container: Option<IdRef>,
    pub body: Option<Value>,
    pub metadata: Option<Value>,
}

pub(super) async fn create(
    ctx: Ctx,
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let bytes = body_bytes(body)?;
    let req: CreateReq = parse_json(V1, &bytes)?;
    let params = Params::from_uri(&uri);
    let ex = write_expand(&params);
    let storage = storage_from_body(req.body.as_ref())?.unwrap_or_default();
    let now = chrono::Utc::now();
    let kind = match req.kind.as_deref() {
        Some("page") => ContentKind::Page,
        Some("blogpost") => ContentKind::BlogPost,
        Some("comment") => {
            return super::content_comments::create_comment(&ctx, &state, req, storage, &ex);
        }
        Some(other) => {
            return Err(ApiError::bad_request(
                V1,
                format!("Cannot create content of type '{other}' here"),
            ));
        }
        None => {
            return Err(ApiError::bad_request(
                V1,
                "The content type is required (page, blogpost or comment)",
            ));
        }
    };
    let title = req.title.as_deref().map(str::trim).unwrap_or("");
    if title.is_empty() {
        return Err(ApiError::bad_request(
            V1,
            "A title is required to create a page",
        ));
    }
    if title.chars().count() > 255 {
        return Err(ApiError::bad_request(
            V1,
            "Title cannot be longer than 255 characters",
        ));
    }
    let status = match req.status.as_deref().unwrap_or("current") {
        "current" => Status::Current,
        "draft" => Status::Draft,
        other => {
            return Err(ApiError::bad_request(
                V1,
                format!("Cannot create content with status '{other}'"),
            ));
        }
    };
    let key = req
        .space
        .as_ref()
        .and_then(|s| s.key.as_deref())
        .ok_or_else(|| ApiError::bad_request(V1, "space.key is required"))?;
    let mut store = state.write();
    let space_id = match store.space_by_key(key) {
        Some(s) if store.can_read_space(&ctx.user, s.id) => s.id,
        _ => return Err(no_space(key)),
    };
    if !store.can_write_space(&ctx.user, space_id) {
        return Err(ApiError::forbidden(
            V1,
            format!("Not permitted to create content in space {key}"),
        ));
    }
    let parent_id = match (kind, req.ancestors.last()) {
        (ContentKind::Page, Some(a)) => {
            let pid =
                a.id.as_ref().and_then(id_value).ok_or_else(|| {
                    ApiError::bad_request(V1, "ancestors[].id must be a content id")
                })?;
            let parent = store
                .readable_content(&ctx.user, pid)
                .filter(|p| p.status == Status::Current)
                .ok_or_else(|| no_content(pid))?;
            if parent.space_id != space_id || parent.kind != ContentKind::Page {
                return Err(ApiError::bad_request(
                    V1,
                    "The parent must be a page in the same space",
                ));
            }
            Some(pid)
        }
        _ => None,
    };
    let day = (kind == ContentKind::BlogPost).then(|| now.date_naive());
    if status == Status::Current && store.title_taken(space_id, kind, title, day, None) {
        return Err(ApiError::bad_request(
            V1,
            "A page with this title already exists: A page already exists with the same TITLE in this space",
        ));
    }
    let id = store.insert_content(NewContent {
        kind,
        space_id,
        parent_id,
        title: title.to_owned(),
        body: storage,
        author_id: ctx.user.account_id.clone(),
        status,
        at: now,
    });
    if let Some(labels) = req
        .metadata
        .as_ref()
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_array)
    {
        for l in labels {
            if let Some(name) = l
                .get("name")
                .and_then(Value::as_str)
                .filter(|n| !n.trim().is_empty())
            {
                let prefix = l.get("prefix").and_then(Value::as_str).unwrap_or("global");
                store.add_label(id, prefix, name);
            }
        }
    }
    let store = &*store;
    let created = store.contents.get(&id).ok_or_else(|| no_content(id))?;
    let r = Renderer::new(&state, store, &ctx.user);
    Ok(axum::Json(cj::content(&r, created, None, &ex, true)).into_response())
}

#[derive(Deserialize)]
pub struct VersionReq {
    pub number: Option<Value>,
    pub message: Option<String>,
    #[serde(rename = "minorEdit")]
    pub minor_edit: Option<bool>,
}

#[derive(Deserialize)]
pub struct UpdateReq {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub version: Option<VersionReq>,
    pub body: Option<Value>,
    pub ancestors: Option<Vec<IdRef>>,
}

/// Checks `version.number` is exactly current + 1, as Confluence's optimistic locking does.
pub fn check_version(req: &UpdateReq, current: u32) -> ApiResult<()> {
    let Some(v) = &req.version else {
        return Err(ApiError::bad_request(
            V1,
            "Must supply an incremented version when updating Content. No version supplied.",
        ));
    };
    let number = v.number.as_ref().and_then(|n| match n {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    if number != Some(u64::from(current) + 1) {
        return Err(ApiError::conflict(
            V1,
            format!("Version must be incremented on update. Current Version is: {current}"),
        ));
    }
    Ok(())
}

pub(super) async fn update(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let bytes = body_bytes(body)?;
    let req: UpdateReq = parse_json(V1, &bytes)?;
    let params = Params::from_uri(&uri);
    let ex = write_expand(&params);
    let storage = storage_from_body(req.body.as_ref())?;
    let now = chrono::Utc::now();
    let mut store = state.write();
    let (id, is_comment) = match find(&store, &ctx.user, &raw)? {
        Target::Content(c) => (c.id, false),
        Target::Comment(c) => (c.id, true),
        Target::Attachment(a) => {
            return Err(ApiError::bad_request(
                V1,
                format!(
                    "Update attachment att{} through its attachment endpoints",
                    a.id
                ),
            ));
        }
    };
    if is_comment {
        return super::content_comments::update_comment(
            &ctx, &state, &mut store, id, &req, storage, now, &ex,
        );
    }
    let content = store.contents.get(&id).ok_or_else(|| no_content(id))?;
    if !store.can_write_content(&ctx.user, content) {
        return Err(ApiError::forbidden(
            V1,
            format!("Not permitted to update content with id {id}"),
        ));
    }
    if let Some(kind) = req.kind.as_deref()
        && kind != content.kind.as_str()
    {
        return Err(ApiError::bad_request(
            V1,
            format!(
                "Cannot change the type of {} {id} to {kind}",
                content.kind.as_str()
            ),
        ));
    }
    check_version(&req, content.version_number())?;
    let target_status = match req.status.as_deref().or(params.get("status")) {
        None => content.status,
        Some(s) => match Status::parse(s) {
            Some(st @ (Status::Current | Status::Draft)) => st,
            _ => {
                return Err(ApiError::bad_request(
                    V1,
                    format!("Cannot set status '{s}' with an update"),
                ));
            }
        },
    };
    let title = req
        .title
        .as_deref()
        .map(str::trim)
        .unwrap_or(content.title())
        .to_owned();
    if title.is_empty() {
        return Err(ApiError::bad_request(V1, "Title cannot be empty"));
    }
    let day = (content.kind == ContentKind::BlogPost).then(|| content.created_at.date_naive());
    if target_status == Status::Current
        && store.title_taken(content.space_id, content.kind, &title, day, Some(id))
    {
        return Err(ApiError::bad_request(
            V1,
            "A page with this title already exists: A page already exists with the same TITLE in this space",
        ));
    }
    let new_parent = match req.ancestors.as_deref().and_then(<[IdRef]>::last) {
        Some(a) if content.kind == ContentKind::Page => {
            let pid =
                a.id.as_ref().and_then(id_value).ok_or_else(|| {
                    ApiError::bad_request(V1, "ancestors[].id must be a content id")
                })?;
            let parent = store
                .readable_content(&ctx.user, pid)
                .filter(|p| p.status == Status::Current)
                .ok_or_else(|| no_content(pid))?;
            if parent.space_id != content.space_id || parent.kind != ContentKind::Page {
                return Err(ApiError::bad_request(
                    V1,
                    "The parent must be a page in the same space",
                ));
            }
            if pid == id || store.is_descendant_of(pid, id) {
                return Err(ApiError::bad_request(
                    V1,
                    "A page cannot be moved below itself or its descendants",
                ));
            }
            Some(pid)
        }
        _ => None,
    };
    let body = storage.unwrap_or_else(|| content.current().body.clone());
    let version = req.version.as_ref();
    store.add_version(
        id,
        NewVersion {
            title,
            body,
            message: version.and_then(|v| v.message.clone()).unwrap_or_default(),
            minor_edit: version.and_then(|v| v.minor_edit).unwrap_or(false),
            author_id: ctx.user.account_id.clone(),
            at: now,
        },
    );
    if let Some(pid) = new_parent
        && store.contents.get(&id).and_then(|c| c.parent_id) != Some(pid)
    {
        store.move_content(id, Some(pid));
    }
    if let Some(c) = store.contents.get_mut(&id) {
        c.status = target_status;
    }
    let store = &*store;
    let updated = store.contents.get(&id).ok_or_else(|| no_content(id))?;
    let r = Renderer::new(&state, store, &ctx.user);
    Ok(axum::Json(cj::content(&r, updated, None, &ex, true)).into_response())
}

/// Current content goes to the trash; `?status=trashed` purges trashed content; drafts and
/// comments are removed at once.
pub(super) async fn delete(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<StatusCode> {
    let params = Params::from_uri(&uri);
    let purge = params.get("status") == Some("trashed");
    let mut store = state.write();
    match find(&store, &ctx.user, &raw)? {
        Target::Content(c) => {
            let id = c.id;
            if !store.can_write_content(&ctx.user, c) {
                return Err(ApiError::forbidden(
                    V1,
                    format!("Not permitted to delete content with id {id}"),
                ));
            }
            match (c.status, purge) {
                (Status::Current | Status::Archived, false) => {
                    store.trash_content(id);
                }
                (Status::Trashed, true) | (Status::Draft, _) => {
                    store.purge_content(id);
                }
                _ => return Err(no_content(id)),
            }
        }
        Target::Comment(cm) => {
            let id = cm.id;
            if !super::content_comments::may_edit_comment(&store, &ctx.user, cm) {
                return Err(ApiError::forbidden(
                    V1,
                    "Only the comment's author or a space admin can delete it",
                ));
            }
            store.delete_comment_tree(id);
        }
        Target::Attachment(a) => {
            let (id, container) = (a.id, a.container_id);
            let writable = store
                .contents
                .get(&container)
                .is_some_and(|c| store.can_write_content(&ctx.user, c));
            if !writable {
                return Err(ApiError::forbidden(
                    V1,
                    format!("Not permitted to delete attachment att{id}"),
                ));
            }
            if purge {
                store.attachments.remove(&id);
            } else if let Some(att) = store.attachments.get_mut(&id) {
                att.status = Status::Trashed;
            }
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
