//! The HTTP handlers pages and blog posts share: CRUD and versions under
//! `/api/v2/{pages|blogposts}`, delegating to [`super::content`] and [`super::content_write`].
//! Generic over a `Family` so each resource file only adds what is its own (the page tree).

use super::content::{self, Scope};
use super::content_write;
use crate::auth::Ctx;
use crate::errors::ApiResult;
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::ContentKind;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use axum::routing::get;

/// Which content kind a set of handlers serves, fixed at compile time so plain `async fn`
/// handlers can be registered without capturing closures.
pub(crate) trait Family: Send + Sync + 'static {
    const KIND: ContentKind;
}

/// `/api/v2/{kind}s`, `/{id}`, `/{id}/versions` and `/{id}/versions/{number}`.
pub(crate) fn routes<F: Family>() -> Router<AppState> {
    let base = format!("/api/v2/{}s", F::KIND.as_str());
    Router::new()
        .route(&base, get(list::<F>).post(create::<F>))
        .route(
            &format!("{base}/{{id}}"),
            get(get_one::<F>).put(update::<F>).delete(delete::<F>),
        )
        .route(&format!("{base}/{{id}}/versions"), get(versions::<F>))
        .route(
            &format!("{base}/{{id}}/versions/{{number}}"),
            get(version_detail::<F>),
        )
}

async fn list<F: Family>(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    params: Params,
) -> ApiResult<Response> {
    let scope = Scope {
        space_id: None,
        root_only: false,
    };
    content::list(&state, &ctx, &uri, &params, F::KIND, scope)
}

async fn get_one<F: Family>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    content::get(&state, &ctx, &params, F::KIND, &id)
}

async fn create<F: Family>(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Params,
    body: Bytes,
) -> ApiResult<Response> {
    content_write::create(&state, &ctx, &params, F::KIND, &body)
}

async fn update<F: Family>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    content_write::update(&state, &ctx, F::KIND, &id, &body)
}

async fn delete<F: Family>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    content_write::delete(&state, &ctx, &params, F::KIND, &id)
}

async fn versions<F: Family>(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    content::versions(&state, &ctx, &uri, &params, F::KIND, &id)
}

async fn version_detail<F: Family>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Response> {
    content::version_detail(&state, &ctx, F::KIND, &id, &number)
}
