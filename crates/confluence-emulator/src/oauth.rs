//! An OAuth 2.0 (3LO) authorization server modelled on Atlassian's: authorization codes with
//! PKCE, short-lived access tokens, and rotating refresh tokens whose reuse after a leeway
//! revokes the whole token family.

mod consent;

pub use consent::{AuthorizeParams, ConsentForm, authorize_consent, authorize_page};

use crate::config::EmulatorConfig;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

const CODE_TTL: Duration = Duration::from_secs(600);

/// Counters reported on the admin endpoint.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct OAuthStats {
    pub codes_issued: u64,
    pub access_tokens_issued: u64,
    /// Successful refresh_token grants.
    pub refreshes: u64,
    /// An already-rotated refresh token used again within the leeway (allowed).
    pub reuse_within_leeway: u64,
    /// An already-rotated refresh token used after the leeway (family revoked).
    pub reuse_detected: u64,
    /// Token families revoked, by reuse detection or by the admin endpoint.
    pub revocations: u64,
    pub invalid_grants: u64,
}

struct AuthCode {
    account_id: String,
    redirect_uri: String,
    scope: String,
    code_challenge: Option<(String, String)>,
    issued: Instant,
}

struct AccessToken {
    account_id: String,
    family: u64,
    expires: Instant,
}

struct RefreshToken {
    family: u64,
    /// When a newer token replaced this one; `None` while it is the family's current one.
    rotated_at: Option<Instant>,
}

struct Family {
    account_id: String,
    scope: String,
    revoked: bool,
}

#[derive(Default)]
struct Tokens {
    codes: HashMap<String, AuthCode>,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    families: HashMap<u64, Family>,
    next_family: u64,
    stats: OAuthStats,
}

pub struct OAuthServer {
    client_id: String,
    client_secret: String,
    token_ttl: Duration,
    leeway: Duration,
    tokens: Mutex<Tokens>,
}

/// Why a token request failed, as the OAuth error body says it.
struct GrantError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl IntoResponse for GrantError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(json!({ "error": self.error, "error_description": self.description })),
        )
            .into_response()
    }
}

fn invalid_request(description: impl Into<String>) -> GrantError {
    GrantError {
        status: StatusCode::BAD_REQUEST,
        error: "invalid_request",
        description: description.into(),
    }
}

fn invalid_grant(description: impl Into<String>) -> GrantError {
    GrantError {
        status: StatusCode::FORBIDDEN,
        error: "invalid_grant",
        description: description.into(),
    }
}

fn random_token(prefix: &str) -> String {
    format!(
        "{prefix}{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl OAuthServer {
    pub fn new(config: &EmulatorConfig) -> OAuthServer {
        OAuthServer {
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            token_ttl: Duration::from_secs(config.token_ttl_secs),
            leeway: Duration::from_secs(config.refresh_leeway_secs),
            tokens: Mutex::new(Tokens::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tokens> {
        self.tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn stats(&self) -> OAuthStats {
        self.lock().stats.clone()
    }

    /// Every access and refresh token issued so far (live, rotated or expired), so tests can
    /// check that a client never stores one in plain text.
    pub fn issued_tokens(&self) -> Vec<String> {
        let tokens = self.lock();
        tokens
            .access
            .keys()
            .chain(tokens.refresh.keys())
            .cloned()
            .collect()
    }

    /// The account behind a live access token, or why it is not live.
    pub fn validate_access_token(&self, token: &str) -> Result<String, &'static str> {
        let tokens = self.lock();
        let access = tokens
            .access
            .get(token)
            .ok_or("Unauthorized: unknown access token")?;
        if Instant::now() >= access.expires {
            return Err("Unauthorized: the access token has expired; refresh it");
        }
        match tokens.families.get(&access.family) {
            Some(family) if !family.revoked => Ok(access.account_id.clone()),
            _ => Err("Unauthorized: the grant was revoked; the user must consent again"),
        }
    }

    fn issue_code(&self, account_id: &str, params: &AuthorizeParams) -> String {
        let code = random_token("code-");
        let mut tokens = self.lock();
        tokens.stats.codes_issued += 1;
        tokens.codes.insert(
            code.clone(),
            AuthCode {
                account_id: account_id.to_owned(),
                redirect_uri: params.redirect_uri.clone(),
                scope: params.scope.clone().unwrap_or_default(),
                code_challenge: params.code_challenge.clone().map(|c| {
                    (
                        c,
                        params
                            .code_challenge_method
                            .clone()
                            .unwrap_or_else(|| "plain".to_owned()),
                    )
                }),
                issued: Instant::now(),
            },
        );
        code
    }

    fn check_client(&self, client_id: &str, client_secret: Option<&str>) -> Result<(), GrantError> {
        let id_ok = bool::from(client_id.as_bytes().ct_eq(self.client_id.as_bytes()));
        let secret_ok = client_secret
            .is_some_and(|s| bool::from(s.as_bytes().ct_eq(self.client_secret.as_bytes())));
        if id_ok && secret_ok {
            Ok(())
        } else {
            Err(GrantError {
                status: StatusCode::UNAUTHORIZED,
                error: "access_denied",
                description: "Unauthorized: unknown client_id or wrong client_secret".to_owned(),
            })
        }
    }

    /// Issues an access token (and a refresh token with `offline_access`) in `family`.
    fn issue_tokens(&self, tokens: &mut Tokens, family_id: u64) -> serde_json::Value {
        let Some(family) = tokens.families.get(&family_id) else {
            return json!({});
        };
        let account_id = family.account_id.clone();
        let scope = family.scope.clone();
        let access = random_token("emu-at-");
        tokens.access.insert(
            access.clone(),
            AccessToken {
                account_id,
                family: family_id,
                expires: Instant::now() + self.token_ttl,
            },
        );
        tokens.stats.access_tokens_issued += 1;
        let mut body = json!({
            "access_token": access,
            "expires_in": self.token_ttl.as_secs(),
            "token_type": "Bearer",
            "scope": scope,
        });
        if scope.split_whitespace().any(|s| s == "offline_access") {
            let refresh = random_token("emu-rt-");
            tokens.refresh.insert(
                refresh.clone(),
                RefreshToken {
                    family: family_id,
                    rotated_at: None,
                },
            );
            body["refresh_token"] = json!(refresh);
        }
        body
    }

    fn exchange_code(&self, req: &TokenRequest) -> Result<serde_json::Value, GrantError> {
        let code = req
            .code
            .as_deref()
            .ok_or_else(|| invalid_request("code is required"))?;
        let mut tokens = self.lock();
        let Some(grant) = tokens.codes.remove(code) else {
            tokens.stats.invalid_grants += 1;
            return Err(invalid_grant(
                "Invalid authorization code (unknown or already used)",
            ));
        };
        if grant.issued.elapsed() > CODE_TTL {
            tokens.stats.invalid_grants += 1;
            return Err(invalid_grant("The authorization code has expired"));
        }
        if req.redirect_uri.as_deref() != Some(grant.redirect_uri.as_str()) {
            tokens.stats.invalid_grants += 1;
            return Err(invalid_grant(
                "redirect_uri does not match the one used to authorize",
            ));
        }
        if let Some((challenge, method)) = &grant.code_challenge {
            let verifier = req
                .code_verifier
                .as_deref()
                .ok_or_else(|| invalid_request("code_verifier is required (PKCE was used)"))?;
            let computed = if method == "S256" {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()))
            } else {
                verifier.to_owned()
            };
            if !bool::from(computed.as_bytes().ct_eq(challenge.as_bytes())) {
                tokens.stats.invalid_grants += 1;
                return Err(invalid_grant(
                    "PKCE verification failed: code_verifier does not match",
                ));
            }
        }
        tokens.next_family += 1;
        let family_id = tokens.next_family;
        tokens.families.insert(
            family_id,
            Family {
                account_id: grant.account_id,
                scope: grant.scope,
                revoked: false,
            },
        );
        Ok(self.issue_tokens(&mut tokens, family_id))
    }

    fn refresh(&self, req: &TokenRequest) -> Result<serde_json::Value, GrantError> {
        let presented = req
            .refresh_token
            .as_deref()
            .ok_or_else(|| invalid_request("refresh_token is required"))?;
        let mut tokens = self.lock();
        let Some(entry) = tokens.refresh.get(presented) else {
            tokens.stats.invalid_grants += 1;
            return Err(invalid_grant("Unknown or invalid refresh token."));
        };
        let family_id = entry.family;
        let rotated_at = entry.rotated_at;
        if tokens.families.get(&family_id).is_none_or(|f| f.revoked) {
            tokens.stats.invalid_grants += 1;
            return Err(invalid_grant(
                "The refresh token was revoked; the user must consent again.",
            ));
        }
        if let Some(at) = rotated_at {
            if at.elapsed() > self.leeway {
                tokens.stats.reuse_detected += 1;
                tokens.stats.revocations += 1;
                tokens.stats.invalid_grants += 1;
                if let Some(family) = tokens.families.get_mut(&family_id) {
                    family.revoked = true;
                }
                return Err(invalid_grant(
                    "Refresh token reuse detected: the token family is revoked; the user must consent again.",
                ));
            }
            tokens.stats.reuse_within_leeway += 1;
        }
        // Rotate: every token of the family issued so far becomes "old".
        let now = Instant::now();
        for token in tokens.refresh.values_mut() {
            if token.family == family_id && token.rotated_at.is_none() {
                token.rotated_at = Some(now);
            }
        }
        tokens.stats.refreshes += 1;
        Ok(self.issue_tokens(&mut tokens, family_id))
    }

    /// Revokes every grant of an account (what "the user revoked the app" looks like).
    pub fn revoke_account(&self, account_id: &str) -> usize {
        let mut tokens = self.lock();
        let mut revoked = 0;
        for family in tokens.families.values_mut() {
            if family.account_id == account_id && !family.revoked {
                family.revoked = true;
                revoked += 1;
            }
        }
        tokens.stats.revocations += revoked as u64;
        revoked
    }

    /// Makes every live access token expire now, to test refresh paths without waiting.
    pub fn expire_access_tokens(&self) -> usize {
        let mut tokens = self.lock();
        let now = Instant::now();
        let mut count = 0;
        for token in tokens.access.values_mut() {
            if token.expires > now {
                token.expires = now;
                count += 1;
            }
        }
        count
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenRequest {
    pub grant_type: String,
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub code_verifier: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// `POST /oauth/token`: JSON (as Atlassian documents) or form-encoded (as OAuth libraries send).
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let parsed: Result<TokenRequest, String> = if is_json {
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    } else {
        serde_urlencoded::from_bytes(&body).map_err(|e| e.to_string())
    };
    let req = match parsed {
        Ok(req) => req,
        Err(e) => return invalid_request(format!("Malformed token request: {e}")).into_response(),
    };
    if let Err(e) = state
        .oauth
        .check_client(&req.client_id, req.client_secret.as_deref())
    {
        return e.into_response();
    }
    let result = match req.grant_type.as_str() {
        "authorization_code" => state.oauth.exchange_code(&req),
        "refresh_token" => state.oauth.refresh(&req),
        other => Err(GrantError {
            status: StatusCode::BAD_REQUEST,
            error: "unsupported_grant_type",
            description: format!(
                "grant_type '{other}' is not supported; use authorization_code or refresh_token"
            ),
        }),
    };
    match result {
        Ok(body) => ([(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /oauth/token/accessible-resources`: the sites this token can reach.
pub async fn accessible_resources(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    match state.oauth.validate_access_token(token) {
        Ok(_) => axum::Json(json!([{
            "id": state.cloud_id,
            "url": state.site_url,
            "name": "confluence-emulator",
            "scopes": [
                "read:confluence-content.all", "write:confluence-content", "read:confluence-space.summary",
                "search:confluence", "read:page:confluence", "write:page:confluence",
                "read:content-details:confluence", "read:hierarchical-content:confluence",
                "read:content.metadata:confluence", "offline_access"
            ],
            "avatarUrl": format!("{}/wiki/favicon.ico", state.site_url),
        }]))
        .into_response(),
        Err(reason) => (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({ "code": 401, "message": reason })),
        )
            .into_response(),
    }
}
