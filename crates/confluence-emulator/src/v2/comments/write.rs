//! Creating, editing (including resolving) and deleting comments.

use super::{Shape, V2, comment, comment_json, container, inline, kind_name, may_edit};
use crate::errors::{ApiError, ApiResult, parse_json};
use crate::state::AppState;
use crate::store::NewComment;
use crate::store::model::{CommentKind, ContentKind, Status, User, Version};
use crate::v2::request::body_bytes;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

/// An id in a request body: Confluence documents strings, clients also send numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum IdIn {
    Text(String),
    Number(u64),
}

impl IdIn {
    fn raw(&self) -> String {
        match self {
            IdIn::Text(s) => s.clone(),
            IdIn::Number(n) => n.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateComment {
    page_id: Option<IdIn>,
    blog_post_id: Option<IdIn>,
    parent_comment_id: Option<IdIn>,
    attachment_id: Option<Value>,
    custom_content_id: Option<Value>,
    body: Option<Value>,
    inline_comment_properties: Option<inline::InlineProps>,
}

pub(super) fn create(
    state: &AppState,
    user: &User,
    kind: CommentKind,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let bytes = body_bytes(V2, body)?;
    let req: CreateComment = parse_json(V2, &bytes)?;
    if req.attachment_id.is_some() || req.custom_content_id.is_some() {
        return Err(ApiError::bad_request(
            V2,
            "The emulator supports comments on pages and blog posts only",
        ));
    }
    let targets = [
        req.page_id.is_some(),
        req.blog_post_id.is_some(),
        req.parent_comment_id.is_some(),
    ];
    if targets.iter().filter(|t| **t).count() != 1 {
        return Err(ApiError::bad_request(
            V2,
            "Provide exactly one of pageId, blogPostId or parentCommentId",
        ));
    }
    let storage = comment_body(req.body.as_ref())?;
    let mut store = state.write();
    let (container_id, parent_comment_id, inline) =
        match (&req.parent_comment_id, &req.page_id, &req.blog_post_id) {
            (Some(parent), _, _) => {
                let parent = comment(&store, user, &parent.raw(), kind)?;
                (parent.container_id, Some(parent.id), None)
            }
            (None, page, blog) => {
                let (raw, content_kind) = match (page, blog) {
                    (Some(p), _) => (p.raw(), ContentKind::Page),
                    (None, Some(b)) => (b.raw(), ContentKind::BlogPost),
                    (None, None) => {
                        return Err(ApiError::bad_request(V2, "A container id is required"));
                    }
                };
                let content = container(&store, user, &raw, content_kind)?;
                let anchor = match kind {
                    CommentKind::Inline => Some(inline::anchor_for(
                        content,
                        req.inline_comment_properties.as_ref(),
                    )?),
                    CommentKind::Footer => None,
                };
                (content.id, None, anchor)
            }
        };
    if store.contents.get(&container_id).map(|c| c.status) != Some(Status::Current) {
        return Err(ApiError::bad_request(
            V2,
            "Comments can only be added to published content",
        ));
    }
    let id = store.insert_comment(NewComment {
        kind,
        container_id,
        parent_comment_id,
        body: storage,
        author_id: user.account_id.clone(),
        at: chrono::Utc::now(),
        inline,
    });
    let Some(created) = store.comments.get(&id) else {
        return Err(ApiError::new(
            V2,
            StatusCode::INTERNAL_SERVER_ERROR,
            "The comment was not stored",
        ));
    };
    let mut v = comment_json(
        &store,
        created,
        created.current(),
        Some("storage"),
        Shape::Single,
    );
    v["_links"]["base"] = json!(state.wiki_base());
    let location = format!("{}/api/v2/{}/{id}", state.wiki_base(), kind_name(kind));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        axum::Json(v),
    )
        .into_response())
}

#[derive(Deserialize)]
struct VersionIn {
    number: Option<i64>,
    message: Option<String>,
}

#[derive(Deserialize)]
struct UpdateComment {
    version: Option<VersionIn>,
    body: Option<Value>,
    resolved: Option<bool>,
}

pub(super) fn update(
    state: &AppState,
    user: &User,
    kind: CommentKind,
    raw: &str,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let bytes = body_bytes(V2, body)?;
    let req: UpdateComment = parse_json(V2, &bytes)?;
    let resolved = req.resolved.filter(|_| kind == CommentKind::Inline);
    if req.body.is_none() && resolved.is_none() {
        return Err(ApiError::bad_request(
            V2,
            "A body is required to update a comment",
        ));
    }
    let new_body = req
        .body
        .as_ref()
        .map(|b| comment_body(Some(b)))
        .transpose()?;
    let mut store = state.write();
    let c = comment(&store, user, raw, kind)?;
    let id = c.id;
    let current = c.current().clone();
    if new_body.is_some() {
        if !may_edit(&store, user, c) {
            return Err(ApiError::forbidden(
                V2,
                "Only the comment's author or a space admin can edit it",
            ));
        }
        let number = req.version.as_ref().and_then(|v| v.number).ok_or_else(|| {
            ApiError::bad_request(V2, "version.number is required to update a comment")
        })?;
        if number != i64::from(current.number) + 1 {
            return Err(ApiError::conflict(
                V2,
                format!(
                    "Version must be incremented when updating a comment. Current version is: {}",
                    current.number
                ),
            ));
        }
    }
    let resolution = match resolved {
        Some(r) => Some(inline::next_resolution(c, r)?),
        None => None,
    };
    let Some(c) = store.comments.get_mut(&id) else {
        return Err(ApiError::not_found(
            V2,
            format!("No comment with id {id} was found"),
        ));
    };
    if let Some(body) = new_body {
        let now = chrono::Utc::now();
        c.versions.push(Version {
            number: current.number + 1,
            title: current.title.clone(),
            body,
            message: req.version.and_then(|v| v.message).unwrap_or_default(),
            minor_edit: false,
            author_id: user.account_id.clone(),
            created_at: now,
        });
    }
    if let (Some(status), Some(a)) = (resolution, c.inline.as_mut()) {
        a.resolution_status = status.to_owned();
    }
    let Some(c) = store.comments.get(&id) else {
        return Err(ApiError::not_found(
            V2,
            format!("No comment with id {id} was found"),
        ));
    };
    let mut v = comment_json(&store, c, c.current(), Some("storage"), Shape::Single);
    v["_links"]["base"] = json!(state.wiki_base());
    Ok(axum::Json(v).into_response())
}

pub(super) fn delete(
    state: &AppState,
    user: &User,
    kind: CommentKind,
    raw: &str,
) -> ApiResult<StatusCode> {
    let mut store = state.write();
    let c = comment(&store, user, raw, kind)?;
    if !may_edit(&store, user, c) {
        return Err(ApiError::forbidden(
            V2,
            "Only the comment's author or a space admin can delete it",
        ));
    }
    let id = c.id;
    store.delete_comment_tree(id);
    Ok(StatusCode::NO_CONTENT)
}

/// A comment body as storage XHTML, from `{representation, value}` or `{storage: {…}}`.
fn comment_body(body: Option<&Value>) -> ApiResult<String> {
    let body = body.ok_or_else(|| ApiError::bad_request(V2, "A comment body is required"))?;
    let (representation, value) = if body.get("value").is_some() {
        (
            body.get("representation")
                .and_then(Value::as_str)
                .unwrap_or("storage"),
            body.get("value"),
        )
    } else if let Some((key, inner)) = ["storage", "atlas_doc_format", "wiki"]
        .iter()
        .find_map(|k| body.get(*k).map(|inner| (*k, inner)))
    {
        (
            inner
                .get("representation")
                .and_then(Value::as_str)
                .unwrap_or(key),
            inner.get("value"),
        )
    } else {
        return Err(ApiError::bad_request(
            V2,
            "The body must have a representation and a value",
        ));
    };
    let value = value
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request(V2, "The comment body must not be empty"))?;
    match representation {
        "storage" => Ok(value.to_owned()),
        "wiki" => Ok(format!("<p>{}</p>", crate::render::escape_attr(value))),
        "atlas_doc_format" => {
            let doc: Value = serde_json::from_str(value).map_err(|e| {
                ApiError::bad_request(
                    V2,
                    format!("The atlas_doc_format value is not valid JSON: {e}"),
                )
            })?;
            let mut text = String::new();
            collect_adf_text(&doc, &mut text);
            Ok(format!("<p>{}</p>", crate::render::escape_attr(&text)))
        }
        other => Err(ApiError::bad_request(
            V2,
            format!(
                "Unsupported body representation '{other}'; use storage, atlas_doc_format or wiki"
            ),
        )),
    }
}

fn collect_adf_text(node: &Value, out: &mut String) {
    if let Some(text) = node.get("text").and_then(Value::as_str) {
        out.push_str(text);
    }
    if let Some(children) = node.get("content").and_then(Value::as_array) {
        for child in children {
            collect_adf_text(child, out);
        }
    }
}
