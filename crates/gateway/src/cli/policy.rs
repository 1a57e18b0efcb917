//! `policy explain` and `policy check`: the access policy from the command line, with the same
//! code the gateway runs (grant, resource resolution through the agent's connection, decision).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use serde_json::Value;

use super::Outcome;
use gateway::config;
use gateway::tools::catalog::Catalog;
use gateway::tools::guard::{Guard, ResourceCache};

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Show what the policy decides for one call, and which rule decides it. Content the
    /// arguments name (page_id, parent_id, blog_post_id, content_id, comment_id,
    /// attachment_id, space_key, key) is resolved through the agent's Confluence connection,
    /// as the gateway would. Exit code 0: allowed on every server the agent may use that
    /// exposes the tool (or on --server); 1: denied or approval needed somewhere.
    Explain(ExplainArgs),
    /// Validate a policy: a policy file (`[[rules]]`) or a whole configuration file. Errors
    /// name the rule, its line and column. Exit code 0: valid; 2: invalid.
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The agent's name (from [[agents]] or the store).
    #[arg(long, value_name = "NAME")]
    agent: String,
    /// The tool's name (`confluence-gateway tools list`).
    #[arg(long, value_name = "TOOL")]
    tool: String,
    /// The call's arguments as a JSON object, e.g. '{"page_id": "65538"}'.
    #[arg(long, value_name = "JSON", default_value = "{}")]
    args: String,
    /// The virtual server (default: every server that exposes the tool).
    #[arg(long, value_name = "NAME")]
    server: Option<String>,
    /// The configuration file.
    #[arg(long, default_value = "confluence-gateway.toml", value_name = "FILE")]
    config: PathBuf,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A policy file (`[[rules]]` only) or a configuration file (with `[policy]`).
    file: PathBuf,
}

pub fn run(command: PolicyCommand) -> anyhow::Result<Outcome> {
    match command {
        PolicyCommand::Explain(args) => explain(&args),
        PolicyCommand::Check(args) => check(&args),
    }
}

fn check(args: &CheckArgs) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let shown = args.file.display();
    let table: toml::Table = toml::from_str(&text).map_err(|e| anyhow!("{shown}: {e}"))?;
    let is_policy_file = table.keys().all(|k| k == "rules");
    if is_policy_file {
        let parsed = policy::parse_policy_file(&text).map_err(|e| anyhow!("{shown}: {e}"))?;
        let known = policy::Known {
            tools: Some(gateway::tools::catalog::tool_names().to_vec()),
            ..policy::Known::default()
        };
        let compiled = policy::Policy::compile(&parsed.rules, &text, &known)
            .map_err(|e| anyhow!("{shown}: {e}"))?;
        println!(
            "{shown}: policy file valid, {} rule(s) (server and DLP profile names are checked when a configuration loads it)",
            compiled.rules().len()
        );
    } else {
        let loaded = config::load(&args.file)?;
        println!(
            "{shown}: configuration valid; policy: {} rule(s) from {}",
            loaded.policy.rules().len(),
            loaded
                .policy_file
                .as_ref()
                .unwrap_or(&loaded.path)
                .display()
        );
    }
    Ok(Outcome::Clean)
}

fn explain(args: &ExplainArgs) -> anyhow::Result<Outcome> {
    confluence::install_crypto_provider();
    let loaded = config::load(&args.config)?;
    let call: Value = serde_json::from_str(&args.args).context("--args is not JSON")?;
    let Value::Object(call) = call else {
        bail!("--args must be a JSON object, e.g. '{{\"page_id\": \"65538\"}}'");
    };
    let catalog = Catalog::build()?;
    let entry = catalog
        .get(&args.tool)
        .ok_or_else(|| {
            anyhow!(
                "no tool named '{}' (`confluence-gateway tools list`)",
                args.tool
            )
        })?
        .clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let agent = find_agent(&loaded, &args.agent).await?;
        let servers: Vec<&config::ServerConfig> = loaded
            .config
            .servers
            .iter()
            .map(|s| s.get_ref())
            .filter(|s| args.server.as_ref().is_none_or(|n| *n == s.name))
            .collect();
        if servers.is_empty() {
            bail!("no server named '{}'", args.server.as_deref().unwrap_or(""));
        }
        let policy = loaded.policy.clone();
        let conn = loaded
            .config
            .connections
            .iter()
            .map(|c| c.get_ref())
            .find(|c| c.name == agent.connection)
            .ok_or_else(|| anyhow!("the agent's connection '{}' is not configured", agent.connection))?;
        let connection = gateway::runtime::connect(conn, None)?;
        let cache: Arc<ResourceCache> = connection.resources.clone();
        println!(
            "agent {} (roles: {}), tool {} (toolset {}, action {})",
            agent.name,
            if agent.roles.is_empty() { "none".to_owned() } else { agent.roles.join(", ") },
            entry.spec.name,
            entry.spec.toolset,
            entry.spec.action.as_str()
        );
        let mut all_allowed = true;
        let mut shown = 0;
        for server in servers {
            let exposed = server.toolsets.iter().any(|s| gateway::tools::catalog::selects(s, &entry.spec));
            if !exposed {
                if args.server.is_some() {
                    println!("\nserver {}: does not expose {} (its toolsets: {:?})", server.name, entry.spec.name, server.toolsets);
                    all_allowed = false;
                }
                continue;
            }
            let on_server = server.agents.iter().any(|a| a == "*" || *a == agent.name);
            if !on_server && args.server.is_none() {
                println!("\nserver {}: the agent is not in its `agents` (403 before any policy)", server.name);
                continue;
            }
            shown += 1;
            let subject = policy::Subject { agent: &agent.name, roles: &agent.roles };
            let tool = entry.spec.policy_ref(&server.name);
            let grant = policy.grant(&subject, &tool);
            println!("\nserver {}{}", server.name, if on_server { "" } else { " (the agent is not in this server's `agents`: 403 before any policy)" });
            all_allowed &= on_server;
            println!("  tool: {}{}", grant.verdict.describe(&policy), if grant.verdict.effect == policy::Effect::Deny { " (hidden from tools/list; calling it answers \"Unknown tool\")" } else { " (listed in tools/list)" });
            if let Some(rule) = grant.limits(&policy) {
                let mut limits = Vec::new();
                if let Some(n) = rule.max_response_chars { limits.push(format!("max_response_chars {n}")); }
                if let Some(n) = rule.rate_per_minute { limits.push(format!("rate_per_minute {n}")); }
                if let Some(p) = &rule.dlp_profile { limits.push(format!("dlp_profile {p}")); }
                if !limits.is_empty() { println!("  limits from rule '{}': {}", rule.id, limits.join(", ")); }
            }
            if grant.verdict.effect != policy::Effect::Allow {
                all_allowed = false;
                continue;
            }
            let guard = Guard::new(policy.clone(), Arc::new(grant.clone()), cache.clone(), entry.spec.name);
            let resources = named_resources(&call);
            if resources.is_empty() {
                println!("  no content named in --args: the tool-level decision applies (searches and lists are filtered item by item)");
            }
            for named in resources {
                let (label, verdict, detail) = decide_named(&guard, &connection.client, &named).await?;
                println!("  {label}: {detail}");
                let explanation_rule = verdict.rule.and_then(|r| policy.rule(r)).map(|r| format!(" (rule line {})", r.line)).unwrap_or_default();
                println!("    decision: {}{explanation_rule}", verdict.describe(&policy));
                all_allowed &= verdict.is_allow();
            }
        }
        if shown == 0 && args.server.is_none() {
            println!("\nno server the agent may use exposes {}", entry.spec.name);
            all_allowed = false;
        }
        Ok(if all_allowed { Outcome::Clean } else { Outcome::Found })
    })
}

/// A resource an argument names.
enum Named {
    Space(String),
    Content(policy::ContentType, String),
    Comment(String),
    Attachment(String),
}

fn named_resources(args: &serde_json::Map<String, Value>) -> Vec<Named> {
    let text = |k: &str| args.get(k).and_then(Value::as_str).map(str::to_owned);
    let mut out = Vec::new();
    if let Some(k) = text("space_key").or_else(|| text("key")) {
        out.push(Named::Space(k));
    }
    for key in ["page_id", "parent_id", "content_id"] {
        if let Some(id) = text(key) {
            out.push(Named::Content(policy::ContentType::Page, id));
        }
    }
    if let Some(id) = text("blog_post_id") {
        out.push(Named::Content(policy::ContentType::Blogpost, id));
    }
    if let Some(id) = text("comment_id").or_else(|| text("parent_comment_id")) {
        out.push(Named::Comment(id));
    }
    if let Some(id) = text("attachment_id") {
        out.push(Named::Attachment(id));
    }
    out
}

async fn decide_named(
    guard: &Guard,
    client: &confluence::Client,
    named: &Named,
) -> anyhow::Result<(String, policy::Verdict, String)> {
    let describe = |r: &gateway::tools::guard::Resolved| {
        format!(
            "{} in space {}, {}{}",
            r.content_type.as_str(),
            r.space_key,
            r.labels.as_ref().map_or_else(
                || "labels not read (no rule looks at them)".to_owned(),
                |l| format!("labels [{}]", l.join(", "))
            ),
            r.ancestors
                .as_ref()
                .map(|a| format!(", ancestors {a:?}"))
                .unwrap_or_default()
        )
    };
    Ok(match named {
        Named::Space(key) => (
            format!("space {key}"),
            if policy::normalize_space_key(key).is_ok() {
                guard.decide_space_key(key, false)
            } else {
                policy::Verdict::DEFAULT_DENY
            },
            match policy::normalize_space_key(key) {
                Ok(_) => "named by key".to_owned(),
                Err(e) => format!("refused: {e}"),
            },
        ),
        Named::Content(kind, id) => {
            let found = match guard.resolve(client, *kind, id, None).await {
                Ok(r) => Some(r),
                Err(confluence::Error::NotFound { .. }) if *kind == policy::ContentType::Page => {
                    guard
                        .resolve(client, policy::ContentType::Blogpost, id, None)
                        .await
                        .ok()
                }
                Err(confluence::Error::NotFound { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            match found {
                Some(r) => (
                    format!("content {id}"),
                    guard.decide_resolved(&r, None),
                    describe(&r),
                ),
                None => (
                    format!("content {id}"),
                    policy::Verdict::DEFAULT_DENY,
                    "not found through the agent's connection (answers \"not found\")".to_owned(),
                ),
            }
        }
        Named::Comment(id) => {
            let mut container = None;
            for kind in [
                confluence::CommentKind::Footer,
                confluence::CommentKind::Inline,
            ] {
                if let Ok(c) = client.comment(kind, id, None).await {
                    container = c
                        .page_id
                        .map(|p| (policy::ContentType::Page, p))
                        .or(c.blog_post_id.map(|b| (policy::ContentType::Blogpost, b)));
                    break;
                }
            }
            resolve_container(
                guard,
                client,
                format!("comment {id}"),
                container,
                policy::ContentType::Comment,
                &describe,
            )
            .await?
        }
        Named::Attachment(id) => {
            let container = client.attachment(id).await.ok().and_then(|a| {
                a.page_id
                    .map(|p| (policy::ContentType::Page, p))
                    .or(a.blog_post_id.map(|b| (policy::ContentType::Blogpost, b)))
            });
            resolve_container(
                guard,
                client,
                format!("attachment {id}"),
                container,
                policy::ContentType::Attachment,
                &describe,
            )
            .await?
        }
    })
}

async fn resolve_container(
    guard: &Guard,
    client: &confluence::Client,
    label: String,
    container: Option<(policy::ContentType, String)>,
    as_type: policy::ContentType,
    describe: &dyn Fn(&gateway::tools::guard::Resolved) -> String,
) -> anyhow::Result<(String, policy::Verdict, String)> {
    let Some((kind, cid)) = container else {
        return Ok((
            label,
            policy::Verdict::DEFAULT_DENY,
            "not found through the agent's connection (answers \"not found\")".to_owned(),
        ));
    };
    match guard.resolve(client, kind, &cid, None).await {
        Ok(r) => Ok((
            label,
            guard.decide_resolved(&r, Some(as_type)),
            format!("on {} {cid}: {}", kind.as_str(), describe(&r)),
        )),
        Err(confluence::Error::NotFound { .. }) => Ok((
            label,
            policy::Verdict::DEFAULT_DENY,
            "its container is not found through the agent's connection".to_owned(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `[[agents]]` first, then the store.
async fn find_agent(loaded: &config::Loaded, name: &str) -> anyhow::Result<config::AgentConfig> {
    if let Some(a) = loaded.agents.iter().find(|a| a.name == name) {
        return Ok(a.clone());
    }
    let store = gateway::store::Store::open(&loaded.data_dir()).await?;
    let stored = store.list_agents().await?;
    store.close().await;
    stored
        .into_iter()
        .map(|s| s.agent)
        .find(|a| a.name == name)
        .ok_or_else(|| {
            anyhow!("no agent named '{name}' in [[agents]] or the store (`agents list`)")
        })
}
