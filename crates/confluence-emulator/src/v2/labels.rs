//! Labels in v2: read-only lists (v2 has no add/remove; clients use v1 `content/{id}/label`).
//! A label is only ever listed through content the caller can read.

use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::v2_list;
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::{Content, ContentKind, Label, User};
use crate::v2::content::PAGE_SORTS;
use crate::v2::request::{BULK_FORMATS, body_json, iso};
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const V2: Flavor = Flavor::V2;
const PREFIXES: &[&str] = &["my", "team", "global", "system"];
const LABEL_SORTS: &[&str] = &[
    "created-date",
    "-created-date",
    "id",
    "-id",
    "name",
    "-name",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/pages/{id}/labels", get(page_labels))
        .route("/api/v2/blogposts/{id}/labels", get(blog_labels))
        .route("/api/v2/spaces/{id}/labels", get(space_labels))
        .route(
            "/api/v2/spaces/{id}/content/labels",
            get(space_content_labels),
        )
        .route("/api/v2/labels", get(all_labels))
        .route("/api/v2/labels/{id}/pages", get(label_pages))
        .route("/api/v2/labels/{id}/blogposts", get(label_blogposts))
}

pub fn label_json(label: &Label) -> Value {
    json!({ "id": label.id.to_string(), "name": label.name, "prefix": label.prefix })
}

/// Filters by `prefix`, sorts by `sort` (default: the order the labels were added) and pages.
fn label_list(state: &AppState, uri: &Uri, mut labels: Vec<Label>) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    let prefixes = params.choices(V2, "prefix", PREFIXES)?;
    let sort = params.choice(V2, "sort", LABEL_SORTS)?;
    let window = params.window()?;
    if !prefixes.is_empty() {
        labels.retain(|l| prefixes.contains(&l.prefix));
    }
    match sort.as_deref().map(|s| s.trim_start_matches('-')) {
        Some("id") => labels.sort_by_key(|l| l.id),
        Some("name") => labels.sort_by(|a, b| a.name.cmp(&b.name)),
        _ => {}
    }
    if sort.as_deref().is_some_and(|s| s.starts_with('-')) {
        labels.reverse();
    }
    Ok(v2_list(
        state,
        uri,
        labels.iter().map(label_json).collect(),
        window,
    ))
}

fn content_labels(
    state: &AppState,
    user: &User,
    raw: &str,
    kind: ContentKind,
) -> ApiResult<Vec<Label>> {
    let id = ApiError::parse_id(V2, raw)?;
    let store = state.read();
    store
        .readable_content(user, id)
        .filter(|c| c.kind == kind)
        .map(|c| c.labels.clone())
        .ok_or_else(|| {
            ApiError::not_found(V2, format!("No {} with id {id} was found", kind.as_str()))
        })
}

async fn page_labels(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    let labels = content_labels(&s, &ctx.user, &id, ContentKind::Page)?;
    label_list(&s, &u, labels)
}

async fn blog_labels(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    let labels = content_labels(&s, &ctx.user, &id, ContentKind::BlogPost)?;
    label_list(&s, &u, labels)
}

fn readable_space(store: &Store, user: &User, raw: &str) -> ApiResult<u64> {
    let id = ApiError::parse_id(V2, raw)?;
    if store.can_read_space(user, id) {
        Ok(id)
    } else {
        Err(ApiError::not_found(
            V2,
            format!("No space with id {id} was found"),
        ))
    }
}

/// Labels on the space itself. The emulator has no space labels (space categories), so the
/// list is empty for any space the caller can see.
async fn space_labels(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    readable_space(&s.read(), &ctx.user, &id)?;
    label_list(&s, &u, Vec::new())
}

/// Distinct labels used on the readable pages and blog posts of `spaces` (all when `None`).
fn distinct_labels(store: &Store, user: &User, space: Option<u64>) -> Vec<Label> {
    let mut seen: BTreeMap<u64, Label> = BTreeMap::new();
    for c in store.contents.values() {
        if space.is_some_and(|s| s != c.space_id) || !store.can_read_content(user, c) {
            continue;
        }
        for l in &c.labels {
            seen.entry(l.id).or_insert_with(|| l.clone());
        }
    }
    seen.into_values().collect()
}

async fn space_content_labels(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    let labels = {
        let store = s.read();
        let space = readable_space(&store, &ctx.user, &id)?;
        distinct_labels(&store, &ctx.user, Some(space))
    };
    label_list(&s, &u, labels)
}

async fn all_labels(
    ctx: Ctx,
    State(s): State<AppState>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&u);
    let ids = params
        .all("label-id")
        .iter()
        .map(|raw| ApiError::parse_id(V2, raw))
        .collect::<ApiResult<Vec<u64>>>()?;
    let mut labels = distinct_labels(&s.read(), &ctx.user, None);
    if !ids.is_empty() {
        labels.retain(|l| ids.contains(&l.id));
    }
    label_list(&s, &u, labels)
}

async fn label_pages(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    labelled_content(&s, &u, &ctx.user, &id, ContentKind::Page)
}

async fn label_blogposts(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    labelled_content(&s, &u, &ctx.user, &id, ContentKind::BlogPost)
}

/// Readable current pages (or blog posts) carrying label `raw`, in v2's bulk shape.
fn labelled_content(
    state: &AppState,
    uri: &Uri,
    user: &User,
    raw: &str,
    kind: ContentKind,
) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    let label_id = ApiError::parse_id(V2, raw)?;
    let format = params.choice(V2, "body-format", BULK_FORMATS)?;
    let sort = params.choice(V2, "sort", PAGE_SORTS)?;
    let spaces = params
        .all("space-id")
        .iter()
        .map(|raw| ApiError::parse_id(V2, raw))
        .collect::<ApiResult<Vec<u64>>>()?;
    let window = params.window()?;
    let items = {
        let store = state.read();
        if !store.label_ids.values().any(|id| *id == label_id) {
            return Err(ApiError::not_found(
                V2,
                format!("No label with id {label_id} was found"),
            ));
        }
        let mut found: Vec<&Content> = store
            .contents
            .values()
            .filter(|c| {
                c.kind == kind
                    && c.status == crate::store::model::Status::Current
                    && c.labels.iter().any(|l| l.id == label_id)
                    && (spaces.is_empty() || spaces.contains(&c.space_id))
                    && store.can_read_content(user, c)
            })
            .collect();
        match sort.as_deref().map(|s| s.trim_start_matches('-')) {
            Some("created-date") => found.sort_by_key(|c| (c.created_at, c.id)),
            Some("modified-date") => found.sort_by_key(|c| (c.last_modified(), c.id)),
            Some("title") => found.sort_by(|a, b| a.title().cmp(b.title())),
            _ => found.sort_by_key(|c| c.id),
        }
        if sort.as_deref().is_some_and(|s| s.starts_with('-')) {
            found.reverse();
        }
        found
            .into_iter()
            .map(|c| content_bulk_json(&store, c, format.as_deref()))
            .collect()
    };
    Ok(v2_list(state, uri, items, window))
}

/// A page or blog post in v2's `PageBulk`/`BlogPostBulk` shape.
fn content_bulk_json(store: &Store, c: &Content, format: Option<&str>) -> Value {
    let key = store
        .spaces
        .get(&c.space_id)
        .map(|s| s.key.as_str())
        .unwrap_or_default();
    let slug: String = url::form_urlencoded::byte_serialize(c.title().as_bytes()).collect();
    let v = c.current();
    let section = match c.kind {
        ContentKind::Page => "pages",
        ContentKind::BlogPost => "blog",
    };
    let mut out = json!({
        "id": c.id.to_string(),
        "status": c.status.as_str(),
        "title": c.title(),
        "spaceId": c.space_id.to_string(),
        "authorId": c.author_id,
        "createdAt": iso(c.created_at),
        "version": {
            "createdAt": iso(v.created_at),
            "message": v.message,
            "number": v.number,
            "minorEdit": v.minor_edit,
            "authorId": v.author_id,
        },
        "body": body_json(&v.body, format),
        "_links": {
            "webui": format!("/spaces/{key}/{section}/{}/{slug}", c.id),
            "editui": format!("/pages/resumedraft.action?draftId={}", c.id),
            "tinyui": format!("/x/{}", c.id),
        },
    });
    if c.kind == ContentKind::Page {
        if let Some(parent) = c.parent_id {
            out["parentId"] = json!(parent.to_string());
            out["parentType"] = json!("page");
        }
        out["position"] = json!(c.position);
        out["ownerId"] = json!(c.owner_id);
        out["lastOwnerId"] = Value::Null;
    }
    out
}
