//! `[audit]` and `[observability]`: the audit trail, its sinks, metrics and log format.

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::Deserialize;

/// The audit trail: one event per tool call, tool list and session start, hash-chained in the
/// state store (`gateway.db`, table `audit_events`), plus copies sent to SIEM sinks.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// What happens when an event cannot be recorded (the journal cannot be written, or the
    /// database is `queue_capacity` events behind). Either way a call's answer leaves only
    /// after its event is in this process's journal file (`gateway.db.audit-journal/`), from
    /// which it reaches the database moments later, or at the next start after a crash.
    /// `fail_closed` (default): the call is refused with an error saying the audit trail is
    /// unavailable. `fail_open`: the call is served; the event is logged as an error and
    /// counted in `cgw_audit_events_lost_total`.
    pub mode: AuditMode,
    /// Events journaled but not yet in the database, at most; beyond that, `mode` decides.
    pub queue_capacity: usize,
    /// Events chained into the database in one transaction at most.
    pub batch_max: usize,
    /// Largest recorded arguments, in bytes of JSON: longer string values are cut (with a
    /// marker saying how much was cut) and, if still too large, only the argument names are kept.
    /// Arguments are DLP-redacted with the agent's profile before they are stored.
    pub max_argument_bytes: usize,
    /// Days events are kept; older ones are pruned hourly behind a signed checkpoint that keeps
    /// the chain verifiable. Events that a sink has not yet delivered are kept until it does.
    /// 0 keeps every event.
    pub retention_days: u32,
    /// SIEM sinks: each reads committed events after its last delivered one (a cursor in the
    /// database), so an outage delays delivery but loses nothing.
    pub sinks: Vec<SinkConfig>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            mode: AuditMode::FailClosed,
            queue_capacity: 10_000,
            batch_max: 512,
            max_argument_bytes: 4096,
            retention_days: 90,
            sinks: Vec::new(),
        }
    }
}

/// What the gateway does when it cannot record an event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditMode {
    /// Refuse the call.
    #[default]
    FailClosed,
    /// Serve the call; log an error and count the lost event.
    FailOpen,
}

/// `[[audit.sinks]]`: where copies of the events go.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SinkConfig {
    /// Unique name; the sink's delivery cursor is stored under it (renaming a sink re-sends
    /// every retained event to it).
    pub name: String,
    /// `jsonl` (a file, one event per line), `syslog` (RFC 5424) or `webhook` (HTTP POST of
    /// Splunk-HEC-shaped JSON events).
    #[serde(rename = "type")]
    pub kind: SinkKind,
    /// `jsonl`: the file to append to (created with mode 0600; relative to the configuration
    /// file's directory).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub path: Option<PathBuf>,
    /// `syslog`: the receiver's `host:port`.
    #[serde(default)]
    pub address: Option<String>,
    /// `syslog`: `udp` (one datagram per event, no delivery guarantee) or `tcp` (RFC 6587
    /// octet-counted frames, reconnects and resends after failures).
    #[serde(default)]
    pub transport: Option<SyslogTransport>,
    /// `syslog`: the facility number (default 13, "log audit").
    #[serde(default)]
    pub facility: Option<u8>,
    /// `webhook`: the URL events are POSTed to, e.g. `https://splunk:8088/services/collector`.
    #[serde(default)]
    pub url: Option<String>,
    /// `webhook`: environment variable holding a token sent as `Authorization: Splunk <token>`
    /// (Splunk HEC); never logged.
    #[serde(default)]
    pub token_env: Option<String>,
    /// Events per delivery at most (webhook POST body, syslog write, file append).
    #[serde(default = "default_sink_batch")]
    pub batch_size: usize,
}

fn default_sink_batch() -> usize {
    100
}

/// Sink kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SinkKind {
    Jsonl,
    Syslog,
    Webhook,
}

/// Syslog transports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SyslogTransport {
    #[default]
    Udp,
    Tcp,
}

/// Metrics, health endpoints and logs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ObservabilityConfig {
    /// Serve Prometheus metrics at `/metrics` on the listener (no secrets, keys or content in
    /// them: tool, agent-free labels, detector names and counts).
    pub metrics: bool,
    /// Log format on stderr: `text` or `json` (one JSON object per line). The `--log-format`
    /// flag wins. Logs never contain agent keys, tokens, arguments or page bodies.
    pub log_format: LogFormat,
}

impl Default for ObservabilityConfig {
    fn default() -> Self {
        ObservabilityConfig {
            metrics: true,
            log_format: LogFormat::Text,
        }
    }
}

/// Log formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}
