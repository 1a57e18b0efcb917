//! Structure-aware scanning of JSON (tool arguments and results).
//!
//! - Every string value is scanned, and so is every member name (PII sometimes is the key:
//!   `{"alice@example.com": {...}}`), and every number (as its JSON text: a card number or SSN
//!   stored as a number is still one).
//! - A value whose member name contains a detector keyword or context word is also scanned as
//!   `name: value`, so `{"password": "hunter2"}` is found exactly like `password: hunter2` in
//!   YAML, and `{"phone": "020 7946 0958"}` gets the context a national number needs.
//! - Findings carry the JSON Pointer of the value (or of the member, for names) and byte
//!   offsets inside that string. Redaction rewrites strings in place, so the document stays
//!   valid JSON: a redacted number becomes a string, and a redacted member name that collides
//!   with another gets a `~2`, `~3`, … suffix.
//! - Walks are iterative, so deeply nested documents cannot overflow the stack.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::action::{ActionContext, Location, Policy, Report, apply_bytes_with, check_blocked};
use crate::engine::Engine;
use crate::error::DlpError;
use crate::finding::{Finding, Scan, resolve_overlaps};

/// A finding inside a JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonFinding {
    /// JSON Pointer (RFC 6901) of the value, or of the member whose name holds the finding.
    pub path: String,
    pub in_key: bool,
    /// Offsets are into that one string (for numbers: their JSON text).
    pub finding: Finding,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JsonScan {
    pub findings: Vec<JsonFinding>,
    /// The document held more than `max_findings`; the rest were not reported.
    pub truncated: bool,
}

/// Appends one reference token to a JSON Pointer (`~` → `~0`, `/` → `~1`).
fn child_path(parent: &str, token: &str) -> String {
    let mut path = String::with_capacity(parent.len() + token.len() + 1);
    path.push_str(parent);
    path.push('/');
    for c in token.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            _ => path.push(c),
        }
    }
    path
}

impl Engine {
    /// Scans one string that sits under member `name` (see the module docs).
    fn scan_member(
        &self,
        name: Option<&str>,
        text: &str,
        scan: &mut dyn FnMut(&str) -> Scan,
    ) -> Scan {
        let plain = scan(text);
        let Some(name) = name.filter(|n| self.name_is_interesting(n)) else {
            return plain;
        };
        let prefix = name.len() + 2;
        let combined = format!("{name}: {text}");
        let with_name = scan(&combined);
        let shifted = with_name.findings.into_iter().filter_map(|mut f| {
            if f.end <= prefix {
                return None;
            }
            f.start = f.start.max(prefix) - prefix;
            f.end -= prefix;
            Some(f)
        });
        let candidates: Vec<Finding> = plain.findings.into_iter().chain(shifted).collect();
        Scan {
            findings: resolve_overlaps(candidates),
            truncated: plain.truncated || with_name.truncated,
        }
    }

    /// Scans every member name, string and number of `value`.
    pub fn scan_json(&self, value: &Value) -> JsonScan {
        self.scan_json_with(value, &mut |text| self.scan(text))
    }

    /// [`Engine::scan_json`] with every text scan done by `scan`, which must return what
    /// [`Engine::scan`] on this engine returns (a caller memoizing scans of long strings).
    pub fn scan_json_with(&self, value: &Value, scan: &mut dyn FnMut(&str) -> Scan) -> JsonScan {
        let mut result = JsonScan::default();
        let mut stack: Vec<(&Value, String, Option<&str>)> = vec![(value, String::new(), None)];
        // Member names repeat (every item of a list has the same ones): each is scanned once.
        let mut name_scans: HashMap<&str, Scan> = HashMap::new();
        let push = |result: &mut JsonScan, path: &str, in_key: bool, scan: Scan| {
            result.truncated |= scan.truncated;
            for finding in scan.findings {
                if result.findings.len() >= self.max_findings() {
                    result.truncated = true;
                    return;
                }
                result.findings.push(JsonFinding {
                    path: path.to_owned(),
                    in_key,
                    finding,
                });
            }
        };
        while let Some((node, path, name)) = stack.pop() {
            if result.truncated {
                break;
            }
            match node {
                Value::String(text) => push(
                    &mut result,
                    &path,
                    false,
                    self.scan_member(name, text, scan),
                ),
                Value::Number(number) => {
                    let text = number.to_string();
                    push(
                        &mut result,
                        &path,
                        false,
                        self.scan_member(name, &text, scan),
                    );
                }
                Value::Array(items) => {
                    for (index, item) in items.iter().enumerate().rev() {
                        stack.push((item, child_path(&path, &index.to_string()), None));
                    }
                }
                Value::Object(members) => {
                    let mut children = Vec::with_capacity(members.len());
                    for (key, item) in members {
                        let member_path = child_path(&path, key);
                        let name_scan = name_scans
                            .entry(key.as_str())
                            .or_insert_with(|| scan(key))
                            .clone();
                        push(&mut result, &member_path, true, name_scan);
                        children.push((item, member_path, Some(key.as_str())));
                    }
                    stack.extend(children.into_iter().rev());
                }
                Value::Null | Value::Bool(_) => {}
            }
        }
        result
    }

    /// Scans `value` and applies this engine's policy to it in place (see [`apply_json`]).
    pub fn redact_json(
        &self,
        value: &mut Value,
        ctx: &ActionContext<'_>,
    ) -> Result<Report, DlpError> {
        let scan = self.scan_json(value);
        apply_json(value, &scan, self.policy(), ctx)
    }
}

/// Applies `policy` in place to the findings of [`Engine::scan_json`] on `value`.
///
/// A `block` finding fails before anything changes. Any other error (a vault failure) can
/// leave the document partly rewritten: discard it then, as the call has failed anyway.
pub fn apply_json(
    value: &mut Value,
    scan: &JsonScan,
    policy: &Policy,
    ctx: &ActionContext<'_>,
) -> Result<Report, DlpError> {
    check_blocked(scan.findings.iter().map(|f| &f.finding), policy)?;
    let mut by_place: HashMap<(&str, bool), Vec<Finding>> = HashMap::new();
    for found in &scan.findings {
        by_place
            .entry((found.path.as_str(), found.in_key))
            .or_default()
            .push(found.finding.clone());
    }
    let mut report = Report {
        truncated: scan.truncated,
        ..Report::default()
    };
    let mut redact_text =
        |text: &str, path: &str, in_key: bool| -> Result<Option<String>, DlpError> {
            let Some(findings) = by_place.get(&(path, in_key)) else {
                return Ok(None);
            };
            let (bytes, part) =
                apply_bytes_with(text.as_bytes(), findings, policy, ctx, |f| Location::Json {
                    path: path.to_owned(),
                    in_key,
                    start: f.start,
                    end: f.end,
                })?;
            report.merge(part);
            String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| DlpError::InvalidFinding)
        };
    let mut stack: Vec<(&mut Value, String)> = vec![(value, String::new())];
    while let Some((node, path)) = stack.pop() {
        match node {
            Value::String(text) => {
                if let Some(redacted) = redact_text(text, &path, false)? {
                    *text = redacted;
                }
            }
            Value::Number(number) => {
                if let Some(redacted) = redact_text(&number.to_string(), &path, false)? {
                    *node = Value::String(redacted);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    stack.push((item, child_path(&path, &index.to_string())));
                }
            }
            Value::Object(members) => {
                let old = std::mem::take(members);
                let mut paths: HashMap<String, String> = HashMap::with_capacity(old.len());
                let mut renamed = Map::new();
                for (key, item) in old {
                    let member_path = child_path(&path, &key);
                    let mut new_key = redact_text(&key, &member_path, true)?.unwrap_or(key);
                    if renamed.contains_key(&new_key) {
                        let base = new_key.clone();
                        let mut n = 2;
                        while renamed.contains_key(&new_key) {
                            new_key = format!("{base}~{n}");
                            n += 1;
                        }
                    }
                    paths.insert(new_key.clone(), member_path);
                    renamed.insert(new_key, item);
                }
                *members = renamed;
                for (key, item) in members.iter_mut() {
                    if let Some(member_path) = paths.remove(key) {
                        stack.push((item, member_path));
                    }
                }
            }
            Value::Null | Value::Bool(_) => {}
        }
    }
    Ok(report)
}
