//! The audit stage: exactly one [`AuditEvent`] per tool call, whatever the outcome. The
//! [`AuditSink`] trait is the hook the audit issue fills (a tamper-evident store); the default
//! [`TracingAudit`] writes one structured `tracing` line. Events hold names, counts and
//! outcomes — never argument values, bodies, keys or tokens.

use std::time::Duration;

/// One tool call, as recorded.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub agent: &'a str,
    pub server: &'a str,
    pub tool: &'a str,
    /// `ok`, or the error kind (`invalid_argument`, `forbidden`, `not_found`, …).
    pub outcome: &'a str,
    pub duration: Duration,
    /// DLP findings acted on in the outgoing content (writes) and in the result.
    pub dlp_outgoing: usize,
    pub dlp_result: usize,
    /// Characters of text returned to the agent.
    pub response_chars: usize,
}

pub trait AuditSink: Send + Sync {
    fn record(&self, event: &AuditEvent<'_>);
}

/// One `tracing` info line per call, target `audit`.
pub struct TracingAudit;

impl AuditSink for TracingAudit {
    fn record(&self, e: &AuditEvent<'_>) {
        tracing::info!(
            target: "audit",
            agent = e.agent,
            server = e.server,
            tool = e.tool,
            outcome = e.outcome,
            duration_us = u64::try_from(e.duration.as_micros()).unwrap_or(u64::MAX),
            dlp_outgoing = e.dlp_outgoing,
            dlp_result = e.dlp_result,
            response_chars = e.response_chars,
            "tool call"
        );
    }
}
