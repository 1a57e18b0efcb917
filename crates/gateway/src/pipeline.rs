//! The call pipeline, in one place and in this order:
//!
//! 1. authenticate — done before this function: over HTTP by `mcp::http` (401 otherwise),
//!    over stdio at start-up; the agent arrives here resolved;
//! 2. virtual server and tool — the tool must exist and the server must expose it, else a
//!    JSON-RPC `invalid_params` error;
//! 3. validate arguments against the tool's input schema (errors name the field);
//! 4. rate limit, per agent;
//! 5. authorize ([`crate::authorize`], the access policy; default deny): the tool-level
//!    decision here, every resource inside the tool through `ctx.guard`;
//! 6. DLP on outgoing content (writes): block or redact before anything reaches Confluence;
//! 7. execute the tool with the agent's connection, within the server's timeout;
//! 8. shape: the server's size cap and the agent's `outputFormat`;
//! 9. DLP on exactly what the agent receives;
//! 10. audit — one event per call, whatever the outcome (`audit/`: in fail-closed mode the
//!     answer waits for the event's commit; a call that cannot be recorded is refused);
//! 11. respond.
//!
//! Failures from stage 3 on are tool errors (`isError: true`) whose text says what to do.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::ErrorData;
use rmcp::model::{CallToolResult, JsonObject, Tool};
use serde_json::Value;

use crate::agents::Agent;
use crate::audit::{self, CallRecord};
use crate::authorize;
use crate::config::ServerConfig;
use crate::error::ToolError;
use crate::runtime::{Gateway, Runtime};
use crate::shape::{self, OutputFormat};
use crate::tools::catalog::{Entry, ToolContext, selects};
use crate::tools::guard::Guard;

/// Whether `server` exposes `entry` (its toolset selectors select the tool).
pub fn exposes(server: &ServerConfig, entry: &Entry) -> bool {
    server.toolsets.iter().any(|s| selects(s, &entry.spec))
}

/// The tools `agent` sees on `server`: exposed by the server and visible under the access
/// policy (the same decision the call makes, so the list and the calls cannot disagree).
pub fn visible_tools(rt: &Runtime, server: &ServerConfig, agent: &Agent) -> Vec<Tool> {
    rt.catalog
        .iter()
        .filter(|e| exposes(server, e))
        .filter(|e| authorize::visible(&authorize::grant(&rt.policy, agent, server, &e.spec)))
        .map(|e| e.spec.to_tool())
        .collect()
}

/// The response budget of a call: the server's cap, lowered by the allowing rule's
/// `max_response_chars`.
pub fn response_budget(server: &ServerConfig, rule: Option<&policy::Rule>) -> usize {
    match rule.and_then(|r| r.max_response_chars) {
        Some(cap) => cap.min(server.max_response_chars),
        None => server.max_response_chars,
    }
}

fn unknown_tool(name: &str) -> ErrorData {
    ErrorData::invalid_params(
        format!("Unknown tool '{name}'. Call tools/list for the tools this server offers."),
        None,
    )
}

/// Records the tool-level policy decision and the rule that made it.
fn record_verdict(record: &mut CallRecord, rt: &Runtime, grant: &policy::ToolGrant) {
    record.decision = grant.verdict.effect.as_str();
    record.rule = Some(match grant.verdict.rule.and_then(|r| rt.policy.rule(r)) {
        Some(rule) => rule.id.clone(),
        None => "default-deny".to_owned(),
    });
}

/// Runs one `tools/call` through every stage. `request_id` is the client's JSON-RPC id, for
/// the audit trail.
pub async fn call_tool(
    gw: &Gateway,
    agent: &Arc<Agent>,
    server: &ServerConfig,
    name: &str,
    arguments: Option<JsonObject>,
    request_id: Option<String>,
) -> Result<CallToolResult, ErrorData> {
    let mut record = CallRecord::start();
    let rt = gw.runtime();
    // 10. audit: one event whatever the outcome; in fail-closed mode the answer waits for
    // the commit, and a call that cannot be recorded is refused.
    let audit = |record: CallRecord, tool: Option<&str>, outcome: &str| {
        let event = record.finish(
            &rt,
            agent,
            server,
            audit::event::kind::TOOLS_CALL,
            tool,
            request_id.clone(),
            outcome,
        );
        gw.auditor.record(event)
    };
    let refused =
        |e: audit::AuditError| shape::failure(&ToolError::AuditUnavailable(e.to_string()));

    // 2. virtual server and tool.
    let entry = match rt.catalog.get(name) {
        Some(entry) if exposes(server, entry) => entry.clone(),
        Some(entry) => {
            if let Some(args) = &arguments {
                record.arguments(&rt, agent, entry.spec.toolset, args);
            }
            if let Err(e) = audit(record, Some(name), "tool_not_on_server").await {
                return Ok(refused(e));
            }
            return Err(ErrorData::invalid_params(
                format!(
                    "Tool '{name}' is not available on server '{}'{}. Call tools/list for the tools this server offers.",
                    server.name,
                    if entry.spec.read_only() {
                        ""
                    } else {
                        " (this server does not offer write tools)"
                    }
                ),
                None,
            ));
        }
        None => {
            // A name the client made up is not recorded verbatim (it could carry anything).
            let tool = format!("(unknown: {} characters)", name.chars().count());
            if let Err(e) = audit(record, Some(&tool), "unknown_tool").await {
                return Ok(refused(e));
            }
            return Err(unknown_tool(name));
        }
    };
    if let Some(args) = &arguments {
        record.arguments(&rt, agent, entry.spec.toolset, args);
    }
    // A tool the policy hides answers exactly like an unknown one.
    let grant = authorize::grant(&rt.policy, agent, server, &entry.spec);
    if !authorize::visible(&grant) {
        record_verdict(&mut record, &rt, &grant);
        if let Err(e) = audit(record, Some(entry.spec.name), "hidden_by_policy").await {
            return Ok(refused(e));
        }
        return Err(unknown_tool(name));
    }

    let outcome = run_stages(
        gw,
        &rt,
        agent,
        server,
        &entry,
        grant,
        arguments,
        &mut record,
    )
    .await;
    let (result, kind) = match outcome {
        Ok(result) => (result, "ok"),
        Err(error) => (shape::failure(&error), error.kind()),
    };
    match audit(record, Some(entry.spec.name), kind).await {
        Ok(()) => Ok(result),
        Err(e) => Ok(refused(e)),
    }
}

#[allow(clippy::too_many_arguments)]
async fn run_stages(
    gw: &Gateway,
    rt: &Runtime,
    agent: &Arc<Agent>,
    server: &ServerConfig,
    entry: &Entry,
    grant: policy::ToolGrant,
    arguments: Option<JsonObject>,
    record: &mut CallRecord,
) -> Result<CallToolResult, ToolError> {
    // 3. validate arguments.
    let args = Value::Object(arguments.unwrap_or_default());
    if let Some(error) = entry.validator.iter_errors(&args).next() {
        let path = error.instance_path().to_string();
        return Err(ToolError::invalid(
            if path.is_empty() {
                "(arguments)".to_owned()
            } else {
                format!("'{path}'")
            },
            error.masked().to_string(),
        ));
    }
    let Value::Object(mut args) = args else {
        return Err(ToolError::invalid("(arguments)", "must be an object"));
    };
    let format = OutputFormat::take_from(&mut args);

    // 4. rate limit.
    if let Err(wait) = gw.limiter.check(&agent.name, Instant::now()) {
        return Err(ToolError::RateLimited {
            limit: gw.limiter.rate(),
            retry_after_ms: wait.as_millis().max(1) as u64,
        });
    }

    // 5. authorize: the tool-level decision and the allowing rule's limits; resources are
    // checked inside the tool by `ctx.guard`.
    record_verdict(record, rt, &grant);
    authorize::enforce(&rt.policy, &grant, &entry.spec)?;
    let rule = grant.limits(&rt.policy);
    if let Some(rule) = rule
        && let Some(per_minute) = rule.rate_per_minute
        && let Err(wait) = gw
            .limiter
            .check_rule(&agent.name, &rule.id, per_minute, Instant::now())
    {
        return Err(ToolError::RateLimited {
            limit: f64::from(per_minute) / 60.0,
            retry_after_ms: wait.as_millis().max(1) as u64,
        });
    }
    let dlp_profile = rule
        .and_then(|r| r.dlp_profile.as_deref())
        .or(agent.dlp_profile.as_deref());

    // 6. DLP on outgoing content.
    let tally = &mut record.dlp;
    rt.dlp
        .outgoing(dlp_profile, &mut args, entry.spec.outgoing_content, tally)?;
    if let Some(decode) = entry.spec.outgoing_encoded {
        decode(&mut args, &mut |text| {
            rt.dlp.outgoing_text(dlp_profile, text, tally)
        })?;
    }

    // 7. execute.
    let budget = response_budget(server, rule);
    let connection = rt.connections.get(&agent.connection).ok_or_else(|| {
        ToolError::Internal(format!(
            "agent's connection '{}' is not configured",
            agent.connection
        ))
    })?;
    let ctx = ToolContext {
        client: connection.client.observed(record.upstream.clone()),
        touched: record.touched.clone(),
        agent: agent.clone(),
        guard: Guard::new(
            rt.policy.clone(),
            Arc::new(grant),
            connection.resources.clone(),
            entry.spec.name,
        ),
        max_chars: budget,
        attachments: rt.loaded.config.attachments,
    };
    let timeout = Duration::from_secs(server.timeout_secs);
    let output = tokio::time::timeout(timeout, (entry.spec.handler)(ctx, Value::Object(args)))
        .await
        .map_err(|_| ToolError::Timeout(server.timeout_secs))??;

    // 8. shape.
    record.chars_before = output.text.chars().count() as u64;
    let mut text = shape::cap(output.text, budget);
    let mut structured = (format != OutputFormat::Text).then_some(output.structured);

    // 9. DLP on what the agent receives.
    rt.dlp
        .result(dlp_profile, &mut text, &mut structured, &mut record.dlp)?;
    record.chars_after = text.chars().count() as u64;

    Ok(shape::success(text, structured, format))
}
