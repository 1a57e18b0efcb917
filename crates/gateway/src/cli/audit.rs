//! `confluence-gateway audit …`: read, search, export and verify the audit trail in the
//! configuration's store. Works while `serve` runs (SQLite WAL: readers do not block it); each
//! command first chains what the audit journals of stopped gateway processes still hold.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use gateway::audit::event::exported;
use gateway::store::{AuditFilter, AuditRow, Store};
use serde_json::Value;

use super::Outcome;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Print the newest events; with -f keep printing new ones as they are committed.
    Tail(TailArgs),
    /// Find events by agent, tool, space, decision, outcome and time.
    Search(SearchArgs),
    /// Write events as JSON lines or CSV (for a SIEM, a spreadsheet or an auditor).
    Export(ExportArgs),
    /// Check the hash chain: exit 0 if intact, 1 naming each edited, deleted or reordered
    /// event, 2 on errors.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The configuration file (its `data_dir` holds the audit trail; its key secret checks
    /// retention checkpoints).
    #[arg(long, default_value = "confluence-gateway.toml", value_name = "FILE")]
    config: PathBuf,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// How many of the newest events to print first.
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    lines: i64,
    /// Follow: keep printing events as they are committed (Ctrl-C stops).
    #[arg(short = 'f', long)]
    follow: bool,
    /// Print each event as its full JSON (with `hash`) instead of one summary line.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    config: ConfigArg,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Only this agent's events.
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
    /// Only calls of this tool.
    #[arg(long, value_name = "NAME")]
    tool: Option<String>,
    /// Only calls that touched this space (key).
    #[arg(long, value_name = "KEY")]
    space: Option<String>,
    /// Only this authorization decision: allow, deny or none (stopped before authorization).
    #[arg(long, value_name = "DECISION")]
    decision: Option<String>,
    /// Only this outcome: ok, forbidden, dlp_blocked, timeout, rate_limited, not_found, ….
    #[arg(long, value_name = "OUTCOME")]
    outcome: Option<String>,
    /// From this time: RFC 3339 (2026-11-22T10:00:00Z), a date (2026-11-22) or an age (15m, 2h, 7d).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Before this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// At most this many events (oldest first).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    limit: i64,
    /// Print each event as its full JSON (with `hash`) instead of one summary line.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    config: ConfigArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line: the event as recorded plus its `hash`.
    Jsonl,
    /// One row per event with the main fields (arguments and DLP findings as JSON text).
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "jsonl")]
    format: ExportFormat,
    /// From this time (same forms as `search --since`).
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Before this time.
    #[arg(long, value_name = "TIME")]
    until: Option<String>,
    /// Write here instead of stdout (created with mode 0600).
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArg,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    config: ConfigArg,
}

pub fn run(command: AuditCommand) -> anyhow::Result<Outcome> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(run_async(command))
}

async fn run_async(command: AuditCommand) -> anyhow::Result<Outcome> {
    let config = match &command {
        AuditCommand::Tail(a) => &a.config.config,
        AuditCommand::Search(a) => &a.config.config,
        AuditCommand::Export(a) => &a.config.config,
        AuditCommand::Verify(a) => &a.config.config,
    };
    let loaded = gateway::config::load(config)?;
    let store = Store::open(&loaded.data_dir()).await?;
    // Events a crashed gateway journaled but did not chain yet belong in what is read here.
    gateway::audit::chain_stopped_journals(&store).await?;
    match command {
        AuditCommand::Tail(args) => tail(&store, &args).await,
        AuditCommand::Search(args) => search(&store, &args).await,
        AuditCommand::Export(args) => export(&store, &args).await,
        AuditCommand::Verify(_) => verify(&store, &loaded).await,
    }
}

async fn tail(store: &Store, args: &TailArgs) -> anyhow::Result<Outcome> {
    let mut rows = store
        .audit_search(&AuditFilter {
            limit: Some(args.lines.max(0)),
            newest_first: true,
            ..AuditFilter::default()
        })
        .await?;
    rows.reverse();
    let mut last = rows.last().map_or(0, |r| r.id);
    if last == 0 {
        last = store.audit_last().await?.map_or(0, |(id, _)| id);
    }
    print_rows(&rows, args.json)?;
    if !args.follow {
        return Ok(Outcome::Clean);
    }
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rows = store.audit_after(last, 1000).await?;
        if let Some(row) = rows.last() {
            last = row.id;
        }
        print_rows(&rows, args.json)?;
    }
}

async fn search(store: &Store, args: &SearchArgs) -> anyhow::Result<Outcome> {
    let rows = store
        .audit_search(&AuditFilter {
            agent: args.agent.clone(),
            tool: args.tool.clone(),
            space: args.space.clone(),
            decision: args.decision.clone(),
            outcome: args.outcome.clone(),
            since: args.since.as_deref().map(parse_time).transpose()?,
            until: args.until.as_deref().map(parse_time).transpose()?,
            limit: Some(args.limit.max(0)),
            ..AuditFilter::default()
        })
        .await?;
    print_rows(&rows, args.json)?;
    Ok(if rows.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Found
    })
}

async fn export(store: &Store, args: &ExportArgs) -> anyhow::Result<Outcome> {
    let since = args.since.as_deref().map(parse_time).transpose()?;
    let until = args.until.as_deref().map(parse_time).transpose()?;
    let mut out: Box<dyn std::io::Write> = match &args.output {
        Some(path) => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            Box::new(std::io::BufWriter::new(
                options
                    .open(path)
                    .with_context(|| format!("creating {}", path.display()))?,
            ))
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    if matches!(args.format, ExportFormat::Csv) {
        writeln!(out, "{}", CSV_COLUMNS.join(","))?;
    }
    let mut after = 0;
    let mut count = 0u64;
    loop {
        let rows = store
            .audit_search(&AuditFilter {
                since: since.clone(),
                until: until.clone(),
                after_id: Some(after),
                limit: Some(1000),
                ..AuditFilter::default()
            })
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            let event = exported(&row.body, &row.hash);
            match args.format {
                ExportFormat::Jsonl => writeln!(out, "{event}")?,
                ExportFormat::Csv => writeln!(out, "{}", csv_row(&event))?,
            }
            count += 1;
        }
    }
    out.flush()?;
    if args.output.is_some() {
        eprintln!("exported {count} events");
    }
    Ok(Outcome::Clean)
}

async fn verify(store: &Store, loaded: &gateway::config::Loaded) -> anyhow::Result<Outcome> {
    let key = gateway::runtime::key_secret(&loaded.config.security)
        .ok()
        .map(|secret| gateway::audit::checkpoint_key(&secret));
    let report = gateway::audit::verify(store, key.as_deref()).await?;
    let range = match (report.first_id, report.last_id) {
        (Some(a), Some(b)) => format!("ids {a}..={b}"),
        _ => "no events".to_owned(),
    };
    let start = match report.checkpoint {
        Some(id) => format!("from the checkpoint after event {id}"),
        None => "from the first event".to_owned(),
    };
    if report.ok() {
        println!(
            "ok: {} events ({range}) chain intact {start}; head hash {}",
            report.events,
            if report.head_hash.is_empty() {
                "-"
            } else {
                &report.head_hash
            }
        );
        return Ok(Outcome::Clean);
    }
    println!(
        "TAMPERED: {} problem(s) in {} events ({range}), checked {start}:",
        report.problem_count, report.events
    );
    for p in &report.problems {
        println!("  at id {}: {}", p.id, p.what);
    }
    if report.problem_count > report.problems.len() {
        println!(
            "  … and {} more",
            report.problem_count - report.problems.len()
        );
    }
    Ok(Outcome::Found)
}

fn print_rows(rows: &[AuditRow], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for row in rows {
        if json {
            writeln!(out, "{}", exported(&row.body, &row.hash))?;
            continue;
        }
        let event = exported(&row.body, &row.hash);
        let latency = event["latency_us"]["total"].as_u64().unwrap_or(0);
        let spaces: Vec<&str> = event["resources"]["space_keys"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        writeln!(
            out,
            "#{} {} {} agent={} server={} tool={} decision={} outcome={} spaces={} {:.1}ms",
            row.id,
            row.time,
            row.kind,
            row.agent,
            row.server,
            row.tool.as_deref().unwrap_or("-"),
            row.decision,
            row.outcome,
            if spaces.is_empty() {
                "-".to_owned()
            } else {
                spaces.join(",")
            },
            latency as f64 / 1000.0
        )?;
    }
    out.flush()?;
    Ok(())
}

const CSV_COLUMNS: &[&str] = &[
    "id",
    "time",
    "kind",
    "request_id",
    "agent",
    "connection",
    "principal",
    "server",
    "tool",
    "decision",
    "rule",
    "outcome",
    "upstream_status",
    "space_keys",
    "content_ids",
    "dlp",
    "redactions",
    "chars_before",
    "chars_after",
    "latency_total_us",
    "latency_upstream_us",
    "latency_gateway_us",
    "arguments",
    "prev_hash",
    "hash",
];

fn csv_row(event: &Value) -> String {
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let join = |v: &Value| {
        v.as_array()
            .map(|a| a.iter().map(text).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    let fields = [
        text(&event["id"]),
        text(&event["time"]),
        text(&event["kind"]),
        text(&event["request_id"]),
        text(&event["agent"]),
        text(&event["connection"]),
        text(&event["principal"]),
        text(&event["server"]),
        text(&event["tool"]),
        text(&event["decision"]),
        text(&event["rule"]),
        text(&event["outcome"]),
        text(&event["upstream"]["status"]),
        join(&event["resources"]["space_keys"]),
        join(&event["resources"]["content_ids"]),
        text(&event["dlp"]),
        text(&event["redactions"]),
        text(&event["response"]["chars_before"]),
        text(&event["response"]["chars_after"]),
        text(&event["latency_us"]["total"]),
        text(&event["latency_us"]["upstream"]),
        text(&event["latency_us"]["gateway"]),
        text(&event["arguments"]),
        text(&event["prev_hash"]),
        text(&event["hash"]),
    ];
    fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
}

/// RFC 4180 quoting, and a leading `'` on values a spreadsheet would run as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// `--since`/`--until`: RFC 3339, a date, or an age before now (`90s`, `15m`, `2h`, `7d`).
fn parse_time(text: &str) -> anyhow::Result<String> {
    let format =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(format(t.with_timezone(&chrono::Utc)));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        && let Some(t) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(format(t.and_utc()));
    }
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => 0,
    };
    match number.parse::<i64>() {
        Ok(n) if seconds > 0 && n >= 0 => Ok(format(
            chrono::Utc::now() - chrono::Duration::seconds(n.saturating_mul(seconds)),
        )),
        _ => bail!(
            "'{text}' is not a time: use RFC 3339 (2026-11-22T10:00:00Z), a date (2026-11-22) or an age (90s, 15m, 2h, 7d)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_csv() {
        assert_eq!(
            parse_time("2026-11-22T10:00:00+01:00").unwrap_or_default(),
            "2026-11-22T09:00:00.000000Z"
        );
        assert_eq!(
            parse_time("2026-11-22").unwrap_or_default(),
            "2026-11-22T00:00:00.000000Z"
        );
        assert!(parse_time("2h").is_ok());
        assert!(parse_time("yesterday").is_err());
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=cmd()"), "'=cmd()");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
