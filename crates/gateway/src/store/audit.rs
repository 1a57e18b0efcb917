//! The audit repository: append a batch of chained events in one transaction, read them back in
//! order, search, sink cursors, and pruning behind a checkpoint. The chain logic itself lives
//! in `crate::audit`; this file only moves rows.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{QueryBuilder, Row};

use super::{DEFAULT_TENANT, Store, StoreError};

/// An event row as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: i64,
    pub time: String,
    pub kind: String,
    pub agent: String,
    pub server: String,
    pub tool: Option<String>,
    pub decision: String,
    pub outcome: String,
    /// JSON array of space keys.
    pub spaces: String,
    pub body: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The signed record of a pruned prefix of the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub through_id: i64,
    pub through_hash: String,
    pub created_at: String,
    pub mac: String,
}

/// `audit search` filters; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub agent: Option<String>,
    pub tool: Option<String>,
    pub space: Option<String>,
    pub decision: Option<String>,
    pub outcome: Option<String>,
    /// RFC 3339 UTC times in the trail's format (inclusive, exclusive).
    pub since: Option<String>,
    pub until: Option<String>,
    pub after_id: Option<i64>,
    pub limit: Option<i64>,
    /// Newest first (for `tail`); otherwise oldest first.
    pub newest_first: bool,
}

const COLUMNS: &str =
    "id, time, kind, agent, server, tool, decision, outcome, spaces, body, prev_hash, hash";

fn row_of(row: &sqlx::sqlite::SqliteRow) -> Result<AuditRow, sqlx::Error> {
    Ok(AuditRow {
        id: row.try_get("id")?,
        time: row.try_get("time")?,
        kind: row.try_get("kind")?,
        agent: row.try_get("agent")?,
        server: row.try_get("server")?,
        tool: row.try_get("tool")?,
        decision: row.try_get("decision")?,
        outcome: row.try_get("outcome")?,
        spaces: row.try_get("spaces")?,
        body: row.try_get("body")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

/// The audit writer's dedicated connection: no pool acquire per batch, and no automatic WAL
/// checkpoint inside its commits. A batch is one write transaction: [`AuditAppender::begin`]
/// takes SQLite's write lock, so the head read next stays the head until the commit even when
/// other gateway processes share the file.
pub struct AuditAppender {
    conn: sqlx::SqliteConnection,
    store: Store,
}

impl AuditAppender {
    async fn run(&mut self, sql: &'static str) -> Result<(), StoreError> {
        sqlx::query(sql)
            .execute(&mut self.conn)
            .await
            .map_err(|e| self.store.error(&e))?;
        Ok(())
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE`: the write lock is taken now, not at the
    /// first insert, so no other writer can move the head in between).
    pub async fn begin(&mut self) -> Result<(), StoreError> {
        self.run("BEGIN IMMEDIATE").await
    }

    pub async fn commit(&mut self) -> Result<(), StoreError> {
        self.run("COMMIT").await
    }

    /// Ends a failed transaction; a rollback that fails too leaves nothing to undo.
    pub async fn rollback(&mut self) {
        let _ = self.run("ROLLBACK").await;
    }

    /// The id and hash the next event chains onto: the newest event, else the newest
    /// checkpoint (everything was pruned), else `None` (the genesis).
    pub async fn head(&mut self) -> Result<Option<(i64, String)>, StoreError> {
        let newest = sqlx::query_as::<_, (i64, String)>(
            // `+tenant_id`: walk the primary key backwards (one row); filtering through a
            // tenant index would sort the whole table.
            "SELECT id, hash FROM audit_events WHERE +tenant_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(DEFAULT_TENANT)
        .fetch_optional(&mut self.conn)
        .await
        .map_err(|e| self.store.error(&e))?;
        if newest.is_some() {
            return Ok(newest);
        }
        sqlx::query_as::<_, (i64, String)>(
            "SELECT through_id, through_hash FROM audit_checkpoints WHERE tenant_id = $1 \
             ORDER BY through_id DESC LIMIT 1",
        )
        .bind(DEFAULT_TENANT)
        .fetch_optional(&mut self.conn)
        .await
        .map_err(|e| self.store.error(&e))
    }

    /// Appends `rows` (consecutive ids, chained) in one statement.
    pub async fn insert(&mut self, rows: &[AuditRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut q = QueryBuilder::new(
            "INSERT INTO audit_events (tenant_id, id, time, kind, agent, server, tool, decision, \
             outcome, spaces, body, prev_hash, hash) ",
        );
        q.push_values(rows, |mut b, r| {
            b.push_bind(DEFAULT_TENANT)
                .push_bind(r.id)
                .push_bind(&r.time)
                .push_bind(&r.kind)
                .push_bind(&r.agent)
                .push_bind(&r.server)
                .push_bind(&r.tool)
                .push_bind(&r.decision)
                .push_bind(&r.outcome)
                .push_bind(&r.spaces)
                .push_bind(&r.body)
                .push_bind(&r.prev_hash)
                .push_bind(&r.hash);
        });
        q.build()
            .execute(&mut self.conn)
            .await
            .map_err(|e| self.store.error(&e))?;
        Ok(())
    }

    /// Records that journal `instance` is chained through line `seq` (in the batch's
    /// transaction, so the mark and the events it covers commit together).
    pub async fn mark_journal(&mut self, instance: &str, seq: u64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_journals (tenant_id, instance, ingested_seq, updated_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, instance) DO UPDATE SET \
             ingested_seq = excluded.ingested_seq, updated_at = excluded.updated_at",
        )
        .bind(DEFAULT_TENANT)
        .bind(instance)
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .bind(crate::audit::event::now_rfc3339())
        .execute(&mut self.conn)
        .await
        .map_err(|e| self.store.error(&e))?;
        Ok(())
    }

    /// How far journal `instance` has been chained (0: not at all).
    pub async fn journal_mark(&mut self, instance: &str) -> Result<u64, StoreError> {
        let seq: Option<i64> = sqlx::query_scalar(
            "SELECT ingested_seq FROM audit_journals WHERE tenant_id = $1 AND instance = $2",
        )
        .bind(DEFAULT_TENANT)
        .bind(instance)
        .fetch_optional(&mut self.conn)
        .await
        .map_err(|e| self.store.error(&e))?;
        Ok(seq.map_or(0, |s| u64::try_from(s).unwrap_or(0)))
    }

    /// Drops the mark of a journal whose file is gone.
    pub async fn forget_journal(&mut self, instance: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM audit_journals WHERE tenant_id = $1 AND instance = $2")
            .bind(DEFAULT_TENANT)
            .bind(instance)
            .execute(&mut self.conn)
            .await
            .map_err(|e| self.store.error(&e))?;
        Ok(())
    }
}

impl Store {
    /// Opens the audit writer's own connection (see [`AuditAppender`]).
    pub async fn audit_appender(&self) -> Result<AuditAppender, StoreError> {
        use sqlx::Connection as _;
        let options = SqliteConnectOptions::new()
            .filename(self.path())
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(super::BUSY_TIMEOUT)
            // Checkpoints (which write back and sync the database file) run in the background
            // ([`Store::checkpoint_wal`]), never inside a commit that calls are waiting for.
            .pragma("wal_autocheckpoint", "0");
        let conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .map_err(|e| self.error(&e))?;
        Ok(AuditAppender {
            conn,
            store: self.clone(),
        })
    }

    /// Copies committed WAL content into the database file without blocking writers
    /// (`PRAGMA wal_checkpoint(PASSIVE)`).
    pub async fn checkpoint_wal(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&self.pool)
            .await
            .map_err(|e| self.error(&e))?;
        Ok(())
    }

    /// The newest event's id and hash; `None` when the trail holds no event.
    pub async fn audit_last(&self) -> Result<Option<(i64, String)>, StoreError> {
        let row = sqlx::query(
            // `+tenant_id`: walk the primary key backwards (one row); filtering through a
            // tenant index would sort the whole table.
            "SELECT id, hash FROM audit_events WHERE +tenant_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(DEFAULT_TENANT)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        row.map(|r| Ok((r.try_get("id")?, r.try_get("hash")?)))
            .transpose()
            .map_err(|e: sqlx::Error| self.error(&e))
    }

    /// The oldest event's id, if any.
    pub async fn audit_first_id(&self) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar("SELECT MIN(id) FROM audit_events WHERE tenant_id = $1")
            .bind(DEFAULT_TENANT)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.error(&e))
    }

    /// Events matching `filter`, in id order (or newest first).
    pub async fn audit_search(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
        // Without an agent or time filter the id order is the access path: `+tenant_id` keeps
        // SQLite from picking a tenant index and sorting every event of the tenant (sinks and
        // `tail -f` read the newest ids over and over).
        let by_index = filter.agent.is_some() || filter.since.is_some() || filter.until.is_some();
        let tenant = if by_index { "tenant_id" } else { "+tenant_id" };
        let mut q = QueryBuilder::new(format!(
            "SELECT {COLUMNS} FROM audit_events WHERE {tenant} = "
        ));
        q.push_bind(DEFAULT_TENANT);
        if let Some(v) = &filter.agent {
            q.push(" AND agent = ").push_bind(v.clone());
        }
        if let Some(v) = &filter.tool {
            q.push(" AND tool = ").push_bind(v.clone());
        }
        if let Some(v) = &filter.decision {
            q.push(" AND decision = ").push_bind(v.clone());
        }
        if let Some(v) = &filter.outcome {
            q.push(" AND outcome = ").push_bind(v.clone());
        }
        if let Some(v) = &filter.space {
            // `spaces` is a JSON array of upper-case keys; match one whole quoted element.
            let key = serde_json::to_string(&v.to_ascii_uppercase()).unwrap_or_default();
            q.push(" AND instr(spaces, ").push_bind(key).push(") > 0");
        }
        if let Some(v) = &filter.since {
            q.push(" AND time >= ").push_bind(v.clone());
        }
        if let Some(v) = &filter.until {
            q.push(" AND time < ").push_bind(v.clone());
        }
        if let Some(v) = filter.after_id {
            q.push(" AND id > ").push_bind(v);
        }
        q.push(if filter.newest_first {
            " ORDER BY id DESC"
        } else {
            " ORDER BY id ASC"
        });
        if let Some(limit) = filter.limit {
            q.push(" LIMIT ").push_bind(limit);
        }
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.error(&e))?;
        rows.iter()
            .map(row_of)
            .collect::<Result<_, _>>()
            .map_err(|e| self.error(&e))
    }

    /// Up to `limit` events after `after_id`, oldest first.
    pub async fn audit_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<AuditRow>, StoreError> {
        self.audit_search(&AuditFilter {
            after_id: Some(after_id),
            limit: Some(limit),
            ..AuditFilter::default()
        })
        .await
    }

    /// Number of events stored.
    pub async fn audit_count(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE tenant_id = $1")
            .bind(DEFAULT_TENANT)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.error(&e))
    }

    /// The newest checkpoint, if the trail was ever pruned.
    pub async fn audit_checkpoint(&self) -> Result<Option<Checkpoint>, StoreError> {
        let row = sqlx::query(
            "SELECT through_id, through_hash, created_at, mac FROM audit_checkpoints \
             WHERE tenant_id = $1 ORDER BY through_id DESC LIMIT 1",
        )
        .bind(DEFAULT_TENANT)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        row.map(|r| {
            Ok(Checkpoint {
                through_id: r.try_get("through_id")?,
                through_hash: r.try_get("through_hash")?,
                created_at: r.try_get("created_at")?,
                mac: r.try_get("mac")?,
            })
        })
        .transpose()
        .map_err(|e: sqlx::Error| self.error(&e))
    }

    /// The newest event older than `before` with an id of at most `max_id`: the end of the
    /// prefix that retention may prune.
    pub async fn audit_prunable(
        &self,
        before: &str,
        max_id: i64,
    ) -> Result<Option<(i64, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, hash FROM audit_events WHERE tenant_id = $1 AND time < $2 AND id <= $3 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(DEFAULT_TENANT)
        .bind(before)
        .bind(max_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        row.map(|r| Ok((r.try_get("id")?, r.try_get("hash")?)))
            .transpose()
            .map_err(|e: sqlx::Error| self.error(&e))
    }

    /// Records `checkpoint` and deletes the events it covers, in one transaction.
    pub async fn audit_prune(&self, checkpoint: &Checkpoint) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(|e| self.error(&e))?;
        sqlx::query(
            "INSERT INTO audit_checkpoints (tenant_id, through_id, through_hash, created_at, mac) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(DEFAULT_TENANT)
        .bind(checkpoint.through_id)
        .bind(&checkpoint.through_hash)
        .bind(&checkpoint.created_at)
        .bind(&checkpoint.mac)
        .execute(&mut *tx)
        .await
        .map_err(|e| self.error(&e))?;
        let deleted = sqlx::query("DELETE FROM audit_events WHERE tenant_id = $1 AND id <= $2")
            .bind(DEFAULT_TENANT)
            .bind(checkpoint.through_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(&e))?
            .rows_affected();
        tx.commit().await.map_err(|e| self.error(&e))?;
        Ok(deleted)
    }

    /// The last event delivered to `sink` (0: none yet).
    pub async fn sink_cursor(&self, sink: &str) -> Result<i64, StoreError> {
        let value: Option<i64> = sqlx::query_scalar(
            "SELECT last_id FROM audit_sink_cursors WHERE tenant_id = $1 AND sink = $2",
        )
        .bind(DEFAULT_TENANT)
        .bind(sink)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(value.unwrap_or(0))
    }

    /// Records that `sink` delivered every event through `last_id`.
    pub async fn set_sink_cursor(&self, sink: &str, last_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_sink_cursors (tenant_id, sink, last_id, updated_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, sink) DO UPDATE SET last_id = excluded.last_id, \
             updated_at = excluded.updated_at",
        )
        .bind(DEFAULT_TENANT)
        .bind(sink)
        .bind(last_id)
        .bind(crate::audit::event::now_rfc3339())
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(())
    }

    /// Every sink's cursor, by sink name.
    pub async fn sink_cursors(&self) -> Result<Vec<(String, i64)>, StoreError> {
        sqlx::query_as(
            "SELECT sink, last_id FROM audit_sink_cursors WHERE tenant_id = $1 ORDER BY sink",
        )
        .bind(DEFAULT_TENANT)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.error(&e))
    }
}
