//! Transport: base URLs per auth mode, and one `send` that every operation goes through. It
//! applies the rate budget, retries transient failures with exponential backoff and full
//! jitter (idempotent requests only, plus 429s and failed connects, which Confluence never
//! processed), honours `Retry-After` up to a cap within a total retry budget per call, and asks
//! the credential provider for a fresh token once after a 401.

use crate::auth::{AuthMode, Secret, match_site};
use crate::budget::{BudgetConfig, RateBudget};
use crate::error::{Error, Result, classify};
use base64::Engine;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// How hard to try again.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff ceiling; doubles per retry, full jitter below it.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited out: the call fails with `RateLimited`.
    pub retry_after_cap: Duration,
    /// Total time one call may spend waiting between attempts.
    pub total_budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(30),
            total_budget: Duration::from_secs(60),
        }
    }
}

#[derive(Clone)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Settings for a budget of this client's own; ignored when `shared_budget` is set.
    pub budget: BudgetConfig,
    /// A budget shared with other clients using the same credential.
    pub shared_budget: Option<Arc<RateBudget>>,
    pub user_agent: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            budget: BudgetConfig::default(),
            shared_budget: None,
            user_agent: concat!("confluence-client/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

/// A Confluence client; cheap to clone, share one per credential.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Per-caller counters ([`Client::observed`]); `None` for the shared client.
    stats: Option<Arc<crate::observe::CallStats>>,
}

struct Inner {
    http: reqwest::Client,
    auth: AuthMode,
    config: ClientConfig,
    budget: Arc<RateBudget>,
    wiki_base: OnceCell<String>,
}

/// Where a request goes.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    /// Relative to the wiki base, e.g. `/api/v2/pages`.
    Wiki(String),
    /// Absolute (pagination links, downloads, accessible-resources).
    Url(String),
}

#[derive(Clone, Debug)]
pub(crate) enum Body {
    None,
    Json(serde_json::Value),
    /// Rebuilt for every attempt, since a multipart form cannot be cloned.
    File {
        file_name: String,
        media_type: String,
        data: bytes::Bytes,
        comment: Option<String>,
        minor_edit: bool,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub method: Method,
    pub target: Target,
    pub query: Vec<(String, String)>,
    pub body: Body,
    /// Safe to send twice: GET/PUT/DELETE, and reads that use POST.
    pub idempotent: bool,
    /// The version a write was based on, reported in `Conflict`.
    pub attempted_version: Option<u64>,
}

impl Request {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Request {
        let idempotent = method != Method::POST && method != Method::PATCH;
        Request {
            method,
            target: Target::Wiki(path.into()),
            query: Vec::new(),
            body: Body::None,
            idempotent,
            attempted_version: None,
        }
    }

    pub(crate) fn get(path: impl Into<String>) -> Request {
        Request::new(Method::GET, path)
    }

    pub(crate) fn query(mut self, key: &str, value: impl ToString) -> Request {
        self.query.push((key.to_owned(), value.to_string()));
        self
    }

    pub(crate) fn query_opt(self, key: &str, value: Option<impl ToString>) -> Request {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub(crate) fn json(mut self, body: serde_json::Value) -> Request {
        self.body = Body::Json(body);
        self
    }

    pub(crate) fn idempotent(mut self, yes: bool) -> Request {
        self.idempotent = yes;
        self
    }

    pub(crate) fn based_on(mut self, version: u64) -> Request {
        self.attempted_version = Some(version);
        self
    }
}

impl Client {
    /// Builds the client. TLS uses rustls with the `ring` provider.
    pub fn new(auth: AuthMode, config: ClientConfig) -> Result<Client> {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| Error::invalid(format!("cannot build the HTTP client: {e}")))?;
        let budget = config
            .shared_budget
            .clone()
            .unwrap_or_else(|| RateBudget::new(config.budget.clone()));
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                auth,
                config,
                budget,
                wiki_base: OnceCell::new(),
            }),
            stats: None,
        })
    }

    pub fn auth(&self) -> &AuthMode {
        &self.inner.auth
    }

    pub fn budget(&self) -> &Arc<RateBudget> {
        &self.inner.budget
    }

    /// The wiki base every API path hangs off, e.g. `https://acme.atlassian.net/wiki` or
    /// `https://api.atlassian.com/ex/confluence/{cloudId}/wiki`. For OAuth without a
    /// configured cloud id this asks `accessible-resources` once.
    pub async fn wiki_base(&self) -> Result<&str> {
        self.inner
            .wiki_base
            .get_or_try_init(|| self.resolve_wiki_base())
            .await
            .map(String::as_str)
    }

    async fn resolve_wiki_base(&self) -> Result<String> {
        match &self.inner.auth {
            AuthMode::ApiToken { site_url, .. } => Ok(wiki_of_site(site_url)),
            AuthMode::AccessToken { wiki_base_url, .. } => {
                Ok(wiki_base_url.trim_end_matches('/').to_owned())
            }
            AuthMode::OAuth {
                site_url,
                cloud_id,
                gateway_url,
                accessible_resources_url,
                ..
            } => {
                let cloud_id = match cloud_id {
                    Some(id) => id.clone(),
                    None => {
                        let req = Request::get(String::new());
                        let resp = self.send_to(accessible_resources_url, &req).await?;
                        let resources: serde_json::Value = resp.json().await.map_err(|e| {
                            Error::upstream_decode("accessible-resources answer", e)
                        })?;
                        match_site(&resources, site_url)?
                    }
                };
                Ok(format!(
                    "{}/ex/confluence/{cloud_id}/wiki",
                    gateway_url.trim_end_matches('/')
                ))
            }
        }
    }

    async fn url_of(&self, target: &Target) -> Result<String> {
        match target {
            Target::Url(u) => Ok(u.clone()),
            Target::Wiki(path) => Ok(format!("{}{path}", self.wiki_base().await?)),
        }
    }

    /// Turns a `_links.next`, `Link` or download link into an absolute URL on our base. v2 links
    /// are site-relative (`/wiki/api/v2/...`) even through the OAuth gateway, so `/wiki` is
    /// swapped for the real base; v1 links are relative to the wiki context.
    pub(crate) async fn resolve_link(&self, link: &str) -> Result<String> {
        let base = self.wiki_base().await?;
        Ok(crate::paginate::rebase_link(base, link))
    }

    async fn token(&self) -> Result<Option<Secret>> {
        match self.inner.auth.provider() {
            Some(p) => p.access_token().await.map(Some),
            None => Ok(None),
        }
    }

    fn authorize(
        &self,
        builder: reqwest::RequestBuilder,
        token: Option<&Secret>,
    ) -> reqwest::RequestBuilder {
        match (&self.inner.auth, token) {
            (AuthMode::ApiToken { email, token, .. }, _) => {
                let raw = format!("{email}:{}", token.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                builder.header(reqwest::header::AUTHORIZATION, format!("Basic {encoded}"))
            }
            (_, Some(t)) => builder.bearer_auth(t.expose()),
            (_, None) => builder,
        }
    }

    fn build(
        &self,
        req: &Request,
        url: &str,
        token: Option<&Secret>,
    ) -> Result<reqwest::RequestBuilder> {
        let mut b = self
            .inner
            .http
            .request(req.method.clone(), url)
            .header(reqwest::header::ACCEPT, "application/json");
        if !req.query.is_empty() {
            b = b.query(&req.query);
        }
        b = match &req.body {
            Body::None => b,
            Body::Json(v) => b.json(v),
            Body::File {
                file_name,
                media_type,
                data,
                comment,
                minor_edit,
            } => {
                let part = reqwest::multipart::Part::stream(reqwest::Body::from(data.clone()))
                    .file_name(file_name.clone())
                    .mime_str(media_type)
                    .map_err(|e| Error::invalid(format!("bad media type '{media_type}': {e}")))?;
                let mut form = reqwest::multipart::Form::new()
                    .part("file", part)
                    .text("minorEdit", minor_edit.to_string());
                if let Some(c) = comment {
                    form = form.text("comment", c.clone());
                }
                // Confluence refuses multipart writes without this XSRF opt-out.
                b.header("X-Atlassian-Token", "no-check").multipart(form)
            }
        };
        Ok(self.authorize(b, token))
    }

    /// A clone whose requests are also counted in `stats` (time, statuses, 429s, retries), so
    /// a caller can tell its own time from Confluence's.
    pub fn observed(&self, stats: Arc<crate::observe::CallStats>) -> Client {
        Client {
            inner: self.inner.clone(),
            stats: Some(stats),
        }
    }

    /// Sends with budget, retries and one token refresh; returns only successful responses.
    pub(crate) async fn send(&self, req: Request) -> Result<reqwest::Response> {
        let started = Instant::now();
        let result = async {
            let url = self.url_of(&req.target).await?;
            self.send_to(&url, &req).await
        }
        .await;
        if let Some(stats) = &self.stats {
            stats.add_time(started.elapsed());
        }
        result
    }

    fn observe_answer(&self, status: Option<u16>) {
        let totals = crate::observe::totals();
        crate::observe::count(&totals.requests);
        if status == Some(429) {
            crate::observe::count(&totals.throttled);
        }
        if let Some(stats) = &self.stats {
            stats.answered(status);
        }
    }

    /// [`Client::send`] to a resolved URL (also used before the wiki base is known).
    async fn send_to(&self, url: &str, req: &Request) -> Result<reqwest::Response> {
        let policy = &self.inner.config.retry;
        let started = Instant::now();
        // A token is asked for before every attempt, except right after a refresh.
        let mut refreshed_token: Option<Secret> = None;
        let mut refreshed = false;
        let mut retries = 0u32;
        loop {
            let token = match refreshed_token.take() {
                Some(t) => Some(t),
                None => self.token().await?,
            };
            let builder = self.build(req, url, token.as_ref())?;
            let admission = self.inner.budget.admit().await;
            let outcome = builder.send().await;
            drop(admission);
            self.observe_answer(outcome.as_ref().ok().map(|r| r.status().as_u16()));
            let (error, retryable, retry_after) = match outcome {
                Ok(resp) if resp.status().is_success() => return Ok(resp),
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = retry_after_of(resp.headers());
                    let text = resp.text().await.unwrap_or_default();
                    if status == StatusCode::UNAUTHORIZED
                        && !refreshed
                        && let (Some(provider), Some(rejected)) =
                            (self.inner.auth.provider(), token.as_ref())
                    {
                        refreshed = true;
                        crate::observe::count(&crate::observe::totals().token_refreshes);
                        refreshed_token =
                            Some(provider.refresh_after_unauthorized(rejected).await?);
                        continue;
                    }
                    let error = classify(status, &text, retry_after, req.attempted_version);
                    let retryable = match status.as_u16() {
                        // Confluence rejects 429s before doing anything: always safe to resend.
                        429 => true,
                        502..=504 => req.idempotent,
                        _ => false,
                    };
                    (error, retryable, retry_after)
                }
                Err(e) => {
                    // A refused connect never reached Confluence; anything later might have.
                    let retryable = e.is_connect() || req.idempotent;
                    let message =
                        format!("{} {}: {}", req.method, redact_query(url), error_chain(&e));
                    let error = if e.is_timeout() {
                        Error::Timeout { message }
                    } else {
                        Error::Network { message }
                    };
                    (error, retryable, None)
                }
            };
            if !retryable {
                return Err(error);
            }
            match next_wait(policy, retries, started.elapsed(), retry_after) {
                Some(wait) => {
                    tracing::debug!(?wait, retries, %error, "retrying Confluence call");
                    tokio::time::sleep(wait).await;
                    retries += 1;
                    crate::observe::count(&crate::observe::totals().retries);
                    if let Some(stats) = &self.stats {
                        stats.retried();
                    }
                }
                None => return Err(error),
            }
        }
    }

    /// Sends and decodes a JSON answer.
    pub(crate) async fn json_at<T: DeserializeOwned>(&self, req: Request) -> Result<T> {
        let resp = self.send(req).await?;
        let reading = Instant::now();
        let bytes = resp.bytes().await.map_err(|e| Error::Network {
            message: format!("reading the answer: {}", error_chain(&e)),
        });
        if let Some(stats) = &self.stats {
            stats.add_time(reading.elapsed());
        }
        let bytes = bytes?;
        serde_json::from_slice(&bytes).map_err(|e| Error::upstream_decode("JSON", e))
    }

    /// Sends and ignores the answer's body (204s, deletes).
    pub(crate) async fn send_empty(&self, req: Request) -> Result<()> {
        self.send(req).await.map(|_| ())
    }
}

/// Installs rustls' `ring` provider for the process (reqwest uses rustls without a built-in
/// provider here). Call before building any other `reqwest::Client`; repeat calls are harmless.
pub fn install_crypto_provider() {
    // Another part of the process may have installed a provider already; that is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn wiki_of_site(site_url: &str) -> String {
    let site = site_url.trim_end_matches('/');
    if site.ends_with("/wiki") {
        site.to_owned()
    } else {
        format!("{site}/wiki")
    }
}

fn retry_after_of(headers: &HeaderMap) -> Option<Duration> {
    let value: &HeaderValue = headers.get(reqwest::header::RETRY_AFTER)?;
    let secs: f64 = value.to_str().ok()?.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// How long to wait before retry number `retries + 1`, or `None` to give up.
pub(crate) fn next_wait(
    policy: &RetryPolicy,
    retries: u32,
    elapsed: Duration,
    retry_after: Option<Duration>,
) -> Option<Duration> {
    if retries >= policy.max_retries {
        return None;
    }
    if retry_after.is_some_and(|ra| ra > policy.retry_after_cap) {
        return None;
    }
    let ceiling = policy
        .base_delay
        .saturating_mul(2u32.saturating_pow(retries))
        .min(policy.max_delay);
    let jitter = Duration::from_secs_f64(rand::random_range(0.0..=ceiling.as_secs_f64()));
    // A `Retry-After: 0` still waits the jittered backoff: no retry storms.
    let wait = retry_after.map_or(jitter, |ra| ra.max(jitter));
    (elapsed + wait <= policy.total_budget).then_some(wait)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// URLs go into error messages; queries may carry CQL with user data, so keep them out.
fn redact_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_capped_and_budgeted() {
        let policy = RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(400),
            retry_after_cap: Duration::from_secs(5),
            total_budget: Duration::from_secs(10),
        };
        for retries in 0..3 {
            let w = next_wait(&policy, retries, Duration::ZERO, None).unwrap_or(Duration::MAX);
            assert!(w <= Duration::from_millis(400));
        }
        assert_eq!(next_wait(&policy, 3, Duration::ZERO, None), None);
        assert_eq!(
            next_wait(&policy, 0, Duration::ZERO, Some(Duration::from_secs(6))),
            None
        );
        assert!(
            next_wait(&policy, 0, Duration::ZERO, Some(Duration::from_secs(2)))
                .is_some_and(|w| w >= Duration::from_secs(2))
        );
        assert_eq!(
            next_wait(
                &policy,
                0,
                Duration::from_secs(9),
                Some(Duration::from_secs(2))
            ),
            None
        );
    }
}
