//! One pass of our engine over a benchmark corpus, page by page, for instruction counting:
//! wall-clock on a shared machine is noise, instruction counts are not.
//!
//! ```text
//! valgrind --tool=callgrind --toggle-collect='*scan_pass*' \
//!   target/release/examples/scan_count [prose|runbooks|short] [MiB, default 1]
//! ```
//!
//! `short` is the wiki prose cut into strings of at most 80 bytes, like the many short JSON
//! string values of a tool result: it shows the fixed cost of a scan.
//!
//! Collection is limited to `scan_pass`, so corpus generation and engine compilation are
//! not counted. The first pass warms the regex caches (as a long-running gateway has them
//! warm); the second is the measured one. Divide the reported instructions by the bytes
//! printed here for instructions per MB. `DLP_STATS=1` also prints, summed over the pages,
//! what the prefilter hands the busiest detectors; `DLP_DUMP=path` writes the corpus there
//! (pages joined by blank lines), e.g. for the throughput example's `DLP_TEXT`.

#[path = "support/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;
use std::hint::black_box;

use dlp::{DlpConfig, Engine};

/// The measured region (kept out of line so callgrind can toggle collection on it).
#[inline(never)]
fn scan_pass(engine: &Engine, documents: &[String]) -> usize {
    documents
        .iter()
        .map(|d| engine.scan(black_box(d)).findings.len())
        .sum()
}

/// Warm-up: same work (backwards, so the compiler cannot fold it into `scan_pass`), not
/// collected.
#[inline(never)]
fn warm_up(engine: &Engine, documents: &[String]) -> usize {
    documents
        .iter()
        .rev()
        .map(|d| engine.scan(black_box(d)).findings.len())
        .sum()
}

fn main() -> anyhow::Result<()> {
    let which = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "prose".to_owned());
    let mib: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let corpus = match which.as_str() {
        "prose" => corpus::wiki_prose(mib << 20),
        "runbooks" => corpus::config_runbooks(mib << 20, 0x5EED),
        "short" => short_strings(corpus::wiki_prose(mib << 20), 80),
        other => anyhow::bail!("unknown corpus {other:?} (prose, runbooks or short)"),
    };
    if let Some(path) = std::env::var_os("DLP_DUMP") {
        std::fs::write(path, corpus.joined())?;
    }
    let engine = Engine::new(&DlpConfig::default())?;
    let warm = warm_up(&engine, &corpus.documents);
    let findings = scan_pass(&engine, &corpus.documents);
    anyhow::ensure!(
        warm == findings,
        "two passes disagree: {warm} vs {findings}"
    );
    println!(
        "{}: {} bytes in {} pages, {findings} findings",
        corpus.name,
        corpus.bytes(),
        corpus.documents.len()
    );
    if std::env::var_os("DLP_STATS").is_some() {
        print_stats(&engine, &corpus.documents);
    }
    Ok(())
}

/// The corpus's text cut into pieces of at most `max` bytes (on character boundaries).
fn short_strings(corpus: corpus::Corpus, max: usize) -> corpus::Corpus {
    let mut documents = Vec::new();
    for document in &corpus.documents {
        let mut rest = document.as_str();
        while !rest.is_empty() {
            let mut cut = rest.len().min(max);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            let (piece, tail) = rest.split_at(cut);
            documents.push(piece.to_owned());
            rest = tail;
        }
    }
    corpus::Corpus {
        name: "short strings",
        documents,
    }
}

/// Per detector, summed over the pages: anchors probed, windows searched, window bytes.
fn print_stats(engine: &Engine, documents: &[String]) {
    let mut sums: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for document in documents {
        for stat in engine.prefilter_stats(document.as_bytes()) {
            let sum = sums.entry(stat.detector.to_string()).or_default();
            sum[0] += stat.anchors;
            sum[1] += stat.windows;
            sum[2] += stat.window_bytes;
        }
    }
    let mut rows: Vec<_> = sums.into_iter().collect();
    rows.sort_by_key(|(_, [anchors, _, bytes])| std::cmp::Reverse(bytes + 64 * anchors));
    for (detector, [anchors, windows, bytes]) in rows.iter().take(20) {
        println!(
            "  {detector:<32} anchors {anchors:>7}  windows {windows:>6}  window bytes {bytes:>9}"
        );
    }
}
