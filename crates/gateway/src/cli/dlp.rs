//! `confluence-gateway dlp scan`: lets an admin test a DLP policy on their own files.
//! Output never contains a matched value, except in `--redact` mode where the input itself is
//! printed with the policy applied.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use clap::{Args, Subcommand, ValueEnum};
use dlp::action::testing::InMemoryVault;
use dlp::{ActionContext, DlpConfig, DlpError, Engine, Finding, HashKey, Report};
use serde_json::{Value, json};

use super::Outcome;

#[derive(Debug, Subcommand)]
pub enum DlpCommand {
    /// Scan a file (or standard input) and print the findings or the redacted text.
    #[command(long_about = SCAN_HELP)]
    Scan(ScanArgs),
}

const SCAN_HELP: &str = "\
Scan a file (or standard input) with the DLP engine and print what it finds: one line per \
finding (`--format text`: `PATH:LINE:COLUMN DETECTOR (CATEGORY)`) or one JSON object per \
line (`--format json`: detector, category, severity, confidence, byte offsets, line, column). \
Matched values are never printed.

Input that parses as a JSON object or array is scanned structure-aware (string values, \
member names, numbers); its findings name the JSON Pointer of the string and byte offsets \
inside it instead of a line and column. `--plain` scans it as text instead.

With `--redact`, the input is printed with the policy's actions applied (JSON input stays \
valid JSON) and a summary goes to standard error. `hash` uses the key in the variable named \
by `--hash-key-env`, or a fixed demo key; `tokenize` uses a throw-away in-memory vault.

Exit status: 0 nothing found, 1 findings (or the policy blocked the input), 2 error \
(unreadable input, invalid policy, bad usage).

Example policy (TOML):
  categories = [\"secret\", \"pii\"]
  disabled_detectors = [\"icd10_code\"]
  [actions]
  default = \"redact\"
  categories = { \"pii.email\" = \"hash\", \"pii.card\" = \"mask\" }
  [[custom]]
  id = \"acme_employee_id\"
  pattern = 'ACME-\\d{6}'
  keywords = [\"ACME-\"]
  category = \"pii.national_id\"";

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Policy file: TOML holding the DLP configuration (detectors, categories, actions,
    /// custom detectors). Default: every built-in detector, action `redact`.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print the input with the policy applied instead of the findings.
    #[arg(long)]
    redact: bool,
    /// Scan as plain text even if the input parses as a JSON object or array.
    #[arg(long)]
    plain: bool,
    /// Environment variable holding the key for the `hash` action (at least 16 bytes).
    /// Without it a fixed demo key is used, so pseudonyms differ from production ones.
    #[arg(long, value_name = "VAR")]
    hash_key_env: Option<String>,
    /// File to scan, or `-` for standard input.
    #[arg(value_name = "PATH|-")]
    input: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// `PATH:LINE:COLUMN DETECTOR (CATEGORY)`, one finding per line.
    Text,
    /// One JSON object per finding per line (JSON Lines).
    Json,
}

/// Key for `hash` when the admin gives none: fine for seeing what a policy does, useless as
/// a tenant secret (it is published here).
const DEMO_HASH_KEY: &[u8] = b"confluence-gateway-cli-demo-hash-key";

pub fn run(command: DlpCommand) -> anyhow::Result<Outcome> {
    match command {
        DlpCommand::Scan(args) => scan(&args),
    }
}

fn scan(args: &ScanArgs) -> anyhow::Result<Outcome> {
    let config = load_policy(args.policy.as_deref())?;
    let engine = Engine::new(&config).map_err(|e| match &args.policy {
        Some(path) => anyhow!("policy {}: {e}", path.display()),
        None => anyhow!(e),
    })?;
    let (name, input) = read_input(&args.input)?;
    let json = if args.plain {
        None
    } else {
        serde_json::from_slice::<Value>(&input)
            .ok()
            .filter(|v| v.is_object() || v.is_array())
    };
    let mut out = std::io::stdout().lock();
    let outcome = match (args.redact, json) {
        (false, Some(value)) => list_json_findings(&engine, &name, &value, args.format, &mut out)?,
        (false, None) => list_text_findings(&engine, &name, &input, args.format, &mut out)?,
        (true, json) => redact(&engine, args, json, &input, &mut out)?,
    };
    out.flush().context("writing output")?;
    Ok(outcome)
}

fn load_policy(path: Option<&Path>) -> anyhow::Result<DlpConfig> {
    let Some(path) = path else {
        return Ok(DlpConfig::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading policy {}", path.display()))?;
    // toml's message names the line, column and key, and shows the offending line.
    toml::from_str(&text).map_err(|e| anyhow!("policy {}: {e}", path.display()))
}

fn read_input(input: &str) -> anyhow::Result<(String, Vec<u8>)> {
    if input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        Ok(("<stdin>".to_owned(), bytes))
    } else {
        let bytes = std::fs::read(input).with_context(|| format!("reading {input}"))?;
        Ok((input.to_owned(), bytes))
    }
}

/// 1-based line and 1-based byte column of byte offset `at`.
fn line_and_column(line_starts: &[usize], at: usize) -> (usize, usize) {
    let line = line_starts.partition_point(|&s| s <= at);
    let start = line_starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
    (line, at - start + 1)
}

fn warn_truncated(truncated: bool, engine: &Engine) {
    if truncated {
        eprintln!(
            "warning: more than {} findings; the rest were not reported",
            engine.max_findings()
        );
    }
}

fn finding_fields(finding: &Finding) -> serde_json::Map<String, Value> {
    let mut fields = serde_json::Map::new();
    fields.insert("detector".into(), json!(&*finding.detector));
    fields.insert("category".into(), json!(finding.category));
    fields.insert("severity".into(), json!(finding.severity));
    fields.insert("confidence".into(), json!(finding.confidence));
    fields.insert("start".into(), json!(finding.start));
    fields.insert("end".into(), json!(finding.end));
    fields
}

fn list_text_findings(
    engine: &Engine,
    name: &str,
    input: &[u8],
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<Outcome> {
    let scan = engine.scan_bytes(input);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr_newlines(input).map(|i| i + 1))
        .collect();
    for finding in &scan.findings {
        let (line, column) = line_and_column(&line_starts, finding.start);
        match format {
            Format::Text => writeln!(
                out,
                "{name}:{line}:{column} {} ({})",
                finding.detector, finding.category
            )?,
            Format::Json => {
                let mut fields = finding_fields(finding);
                fields.insert("path".into(), json!(name));
                fields.insert("line".into(), json!(line));
                fields.insert("column".into(), json!(column));
                writeln!(out, "{}", Value::Object(fields))?;
            }
        }
    }
    warn_truncated(scan.truncated, engine);
    Ok(outcome_of(!scan.findings.is_empty()))
}

fn memchr_newlines(input: &[u8]) -> impl Iterator<Item = usize> + '_ {
    input
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

fn list_json_findings(
    engine: &Engine,
    name: &str,
    value: &Value,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<Outcome> {
    let scan = engine.scan_json(value);
    for found in &scan.findings {
        let finding = &found.finding;
        match format {
            Format::Text => writeln!(
                out,
                "{name}#{}{}:{}-{} {} ({})",
                found.path,
                if found.in_key { " (member name)" } else { "" },
                finding.start,
                finding.end,
                finding.detector,
                finding.category
            )?,
            Format::Json => {
                let mut fields = finding_fields(finding);
                fields.insert("path".into(), json!(name));
                fields.insert("json_pointer".into(), json!(found.path));
                fields.insert("in_key".into(), json!(found.in_key));
                writeln!(out, "{}", Value::Object(fields))?;
            }
        }
    }
    warn_truncated(scan.truncated, engine);
    Ok(outcome_of(!scan.findings.is_empty()))
}

fn redact(
    engine: &Engine,
    args: &ScanArgs,
    json: Option<Value>,
    input: &[u8],
    out: &mut impl Write,
) -> anyhow::Result<Outcome> {
    let key = match &args.hash_key_env {
        Some(var) => {
            let key = std::env::var(var).with_context(|| format!("reading ${var}"))?;
            HashKey::new(key).with_context(|| format!("${var}"))?
        }
        None => HashKey::new(DEMO_HASH_KEY)?,
    };
    let vault = InMemoryVault::default();
    let ctx = ActionContext {
        hash_key: Some(&key),
        vault: Some(&vault),
    };
    let result = match json {
        Some(mut value) => engine.redact_json(&mut value, &ctx).and_then(|report| {
            let mut text =
                serde_json::to_string_pretty(&value).map_err(|_| DlpError::InvalidFinding)?;
            text.push('\n');
            Ok((text.into_bytes(), report))
        }),
        None => match std::str::from_utf8(input) {
            Ok(text) => engine
                .redact(text, &ctx)
                .map(|r| (r.text.into_bytes(), r.report)),
            Err(_) => {
                let scan = engine.scan_bytes(input);
                dlp::apply_bytes(input, &scan.findings, engine.policy(), &ctx).map(
                    |(bytes, mut report)| {
                        report.truncated = scan.truncated;
                        (bytes, report)
                    },
                )
            }
        },
    };
    match result {
        Ok((bytes, report)) => {
            out.write_all(&bytes).context("writing output")?;
            eprintln!("{}", summary(&report));
            warn_truncated(report.truncated, engine);
            Ok(outcome_of(!report.is_empty()))
        }
        Err(blocked @ DlpError::Blocked { .. }) => {
            eprintln!("{blocked}");
            Ok(Outcome::Found)
        }
        Err(other) => Err(other.into()),
    }
}

/// `redacted 3 findings: email ×2 (hash), aws_access_key_id ×1 (redact)`.
fn summary(report: &Report) -> String {
    if report.is_empty() {
        return "nothing found".to_owned();
    }
    let parts: Vec<String> = report
        .entries
        .iter()
        .map(|e| {
            let action = serde_json::to_value(e.action)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            format!("{} ×{} ({action})", e.detector, e.count)
        })
        .collect();
    format!("{} findings: {}", report.total(), parts.join(", "))
}

fn outcome_of(found: bool) -> Outcome {
    if found {
        Outcome::Found
    } else {
        Outcome::Clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let starts = [0, 4, 9];
        assert_eq!(line_and_column(&starts, 0), (1, 1));
        assert_eq!(line_and_column(&starts, 5), (2, 2));
        assert_eq!(line_and_column(&starts, 9), (3, 1));
    }
}
