//! v1 comments as content: `POST /rest/api/content` with `type: comment` and updates of
//! comments through `PUT /rest/api/content/{id}`.

use super::content::id_value;
use super::content_json::{self as cj};
use super::content_write::{CreateReq, UpdateReq, check_version};
use super::json::{Expand, Renderer, V1, no_content};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::editing::NewVersion;
use crate::store::model::*;
use crate::store::{NewComment, Store};
use axum::response::{IntoResponse, Response};

/// `POST /rest/api/content` with `type: comment`: a footer comment on `container`, or a reply
/// when `ancestors` names a comment. Anyone who can see the page may comment.
pub fn create_comment(
    ctx: &Ctx,
    state: &AppState,
    req: CreateReq,
    storage: String,
    ex: &Expand,
) -> ApiResult<Response> {
    if storage.trim().is_empty() {
        return Err(ApiError::bad_request(
            V1,
            "A comment needs a body: body.storage.value",
        ));
    }
    let ancestor = req
        .ancestors
        .last()
        .and_then(|a| a.id.as_ref())
        .and_then(id_value);
    let container = req
        .container
        .as_ref()
        .and_then(|c| c.id.as_ref())
        .and_then(id_value);
    let mut store = state.write();
    let (container_id, parent_comment) = match (container, ancestor) {
        (_, Some(aid)) if store.comments.contains_key(&aid) => {
            let parent = store
                .readable_comment(&ctx.user, aid)
                .ok_or_else(|| no_content(aid))?;
            if container.is_some_and(|c| c != parent.container_id) {
                return Err(ApiError::bad_request(
                    V1,
                    "The parent comment is on different content than the container",
                ));
            }
            (parent.container_id, Some(aid))
        }
        (Some(cid), _) | (None, Some(cid)) => (cid, None),
        (None, None) => {
            return Err(ApiError::bad_request(
                V1,
                "A comment needs a container: {\"container\":{\"id\":\"<page id>\",\"type\":\"page\"}}",
            ));
        }
    };
    let page = store
        .readable_content(&ctx.user, container_id)
        .ok_or_else(|| no_content(container_id))?;
    if page.status != Status::Current {
        return Err(ApiError::bad_request(
            V1,
            "Comments can only be added to published content",
        ));
    }
    let id = store.insert_comment(NewComment {
        kind: CommentKind::Footer,
        container_id,
        parent_comment_id: parent_comment,
        body: storage,
        author_id: ctx.user.account_id.clone(),
        at: chrono::Utc::now(),
        inline: None,
    });
    let store = &*store;
    let created = store.comments.get(&id).ok_or_else(|| no_content(id))?;
    let r = Renderer::new(state, store, &ctx.user);
    Ok(axum::Json(cj::comment(&r, created, ex, true)).into_response())
}

/// The comment's author, its space's admins and site admins may edit or delete it.
pub fn may_edit_comment(store: &Store, user: &User, cm: &Comment) -> bool {
    let author = cm
        .versions
        .first()
        .map(|v| v.author_id.as_str())
        .unwrap_or("");
    user.site_admin
        || author == user.account_id
        || store
            .contents
            .get(&cm.container_id)
            .and_then(|c| store.space_access(user, c.space_id))
            == Some(Access::Admin)
}

#[allow(clippy::too_many_arguments)]
pub fn update_comment(
    ctx: &Ctx,
    state: &AppState,
    store: &mut Store,
    id: u64,
    req: &UpdateReq,
    storage: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
    ex: &Expand,
) -> ApiResult<Response> {
    let cm = store.comments.get(&id).ok_or_else(|| no_content(id))?;
    if !may_edit_comment(store, &ctx.user, cm) {
        return Err(ApiError::forbidden(
            V1,
            "Only the comment's author or a space admin can edit it",
        ));
    }
    check_version(req, cm.current().number)?;
    let body = storage.unwrap_or_else(|| cm.current().body.clone());
    if body.trim().is_empty() {
        return Err(ApiError::bad_request(
            V1,
            "A comment needs a body: body.storage.value",
        ));
    }
    let title = cm.current().title.clone();
    store.push_comment_version(
        id,
        NewVersion {
            title,
            body,
            message: req
                .version
                .as_ref()
                .and_then(|v| v.message.clone())
                .unwrap_or_default(),
            minor_edit: false,
            author_id: ctx.user.account_id.clone(),
            at: now,
        },
    );
    let store = &*store;
    let updated = store.comments.get(&id).ok_or_else(|| no_content(id))?;
    let r = Renderer::new(state, store, &ctx.user);
    Ok(axum::Json(cj::comment(&r, updated, ex, true)).into_response())
}
