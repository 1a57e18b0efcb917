//! The gateway's state, behind one repository layer: today agents, later audit events and the
//! credential vault. One SQLite database, `gateway.db`, under the configured `data_dir`
//! (PostgreSQL for several replicas comes later, behind the same methods).
//!
//! - Migrations live in `crates/gateway/migrations/sqlite/`, are embedded in the binary
//!   (`sqlx::migrate!`) and run on every open, so a new binary upgrades the file on its first
//!   start. A database written by a newer binary is refused rather than guessed at.
//! - WAL journal (readers never wait for the writer, so the CLI can write while `serve` reads),
//!   foreign keys on, a 5 s busy timeout.
//! - The data directory is created with mode 0700 and the database file with 0600: it holds
//!   only keyed hashes of agent keys today, but audit events and sealed credentials follow.
//! - Every row carries a tenant id; only [`DEFAULT_TENANT`] exists for now.
//! - Changes a running gateway must notice bump a per-topic version in the same transaction
//!   (`state_versions`), so a gateway polls one row, not the whole table ([`Store::agents_version`]).
//!
//! Errors say what is wrong with the file and what to do; a store that cannot be opened stops
//! the gateway at start (fail closed).

pub mod agents;
pub mod audit;
pub mod connections;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use agents::{ImportReport, StoredAgent};
pub use audit::{AuditAppender, AuditFilter, AuditRow, Checkpoint};
pub use connections::{PendingAuthorization, TokenRow};

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "gateway.db";

/// The only tenant until workspaces are exposed.
pub const DEFAULT_TENANT: &str = "default";

/// How long a statement waits for another process's write lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

static MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");

/// A handle on the gateway's database; cheap to clone (a connection pool).
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    path: Arc<PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Why the store could not be opened or used. Messages name the file and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path} is not a readable SQLite database (damaged, or another kind of file); \
         restore it from a backup, or move it away to start with an empty store"
    )]
    NotADatabase { path: String },
    #[error(
        "{path} is locked by another process (waited {} s); stop the program holding it \
         (for example a sqlite3 shell in the middle of a transaction) and try again",
        BUSY_TIMEOUT.as_secs()
    )]
    Locked { path: String },
    #[error(
        "{path} cannot be opened for writing: check the data directory's owner and permissions"
    )]
    ReadOnly { path: String },
    #[error(
        "{path} was written by a newer confluence-gateway (schema migration {version} is \
         unknown to this one); run the newer version, or restore a backup"
    )]
    NewerSchema { path: String, version: i64 },
    #[error(
        "{path}: schema migration {version} differs from the one applied to this database; use the binary that created it, or restore a backup"
    )]
    ChangedMigration { path: String, version: i64 },
    #[error("{path}: {message}")]
    Database { path: String, message: String },
    #[error("{path}: stored agent '{name}' is unreadable ({what}); restore a backup")]
    Corrupt {
        path: String,
        name: String,
        what: String,
    },
    #[error("an agent named '{0}' exists in the store; use `agents rotate` for a new key")]
    AgentExists(String),
    #[error("no stored agent named '{0}' (see `confluence-gateway agents list`)")]
    NoSuchAgent(String),
    #[error("agents_file {path}: {message}")]
    AgentsFile { path: String, message: String },
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its schema up to date.
    pub async fn open(data_dir: &Path) -> Result<Store, StoreError> {
        create_private_dir(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        create_private_file(&path)?;
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let store = Store {
            // `connect_with` opens one connection at once, so a damaged or locked file fails
            // here, at start, and not on the first request.
            pool: SqlitePoolOptions::new()
                .max_connections(4)
                .acquire_timeout(BUSY_TIMEOUT * 2)
                .connect_with(options)
                .await
                .map_err(|e| classify(&path, &e))?,
            path: Arc::new(path),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the store a configuration names (`data_dir`) and imports its legacy
    /// `agents_file`, if there is one, reporting what the import did.
    pub async fn open_configured(
        loaded: &crate::config::Loaded,
    ) -> Result<(Store, Option<ImportReport>), StoreError> {
        let store = Store::open(&loaded.data_dir()).await?;
        let imported = store.import_agents_file(loaded).await?;
        Ok((store, imported))
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let path = self.path_string();
        MIGRATOR.run(&self.pool).await.map_err(|e| match e {
            MigrateError::VersionMissing(version) => StoreError::NewerSchema { path, version },
            MigrateError::VersionMismatch(version) => {
                StoreError::ChangedMigration { path, version }
            }
            MigrateError::Execute(e) | MigrateError::ExecuteMigration(e, _) => {
                classify(&self.path, &e)
            }
            other => StoreError::Database {
                path,
                message: other.to_string(),
            },
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn path_string(&self) -> String {
        self.path.display().to_string()
    }

    /// The connection pool, for repository code and tests that inspect the database.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The migrations compiled into this binary, as (version, description).
    pub fn migrations() -> impl Iterator<Item = (i64, &'static str)> {
        MIGRATOR.iter().map(|m| (m.version, m.description.as_ref()))
    }

    /// Closes every connection (the last close checkpoints the WAL into the database file).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Turns a driver error into a [`StoreError`] that names this database.
    fn error(&self, e: &sqlx::Error) -> StoreError {
        classify(&self.path, e)
    }
}

/// Maps SQLite's result codes to errors a user can act on.
fn classify(path: &Path, e: &sqlx::Error) -> StoreError {
    let path = path.display().to_string();
    if let sqlx::Error::Database(db) = e
        && let Some(code) = db.code().and_then(|c| c.parse::<i32>().ok())
    {
        // Primary result codes (the low byte of extended codes): https://sqlite.org/rescode.html
        match code & 0xff {
            5 | 6 => return StoreError::Locked { path },
            8 => return StoreError::ReadOnly { path },
            11 | 26 => return StoreError::NotADatabase { path },
            _ => {}
        }
    }
    StoreError::Database {
        path,
        message: e.to_string(),
    }
}

/// Creates the data directory (and parents) with mode 0700. An existing directory is kept as
/// it is; if others may read it, a warning says so.
fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let fail = |source| StoreError::DataDir {
        path: dir.display().to_string(),
        source,
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).map_err(fail)?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(
                data_dir = %dir.display(),
                "the data directory is accessible to other users (mode {:o}); consider chmod 700",
                mode & 0o777
            );
        }
    }
    Ok(())
}

/// Creates an empty database file readable only by its owner (SQLite gives its WAL and shm
/// files the same permissions); an existing file is left untouched.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .map_err(|source| StoreError::DataDir {
            path: path.display().to_string(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn opens_an_empty_directory_twice_with_the_same_schema() {
        let dir = tempfile::TempDir::new().unwrap_or_else(|e| panic!("{e}"));
        let data = dir.path().join("nested/data");
        let first = Store::open(&data).await.unwrap_or_else(|e| panic!("{e}"));
        first.close().await;
        let again = Store::open(&data).await.unwrap_or_else(|e| panic!("{e}"));
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(again.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(applied, Store::migrations().count() as i64);
    }
}
