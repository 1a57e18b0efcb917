//! The audit stage: exactly one [`AuditEvent`] per `tools/call`, `tools/list` and session
//! start, whatever the outcome, kept in a tamper-evident trail.
//!
//! ```text
//! call ─▶ Auditor::record ─▶ bounded queue ─▶ writer task (writer.rs): ids, hash chain,
//!         (fail_closed: waits      │            one INSERT per batch = group commit
//!          for the commit)         ▼
//!                            audit_events (gateway.db) ─▶ sinks (sinks/): jsonl, syslog,
//!                                   │                     webhook; each from its cursor
//!                                   └─▶ retention.rs: prune behind a signed checkpoint
//! verify.rs: re-hashes the chain and says where it breaks
//! ```
//!
//! - **Fail closed** (default): a call's answer is released only after its event is
//!   committed, so every answer a client received has its event, even after `kill -9`; a full
//!   queue or a failing database refuses the call ([`AuditError`]). **Fail open**: the call
//!   does not wait; an event that cannot be stored is logged as an error and counted in
//!   `cgw_audit_events_lost_total` — never dropped silently.
//! - Events hold names, ids, counts and DLP-redacted, size-capped arguments; never keys,
//!   tokens or content bodies.

pub mod event;
mod record;
pub mod retention;
pub mod sinks;
pub mod verify;
mod writer;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot, watch};

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
    #[error("the audit queue is full ({0} events waiting)")]
    QueueFull(usize),
    #[error("the audit database refused the event: {0}")]
    Storage(String),
    #[error("the audit writer has stopped")]
    Stopped,
}

/// The handle calls record through; cheap to share (one per gateway, kept across reloads).
pub struct Auditor {
    tx: Option<mpsc::Sender<writer::Pending>>,
    mode: AuditMode,
    capacity: usize,
    metrics: Arc<Metrics>,
    healthy: Arc<AtomicBool>,
    committed: watch::Receiver<i64>,
}

impl Auditor {
    /// Starts the writer task on `store` (the chain continues from the stored head).
    pub async fn start(
        store: Store,
        config: &AuditConfig,
        metrics: Arc<Metrics>,
    ) -> Result<Auditor, StoreError> {
        let head = chain_head(&store).await?;
        let (tx, rx) = mpsc::channel(config.queue_capacity);
        let (committed_tx, committed) = watch::channel(head.0);
        let healthy = Arc::new(AtomicBool::new(true));
        metrics
            .audit_queue_capacity
            .store(config.queue_capacity as i64, Ordering::Relaxed);
        metrics.audit_last_id.store(head.0, Ordering::Relaxed);
        let appender = store.audit_appender().await?;
        tokio::spawn(checkpoint_wal(store.clone(), committed.clone()));
        tokio::spawn(
            writer::Writer {
                appender,
                rx,
                batch_max: config.batch_max,
                mode: config.mode,
                metrics: metrics.clone(),
                committed: committed_tx,
                healthy: healthy.clone(),
                head,
            }
            .run(),
        );
        Ok(Auditor {
            tx: Some(tx),
            mode: config.mode,
            capacity: config.queue_capacity,
            metrics,
            healthy,
            committed,
        })
    }

    /// An auditor that records nothing (metrics still count calls); for benchmarks' baseline.
    pub fn disabled(metrics: Arc<Metrics>) -> Auditor {
        let (_, committed) = watch::channel(0);
        Auditor {
            tx: None,
            mode: AuditMode::FailOpen,
            capacity: 0,
            metrics,
            healthy: Arc::new(AtomicBool::new(true)),
            committed,
        }
    }

    pub fn mode(&self) -> AuditMode {
        self.mode
    }

    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Whether the last write succeeded and the queue has room (for `/readyz`).
    pub fn ready(&self) -> Result<(), String> {
        let Some(tx) = &self.tx else {
            return Ok(());
        };
        if !self.healthy.load(Ordering::Relaxed) {
            return Err("the audit database refused the last batch".to_owned());
        }
        if tx.capacity() == 0 {
            return Err(format!(
                "the audit queue is full ({} events)",
                self.capacity
            ));
        }
        Ok(())
    }

    /// The id of the newest committed event; changes wake the sinks.
    pub fn committed(&self) -> watch::Receiver<i64> {
        self.committed.clone()
    }

    /// Records one event. In fail-closed mode this returns after the event is committed, or
    /// fails (and the caller must refuse the call); in fail-open mode it returns at once.
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
        let Some(tx) = &self.tx else {
            return Ok(());
        };
        let waiting = self.mode == AuditMode::FailClosed;
        let (ack, done) = if waiting {
            let (ack, done) = oneshot::channel();
            (Some(ack), Some(done))
        } else {
            (None, None)
        };
        let sent = tx.try_send(writer::Pending { event, ack });
        self.metrics
            .audit_queue_depth
            .store((self.capacity - tx.capacity()) as i64, Ordering::Relaxed);
        if let Err(e) = sent {
            let error = match e {
                mpsc::error::TrySendError::Full(_) => AuditError::QueueFull(self.capacity),
                mpsc::error::TrySendError::Closed(_) => AuditError::Stopped,
            };
            return self.failed(error);
        }
        let Some(done) = done else {
            return Ok(());
        };
        let started = Instant::now();
        let result = match done.await {
            Ok(Ok(_)) => Ok(()),
            // The writer already logged the cause loudly.
            Ok(Err(message)) => Err(AuditError::Storage(message)),
            Err(_) => Err(AuditError::Stopped),
        };
        self.metrics.audit_wait.observe(started.elapsed());
        if result.is_err() {
            self.metrics.audit_refused.fetch_add(1, Ordering::Relaxed);
        }
        result
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
