//! One audit event, its canonical encoding and its hash.
//!
//! The canonical encoding is the event serialized by `serde_json` with the struct's field order
//! and no whitespace; the writer produces it once and stores exactly those bytes (`body`), so
//! verification hashes stored bytes and never depends on re-serialization.
//! `hash = hex(SHA-256("cgw-audit-v1\n" || body))`, and `body` holds the previous event's hash,
//! which chains every event to all before it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The previous hash of the first event ever written.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What was called.
pub mod kind {
    pub const TOOLS_CALL: &str = "tools/call";
    pub const TOOLS_LIST: &str = "tools/list";
    pub const SESSION_START: &str = "session/start";
}

/// What authorization decided: `allow`, `deny`, or `none` when the call stopped before it
/// (unknown tool, invalid arguments, rate limit).
pub mod decision {
    pub const ALLOW: &str = "allow";
    pub const DENY: &str = "deny";
    pub const NONE: &str = "none";
}

/// One recorded call. Holds names, ids, counts and redacted, size-capped arguments; never
/// agent keys, tokens or content bodies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the chain, from 1 without gaps (assigned by the writer).
    pub id: i64,
    /// When the call arrived, RFC 3339 UTC with microseconds.
    pub time: String,
    /// `tools/call`, `tools/list` or `session/start`.
    pub kind: String,
    /// The JSON-RPC request id the client sent.
    pub request_id: Option<String>,
    /// The agent (MCP client credential).
    pub agent: String,
    /// The connection the agent acts through and its Atlassian account.
    pub connection: Option<String>,
    pub principal: Option<String>,
    /// The virtual server.
    pub server: String,
    pub tool: Option<String>,
    /// DLP-redacted with the agent's profile, then size-capped.
    pub arguments: Option<Value>,
    pub resources: Resources,
    /// `allow`, `deny` or `none` (see [`decision`]).
    pub decision: String,
    /// The rule that decided, as authorization reports it.
    pub rule: Option<String>,
    /// `ok`, or the error kind (`forbidden`, `dlp_blocked`, `timeout`, `rate_limited`, …).
    pub outcome: String,
    pub upstream: Upstream,
    /// Findings by detector: counts and actions, never values.
    pub dlp: Vec<DlpFindings>,
    /// Findings whose action changed the content (redact, mask, hash, tokenize).
    pub redactions: u64,
    pub response: ResponseSize,
    pub latency_us: Latency,
    /// The hash of the event before this one ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
}

/// Confluence resources a call addressed or touched.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resources {
    pub space_keys: Vec<String>,
    pub space_ids: Vec<String>,
    /// Page, blog post, comment or attachment ids.
    pub content_ids: Vec<String>,
}

impl Resources {
    pub fn is_empty(&self) -> bool {
        self.space_keys.is_empty() && self.space_ids.is_empty() && self.content_ids.is_empty()
    }
}

/// What the Confluence client reported for the call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Upstream {
    /// The last HTTP status Confluence answered.
    pub status: Option<u16>,
    pub requests: u32,
    /// 429 answers.
    pub throttled: u32,
    pub retries: u32,
}

/// Findings of one detector in one direction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DlpFindings {
    /// `outgoing` (content written), `result` (what the agent received) or `arguments`.
    pub direction: String,
    pub detector: String,
    /// What the profile did: redact, mask, hash, tokenize, block or allow.
    pub action: String,
    pub count: u64,
}

/// Sizes of the answer in characters: as the tool produced it and as the agent got it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseSize {
    pub chars_before: u64,
    pub chars_after: u64,
}

/// Where the time went, in microseconds: the whole call, inside the Confluence client, and
/// the gateway's own share (the difference).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub total: u64,
    pub upstream: u64,
    pub gateway: u64,
}

/// Accumulates DLP reports by (direction, detector, action).
#[derive(Debug, Default, Clone)]
pub struct DlpTally {
    counts: BTreeMap<(String, String, String), u64>,
}

impl DlpTally {
    pub fn add(&mut self, direction: &str, report: &dlp::Report) {
        for entry in &report.entries {
            *self
                .counts
                .entry((
                    direction.to_owned(),
                    entry.detector.clone(),
                    action_name(entry.action),
                ))
                .or_default() += entry.count as u64;
        }
    }

    /// A finding whose action was `block` (the report of a blocked call is an error).
    pub fn add_blocked(&mut self, direction: &str, detector: &str) {
        *self
            .counts
            .entry((
                direction.to_owned(),
                detector.to_owned(),
                "block".to_owned(),
            ))
            .or_default() += 1;
    }

    /// Findings whose action changed content.
    pub fn redactions(&self) -> u64 {
        self.counts
            .iter()
            .filter(|((_, _, action), _)| !matches!(action.as_str(), "allow" | "block"))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn into_findings(self) -> Vec<DlpFindings> {
        self.counts
            .into_iter()
            .map(|((direction, detector, action), count)| DlpFindings {
                direction,
                detector,
                action,
                count,
            })
            .collect()
    }
}

fn action_name(action: dlp::Action) -> String {
    match serde_json::to_value(action) {
        Ok(Value::String(name)) => name,
        _ => format!("{action:?}").to_lowercase(),
    }
}

/// The canonical body of `event` (with `id` and `prev_hash` already set).
pub fn canonical(event: &AuditEvent) -> String {
    // Serializing a struct of strings, numbers and JSON values cannot fail.
    serde_json::to_string(event).unwrap_or_default()
}

/// The chain hash of a canonical body.
pub fn hash_body(body: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"cgw-audit-v1\n");
    hasher.update(body.as_bytes());
    hex(&hasher.finalize())
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The current time as the audit trail writes it.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The exported form of a stored event: its body with `hash` added.
pub fn exported(body: &str, hash: &str) -> Value {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(mut map)) => {
            map.insert("hash".to_owned(), Value::from(hash));
            Value::Object(map)
        }
        _ => serde_json::json!({ "unreadable_body": true, "hash": hash }),
    }
}

/// Caps recorded arguments at `max_bytes` of JSON: long strings are cut at a word boundary
/// with a marker, and if that is not enough only the argument names are kept.
pub fn cap_arguments(args: Value, max_bytes: usize) -> Value {
    let size = |v: &Value| serde_json::to_string(v).map_or(usize::MAX, |s| s.len());
    if size(&args) <= max_bytes {
        return args;
    }
    let per_string = (max_bytes / 4).max(16);
    let mut cut = args;
    cut_strings(&mut cut, per_string, 0);
    if size(&cut) <= max_bytes {
        return cut;
    }
    let names: Vec<Value> = match &cut {
        Value::Object(map) => map.keys().map(|k| Value::from(k.as_str())).collect(),
        _ => Vec::new(),
    };
    serde_json::json!({ "_truncated": true, "_argument_names": names })
}

fn cut_strings(value: &mut Value, limit: usize, depth: usize) {
    match value {
        Value::String(s) if s.chars().count() > limit => {
            let total = s.chars().count();
            let mut end = s.char_indices().nth(limit).map_or(s.len(), |(i, _)| i);
            // Cut at the last whitespace so no half of a token is kept.
            if let Some(space) = s[..end].rfind(char::is_whitespace) {
                end = space;
            }
            let kept = s[..end].chars().count();
            *s = format!("{}…[{} more characters]", &s[..end], total - kept);
        }
        Value::Array(items) if depth < 16 => {
            for item in items {
                cut_strings(item, limit, depth + 1);
            }
        }
        Value::Object(map) if depth < 16 => {
            for (_, item) in map.iter_mut() {
                cut_strings(item, limit, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_byte_of_the_body() {
        let event = AuditEvent {
            id: 1,
            agent: "a".into(),
            prev_hash: GENESIS_HASH.into(),
            ..AuditEvent::default()
        };
        let body = canonical(&event);
        let edited = body.replace("\"agent\":\"a\"", "\"agent\":\"b\"");
        assert_ne!(hash_body(&body), hash_body(&edited));
        assert_eq!(hash_body(&body).len(), 64);
        let back: AuditEvent = serde_json::from_str(&body).unwrap_or_default();
        assert_eq!(back, event);
    }

    #[test]
    fn arguments_are_capped_without_half_tokens() {
        let long = format!("{} SECRETTOKEN", "word ".repeat(400));
        let capped = cap_arguments(serde_json::json!({ "body": long, "id": "1" }), 256);
        let text = capped.to_string();
        assert!(text.len() <= 256 + 64, "{text}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("more characters"), "{text}");
        let many: serde_json::Map<String, Value> = (0..200)
            .map(|i| (format!("k{i}"), Value::from("v".repeat(20))))
            .collect();
        let capped = cap_arguments(Value::Object(many), 128);
        assert_eq!(capped["_truncated"], Value::from(true));
    }
}
