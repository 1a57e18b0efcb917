//! `confluence-emulator`: run an in-memory Confluence Cloud on a local port.

use anyhow::Context;
use clap::Parser;
use confluence_emulator::faults::FaultSpec;
use confluence_emulator::{EmulatorConfig, SeedKind};
use std::net::SocketAddr;
use std::path::PathBuf;

/// An in-memory Confluence Cloud (REST v2 + v1 search, OAuth 2.0 3LO, rate limits, faults)
/// for tests, benchmarks and demos. Prints its URLs, OAuth client and users' API tokens.
#[derive(Debug, Parser)]
#[command(name = "confluence-emulator", version)]
struct Cli {
    /// Address to listen on; port 0 picks a free port (the info says which).
    #[arg(long, default_value = "127.0.0.1:8990")]
    listen: SocketAddr,
    /// Starting data: `demo` builds a realistic wiki, `empty` only users and spaces.
    #[arg(long, value_enum, default_value = "demo")]
    seed: SeedKind,
    /// Seed of the deterministic generator: the same number builds the same wiki.
    #[arg(long, default_value_t = 42)]
    seed_rng: u64,
    /// Extra generated pages spread over the spaces, for benchmarks.
    #[arg(long, default_value_t = 0)]
    pages: usize,
    /// OAuth access-token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    token_ttl: u64,
    /// Seconds a rotated refresh token may still be reused before reuse revokes its family.
    #[arg(long, default_value_t = 600)]
    refresh_leeway: u64,
    /// Requests per second per user (0 disables rate limiting).
    #[arg(long, default_value_t = 10.0)]
    rate_limit: f64,
    /// Requests a user may burst above the steady rate.
    #[arg(long, default_value_t = 10)]
    rate_burst: u32,
    /// Faults to inject, e.g. `error=0.1,status=500|503,latency=50,drop=0.05,throttle=0.2,retry-after=2`.
    #[arg(long, value_parser = parse_faults)]
    faults: Option<FaultSpec>,
    /// Also write the start-up information as JSON to this file (for scripts).
    #[arg(long)]
    info_json: Option<PathBuf>,
}

fn parse_faults(s: &str) -> Result<FaultSpec, String> {
    FaultSpec::parse(s).map_err(|e| e.to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let config = EmulatorConfig {
        listen: cli.listen,
        seed: cli.seed,
        seed_rng: cli.seed_rng,
        extra_pages: cli.pages,
        token_ttl_secs: cli.token_ttl,
        refresh_leeway_secs: cli.refresh_leeway,
        rate_limit_rps: cli.rate_limit,
        rate_limit_burst: cli.rate_burst,
        faults: cli.faults.unwrap_or_default(),
        ..EmulatorConfig::default()
    };
    let emulator = confluence_emulator::start(config).await?;
    if let Some(path) = &cli.info_json {
        let json = serde_json::to_string_pretty(&emulator.info)?;
        std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))?;
    }
    println!("{}", emulator.info.banner());
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = emulator.wait() => {}
    }
    Ok(())
}
