//! What the pipeline collects about one call while it runs, turned into an [`AuditEvent`] at
//! the end: the authorization decision, DLP findings, resources touched (from the arguments
//! and reported by the tool through [`Touched`]), the Confluence client's counters and the
//! response sizes.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rmcp::model::JsonObject;
use serde_json::Value;

use super::event::{self, AuditEvent, DlpTally, Latency, ResponseSize, Upstream, decision};
use crate::agents::Agent;
use crate::config::ServerConfig;
use crate::runtime::Runtime;

/// Resources a tool reports as touched (handed to it in `ToolContext`); cheap to clone.
#[derive(Clone, Default)]
pub struct Touched(Arc<Mutex<TouchedSets>>);

#[derive(Default)]
struct TouchedSets {
    space_keys: BTreeSet<String>,
    space_ids: BTreeSet<String>,
    content_ids: BTreeSet<String>,
}

/// At most this many ids per kind are kept (a listing can touch thousands).
const MAX_IDS: usize = 200;

impl Touched {
    fn with(&self, f: impl FnOnce(&mut TouchedSets)) {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()));
    }

    pub fn space_key(&self, key: &str) {
        self.with(|s| {
            if s.space_keys.len() < MAX_IDS {
                s.space_keys.insert(key.to_ascii_uppercase());
            }
        });
    }

    pub fn space_id(&self, id: &str) {
        self.with(|s| {
            if s.space_ids.len() < MAX_IDS {
                s.space_ids.insert(id.to_owned());
            }
        });
    }

    /// A page, blog post, comment or attachment.
    pub fn content_id(&self, id: &str) {
        self.with(|s| {
            if s.content_ids.len() < MAX_IDS {
                s.content_ids.insert(id.to_owned());
            }
        });
    }

    fn resources(&self) -> super::Resources {
        let s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        super::Resources {
            space_keys: s.space_keys.iter().cloned().collect(),
            space_ids: s.space_ids.iter().cloned().collect(),
            content_ids: s.content_ids.iter().cloned().collect(),
        }
    }
}

/// One call's audit facts, filled in by the pipeline's stages.
pub struct CallRecord {
    started: Instant,
    time: String,
    pub decision: &'static str,
    pub rule: Option<String>,
    pub dlp: DlpTally,
    pub touched: Touched,
    pub upstream: Arc<confluence::observe::CallStats>,
    pub chars_before: u64,
    pub chars_after: u64,
    arguments: Option<Value>,
}

impl Default for CallRecord {
    fn default() -> Self {
        CallRecord::start()
    }
}

impl CallRecord {
    pub fn start() -> CallRecord {
        CallRecord {
            started: Instant::now(),
            time: event::now_rfc3339(),
            decision: decision::NONE,
            rule: None,
            dlp: DlpTally::default(),
            touched: Touched::default(),
            upstream: Arc::default(),
            chars_before: 0,
            chars_after: 0,
            arguments: None,
        }
    }

    /// Records the arguments: DLP-redacted with the agent's profile (strings first cut to the
    /// size cap at word boundaries, so the scan stays bounded), ids and space keys noted as
    /// resources. A profile that blocks a finding keeps only the argument names.
    pub fn arguments(&mut self, rt: &Runtime, agent: &Agent, toolset: &str, args: &JsonObject) {
        for (name, value) in args {
            let Some(text) = value
                .as_str()
                .map(str::to_owned)
                .or_else(|| value.as_u64().map(|n| n.to_string()))
            else {
                if name == "space_keys" || name == "spaces" {
                    for key in value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                    {
                        self.touched.space_key(key);
                    }
                }
                continue;
            };
            let digits =
                !text.is_empty() && text.len() <= 24 && text.bytes().all(|b| b.is_ascii_digit());
            match name.as_str() {
                "page_id" | "content_id" | "blog_post_id" | "comment_id" | "parent_comment_id"
                | "attachment_id" | "parent_id" | "id"
                    if digits =>
                {
                    self.touched.content_id(&text)
                }
                "space_id" if digits => self.touched.space_id(&text),
                "space_key" => self.touched.space_key(&text),
                "key" if toolset == "spaces" => self.touched.space_key(&text),
                _ => {}
            }
        }
        let max = rt.loaded.config.audit.max_argument_bytes;
        let mut value = event::cap_arguments(Value::Object(args.clone()), max);
        self.arguments = Some(
            match rt
                .dlp
                .audit_arguments(agent.dlp_profile.as_deref(), &mut value)
            {
                Ok(report) => {
                    self.dlp.add("arguments", &report);
                    value
                }
                Err(detector) => {
                    self.dlp.add_blocked("arguments", &detector);
                    let names: Vec<Value> = args.keys().map(|k| Value::from(k.as_str())).collect();
                    serde_json::json!({ "_withheld": "DLP blocks content found in the arguments", "_argument_names": names })
                }
            },
        );
    }

    /// The event for this call.
    #[allow(clippy::too_many_arguments)]
    pub fn finish(
        self,
        rt: &Runtime,
        agent: &Agent,
        server: &ServerConfig,
        kind: &str,
        tool: Option<&str>,
        request_id: Option<String>,
        outcome: &str,
    ) -> AuditEvent {
        let total = self.started.elapsed();
        let stats = self.upstream.snapshot();
        let micros = |d: std::time::Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let upstream_us = micros(stats.time).min(micros(total));
        let principal = rt
            .loaded
            .config
            .connections
            .iter()
            .map(|c| c.get_ref())
            .find(|c| c.name == agent.connection)
            .map(|c| c.email.clone());
        AuditEvent {
            id: 0,
            time: self.time,
            kind: kind.to_owned(),
            request_id,
            agent: agent.name.clone(),
            connection: Some(agent.connection.clone()),
            principal,
            server: server.name.clone(),
            tool: tool.map(str::to_owned),
            arguments: self.arguments,
            resources: self.touched.resources(),
            decision: self.decision.to_owned(),
            rule: self.rule,
            outcome: outcome.to_owned(),
            upstream: Upstream {
                status: stats.last_status,
                requests: stats.requests,
                throttled: stats.throttled,
                retries: stats.retries,
            },
            redactions: self.dlp.redactions(),
            dlp: self.dlp.into_findings(),
            response: ResponseSize {
                chars_before: self.chars_before,
                chars_after: self.chars_after,
            },
            latency_us: Latency {
                total: micros(total),
                upstream: upstream_us,
                gateway: micros(total) - upstream_us,
            },
            prev_hash: String::new(),
        }
    }
}
