//! Shows that scan time grows linearly with input size and memory stays bounded, on normal
//! and hostile inputs: each shape is scanned at 1x, 2x and 4x a base size (one text, one
//! line for the repetitions) and the time ratios are printed (linear: about 2 and 4), with
//! the process's peak resident memory (`VmHWM`) after each shape.
//!
//! `cargo run --release -p dlp-eval --example scaling [base MiB, default 4] [shape filter]`
//!
//! The filter (a substring of the shape name) runs only matching shapes, so each shape's peak
//! memory can be read in a fresh process.
//!
//! No assertion here: timings belong in benchmarks, not tests (`tests/hostile.rs` checks
//! that the same inputs complete without panicking).

#[path = "support/corpus.rs"]
mod corpus;

use std::time::Instant;

use dlp::{DlpConfig, Engine};

/// Makes an input of the given size.
type Generator<'a> = Box<dyn Fn(usize) -> Vec<u8> + 'a>;

/// `unit` repeated to `len` bytes.
fn repeat(unit: &[u8], len: usize) -> Vec<u8> {
    unit.iter().copied().cycle().take(len).collect()
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut rng = corpus::Rng::new(7);
    (0..len).map(|_| rng.next() as u8).collect()
}

/// `source` repeated to `len` bytes.
fn stretch(source: &str, len: usize) -> Vec<u8> {
    repeat(source.as_bytes(), len)
}

/// Peak resident set size in MiB, from `/proc/self/status` (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let base_mib: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(4);
    let only = std::env::args().nth(2);
    let base = base_mib << 20;
    let engine = Engine::new(&DlpConfig::default())?;
    let prose = corpus::wiki_prose(2 << 20).joined();
    let runbooks = corpus::config_runbooks(2 << 20, 0x5EED).joined();
    let shapes: Vec<(&str, Generator)> = vec![
        ("wiki prose", Box::new(|n| stretch(&prose, n))),
        ("config runbooks", Box::new(|n| stretch(&runbooks, n))),
        (
            "one line of words",
            Box::new(|n| repeat(b"lorem ipsum dolor sit amet ", n)),
        ),
        ("\"a@\" * N", Box::new(|n| repeat(b"a@", n))),
        ("\"AKIA\" * N", Box::new(|n| repeat(b"AKIA", n))),
        ("digits * N", Box::new(|n| repeat(b"0123456789", n))),
        ("\"4111 \" * N", Box::new(|n| repeat(b"4111 ", n))),
        ("\"password=\" * N", Box::new(|n| repeat(b"password=", n))),
        ("\"-----BEGIN\" * N", Box::new(|n| repeat(b"-----BEGIN", n))),
        ("\"eyJ\" * N", Box::new(|n| repeat(b"eyJ", n))),
        ("\"://u:p@\" * N", Box::new(|n| repeat(b"://u:p@", n))),
        ("random bytes", Box::new(random_bytes)),
    ];
    println!(
        "{} detectors; base size {base_mib} MiB; one scan_bytes call per size; times in ms\n",
        engine.detectors().count()
    );
    println!(
        "{:<20} {:>9} {:>9} {:>9} {:>7} {:>7} {:>9} {:>9} {:>16}",
        "input",
        "1x ms",
        "2x ms",
        "4x ms",
        "2x/1x",
        "4x/1x",
        "MB/s@4x",
        "findings",
        "peak MiB 1x/2x/4x"
    );
    let selected = shapes
        .iter()
        .filter(|(name, _)| only.as_deref().is_none_or(|only| name.contains(only)));
    for (name, make) in selected {
        let mut rss = Vec::new();
        let mut times = Vec::new();
        let mut findings = 0;
        let mut truncated = false;
        for factor in [1, 2, 4] {
            let input = make(base * factor);
            let started = Instant::now();
            let scan = engine.scan_bytes(&input);
            times.push(started.elapsed().as_secs_f64());
            findings = scan.findings.len();
            truncated = scan.truncated;
            rss.push(peak_rss_mib().map_or_else(|| "?".to_owned(), |m| format!("{m:.0}")));
        }
        let rss = rss.join("/");
        println!(
            "{:<20} {:>9.1} {:>9.1} {:>9.1} {:>7.2} {:>7.2} {:>9.1} {:>8}{} {:>16}",
            name,
            times[0] * 1e3,
            times[1] * 1e3,
            times[2] * 1e3,
            times[1] / times[0],
            times[2] / times[0],
            (base * 4) as f64 / 1e6 / times[2],
            findings,
            if truncated { "+" } else { " " },
            rss
        );
    }
    println!(
        "\nfindings at 4x; '+' = capped at max_findings ({}). Peak RSS is the process's \
         high-water mark so far, including the {} MiB input and the corpora held for generation.",
        engine.max_findings(),
        base_mib * 4
    );
    Ok(())
}
