//! Admin commands: `init`, `agents add|list|revoke|rotate`, `tools list`.
//!
//! Agents are written to the store in the configuration's `data_dir` (SQLite); a running
//! gateway picks changes up within about a second (`runtime::AGENTS_REFRESH`). Keys are printed
//! once and stored only as keyed hashes. Agents declared in the configuration file are listed
//! but changed by editing the file.

use std::path::PathBuf;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use gateway::agents::{KeyHasher, generate_key};
use gateway::config::{self, AgentConfig, Loaded};
use gateway::store::Store;
use gateway::tools::catalog::{Catalog, selects};

use super::Outcome;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the configuration.
    #[arg(long, default_value = "confluence-gateway.toml", value_name = "FILE")]
    config: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

pub fn init(args: &InitArgs) -> anyhow::Result<Outcome> {
    if args.config.exists() && !args.force {
        bail!(
            "{} exists; pass --force to overwrite it",
            args.config.display()
        );
    }
    let secret = generate_key();
    std::fs::write(&args.config, config::starter(&secret))
        .with_context(|| format!("writing {}", args.config.display()))?;
    println!(
        "Wrote {}. Next:\n  1. set site_url, email and token_env of [[connections]]\n  \
         2. confluence-gateway agents add my-agent --role reader --config {0}\n  \
         3. confluence-gateway serve --config {0}",
        args.config.display()
    );
    Ok(Outcome::Clean)
}

#[derive(Debug, Subcommand)]
pub enum AgentsCommand {
    /// Add an agent to the store and print its key (shown once).
    Add(AddArgs),
    /// List agents, from the configuration and the store (names, roles, state; never keys).
    List(ConfigArg),
    /// Disable a stored agent: a running gateway refuses its key within about a second.
    Revoke(NameArgs),
    /// Give a stored agent a new key (printed once) and enable it; the old key stops working.
    Rotate(NameArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The configuration file (its `data_dir` holds the store).
    #[arg(long, default_value = "confluence-gateway.toml", value_name = "FILE")]
    config: PathBuf,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The agent's name.
    name: String,
    /// A role that [[policy.rules]] grant (`roles = [...]` in a rule); repeat for several.
    #[arg(long = "role", value_name = "ROLE")]
    roles: Vec<String>,
    /// The connection its calls go through (default: the first one).
    #[arg(long, value_name = "NAME")]
    connection: Option<String>,
    /// Removed: spaces are limited by [[policy.rules]]; passing it fails with the rule to write.
    #[arg(long = "space", value_name = "KEY", hide = true)]
    spaces: Vec<String>,
    /// RFC 3339 expiry, e.g. 2027-01-01T00:00:00Z.
    #[arg(long, value_name = "TIME")]
    expires_at: Option<String>,
    /// A [dlp_profiles] name to use instead of [dlp].
    #[arg(long, value_name = "NAME")]
    dlp_profile: Option<String>,
    /// Store nothing: print an [[agents]] table to paste into the configuration instead (for
    /// agents managed as configuration).
    #[arg(long)]
    toml: bool,
    #[command(flatten)]
    config: ConfigArg,
}

#[derive(Debug, Args)]
pub struct NameArgs {
    /// The agent's name.
    name: String,
    #[command(flatten)]
    config: ConfigArg,
}

fn hasher(loaded: &Loaded) -> anyhow::Result<KeyHasher> {
    let secret = gateway::runtime::key_secret(&loaded.config.security)?;
    Ok(KeyHasher::new(secret.as_bytes()))
}

/// Opens the configuration's store, importing a legacy `agents_file` first (and saying so).
async fn open_store(loaded: &Loaded) -> anyhow::Result<Store> {
    let (store, imported) = Store::open_configured(loaded).await?;
    if let Some(report) = imported {
        eprintln!("note: {report}");
    }
    Ok(store)
}

/// Refuses to change an agent that the configuration file declares: the file is its truth.
fn refuse_declared(loaded: &Loaded, name: &str) -> anyhow::Result<()> {
    if loaded.agents.iter().any(|a| a.name == name) {
        bail!(
            "agent '{name}' is declared in [[agents]] of {}; change it there (enabled = false, \
             key_hash) and reload the gateway",
            loaded.path.display()
        );
    }
    Ok(())
}

pub fn agents(command: AgentsCommand) -> anyhow::Result<Outcome> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(agents_async(command))
}

async fn agents_async(command: AgentsCommand) -> anyhow::Result<Outcome> {
    let config_path = match &command {
        AgentsCommand::Add(args) => &args.config.config,
        AgentsCommand::List(args) => &args.config,
        AgentsCommand::Revoke(args) | AgentsCommand::Rotate(args) => &args.config.config,
    };
    let loaded = config::load(config_path)?;
    let store = open_store(&loaded).await?;
    let result = run_agents(command, &loaded, &store).await;
    store.close().await;
    result
}

async fn run_agents(
    command: AgentsCommand,
    loaded: &Loaded,
    store: &Store,
) -> anyhow::Result<Outcome> {
    match command {
        AgentsCommand::Add(args) => {
            if loaded.agents.iter().any(|a| a.name == args.name) {
                bail!(
                    "an agent named '{}' exists in [[agents]] of {}",
                    args.name,
                    loaded.path.display()
                );
            }
            let connection = match args.connection {
                Some(c) => c,
                None => loaded
                    .config
                    .connections
                    .first()
                    .map(|c| c.get_ref().name.clone())
                    .ok_or_else(|| anyhow!("the configuration has no [[connections]]"))?,
            };
            let key = generate_key();
            let agent = AgentConfig {
                name: args.name.clone(),
                roles: args.roles,
                connection,
                enabled: true,
                expires_at: args.expires_at,
                key_hash: hasher(loaded)?.hash(&key).to_string(),
                spaces: args.spaces,
                dlp_profile: args.dlp_profile,
            };
            if let Some((field, message)) =
                config::agent_problem(&loaded.config, &loaded.policy, &agent)
            {
                bail!("not added: {field}: {message}");
            }
            if args.toml {
                if store
                    .list_agents()
                    .await?
                    .iter()
                    .any(|s| s.agent.name == agent.name)
                {
                    bail!("an agent named '{}' exists in the store", agent.name);
                }
                let table = toml::to_string(&config::AgentsFile {
                    agents: vec![agent],
                })?;
                println!(
                    "Add this to {} and reload the gateway:\n\n{table}\nIts key (shown once, store it now):\n{key}",
                    loaded.path.display()
                );
                return Ok(Outcome::Clean);
            }
            store.insert_agent(&agent).await?;
            println!(
                "Added agent '{}'. Its key (shown once, store it now):\n{key}",
                args.name
            );
            Ok(Outcome::Clean)
        }
        AgentsCommand::List(_) => {
            let stored = store.list_agents().await?;
            println!(
                "{:<20} {:<8} {:<24} {:<12} {:<21} SOURCE",
                "NAME", "ENABLED", "ROLES", "CONNECTION", "EXPIRES"
            );
            let rows = loaded
                .agents
                .iter()
                .map(|a| (a, "config"))
                .chain(stored.iter().map(|s| (&s.agent, "store")));
            for (a, source) in rows {
                println!(
                    "{:<20} {:<8} {:<24} {:<12} {:<21} {source}",
                    a.name,
                    a.enabled,
                    a.roles.join(","),
                    a.connection,
                    a.expires_at.as_deref().unwrap_or("-")
                );
            }
            Ok(Outcome::Clean)
        }
        AgentsCommand::Revoke(args) => {
            refuse_declared(loaded, &args.name)?;
            store.set_agent_enabled(&args.name, false).await?;
            println!(
                "Revoked '{}': a running gateway refuses its key within {} s.",
                args.name,
                gateway::runtime::AGENTS_REFRESH.as_secs() + 1
            );
            Ok(Outcome::Clean)
        }
        AgentsCommand::Rotate(args) => {
            refuse_declared(loaded, &args.name)?;
            let key = generate_key();
            let hash = hasher(loaded)?.hash(&key).to_string();
            store.replace_agent_key(&args.name, &hash).await?;
            println!(
                "New key for '{}' (shown once; the old key stops working within {} s):\n{key}",
                args.name,
                gateway::runtime::AGENTS_REFRESH.as_secs() + 1
            );
            Ok(Outcome::Clean)
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ToolsCommand {
    /// List tools: name, toolset, access, title. With --server, only those it exposes.
    List(ToolsListArgs),
}

#[derive(Debug, Args)]
pub struct ToolsListArgs {
    /// Only the tools of this virtual server (needs --config).
    #[arg(long, value_name = "NAME")]
    server: Option<String>,
    /// The configuration file (for --server).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

pub fn tools(command: ToolsCommand) -> anyhow::Result<Outcome> {
    let ToolsCommand::List(args) = command;
    let catalog = Catalog::build()?;
    let selectors: Option<Vec<String>> = match (&args.server, &args.config) {
        (Some(name), Some(path)) => {
            let loaded = config::load(path)?;
            let server = loaded
                .config
                .servers
                .iter()
                .find(|s| s.get_ref().name == *name)
                .ok_or_else(|| anyhow!("no server named '{name}'"))?;
            Some(server.get_ref().toolsets.clone())
        }
        (Some(_), None) => bail!("--server needs --config"),
        _ => None,
    };
    println!("{:<24} {:<10} {:<12} TITLE", "TOOL", "TOOLSET", "ACCESS");
    for entry in catalog.iter() {
        let spec = &entry.spec;
        if let Some(selectors) = &selectors
            && !selectors.iter().any(|s| selects(s, spec))
        {
            continue;
        }
        let access = match spec.access {
            gateway::tools::catalog::Access::Read => "read",
            gateway::tools::catalog::Access::Write => "write",
            gateway::tools::catalog::Access::Destructive => "destructive",
        };
        println!(
            "{:<24} {:<10} {:<12} {}",
            spec.name, spec.toolset, access, spec.title
        );
    }
    Ok(Outcome::Clean)
}
