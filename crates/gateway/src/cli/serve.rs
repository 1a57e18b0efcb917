//! The long-running commands: `serve`, `demo`, `stdio`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, anyhow};
use clap::Args;
use gateway::config::LogFormat;
use gateway::runtime::{AGENTS_REFRESH, Gateway, POLICY_REFRESH, STORE_STALE_LIMIT};
use gateway::store::Store;

use super::Outcome;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The configuration file (see `confluence-gateway init`).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    #[command(flatten)]
    log: LogArgs,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Log format on stderr: text, or json (one object per line, for log shippers). Wins over
    /// `[observability] log_format`. Logs never contain keys, tokens, arguments or page bodies.
    #[arg(long, value_enum, value_name = "FORMAT", env = "CGW_LOG_FORMAT")]
    log_format: Option<LogFormat>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where the gateway listens; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Where the Confluence emulator listens; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    emulator_listen: SocketAddr,
    /// Also write the URLs, agent keys and emulator details as JSON to this file.
    #[arg(long, value_name = "PATH")]
    info_json: Option<PathBuf>,
    /// OAuth access-token lifetime in the emulator, in seconds.
    #[arg(long, default_value_t = 3600, value_name = "SECS")]
    token_ttl: u64,
    /// Connect the demo users through the emulator's OAuth server (auto-consent) instead of
    /// API tokens: calls then go through the token vault and its refreshes (see --token-ttl).
    #[arg(long)]
    oauth: bool,
    #[command(flatten)]
    log: LogArgs,
}

#[derive(Debug, Args)]
pub struct StdioArgs {
    /// The configuration file.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// The virtual server to serve (its `name`).
    #[arg(long, value_name = "NAME")]
    server: String,
    /// Environment variable holding the agent key (keys never go on the command line).
    #[arg(long, value_name = "VAR")]
    agent_key_env: String,
    #[command(flatten)]
    log: LogArgs,
}

/// Logs go to stderr, coloured only on a terminal. rmcp logs every JSON-RPC error answer at
/// `warn`; those are the callers' mistakes and already in the audit trail, so only its errors show.
/// JSON logs carry the same fields, one object per line.
fn init_logging(format: LogFormat) {
    use std::io::IsTerminal as _;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rmcp=error"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
    };
}

fn tokio_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub fn serve(args: &ServeArgs) -> anyhow::Result<Outcome> {
    confluence::install_crypto_provider();
    let loaded = gateway::config::load(&args.config)?;
    init_logging(
        args.log
            .log_format
            .unwrap_or(loaded.config.observability.log_format),
    );
    let addr: SocketAddr = loaded
        .config
        .listen
        .address
        .parse()
        .context("listen.address")?;
    tokio_runtime()?.block_on(async {
        let gw = open_gateway(loaded).await?;
        let _store_watch = gw.watch_store(AGENTS_REFRESH, STORE_STALE_LIMIT);
        let _policy_watch = gw.watch_policy(args.config.clone(), POLICY_REFRESH);
        let serving = gateway::mcp::http::bind(gw.clone(), addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let rt = gw.runtime();
        eprintln!("confluence-gateway listening on http://{}", serving.addr);
        for s in &rt.servers {
            eprintln!("  server {:<12} http://{}{}", s.name, serving.addr, s.path);
        }
        wait_for_stop(&gw, Some(&args.config)).await;
        serving.shutdown().await.context("shutting down")?;
        flush_audit(&gw).await;
        Ok(Outcome::Clean)
    })
}

/// Chains the journaled audit events into the database before the process ends (what is
/// left, for example after a timeout, is chained by the next start).
async fn flush_audit(gw: &Gateway) {
    if let Err(e) = gw.auditor.flush(std::time::Duration::from_secs(10)).await {
        tracing::warn!("{e}; the next start chains the rest from the audit journal");
    }
}

/// Opens the configured store (importing a legacy `agents_file`) and builds the gateway; any
/// problem with the store stops the command here, before it serves anything.
async fn open_gateway(loaded: gateway::config::Loaded) -> anyhow::Result<Arc<Gateway>> {
    let (store, imported) = Store::open_configured(&loaded).await?;
    if let Some(report) = imported {
        tracing::warn!("{report}");
    }
    Ok(Gateway::open(loaded, store).await?)
}

/// Waits for Ctrl-C (or SIGTERM); on SIGHUP reloads the configuration and the stored agents,
/// keeping the running ones if the new file is invalid or the store unreadable.
async fn wait_for_stop(gw: &Gateway, config: Option<&std::path::Path>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut hup), Ok(mut term)) = (
            signal(SignalKind::hangup()),
            signal(SignalKind::terminate()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => return,
                _ = term.recv() => return,
                _ = hup.recv() => {
                    let Some(config) = config else { continue };
                    match gw.reload_from(config).await {
                        Ok(()) => tracing::info!("configuration, policy and stored agents reloaded"),
                        Err(e) => tracing::error!("reload failed, keeping the running configuration: {e}"),
                    }
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (gw, config);
        let _ = tokio::signal::ctrl_c().await;
    }
}

pub fn demo(args: &DemoArgs) -> anyhow::Result<Outcome> {
    init_logging(args.log.log_format.unwrap_or_default());
    confluence::install_crypto_provider();
    tokio_runtime()?.block_on(async {
        let demo = gateway::demo::start(&gateway::demo::DemoOptions {
            listen: args.listen,
            emulator_listen: args.emulator_listen,
            token_ttl_secs: args.token_ttl,
            calls_per_second: 100.0,
            oauth: args.oauth,
        })
        .await?;
        if let Some(path) = &args.info_json {
            let json = serde_json::to_string_pretty(&demo.info)?;
            std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))?;
        }
        println!("{}", demo.info.banner());
        wait_for_stop(&demo.gateway, None).await;
        demo.serving.shutdown().await.context("shutting down")?;
        flush_audit(&demo.gateway).await;
        demo.emulator.shutdown().await;
        Ok(Outcome::Clean)
    })
}

pub fn stdio(args: &StdioArgs) -> anyhow::Result<Outcome> {
    confluence::install_crypto_provider();
    let loaded = gateway::config::load(&args.config)?;
    init_logging(
        args.log
            .log_format
            .unwrap_or(loaded.config.observability.log_format),
    );
    tokio_runtime()?.block_on(async {
        let gw = open_gateway(loaded).await?;
        gateway::mcp::stdio::run(gw.clone(), &args.server, &args.agent_key_env)
            .await
            .map_err(|e| anyhow!(e))?;
        flush_audit(&gw).await;
        Ok(Outcome::Clean)
    })
}
