//! v1 spaces: `GET /rest/api/space`, `/space/{key}`, `/space/{key}/content[/{type}]`.
//! Only spaces the caller may read exist for them.

use super::content_json::{self as cj};
use super::json::{Expand, Renderer, V1, add_site_links, no_space};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult};
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::*;
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rest/api/space", get(list))
        .route("/rest/api/space/{key}", get(get_one))
        .route("/rest/api/space/{key}/content", get(content_all))
        .route("/rest/api/space/{key}/content/{kind}", get(content_of_type))
}

/// Spaces come back ordered by key, as Confluence documents.
async fn list(
    ctx: Ctx,
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let window = params.start_window(250)?;
    let keys = params.all("spaceKey");
    let ids = params.all("spaceId");
    let space_type = params.get("type");
    if let Some(t) = space_type
        && !matches!(t, "global" | "personal")
    {
        return Err(ApiError::bad_request(
            V1,
            format!("Unknown space type '{t}': use global or personal"),
        ));
    }
    let status = params.get("status");
    if let Some(s) = status
        && !matches!(s, "current" | "archived")
    {
        return Err(ApiError::bad_request(
            V1,
            format!("Unknown space status '{s}': use current or archived"),
        ));
    }
    let ex = params.expand();
    let store = state.read();
    let mut spaces: Vec<&Space> = store
        .spaces
        .values()
        .filter(|s| store.can_read_space(&ctx.user, s.id))
        .filter(|s| keys.is_empty() || keys.iter().any(|k| k == &s.key))
        .filter(|s| ids.is_empty() || ids.iter().any(|i| i == &s.id.to_string()))
        .filter(|s| space_type.is_none_or(|t| s.space_type.as_str() == t))
        .filter(|s| status.is_none_or(|st| s.status == st))
        .collect();
    spaces.sort_by(|a, b| a.key.cmp(&b.key));
    let r = Renderer::new(&state, &store, &ctx.user);
    let items = spaces.into_iter().map(|s| r.space(s, &ex)).collect();
    Ok(axum::Json(crate::pagination::v1_list(&state, &uri, items, window)).into_response())
}

fn readable_space<'a>(store: &'a Store, user: &User, key: &str) -> ApiResult<&'a Space> {
    store
        .space_by_key(key)
        .filter(|s| store.can_read_space(user, s.id))
        .ok_or_else(|| no_space(key))
}

async fn get_one(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(key): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let store = state.read();
    let space = readable_space(&store, &ctx.user, &key)?;
    let r = Renderer::new(&state, &store, &ctx.user);
    let mut value = r.space(space, &params.expand());
    add_site_links(&mut value, &state);
    Ok(axum::Json(value).into_response())
}

/// Current pages or blog posts of the space the caller can see; `depth=root` keeps only
/// top-level pages.
fn items(
    r: &Renderer,
    space: &Space,
    kind: ContentKind,
    params: &Params,
    ex: &Expand,
) -> Vec<Value> {
    let root_only = params
        .get("depth")
        .is_some_and(|d| d.eq_ignore_ascii_case("root"));
    r.store
        .contents
        .values()
        .filter(|c| {
            c.space_id == space.id
                && c.kind == kind
                && c.status == Status::Current
                && (!root_only || c.parent_id.is_none())
                && r.store.can_read_content(r.viewer, c)
        })
        .map(|c| cj::content(r, c, None, ex, false))
        .collect()
}

async fn content_all(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(key): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let window = params.start_window(200)?;
    let ex = params.expand();
    let store = state.read();
    let space = readable_space(&store, &ctx.user, &key)?;
    let r = Renderer::new(&state, &store, &ctx.user);
    let typed = |kind: ContentKind| {
        let sub_uri: Uri = format!("/wiki/rest/api/space/{key}/content/{}", kind.as_str())
            .parse()
            .unwrap_or_default();
        crate::pagination::v1_list(
            &state,
            &sub_uri,
            items(&r, space, kind, &params, &ex),
            window,
        )
    };
    let body = json!({
        "page": typed(ContentKind::Page),
        "blogpost": typed(ContentKind::BlogPost),
        "_links": {"base": state.wiki_base(), "context": "/wiki"},
    });
    Ok(axum::Json(body).into_response())
}

async fn content_of_type(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((key, kind)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let kind = match kind.as_str() {
        "page" => ContentKind::Page,
        "blogpost" => ContentKind::BlogPost,
        other => {
            return Err(ApiError::bad_request(
                V1,
                format!("Unknown content type '{other}': use page or blogpost"),
            ));
        }
    };
    let window = params.start_window(200)?;
    let ex = params.expand();
    let store = state.read();
    let space = readable_space(&store, &ctx.user, &key)?;
    let r = Renderer::new(&state, &store, &ctx.user);
    let values = items(&r, space, kind, &params, &ex);
    Ok(axum::Json(crate::pagination::v1_list(&state, &uri, values, window)).into_response())
}
