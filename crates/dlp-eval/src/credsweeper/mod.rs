//! Secrets accuracy on CredSweeper's test samples (`credsweeper/samples/*`, labels in
//! `credsweeper/expected-output.json`; MIT licence, Samsung, read here as test data).
//!
//! # Method
//!
//! - **Unit: one line of one sample file.** A line is *positive* when the expected output
//!   has a finding on it (every line a multi-line finding such as a PEM block lists is
//!   positive). A line is *predicted* when one of our secret-category findings touches it (a
//!   finding spanning lines touches each of them). Findings of PII detectors are ignored.
//! - **Matching is category-agnostic**: a secret is a secret, whichever detector found it.
//!   Categories only split the counts: a positive line belongs to the most specific class of
//!   the rules labelling it ([`Bucket`], in declaration order), a predicted line to the most
//!   specific class of our findings on it. Recall of a bucket = its positive lines that were
//!   predicted; precision of a bucket = its predicted lines that are positive.
//! - **Out of scope**: lines labelled only by rules we deliberately do not treat as secrets
//!   ([`rules::RuleClass::OutOfScope`], e.g. UUIDs, salts) are scored neither way; they are
//!   listed with the reason and whether we flagged them. A few single lines whose label
//!   contradicts the sample or a public format fact ([`rules::LABEL_DISAGREEMENTS`]) are
//!   treated the same way and listed one by one with their reason.
//! - **Files**: text files are scanned as raw bytes ([`dlp::Engine::scan_bytes`], so
//!   Latin-1 or KOI8 files keep their line numbers); UTF-16 files (with a byte-order mark)
//!   are decoded first, as a host would; other files containing NUL bytes (archives, images,
//!   office files) are skipped and listed — CredSweeper's labels were produced without its
//!   archive "depth" scan, so they hold no labels for them.
//! - **Caveat**: the expected output is CredSweeper's own regression output, not
//!   human-verified truth. Our false positives are printed (masked) so a reader can judge
//!   whether CredSweeper or we are wrong.

pub mod rules;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use dlp::{Category, Engine, SecretKind};
use serde::Deserialize;

use crate::score::Score;
use crate::{EvalError, read, read_json, shape};
pub use rules::RuleClass;

/// Classes of secrets we report apart, most specific first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    /// Vendor and structured token formats we have a detector for (the issue's "keyed token
    /// formats" target applies here).
    KeyedToken,
    /// Vendor formats we have no detector for yet: recall only, from generic detectors.
    KeyedNoDetector,
    PrivateKey,
    UrlOrHeader,
    Assignment,
}

impl Bucket {
    pub const ALL: [Bucket; 5] = [
        Bucket::KeyedToken,
        Bucket::KeyedNoDetector,
        Bucket::PrivateKey,
        Bucket::UrlOrHeader,
        Bucket::Assignment,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Bucket::KeyedToken => "keyed token formats",
            Bucket::KeyedNoDetector => "keyed formats, no detector yet",
            Bucket::PrivateKey => "private keys",
            Bucket::UrlOrHeader => "credentials in URLs/headers",
            Bucket::Assignment => "password/secret assignments",
        }
    }

    fn of_rule(class: RuleClass) -> Option<Bucket> {
        match class {
            RuleClass::Keyed([]) => Some(Bucket::KeyedNoDetector),
            RuleClass::Keyed(_) => Some(Bucket::KeyedToken),
            RuleClass::PrivateKey => Some(Bucket::PrivateKey),
            RuleClass::UrlOrHeader => Some(Bucket::UrlOrHeader),
            RuleClass::Assignment => Some(Bucket::Assignment),
            RuleClass::OutOfScope(_) => None,
        }
    }

    /// Where one of our findings counts; `None` for PII findings.
    pub fn of_finding(detector: &str, category: Category) -> Option<Bucket> {
        let Category::Secret(kind) = category else {
            return None;
        };
        Some(match (kind, detector) {
            (_, "jwt") => Bucket::KeyedToken,
            (SecretKind::Crypto, _) => Bucket::PrivateKey,
            (
                SecretKind::Credential,
                "url_credentials"
                | "connection_string_password"
                | "basic_auth_header"
                | "bearer_token"
                | "netrc_password"
                | "docker_config_auth",
            ) => Bucket::UrlOrHeader,
            // `password = …`, `--password …`, SQL `IDENTIFIED BY …` and the like.
            (SecretKind::Credential, _) => Bucket::Assignment,
            (SecretKind::Generic, _) => Bucket::Assignment,
            _ => Bucket::KeyedToken,
        })
    }
}

#[derive(Deserialize)]
struct ExpectedFinding {
    rule: String,
    line_data_list: Vec<ExpectedLine>,
}

#[derive(Deserialize)]
struct ExpectedLine {
    path: String,
    line_num: usize,
}

/// One line printed as an example (masked).
#[derive(Debug, Clone)]
pub struct LineExample {
    pub file: String,
    pub line: usize,
    /// The class the line counts in (the truth's for misses, ours for false positives).
    pub bucket: Bucket,
    /// Rule names (misses) or detector ids (false positives).
    pub labels: String,
    pub shape: String,
}

/// Lines labelled only by out-of-scope rules, per rule.
#[derive(Debug, Clone, Default)]
pub struct OutOfScope {
    pub reason: &'static str,
    pub lines: usize,
    /// How many of those lines we flagged anyway.
    pub flagged: usize,
}

/// A labelled line we do not score, with the reason.
#[derive(Debug, Clone)]
pub struct Disagreement {
    pub file: String,
    pub line: usize,
    pub reason: &'static str,
    /// The labels CredSweeper put on the line.
    pub labels: String,
    pub flagged: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SecretsReport {
    pub buckets: BTreeMap<Bucket, Score>,
    pub out_of_scope: BTreeMap<String, OutOfScope>,
    pub label_disagreements: Vec<Disagreement>,
    pub files_scanned: usize,
    pub lines_scanned: usize,
    pub skipped_binary: Vec<String>,
    pub decoded_utf16: Vec<String>,
    /// Rule names the table in [`rules`] does not know (treated as out of scope).
    pub unmapped_rules: BTreeSet<String>,
    pub misses: Vec<LineExample>,
    pub false_positives: Vec<LineExample>,
}

impl SecretsReport {
    pub fn bucket(&self, bucket: Bucket) -> Score {
        self.buckets.get(&bucket).copied().unwrap_or_default()
    }

    /// All in-scope buckets together.
    pub fn overall(&self) -> Score {
        let mut total = Score::default();
        for score in self.buckets.values() {
            total.add(score);
        }
        total
    }
}

/// What the labels say about one line.
#[derive(Default)]
struct LineTruth {
    rules: BTreeSet<String>,
    bucket: Option<Bucket>,
    out_of_scope: Vec<(String, &'static str)>,
    disagreement: Option<&'static str>,
}

const SAMPLE_PREFIX: &str = "./tests/samples/";

fn load_truth(
    path: &Path,
    unmapped: &mut BTreeSet<String>,
) -> Result<HashMap<String, BTreeMap<usize, LineTruth>>, EvalError> {
    let expected: Vec<ExpectedFinding> = read_json(path)?;
    let mut truth: HashMap<String, BTreeMap<usize, LineTruth>> = HashMap::new();
    for finding in expected {
        let class = rules::classify(&finding.rule);
        for line in &finding.line_data_list {
            let file = line
                .path
                .strip_prefix(SAMPLE_PREFIX)
                .unwrap_or(&line.path)
                .to_owned();
            let entry = truth
                .entry(file)
                .or_default()
                .entry(line.line_num)
                .or_default();
            entry.rules.insert(finding.rule.clone());
            match class {
                Some(RuleClass::OutOfScope(reason)) => {
                    entry.out_of_scope.push((finding.rule.clone(), reason));
                }
                Some(class) => {
                    entry.bucket = match (entry.bucket, Bucket::of_rule(class)) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                None => {
                    unmapped.insert(finding.rule.clone());
                    entry
                        .out_of_scope
                        .push((finding.rule.clone(), "unmapped rule (update rules.rs)"));
                }
            }
        }
    }
    for (file, lines) in &mut truth {
        for (line, entry) in lines.iter_mut() {
            if let Some(reason) = rules::label_disagreement(file, *line) {
                entry.bucket = None;
                entry.disagreement = Some(reason);
            }
        }
    }
    Ok(truth)
}

/// The text to scan, or `None` for a binary file.
fn decode(bytes: Vec<u8>) -> (Option<Vec<u8>>, bool) {
    let utf16 = |units: Vec<u16>| {
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
            .into_bytes()
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => {
            let units = rest
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]));
            (Some(utf16(units.collect())), true)
        }
        [0xFE, 0xFF, rest @ ..] => {
            let units = rest
                .chunks_exact(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]));
            (Some(utf16(units.collect())), true)
        }
        b if b.contains(&0) => (None, false),
        _ => (Some(bytes), false),
    }
}

/// Line starts (byte offsets) of `text`; line `n` (1-based) starts at `starts[n - 1]`.
fn line_starts(text: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

fn line_text(text: &[u8], starts: &[usize], line: usize) -> String {
    let start = starts[line - 1];
    let end = starts.get(line).map_or(text.len(), |s| s - 1);
    let raw = String::from_utf8_lossy(&text[start..end]);
    let trimmed: String = raw.trim().chars().take(100).collect();
    shape::mask(&trimmed)
}

/// Runs the evaluation over `<datasets>/credsweeper`.
pub fn evaluate(engine: &Engine, datasets: &Path) -> Result<SecretsReport, EvalError> {
    let root = datasets.join("credsweeper");
    let mut report = SecretsReport::default();
    let truth = load_truth(
        &root.join("expected-output.json"),
        &mut report.unmapped_rules,
    )?;
    let samples = root.join("samples");
    let entries = std::fs::read_dir(&samples).map_err(|source| EvalError::Io {
        path: samples.clone(),
        source,
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let empty = BTreeMap::new();
    for name in names {
        let (text, utf16) = decode(read(&samples.join(&name))?);
        let Some(text) = text else {
            report.skipped_binary.push(name);
            continue;
        };
        if utf16 {
            report.decoded_utf16.push(name.clone());
        }
        report.files_scanned += 1;
        let file_truth = truth.get(&name).unwrap_or(&empty);
        score_file(engine, &name, &text, file_truth, &mut report);
    }
    Ok(report)
}

fn score_file(
    engine: &Engine,
    name: &str,
    text: &[u8],
    truth: &BTreeMap<usize, LineTruth>,
    report: &mut SecretsReport,
) {
    let starts = line_starts(text);
    report.lines_scanned += starts.len();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    // line → (most specific bucket, detectors)
    let mut predicted: BTreeMap<usize, (Bucket, BTreeSet<String>)> = BTreeMap::new();
    for finding in engine.scan_bytes(text).findings {
        let Some(bucket) = Bucket::of_finding(&finding.detector, finding.category) else {
            continue;
        };
        let first = line_of(finding.start);
        let last = line_of(finding.end.saturating_sub(1).max(finding.start));
        for line in first..=last {
            let entry = predicted
                .entry(line)
                .or_insert_with(|| (bucket, BTreeSet::new()));
            entry.0 = entry.0.min(bucket);
            entry.1.insert(finding.detector.to_string());
        }
    }
    for (&line, line_truth) in truth {
        let hit = predicted.contains_key(&line);
        match line_truth.bucket {
            Some(bucket) => {
                let score = report.buckets.entry(bucket).or_default();
                score.truths += 1;
                if hit {
                    score.truths_found += 1;
                } else if line <= starts.len() {
                    report.misses.push(LineExample {
                        file: name.to_owned(),
                        line,
                        bucket,
                        labels: join(&line_truth.rules),
                        shape: line_text(text, &starts, line),
                    });
                }
            }
            None if line_truth.disagreement.is_some() => {
                report.label_disagreements.push(Disagreement {
                    file: name.to_owned(),
                    line,
                    reason: line_truth.disagreement.unwrap_or_default(),
                    labels: join(&line_truth.rules),
                    flagged: hit,
                });
            }
            None => {
                for (rule, reason) in &line_truth.out_of_scope {
                    let entry = report.out_of_scope.entry(rule.clone()).or_default();
                    entry.reason = reason;
                    entry.lines += 1;
                    entry.flagged += usize::from(hit);
                }
            }
        }
    }
    for (line, (bucket, detectors)) in predicted {
        let line_truth = truth.get(&line);
        if line_truth.is_some_and(|t| t.bucket.is_none()) {
            continue; // out of scope: counted above
        }
        let score = report.buckets.entry(bucket).or_default();
        score.predictions += 1;
        if line_truth.is_some() {
            score.predictions_correct += 1;
        } else {
            report.false_positives.push(LineExample {
                file: name.to_owned(),
                line,
                bucket,
                labels: join(&detectors),
                shape: line_text(text, &starts, line),
            });
        }
    }
}

fn join(items: &BTreeSet<String>) -> String {
    items.iter().cloned().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based_and_split_on_newlines() {
        let starts = line_starts(b"a\nbb\n\nc");
        assert_eq!(starts, vec![0, 2, 5, 6]);
        assert_eq!(line_text(b"a\nbb\n\nc", &starts, 2), "aa");
    }

    #[test]
    fn utf16_with_bom_is_decoded_and_binary_is_skipped() {
        let (text, utf16) = decode(vec![0xFF, 0xFE, b'h', 0, b'i', 0]);
        assert_eq!(text.as_deref(), Some(&b"hi"[..]));
        assert!(utf16);
        assert_eq!(decode(vec![b'P', b'K', 3, 4, 0, 0]).0, None);
    }

    #[test]
    fn findings_map_to_buckets() {
        let secret = |k| Category::Secret(k);
        assert_eq!(
            Bucket::of_finding("private_key", secret(SecretKind::Crypto)),
            Some(Bucket::PrivateKey)
        );
        assert_eq!(
            Bucket::of_finding("jwt", secret(SecretKind::Crypto)),
            Some(Bucket::KeyedToken)
        );
        assert_eq!(
            Bucket::of_finding("url_credentials", secret(SecretKind::Credential)),
            Some(Bucket::UrlOrHeader)
        );
        assert_eq!(
            Bucket::of_finding("password_assignment", secret(SecretKind::Credential)),
            Some(Bucket::Assignment)
        );
        assert_eq!(
            Bucket::of_finding("email", Category::Pii(dlp::PiiKind::Email)),
            None
        );
    }
}
