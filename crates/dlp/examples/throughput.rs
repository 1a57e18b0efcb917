//! Rough single-core scan throughput on two synthetic texts: wiki-like prose and a
//! config-heavy runbook. `cargo run --release -p dlp --example throughput [MiB] [prose|runbook]`
//! (`DLP_STATS=1` also prints what the prefilter hands the busiest detectors;
//! `DLP_TEXT=path` measures a file instead)
//! (the proper benchmark against other tools lives elsewhere).

use std::time::{Duration, Instant};

use dlp::{DlpConfig, Engine};

/// Deterministic pseudo-random numbers (SplitMix64) so every run scans the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "team",
    "release",
    "deployment",
    "service",
    "customer",
    "meeting",
    "project",
    "quarter",
    "roadmap",
    "design",
    "review",
    "keyboard",
    "monkey",
    "token",
    "passport",
    "phone",
    "using",
    "since",
    "basic",
    "architecture",
    "document",
    "page",
    "space",
    "migration",
    "database",
    "incident",
    "owner",
];

fn prose(bytes: usize, rng: &mut Rng) -> String {
    let mut text = String::with_capacity(bytes + 100);
    while text.len() < bytes {
        for _ in 0..(8 + rng.below(12)) {
            text.push_str(WORDS[rng.below(WORDS.len())]);
            text.push(' ');
        }
        match rng.below(20) {
            0 => text.push_str(&format!("in {} ", 1990 + rng.below(35))),
            1 => text.push_str(&format!(
                "version {}.{}.{} ",
                rng.below(9),
                rng.below(20),
                rng.below(9)
            )),
            2 => text.push_str(&format!("see page {} ", rng.below(400))),
            _ => {}
        }
        text.push_str(if rng.below(6) == 0 { ".\n\n" } else { ". " });
    }
    text
}

fn runbook(bytes: usize, rng: &mut Rng) -> String {
    let mut text = String::with_capacity(bytes + 200);
    let mut n = 0;
    while text.len() < bytes {
        n += 1;
        match rng.below(10) {
            0 => text.push_str(&format!(
                "DB_HOST=10.{}.{}.{}\nDB_PORT=5432\n",
                rng.below(255),
                rng.below(255),
                rng.below(255)
            )),
            1 => text.push_str("DB_PASSWORD=${DB_PASSWORD}\napi_key: <your-api-key>\n"),
            2 => text.push_str(&format!(
                "  image: registry.internal/app:{}.{}.{}\n  replicas: {}\n",
                rng.below(5),
                rng.below(30),
                rng.below(9),
                rng.below(8)
            )),
            3 => text.push_str(&format!(
                "curl -H 'Accept: application/json' https://api.internal/v1/items/{}\n",
                rng.next() % 100_000
            )),
            4 => text.push_str(&format!(
                "commit {:016x}{:016x} deploy step {n}\n",
                rng.next(),
                rng.next()
            )),
            5 => text
                .push_str("# Restart the service, then check the health endpoint and the logs.\n"),
            6 => text.push_str(&format!(
                "timeout_seconds: {}\nretries: {}\nlog_level: info\n",
                rng.below(300),
                rng.below(5)
            )),
            7 => text.push_str(&format!("owner: ops-{}@example.org\n", rng.below(50))),
            8 => text.push_str(&format!(
                "id: {:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}\n",
                rng.next() as u32,
                rng.below(65536),
                rng.below(4096),
                rng.below(4096),
                rng.next() & 0xFFFF_FFFF_FFFF
            )),
            _ => text.push_str(
                "| step | owner | status |\n|---|---|---|\n| rollout | platform | done |\n",
            ),
        }
    }
    text
}

/// Per detector: anchors probed, windows searched and their bytes (`DLP_STATS=1`).
fn print_stats(engine: &Engine, text: &str) {
    let mut stats = engine.prefilter_stats(text.as_bytes());
    stats.sort_by_key(|s| std::cmp::Reverse(s.window_bytes + 64 * s.anchors));
    for stat in stats.iter().take(12) {
        println!(
            "          {:<32} anchors {:>8}  windows {:>7}  window bytes {:>10}",
            stat.detector, stat.anchors, stat.windows, stat.window_bytes
        );
    }
}

/// CPU seconds this process has used (Linux `/proc/self/stat`, 100 Hz ticks), so that the
/// figure means "one core" even on a busy machine; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn measure(engine: &Engine, name: &str, text: &str) {
    let mut runs = 0u32;
    let mut findings = 0;
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) || runs < 3 {
        findings = engine.scan(text).findings.len();
        runs += 1;
    }
    let wall = started.elapsed().as_secs_f64() / f64::from(runs);
    let mib = text.len() as f64 / (1024.0 * 1024.0);
    let cpu = match (cpu_before, cpu_seconds()) {
        (Some(before), Some(after)) if after > before => {
            format!(
                "{:7.1} MiB/s per CPU second, ",
                mib * f64::from(runs) / (after - before)
            )
        }
        _ => String::new(),
    };
    println!(
        "{name:>8}: {cpu}{:7.1} MiB/s wall  ({mib:.1} MiB, {findings} findings, {runs} runs)",
        mib / wall
    );
    if std::env::var_os("DLP_STATS").is_some() {
        print_stats(engine, text);
    }
}

fn main() -> Result<(), dlp::DlpError> {
    let mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(16);
    let started = Instant::now();
    let engine = Engine::new(&DlpConfig::default())?;
    println!(
        "engine: {} detectors compiled in {:.0} ms",
        engine.detectors().count(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    if let Some(path) = std::env::var_os("DLP_TEXT") {
        let bytes = std::fs::read(&path).map_err(|e| dlp::DlpError::Build(e.to_string()))?;
        measure(&engine, "file", &String::from_utf8_lossy(&bytes));
        return Ok(());
    }
    let only = std::env::args().nth(2);
    let wanted = |name: &str| only.as_deref().is_none_or(|o| o == name);
    let mut rng = Rng(0x5EED);
    if wanted("prose") {
        measure(&engine, "prose", &prose(mib << 20, &mut rng));
    }
    if wanted("runbook") {
        measure(&engine, "runbook", &runbook(mib << 20, &mut rng));
    }
    Ok(())
}
