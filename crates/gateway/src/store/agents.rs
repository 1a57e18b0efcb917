//! Agents in the store: what `confluence-gateway agents add|revoke|rotate` write and what a
//! running gateway reads. Every change bumps the `agents` version in the same transaction; the
//! version bump comes first, so the transaction holds the write lock before it reads anything
//! (two concurrent admin commands queue up instead of failing on a stale snapshot).

use std::path::PathBuf;

use sqlx::Row as _;
use sqlx::sqlite::SqliteRow;

use super::{DEFAULT_TENANT, Store, StoreError};
use crate::config::{AgentConfig, Loaded};

const TOPIC: &str = "agents";

/// A stored agent and its bookkeeping.
#[derive(Debug, Clone)]
pub struct StoredAgent {
    pub agent: AgentConfig,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC: the last revoke or rotate.
    pub updated_at: String,
}

/// What importing a legacy `agents_file` did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub from: PathBuf,
    pub renamed_to: PathBuf,
    pub database: PathBuf,
    pub imported: Vec<String>,
    /// Names the store already had; the stored agent is kept.
    pub already_stored: Vec<String>,
    pub config: PathBuf,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "imported {} agent(s) from {} into {}",
            self.imported.len(),
            self.from.display(),
            self.database.display()
        )?;
        if !self.already_stored.is_empty() {
            write!(
                f,
                " ({} already stored and kept: {})",
                self.already_stored.len(),
                self.already_stored.join(", ")
            )?;
        }
        write!(
            f,
            "; the file is now {}. Remove `agents_file` from {}.",
            self.renamed_to.display(),
            self.config.display()
        )
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".to_owned())
}

type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;

impl Store {
    /// The agents version: it changes whenever a stored agent does. One indexed row, so a
    /// running gateway can poll it every second.
    pub async fn agents_version(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT version FROM state_versions WHERE tenant_id = $1 AND topic = $2")
            .bind(DEFAULT_TENANT)
            .bind(TOPIC)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.error(&e))
    }

    /// Every stored agent, by name.
    pub async fn list_agents(&self) -> Result<Vec<StoredAgent>, StoreError> {
        let rows = sqlx::query(
            "SELECT name, roles, connection, spaces, dlp_profile, enabled, expires_at, key_hash, \
             created_at, updated_at FROM agents WHERE tenant_id = $1 ORDER BY name",
        )
        .bind(DEFAULT_TENANT)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        rows.iter().map(|row| self.agent_of(row)).collect()
    }

    fn agent_of(&self, row: &SqliteRow) -> Result<StoredAgent, StoreError> {
        let name: String = row.try_get("name").map_err(|e| self.error(&e))?;
        let corrupt = |what: &str| StoreError::Corrupt {
            path: self.path_string(),
            name: name.clone(),
            what: what.to_owned(),
        };
        let get_text = |column: &str| -> Result<String, StoreError> {
            row.try_get(column).map_err(|_| corrupt(column))
        };
        let list = |column: &str| -> Result<Vec<String>, StoreError> {
            serde_json::from_str(&get_text(column)?).map_err(|_| corrupt(column))
        };
        Ok(StoredAgent {
            agent: AgentConfig {
                roles: list("roles")?,
                connection: get_text("connection")?,
                spaces: list("spaces")?,
                dlp_profile: row
                    .try_get("dlp_profile")
                    .map_err(|_| corrupt("dlp_profile"))?,
                enabled: row.try_get("enabled").map_err(|_| corrupt("enabled"))?,
                expires_at: row
                    .try_get("expires_at")
                    .map_err(|_| corrupt("expires_at"))?,
                key_hash: get_text("key_hash")?,
                name: name.clone(),
            },
            created_at: get_text("created_at")?,
            updated_at: get_text("updated_at")?,
        })
    }

    /// Starts a write transaction by bumping the agents version (taking the write lock first).
    async fn begin_agents_change(&self) -> Result<Tx, StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| self.error(&e))?;
        sqlx::query(
            "UPDATE state_versions SET version = version + 1 WHERE tenant_id = $1 AND topic = $2",
        )
        .bind(DEFAULT_TENANT)
        .bind(TOPIC)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(tx)
    }

    async fn commit(&self, tx: Tx) -> Result<(), StoreError> {
        tx.commit().await.map_err(|e| self.error(&e))
    }

    /// Stores a new agent. The caller has checked its references against the configuration.
    pub async fn insert_agent(&self, agent: &AgentConfig) -> Result<(), StoreError> {
        let mut tx = self.begin_agents_change().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM agents WHERE tenant_id = $1 AND name = $2")
                .bind(DEFAULT_TENANT)
                .bind(&agent.name)
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| self.error(&e))?;
        if exists.is_some() {
            return Err(StoreError::AgentExists(agent.name.clone()));
        }
        self.insert_row(&mut tx, agent, false).await?;
        self.commit(tx).await
    }

    /// Inserts one row; with `skip_existing`, a name (or key) already stored is left alone and
    /// `false` is returned.
    async fn insert_row(
        &self,
        tx: &mut Tx,
        agent: &AgentConfig,
        skip_existing: bool,
    ) -> Result<bool, StoreError> {
        let sql = if skip_existing {
            "INSERT INTO agents (id, tenant_id, name, roles, connection, spaces, dlp_profile, \
             enabled, expires_at, key_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) ON CONFLICT DO NOTHING"
        } else {
            "INSERT INTO agents (id, tenant_id, name, roles, connection, spaces, dlp_profile, \
             enabled, expires_at, key_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
        };
        let done = sqlx::query(sql)
            .bind(new_id())
            .bind(DEFAULT_TENANT)
            .bind(&agent.name)
            .bind(json_list(&agent.roles))
            .bind(&agent.connection)
            .bind(json_list(&agent.spaces))
            .bind(&agent.dlp_profile)
            .bind(agent.enabled)
            .bind(&agent.expires_at)
            .bind(&agent.key_hash)
            .bind(now())
            .execute(&mut **tx)
            .await
            .map_err(|e| self.error(&e))?;
        Ok(done.rows_affected() == 1)
    }

    /// Enables or disables (revokes) a stored agent.
    pub async fn set_agent_enabled(&self, name: &str, enabled: bool) -> Result<(), StoreError> {
        let mut tx = self.begin_agents_change().await?;
        let done = sqlx::query(
            "UPDATE agents SET enabled = $1, updated_at = $2 WHERE tenant_id = $3 AND name = $4",
        )
        .bind(enabled)
        .bind(now())
        .bind(DEFAULT_TENANT)
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.error(&e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchAgent(name.to_owned()));
        }
        self.commit(tx).await
    }

    /// Replaces a stored agent's key hash and enables it (rotation also undoes a revocation).
    pub async fn replace_agent_key(&self, name: &str, key_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_agents_change().await?;
        let done = sqlx::query(
            "UPDATE agents SET key_hash = $1, enabled = $2, updated_at = $3 \
             WHERE tenant_id = $4 AND name = $5",
        )
        .bind(key_hash)
        .bind(true)
        .bind(now())
        .bind(DEFAULT_TENANT)
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.error(&e))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchAgent(name.to_owned()));
        }
        self.commit(tx).await
    }

    /// Moves the agents of a legacy `agents_file` (the TOML file `agents` commands wrote before
    /// the store) into the store, once: agents whose name is already stored keep the stored
    /// version, and the file is renamed to `<file>.imported` so it is not read again. `None` when
    /// the configuration names no such file or it is gone.
    pub async fn import_agents_file(
        &self,
        loaded: &Loaded,
    ) -> Result<Option<ImportReport>, StoreError> {
        let Some(from) = loaded.agents_file_path() else {
            return Ok(None);
        };
        if !from.exists() {
            return Ok(None);
        }
        let fail = |message: String| StoreError::AgentsFile {
            path: from.display().to_string(),
            message,
        };
        let file = crate::config::load_agents_file(&from).map_err(|e| fail(e.to_string()))?;
        for agent in &file.agents {
            if loaded.agents.iter().any(|a| a.name == agent.name) {
                return Err(fail(format!(
                    "agent '{}' is also declared in [[agents]] of {}; remove one of the two",
                    agent.name,
                    loaded.path.display()
                )));
            }
            if crate::agents::KeyHash::parse(&agent.key_hash).is_none() {
                return Err(fail(format!(
                    "agent '{}': key_hash is not 'hmac-sha256:' and 64 hex digits",
                    agent.name
                )));
            }
        }
        let mut tx = self.begin_agents_change().await?;
        let (mut imported, mut already_stored) = (Vec::new(), Vec::new());
        for agent in &file.agents {
            if self.insert_row(&mut tx, agent, true).await? {
                imported.push(agent.name.clone());
            } else {
                already_stored.push(agent.name.clone());
            }
        }
        self.commit(tx).await?;
        let mut renamed = from.clone().into_os_string();
        renamed.push(".imported");
        let renamed_to = PathBuf::from(renamed);
        match std::fs::rename(&from, &renamed_to) {
            Ok(()) => {}
            // Another process (a second `stdio`, say) imported and renamed it first.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(fail(format!(
                    "imported, but renaming it to {} failed ({e}); rename or delete it yourself",
                    renamed_to.display()
                )));
            }
        }
        Ok(Some(ImportReport {
            from,
            renamed_to,
            database: self.path.to_path_buf(),
            imported,
            already_stored,
            config: loaded.path.clone(),
        }))
    }
}
