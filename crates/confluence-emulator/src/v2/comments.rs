//! Footer and inline comments (`/api/v2/footer-comments`, `/api/v2/inline-comments` and the
//! per-page and per-blog-post lists). Both kinds share one model and most handlers; the
//! inline-only parts (text anchoring, resolution) live in `comments/inline.rs`.
//!
//! Permissions follow Confluence: anyone who can read a page (which needs a space grant) may
//! comment on it; only a comment's author, a space admin or a site admin may edit or delete it.

mod footer;
mod history;
mod inline;
mod write;

use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::v2_list;
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::{
    Access, Comment, CommentKind, Content, ContentKind, InlineAnchor, Status, User, Version,
};
use crate::v2::request::{BULK_FORMATS, SINGLE_FORMATS, body_json, iso};
use axum::Router;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const V2: Flavor = Flavor::V2;
const SORTS: &[&str] = &[
    "created-date",
    "-created-date",
    "modified-date",
    "-modified-date",
];
const STATUSES: &[&str] = &[
    "current",
    "archived",
    "trashed",
    "deleted",
    "historical",
    "draft",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(footer::routes())
        .merge(inline::routes())
}

/// Which comments a list endpoint covers.
enum Scope<'a> {
    /// Top-level comments on a page or blog post (the raw path id).
    On(ContentKind, &'a str),
    /// Direct replies to a comment.
    Replies(&'a str),
    /// Every comment of the kind the caller can see.
    All,
}

/// The v2 models differ a little by endpoint: lists on a container carry the container id,
/// children carry their parent, single reads carry both.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Single,
    OnContainer,
    Child,
}

fn kind_name(kind: CommentKind) -> &'static str {
    match kind {
        CommentKind::Footer => "footer-comments",
        CommentKind::Inline => "inline-comments",
    }
}

/// A readable page or blog post of the expected kind; anything else is a 404.
fn container<'a>(
    store: &'a Store,
    user: &User,
    raw: &str,
    kind: ContentKind,
) -> ApiResult<&'a Content> {
    let id = ApiError::parse_id(V2, raw)?;
    store
        .readable_content(user, id)
        .filter(|c| c.kind == kind)
        .ok_or_else(|| {
            ApiError::not_found(V2, format!("No {} with id {id} was found", kind.as_str()))
        })
}

/// A readable comment of the expected kind; anything else is a 404.
fn comment<'a>(
    store: &'a Store,
    user: &User,
    raw: &str,
    kind: CommentKind,
) -> ApiResult<&'a Comment> {
    let id = ApiError::parse_id(V2, raw)?;
    store
        .readable_comment(user, id)
        .filter(|c| c.kind == kind)
        .ok_or_else(|| ApiError::not_found(V2, format!("No comment with id {id} was found")))
}

fn author(comment: &Comment) -> &str {
    comment
        .versions
        .first()
        .map(|v| v.author_id.as_str())
        .unwrap_or_default()
}

/// The author, the space's admins and site admins may change or delete a comment.
fn may_edit(store: &Store, user: &User, comment: &Comment) -> bool {
    if user.site_admin || author(comment) == user.account_id {
        return true;
    }
    store
        .contents
        .get(&comment.container_id)
        .and_then(|c| store.space_access(user, c.space_id))
        == Some(Access::Admin)
}

fn version_json(v: &Version) -> Value {
    json!({
        "createdAt": iso(v.created_at),
        "message": v.message,
        "number": v.number,
        "minorEdit": v.minor_edit,
        "authorId": v.author_id,
    })
}

fn webui(store: &Store, c: &Comment) -> String {
    let Some(content) = store.contents.get(&c.container_id) else {
        return String::new();
    };
    let key = store
        .spaces
        .get(&content.space_id)
        .map(|s| s.key.as_str())
        .unwrap_or_default();
    let slug: String = url::form_urlencoded::byte_serialize(content.title().as_bytes()).collect();
    let section = match content.kind {
        ContentKind::Page => "pages",
        ContentKind::BlogPost => "blog",
    };
    format!(
        "/spaces/{key}/{section}/{}/{slug}?focusedCommentId={}",
        content.id, c.id
    )
}

/// The anchor of an inline comment: its own, or for a reply, its thread's root.
fn anchor<'a>(store: &'a Store, c: &'a Comment) -> Option<&'a InlineAnchor> {
    let mut current = c;
    for _ in 0..1_000 {
        if let Some(a) = &current.inline {
            return Some(a);
        }
        current = store.comments.get(&current.parent_comment_id?)?;
    }
    None
}

fn comment_json(
    store: &Store,
    c: &Comment,
    version: &Version,
    format: Option<&str>,
    shape: Shape,
) -> Value {
    let mut v = json!({
        "id": c.id.to_string(),
        "status": c.status.as_str(),
        "title": version.title,
        "version": version_json(version),
        "body": body_json(&version.body, format),
        "_links": { "webui": webui(store, c) },
    });
    if shape != Shape::Child
        && let Some(content) = store.contents.get(&c.container_id)
    {
        let key = match content.kind {
            ContentKind::Page => "pageId",
            ContentKind::BlogPost => "blogPostId",
        };
        v[key] = json!(content.id.to_string());
    }
    if shape != Shape::OnContainer
        && let Some(parent) = c.parent_comment_id
    {
        v["parentCommentId"] = json!(parent.to_string());
    }
    if c.kind == CommentKind::Inline
        && let Some(a) = anchor(store, c)
    {
        v["resolutionStatus"] = json!(a.resolution_status);
        v["properties"] = json!({
            "inlineMarkerRef": a.marker_ref,
            "inlineOriginalSelection": a.text_selection,
            "inline-marker-ref": a.marker_ref,
            "inline-original-selection": a.text_selection,
        });
    }
    v
}

fn sort_comments(items: &mut [&Comment], sort: Option<&str>) {
    match sort.unwrap_or("created-date").trim_start_matches('-') {
        "modified-date" => items.sort_by_key(|c| (c.current().created_at, c.id)),
        _ => items.sort_by_key(|c| (c.created_at, c.id)),
    }
    if sort.is_some_and(|s| s.starts_with('-')) {
        items.reverse();
    }
}

fn list(
    state: &AppState,
    uri: &Uri,
    user: &User,
    kind: CommentKind,
    scope: Scope<'_>,
) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    let format = params.choice(V2, "body-format", BULK_FORMATS)?;
    let sort = params.choice(V2, "sort", SORTS)?;
    let statuses = params.choices(V2, "status", STATUSES)?;
    let resolutions = match kind {
        CommentKind::Inline => params.choices(V2, "resolution-status", inline::RESOLUTIONS)?,
        CommentKind::Footer => Vec::new(),
    };
    let window = params.window()?;
    let items: Vec<Value> = {
        let store = state.read();
        let (mut found, shape): (Vec<&Comment>, Shape) = match scope {
            Scope::On(content_kind, raw) => {
                let content = container(&store, user, raw, content_kind)?;
                let top = store
                    .comments
                    .values()
                    .filter(|c| {
                        c.container_id == content.id
                            && c.kind == kind
                            && c.parent_comment_id.is_none()
                    })
                    .collect();
                (top, Shape::OnContainer)
            }
            Scope::Replies(raw) => {
                let parent = comment(&store, user, raw, kind)?;
                (store.comment_replies(parent.id), Shape::Child)
            }
            Scope::All => {
                let all = store
                    .comments
                    .values()
                    .filter(|c| {
                        c.kind == kind && store.readable_content(user, c.container_id).is_some()
                    })
                    .collect();
                (all, Shape::Single)
            }
        };
        found.retain(|c| {
            let status_ok = if statuses.is_empty() {
                c.status == Status::Current
            } else {
                statuses.iter().any(|s| s == c.status.as_str())
            };
            let resolution_ok = resolutions.is_empty()
                || anchor(&store, c).is_some_and(|a| resolutions.contains(&a.resolution_status));
            status_ok && resolution_ok
        });
        sort_comments(&mut found, sort.as_deref());
        found
            .into_iter()
            .map(|c| comment_json(&store, c, c.current(), format.as_deref(), shape))
            .collect()
    };
    Ok(v2_list(state, uri, items, window))
}

fn parse_version_number(raw: &str) -> ApiResult<u32> {
    raw.trim().parse::<u32>().map_err(|_| {
        ApiError::bad_request(
            V2,
            format!("Version number must be a positive integer, got '{raw}'"),
        )
    })
}

fn get_one(
    state: &AppState,
    uri: &Uri,
    user: &User,
    kind: CommentKind,
    raw: &str,
) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    let format = params.choice(V2, "body-format", SINGLE_FORMATS)?;
    let include_version = params.exact_flag("include-version", true)?;
    let include_versions = params.exact_flag("include-versions", false)?;
    let include_properties = params.exact_flag("include-properties", false)?;
    let include_operations = params.exact_flag("include-operations", false)?;
    let include_likes = params.exact_flag("include-likes", false)?;
    let store = state.read();
    let c = comment(&store, user, raw, kind)?;
    let version = match params.get("version").filter(|v| !v.is_empty()) {
        None => c.current(),
        Some(n) => {
            let n = parse_version_number(n)?;
            c.versions.iter().find(|v| v.number == n).ok_or_else(|| {
                ApiError::not_found(V2, format!("Comment {} has no version {n}", c.id))
            })?
        }
    };
    let mut v = comment_json(&store, c, version, format.as_deref(), Shape::Single);
    let empty = || json!({ "results": [], "meta": { "hasMore": false } });
    if !include_version && let Some(obj) = v.as_object_mut() {
        obj.remove("version");
    }
    if include_versions {
        let listed: Vec<Value> = c.versions.iter().rev().take(50).map(version_json).collect();
        v["versions"] = json!({
            "results": listed,
            "meta": { "hasMore": c.versions.len() > 50 },
            "_links": { "self": format!("/api/v2/{}/{}/versions", kind_name(kind), c.id) },
        });
    }
    if include_properties {
        let props = v.get("properties").cloned().unwrap_or_else(|| json!({}));
        let mut merged = empty();
        if let (Some(target), Some(source)) = (merged.as_object_mut(), props.as_object()) {
            target.extend(source.clone());
        }
        v["properties"] = merged;
    }
    if include_operations {
        let mut ops = vec![json!({ "operation": "read", "targetType": "comment" })];
        if may_edit(&store, user, c) {
            ops.push(json!({ "operation": "update", "targetType": "comment" }));
            ops.push(json!({ "operation": "delete", "targetType": "comment" }));
        }
        v["operations"] = json!({ "results": ops, "meta": { "hasMore": false } });
    }
    if include_likes {
        v["likes"] = empty();
    }
    v["_links"]["base"] = json!(state.wiki_base());
    Ok(axum::Json(v).into_response())
}
