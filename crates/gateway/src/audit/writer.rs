//! The audit writer: one task per process that takes the journaled events off the queue in
//! batches and chains them into the database — each batch one write transaction that reads
//! the chain's head, appends the events after it and marks the journal chained that far — then
//! wakes the sinks. Several processes may share one database: the transaction's write lock
//! orders their batches, so the chain stays one line.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::watch;

use super::Shared;
use super::event::{self, AuditEvent, GENESIS_HASH};
use super::journal;
use crate::metrics::Metrics;
use crate::store::{AuditAppender, AuditRow, Store, StoreError};

/// How often the writer collects queued events. Calls do not wait for the writer, so it polls
/// rather than being woken by every call (a woken task would preempt the calling thread on a
/// small machine).
const TICK: Duration = Duration::from_millis(20);
/// How often journals of processes that are gone are looked for and chained.
const SWEEP_EVERY: Duration = Duration::from_secs(10);
/// The journal is emptied when it is fully chained and larger than this.
const CLEAR_JOURNAL_AT: u64 = 1 << 20;
/// Longest pause between retries while the database refuses batches.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

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

/// Chains `events` after the stored head and marks journal `instance` chained through the last
/// one's `seq`, in one transaction. Returns the new head's id.
pub(super) async fn chain_into(
    appender: &mut AuditAppender,
    events: &mut [(u64, AuditEvent)],
    instance: &str,
) -> Result<i64, StoreError> {
    appender.begin().await?;
    let result = async {
        let (mut id, mut prev) = appender
            .head()
            .await?
            .unwrap_or_else(|| (0, GENESIS_HASH.to_owned()));
        let mut rows = Vec::with_capacity(events.len());
        for (_, e) in events.iter_mut() {
            id += 1;
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
        appender.insert(&rows).await?;
        if let Some((seq, _)) = events.last() {
            appender.mark_journal(instance, *seq).await?;
        }
        appender.commit().await?;
        Ok(id)
    }
    .await;
    if result.is_err() {
        appender.rollback().await;
    }
    result
}

/// Chains what the journals of processes that are gone still hold (past their marks), then
/// deletes them. Returns how many events were chained and the head's id after the last one.
pub(super) async fn sweep_orphans(
    appender: &mut AuditAppender,
    store: &Store,
    batch_max: usize,
) -> Result<(usize, Option<i64>), StoreError> {
    let dir = journal::dir_for(store.path());
    let orphans = journal::orphans(&dir).map_err(|source| StoreError::DataDir {
        path: dir.display().to_string(),
        source,
    })?;
    let mut chained = 0;
    let mut head = None;
    for mut orphan in orphans {
        let mark = appender.journal_mark(&orphan.instance).await?;
        orphan.events.retain(|(seq, _)| *seq > mark);
        for chunk in orphan.events.chunks_mut(batch_max.max(1)) {
            head = Some(chain_into(appender, chunk, &orphan.instance).await?);
            chained += chunk.len();
        }
        if orphan.unreadable > 1 {
            tracing::error!(
                journal = %orphan.instance,
                lines = orphan.unreadable,
                "audit journal holds unreadable lines (damaged or edited); the readable ones \
                 were chained"
            );
        }
        if !orphan.events.is_empty() {
            tracing::info!(
                journal = %orphan.instance,
                events = orphan.events.len(),
                "chained audit events a stopped gateway process had journaled"
            );
        }
        let instance = orphan.instance.clone();
        if let Err(e) = orphan.remove() {
            tracing::warn!(journal = %instance, "cannot delete a chained audit journal: {e}");
            continue;
        }
        appender.forget_journal(&instance).await?;
    }
    Ok((chained, head))
}

pub(super) struct Writer {
    pub appender: AuditAppender,
    pub store: Store,
    pub shared: Weak<Shared>,
    pub instance: String,
    pub batch_max: usize,
    pub metrics: Arc<Metrics>,
    pub committed: watch::Sender<i64>,
}

impl Writer {
    /// Runs until the [`super::Auditor`] is dropped. Events still queued then stay in the
    /// journal, and the next start chains them.
    pub async fn run(mut self) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_sweep = tokio::time::Instant::now();
        let mut backoff = Duration::ZERO;
        loop {
            tick.tick().await;
            if !backoff.is_zero() {
                tokio::time::sleep(backoff).await;
            }
            let Some(shared) = self.shared.upgrade() else {
                return;
            };
            let mut batch = shared.take(self.batch_max);
            if !batch.is_empty() {
                match chain_into(&mut self.appender, &mut batch, &self.instance).await {
                    Ok(id) => {
                        backoff = Duration::ZERO;
                        if let Some((seq, _)) = batch.last() {
                            shared.chained_seq.store(*seq, Ordering::Release);
                        }
                        self.committed(&shared, id, batch.len());
                    }
                    Err(e) => {
                        let events = batch.len();
                        shared.put_back(batch);
                        backoff = (backoff * 2).clamp(Duration::from_millis(50), MAX_BACKOFF);
                        self.failed(&shared, events, &e);
                    }
                }
            }
            self.metrics
                .audit_queue_depth
                .store(shared.depth() as i64, Ordering::Relaxed);
            drop(shared);
            if last_sweep.elapsed() >= SWEEP_EVERY {
                last_sweep = tokio::time::Instant::now();
                match sweep_orphans(&mut self.appender, &self.store, self.batch_max).await {
                    Ok((n, Some(id))) => {
                        self.publish(n as u64);
                        self.metrics.audit_last_id.store(id, Ordering::Relaxed);
                        let _ = self.committed.send(id);
                    }
                    Ok((_, None)) => {}
                    Err(e) => tracing::warn!("cannot chain a stopped process's audit journal: {e}"),
                }
            }
        }
    }

    fn committed(&self, shared: &Shared, id: i64, events: usize) {
        self.metrics.audit_batches.fetch_add(1, Ordering::Relaxed);
        self.publish(events as u64);
        self.metrics.audit_last_id.store(id, Ordering::Relaxed);
        if !shared.healthy.swap(true, Ordering::Relaxed) {
            tracing::info!("the audit database takes events again");
        }
        let _ = self.committed.send(id);
        if let Err(e) = shared.clear_journal_if_chained(CLEAR_JOURNAL_AT) {
            tracing::warn!("cannot empty the chained audit journal: {e}");
        }
    }

    fn publish(&self, events: u64) {
        self.metrics
            .audit_written
            .fetch_add(events, Ordering::Relaxed);
    }

    fn failed(&self, shared: &Shared, events: usize, e: &StoreError) {
        self.metrics
            .audit_write_failures
            .fetch_add(1, Ordering::Relaxed);
        // Loud once per outage, not once per retry.
        if shared.healthy.swap(false, Ordering::Relaxed) {
            tracing::error!(
                events,
                "AUDIT DATABASE UNAVAILABLE: cannot chain audit events ({e}); they stay in the \
                 journal and are retried; calls are refused once {} events wait",
                shared.capacity
            );
        }
    }
}
