//! `/api/v2/blogposts`: the same operations as pages, minus the tree (see
//! [`super::content`] and [`super::content_write`]).

use super::content::{self, Scope};
use super::content_write;
use super::params::Params;
use crate::auth::Ctx;
use crate::errors::ApiResult;
use crate::state::AppState;
use crate::store::model::ContentKind;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::response::Response;
use axum::routing::get;

const KIND: ContentKind = ContentKind::BlogPost;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/blogposts", get(list).post(create))
        .route(
            "/api/v2/blogposts/{id}",
            get(get_one).put(update).delete(delete),
        )
        .route("/api/v2/blogposts/{id}/versions", get(versions))
        .route(
            "/api/v2/blogposts/{id}/versions/{number}",
            get(version_detail),
        )
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let params = Params::from_query(query.as_deref());
    let scope = Scope {
        space_id: None,
        root_only: false,
    };
    content::list(&state, &ctx, &uri, &params, KIND, scope)
}

async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    content::get(
        &state,
        &ctx,
        &Params::from_query(query.as_deref()),
        KIND,
        &id,
    )
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> ApiResult<Response> {
    content_write::create(
        &state,
        &ctx,
        &Params::from_query(query.as_deref()),
        KIND,
        &body,
    )
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    content_write::update(&state, &ctx, KIND, &id, &body)
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    content_write::delete(
        &state,
        &ctx,
        &Params::from_query(query.as_deref()),
        KIND,
        &id,
    )
}

async fn versions(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let params = Params::from_query(query.as_deref());
    content::versions(&state, &ctx, &uri, &params, KIND, &id)
}

async fn version_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Response> {
    content::version_detail(&state, &ctx, KIND, &id, &number)
}
