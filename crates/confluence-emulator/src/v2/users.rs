//! Users: `POST /api/v2/users-bulk`, the v1 lookup `GET /rest/api/user?accountId=…` (which
//! v1 `_links.self` of users point to), and the v2 user shape. The v1 shape is
//! [`crate::v1::json::user_json`].

use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor, parse_json};
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::User;
use crate::v1::json::user_json;
use crate::v2::request::body_bytes;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, State};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

const V2: Flavor = Flavor::V2;
/// Confluence accepts 1 to 250 account ids per lookup.
const MAX_IDS: usize = 250;
const TIME_ZONE: &str = "Etc/UTC";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/users-bulk", post(users_bulk))
        .route("/rest/api/user", get(v1_user))
}

/// A user in v2's `User` shape.
pub fn v2_user_json(user: &User) -> Value {
    json!({
        "accountId": user.account_id,
        "accountType": "atlassian",
        "accountStatus": "active",
        "displayName": user.display_name,
        "publicName": user.display_name,
        "email": user.email,
        "timeZone": TIME_ZONE,
        "isExternalCollaborator": false,
        "profilePicture": { "path": "/wiki/aa-avatar/default.png", "isDefault": true },
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkRequest {
    account_ids: Option<Vec<String>>,
}

/// Looks up users by account id; unknown ids are left out, as Confluence does.
async fn users_bulk(
    _ctx: Ctx,
    State(s): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<axum::Json<Value>> {
    let bytes = body_bytes(V2, body)?;
    let req: BulkRequest = parse_json(V2, &bytes)?;
    let ids = req
        .account_ids
        .ok_or_else(|| ApiError::bad_request(V2, "accountIds is required"))?;
    if ids.is_empty() || ids.len() > MAX_IDS {
        return Err(ApiError::bad_request(
            V2,
            format!("accountIds must contain between 1 and {MAX_IDS} account ids"),
        ));
    }
    let results: Vec<Value> = {
        let store = s.read();
        let mut seen = std::collections::BTreeSet::new();
        ids.iter()
            .filter(|id| seen.insert(id.as_str()))
            .filter_map(|id| store.user_by_account(id))
            .map(v2_user_json)
            .collect()
    };
    Ok(axum::Json(
        json!({ "results": results, "_links": { "base": s.wiki_base() } }),
    ))
}

/// v1 single-user lookup by account id; 404 for unknown accounts.
async fn v1_user(
    _ctx: Ctx,
    State(s): State<AppState>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<axum::Json<Value>> {
    let params = Params::from_uri(&u);
    let account = params
        .get("accountId")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::bad_request(Flavor::V1, "accountId is required"))?;
    let store = s.read();
    let user = store.user_by_account(account).ok_or_else(|| {
        ApiError::not_found(Flavor::V1, format!("No user with account id {account}"))
    })?;
    Ok(axum::Json(user_json(&s.wiki_base(), user)))
}
