//! REST API v1 (`/wiki/rest/api/...`): CQL search and the content endpoints older clients use.

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
