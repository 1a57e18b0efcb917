//! REST API v1 (`/wiki/rest/api/...`): CQL search and the content endpoints older clients
//! (such as `mcp-atlassian`) use. One file per resource family.

use crate::state::AppState;
use axum::Router;

pub mod attachments;
pub mod content;
pub mod content_comments;
pub mod content_json;
pub mod content_meta;
pub mod content_tree;
pub mod content_write;
pub mod convert;
pub mod json;
pub mod labels;
pub mod restrictions;
pub mod search;
pub mod space;
pub mod space_admin;
pub mod user;
pub mod user_search;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(search::routes())
        .merge(content::routes())
        .merge(content_tree::routes())
        .merge(content_meta::routes())
        .merge(space::routes())
        .merge(space_admin::routes())
        .merge(user::routes())
        .merge(user_search::routes())
        .merge(labels::routes())
        .merge(attachments::routes())
        .merge(restrictions::routes())
}
