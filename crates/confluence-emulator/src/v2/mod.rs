//! REST API v2 (`/wiki/api/v2/...`), in the shapes of Atlassian's OpenAPI document.
//! One file per resource family.

use crate::state::AppState;
use axum::Router;

pub mod attachments;
pub mod blogposts;
pub mod comments;
pub mod content;
pub mod content_routes;
pub mod content_write;
pub mod json;
pub mod labels;
pub mod pages;
pub mod request;
pub mod spaces;
pub mod users;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(spaces::routes())
        .merge(pages::routes())
        .merge(blogposts::routes())
        .merge(comments::routes())
        .merge(labels::routes())
        .merge(attachments::routes())
        .merge(users::routes())
}
