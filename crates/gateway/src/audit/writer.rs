//! The audit writer: one task that drains the bounded queue in batches, chains the events
//! (ids, previous hashes) and appends each batch with one statement — a group commit — then
//! acknowledges every call waiting on the batch. Nothing else writes `audit_events`, so the
//! chain's head lives in this task's memory.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::{mpsc, oneshot, watch};

use super::event::{self, AuditEvent, GENESIS_HASH};
use crate::config::AuditMode;
use crate::metrics::Metrics;
use crate::store::{AuditAppender, AuditRow, Store, StoreError};

/// How often the writer collects events in fail-open mode.
const FAIL_OPEN_TICK: std::time::Duration = std::time::Duration::from_millis(5);

/// An event on its way to the writer, with the waiting call's acknowledgement channel.
pub(super) struct Pending {
    pub event: AuditEvent,
    pub ack: Option<oneshot::Sender<Result<i64, String>>>,
}

/// The id and hash the next event chains onto: the newest event, else the newest checkpoint,
/// else the genesis.
pub async fn chain_head(store: &Store) -> Result<(i64, String), StoreError> {
    if let Some(head) = store.audit_last().await? {
        return Ok(head);
    }
    Ok(match store.audit_checkpoint().await? {
        Some(c) => (c.through_id, c.through_hash),
        None => (0, GENESIS_HASH.to_owned()),
    })
}

pub(super) struct Writer {
    pub appender: AuditAppender,
    pub rx: mpsc::Receiver<Pending>,
    pub batch_max: usize,
    pub mode: AuditMode,
    pub metrics: Arc<Metrics>,
    pub committed: watch::Sender<i64>,
    pub healthy: Arc<std::sync::atomic::AtomicBool>,
    pub head: (i64, String),
}

impl Writer {
    pub async fn run(mut self) {
        let mut batch: Vec<Pending> = Vec::with_capacity(self.batch_max);
        // Fail-open calls do not wait for the commit, so the writer collects on a short tick
        // instead of waking on every event: a call's `try_send` then wakes no task (a woken
        // writer would preempt the calling thread on a small machine).
        let mut tick = (self.mode == AuditMode::FailOpen).then(|| {
            let mut t = tokio::time::interval(FAIL_OPEN_TICK);
            t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            t
        });
        loop {
            batch.clear();
            if let Some(tick) = tick.as_mut() {
                tick.tick().await;
                while batch.len() < self.batch_max {
                    match self.rx.try_recv() {
                        Ok(pending) => batch.push(pending),
                        Err(mpsc::error::TryRecvError::Empty) => break,
                        Err(mpsc::error::TryRecvError::Disconnected) if batch.is_empty() => {
                            return;
                        }
                        Err(mpsc::error::TryRecvError::Disconnected) => break,
                    }
                }
                if batch.is_empty() {
                    continue;
                }
            } else if self.rx.recv_many(&mut batch, self.batch_max).await == 0 {
                return;
            }
            self.write(&mut batch).await;
            self.metrics
                .audit_queue_depth
                .store(self.rx.len() as i64, Ordering::Relaxed);
        }
    }

    async fn write(&mut self, batch: &mut [Pending]) {
        let (mut id, mut prev) = self.head.clone();
        let mut rows = Vec::with_capacity(batch.len());
        for pending in batch.iter_mut() {
            id += 1;
            let e = &mut pending.event;
            e.id = id;
            e.prev_hash = std::mem::take(&mut prev);
            let body = event::canonical(e);
            let hash = event::hash_body(&body);
            prev = hash.clone();
            rows.push(AuditRow {
                id,
                time: e.time.clone(),
                kind: e.kind.clone(),
                agent: e.agent.clone(),
                server: e.server.clone(),
                tool: e.tool.clone(),
                decision: e.decision.clone(),
                outcome: e.outcome.clone(),
                spaces: serde_json::to_string(&e.resources.space_keys).unwrap_or_default(),
                body,
                prev_hash: e.prev_hash.clone(),
                hash,
            });
        }
        match self.appender.append(&rows).await {
            Ok(()) => {
                self.head = (id, prev);
                let n = rows.len() as u64;
                self.metrics.audit_written.fetch_add(n, Ordering::Relaxed);
                self.metrics.audit_batches.fetch_add(1, Ordering::Relaxed);
                self.metrics.audit_last_id.store(id, Ordering::Relaxed);
                if !self.healthy.swap(true, Ordering::Relaxed) {
                    tracing::info!("the audit trail is writable again");
                }
                let _ = self.committed.send(id);
                for pending in batch.iter_mut() {
                    if let Some(ack) = pending.ack.take() {
                        let _ = ack.send(Ok(pending.event.id));
                    }
                }
            }
            Err(e) => {
                self.healthy.store(false, Ordering::Relaxed);
                self.metrics
                    .audit_write_failures
                    .fetch_add(1, Ordering::Relaxed);
                let message = e.to_string();
                match self.mode {
                    AuditMode::FailClosed => tracing::error!(
                        events = batch.len(),
                        "AUDIT TRAIL UNAVAILABLE: cannot store audit events ({message}); \
                         the calls waiting on them are refused (fail_closed)"
                    ),
                    AuditMode::FailOpen => {
                        self.metrics
                            .audit_lost
                            .fetch_add(batch.len() as u64, Ordering::Relaxed);
                        tracing::error!(
                            events = batch.len(),
                            "AUDIT EVENTS LOST: cannot store audit events ({message}); calls \
                             were served without a record (fail_open)"
                        );
                    }
                }
                // The statement is atomic: nothing of the batch was stored, the head stays.
                for pending in batch.iter_mut() {
                    if let Some(ack) = pending.ack.take() {
                        let _ = ack.send(Err(message.clone()));
                    }
                }
            }
        }
    }
}
