//! `[oauth]` and `[vault]`: the Atlassian OAuth app `oauth` connections authorize through, and
//! how the gateway keeps their tokens.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

/// `[oauth]`: an Atlassian OAuth 2.0 (3LO) app (developer.atlassian.com → your apps), whose
/// callback URL is this gateway's `/oauth/callback`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OAuthAppConfig {
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret. Prefer `client_secret_env`.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Environment variable holding the client secret (wins over `client_secret`).
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// Where users consent.
    #[serde(default = "default_authorize_url")]
    pub authorize_url: String,
    /// Where codes and refresh tokens are exchanged.
    #[serde(default = "default_token_url")]
    pub token_url: String,
    /// Lists the sites a token reaches; the connection's `site_url` picks the cloud id.
    #[serde(default = "default_accessible_resources_url")]
    pub accessible_resources_url: String,
    /// Where OAuth API calls go: `{api_gateway_url}/ex/confluence/{cloudId}/wiki/…`.
    #[serde(default = "default_api_gateway_url")]
    pub api_gateway_url: String,
    /// The callback URL registered with the app; default `http://{listen.address}/oauth/callback`.
    #[serde(default)]
    pub redirect_uri: Option<String>,
    /// Scopes requested at consent. `offline_access` is needed for refresh tokens.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
}

fn default_authorize_url() -> String {
    "https://auth.atlassian.com/authorize".to_owned()
}

fn default_token_url() -> String {
    "https://auth.atlassian.com/oauth/token".to_owned()
}

fn default_accessible_resources_url() -> String {
    confluence::auth::ATLASSIAN_ACCESSIBLE_RESOURCES.to_owned()
}

fn default_api_gateway_url() -> String {
    confluence::auth::ATLASSIAN_API_GATEWAY.to_owned()
}

/// Atlassian's recommended granular Confluence scopes for reading and writing, plus
/// `offline_access` (refresh tokens).
pub fn default_scopes() -> Vec<String> {
    [
        "read:page:confluence",
        "write:page:confluence",
        "delete:page:confluence",
        "read:blogpost:confluence",
        "write:blogpost:confluence",
        "read:space:confluence",
        "read:space-details:confluence",
        "read:comment:confluence",
        "write:comment:confluence",
        "read:label:confluence",
        "write:label:confluence",
        "read:attachment:confluence",
        "write:attachment:confluence",
        "read:hierarchical-content:confluence",
        "read:content-details:confluence",
        "search:confluence",
        "read:user:confluence",
        "offline_access",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// `[vault]`: how OAuth tokens are kept (sealed with XChaCha20-Poly1305 in the state store)
/// and refreshed.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct VaultConfig {
    /// Environment variable holding the master key(s): base64 of 32 random bytes
    /// (`openssl rand -base64 32`); several separated by spaces or commas, the last one
    /// sealing. Wins over `key_file`. The key never goes into the database.
    pub key_env: String,
    /// File holding the master keys, one base64 key per line, the last one sealing
    /// (`keys rotate` appends a new one). Relative to the configuration file's directory.
    #[schemars(with = "Option<String>")]
    pub key_file: Option<PathBuf>,
    /// Refresh an access token this many seconds before it expires at most…
    pub refresh_before_secs: u64,
    /// …and at most this share of its lifetime before (whichever comes later).
    pub refresh_before_fraction: f64,
    /// Refresh sessions not used for this many days, so their refresh tokens never reach
    /// Atlassian's 90-day inactivity expiry.
    pub idle_refresh_days: u32,
}

impl Default for VaultConfig {
    fn default() -> Self {
        VaultConfig {
            key_env: "CONFLUENCE_GATEWAY_MASTER_KEY".to_owned(),
            key_file: None,
            refresh_before_secs: 300,
            refresh_before_fraction: 0.2,
            idle_refresh_days: 30,
        }
    }
}
