//! Everything built from one configuration ([`Runtime`]), and the long-lived [`Gateway`] that
//! holds the current runtime and swaps it whole on reload (in-flight calls finish on the old
//! one). Per-agent rate-limit state lives in the gateway, so a reload does not reset it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use hmac::{KeyInit, Mac};

use crate::agents::{AgentRegistry, KeyHasher};
use crate::audit::{AuditSink, TracingAudit};
use crate::authorize::{Authorizer, RoleAuthorizer};
use crate::config::{ConnectionConfig, Loaded, ServerConfig};
use crate::ratelimit::RateLimiter;
use crate::redact::DlpStage;
use crate::tools::catalog::Catalog;
use crate::tools::scope::SpaceIdCache;

/// A Confluence connection: the client and what calls through it share.
pub struct Connection {
    pub client: confluence::Client,
    pub space_ids: SpaceIdCache,
}

/// What a configuration builds into.
pub struct Runtime {
    pub loaded: Loaded,
    pub servers: Vec<Arc<ServerConfig>>,
    pub agents: AgentRegistry,
    pub connections: HashMap<String, Connection>,
    pub catalog: Arc<Catalog>,
    pub authorizer: Arc<dyn Authorizer>,
    pub audit: Arc<dyn AuditSink>,
    pub dlp: DlpStage,
}

/// Why a runtime could not be built (the configuration parsed but cannot run).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("security: {0}")]
    Secret(String),
    #[error("connections '{name}': {message}")]
    Connection { name: String, message: String },
    #[error("tool catalog: {0}")]
    Catalog(#[from] crate::tools::catalog::CatalogError),
    #[error("dlp: {0}")]
    Dlp(#[from] dlp::DlpError),
}

impl Runtime {
    pub fn build(loaded: Loaded, catalog: Arc<Catalog>) -> Result<Runtime, BuildError> {
        let config = &loaded.config;
        let secret = key_secret(&config.security)?;
        let hasher = KeyHasher::new(secret.as_bytes());
        let agents = AgentRegistry::new(hasher, &loaded.agents);
        let mut connections = HashMap::new();
        for conn in &config.connections {
            let conn = conn.get_ref();
            connections.insert(conn.name.clone(), connect(conn)?);
        }
        let dlp = DlpStage::new(&config.dlp, &config.dlp_profiles, derive_hash_key(&secret)?)?;
        Ok(Runtime {
            servers: config
                .servers
                .iter()
                .map(|s| Arc::new(s.get_ref().clone()))
                .collect(),
            agents,
            connections,
            catalog,
            authorizer: Arc::new(RoleAuthorizer::new(config.roles.clone())),
            audit: Arc::new(TracingAudit),
            dlp,
            loaded,
        })
    }

    pub fn server_by_path(&self, path: &str) -> Option<&Arc<ServerConfig>> {
        self.servers.iter().find(|s| s.path == path)
    }

    pub fn server_by_name(&self, name: &str) -> Option<&Arc<ServerConfig>> {
        self.servers.iter().find(|s| s.name == name)
    }
}

/// The key secret from the environment variable or the file.
pub fn key_secret(security: &crate::config::SecurityConfig) -> Result<String, BuildError> {
    if let Some(var) = &security.key_secret_env {
        return match std::env::var(var) {
            Ok(v) if v.len() >= 32 => Ok(v),
            Ok(_) => Err(BuildError::Secret(format!(
                "${var} must hold at least 32 characters"
            ))),
            Err(_) => Err(BuildError::Secret(format!(
                "key_secret_env names ${var}, which is not set"
            ))),
        };
    }
    security.key_secret.clone().ok_or_else(|| {
        BuildError::Secret("set key_secret_env (or key_secret) in [security]".to_owned())
    })
}

/// The DLP `hash` action's key, derived from the key secret so pseudonyms are stable across
/// restarts without a second secret to manage.
fn derive_hash_key(secret: &str) -> Result<dlp::HashKey, BuildError> {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|e| BuildError::Secret(e.to_string()))?;
    mac.update(b"confluence-gateway dlp hash key v1");
    Ok(dlp::HashKey::new(mac.finalize().into_bytes().to_vec())?)
}

fn connect(conn: &ConnectionConfig) -> Result<Connection, BuildError> {
    let fail = |message: String| BuildError::Connection {
        name: conn.name.clone(),
        message,
    };
    let token = match (&conn.token_env, &conn.token) {
        (Some(var), _) => std::env::var(var)
            .map_err(|_| fail(format!("token_env names ${var}, which is not set")))?,
        (None, Some(token)) => token.clone(),
        (None, None) => return Err(fail("set token_env (or token)".to_owned())),
    };
    let client = confluence::Client::new(
        confluence::AuthMode::ApiToken {
            site_url: conn.site_url.clone(),
            email: conn.email.clone(),
            token: confluence::Secret::new(token),
        },
        confluence::ClientConfig {
            user_agent: concat!("confluence-gateway/", env!("CARGO_PKG_VERSION")).to_owned(),
            budget: confluence::BudgetConfig {
                requests_per_second: conn.requests_per_second,
                burst: conn.burst,
                max_concurrent: conn.max_concurrent,
            },
            ..confluence::ClientConfig::default()
        },
    )
    .map_err(|e| fail(e.to_string()))?;
    Ok(Connection {
        client,
        space_ids: SpaceIdCache::default(),
    })
}

/// The running gateway: the current runtime plus state that outlives reloads.
pub struct Gateway {
    current: RwLock<Arc<Runtime>>,
    pub limiter: RateLimiter,
    pub catalog: Arc<Catalog>,
}

impl Gateway {
    pub fn new(loaded: Loaded) -> Result<Arc<Gateway>, BuildError> {
        let catalog = Arc::new(Catalog::build()?);
        let limiter = RateLimiter::new(&loaded.config.rate_limit);
        let runtime = Runtime::build(loaded, catalog.clone())?;
        Ok(Arc::new(Gateway {
            current: RwLock::new(Arc::new(runtime)),
            limiter,
            catalog,
        }))
    }

    /// The runtime calls should use now.
    pub fn runtime(&self) -> Arc<Runtime> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Replaces the runtime (servers, agents, roles, DLP, connections). The listen address and
    /// rate-limit settings apply at the next start.
    pub fn reload(&self, loaded: Loaded) -> Result<(), BuildError> {
        let runtime = Runtime::build(loaded, self.catalog.clone())?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(runtime);
        Ok(())
    }
}
