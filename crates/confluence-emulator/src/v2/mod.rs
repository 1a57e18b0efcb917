//! REST API v2 (`/wiki/api/v2/...`), in the shapes of Atlassian's OpenAPI document.

use crate::state::AppState;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
}
