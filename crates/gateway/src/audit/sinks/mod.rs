//! SIEM sinks. Each sink is a task that reads committed events after its cursor (the last
//! event it delivered, stored in `audit_sink_cursors`), delivers a batch, and only then moves
//! the cursor. The database is the on-disk buffer: an outage of the receiver, or a restart of
//! the gateway, delays delivery but loses nothing (delivery is at least once; every event
//! carries its `id` and `hash` for de-duplication). Retention keeps undelivered events.

mod jsonl;
mod syslog;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;

use crate::config::{SinkConfig, SinkKind};
use crate::metrics::Metrics;
use crate::store::{AuditRow, Store};

/// Longest wait between delivery attempts after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// A delivery failure, safe to log (no tokens, no URL credentials, no event content).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SinkError(pub String);

enum Sink {
    Jsonl(jsonl::JsonlSink),
    Syslog(syslog::SyslogSink),
    Webhook(webhook::WebhookSink),
}

impl Sink {
    fn build(config: &SinkConfig, loaded: &crate::config::Loaded) -> Result<Sink, SinkError> {
        let missing = |key: &str| SinkError(format!("sink '{}' needs `{key}`", config.name));
        Ok(match config.kind {
            SinkKind::Jsonl => Sink::Jsonl(jsonl::JsonlSink::new(
                loaded.resolve(config.path.as_ref().ok_or_else(|| missing("path"))?),
            )),
            SinkKind::Syslog => Sink::Syslog(syslog::SyslogSink::new(
                config.address.clone().ok_or_else(|| missing("address"))?,
                config.transport.unwrap_or_default(),
                config.facility.unwrap_or(13),
            )),
            SinkKind::Webhook => Sink::Webhook(webhook::WebhookSink::new(
                config.url.clone().ok_or_else(|| missing("url"))?,
                config.token_env.as_deref(),
            )?),
        })
    }

    async fn deliver(&mut self, rows: &[AuditRow]) -> Result<(), SinkError> {
        let events: Vec<Value> = rows
            .iter()
            .map(|r| super::event::exported(&r.body, &r.hash))
            .collect();
        match self {
            Sink::Jsonl(s) => s.deliver(&events).await,
            Sink::Syslog(s) => s.deliver(&events).await,
            Sink::Webhook(s) => s.deliver(&events).await,
        }
    }
}

/// Starts one task per configured sink.
pub fn spawn_all(
    store: &Store,
    loaded: &crate::config::Loaded,
    committed: &watch::Receiver<i64>,
    metrics: &Arc<Metrics>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, SinkError> {
    let mut tasks = Vec::new();
    for config in &loaded.config.audit.sinks {
        let sink = Sink::build(config, loaded)?;
        tasks.push(tokio::spawn(run(
            sink,
            config.name.clone(),
            config.batch_size,
            store.clone(),
            committed.clone(),
            metrics.clone(),
        )));
    }
    Ok(tasks)
}

async fn run(
    mut sink: Sink,
    name: String,
    batch: usize,
    store: Store,
    mut committed: watch::Receiver<i64>,
    metrics: Arc<Metrics>,
) {
    let mut backoff = Duration::from_millis(100);
    let mut failing = false;
    let mut cursor = loop {
        match store.sink_cursor(&name).await {
            Ok(c) => break c,
            Err(e) => {
                tracing::error!(sink = %name, "cannot read the sink's cursor: {e}");
                tokio::time::sleep(MAX_BACKOFF).await;
            }
        }
    };
    metrics.sink_delivered(&name, cursor, 0);
    loop {
        let rows = match store.audit_after(cursor, batch as i64).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(sink = %name, "cannot read audit events: {e}");
                tokio::time::sleep(MAX_BACKOFF).await;
                continue;
            }
        };
        let Some(last) = rows.last().map(|r| r.id) else {
            // Wait for a commit, or poll now and then (events written by another process).
            let _ = tokio::time::timeout(Duration::from_secs(1), committed.changed()).await;
            continue;
        };
        match sink.deliver(&rows).await {
            Ok(()) => {
                cursor = last;
                metrics.sink_delivered(&name, last, rows.len() as u64);
                if let Err(e) = store.set_sink_cursor(&name, last).await {
                    tracing::error!(sink = %name, "cannot store the sink's cursor (events may be sent again): {e}");
                }
                if failing {
                    tracing::info!(sink = %name, "audit sink delivering again");
                }
                failing = false;
                backoff = Duration::from_millis(100);
            }
            Err(e) => {
                metrics.sink_failed(&name);
                if !failing {
                    tracing::warn!(sink = %name, "audit sink delivery failed, retrying (nothing is lost): {e}");
                }
                failing = true;
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// This machine's host name for syslog and HEC (`-` when unknown).
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && h.is_ascii() && !h.contains(' '))
        .unwrap_or_else(|| "-".to_owned())
}
