//! The audit stage: exactly one [`AuditEvent`] per `tools/call`, `tools/list` and session
//! start, whatever the outcome, kept in a tamper-evident trail.
//!
//! ```text
//! call ─▶ Auditor::record ─▶ journal (journal.rs: this process's file, one line per event;
//!         the call is answered  │   the call's one durable step) + in-memory queue
//!         once the line is      ▼
//!         written         writer task (writer.rs): batches, ids, hash chain, one transaction
//!                               │   per batch, journal mark in the same transaction
//!                               ▼
//!                         audit_events (gateway.db) ─▶ sinks (sinks/): jsonl, syslog,
//!                               │                     webhook; each from its cursor
//!                               └─▶ retention.rs: prune behind a signed checkpoint
//! verify.rs: re-hashes the chain and says where it breaks
//! ```
//!
//! - An event is on disk before its call is answered: every answer a client received has its
//!   event, even after `kill -9` (the next start chains what the journal holds). The
//!   database is written off the call path, so a call pays one `write` of about a kilobyte.
//! - **Fail closed** (default): when the event cannot be journaled, or the database has
//!   fallen `queue_capacity` events behind, the call is refused ([`AuditError`]). **Fail
//!   open**: the call is served; the lost event is logged as an error and counted in
//!   `cgw_audit_events_lost_total` — never dropped silently.
//! - Events hold names, ids, counts and DLP-redacted, size-capped arguments; never keys,
//!   tokens or content bodies.

pub mod event;
pub mod journal;
mod record;
pub mod retention;
pub mod sinks;
pub mod verify;
mod writer;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::watch;

pub use event::{AuditEvent, DlpTally, Resources};
pub use record::{CallRecord, Touched};
pub use verify::{VerifyReport, verify};
pub use writer::chain_head;

use crate::config::{AuditConfig, AuditMode};
use crate::metrics::Metrics;
use crate::store::{Store, StoreError};

/// Why a call's event could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("the audit database is {0} events behind")]
    QueueFull(usize),
    #[error("{0}")]
    Storage(String),
}

/// Chains the events that journals of stopped gateway processes still hold (after a crash or
/// `kill -9`), so readers of the trail see every answered call. Journals of running processes
/// are theirs to chain. Returns how many events were chained.
pub async fn chain_stopped_journals(store: &Store) -> Result<usize, StoreError> {
    let mut appender = store.audit_appender().await?;
    let (chained, _) =
        writer::sweep_orphans(&mut appender, store, AuditConfig::default().batch_max).await?;
    Ok(chained)
}

/// What calls and the writer share: this process's journal and the journaled events that are
/// not chained into the database yet.
pub(crate) struct Shared {
    inflight: Mutex<Inflight>,
    capacity: usize,
    /// Whether the database took the writer's last batch.
    healthy: AtomicBool,
    /// The journal line through which everything is chained.
    chained_seq: std::sync::atomic::AtomicU64,
}

struct Inflight {
    journal: journal::Journal,
    queue: VecDeque<(u64, AuditEvent)>,
    next_seq: u64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inflight> {
        // Nothing panics while holding the lock; if something did, the state is still whole.
        self.inflight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Journals `event` (already serialized as `json`) and queues it for the writer.
    fn append(&self, event: AuditEvent, json: &[u8]) -> Result<(), AuditError> {
        let mut inflight = self.lock();
        if inflight.queue.len() >= self.capacity {
            return Err(AuditError::QueueFull(inflight.queue.len()));
        }
        let seq = inflight.next_seq;
        inflight
            .journal
            .append(seq, json)
            .map_err(AuditError::Storage)?;
        inflight.next_seq += 1;
        inflight.queue.push_back((seq, event));
        Ok(())
    }

    /// Up to `max` of the oldest queued events, for the writer.
    fn take(&self, max: usize) -> Vec<(u64, AuditEvent)> {
        let mut inflight = self.lock();
        let n = max.min(inflight.queue.len());
        inflight.queue.drain(..n).collect()
    }

    /// Returns a batch the database refused to the front of the queue, in order.
    fn put_back(&self, batch: Vec<(u64, AuditEvent)>) {
        let mut inflight = self.lock();
        for item in batch.into_iter().rev() {
            inflight.queue.push_front(item);
        }
    }

    fn depth(&self) -> usize {
        self.lock().queue.len()
    }

    /// Empties the journal when it is larger than `at` bytes and everything in it is chained
    /// (the writer calls this after a commit; it is the only one taking from the queue).
    fn clear_journal_if_chained(&self, at: u64) -> std::io::Result<()> {
        let mut inflight = self.lock();
        if inflight.queue.is_empty() && inflight.journal.len() > at {
            inflight.journal.clear()?;
        }
        Ok(())
    }
}

/// The handle calls record through; cheap to share (one per gateway, kept across reloads).
pub struct Auditor {
    shared: Option<Arc<Shared>>,
    mode: AuditMode,
    metrics: Arc<Metrics>,
    committed: watch::Receiver<i64>,
}

impl Auditor {
    /// Chains what the journals of stopped processes hold, then opens this process's journal
    /// and starts the writer task on `store` (the chain continues from the stored head).
    pub async fn start(
        store: Store,
        config: &AuditConfig,
        metrics: Arc<Metrics>,
    ) -> Result<Auditor, StoreError> {
        let mut appender = store.audit_appender().await?;
        writer::sweep_orphans(&mut appender, &store, config.batch_max).await?;
        let dir = journal::dir_for(store.path());
        let journal = journal::Journal::create(&dir).map_err(|source| StoreError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
        let instance = journal.instance().to_owned();
        let head = chain_head(&store).await?;
        let (committed_tx, committed) = watch::channel(head.0);
        metrics
            .audit_queue_capacity
            .store(config.queue_capacity as i64, Ordering::Relaxed);
        metrics.audit_last_id.store(head.0, Ordering::Relaxed);
        let shared = Arc::new(Shared {
            inflight: Mutex::new(Inflight {
                journal,
                queue: VecDeque::new(),
                next_seq: 1,
            }),
            capacity: config.queue_capacity,
            healthy: AtomicBool::new(true),
            chained_seq: std::sync::atomic::AtomicU64::new(0),
        });
        tokio::spawn(checkpoint_wal(store.clone(), committed.clone()));
        tokio::spawn(
            writer::Writer {
                appender,
                store,
                shared: Arc::downgrade(&shared),
                instance,
                batch_max: config.batch_max.max(1),
                metrics: metrics.clone(),
                committed: committed_tx,
            }
            .run(),
        );
        Ok(Auditor {
            shared: Some(shared),
            mode: config.mode,
            metrics,
            committed,
        })
    }

    /// An auditor that records nothing (metrics still count calls); for benchmarks' baseline.
    pub fn disabled(metrics: Arc<Metrics>) -> Auditor {
        let (_, committed) = watch::channel(0);
        Auditor {
            shared: None,
            mode: AuditMode::FailOpen,
            metrics,
            committed,
        }
    }

    pub fn mode(&self) -> AuditMode {
        self.mode
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Whether the database takes events and is not too far behind (for `/readyz`).
    pub fn ready(&self) -> Result<(), String> {
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        if !shared.healthy.load(Ordering::Relaxed) {
            return Err("the audit database refused the last batch".to_owned());
        }
        let depth = shared.depth();
        if depth >= shared.capacity {
            return Err(format!("the audit database is {depth} events behind"));
        }
        Ok(())
    }

    /// Waits until every event recorded so far is chained into the database (graceful
    /// shutdown; tests that read the trail right after calls). Gives up after `timeout`.
    pub async fn flush(&self, timeout: Duration) -> Result<(), AuditError> {
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let target = shared.lock().next_seq - 1;
        let deadline = Instant::now() + timeout;
        while shared.chained_seq.load(Ordering::Acquire) < target {
            if Instant::now() >= deadline {
                return Err(AuditError::Storage(format!(
                    "the audit database did not take the queued events within {} s",
                    timeout.as_secs()
                )));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Ok(())
    }

    /// The id of the newest committed event; changes wake the sinks.
    pub fn committed(&self) -> watch::Receiver<i64> {
        self.committed.clone()
    }

    /// Records one event: returns once it is journaled. In fail-closed mode an error means the
    /// caller must refuse the call; in fail-open mode a lost event is logged and counted.
    pub async fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        // A tool name the client made up is one label value, not one per name.
        let tool = match event.tool.as_deref() {
            Some(t) if t.starts_with("(unknown") => "(unknown)",
            Some(t) => t,
            None => "",
        };
        self.metrics
            .call(&event.kind, tool, &event.decision, &event.outcome);
        for f in &event.dlp {
            self.metrics
                .dlp_findings(&f.detector, &f.direction, f.count);
        }
        if event.kind == event::kind::TOOLS_CALL {
            let l = &event.latency_us;
            self.metrics
                .call_latency
                .observe(Duration::from_micros(l.total));
            self.metrics
                .upstream_latency
                .observe(Duration::from_micros(l.upstream));
            self.metrics
                .gateway_latency
                .observe(Duration::from_micros(l.gateway));
        }
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let started = Instant::now();
        let result = match serde_json::to_vec(&event) {
            Ok(json) => shared.append(event, &json),
            Err(e) => Err(AuditError::Storage(format!("cannot encode the event: {e}"))),
        };
        self.metrics.audit_wait.observe(started.elapsed());
        match result {
            Ok(()) => Ok(()),
            Err(e) => self.failed(e),
        }
    }

    fn failed(&self, error: AuditError) -> Result<(), AuditError> {
        match self.mode {
            AuditMode::FailClosed => {
                self.metrics.audit_refused.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    "AUDIT TRAIL UNAVAILABLE: {error}; refusing the call (fail_closed)"
                );
                Err(error)
            }
            AuditMode::FailOpen => {
                self.metrics.audit_lost.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    "AUDIT EVENT LOST: {error}; serving the call unrecorded (fail_open)"
                );
                Ok(())
            }
        }
    }
}

/// Checkpoints the WAL in the background after commits (at most once a second), since the
/// writer's connection never does; ends when the writer does.
async fn checkpoint_wal(store: Store, mut committed: watch::Receiver<i64>) {
    let mut done = *committed.borrow();
    while committed.changed().await.is_ok() {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = *committed.borrow_and_update();
        if now != done {
            if let Err(e) = store.checkpoint_wal().await {
                tracing::warn!("WAL checkpoint: {e}");
            }
            done = now;
        }
    }
}

/// The key that signs retention checkpoints, derived from the gateway's key secret (so it is
/// never stored in the database it protects).
pub fn checkpoint_key(secret: &str) -> Vec<u8> {
    use hmac::{KeyInit, Mac};
    match hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(b"confluence-gateway audit checkpoint key v1");
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}
