//! Everything built from one configuration ([`Runtime`]), and the long-lived [`Gateway`] that
//! holds the current runtime and swaps it whole on reload (in-flight calls finish on the old
//! one). Per-agent rate-limit state lives in the gateway, so a reload does not reset it.
//!
//! Agents come from two places: `[[agents]]` in the configuration and the store (written by
//! `confluence-gateway agents …`). The gateway polls the store's agents version every
//! [`AGENTS_REFRESH`] and, when it moved, rebuilds only the agent registry; requests never
//! query the database. So an agent added, revoked or rotated with the CLI takes effect within
//! about [`AGENTS_REFRESH`] (SIGHUP applies it at once). If the store cannot be read for
//! [`STORE_STALE_LIMIT`], every stored agent is refused until it can (fail closed: a revocation
//! the gateway cannot see must not keep a key alive); `[[agents]]` keep working.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use hmac::{KeyInit, Mac};

use crate::agents::{AgentDirectory, AgentRegistry, KeyHasher};
use crate::audit::Auditor;
use crate::config::{AgentConfig, ConnectionAuth, ConnectionConfig, Loaded, ServerConfig};
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::redact::DlpStage;
use crate::store::{Store, StoreError, StoredAgent};
use crate::tools::catalog::Catalog;
use crate::tools::guard::ResourceCache;

/// How often a running gateway checks the store for agent changes.
pub const AGENTS_REFRESH: Duration = Duration::from_secs(1);

/// How often a running gateway checks its policy file for changes.
pub const POLICY_REFRESH: Duration = Duration::from_secs(1);

/// How long the store may be unreadable before stored agents are refused.
pub const STORE_STALE_LIMIT: Duration = Duration::from_secs(10);

/// A Confluence connection: the client and what calls through it share.
pub struct Connection {
    pub client: confluence::Client,
    /// Resolved spaces and content (space, labels, ancestors) for policy checks.
    pub resources: Arc<ResourceCache>,
}

/// What a configuration builds into.
pub struct Runtime {
    pub loaded: Loaded,
    pub servers: Vec<Arc<ServerConfig>>,
    /// `[[agents]]` plus the stored agents, replaced when the store changes.
    pub agents: AgentDirectory,
    hasher: KeyHasher,
    pub connections: HashMap<String, Connection>,
    pub catalog: Arc<Catalog>,
    /// The compiled access policy (also at `loaded.policy`).
    pub policy: Arc<policy::Policy>,
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
    #[error("agents: {0}")]
    Agents(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("audit: {0}")]
    Audit(String),
    #[error("{0}")]
    Vault(String),
}

impl Runtime {
    /// Builds from a configuration and the agents stored in `store_path` (named in errors).
    /// Any problem with the agents (a name in both places, a stored agent naming a role or
    /// connection that no longer exists, a server naming an unknown agent) is an error.
    pub fn build(
        loaded: Loaded,
        catalog: Arc<Catalog>,
        stored: &[StoredAgent],
        store_path: &Path,
        vault: Option<&Arc<crate::vault::Vault>>,
    ) -> Result<Runtime, BuildError> {
        let config = &loaded.config;
        let secret = key_secret(&config.security)?;
        let hasher = KeyHasher::new(secret.as_bytes());
        let merged = merge_agents(&loaded, stored, store_path);
        if !merged.problems.is_empty() {
            return Err(BuildError::Agents(merged.problems.join("; ")));
        }
        check_server_agents(&loaded, &merged.agents, store_path)?;
        let agents = AgentDirectory::new(AgentRegistry::new(hasher.clone(), &merged.agents));
        let mut connections = HashMap::new();
        for conn in &config.connections {
            let conn = conn.get_ref();
            connections.insert(conn.name.clone(), connect(conn, vault)?);
        }
        let dlp = DlpStage::new(&config.dlp, &config.dlp_profiles, derive_hash_key(&secret)?)?;
        Ok(Runtime {
            servers: config
                .servers
                .iter()
                .map(|s| Arc::new(s.get_ref().clone()))
                .collect(),
            agents,
            hasher,
            connections,
            catalog,
            policy: loaded.policy.clone(),
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

    /// Replaces the agent registry with `[[agents]]` plus `stored`. Stored agents with problems
    /// are left out (their keys are refused) and the problems returned, so one bad row cannot
    /// keep a revocation from applying to the others.
    fn replace_stored_agents(&self, stored: &[StoredAgent], store_path: &Path) -> Vec<String> {
        let merged = merge_agents(&self.loaded, stored, store_path);
        self.agents
            .replace(AgentRegistry::new(self.hasher.clone(), &merged.agents));
        merged.problems
    }
}

struct MergedAgents {
    agents: Vec<AgentConfig>,
    problems: Vec<String>,
}

/// `[[agents]]` first, then the stored agents that fit the configuration. Disabled stored
/// agents are kept even if they name something that no longer exists: they can never
/// authenticate, and keeping them lets `agents revoke` be the fix for such an agent.
fn merge_agents(loaded: &Loaded, stored: &[StoredAgent], store_path: &Path) -> MergedAgents {
    let mut agents = loaded.agents.clone();
    let mut problems = Vec::new();
    for StoredAgent { agent, .. } in stored {
        if loaded.agents.iter().any(|a| a.name == agent.name) {
            problems.push(format!(
                "agent '{}' is stored in {} and also declared in [[agents]] of {}; rename or \
                 remove the [[agents]] entry",
                agent.name,
                store_path.display(),
                loaded.path.display()
            ));
            continue;
        }
        if agent.enabled
            && let Some((field, message)) =
                crate::config::agent_problem(&loaded.config, &loaded.policy, agent)
        {
            problems.push(format!(
                "stored agent '{}' {field}: {message}; fix {} or run `confluence-gateway agents \
                 revoke {}`",
                agent.name,
                loaded.path.display(),
                agent.name
            ));
            continue;
        }
        agents.push(agent.clone());
    }
    MergedAgents { agents, problems }
}

/// Every name in `[[servers]].agents` must be a known agent (a typo would otherwise lock an
/// agent out silently).
fn check_server_agents(
    loaded: &Loaded,
    agents: &[AgentConfig],
    store_path: &Path,
) -> Result<(), BuildError> {
    let names: BTreeSet<&str> = agents.iter().map(|a| a.name.as_str()).collect();
    for (i, server) in loaded.config.servers.iter().enumerate() {
        let server = server.get_ref();
        if let Some(unknown) = server
            .agents
            .iter()
            .find(|a| *a != "*" && !names.contains(a.as_str()))
        {
            return Err(BuildError::Agents(format!(
                "servers[{i}] ('{}').agents: no agent named '{unknown}' in [[agents]] of {} or \
                 stored in {}",
                server.name,
                loaded.path.display(),
                store_path.display()
            )));
        }
    }
    Ok(())
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

/// The client (and resource cache) for one `[[connections]]` entry. `oauth` connections take
/// their session from `vault`.
pub fn connect(
    conn: &ConnectionConfig,
    vault: Option<&Arc<crate::vault::Vault>>,
) -> Result<Connection, BuildError> {
    let fail = |message: String| BuildError::Connection {
        name: conn.name.clone(),
        message,
    };
    let token = || match (&conn.token_env, &conn.token) {
        (Some(var), _) => std::env::var(var)
            .map_err(|_| fail(format!("token_env names ${var}, which is not set"))),
        (None, Some(token)) => Ok(token.clone()),
        (None, None) => Err(fail("set token_env (or token)".to_owned())),
    };
    let auth = match conn.auth {
        ConnectionAuth::ApiToken => confluence::AuthMode::ApiToken {
            site_url: conn.site_url.clone(),
            email: conn.email.clone(),
            token: confluence::Secret::new(token()?),
        },
        ConnectionAuth::AccessToken => confluence::AuthMode::AccessToken {
            wiki_base_url: conn.site_url.clone(),
            provider: Arc::new(confluence::StaticToken(confluence::Secret::new(token()?))),
        },
        ConnectionAuth::Oauth => {
            let vault = vault.ok_or_else(|| {
                fail("oauth connections are served by a running gateway (no vault here)".into())
            })?;
            let app = vault
                .app
                .as_ref()
                .ok_or_else(|| fail("oauth connections need an [oauth] section".to_owned()))?;
            let user = conn.user.as_deref().unwrap_or(&conn.name);
            confluence::AuthMode::OAuth {
                site_url: conn.site_url.clone(),
                cloud_id: None,
                gateway_url: app.config.api_gateway_url.clone(),
                accessible_resources_url: app.config.accessible_resources_url.clone(),
                provider: vault.session(&conn.name, user),
            }
        }
    };
    let client = confluence::Client::new(
        auth,
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
        resources: Arc::default(),
    })
}

/// The running gateway: the current runtime plus state that outlives reloads.
pub struct Gateway {
    current: RwLock<Arc<Runtime>>,
    pub limiter: RateLimiter,
    pub catalog: Arc<Catalog>,
    /// The audit trail's writer (`[audit]` applies at start; a reload keeps it).
    pub auditor: Auditor,
    pub metrics: Arc<Metrics>,
    /// The OAuth sessions of `oauth` connections (kept across reloads).
    pub vault: Arc<crate::vault::Vault>,
    /// Audit sinks and retention, stopped with the gateway.
    background: Vec<tokio::task::JoinHandle<()>>,
    store: Store,
    /// Serialises reloads and store refreshes, so a refresh never writes into a runtime that a
    /// reload has just replaced.
    sync: tokio::sync::Mutex<AgentSync>,
    /// Why the last reload (SIGHUP or a policy file change) failed; cleared by a good one.
    /// `/readyz` shows it: the gateway keeps serving with the configuration it had.
    reload_problem: std::sync::Mutex<Option<String>>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        for task in &self.background {
            task.abort();
        }
    }
}

/// What the gateway last saw of the store's agents.
struct AgentSync {
    version: i64,
    last_read: Instant,
    /// Stored agents were dropped because the store could not be read.
    stored_refused: bool,
}

impl Gateway {
    /// Builds the gateway from a configuration and the agents in `store`.
    pub async fn open(loaded: Loaded, store: Store) -> Result<Arc<Gateway>, BuildError> {
        let catalog = Arc::new(Catalog::build()?);
        let limiter = RateLimiter::new(&loaded.config.rate_limit);
        // The version first: a change landing between the two reads is seen again next poll.
        let version = store.agents_version().await?;
        let stored = store.list_agents().await?;
        let metrics = Arc::new(Metrics::default());
        let audit = &loaded.config.audit;
        let auditor = Auditor::start(store.clone(), audit, metrics.clone()).await?;
        let mut background =
            crate::audit::sinks::spawn_all(&store, &loaded, &auditor.committed(), &metrics)
                .map_err(|e| BuildError::Audit(e.to_string()))?;
        let secret = key_secret(&loaded.config.security)?;
        background.extend(crate::audit::retention::spawn(
            store.clone(),
            crate::audit::checkpoint_key(&secret),
            audit.retention_days,
            audit.sinks.iter().map(|s| s.name.clone()).collect(),
            metrics.clone(),
        ));
        let base_dir = loaded
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let vault =
            crate::vault::Vault::open(&loaded.config, &base_dir, store.clone(), metrics.clone())
                .map_err(|e| BuildError::Vault(e.to_string()))?;
        vault.update_reconsent_gauge().await;
        vault.spawn_keepalive();
        let runtime = Runtime::build(loaded, catalog.clone(), &stored, store.path(), Some(&vault))?;
        Ok(Arc::new(Gateway {
            vault,
            current: RwLock::new(Arc::new(runtime)),
            limiter,
            catalog,
            auditor,
            metrics,
            background,
            store,
            sync: tokio::sync::Mutex::new(AgentSync {
                version,
                last_read: Instant::now(),
                stored_refused: false,
            }),
            reload_problem: std::sync::Mutex::new(None),
        }))
    }

    /// The runtime calls should use now.
    pub fn runtime(&self) -> Arc<Runtime> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The state store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Why the gateway is not ready to serve calls, if it is not: stored agents refused (the
    /// store is unreadable) or the audit trail unable to record (queue full, writes failing).
    pub async fn not_ready(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if self.sync.lock().await.stored_refused {
            reasons.push("the state store is unreadable: stored agents are refused".to_owned());
        }
        if let Err(reason) = self.auditor.ready() {
            reasons.push(reason);
        }
        reasons
    }

    /// Replaces the runtime (servers, agents, roles, DLP, connections) and re-reads the stored
    /// agents. The listen address, rate-limit settings and `data_dir` apply at the next start.
    pub async fn reload(&self, loaded: Loaded) -> Result<(), BuildError> {
        let mut sync = self.sync.lock().await;
        let version = self.store.agents_version().await?;
        let stored = self.store.list_agents().await?;
        let runtime = Runtime::build(
            loaded,
            self.catalog.clone(),
            &stored,
            self.store.path(),
            Some(&self.vault),
        )?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(runtime);
        *sync = AgentSync {
            version,
            last_read: Instant::now(),
            stored_refused: false,
        };
        Ok(())
    }

    /// Reads the configuration (and the policy file it names) again and swaps the runtime;
    /// on any problem the running runtime stays and the problem is kept for `/readyz`.
    pub async fn reload_from(&self, config_path: &Path) -> Result<(), String> {
        let result = match crate::config::load(config_path) {
            Ok(loaded) => self.reload(loaded).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        *self
            .reload_problem
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = result.as_ref().err().cloned();
        result
    }

    /// Why the last reload failed, while the previous configuration and policy stay in force.
    pub fn reload_problem(&self) -> Option<String> {
        self.reload_problem
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Polls the policy's file every `every` (the `policy_file` when the configuration names
    /// one, else the configuration file itself) and reloads when its modification time or
    /// size changes. An invalid new version is logged and shown on `/readyz`; the policy in
    /// force stays. The task ends when the gateway is dropped.
    pub fn watch_policy(
        self: &Arc<Self>,
        config_path: std::path::PathBuf,
        every: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let gateway = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut seen: Option<(std::path::PathBuf, Option<(std::time::SystemTime, u64)>)> = None;
            loop {
                tick.tick().await;
                let Some(gateway) = gateway.upgrade() else {
                    return;
                };
                let watched = gateway
                    .runtime()
                    .loaded
                    .policy_file
                    .clone()
                    .unwrap_or_else(|| config_path.clone());
                let stamp = std::fs::metadata(&watched)
                    .ok()
                    .and_then(|m| Some((m.modified().ok()?, m.len())));
                let changed = match &seen {
                    Some((path, old)) => *path == watched && *old != stamp,
                    None => false,
                };
                seen = Some((watched.clone(), stamp));
                if !changed {
                    continue;
                }
                match gateway.reload_from(&config_path).await {
                    Ok(()) => tracing::info!(
                        "{} changed: configuration and policy reloaded",
                        watched.display()
                    ),
                    Err(e) => tracing::error!(
                        "{} changed but cannot be used, keeping the policy in force: {e}",
                        watched.display()
                    ),
                }
            }
        })
    }

    /// Checks the store's agents version and, if it moved, rebuilds the agent registry from
    /// it. Returns whether the registry was rebuilt.
    pub async fn refresh_agents(&self) -> Result<bool, StoreError> {
        let mut sync = self.sync.lock().await;
        let version = self.store.agents_version().await?;
        if version == sync.version && !sync.stored_refused {
            sync.last_read = Instant::now();
            return Ok(false);
        }
        let stored = self.store.list_agents().await?;
        let problems = self
            .runtime()
            .replace_stored_agents(&stored, self.store.path());
        for problem in problems {
            tracing::error!("{problem}; this agent's key is refused");
        }
        *sync = AgentSync {
            version,
            last_read: Instant::now(),
            stored_refused: false,
        };
        Ok(true)
    }

    /// Refuses every stored agent if the store has not been read for `limit`. Returns whether
    /// it did so now.
    pub async fn refuse_stored_agents_if_stale(&self, limit: Duration) -> bool {
        let mut sync = self.sync.lock().await;
        if sync.stored_refused || sync.last_read.elapsed() < limit {
            return false;
        }
        let _ = self.runtime().replace_stored_agents(&[], self.store.path());
        sync.stored_refused = true;
        tracing::error!(
            "the store has not been readable for {} s: refusing every stored agent's key until it is",
            limit.as_secs()
        );
        true
    }

    /// Polls the store every `every` in the background (see the module documentation); the
    /// task ends when the gateway is dropped.
    pub fn watch_store(
        self: &Arc<Self>,
        every: Duration,
        stale_after: Duration,
    ) -> tokio::task::JoinHandle<()> {
        let gateway = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut failing = false;
            loop {
                tick.tick().await;
                let Some(gateway) = gateway.upgrade() else {
                    return;
                };
                match gateway.refresh_agents().await {
                    Ok(changed) => {
                        if failing {
                            tracing::info!("the store is readable again");
                        }
                        failing = false;
                        if changed {
                            tracing::info!("agents reloaded from the store");
                        }
                    }
                    Err(e) => {
                        if !failing {
                            tracing::error!("cannot read agents from the store: {e}");
                        }
                        failing = true;
                        gateway.refuse_stored_agents_if_stale(stale_after).await;
                    }
                }
            }
        })
    }
}
