//! Who is calling: Basic `email:api-token` on the site style, Bearer access tokens on the
//! OAuth gateway style. Runs before every API handler; handlers get a [`Ctx`].

use crate::errors::{ApiError, Flavor};
use crate::server::GatewayCloudId;
use crate::state::AppState;
use crate::store::model::User;
use axum::extract::{FromRequestParts, OriginalUri, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use subtle::ConstantTimeEq;

/// Which way the caller reached the API; it decides auth and what v1 still answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiStyle {
    Site,
    OAuth { cloud_id: String },
}

/// The authenticated caller, put into request extensions by [`authenticate_site`] or [`authenticate_oauth`].
#[derive(Clone, Debug)]
pub struct Caller {
    pub account_id: String,
    pub style: ApiStyle,
}

/// What handlers receive: the caller's current user record (grants may change at run time).
pub struct Ctx {
    pub user: User,
    pub style: ApiStyle,
}

/// API generation of a path below `/wiki`, for choosing the error shape.
pub fn flavor_of(path: &str) -> Flavor {
    if path.contains("/api/v2/") {
        Flavor::V2
    } else {
        Flavor::V1
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Ctx, ApiError> {
        let flavor = flavor_of(parts.uri.path());
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized(flavor, "Authentication required"))?;
        let user = state
            .read()
            .user_by_account(&caller.account_id)
            .cloned()
            .ok_or_else(|| ApiError::unauthorized(flavor, "The user no longer exists"))?;
        Ok(Ctx {
            user,
            style: caller.style,
        })
    }
}

fn unauthorized_basic(flavor: Flavor, message: &str) -> Response {
    ApiError::unauthorized(flavor, message)
        .with_header("WWW-Authenticate", "Basic realm=\"Confluence\"")
        .into_response()
}

/// Site style: Basic auth with an Atlassian account email and API token.
pub async fn authenticate_site(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let flavor = flavor_of(req.uri().path());
    let Some(raw) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return unauthorized_basic(
            flavor,
            "Authentication required: send Basic auth with your Atlassian email and an API token",
        );
    };
    let Some(encoded) = raw
        .strip_prefix("Basic ")
        .or_else(|| raw.strip_prefix("basic "))
    else {
        return unauthorized_basic(
            flavor,
            "Only Basic email:api-token auth is accepted on the site URL; OAuth access tokens go through /ex/confluence/{cloudId}/wiki",
        );
    };
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some((email, token)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
        return unauthorized_basic(
            flavor,
            "Malformed Basic credentials: expected base64 of email:api-token",
        );
    };
    let account_id = {
        let store = state.read();
        store
            .user_by_email(email)
            .filter(|u| bool::from(u.api_token.as_bytes().ct_eq(token.as_bytes())))
            .map(|u| u.account_id.clone())
    };
    let Some(account_id) = account_id else {
        return unauthorized_basic(flavor, "Invalid email or API token");
    };
    req.extensions_mut().insert(Caller {
        account_id,
        style: ApiStyle::Site,
    });
    next.run(req).await
}

/// The OAuth gateway's 401 body, which differs from the site's.
fn oauth_unauthorized(message: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [("WWW-Authenticate", "Bearer realm=\"api.atlassian.com\"")],
        axum::Json(serde_json::json!({ "code": 401, "message": message })),
    )
        .into_response()
}

/// OAuth gateway style: `/ex/confluence/{cloudId}/wiki/...` with a Bearer access token.
/// Through this gateway v1 content endpoints are gone (410), as on Atlassian since August 2026.
pub async fn authenticate_oauth(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(GatewayCloudId(cloud_id)) = req.extensions().get::<GatewayCloudId>().cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if cloud_id != state.cloud_id {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"code": 404, "message": format!("No site with cloud id {cloud_id}")})),
        )
            .into_response();
    }
    let Some(token) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
    else {
        return oauth_unauthorized("Unauthorized: send an OAuth 2.0 Bearer access token");
    };
    let account_id = match state.oauth.validate_access_token(token) {
        Ok(account_id) => account_id,
        Err(reason) => return oauth_unauthorized(reason),
    };
    let original_path = req
        .extensions()
        .get::<OriginalUri>()
        .map(|u| u.path().to_owned())
        .unwrap_or_default();
    if crate::pagination::site_relative_path(&original_path.parse().unwrap_or_default())
        .starts_with("/wiki/rest/api/content")
    {
        return ApiError::new(
            Flavor::V1,
            StatusCode::GONE,
            "This v1 content endpoint has been removed for OAuth apps; use the REST API v2 (/wiki/api/v2/...)",
        )
        .into_response();
    }
    req.extensions_mut().insert(Caller {
        account_id,
        style: ApiStyle::OAuth { cloud_id },
    });
    next.run(req).await
}
