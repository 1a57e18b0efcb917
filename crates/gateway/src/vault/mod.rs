//! The token vault: the Atlassian sessions the gateway owns for `oauth` connections.
//!
//! ```text
//! connect (connect.rs): authorize URL (PKCE S256, state) ─▶ user consents ─▶ /oauth/callback
//!     ─▶ code exchange ─▶ accessible-resources (site → cloud id) ─▶ sealed tokens in the store
//! every Confluence request (refresh.rs, OAuthSession as the client's CredentialProvider):
//!     cached access token still fresh? ─▶ use it
//!     else, one refresh per connection: in-process mutex, then the store's lease (replicas)
//!     ─▶ re-read (someone else may have refreshed) ─▶ refresh_token grant ─▶ rotated tokens
//!        stored (sealed) before the new access token is used
//!     invalid_grant ─▶ needs_reconsent: calls fail saying how to reconnect
//! keepalive: refreshes sessions idle for `idle_refresh_days`, so refresh tokens never age out
//! ```
//!
//! Tokens are sealed (cipher.rs) under a master key from an environment variable or a key file,
//! never from the database.

pub mod cipher;
pub mod connect;
pub mod refresh;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use zeroize::Zeroizing;

pub use cipher::{Keyring, MasterKey};
pub use refresh::OAuthSession;

use crate::config::{Config, ConnectionAuth, OAuthAppConfig, VaultConfig};
use crate::metrics::Metrics;
use crate::store::{Store, StoreError};

/// What can go wrong in the vault; messages say what to do.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("vault key: {0}")]
    Key(String),
    #[error("vault: {0}")]
    Crypto(String),
    #[error("OAuth: {0}")]
    OAuth(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The vault of one gateway process: kept across configuration reloads, so a connection's
/// session (and its one refresh in flight) survives them.
pub struct Vault {
    pub(crate) store: Store,
    keyring: RwLock<Arc<Keyring>>,
    key_source: KeySource,
    pub(crate) app: Option<OAuthApp>,
    pub(crate) timing: refresh::Timing,
    pub(crate) http: reqwest::Client,
    /// Names this process in refresh leases.
    pub(crate) holder: String,
    pub(crate) metrics: Arc<Metrics>,
    sessions: Mutex<HashMap<String, Arc<OAuthSession>>>,
    idle_refresh: Duration,
}

/// Where the master keys come from, so they can be read again after `keys rotate`.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// Whitespace- or comma-separated base64 keys; the last one seals.
    Env(String),
    File(PathBuf),
    /// No key configured: only a problem once a secret must be sealed or opened.
    Missing(String),
}

impl KeySource {
    /// The source `[vault]` names: the environment variable if set, else the key file.
    pub fn from_config(config: &VaultConfig, base_dir: &std::path::Path) -> KeySource {
        if std::env::var_os(&config.key_env).is_some() {
            return KeySource::Env(config.key_env.clone());
        }
        match &config.key_file {
            Some(path) => KeySource::File(base_dir.join(path)),
            None => KeySource::Missing(format!(
                "no master key: set ${} to a base64 32-byte key (e.g. `openssl rand -base64 32`) \
                 or [vault] key_file",
                config.key_env
            )),
        }
    }

    pub fn load(&self) -> Result<Keyring, VaultError> {
        match self {
            KeySource::Env(var) => {
                let text = Zeroizing::new(std::env::var(var).unwrap_or_default());
                let mut keys: Vec<MasterKey> = text
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|k| !k.is_empty())
                    .map(MasterKey::parse)
                    .collect::<Result<_, _>>()?;
                let current = keys
                    .pop()
                    .ok_or_else(|| VaultError::Key(format!("${var} holds no key")))?;
                Ok(Keyring::new(current, keys))
            }
            KeySource::File(path) => Keyring::from_file(path),
            KeySource::Missing(why) => Err(VaultError::Key(why.clone())),
        }
    }
}

/// The Atlassian OAuth app `[oauth]` describes, with its secret resolved.
#[derive(Clone)]
pub struct OAuthApp {
    pub config: OAuthAppConfig,
    pub client_secret: Zeroizing<String>,
}

impl Vault {
    /// Opens the vault for `config` on `store`. A missing master key is an error only when an
    /// `oauth` connection needs it.
    pub fn open(
        config: &Config,
        base_dir: &std::path::Path,
        store: Store,
        metrics: Arc<Metrics>,
    ) -> Result<Arc<Vault>, VaultError> {
        let key_source = KeySource::from_config(&config.vault, base_dir);
        let needs_keys = config
            .connections
            .iter()
            .any(|c| c.get_ref().auth == ConnectionAuth::Oauth);
        let keyring = match key_source.load() {
            Ok(ring) => ring,
            Err(e) if needs_keys => return Err(e),
            // Nothing to seal yet; a throw-away key keeps the type simple.
            Err(_) => Keyring::new(MasterKey::generate(), Vec::new()),
        };
        let app = match &config.oauth {
            Some(app) => {
                let secret = match (&app.client_secret_env, &app.client_secret) {
                    (Some(var), _) => std::env::var(var).map_err(|_| {
                        VaultError::OAuth(format!(
                            "oauth.client_secret_env names ${var}, which is not set"
                        ))
                    })?,
                    (None, Some(secret)) => secret.clone(),
                    (None, None) => String::new(),
                };
                Some(OAuthApp {
                    config: app.clone(),
                    client_secret: Zeroizing::new(secret),
                })
            }
            None if needs_keys => {
                return Err(VaultError::OAuth(
                    "`oauth` connections need an [oauth] section (client id and secret of the \
                     Atlassian OAuth app)"
                        .to_owned(),
                ));
            }
            None => None,
        };
        let mut holder = [0u8; 8];
        rand::fill(&mut holder);
        Ok(Arc::new(Vault {
            store,
            keyring: RwLock::new(Arc::new(keyring)),
            key_source,
            app,
            timing: refresh::Timing {
                before: Duration::from_secs(config.vault.refresh_before_secs),
                fraction: config.vault.refresh_before_fraction,
            },
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .map_err(|e| VaultError::OAuth(e.to_string()))?,
            holder: format!(
                "{}-{}",
                std::process::id(),
                holder
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            ),
            metrics,
            sessions: Mutex::new(HashMap::new()),
            idle_refresh: Duration::from_secs(u64::from(config.vault.idle_refresh_days) * 86_400),
        }))
    }

    pub(crate) fn keyring(&self) -> Arc<Keyring> {
        self.keyring
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reads the keys again (after `keys rotate` added one); keeps the old ring on failure.
    pub(crate) fn reload_keys(&self) -> Result<(), VaultError> {
        let ring = self.key_source.load()?;
        *self.keyring.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(ring);
        Ok(())
    }

    /// Opens a sealed value, reading the keys again once if it names a key this process lacks.
    pub(crate) fn open_secret(
        &self,
        sealed: &str,
        key_id: &str,
        context: &str,
    ) -> Result<Zeroizing<String>, VaultError> {
        match self.keyring().open(sealed, key_id, context) {
            Err(VaultError::Key(_)) => {
                self.reload_keys()?;
                self.keyring().open(sealed, key_id, context)
            }
            other => other,
        }
    }

    pub fn key_source(&self) -> &KeySource {
        &self.key_source
    }

    /// The store the sessions live in.
    pub fn store_handle(&self) -> &Store {
        &self.store
    }

    /// The id of the key that seals new secrets.
    pub fn current_key_id(&self) -> String {
        self.keyring().current_id().to_owned()
    }

    /// Reads the keys again and seals every stored secret under the current one (key
    /// rotation); returns how many were sealed again.
    pub async fn reseal_all(&self) -> Result<usize, VaultError> {
        self.reload_keys()?;
        let ring = self.keyring();
        let count = self
            .store
            .reseal_all(|context, sealed, key_id| {
                let plain = ring
                    .open(sealed, key_id, context)
                    .map_err(|e| e.to_string())?;
                ring.seal(&plain, context).map_err(|e| e.to_string())
            })
            .await?;
        Ok(count)
    }

    /// The session of `oauth` connection `name` (one per process, shared by every client of it).
    pub fn session(self: &Arc<Self>, name: &str, user: &str) -> Arc<OAuthSession> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions
            .entry(name.to_owned())
            .or_insert_with(|| Arc::new(OAuthSession::new(self.clone(), name, user)))
            .clone()
    }

    /// Counts sessions needing consent again, for `/metrics`.
    pub async fn update_reconsent_gauge(&self) {
        if let Ok(rows) = self.store.token_rows().await {
            let n = rows
                .iter()
                .filter(|r| r.state == crate::store::connections::NEEDS_RECONSENT)
                .count();
            self.metrics
                .connections_needing_reconsent
                .store(n as i64, Ordering::Relaxed);
        }
    }

    /// Refreshes, once an hour, every session whose refresh token has not been used for
    /// `idle_refresh_days` (Atlassian expires refresh tokens unused for 90 days).
    pub fn spawn_keepalive(self: &Arc<Self>) {
        let vault = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(3600));
            loop {
                tick.tick().await;
                let Some(vault) = vault.upgrade() else {
                    return;
                };
                vault.update_reconsent_gauge().await;
                let Ok(rows) = vault.store.token_rows().await else {
                    continue;
                };
                let now = refresh::now_ms();
                for row in rows {
                    let idle_ms = i64::try_from(vault.idle_refresh.as_millis()).unwrap_or(i64::MAX);
                    if row.state != crate::store::connections::CONNECTED
                        || now - row.refresh_issued_at < idle_ms
                    {
                        continue;
                    }
                    let session = vault.session(&row.connection, &row.connection);
                    if let Err(e) = session.refresh_now().await {
                        tracing::warn!(connection = %row.connection, "keep-alive refresh: {e}");
                    }
                }
            }
        });
    }
}
