//! The call pipeline, in one place and in this order:
//!
//! 1. authenticate — done before this function: over HTTP by `mcp::http` (401 otherwise),
//!    over stdio at start-up; the agent arrives here resolved;
//! 2. virtual server and tool — the tool must exist and the server must expose it, else a
//!    JSON-RPC `invalid_params` error;
//! 3. validate arguments against the tool's input schema (errors name the field);
//! 4. rate limit, per agent;
//! 5. authorize ([`crate::authorize::Authorizer`]; default deny);
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
use crate::authorize::Decision;
use crate::config::ServerConfig;
use crate::error::ToolError;
use crate::runtime::{Gateway, Runtime};
use crate::shape::{self, OutputFormat};
use crate::tools::catalog::{Entry, ToolContext, selects};
use crate::tools::scope::SpaceScope;

/// Whether `server` exposes `entry` (its toolset selectors select the tool).
pub fn exposes(server: &ServerConfig, entry: &Entry) -> bool {
    server.toolsets.iter().any(|s| selects(s, &entry.spec))
}

/// The tools `agent` sees on `server`: exposed by the server and allowed by authorization.
pub fn visible_tools(rt: &Runtime, server: &ServerConfig, agent: &Agent) -> Vec<Tool> {
    rt.catalog
        .iter()
        .filter(|e| exposes(server, e))
        .filter(|e| rt.authorizer.authorize(agent, server, &e.spec) == Decision::Allow)
        .map(|e| e.spec.to_tool())
        .collect()
}

/// The response budget of `agent` on `server`: the server's cap, lowered by the agent's roles'
/// caps when every role has one (the most generous role counts).
pub fn response_budget(rt: &Runtime, server: &ServerConfig, agent: &Agent) -> usize {
    let roles = &rt.loaded.config.roles;
    let role_caps: Option<Vec<usize>> = agent
        .roles
        .iter()
        .map(|r| roles.get(r).and_then(|c| c.max_response_chars()))
        .collect();
    match role_caps.and_then(|caps| caps.into_iter().max()) {
        Some(cap) => cap.min(server.max_response_chars),
        None => server.max_response_chars,
    }
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
            return Err(ErrorData::invalid_params(
                format!("Unknown tool '{name}'. Call tools/list for the tools this server offers."),
                None,
            ));
        }
    };

    if let Some(args) = &arguments {
        record.arguments(&rt, agent, entry.spec.toolset, args);
    }
    let outcome = run_stages(gw, &rt, agent, server, &entry, arguments, &mut record).await;
    let (result, kind) = match outcome {
        Ok(result) => (result, "ok"),
        Err(error) => (shape::failure(&error), error.kind()),
    };
    match audit(record, Some(entry.spec.name), kind).await {
        Ok(()) => Ok(result),
        Err(e) => Ok(refused(e)),
    }
}

async fn run_stages(
    gw: &Gateway,
    rt: &Runtime,
    agent: &Arc<Agent>,
    server: &ServerConfig,
    entry: &Entry,
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

    // 5. authorize.
    let (decision, rule) = rt.authorizer.decide(agent, server, &entry.spec);
    record.rule = rule;
    if let Decision::Deny(reason) = decision {
        record.decision = audit::event::decision::DENY;
        return Err(ToolError::Forbidden(reason));
    }
    record.decision = audit::event::decision::ALLOW;

    // 6. DLP on outgoing content.
    let tally = &mut record.dlp;
    rt.dlp.outgoing(
        agent.dlp_profile.as_deref(),
        &mut args,
        entry.spec.outgoing_content,
        tally,
    )?;
    if let Some(decode) = entry.spec.outgoing_encoded {
        let profile = agent.dlp_profile.as_deref();
        decode(&mut args, &mut |text| {
            rt.dlp.outgoing_text(profile, text, tally)
        })?;
    }

    // 7. execute.
    let budget = response_budget(rt, server, agent);
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
        scope: SpaceScope::new(&agent.spaces, connection.space_ids.clone()),
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
    rt.dlp.result(
        agent.dlp_profile.as_deref(),
        &mut text,
        &mut structured,
        &mut record.dlp,
    )?;
    record.chars_after = text.chars().count() as u64;

    Ok(shape::success(text, structured, format))
}
