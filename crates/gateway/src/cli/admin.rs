//! Admin commands: `init`, `agents add|list|revoke|rotate`, `tools list`.
//!
//! Agents are written to the configuration's `agents_file`, which these commands own and
//! rewrite whole. Keys are printed once and stored only as keyed hashes.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use gateway::agents::{KeyHasher, generate_key};
use gateway::config::{self, AgentConfig, Loaded};
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
    /// Add an agent and print its key (shown once).
    Add(AddArgs),
    /// List agents (names, roles, state; never keys).
    List(ConfigArg),
    /// Disable an agent: its key is refused from the next request on (after a reload).
    Revoke(NameArgs),
    /// Give an agent a new key (printed once); the old key stops working.
    Rotate(NameArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The configuration file.
    #[arg(long, default_value = "confluence-gateway.toml", value_name = "FILE")]
    config: PathBuf,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The agent's name.
    name: String,
    /// A role from [roles]; repeat for several.
    #[arg(long = "role", value_name = "ROLE")]
    roles: Vec<String>,
    /// The connection its calls go through (default: the first one).
    #[arg(long, value_name = "NAME")]
    connection: Option<String>,
    /// Interim space scope: a space key it may use; repeat for several (default: all).
    #[arg(long = "space", value_name = "KEY")]
    spaces: Vec<String>,
    /// RFC 3339 expiry, e.g. 2027-01-01T00:00:00Z.
    #[arg(long, value_name = "TIME")]
    expires_at: Option<String>,
    /// A [dlp_profiles] name to use instead of [dlp].
    #[arg(long, value_name = "NAME")]
    dlp_profile: Option<String>,
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

fn agents_path(loaded: &Loaded) -> anyhow::Result<PathBuf> {
    loaded.agents_file_path().ok_or_else(|| {
        anyhow!(
            "{} has no agents_file; add `agents_file = \"agents.toml\"` so agent commands have a file to manage",
            loaded.path.display()
        )
    })
}

fn hasher(loaded: &Loaded) -> anyhow::Result<KeyHasher> {
    let secret = gateway::runtime::key_secret(&loaded.config.security)?;
    Ok(KeyHasher::new(secret.as_bytes()))
}

/// Applies `change` to the agents file and keeps it only if the whole configuration still
/// validates; otherwise the previous file is put back.
fn edit_agents(
    config_path: &Path,
    change: impl FnOnce(&mut Vec<AgentConfig>, &KeyHasher) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let loaded = config::load(config_path)?;
    let path = agents_path(&loaded)?;
    let hasher = hasher(&loaded)?;
    let previous = std::fs::read(&path).ok();
    let mut file = config::load_agents_file(&path)?;
    change(&mut file.agents, &hasher)?;
    config::save_agents_file(&path, &file)?;
    if let Err(e) = config::load(config_path) {
        match previous {
            Some(bytes) => std::fs::write(&path, bytes),
            None => std::fs::remove_file(&path),
        }
        .with_context(|| format!("restoring {}", path.display()))?;
        bail!("not changed: {e}");
    }
    Ok(())
}

pub fn agents(command: AgentsCommand) -> anyhow::Result<Outcome> {
    match command {
        AgentsCommand::Add(args) => {
            let loaded = config::load(&args.config.config)?;
            if loaded.agents.iter().any(|a| a.name == args.name) {
                bail!(
                    "an agent named '{}' exists; use `agents rotate` for a new key",
                    args.name
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
            edit_agents(&args.config.config, |agents, hasher| {
                agents.push(AgentConfig {
                    name: args.name.clone(),
                    roles: args.roles.clone(),
                    connection,
                    enabled: true,
                    expires_at: args.expires_at.clone(),
                    key_hash: hasher.hash(&key).to_string(),
                    spaces: args.spaces.clone(),
                    dlp_profile: args.dlp_profile.clone(),
                });
                Ok(())
            })?;
            println!(
                "Added agent '{}'. Its key (shown once, store it now):\n{key}",
                args.name
            );
            Ok(Outcome::Clean)
        }
        AgentsCommand::List(args) => {
            let loaded = config::load(&args.config)?;
            println!("NAME                 ENABLED  ROLES                    CONNECTION   EXPIRES");
            for a in &loaded.agents {
                println!(
                    "{:<20} {:<8} {:<24} {:<12} {}",
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
            edit_agents(&args.config.config, |agents, _| {
                let agent = find(agents, &args.name)?;
                agent.enabled = false;
                Ok(())
            })?;
            println!(
                "Revoked '{}' (reload or restart the gateway to apply).",
                args.name
            );
            Ok(Outcome::Clean)
        }
        AgentsCommand::Rotate(args) => {
            let key = generate_key();
            edit_agents(&args.config.config, |agents, hasher| {
                let agent = find(agents, &args.name)?;
                agent.key_hash = hasher.hash(&key).to_string();
                agent.enabled = true;
                Ok(())
            })?;
            println!("New key for '{}' (shown once):\n{key}", args.name);
            Ok(Outcome::Clean)
        }
    }
}

fn find<'a>(agents: &'a mut [AgentConfig], name: &str) -> anyhow::Result<&'a mut AgentConfig> {
    agents
        .iter_mut()
        .find(|a| a.name == name)
        .ok_or_else(|| anyhow!("no agent named '{name}' in the agents file"))
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
