//! `/api/v2/pages`: CRUD and versions (shared with blog posts in [`super::content_routes`])
//! plus the page tree: children, direct children, ancestors and
//! descendants, each showing only pages the caller may read.

use super::content::find;
use super::content_routes::{self, Family};
use super::json;
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::{Window, v2_list, windowed};
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::{Content, ContentKind};
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use axum::routing::get;

const KIND: ContentKind = ContentKind::Page;

pub(crate) struct Pages;

impl Family for Pages {
    const KIND: ContentKind = KIND;
}

pub fn routes() -> Router<AppState> {
    content_routes::routes::<Pages>()
        .route("/api/v2/pages/{id}/children", get(children))
        .route("/api/v2/pages/{id}/direct-children", get(direct_children))
        .route("/api/v2/pages/{id}/ancestors", get(ancestors))
        .route("/api/v2/pages/{id}/descendants", get(descendants))
}

/// Sorts child pages by a `ChildPageSortOrder` (default: their position among siblings).
fn sort_children(items: &mut [&Content], sort: &str) {
    let descending = sort.starts_with('-');
    match sort.trim_start_matches('-') {
        "created-date" => items.sort_by_key(|c| (c.created_at, c.id)),
        "modified-date" => items.sort_by_key(|c| (c.last_modified(), c.id)),
        "id" => items.sort_by_key(|c| c.id),
        _ => items.sort_by_key(|c| (c.position, c.id)),
    }
    if descending {
        items.reverse();
    }
}

const CHILD_SORTS: &[&str] = &[
    "created-date",
    "-created-date",
    "id",
    "-id",
    "child-position",
    "-child-position",
    "modified-date",
    "-modified-date",
];

/// The readable child pages of a readable page, sorted, for the two children endpoints.
fn child_list(
    state: &AppState,
    ctx: &Ctx,
    uri: &axum::http::Uri,
    params: &Params,
    id: &str,
    render: fn(&Content) -> serde_json::Value,
) -> ApiResult<Response> {
    let sort = params
        .one_of("sort", CHILD_SORTS)?
        .unwrap_or("child-position");
    let window = params.window()?;
    let store = state.read();
    let page = find(&store, &ctx.user, KIND, id)?;
    let mut kids: Vec<&Content> = store
        .children(page.id)
        .into_iter()
        .filter(|c| c.kind == KIND && store.can_read_content(&ctx.user, c))
        .collect();
    sort_children(&mut kids, sort);
    let values = windowed(&kids, window, |c| render(c));
    Ok(v2_list(state, uri, values, window))
}

async fn children(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    child_list(&state, &ctx, &uri, &params, &id, json::child_page)
}

async fn direct_children(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    child_list(&state, &ctx, &uri, &params, &id, json::direct_child)
}

/// Root first. With `limit` below the depth, the nearest ancestors are returned; callers
/// continue from the first one, as Confluence documents.
async fn ancestors(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let limit = params.window()?.limit;
    let store = state.read();
    let page = find(&store, &ctx.user, KIND, &id)?;
    let all = store.ancestors(page.id);
    let skip = all.len().saturating_sub(limit);
    let values: Vec<_> = all.into_iter().skip(skip).map(json::ancestor).collect();
    let window = Window {
        offset: 0,
        limit: values.len().max(1),
    };
    Ok(v2_list(&state, &uri, values, window))
}

/// Breadth-first down to `depth` (1 to 5, default 5) levels.
async fn descendants(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let depth = params.integer("depth")?.unwrap_or(5);
    if !(1..=5).contains(&depth) {
        return Err(ApiError::bad_request(
            Flavor::V2,
            format!("depth must be between 1 and 5, got {depth}"),
        ));
    }
    let window = params.window()?;
    let store = state.read();
    let page = find(&store, &ctx.user, KIND, &id)?;
    // Read restrictions are inherited, so a hidden page hides its whole subtree as well.
    let found: Vec<(&Content, usize)> = store
        .descendants(page.id, depth as usize)
        .into_iter()
        .filter(|(c, _)| c.kind == KIND && store.can_read_content(&ctx.user, c))
        .collect();
    let values = windowed(&found, window, |(c, d)| json::descendant(c, *d));
    Ok(v2_list(&state, &uri, values, window))
}
