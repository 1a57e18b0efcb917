//! Shared test harness: a real emulator on a loopback port and an HTTP client that checks
//! every v2 response it receives against Atlassian's OpenAPI schema.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod schema;

use confluence_emulator::{EmulatorConfig, RunningEmulator, SeedKind, start};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub struct Harness {
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
}

/// Starts an emulator with the given seed and no rate limit unless the test sets one.
pub async fn start_with(config: EmulatorConfig) -> Harness {
    let emulator = start(config).await.expect("emulator starts");
    // With the workspace's reqwest features unified, rustls needs a provider installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    Harness { emulator, http }
}

pub async fn demo() -> Harness {
    start_with(EmulatorConfig {
        seed: SeedKind::Demo,
        rate_limit_rps: 0.0,
        ..EmulatorConfig::default()
    })
    .await
}

pub async fn empty() -> Harness {
    start_with(EmulatorConfig {
        seed: SeedKind::Empty,
        rate_limit_rps: 0.0,
        ..EmulatorConfig::default()
    })
    .await
}

/// One response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Harness {
    pub fn site(&self) -> &str {
        &self.emulator.info.site_url
    }

    /// Basic credentials of the seed user with this email.
    pub fn basic(&self, email: &str) -> (String, String) {
        let user = self
            .emulator
            .info
            .users
            .iter()
            .find(|u| u.email == email)
            .unwrap_or_else(|| panic!("no seed user {email}"));
        (user.email.clone(), user.api_token.clone())
    }

    pub fn account_id(&self, email: &str) -> String {
        self.emulator
            .info
            .users
            .iter()
            .find(|u| u.email == email)
            .map(|u| u.account_id.clone())
            .unwrap_or_else(|| panic!("no seed user {email}"))
    }

    /// Sends a site-style request as `email`. `path` starts with `/wiki/`.
    /// Every v2 response is validated against the OpenAPI schema.
    pub async fn call(
        &self,
        email: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let (user, token) = self.basic(email);
        let mut req = self
            .http
            .request(method.clone(), format!("{}{}", self.site(), path))
            .basic_auth(user, Some(token));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let reply = read(req.send().await.expect("request sent")).await;
        schema::check_v2(&method, path, &reply);
        reply
    }

    pub async fn get(&self, email: &str, path: &str) -> Reply {
        self.call(email, Method::GET, path, None).await
    }

    /// Sends an OAuth-gateway request with a Bearer token. `path` starts with `/wiki/`.
    pub async fn call_oauth(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let url = format!("{}{}", self.emulator.info.oauth_api_base_url, path);
        let mut req = self.http.request(method.clone(), url).bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let reply = read(req.send().await.expect("request sent")).await;
        schema::check_v2(&method, path, &reply);
        reply
    }

    /// Runs the OAuth 3LO flow with auto-consent and PKCE; returns the token response.
    pub async fn oauth_login(&self, email: &str) -> Value {
        let info = &self.emulator.info;
        let verifier = "a-very-long-pkce-code-verifier-with-enough-entropy-0123456789";
        let challenge = {
            use base64::Engine;
            use sha2::Digest;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(verifier.as_bytes()))
        };
        let redirect_uri = "http://127.0.0.1:1/callback";
        let resp = self
            .http
            .get(&info.authorize_url)
            .query(&[
                ("audience", "api.atlassian.com"),
                ("client_id", info.client_id.as_str()),
                (
                    "scope",
                    "read:confluence-content.all write:confluence-content offline_access",
                ),
                ("redirect_uri", redirect_uri),
                ("state", "xyz"),
                ("response_type", "code"),
                ("prompt", "consent"),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
                ("auto_consent", email),
            ])
            .send()
            .await
            .expect("authorize");
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "authorize redirects");
        let location = resp.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let url = url::Url::parse(&location).expect("redirect url");
        let code = url
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("code in redirect");
        let token = self
            .http
            .post(&info.token_url)
            .json(&serde_json::json!({
                "grant_type": "authorization_code",
                "client_id": info.client_id,
                "client_secret": info.client_secret,
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            }))
            .send()
            .await
            .expect("token");
        assert_eq!(token.status(), StatusCode::OK);
        token.json().await.expect("token json")
    }
}

pub async fn read(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
        text,
    }
}
