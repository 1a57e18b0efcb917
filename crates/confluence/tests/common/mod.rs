//! Shared harness: a real emulator on a loopback port and clients for both auth styles.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

use confluence::{
    AuthMode, BoxFuture, BudgetConfig, Client, ClientConfig, CredentialProvider, Error,
    RetryPolicy, Secret,
};
use confluence_emulator::{EmulatorConfig, RunningEmulator, SeedKind, start};
use serde_json::Value;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

pub const ALICE: &str = "alice@example.com";
pub const FRANK: &str = "frank@example.com";

/// Which way a test reaches the emulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Site,
    OAuth,
}

pub struct Harness {
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
}

/// An emulator on the empty seed without a server-side rate limit.
pub async fn empty() -> Harness {
    start_with(EmulatorConfig {
        seed: SeedKind::Empty,
        rate_limit_rps: 0.0,
        ..EmulatorConfig::default()
    })
    .await
}

pub async fn start_with(config: EmulatorConfig) -> Harness {
    let emulator = start(config).await.expect("emulator starts");
    confluence::install_crypto_provider();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    Harness { emulator, http }
}

/// Fast retries and no client-side rate budget: functional tests should not wait.
pub fn quick_config() -> ClientConfig {
    ClientConfig {
        retry: RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            retry_after_cap: Duration::from_secs(5),
            total_budget: Duration::from_secs(10),
        },
        budget: BudgetConfig {
            requests_per_second: 0.0,
            burst: 1,
            max_concurrent: 16,
        },
        ..ClientConfig::default()
    }
}

/// A provider backed by the emulator's OAuth server: refreshes with the refresh token.
pub struct OAuthProvider {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    client_secret: String,
    tokens: Mutex<(String, String)>,
    pub refreshes: AtomicUsize,
}

impl CredentialProvider for OAuthProvider {
    fn access_token(&self) -> BoxFuture<'_, confluence::Result<Secret>> {
        let token = self.tokens.lock().unwrap().0.clone();
        Box::pin(async move { Ok(Secret::new(token)) })
    }

    fn refresh_after_unauthorized<'a>(
        &'a self,
        _rejected: &'a Secret,
    ) -> BoxFuture<'a, confluence::Result<Secret>> {
        Box::pin(async move {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            let refresh = self.tokens.lock().unwrap().1.clone();
            let resp = self
                .http
                .post(&self.token_url)
                .json(&serde_json::json!({
                    "grant_type": "refresh_token",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "refresh_token": refresh,
                }))
                .send()
                .await
                .map_err(|e| Error::Network {
                    message: e.to_string(),
                })?;
            if !resp.status().is_success() {
                return Err(Error::Unauthorized {
                    message: format!("refresh failed with HTTP {}", resp.status()),
                });
            }
            let body: Value = resp.json().await.map_err(|e| Error::Network {
                message: e.to_string(),
            })?;
            let access = body["access_token"].as_str().unwrap_or_default().to_owned();
            let refresh = body["refresh_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            *self.tokens.lock().unwrap() = (access.clone(), refresh);
            Ok(Secret::new(access))
        })
    }
}

impl Harness {
    pub fn user_token(&self, email: &str) -> String {
        self.emulator
            .info
            .users
            .iter()
            .find(|u| u.email == email)
            .map(|u| u.api_token.clone())
            .unwrap_or_else(|| panic!("no seed user {email}"))
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

    pub fn site_client_with(&self, email: &str, config: ClientConfig) -> Client {
        Client::new(
            AuthMode::ApiToken {
                site_url: self.emulator.info.site_url.clone(),
                email: email.to_owned(),
                token: Secret::new(self.user_token(email)),
            },
            config,
        )
        .expect("client")
    }

    pub fn site_client(&self, email: &str) -> Client {
        self.site_client_with(email, quick_config())
    }

    pub async fn oauth_provider(&self, email: &str) -> Arc<OAuthProvider> {
        let tokens = self.oauth_login(email).await;
        let info = &self.emulator.info;
        Arc::new(OAuthProvider {
            http: self.http.clone(),
            token_url: info.token_url.clone(),
            client_id: info.client_id.clone(),
            client_secret: info.client_secret.clone(),
            tokens: Mutex::new((
                tokens["access_token"].as_str().unwrap().to_owned(),
                tokens["refresh_token"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )),
            refreshes: AtomicUsize::new(0),
        })
    }

    /// OAuth through the gateway style, the cloud id found via accessible-resources.
    pub fn oauth_client_with(&self, provider: Arc<OAuthProvider>, config: ClientConfig) -> Client {
        let info = &self.emulator.info;
        Client::new(
            AuthMode::OAuth {
                site_url: info.site_url.clone(),
                cloud_id: None,
                gateway_url: info.site_url.clone(),
                accessible_resources_url: info.accessible_resources_url.clone(),
                provider,
            },
            config,
        )
        .expect("client")
    }

    pub async fn oauth_client(&self, email: &str) -> Client {
        let provider = self.oauth_provider(email).await;
        self.oauth_client_with(provider, quick_config())
    }

    pub async fn client(&self, style: Style, email: &str) -> Client {
        match style {
            Style::Site => self.site_client(email),
            Style::OAuth => self.oauth_client(email).await,
        }
    }

    pub async fn stats(&self) -> Value {
        self.http
            .get(format!("{}/__admin/stats", self.emulator.info.site_url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn set_faults(&self, spec: Value) {
        let resp = self
            .http
            .put(format!("{}/__admin/faults", self.emulator.info.site_url))
            .json(&spec)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "faults accepted");
    }

    pub async fn admin_post(&self, path: &str) {
        let resp = self
            .http
            .post(format!("{}/__admin/{path}", self.emulator.info.site_url))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "admin {path}");
    }

    /// Runs the OAuth 3LO flow with auto-consent and PKCE; returns the token response.
    pub async fn oauth_login(&self, email: &str) -> Value {
        use base64::Engine;
        use sha2::Digest;
        let info = &self.emulator.info;
        let verifier = "a-very-long-pkce-code-verifier-with-enough-entropy-0123456789";
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
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
        assert_eq!(resp.status().as_u16(), 303, "authorize redirects");
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        let url = url::Url::parse(&location).unwrap();
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
        assert!(token.status().is_success());
        token.json().await.expect("token json")
    }
}

/// The id of a seed space by key.
pub async fn space_id(client: &Client, key: &str) -> String {
    client.space_by_key(key).await.expect("space by key").id
}
