//! `/__admin/*`: what tests need to observe and steer the emulator (counters, faults, token
//! expiry and revocation). Bound to the same loopback listener; not part of Confluence.

use crate::faults::FaultSpec;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::sync::atomic::Ordering;

pub async fn stats(State(state): State<AppState>) -> Response {
    let s = &state.stats;
    Json(json!({
        "api_requests": s.api_requests.load(Ordering::Relaxed),
        "rate_limited": s.rate_limited.load(Ordering::Relaxed),
        "faults_injected": s.faults_injected.load(Ordering::Relaxed),
        "connections_dropped": s.connections_dropped.load(Ordering::Relaxed),
        "oauth": state.oauth.stats(),
        "faults": state.faults.spec(),
    }))
    .into_response()
}

pub async fn get_faults(State(state): State<AppState>) -> Response {
    Json(state.faults.spec()).into_response()
}

/// Replaces the live fault spec (JSON body with the [`FaultSpec`] fields).
pub async fn put_faults(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    let spec: FaultSpec = match serde_json::from_slice(&body) {
        Ok(spec) => spec,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error": e.to_string() })),
            )
                .into_response();
        }
    };
    if let Err(e) = spec.validate() {
        return (StatusCode::BAD_REQUEST, Json(json!({ "error": e }))).into_response();
    }
    state.faults.set(spec.clone());
    Json(spec).into_response()
}

/// Every OAuth token issued so far (a test double's inspection hook; no real server has it).
pub async fn issued_tokens(State(state): State<AppState>) -> Response {
    Json(json!({ "tokens": state.oauth.issued_tokens() })).into_response()
}

pub async fn expire_tokens(State(state): State<AppState>) -> Response {
    Json(json!({ "expired": state.oauth.expire_access_tokens() })).into_response()
}

#[derive(Deserialize)]
pub struct RevokeParams {
    email: String,
}

/// Revokes every OAuth grant of a user, as when they remove the app from their account.
pub async fn revoke(State(state): State<AppState>, Query(params): Query<RevokeParams>) -> Response {
    let account = state
        .read()
        .user_by_email(&params.email)
        .map(|u| u.account_id.clone());
    match account {
        Some(account_id) => {
            Json(json!({ "revoked_families": state.oauth.revoke_account(&account_id) }))
                .into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no such user" })),
        )
            .into_response(),
    }
}

pub async fn info(State(state): State<AppState>) -> Response {
    Json(crate::info::EmulatorInfo::from_state(&state)).into_response()
}
