//! v1 users: `GET /rest/api/user/current`. (`GET /rest/api/user?accountId=` lives with the
//! v2 users in `v2/users.rs`.)

use super::json::{add_site_links, user_json};
use crate::auth::Ctx;
use crate::errors::ApiResult;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new().route("/rest/api/user/current", get(current))
}

async fn current(ctx: Ctx, State(state): State<AppState>) -> ApiResult<Response> {
    let mut value = user_json(&state.wiki_base(), &ctx.user);
    value["locale"] = json!("en_US");
    value["accountStatus"] = json!("active");
    add_site_links(&mut value, &state);
    Ok(axum::Json(value).into_response())
}
