//! Retention: events older than `retention_days` are deleted from the front of the chain,
//! behind a checkpoint that records the last deleted event's id and hash, signed with HMAC-
//! SHA256 under a key derived from the gateway's key secret. `audit verify` starts the chain
//! from the newest checkpoint, so the remaining events still verify, and a forged checkpoint
//! (which would hide an edited prefix) fails its signature. Events a sink has not delivered
//! are kept until it has.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hmac::{KeyInit, Mac};

use crate::metrics::Metrics;
use crate::store::{Checkpoint, Store, StoreError};

/// How often a running gateway prunes.
pub const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Events deleted per transaction at most, so pruning a large backlog never holds SQLite's
/// write lock long enough to delay the audit writer (and the calls waiting on it).
pub const PRUNE_CHUNK: i64 = 5_000;

/// The signature of a checkpoint.
pub fn checkpoint_mac(key: &[u8], through_id: i64, through_hash: &str, created_at: &str) -> String {
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(
        format!(
            "cgw-audit-checkpoint-v1\n{}\n{through_id}\n{through_hash}\n{created_at}",
            crate::store::DEFAULT_TENANT
        )
        .as_bytes(),
    );
    super::event::hex(&mac.finalize().into_bytes())
}

/// Whether `checkpoint` carries a valid signature under `key` (constant-time comparison).
pub fn checkpoint_valid(key: &[u8], checkpoint: &Checkpoint) -> bool {
    use subtle::ConstantTimeEq;
    let expected = checkpoint_mac(
        key,
        checkpoint.through_id,
        &checkpoint.through_hash,
        &checkpoint.created_at,
    );
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(checkpoint.mac.as_bytes()))
}

/// Prunes one chunk (at most [`PRUNE_CHUNK`] events) older than `older_than` and delivered by
/// every sink in `sinks`. Returns the number of events deleted (0: nothing left to prune).
pub async fn prune_once(
    store: &Store,
    key: &[u8],
    older_than: Duration,
    sinks: &[String],
) -> Result<u64, StoreError> {
    let cutoff = chrono::Utc::now()
        - chrono::Duration::from_std(older_than).unwrap_or(chrono::Duration::MAX);
    let cutoff = cutoff.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let Some(first) = store.audit_first_id().await? else {
        return Ok(0);
    };
    let mut max_id = first + PRUNE_CHUNK - 1;
    for sink in sinks {
        max_id = max_id.min(store.sink_cursor(sink).await?);
    }
    let Some((through_id, through_hash)) = store.audit_prunable(&cutoff, max_id).await? else {
        return Ok(0);
    };
    let created_at = super::event::now_rfc3339();
    let mac = checkpoint_mac(key, through_id, &through_hash, &created_at);
    store
        .audit_prune(&Checkpoint {
            through_id,
            through_hash,
            created_at,
            mac,
        })
        .await
}

/// Prunes every [`PRUNE_EVERY`] while the gateway runs (nothing when `retention_days` is 0).
pub fn spawn(
    store: Store,
    key: Vec<u8>,
    retention_days: u32,
    sinks: Vec<String>,
    metrics: Arc<Metrics>,
) -> Option<tokio::task::JoinHandle<()>> {
    if retention_days == 0 {
        return None;
    }
    let keep = Duration::from_secs(u64::from(retention_days) * 86_400);
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(PRUNE_EVERY);
        loop {
            tick.tick().await;
            match prune_once(&store, &key, keep, &sinks).await {
                Ok(0) => {}
                Ok(n) => {
                    metrics.audit_pruned.fetch_add(n, Ordering::Relaxed);
                    tracing::info!(
                        events = n,
                        "pruned audit events past retention behind a checkpoint"
                    );
                }
                Err(e) => tracing::error!("audit retention: {e}"),
            }
        }
    }))
}
