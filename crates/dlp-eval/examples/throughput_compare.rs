//! Single-core scan throughput of our engine (all detectors on, default configuration) on
//! wiki prose and on config-heavy runbooks, and — in the same run, on the same corpus —
//! detect-secrets and presidio-analyzer (pattern recognizers only), with the ratios.
//!
//! `bash scripts/bench-dlp.sh [MiB]` installs the pinned Python tools and runs this;
//! `cargo run --release -p dlp-eval --example throughput_compare [MiB]` runs it with whatever
//! `$DLP_BENCH_PYTHON` (or `.venv-dlp-bench/bin/python`) provides, ours only if neither
//! (or if `DLP_BENCH_PYTHON=none`).
//!
//! Timing covers scanning only: corpus generation, engine compilation, interpreter start-up,
//! imports and file reading are outside the timed region of every tool. Each tool scans
//! every page (document) as one text. Ours is timed over repeated passes (mean pass);
//! each Python tool over one pass after a one-page warm-up. MB = 10^6 bytes.
//!
//! "CPU" figures divide by the scanning thread's CPU time (Linux `/proc/thread-self/schedstat`
//! for ours, `time.thread_time()` for Python), so they mean "one core" even when the machine
//! is shared; "wall" figures divide by elapsed time. Ratios use the CPU figures.

#[path = "support/corpus.rs"]
mod corpus;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context;
use corpus::Corpus;
use dlp::{DlpConfig, Engine};
use serde::Deserialize;

/// What a Python driver prints.
#[derive(Deserialize)]
struct Measured {
    tool: String,
    version: String,
    bytes: usize,
    seconds: f64,
    cpu_seconds: f64,
    findings: usize,
}

struct Row {
    tool: String,
    corpus: &'static str,
    /// Per CPU second of the scanning thread.
    mb_per_s: f64,
    mb_per_wall_s: f64,
    findings: usize,
}

fn main() -> anyhow::Result<()> {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let corpora = [
        corpus::wiki_prose(mib << 20),
        corpus::config_runbooks(mib << 20, 0x5EED),
    ];
    let engine = Engine::new(&DlpConfig::default())?;
    println!(
        "dlp engine: {} detectors (default configuration, all on), single thread",
        engine.detectors().count()
    );
    for c in &corpora {
        println!(
            "corpus {:<16} {:>6.2} MB in {} pages",
            c.name,
            c.bytes() as f64 / 1e6,
            c.documents.len()
        );
    }
    println!("timing covers scanning only (no start-up, imports or I/O); MB = 10^6 bytes\n");

    let mut rows = Vec::new();
    for c in &corpora {
        let (pass, findings) = time_ours(&engine, c);
        let mb = c.bytes() as f64 / 1e6;
        rows.push(Row {
            tool: "dlp (ours)".to_owned(),
            corpus: c.name,
            mb_per_s: mb / pass.cpu,
            mb_per_wall_s: mb / pass.wall,
            findings,
        });
    }
    match python() {
        Some(python) => {
            let dir = std::env::temp_dir().join(format!("dlp-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            let result = run_python_tools(&python, &dir, &corpora, &mut rows);
            let _ = std::fs::remove_dir_all(&dir);
            result?;
        }
        None => println!(
            "(no Python tools: set DLP_BENCH_PYTHON or run scripts/bench-dlp.sh to compare)\n"
        ),
    }
    print_rows(&rows);
    Ok(())
}

/// Seconds of one pass: elapsed, and CPU time of this thread (elapsed where unknown).
#[derive(Clone, Copy)]
struct Pass {
    wall: f64,
    cpu: f64,
}

/// CPU time this thread has run, in seconds (Linux schedstat, nanoseconds).
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos as f64 / 1e9)
}

/// The mean pass over the whole corpus, after one warm-up pass, and the findings of one pass.
/// Means over at least 3 s of passes: the kernel updates a running thread's CPU time only at
/// scheduler ticks, too coarse for one pass of a few milliseconds.
fn time_ours(engine: &Engine, corpus: &Corpus) -> (Pass, usize) {
    let pass = || -> usize {
        corpus
            .documents
            .iter()
            .map(|d| engine.scan(d).findings.len())
            .sum()
    };
    let findings = pass(); // warm-up
    let cpu_before = thread_cpu_seconds();
    let started = Instant::now();
    let mut passes = 0u32;
    while passes < 5 || started.elapsed() < Duration::from_secs(3) {
        std::hint::black_box(pass());
        passes += 1;
    }
    let wall = started.elapsed().as_secs_f64() / f64::from(passes);
    let cpu = match (cpu_before, thread_cpu_seconds()) {
        (Some(before), Some(after)) if after > before => (after - before) / f64::from(passes),
        _ => wall,
    };
    (Pass { wall, cpu }, findings)
}

fn python() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("DLP_BENCH_PYTHON") {
        // `none`: ours only (quick iterations while tuning).
        return (path != "none").then(|| PathBuf::from(path));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-dlp-bench/bin/python");
    venv.exists().then_some(venv)
}

fn run_python_tools(
    python: &Path,
    dir: &Path,
    corpora: &[Corpus],
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    let drivers = Path::new(env!("CARGO_MANIFEST_DIR")).join("python");
    for (index, c) in corpora.iter().enumerate() {
        let file = dir.join(format!("corpus-{index}.json"));
        std::fs::write(&file, serde_json::to_vec(&c.documents)?)?;
        for driver in ["detect_secrets_scan.py", "presidio_scan.py"] {
            eprintln!("running {driver} on {} …", c.name);
            let output = Command::new(python)
                .arg(drivers.join(driver))
                .arg(&file)
                .output()
                .with_context(|| format!("starting {}", python.display()))?;
            anyhow::ensure!(
                output.status.success(),
                "{driver} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let measured: Measured = serde_json::from_slice(&output.stdout)
                .with_context(|| format!("{driver} printed no result"))?;
            anyhow::ensure!(measured.bytes == c.bytes(), "{driver} saw other bytes");
            rows.push(Row {
                tool: format!("{} {}", measured.tool, measured.version),
                corpus: c.name,
                mb_per_s: measured.bytes as f64 / 1e6 / measured.cpu_seconds,
                mb_per_wall_s: measured.bytes as f64 / 1e6 / measured.seconds,
                findings: measured.findings,
            });
        }
    }
    Ok(())
}

fn print_rows(rows: &[Row]) {
    println!(
        "{:<26} {:<16} {:>10} {:>10} {:>9} {:>12}",
        "tool", "corpus", "MB/s CPU", "MB/s wall", "findings", "ours/theirs"
    );
    for row in rows {
        let ours = rows
            .iter()
            .find(|r| r.corpus == row.corpus && r.tool == "dlp (ours)")
            .map_or(0.0, |r| r.mb_per_s);
        let ratio = if row.tool == "dlp (ours)" {
            "-".to_owned()
        } else {
            format!("{:.0}x", ours / row.mb_per_s)
        };
        println!(
            "{:<26} {:<16} {:>10.2} {:>10.2} {:>9} {:>12}",
            row.tool, row.corpus, row.mb_per_s, row.mb_per_wall_s, row.findings, ratio
        );
    }
    println!(
        "\nfindings are not comparable across tools (different detectors and rules); \
         they show each tool did real work"
    );
}
