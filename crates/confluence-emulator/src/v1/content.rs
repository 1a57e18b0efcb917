//! v1 content reads: `GET /rest/api/content` and `GET /rest/api/content/{id}`, for pages,
//! blog posts and comments (v1 treats comments as content), plus the routes of the writes in
//! `content_write.rs`. Labels, attachments and restrictions have their own files.

use super::content_json::{self as cj};
use super::content_write::{create, delete, update};
use super::json::{Expand, Renderer, V1, no_content, parse_content_id};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult};
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::*;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rest/api/content", get(list).post(create))
        .route("/rest/api/content/", get(list).post(create))
        .route(
            "/rest/api/content/{id}",
            get(get_one).put(update).delete(delete),
        )
}

/// Something a v1 content id can name.
pub enum Target<'a> {
    Content(&'a Content),
    Comment(&'a Comment),
    Attachment(&'a Attachment),
}

/// Finds what `raw` names among the things the user can see (in any status), else 404.
pub fn find<'a>(store: &'a Store, user: &User, raw: &str) -> ApiResult<Target<'a>> {
    let id = parse_content_id(raw)?;
    if !raw.trim().starts_with("att") {
        if let Some(c) = store.readable_content(user, id) {
            return Ok(Target::Content(c));
        }
        if let Some(c) = store.readable_comment(user, id) {
            return Ok(Target::Comment(c));
        }
    }
    if let Some(a) = store.readable_attachment(user, id) {
        return Ok(Target::Attachment(a));
    }
    Err(no_content(id))
}

/// A page or blog post by id if the caller can see it (404 otherwise). With `editing` (such
/// as "edit labels on"), the caller must also be allowed to edit it, else 403.
pub fn readable_content<'a>(
    store: &'a Store,
    user: &User,
    raw: &str,
    editing: Option<&str>,
) -> ApiResult<&'a Content> {
    let id = ApiError::parse_id(V1, raw)?;
    let content = store
        .readable_content(user, id)
        .ok_or_else(|| ApiError::not_found(V1, format!("No content with id {id} found")))?;
    if let Some(what) = editing
        && !store.can_write_content(user, content)
    {
        return Err(ApiError::forbidden(
            V1,
            format!("User does not have permission to {what} content {id}"),
        ));
    }
    Ok(content)
}

/// Body-limit and other body read failures answer in v1's error shape.
pub fn body_bytes(body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|e| ApiError::new(V1, e.status(), e.body_text()))
}

/// An id in a request body: `"123"` or `123`.
pub fn id_value(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// The `status` filter: `current` by default, `any` for everything.
fn status_filter(params: &Params) -> ApiResult<Option<Vec<Status>>> {
    let wanted = params.all("status");
    if wanted.is_empty() {
        return Ok(Some(vec![Status::Current]));
    }
    if wanted.iter().any(|s| s == "any") {
        return Ok(None);
    }
    wanted
        .iter()
        .filter(|s| *s != "historical" && *s != "deleted")
        .map(|s| {
            Status::parse(s).ok_or_else(|| {
                ApiError::bad_request(
                    V1,
                    format!("Invalid status '{s}': use current, trashed, draft, archived or any"),
                )
            })
        })
        .collect::<ApiResult<Vec<_>>>()
        .map(Some)
}

async fn list(
    ctx: Ctx,
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let kind = match params.get("type").unwrap_or("page") {
        "page" => ContentKind::Page,
        "blogpost" => ContentKind::BlogPost,
        other => {
            return Err(ApiError::bad_request(
                V1,
                format!("Content type '{other}' cannot be listed here: use page or blogpost"),
            ));
        }
    };
    let statuses = status_filter(&params)?;
    let posting_day = match params.get("postingDay") {
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(V1, format!("postingDay must be yyyy-mm-dd, got '{d}'"))
            })?,
        ),
        None => None,
    };
    let mut ex = params.expand();
    if ex.is_empty() {
        ex = Expand::of(&["space", "history", "version"]);
    }
    let window = params.start_window(200)?;
    let store = state.read();
    let space_id = match params.get("spaceKey") {
        Some(key) => match store.space_by_key(key) {
            Some(s) if store.can_read_space(&ctx.user, s.id) => Some(s.id),
            _ => Some(0),
        },
        None => None,
    };
    let title = params.get("title");
    let mut items: Vec<&Content> = store
        .contents
        .values()
        .filter(|c| {
            c.kind == kind
                && space_id.is_none_or(|s| c.space_id == s)
                && statuses.as_ref().is_none_or(|st| st.contains(&c.status))
                && title.is_none_or(|t| c.title().eq_ignore_ascii_case(t.trim()))
                && posting_day.is_none_or(|d| c.created_at.date_naive() == d)
                && store.can_read_content(&ctx.user, c)
        })
        .collect();
    sort_by_orderby(&mut items, params.get("orderby"))?;
    let r = Renderer::new(&state, &store, &ctx.user);
    let values = items
        .into_iter()
        .map(|c| cj::content(&r, c, None, &ex, false))
        .collect();
    Ok(axum::Json(crate::pagination::v1_list(&state, &uri, values, window)).into_response())
}

/// `orderby=history.createdDate desc`, `title`, `version.when` (`lastModified`); id otherwise.
fn sort_by_orderby(items: &mut [&Content], orderby: Option<&str>) -> ApiResult<()> {
    let Some(raw) = orderby.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    let mut parts = raw.split_whitespace();
    let field = parts.next().unwrap_or("");
    let desc = match parts.next().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                V1,
                format!("Unknown sort direction '{other}'"),
            ));
        }
    };
    match field {
        "title" => items.sort_by_key(|c| (c.title().to_lowercase(), c.id)),
        "history.createdDate" | "created" => items.sort_by_key(|c| (c.created_at, c.id)),
        "version.when" | "history.lastUpdated.when" | "lastModified" | "lastmodified" => {
            items.sort_by_key(|c| (c.last_modified(), c.id))
        }
        "id" => items.sort_by_key(|c| c.id),
        other => {
            return Err(ApiError::bad_request(
                V1,
                format!("Cannot order content by '{other}'"),
            ));
        }
    }
    if desc {
        items.reverse();
    }
    Ok(())
}

async fn get_one(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let statuses = status_filter(&params)?;
    let version: Option<u32> = match params.get("version") {
        Some(v) => Some(v.trim().parse().map_err(|_| {
            ApiError::bad_request(V1, format!("version must be a positive integer, got '{v}'"))
        })?),
        None => None,
    };
    let ex = params.expand();
    let store = state.read();
    let r = Renderer::new(&state, &store, &ctx.user);
    let value = match find(&store, &ctx.user, &raw)? {
        Target::Content(c) => {
            let wants_history = version.is_some_and(|n| n != c.version_number());
            if !wants_history && statuses.as_ref().is_some_and(|st| !st.contains(&c.status)) {
                return Err(no_content(c.id));
            }
            let at = match version {
                Some(n) => Some(c.versions.iter().find(|v| v.number == n).ok_or_else(|| {
                    ApiError::not_found(
                        V1,
                        format!(
                            "No content found with id: ContentId{{id={}}} and version {n}",
                            c.id
                        ),
                    )
                })?),
                None => None,
            };
            cj::content(&r, c, at, &ex, true)
        }
        Target::Comment(cm) => {
            if statuses.as_ref().is_some_and(|st| !st.contains(&cm.status)) {
                return Err(no_content(cm.id));
            }
            cj::comment(&r, cm, &ex, true)
        }
        Target::Attachment(a) => cj::attachment(&r, a, &ex, true),
    };
    Ok(axum::Json(value).into_response())
}
