//! v1 users: `GET /rest/api/user/current` and `GET /rest/api/user?accountId=`.

use super::json::{Params, V1, user_json};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rest/api/user/current", get(current))
        .route("/rest/api/user", get(by_account))
}

async fn current(ctx: Ctx, State(state): State<AppState>) -> ApiResult<Response> {
    let mut value = user_json(&state, &ctx.user);
    value["timeZone"] = json!("Etc/UTC");
    value["locale"] = json!("en_US");
    value["accountStatus"] = json!("active");
    value["_links"]["base"] = json!(state.wiki_base());
    value["_links"]["context"] = json!("/wiki");
    Ok(axum::Json(value).into_response())
}

/// Cloud identifies users by account id only; `username`/`key` were removed for privacy.
async fn by_account(
    _ctx: Ctx,
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let Some(account_id) = params.get("accountId").filter(|a| !a.trim().is_empty()) else {
        let message = if params.get("username").is_some() || params.get("key").is_some() {
            "The username and key parameters are no longer supported; use accountId"
        } else {
            "accountId is required"
        };
        return Err(ApiError::bad_request(V1, message));
    };
    let store = state.read();
    let user = store.user_by_account(account_id.trim()).ok_or_else(|| {
        ApiError::not_found(V1, format!("No user found with accountId {account_id}"))
    })?;
    let mut value = user_json(&state, user);
    value["_links"]["base"] = json!(state.wiki_base());
    value["_links"]["context"] = json!("/wiki");
    Ok(axum::Json(value).into_response())
}
