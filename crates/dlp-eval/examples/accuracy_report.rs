//! Accuracy of the default DLP engine on public labelled datasets: CredSweeper's samples for
//! secrets, presidio-research's synthetic set for PII. Method: see the `dlp_eval::credsweeper`
//! and `dlp_eval::presidio` module docs (also summarized in the output).
//!
//! `cargo run --release -p dlp-eval --example accuracy_report [DATASETS_DIR]`
//! (default `../shared/datasets` from the repository root, or `$DLP_DATASETS`).

use std::path::PathBuf;

use dlp::{DlpConfig, Engine};
use dlp_eval::credsweeper::{self, Bucket};
use dlp_eval::presidio::{self, PiiClass};
use dlp_eval::{Score, Target, format_table};

/// The target for structured categories.
const TARGET: f64 = 0.95;
/// Examples of misses and false positives printed per dataset (`DLP_EVAL_EXAMPLES` overrides).
const DEFAULT_EXAMPLES: usize = 12;

fn examples() -> usize {
    std::env::var("DLP_EVAL_EXAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_EXAMPLES)
}

fn main() -> anyhow::Result<()> {
    let datasets = dlp_eval::datasets_dir(std::env::args_os().nth(1).map(PathBuf::from))?;
    let engine = Engine::new(&DlpConfig::default())?;
    println!("datasets: {}", datasets.display());
    println!(
        "engine: default configuration, {} detectors\n",
        engine.detectors().count()
    );
    secrets(&engine, &datasets)?;
    pii(&engine, &datasets)?;
    Ok(())
}

fn secrets(engine: &Engine, datasets: &std::path::Path) -> anyhow::Result<()> {
    let report = credsweeper::evaluate(engine, datasets)?;
    println!("== Secrets: CredSweeper samples (unit = file line) ==");
    println!(
        "{} text files, {} lines scanned; {} binary files skipped (no labels: {}); \
         UTF-16 decoded: {}",
        report.files_scanned,
        report.lines_scanned,
        report.skipped_binary.len(),
        abbreviate(&report.skipped_binary, 6),
        report.decoded_utf16.join(", "),
    );
    println!(
        "a line is positive if CredSweeper labels it, predicted if a secret finding of ours \
         touches it; matching ignores category, rows split the counts by the most specific \
         class\n"
    );
    let mut rows: Vec<(String, Score, Target)> = Bucket::ALL
        .into_iter()
        .map(|b| {
            let target = if b == Bucket::KeyedToken {
                Target::Both(TARGET)
            } else {
                Target::None
            };
            (b.name().to_owned(), report.bucket(b), target)
        })
        .collect();
    rows.push((
        "all in-scope secrets".to_owned(),
        report.overall(),
        Target::None,
    ));
    print!("{}", format_table(&rows));
    println!("\nout of scope (labelled by CredSweeper, not secrets for us; not scored):");
    for (rule, bucket) in &report.out_of_scope {
        println!(
            "  {rule:<28} {:>3} lines, {:>3} flagged by us anyway — {}",
            bucket.lines, bucket.flagged, bucket.reason
        );
    }
    println!(
        "\nlabel disagreements (single lines not scored; {} lines):",
        report.label_disagreements.len()
    );
    for d in &report.label_disagreements {
        println!(
            "  {}:{} [{}] {} — {}",
            d.file,
            d.line,
            d.labels,
            if d.flagged {
                "flagged by us"
            } else {
                "not flagged"
            },
            d.reason
        );
    }
    if !report.unmapped_rules.is_empty() {
        println!(
            "  UNMAPPED rules (counted out of scope): {:?}",
            report.unmapped_rules
        );
    }
    println!(
        "\nmissed lines ({}; first {}, masked: A=upper a=lower 9=digit):",
        report.misses.len(),
        examples()
    );
    let mut misses: Vec<_> = report.misses.iter().collect();
    misses.sort_by_key(|m| m.bucket);
    for m in misses.into_iter().take(examples()) {
        println!(
            "  {:<22} {}:{} [{}] {}",
            bucket_tag(m.bucket),
            m.file,
            m.line,
            m.labels,
            m.shape
        );
    }
    println!(
        "false-positive lines ({}; first {}):",
        report.false_positives.len(),
        examples()
    );
    let mut false_positives: Vec<_> = report.false_positives.iter().collect();
    false_positives.sort_by_key(|m| m.bucket);
    for m in false_positives.into_iter().take(examples()) {
        println!(
            "  {:<22} {}:{} [{}] {}",
            bucket_tag(m.bucket),
            m.file,
            m.line,
            m.labels,
            m.shape
        );
    }
    println!();
    Ok(())
}

fn pii(engine: &Engine, datasets: &std::path::Path) -> anyhow::Result<()> {
    let report = presidio::evaluate(engine, datasets)?;
    println!("== PII: presidio-research synth_dataset_v2.json (unit = span, overlap match) ==");
    println!("{} samples\n", report.samples);
    let rows: Vec<(String, Score, Target)> = PiiClass::ALL
        .into_iter()
        .map(|c| {
            let target = if c.is_structured() {
                Target::Both(TARGET)
            } else {
                Target::None
            };
            (c.entity_type().to_owned(), report.class(c), target)
        })
        .collect();
    print!("{}", format_table(&rows));
    println!("\nnot scored: our findings of detectors without a label here:");
    for (detector, count) in &report.unscored_findings {
        println!("  {detector:<28} {count}");
    }
    println!("not scored: truth spans of other types:");
    let others: Vec<String> = report
        .unscored_truths
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    println!("  {}", others.join(", "));
    println!(
        "\nmissed spans ({}; first {}, masked, span in ⟦⟧):",
        report.misses.len(),
        examples()
    );
    for m in report.misses.iter().take(examples()) {
        println!("  {:<14} {}", m.label, m.shape);
    }
    println!(
        "false-positive findings ({}; first {}):",
        report.false_positives.len(),
        examples()
    );
    for m in report.false_positives.iter().take(examples()) {
        let on = if m.overlapped.is_empty() {
            "unlabelled".to_owned()
        } else {
            format!("on {}", m.overlapped.join("+"))
        };
        println!("  {:<20} {:<22} {}", m.label, on, m.shape);
    }
    Ok(())
}

/// A short name for the class a listed line counts in.
fn bucket_tag(bucket: Bucket) -> &'static str {
    match bucket {
        Bucket::KeyedToken => "keyed",
        Bucket::KeyedNoDetector => "keyed, no detector",
        Bucket::PrivateKey => "private key",
        Bucket::UrlOrHeader => "url/header",
        Bucket::Assignment => "assignment",
    }
}

fn abbreviate(items: &[String], keep: usize) -> String {
    let mut shown = items
        .iter()
        .take(keep)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > keep {
        shown.push_str(&format!(", … {} more", items.len() - keep));
    }
    shown
}
