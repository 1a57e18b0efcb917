//! What the audit stage costs a call: the work it puts on the call path — recording the
//! arguments (DLP redaction with the agent's profile, size cap, resource ids), building the
//! event and appending it to the audit journal (the writer chains it into SQLite off the call
//! path, in the same process) — measured per call at a steady `--rate` (default 1,000 calls/s, open loop: each call
//! is its own task, started on schedule), side by side with the audit disabled (the same stage
//! recording nothing), alternating in one-second segments so both see the same machine.
//!
//! ```sh
//! cargo run --release -p gateway --example audit_bench -- [--seconds 10] [--rate 1000] [--fail-open]
//! ```
//!
//! `--fail-open` measures the fail-open mode (the same path; it differs only on failure);
//! `AUDIT_BENCH_PARTS=1` prints each call's parts (arguments, event, record) to stderr.
//!
//! Prints p50/p90/p99/p99.9/max for both, the p99 the audit adds and the ratio of the p99s.
//! Target: the audit adds at most 50 µs at p99 at 1,000 calls/s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gateway::agents::Agent;
use gateway::audit::{Auditor, CallRecord, event};
use gateway::config::ServerConfig;
use gateway::metrics::Metrics;
use gateway::runtime::Runtime;
use serde_json::{Value, json};

/// The same allocator as the `confluence-gateway` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CONFIG: &str = r#"
data_dir = "unused"
[security]
key_secret = "0123456789abcdef0123456789abcdef-bench"
[[connections]]
name = "c"
site_url = "http://127.0.0.1:9"
email = "bench@example.com"
token = "unused"
[[servers]]
name = "s"
path = "/mcp/s"
toolsets = ["*"]
agents = ["*"]
[[policy.rules]]
id = "writer-everything"
effect = "allow"
roles = ["writer"]
toolsets = ["*"]
[dlp]
categories = ["secret", "pii"]
"#;

fn arg(name: &str, default: u64) -> u64 {
    let argv: Vec<String> = std::env::args().collect();
    argv.iter()
        .position(|a| a == name)
        .and_then(|i| argv.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Arguments of typical calls: a page read, a search, a page write with a 2 KB body.
fn workload() -> Vec<(&'static str, serde_json::Map<String, Value>)> {
    let body = "Deployment notes for the payments service. ".repeat(48);
    [
        (
            "get_page",
            json!({ "page_id": "1234567", "max_chars": 8000 }),
        ),
        (
            "search",
            json!({ "cql": "space = ENG AND text ~ \"rollback runbook\"", "limit": 10 }),
        ),
        (
            "create_page",
            json!({ "space_key": "DOCS", "title": "Release 4.2", "body": body }),
        ),
    ]
    .into_iter()
    .map(|(tool, v)| match v {
        Value::Object(m) => (tool, m),
        _ => unreachable!(),
    })
    .collect()
}

/// One call's audit stage; returns the time it spent on the call path.
async fn audit_stage(
    rt: &Runtime,
    auditor: &Auditor,
    agent: &Agent,
    server: &ServerConfig,
    tool: &'static str,
    args: &serde_json::Map<String, Value>,
) -> Duration {
    // Before execution: the arguments.
    let t0 = Instant::now();
    let mut record = CallRecord::start();
    record.arguments(rt, agent, "pages", args);
    record.decision = event::decision::ALLOW;
    let before = t0.elapsed();
    // (the tool runs here)
    record.chars_before = 9000;
    record.chars_after = 8000;
    // After execution: the event, enqueue, and the wait for the commit.
    let t1 = Instant::now();
    let event = record.finish(
        rt,
        agent,
        server,
        event::kind::TOOLS_CALL,
        Some(tool),
        Some("42".to_owned()),
        "ok",
    );
    let built = t1.elapsed();
    auditor.record(event).await.expect("recorded");
    let total = before + t1.elapsed();
    if std::env::var_os("AUDIT_BENCH_PARTS").is_some() {
        eprintln!(
            "parts: arguments {:?} event {:?} record {:?}",
            before,
            built,
            t1.elapsed() - built
        );
    }
    total
}

fn percentiles(name: &str, samples: &mut [Duration]) -> Duration {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{name:<18} n={:<6} p50 {:>7.1} µs  p90 {:>7.1} µs  p99 {:>7.1} µs  p99.9 {:>8.1} µs  max {:>8.1} µs",
        samples.len(),
        us(at(0.5)),
        us(at(0.9)),
        us(at(0.99)),
        us(at(0.999)),
        us(samples[samples.len() - 1])
    );
    at(0.99)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let seconds = arg("--seconds", 10);
    let rate = arg("--rate", 1000).max(1);
    let dir = tempfile::tempdir().unwrap();
    let loaded = gateway::config::from_str(CONFIG, std::path::Path::new("bench.toml")).unwrap();
    let catalog = Arc::new(gateway::tools::catalog::Catalog::build().unwrap());
    let rt = Arc::new(Runtime::build(loaded.clone(), catalog, &[], dir.path(), None).unwrap());
    let store = gateway::store::Store::open(dir.path()).await.unwrap();
    let mut audit = loaded.config.audit.clone();
    if std::env::args().any(|a| a == "--fail-open") {
        audit.mode = gateway::config::AuditMode::FailOpen;
    }
    let enabled = Arc::new(
        Auditor::start(store.clone(), &audit, Arc::new(Metrics::default()))
            .await
            .unwrap(),
    );
    let disabled = Arc::new(Auditor::disabled(Arc::new(Metrics::default())));
    let agent = Arc::new(Agent {
        name: "bench-agent".into(),
        roles: vec!["writer".into()],
        connection: "c".into(),
        dlp_profile: None,
    });
    let server = Arc::new(rt.servers[0].as_ref().clone());
    let work = Arc::new(workload());

    println!(
        "audit stage at {rate} calls/s for {seconds} s per mode (alternating 1 s segments), mode {:?}, SQLite WAL in {}",
        enabled.mode(),
        dir.path().display()
    );
    // Warm-up: DLP engines, SQLite pages, the writer task.
    for i in 0..500 {
        let (tool, args) = &work[i % work.len()];
        audit_stage(&rt, &enabled, &agent, &server, tool, args).await;
        audit_stage(&rt, &disabled, &agent, &server, tool, args).await;
    }
    let on: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let off: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let mut n = 0usize;
    let mut late = 0u64;
    for segment in 0..seconds * 2 {
        let (auditor, into) = if segment % 2 == 0 {
            (enabled.clone(), on.clone())
        } else {
            (disabled.clone(), off.clone())
        };
        let start = Instant::now();
        let mut tasks = Vec::with_capacity(rate as usize);
        for k in 0..rate {
            let due = start + interval * k as u32;
            let now = Instant::now();
            if due > now {
                tokio::time::sleep_until(due.into()).await;
            } else if now - due > Duration::from_millis(1) {
                late += 1;
            }
            let (rt, auditor, agent, server, work, into) = (
                rt.clone(),
                auditor.clone(),
                agent.clone(),
                server.clone(),
                work.clone(),
                into.clone(),
            );
            let i = n;
            n += 1;
            tasks.push(tokio::spawn(async move {
                let (tool, args) = &work[i % work.len()];
                let spent = audit_stage(&rt, &auditor, &agent, &server, tool, args).await;
                into.lock().unwrap().push(spent);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    }
    let mut on = on.lock().unwrap().clone();
    let mut off = off.lock().unwrap().clone();
    println!();
    let p99_on = percentiles("audit enabled", &mut on);
    let p99_off = percentiles("audit disabled", &mut off);
    let added = p99_on.saturating_sub(p99_off);
    println!();
    println!(
        "added by the audit at p99: {:.1} µs (target <= 50 µs: {}); p99 ratio enabled/disabled: {:.1}x",
        added.as_secs_f64() * 1e6,
        if added <= Duration::from_micros(50) {
            "met"
        } else {
            "NOT met"
        },
        p99_on.as_secs_f64() / p99_off.as_secs_f64().max(1e-9)
    );
    // Calls return once journaled: let the writer chain the rest before counting.
    enabled.flush(Duration::from_secs(10)).await.unwrap();
    let stored = store.audit_count().await.unwrap();
    println!(
        "events committed: {stored}; calls started more than 1 ms late: {late}; {} database transactions",
        enabled
            .metrics()
            .audit_batches
            .load(std::sync::atomic::Ordering::Relaxed)
    );
}
