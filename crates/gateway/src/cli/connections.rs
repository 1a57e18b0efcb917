//! `connect`, `connections list|show|test|revoke` and `keys rotate`: the Atlassian sessions in
//! the token vault. They work beside a running gateway (same data directory and keys).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use gateway::config::{ConnectionAuth, ConnectionConfig, Loaded};
use gateway::store::Store;
use gateway::vault::{KeySource, MasterKey, Vault};

use super::Outcome;

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The configuration file (its `data_dir` holds the vault; `[vault]` names the keys).
    #[arg(long, default_value = "confluence-gateway.toml", value_name = "FILE")]
    config: PathBuf,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The user (an `oauth` connection's `user`, or its name) to connect.
    #[arg(long, value_name = "NAME")]
    user: String,
    #[command(flatten)]
    config: ConfigArg,
}

#[derive(Debug, Subcommand)]
pub enum ConnectionsCommand {
    /// Every connection: kind, state (connected, needs_reconsent, not connected), account,
    /// access-token expiry and refreshes.
    List(ConfigArg),
    /// One connection in detail.
    Show(NamedArgs),
    /// Calls Confluence through the connection (refreshing if due) and says whether it works.
    Test(NamedArgs),
    /// Forgets the stored session; the user must `connect` again.
    Revoke(NamedArgs),
}

#[derive(Debug, Args)]
pub struct NamedArgs {
    /// The connection's name.
    name: String,
    #[command(flatten)]
    config: ConfigArg,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Seals every stored secret under a new master key. With `[vault] key_file`, a new key is
    /// generated and appended to the file (older keys stay, so gateways still running read
    /// both); with the environment variable, put the new key last in it first (keeping the old
    /// one before it) and this re-seals under it.
    Rotate(ConfigArg),
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

async fn open(config: &Path) -> anyhow::Result<(Loaded, Arc<Vault>)> {
    confluence::install_crypto_provider();
    let loaded = gateway::config::load(config)?;
    let store = Store::open(&loaded.data_dir()).await?;
    let base = loaded
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let vault = Vault::open(&loaded.config, &base, store, Arc::default())?;
    Ok((loaded, vault))
}

fn connections(loaded: &Loaded) -> Vec<ConnectionConfig> {
    loaded
        .config
        .connections
        .iter()
        .map(|c| c.get_ref().clone())
        .collect()
}

pub fn connect(args: &ConnectArgs) -> anyhow::Result<Outcome> {
    runtime()?.block_on(async {
        let (loaded, vault) = open(&args.config.config).await?;
        let all = connections(&loaded);
        let conn = all
            .iter()
            .find(|c| {
                c.auth == ConnectionAuth::Oauth
                    && (c.user.as_deref() == Some(&args.user) || c.name == args.user)
            })
            .ok_or_else(|| anyhow!("no `oauth` connection has user or name '{}'", args.user))?;
        let redirect = loaded
            .config
            .oauth
            .as_ref()
            .and_then(|o| o.redirect_uri.clone())
            .unwrap_or_else(|| format!("http://{}/oauth/callback", loaded.config.listen.address));
        let url = gateway::vault::connect::start(&vault, conn, &redirect).await?;
        println!(
            "Open this URL as {} and consent; the running gateway's {redirect} completes the \
             connection '{}' (within 15 minutes):\n\n{url}",
            args.user, conn.name
        );
        Ok(Outcome::Clean)
    })
}

fn expires_in(ms: i64) -> String {
    let left = ms - chrono::Utc::now().timestamp_millis();
    if left <= 0 {
        "expired".to_owned()
    } else {
        format!("{} s", left / 1000)
    }
}

pub fn run(command: ConnectionsCommand) -> anyhow::Result<Outcome> {
    runtime()?.block_on(async {
        let config = match &command {
            ConnectionsCommand::List(c) => &c.config,
            ConnectionsCommand::Show(a) | ConnectionsCommand::Test(a) | ConnectionsCommand::Revoke(a) => {
                &a.config.config
            }
        };
        let (loaded, vault) = open(config).await?;
        let all = connections(&loaded);
        let rows = vault_rows(&vault).await?;
        match command {
            ConnectionsCommand::List(_) => {
                let mut out = std::io::stdout().lock();
                writeln!(out, "{:<16} {:<12} {:<16} {:<12} {:<12} REFRESHES", "NAME", "KIND", "STATE", "ACCOUNT", "EXPIRES IN")?;
                for c in &all {
                    let row = rows.iter().find(|r| r.connection == c.name);
                    let (state, account, expires, refreshes) = match (c.auth, row) {
                        (ConnectionAuth::Oauth, Some(r)) => (
                            r.state.clone(),
                            r.account.clone().unwrap_or_default(),
                            expires_in(r.access_expires_at),
                            r.refreshes.to_string(),
                        ),
                        (ConnectionAuth::Oauth, None) => ("not_connected".to_owned(), String::new(), String::new(), String::new()),
                        (_, _) => ("configured".to_owned(), c.email.clone(), String::new(), String::new()),
                    };
                    let kind = match c.auth {
                        ConnectionAuth::ApiToken => "api_token",
                        ConnectionAuth::Oauth => "oauth",
                        ConnectionAuth::AccessToken => "access_token",
                    };
                    writeln!(out, "{:<16} {:<12} {:<16} {:<12} {:<12} {refreshes}", c.name, kind, state, account, expires)?;
                }
                Ok(Outcome::Clean)
            }
            ConnectionsCommand::Show(args) => {
                let conn = all.iter().find(|c| c.name == args.name).ok_or_else(|| anyhow!("no connection '{}'", args.name))?;
                println!("name: {}\nsite: {}\nkind: {:?}", conn.name, conn.site_url, conn.auth);
                if let Some(r) = rows.iter().find(|r| r.connection == conn.name) {
                    println!(
                        "state: {}{}\naccount: {}\ncloud id: {}\nscope: {}\naccess token expires in: {}\nrefreshes: {}\nsealed under key: {}",
                        r.state,
                        r.state_reason.as_deref().map(|w| format!(" ({w})")).unwrap_or_default(),
                        r.account.as_deref().unwrap_or(""),
                        r.cloud_id,
                        r.scope.as_deref().unwrap_or(""),
                        expires_in(r.access_expires_at),
                        r.refreshes,
                        r.key_id
                    );
                }
                Ok(Outcome::Clean)
            }
            ConnectionsCommand::Test(args) => {
                let conn = all.iter().find(|c| c.name == args.name).ok_or_else(|| anyhow!("no connection '{}'", args.name))?;
                let connection = gateway::runtime::connect(conn, Some(&vault))?;
                let spaces = connection
                    .client
                    .spaces_page(&confluence::SpaceQuery::default(), 1, None)
                    .await;
                match spaces {
                    Ok(_) => {
                        println!("{}: works", conn.name);
                        Ok(Outcome::Clean)
                    }
                    Err(e) => bail!("{}: {e}", conn.name),
                }
            }
            ConnectionsCommand::Revoke(args) => {
                if vault.store_handle().delete_token_row(&args.name).await? {
                    println!("forgot the stored session of '{}'; `connect --user …` to connect again", args.name);
                    Ok(Outcome::Clean)
                } else {
                    bail!("'{}' has no stored session", args.name)
                }
            }
        }
    })
}

async fn vault_rows(vault: &Vault) -> anyhow::Result<Vec<gateway::store::TokenRow>> {
    Ok(vault.store_handle().token_rows().await?)
}

pub fn keys(command: KeysCommand) -> anyhow::Result<Outcome> {
    let KeysCommand::Rotate(args) = command;
    runtime()?.block_on(async {
        let (_, vault) = open(&args.config).await?;
        if let KeySource::File(path) = vault.key_source() {
            append_key(path)?;
        }
        let resealed = vault.reseal_all().await?;
        println!(
            "re-sealed {resealed} secrets under key {}",
            vault.current_key_id()
        );
        Ok(Outcome::Clean)
    })
}

/// Appends a fresh key to the key file through a temporary file and a rename, so a gateway
/// reading it meanwhile sees the old or the new file, never half of one.
fn append_key(path: &Path) -> anyhow::Result<()> {
    let old =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let key = MasterKey::generate();
    let mut text = zeroize::Zeroizing::new(old);
    if !text.ends_with('\n') && !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&key.encoded());
    text.push('\n');
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600))?;
    }
    tmp.persist(path)
        .map_err(|e| anyhow!("replacing {}: {e}", path.display()))?;
    Ok(())
}
