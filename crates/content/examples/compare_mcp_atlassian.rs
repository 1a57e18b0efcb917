//! Side by side, in one run: this crate's converter and mcp-atlassian's (the pinned PyPI
//! version in the test venv) convert the same corpus — the fixtures plus the current version of
//! every demo-wiki page — timed the same way and scored by the same independent fidelity
//! scanner (`support/fidelity.rs`).
//!
//! `cargo run --release -p content --example compare_mcp_atlassian [-- --repetitions N] [--keep]`
//! (needs `bash scripts/ensure-venv.sh` once). `--keep` leaves the corpus and both converters'
//! Markdown in the temp directory it prints, for diffing.

#[path = "../support/corpus.rs"]
mod corpus;
#[allow(dead_code)]
#[path = "../support/fidelity.rs"]
mod fidelity;
#[path = "../support/mcp_atlassian.rs"]
mod mcp_atlassian;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use content::{Options, storage_to_markdown};
use corpus::Doc;
use fidelity::Category;

const EXAMPLES_PER_CATEGORY: usize = 3;

struct Args {
    repetitions: u32,
    keep: bool,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut args = Args {
        repetitions: 5,
        keep: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--repetitions" => {
                let n = it.next().context("--repetitions needs a number")?;
                args.repetitions = n.parse().context("--repetitions needs a number")?;
            }
            "--keep" => args.keep = true,
            other => bail!("unknown argument {other:?} (use --repetitions N, --keep)"),
        }
    }
    args.repetitions = args.repetitions.max(1);
    Ok(args)
}

/// One converter's outcome: Markdown per document (`None` if it failed) and pass timings.
struct Run {
    label: String,
    markdown: Vec<Option<String>>,
    times: Vec<Duration>,
    failures: Vec<(String, String)>,
}

/// Times our converter exactly as the driver times theirs: in memory, one untimed warm-up
/// pass, then `repetitions` timed passes over all documents.
fn run_ours(docs: &[Doc], repetitions: u32) -> Run {
    let options = Options::default(); // no user resolver: mentions keep account ids, as theirs
    let mut times = Vec::new();
    let mut results = Vec::new();
    for pass in 0..=repetitions {
        drop(std::mem::take(&mut results)); // freeing the last pass's output is not timed
        let start = Instant::now();
        results = docs
            .iter()
            .map(|d| storage_to_markdown(&d.storage, &options))
            .collect::<Vec<_>>();
        let elapsed = start.elapsed();
        std::hint::black_box(&results);
        if pass > 0 {
            times.push(elapsed);
        }
    }
    let mut failures = Vec::new();
    let markdown = results
        .into_iter()
        .zip(docs)
        .map(|(result, doc)| {
            result
                .map_err(|e| failures.push((doc.name.clone(), e.to_string())))
                .ok()
        })
        .collect();
    Run {
        label: format!("content {}", env!("CARGO_PKG_VERSION")),
        markdown,
        times,
        failures,
    }
}

fn run_theirs(
    docs: &[Doc],
    in_dir: &Path,
    out_dir: &Path,
    repetitions: u32,
) -> anyhow::Result<Run> {
    let report =
        mcp_atlassian::run_driver(in_dir, out_dir, repetitions).map_err(anyhow::Error::msg)?;
    if report.docs != docs.len() || report.bytes != corpus::total_bytes(docs) as u64 {
        bail!(
            "the driver read {} documents / {} bytes, expected {} / {}",
            report.docs,
            report.bytes,
            docs.len(),
            corpus::total_bytes(docs)
        );
    }
    let markdown = docs
        .iter()
        .map(|d| std::fs::read_to_string(out_dir.join(format!("{}.md", d.name))).ok())
        .collect();
    Ok(Run {
        label: format!("mcp-atlassian {}", report.version),
        markdown,
        times: report
            .times_ns
            .into_iter()
            .map(Duration::from_nanos)
            .collect(),
        failures: report.errors,
    })
}

fn best_and_median(times: &[Duration]) -> (Duration, Duration) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let best = sorted.first().copied().unwrap_or_default();
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    (best, median)
}

/// Per category: (expected, found), plus examples of missing items.
#[derive(Default)]
struct Score {
    counts: BTreeMap<Category, (usize, usize)>,
    /// Link targets by the attribute that held them: (expected, found).
    targets: BTreeMap<&'static str, (usize, usize)>,
    examples: BTreeMap<Category, Vec<String>>,
    /// Missing code bodies whose every line still appears once escapes and whitespace are
    /// ignored: the code was altered (escaped, re-indented, joined) rather than deleted.
    code_altered: usize,
}

fn score(docs: &[Doc], run: &Run) -> Score {
    let mut score = Score::default();
    for (doc, markdown) in docs.iter().zip(&run.markdown) {
        let mut shown_for_doc = Vec::new();
        let markdown = markdown.as_deref().unwrap_or("");
        let loose = fidelity::collapse(&fidelity::unescape(markdown));
        for item in fidelity::check(&doc.storage, markdown) {
            let kept = usize::from(item.found());
            let (expected, found) = score.counts.entry(item.category).or_default();
            *expected += 1;
            *found += kept;
            if let Some(attribute) = item.attribute {
                let (expected, found) = score.targets.entry(attribute).or_default();
                *expected += 1;
                *found += kept;
            }
            let Some(missing) = item.missing else {
                continue;
            };
            if item.category == Category::Code
                && item
                    .expected
                    .lines()
                    .map(fidelity::collapse)
                    .all(|line| loose.contains(&line))
            {
                score.code_altered += 1;
            }
            // One example per document and category, to show variety.
            let examples = score.examples.entry(item.category).or_default();
            if examples.len() < EXAMPLES_PER_CATEGORY && !shown_for_doc.contains(&item.category) {
                shown_for_doc.push(item.category);
                examples.push(format!("{}: {:?}", doc.name, shorten(&missing, 70)));
            }
        }
    }
    score
}

fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        s.chars().take(max_chars).chain(['…']).collect()
    }
}

fn write_corpus(docs: &[Doc], dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    for doc in docs {
        std::fs::write(dir.join(format!("{}.xml", doc.name)), &doc.storage)?;
    }
    Ok(())
}

fn write_markdown(docs: &[Doc], run: &Run, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (doc, markdown) in docs.iter().zip(&run.markdown) {
        if let Some(markdown) = markdown {
            std::fs::write(dir.join(format!("{}.md", doc.name)), markdown)?;
        }
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let fixtures = corpus::fixtures().context("reading tests/fixtures")?;
    let fixture_count = fixtures.len();
    let mut docs = fixtures;
    docs.extend(corpus::demo_pages());
    let bytes = corpus::total_bytes(&docs);

    let work = std::env::temp_dir().join(format!("content-compare-{}", std::process::id()));
    let in_dir = work.join("storage");
    write_corpus(&docs, &in_dir)?;

    let ours = run_ours(&docs, args.repetitions);
    write_markdown(&docs, &ours, &work.join("content"))?;
    let theirs = run_theirs(
        &docs,
        &in_dir,
        &work.join("mcp-atlassian"),
        args.repetitions,
    )?;

    println!(
        "Corpus: {fixture_count} fixtures + {} demo-wiki pages = {} documents, {:.3} MB of \
         storage XHTML (MB = 10^6 bytes).",
        docs.len() - fixture_count,
        docs.len(),
        bytes as f64 / 1e6
    );
    println!(
        "Timing: conversion only, in memory; per converter one untimed warm-up pass, then {} \
         timed pass(es) over all documents, both converters in this run. Not timed: reading and writing \
         files, process and interpreter start-up, imports. mcp-atlassian runs its \
         get-page path (ConfluencePreprocessor.process_html_content) without network: no user \
         look-ups (neither converter resolves names here).",
        args.repetitions
    );
    println!();
    println!(
        "{:<22} {:>9} {:>10} {:>9} {:>9} {:>7}",
        "converter", "best ms", "median ms", "MB/s", "docs/s", "failed"
    );
    let mut medians = Vec::new();
    for run in [&ours, &theirs] {
        let (best, median) = best_and_median(&run.times);
        medians.push((best, median));
        let secs = median.as_secs_f64().max(f64::MIN_POSITIVE);
        println!(
            "{:<22} {:>9.2} {:>10.2} {:>9.2} {:>9.0} {:>7}",
            run.label,
            best.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3,
            bytes as f64 / 1e6 / secs,
            docs.len() as f64 / secs,
            run.failures.len()
        );
    }
    if let [(our_best, our_median), (their_best, their_median)] = medians[..] {
        println!(
            "speed ratio ours/theirs: {:.1}x on medians, {:.1}x on best passes \
             (MB/s and docs/s above use the median pass)",
            their_median.as_secs_f64() / our_median.as_secs_f64().max(f64::MIN_POSITIVE),
            their_best.as_secs_f64() / our_best.as_secs_f64().max(f64::MIN_POSITIVE),
        );
    }
    for run in [&ours, &theirs] {
        for (name, error) in run.failures.iter().take(EXAMPLES_PER_CATEGORY) {
            println!("  {} failed on {name}: {}", run.label, shorten(error, 100));
        }
    }

    println!();
    println!(
        "Fidelity: every text node, code body, link target and table cell of each source must \
         appear in the Markdown (same independent scanner for both: crates/content/support/fidelity.rs)."
    );
    let scores = [score(&docs, &ours), score(&docs, &theirs)];
    println!(
        "{:<14} {:>9} | {:>30} | {:>30}",
        "category",
        "expected",
        format!("{} found/missing", ours.label),
        format!("{} found/missing", theirs.label)
    );
    for category in Category::ALL {
        let expected = scores[0].counts.get(&category).map_or(0, |c| c.0);
        let cell = |score: &Score| {
            let (expected, found) = score.counts.get(&category).copied().unwrap_or_default();
            let percent = if expected == 0 {
                100.0
            } else {
                found as f64 * 100.0 / expected as f64
            };
            format!("{found} / {} ({percent:.1}%)", expected - found)
        };
        println!(
            "{:<14} {:>9} | {:>30} | {:>30}",
            category.label(),
            expected,
            cell(&scores[0]),
            cell(&scores[1])
        );
    }
    println!("link targets by the attribute holding them (found / expected):");
    for (attribute, (expected, _)) in &scores[0].targets {
        let found = |score: &Score| score.targets.get(attribute).map_or(0, |t| t.1);
        println!(
            "  {:<18} {:>30} | {:>30}",
            attribute,
            format!("{} / {expected}", found(&scores[0])),
            format!("{} / {expected}", found(&scores[1]))
        );
    }
    println!(
        "  (a target counts as found wherever its text appears: a page link whose text is the \
         page's title passes on ri:content-title even when the link itself is gone; its \
         ri:space-key shows whether the link survived)"
    );
    for (run, score) in [&ours, &theirs].into_iter().zip(&scores) {
        if score.examples.is_empty() {
            println!("{} kept every item.", run.label);
            continue;
        }
        println!("Examples of what {} did not keep:", run.label);
        for (category, examples) in &score.examples {
            for example in examples {
                println!("  {:<13} {example}", category.label());
            }
        }
        let (code_expected, code_found) = score
            .counts
            .get(&Category::Code)
            .copied()
            .unwrap_or_default();
        if code_found < code_expected {
            println!(
                "  (code bodies: the line shown is the first not found verbatim; of the {} \
                 missing, {} still appear as escaped or re-flowed text, the rest are gone)",
                code_expected - code_found,
                score.code_altered
            );
        }
    }

    if args.keep {
        println!("\nCorpus and both outputs kept in {}", work.display());
    } else {
        std::fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
    }
    Ok(())
}
