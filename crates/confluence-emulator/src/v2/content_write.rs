//! Writes shared by pages and blog posts: create, update (with Confluence's version check,
//! moves and restores) and delete (trash, purge, discard draft).

use super::content::{find, not_found, noun};
use super::json::{self, BodyFormat};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor, parse_json};
use crate::params::Params;
use crate::state::AppState;
use crate::store::NewContent;
use crate::store::editing::NewVersion;
use crate::store::model::{Access, ContentKind, Status};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

/// Confluence's limit on titles.
const MAX_TITLE_CHARS: usize = 255;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(Flavor::V2, message)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateRequest {
    space_id: Option<Value>,
    status: Option<String>,
    title: Option<String>,
    parent_id: Option<Value>,
    body: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateRequest {
    id: Option<Value>,
    status: Option<String>,
    title: Option<String>,
    space_id: Option<Value>,
    parent_id: Option<Value>,
    owner_id: Option<String>,
    body: Option<Value>,
    version: Option<VersionRequest>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionRequest {
    number: Option<i64>,
    message: Option<String>,
    #[serde(default)]
    minor_edit: bool,
}

/// An id field that clients send as a string (as documented) or a number.
fn id_field(value: Option<&Value>, field: &str) -> ApiResult<Option<u64>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("'{field}' must be a numeric id, got '{s}'"))),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(format!("'{field}' must be a numeric id"))),
        Some(_) => Err(bad(format!(
            "'{field}' must be a string holding a numeric id"
        ))),
    }
}

/// The storage value of a write body, flat (`{representation, value}`) or nested
/// (`{storage: {representation, value}}`). Only storage is accepted.
fn storage_body(body: Option<&Value>) -> ApiResult<Option<String>> {
    let Some(body) = body.filter(|b| !b.is_null()) else {
        return Ok(None);
    };
    let (representation, inner) = if let Some(rep) = body.get("representation") {
        (rep.as_str().unwrap_or("").to_owned(), body)
    } else if let Some((key, inner)) = body.as_object().and_then(|o| o.iter().next()) {
        let rep = inner
            .get("representation")
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_owned();
        (rep, inner)
    } else {
        return Err(bad(
            "body must be an object with 'representation' and 'value'",
        ));
    };
    if representation != "storage" {
        return Err(bad(format!(
            "Body representation '{representation}' is not supported by this endpoint; send the body in 'storage' representation"
        )));
    }
    match inner.get("value") {
        Some(Value::String(s)) => Ok(Some(s.clone())),
        None | Some(Value::Null) => Ok(Some(String::new())),
        Some(_) => Err(bad("body.value must be a string")),
    }
}

fn check_title(title: &str) -> ApiResult<()> {
    if title.trim().is_empty() {
        return Err(bad("Title cannot be empty"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(bad(format!(
            "Title cannot be longer than {MAX_TITLE_CHARS} characters"
        )));
    }
    Ok(())
}

fn title_conflict() -> ApiError {
    bad(
        "A page with this title already exists: A page already exists with the same TITLE in this space",
    )
}

fn single(state: &AppState, value: Value) -> Response {
    Json(json::with_base(value, &state.wiki_base())).into_response()
}

/// `POST /pages` and `POST /blogposts`.
pub(crate) fn create(
    state: &AppState,
    ctx: &Ctx,
    params: &Params,
    kind: ContentKind,
    bytes: &[u8],
) -> ApiResult<Response> {
    let root_level = params.flag("root-level", false)?;
    let private = params.flag("private", false)?;
    let req: CreateRequest = parse_json(Flavor::V2, bytes)?;
    let space_id =
        id_field(req.space_id.as_ref(), "spaceId")?.ok_or_else(|| bad("spaceId is required"))?;
    let status = match req.status.as_deref() {
        None | Some("current") => Status::Current,
        Some("draft") => Status::Draft,
        Some(other) => {
            return Err(bad(format!(
                "Invalid status '{other}'; expected 'current' or 'draft'"
            )));
        }
    };
    let title = req.title.unwrap_or_default();
    if status == Status::Current {
        check_title(&title)?;
    }
    let body = storage_body(req.body.as_ref())?.unwrap_or_default();
    let parent_request = id_field(req.parent_id.as_ref(), "parentId")?;
    if root_level && parent_request.is_some() {
        return Err(bad("parentId may not be supplied when root-level is true"));
    }

    let mut store = state.write();
    let user = &ctx.user;
    if !store.can_read_space(user, space_id) {
        return Err(ApiError::not_found(
            Flavor::V2,
            format!("No space with id {space_id}"),
        ));
    }
    if !store.can_write_space(user, space_id) {
        return Err(ApiError::forbidden(
            Flavor::V2,
            format!(
                "You do not have permission to create a {} in this space",
                noun(kind)
            ),
        ));
    }
    let parent_id = match kind {
        ContentKind::BlogPost => None,
        ContentKind::Page => match parent_request {
            Some(pid) => {
                let parent = store
                    .readable_content(user, pid)
                    .filter(|p| p.kind == ContentKind::Page && p.status == Status::Current)
                    .ok_or_else(|| {
                        ApiError::not_found(Flavor::V2, format!("No parent page with id {pid}"))
                    })?;
                if parent.space_id != space_id {
                    return Err(bad("The parent page is in a different space"));
                }
                Some(pid)
            }
            None if root_level => None,
            None => store
                .spaces
                .get(&space_id)
                .and_then(|s| s.homepage_id)
                .filter(|home| {
                    store.contents.get(home).is_some_and(|h| {
                        h.status == Status::Current && store.can_read_content(user, h)
                    })
                }),
        },
    };
    if kind == ContentKind::Page
        && status == Status::Current
        && store.page_title_taken(space_id, &title, None)
    {
        return Err(title_conflict());
    }
    let id = store.insert_content(NewContent {
        kind,
        space_id,
        parent_id,
        title,
        body,
        author_id: user.account_id.clone(),
        status,
        at: chrono::Utc::now(),
    });
    if private && let Some(c) = store.contents.get_mut(&id) {
        c.read_restricted_to = Some(vec![user.account_id.clone()]);
        c.update_restricted_to = Some(vec![user.account_id.clone()]);
    }
    let content = store.contents.get(&id).ok_or_else(not_found)?;
    Ok(single(
        state,
        json::content(&store, content, Some(BodyFormat::Storage)),
    ))
}

/// `PUT /pages/{id}` and `PUT /blogposts/{id}`.
pub(crate) fn update(
    state: &AppState,
    ctx: &Ctx,
    kind: ContentKind,
    raw_id: &str,
    bytes: &[u8],
) -> ApiResult<Response> {
    let path_id = ApiError::parse_id(Flavor::V2, raw_id)?;
    let req: UpdateRequest = parse_json(Flavor::V2, bytes)?;
    match id_field(req.id.as_ref(), "id")? {
        Some(id) if id == path_id => {}
        Some(_) => {
            return Err(bad(
                "The id in the request body does not match the id in the URL",
            ));
        }
        None => return Err(bad("id is required")),
    }
    let new_status = match req.status.as_deref() {
        Some("current") => Status::Current,
        Some("draft") => Status::Draft,
        Some(other) => {
            return Err(bad(format!(
                "Invalid status '{other}'; expected 'current' or 'draft'"
            )));
        }
        None => return Err(bad("status is required")),
    };
    let number = req
        .version
        .as_ref()
        .and_then(|v| v.number)
        .ok_or_else(|| bad("version.number is required"))?;
    let message = req
        .version
        .as_ref()
        .and_then(|v| v.message.clone())
        .unwrap_or_default();
    let minor_edit = req.version.as_ref().is_some_and(|v| v.minor_edit);
    let requested_space = id_field(req.space_id.as_ref(), "spaceId")?;
    let requested_parent = id_field(req.parent_id.as_ref(), "parentId")?;

    let mut store = state.write();
    let user = ctx.user.clone();
    let content = find(&store, &user, kind, raw_id)?;
    if !store.can_write_content(&user, content) {
        return Err(ApiError::forbidden(
            Flavor::V2,
            format!("You do not have permission to edit this {}", noun(kind)),
        ));
    }
    let (id, space_id, old_status, current) = (
        content.id,
        content.space_id,
        content.status,
        content.version_number(),
    );

    // Restoring from the trash changes only the status, as Confluence documents.
    if old_status == Status::Trashed {
        if new_status != Status::Current {
            return Err(bad("A trashed page can only be restored to 'current'"));
        }
        let title = content.title().to_owned();
        if kind == ContentKind::Page && store.page_title_taken(space_id, &title, Some(id)) {
            return Err(title_conflict());
        }
        let parent_alive = content.parent_id.is_none_or(|p| {
            store
                .contents
                .get(&p)
                .is_some_and(|pc| pc.status == Status::Current)
        });
        if let Some(c) = store.contents.get_mut(&id) {
            c.status = Status::Current;
            if !parent_alive {
                c.parent_id = None;
            }
        }
        return respond(state, &store, id);
    }
    if old_status == Status::Current && new_status == Status::Draft {
        return Err(bad(
            "Turning a published page back into a draft is not supported",
        ));
    }

    let title = req.title.ok_or_else(|| bad("title is required"))?;
    check_title(&title)?;
    let body = storage_body(req.body.as_ref())?.ok_or_else(|| bad("body is required"))?;
    if requested_space.is_some_and(|s| s != space_id) {
        return Err(bad(
            "Moving content to a different space is not supported by this endpoint",
        ));
    }
    if kind == ContentKind::Page
        && new_status == Status::Current
        && store.page_title_taken(space_id, &title, Some(id))
    {
        return Err(title_conflict());
    }
    let current_parent = content.parent_id;
    let move_to = match (kind, requested_parent) {
        (ContentKind::Page, Some(pid)) if Some(pid) != current_parent => {
            let parent = store
                .readable_content(&user, pid)
                .filter(|p| p.kind == ContentKind::Page && p.status == Status::Current)
                .ok_or_else(|| {
                    ApiError::not_found(Flavor::V2, format!("No parent page with id {pid}"))
                })?;
            if parent.space_id != space_id {
                return Err(bad(
                    "The parent page is in a different space; moving across spaces is not supported",
                ));
            }
            if pid == id || store.is_descendant_of(pid, id) {
                return Err(bad(
                    "A page cannot be moved below itself or one of its descendants",
                ));
            }
            Some(pid)
        }
        _ => None,
    };
    let owner = match req.owner_id {
        Some(owner) if store.user_by_account(&owner).is_none() => {
            return Err(bad(format!("No user with account id {owner}")));
        }
        other => other,
    };

    if old_status == Status::Draft {
        // A draft is edited in place; publishing it makes its single version current.
        if let Some(c) = store.contents.get_mut(&id) {
            if let Some(v) = c.versions.last_mut() {
                v.title = title;
                v.body = body;
                v.message = message;
                v.created_at = chrono::Utc::now();
            }
            c.status = new_status;
        }
    } else {
        if number != i64::from(current) + 1 {
            return Err(ApiError::conflict(
                Flavor::V2,
                format!("Version must be incremented on update. Current Version is: {current}"),
            ));
        }
        store.add_version(
            id,
            NewVersion {
                title,
                body,
                message,
                minor_edit,
                author_id: user.account_id.clone(),
                at: chrono::Utc::now(),
            },
        );
    }
    if let Some(pid) = move_to {
        let position = store.next_position(space_id, Some(pid));
        if let Some(c) = store.contents.get_mut(&id) {
            c.parent_id = Some(pid);
            c.position = position;
        }
    }
    if let Some(owner) = owner
        && let Some(c) = store.contents.get_mut(&id)
    {
        c.owner_id = owner;
    }
    respond(state, &store, id)
}

fn respond(state: &AppState, store: &crate::store::Store, id: u64) -> ApiResult<Response> {
    let content = store.contents.get(&id).ok_or_else(not_found)?;
    Ok(single(
        state,
        json::content(store, content, Some(BodyFormat::Storage)),
    ))
}

/// `DELETE /pages/{id}` and `DELETE /blogposts/{id}`: to the trash; `purge=true` removes a
/// trashed item for good (space admins only); `draft=true` discards a draft.
pub(crate) fn delete(
    state: &AppState,
    ctx: &Ctx,
    params: &Params,
    kind: ContentKind,
    raw_id: &str,
) -> ApiResult<Response> {
    let purge = params.flag("purge", false)?;
    let draft = params.flag("draft", false)?;
    let mut store = state.write();
    let user = &ctx.user;
    let content = find(&store, user, kind, raw_id)?;
    let id = content.id;
    let what = noun(kind);
    if draft {
        if content.status != Status::Draft {
            return Err(bad(format!(
                "This {what} is not a draft; delete it without draft=true"
            )));
        }
        if !store.can_write_content(user, content) {
            return Err(ApiError::forbidden(
                Flavor::V2,
                format!("You do not have permission to delete this {what}"),
            ));
        }
        store.purge_content(id);
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    match (content.status, purge) {
        (Status::Draft, _) => Err(bad(format!(
            "This {what} is a draft; delete it with draft=true"
        ))),
        (Status::Trashed, true) => {
            if store.space_access(user, content.space_id) != Some(Access::Admin) {
                return Err(ApiError::forbidden(
                    Flavor::V2,
                    "Only space administrators can purge content from the trash",
                ));
            }
            store.purge_content(id);
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        (Status::Trashed, false) => Err(bad(format!(
            "This {what} is already in the trash; pass purge=true to delete it permanently"
        ))),
        (_, true) => Err(bad(format!(
            "Only a trashed {what} can be purged; delete it first to move it to the trash"
        ))),
        (_, false) => {
            if !store.can_write_content(user, content) {
                return Err(ApiError::forbidden(
                    Flavor::V2,
                    format!("You do not have permission to delete this {what}"),
                ));
            }
            store.trash_content(id);
            Ok(StatusCode::NO_CONTENT.into_response())
        }
    }
}
