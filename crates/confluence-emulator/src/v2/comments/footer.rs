//! Footer-comment routes; the handlers are shared with inline comments.

use super::history::{version_detail, versions};
use super::write::{create, delete, update};
use super::{Scope, get_one, list};
use crate::auth::Ctx;
use crate::errors::ApiResult;
use crate::state::AppState;
use crate::store::model::{CommentKind, ContentKind};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/pages/{id}/footer-comments", get(page_footer))
        .route("/api/v2/blogposts/{id}/footer-comments", get(blog_footer))
        .route(
            "/api/v2/footer-comments",
            get(all_footer).post(create_footer),
        )
        .route(
            "/api/v2/footer-comments/{id}",
            get(get_footer).put(update_footer).delete(delete_footer),
        )
        .route(
            "/api/v2/footer-comments/{id}/children",
            get(footer_children),
        )
        .route(
            "/api/v2/footer-comments/{id}/versions",
            get(footer_versions),
        )
        .route(
            "/api/v2/footer-comments/{id}/versions/{number}",
            get(footer_version),
        )
}

async fn page_footer(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(
        &s,
        &u,
        &ctx.user,
        CommentKind::Footer,
        Scope::On(ContentKind::Page, &id),
    )
}

async fn blog_footer(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(
        &s,
        &u,
        &ctx.user,
        CommentKind::Footer,
        Scope::On(ContentKind::BlogPost, &id),
    )
}

async fn all_footer(
    ctx: Ctx,
    State(s): State<AppState>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, CommentKind::Footer, Scope::All)
}

async fn footer_children(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, CommentKind::Footer, Scope::Replies(&id))
}

async fn get_footer(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    get_one(&s, &u, &ctx.user, CommentKind::Footer, &id)
}

async fn create_footer(
    ctx: Ctx,
    State(s): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    create(&s, &ctx.user, CommentKind::Footer, body)
}

async fn update_footer(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    update(&s, &ctx.user, CommentKind::Footer, &id, body)
}

async fn delete_footer(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    delete(&s, &ctx.user, CommentKind::Footer, &id)
}

async fn footer_versions(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    versions(&s, &u, &ctx.user, CommentKind::Footer, &id)
}

async fn footer_version(
    ctx: Ctx,
    State(s): State<AppState>,
    Path((id, n)): Path<(String, String)>,
) -> ApiResult<Response> {
    version_detail(&s, &ctx.user, CommentKind::Footer, &id, &n)
}
