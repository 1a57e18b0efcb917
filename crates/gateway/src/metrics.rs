//! Prometheus metrics, written by hand in the text exposition format (no metrics crate: a few
//! counters, gauges and histograms do not need one). Labels carry only names the gateway
//! defines (tools from the catalog, decisions, outcome kinds, detector names, sink names) —
//! never arguments, keys, tokens or content; a tool name a client made up is `(unknown)`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0,
];

/// A latency histogram.
#[derive(Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    sum_micros: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sum_micros.fetch_add(
            u64::try_from(d.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
        let braces = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                format!("{{{s}}}")
            }
        };
        let _ = writeln!(
            out,
            "{name}_sum{} {}",
            braces(labels),
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "{name}_count{} {count}", braces(labels));
    }
}

/// Per-sink delivery state.
#[derive(Default, Clone, Copy)]
struct SinkState {
    delivered_id: i64,
    failures: u64,
    delivered: u64,
}

/// Every metric of one gateway process.
#[derive(Default)]
pub struct Metrics {
    calls: Mutex<BTreeMap<(String, String, String, String), u64>>,
    dlp: Mutex<BTreeMap<(String, String), u64>>,
    pub call_latency: Histogram,
    pub upstream_latency: Histogram,
    pub gateway_latency: Histogram,
    /// Time a call spent journaling its audit event (its one durable step).
    pub audit_wait: Histogram,
    pub audit_written: AtomicU64,
    pub audit_batches: AtomicU64,
    pub audit_write_failures: AtomicU64,
    /// Events that could not be stored in fail-open mode.
    pub audit_lost: AtomicU64,
    /// Calls refused because their event could not be journaled or the database is too far
    /// behind (fail-closed mode).
    pub audit_refused: AtomicU64,
    pub audit_queue_depth: AtomicI64,
    pub audit_queue_capacity: AtomicI64,
    pub audit_last_id: AtomicI64,
    pub audit_pruned: AtomicU64,
    /// OAuth sessions refreshed by this process (proactive, after a 401, keep-alive).
    pub oauth_refreshes: AtomicU64,
    /// OAuth refreshes that failed (invalid grant or transient).
    pub oauth_refresh_failures: AtomicU64,
    /// Connections whose users must consent again.
    pub connections_needing_reconsent: AtomicI64,
    sinks: Mutex<BTreeMap<String, SinkState>>,
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// Counts one recorded call.
    pub fn call(&self, kind: &str, tool: &str, decision: &str, outcome: &str) {
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        *calls
            .entry((
                kind.to_owned(),
                tool.to_owned(),
                decision.to_owned(),
                outcome.to_owned(),
            ))
            .or_default() += 1;
    }

    pub fn dlp_findings(&self, detector: &str, direction: &str, count: u64) {
        let mut dlp = self.dlp.lock().unwrap_or_else(|p| p.into_inner());
        *dlp.entry((detector.to_owned(), direction.to_owned()))
            .or_default() += count;
    }

    pub fn sink_delivered(&self, sink: &str, through_id: i64, events: u64) {
        let mut sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner());
        let state = sinks.entry(sink.to_owned()).or_default();
        state.delivered_id = through_id;
        state.delivered += events;
    }

    pub fn sink_failed(&self, sink: &str) {
        let mut sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner());
        sinks.entry(sink.to_owned()).or_default().failures += 1;
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let head = |out: &mut String, name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        head(
            &mut out,
            "cgw_calls_total",
            "counter",
            "Recorded calls by kind, tool, authorization decision and outcome.",
        );
        for ((kind, tool, decision, outcome), n) in
            self.calls.lock().unwrap_or_else(|p| p.into_inner()).iter()
        {
            let _ = writeln!(
                out,
                "cgw_calls_total{{kind=\"{}\",tool=\"{}\",decision=\"{}\",outcome=\"{}\"}} {n}",
                escape(kind),
                escape(tool),
                escape(decision),
                escape(outcome)
            );
        }
        head(
            &mut out,
            "cgw_call_duration_seconds",
            "histogram",
            "Tool call latency: total, in the Confluence client (upstream), and the gateway's own share.",
        );
        self.call_latency
            .render(&mut out, "cgw_call_duration_seconds", "part=\"total\"");
        self.upstream_latency
            .render(&mut out, "cgw_call_duration_seconds", "part=\"upstream\"");
        self.gateway_latency
            .render(&mut out, "cgw_call_duration_seconds", "part=\"gateway\"");
        head(
            &mut out,
            "cgw_dlp_findings_total",
            "counter",
            "DLP findings by detector and direction (outgoing, result, arguments).",
        );
        for ((detector, direction), n) in self.dlp.lock().unwrap_or_else(|p| p.into_inner()).iter()
        {
            let _ = writeln!(
                out,
                "cgw_dlp_findings_total{{detector=\"{}\",direction=\"{}\"}} {n}",
                escape(detector),
                escape(direction)
            );
        }
        let totals = confluence::observe::totals();
        for (name, help, value) in [
            (
                "cgw_upstream_requests_total",
                "HTTP requests sent to Confluence.",
                &totals.requests,
            ),
            (
                "cgw_upstream_throttled_total",
                "429 answers from Confluence.",
                &totals.throttled,
            ),
            (
                "cgw_upstream_retries_total",
                "Requests to Confluence sent again after a failure.",
                &totals.retries,
            ),
            (
                "cgw_token_refreshes_total",
                "Credential refreshes after a 401 (OAuth connections).",
                &totals.token_refreshes,
            ),
            (
                "cgw_audit_events_written_total",
                "Audit events committed.",
                &self.audit_written,
            ),
            (
                "cgw_audit_batches_total",
                "Audit batches chained into the database (one transaction each).",
                &self.audit_batches,
            ),
            (
                "cgw_audit_write_failures_total",
                "Audit batches the database refused.",
                &self.audit_write_failures,
            ),
            (
                "cgw_audit_events_lost_total",
                "Audit events not stored (fail-open mode only; alert on any increase).",
                &self.audit_lost,
            ),
            (
                "cgw_audit_calls_refused_total",
                "Calls refused because their audit event could not be journaled or the database is too far behind (fail-closed mode).",
                &self.audit_refused,
            ),
            (
                "cgw_oauth_refreshes_total",
                "OAuth sessions refreshed by this process (before expiry, after a 401, keep-alive).",
                &self.oauth_refreshes,
            ),
            (
                "cgw_oauth_refresh_failures_total",
                "OAuth refreshes that failed (refused refresh tokens and transient errors).",
                &self.oauth_refresh_failures,
            ),
            (
                "cgw_audit_events_pruned_total",
                "Audit events deleted by retention behind a checkpoint.",
                &self.audit_pruned,
            ),
        ] {
            head(&mut out, name, "counter", help);
            let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
        }
        for (name, help, value) in [
            (
                "cgw_audit_queue_depth",
                "Audit events journaled and not yet chained into the database.",
                &self.audit_queue_depth,
            ),
            (
                "cgw_connections_needing_reconsent",
                "OAuth connections whose users must connect again (`confluence-gateway connect`).",
                &self.connections_needing_reconsent,
            ),
            (
                "cgw_audit_queue_capacity",
                "Capacity of the audit queue.",
                &self.audit_queue_capacity,
            ),
            (
                "cgw_audit_last_event_id",
                "Id of the newest committed audit event.",
                &self.audit_last_id,
            ),
        ] {
            head(&mut out, name, "gauge", help);
            let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
        }
        head(
            &mut out,
            "cgw_audit_journal_write_seconds",
            "histogram",
            "Time a call spent journaling its audit event.",
        );
        self.audit_wait
            .render(&mut out, "cgw_audit_journal_write_seconds", "");
        let last = self.audit_last_id.load(Ordering::Relaxed);
        let sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner()).clone();
        head(
            &mut out,
            "cgw_audit_sink_lag_events",
            "gauge",
            "Committed audit events a sink has not delivered yet.",
        );
        for (name, s) in &sinks {
            let _ = writeln!(
                out,
                "cgw_audit_sink_lag_events{{sink=\"{}\"}} {}",
                escape(name),
                (last - s.delivered_id).max(0)
            );
        }
        head(
            &mut out,
            "cgw_audit_sink_delivered_total",
            "counter",
            "Audit events a sink delivered.",
        );
        for (name, s) in &sinks {
            let _ = writeln!(
                out,
                "cgw_audit_sink_delivered_total{{sink=\"{}\"}} {}",
                escape(name),
                s.delivered
            );
        }
        head(
            &mut out,
            "cgw_audit_sink_failures_total",
            "counter",
            "Failed delivery attempts per sink (retried; nothing is lost).",
        );
        for (name, s) in &sinks {
            let _ = writeln!(
                out,
                "cgw_audit_sink_failures_total{{sink=\"{}\"}} {}",
                escape(name),
                s.failures
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.call("tools/call", "get_page", "allow", "ok");
        m.call("tools/call", "x\"y", "deny", "forbidden");
        m.call_latency.observe(Duration::from_millis(3));
        let text = m.render();
        assert!(text.contains(
            "cgw_calls_total{kind=\"tools/call\",tool=\"get_page\",decision=\"allow\",outcome=\"ok\"} 1"
        ));
        assert!(text.contains("tool=\"x\\\"y\""));
        assert!(text.contains("cgw_call_duration_seconds_bucket{part=\"total\",le=\"0.005\"} 1"));
        assert!(text.contains("cgw_call_duration_seconds_bucket{part=\"total\",le=\"0.0025\"} 0"));
        assert!(text.contains("cgw_call_duration_seconds_count{part=\"total\"} 1"));
    }
}
