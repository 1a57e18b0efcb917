//! Who the client is: the auth modes Confluence Cloud accepts and the provider that hands out
//! valid tokens (refreshing them is the provider's job, not the client's).

use crate::error::{Error, Result};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future, so providers can be trait objects without `async-trait`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A credential that never shows up in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The raw value, for building the Authorization header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl From<&str> for Secret {
    fn from(v: &str) -> Secret {
        Secret(v.to_owned())
    }
}

impl From<String> for Secret {
    fn from(v: String) -> Secret {
        Secret(v)
    }
}

/// Supplies Bearer tokens. The client asks before every request; after a 401 it calls
/// [`CredentialProvider::refresh_after_unauthorized`] once and retries once.
pub trait CredentialProvider: Send + Sync {
    /// A token that is valid now, as far as the provider knows.
    fn access_token(&self) -> BoxFuture<'_, Result<Secret>>;
    /// Confluence rejected `rejected`; return a fresh token or `Error::Unauthorized`.
    fn refresh_after_unauthorized<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret>>;
}

/// A fixed token that cannot be refreshed (a caller-managed token, or tests).
#[derive(Debug, Clone)]
pub struct StaticToken(pub Secret);

impl CredentialProvider for StaticToken {
    fn access_token(&self) -> BoxFuture<'_, Result<Secret>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }

    fn refresh_after_unauthorized<'a>(
        &'a self,
        _rejected: &'a Secret,
    ) -> BoxFuture<'a, Result<Secret>> {
        Box::pin(async move {
            Err(Error::Unauthorized {
                message: "the access token was rejected and this token cannot be refreshed"
                    .to_owned(),
            })
        })
    }
}

/// Atlassian's OAuth gateway.
pub const ATLASSIAN_API_GATEWAY: &str = "https://api.atlassian.com";
/// Where Atlassian lists the sites an OAuth token may reach.
pub const ATLASSIAN_ACCESSIBLE_RESOURCES: &str =
    "https://api.atlassian.com/oauth/token/accessible-resources";

/// How the client reaches Confluence. `#[non_exhaustive]` so Data Center (PAT) can join.
#[derive(Clone)]
#[non_exhaustive]
pub enum AuthMode {
    /// Cloud with an API token: Basic `email:token` to `{site_url}/wiki`.
    ApiToken {
        site_url: String,
        email: String,
        token: Secret,
    },
    /// Cloud with OAuth 2.0 (3LO): Bearer to `{gateway_url}/ex/confluence/{cloudId}/wiki`.
    /// The cloud id is taken as given, or found in `accessible-resources` by matching
    /// `site_url` — never "the first site".
    OAuth {
        site_url: String,
        cloud_id: Option<String>,
        gateway_url: String,
        accessible_resources_url: String,
        provider: Arc<dyn CredentialProvider>,
    },
    /// A caller-managed Bearer token to a wiki base URL the caller already knows
    /// (e.g. `https://api.atlassian.com/ex/confluence/{cloudId}/wiki`).
    AccessToken {
        wiki_base_url: String,
        provider: Arc<dyn CredentialProvider>,
    },
}

impl AuthMode {
    /// OAuth against Atlassian's real gateway.
    pub fn oauth(site_url: impl Into<String>, provider: Arc<dyn CredentialProvider>) -> AuthMode {
        AuthMode::OAuth {
            site_url: site_url.into(),
            cloud_id: None,
            gateway_url: ATLASSIAN_API_GATEWAY.to_owned(),
            accessible_resources_url: ATLASSIAN_ACCESSIBLE_RESOURCES.to_owned(),
            provider,
        }
    }

    pub(crate) fn provider(&self) -> Option<&Arc<dyn CredentialProvider>> {
        match self {
            AuthMode::ApiToken { .. } => None,
            AuthMode::OAuth { provider, .. } | AuthMode::AccessToken { provider, .. } => {
                Some(provider)
            }
        }
    }

    /// Whether requests go through Atlassian's OAuth gateway, where v1 content endpoints are gone.
    pub fn is_bearer(&self) -> bool {
        !matches!(self, AuthMode::ApiToken { .. })
    }
}

impl std::fmt::Debug for AuthMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthMode::ApiToken {
                site_url,
                email,
                token,
            } => f
                .debug_struct("ApiToken")
                .field("site_url", site_url)
                .field("email", email)
                .field("token", token)
                .finish(),
            AuthMode::OAuth {
                site_url,
                cloud_id,
                gateway_url,
                ..
            } => f
                .debug_struct("OAuth")
                .field("site_url", site_url)
                .field("cloud_id", cloud_id)
                .field("gateway_url", gateway_url)
                .finish_non_exhaustive(),
            AuthMode::AccessToken { wiki_base_url, .. } => f
                .debug_struct("AccessToken")
                .field("wiki_base_url", wiki_base_url)
                .finish_non_exhaustive(),
        }
    }
}

/// `https://Acme.atlassian.net/wiki/` and `https://acme.atlassian.net` are the same site.
pub(crate) fn normalize_site(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    let trimmed = lower.trim_end_matches('/');
    trimmed.strip_suffix("/wiki").unwrap_or(trimmed).to_owned()
}

/// Picks the cloud id of the resource whose URL is the configured site.
pub(crate) fn match_site(resources: &serde_json::Value, site_url: &str) -> Result<String> {
    let wanted = normalize_site(site_url);
    let list = resources.as_array().ok_or_else(|| {
        Error::upstream_decode("accessible-resources answer", "expected a JSON array")
    })?;
    let mut seen = Vec::new();
    for r in list {
        let url = r.get("url").and_then(|u| u.as_str()).unwrap_or_default();
        if normalize_site(url) == wanted
            && let Some(id) = r.get("id").and_then(|i| i.as_str())
        {
            return Ok(id.to_owned());
        }
        seen.push(url.to_owned());
    }
    Err(Error::Forbidden {
        message: format!(
            "the OAuth grant does not cover the site {site_url} (it covers: {})",
            if seen.is_empty() {
                "no sites".to_owned()
            } else {
                seen.join(", ")
            }
        ),
        scope: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_do_not_leak_in_debug() {
        let mode = AuthMode::ApiToken {
            site_url: "https://a.atlassian.net".into(),
            email: "a@b.c".into(),
            token: Secret::new("hunter2"),
        };
        assert!(!format!("{mode:?}").contains("hunter2"));
    }

    #[test]
    fn matches_the_configured_site_not_the_first() {
        let resources = json!([
            {"id": "first", "url": "https://other.atlassian.net"},
            {"id": "mine", "url": "https://Acme.atlassian.net"}
        ]);
        assert_eq!(
            match_site(&resources, "https://acme.atlassian.net/wiki/")
                .ok()
                .as_deref(),
            Some("mine")
        );
        let err = match_site(&resources, "https://nope.atlassian.net");
        assert!(matches!(err, Err(Error::Forbidden { .. })));
    }
}
