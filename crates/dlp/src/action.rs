//! What happens to a finding: `redact`, `mask`, `hash`, `tokenize`, `block` or `allow`, chosen
//! by [`Policy`] per detector or category; and the findings [`Report`] for the audit log,
//! which names detectors, counts and locations but never values.

use std::collections::HashMap;
use std::fmt;

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};

use crate::config::{DlpConfig, selector_is_valid};
use crate::detector::{Category, PiiKind};
use crate::error::DlpError;
use crate::finding::Finding;

/// What to do with a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Leave the value; the finding is still reported.
    Allow,
    /// `[REDACTED:<detector>]`.
    Redact,
    /// Stars, keeping the last four characters of values of 8 characters or more:
    /// `************1234`.
    Mask,
    /// `‹LABEL:8 hex›`: HMAC-SHA256 with the tenant key, so equal values get equal
    /// pseudonyms within a tenant and agents can still tell values apart.
    Hash,
    /// `‹LABEL:token id›`: the original goes, encrypted, into a [`TokenVault`].
    Tokenize,
    /// The whole call fails with [`DlpError::Blocked`].
    Block,
}

impl Action {
    /// Used when two overlapping findings disagree: the stricter action wins.
    fn strictness(self) -> u8 {
        match self {
            Action::Allow => 0,
            Action::Mask => 1,
            Action::Hash => 2,
            Action::Tokenize => 3,
            Action::Redact => 4,
            Action::Block => 5,
        }
    }
}

/// Chooses an action for a finding: the detector's own entry, else its kind (`pii.email`),
/// else its family (`pii`), else the default.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    default: Action,
    categories: HashMap<String, Action>,
    detectors: HashMap<String, Action>,
}

impl Policy {
    /// The same action for everything.
    pub fn uniform(action: Action) -> Policy {
        Policy {
            default: action,
            categories: HashMap::new(),
            detectors: HashMap::new(),
        }
    }

    /// Sets the action for one detector id (builder style, for hosts and tests).
    pub fn with_detector(mut self, id: &str, action: Action) -> Policy {
        self.detectors.insert(id.to_owned(), action);
        self
    }

    /// Sets the action for a family (`secret`) or kind (`pii.email`).
    pub fn with_category(mut self, selector: &str, action: Action) -> Policy {
        self.categories.insert(selector.to_owned(), action);
        self
    }

    pub(crate) fn from_config(
        config: &DlpConfig,
        known_ids: &[String],
    ) -> Result<Policy, DlpError> {
        let mut policy = Policy::uniform(config.actions.default);
        for (selector, action) in &config.actions.categories {
            if !selector_is_valid(selector) {
                return Err(DlpError::UnknownCategory {
                    name: selector.clone(),
                    place: "actions.categories",
                });
            }
            policy.categories.insert(selector.clone(), *action);
        }
        for (id, action) in &config.actions.detectors {
            if !known_ids.contains(id) {
                return Err(DlpError::UnknownDetector {
                    id: id.clone(),
                    place: "actions.detectors",
                });
            }
            policy.detectors.insert(id.clone(), *action);
        }
        for custom in &config.custom {
            if let Some(action) = custom.action {
                policy.detectors.insert(custom.id.clone(), action);
            }
        }
        Ok(policy)
    }

    pub fn action_for(&self, detector: &str, category: Category) -> Action {
        self.detectors
            .get(detector)
            .or_else(|| self.categories.get(&category.to_string()))
            .or_else(|| self.categories.get(category.family()))
            .copied()
            .unwrap_or(self.default)
    }
}

/// A tenant's key for the `hash` action. Its `Debug` shows nothing of the key.
#[derive(Clone)]
pub struct HashKey(Vec<u8>);

impl HashKey {
    /// At least 16 bytes of key material (use 32 random bytes).
    pub fn new(key: impl Into<Vec<u8>>) -> Result<HashKey, DlpError> {
        let key = key.into();
        if key.len() < 16 {
            return Err(DlpError::HashKeyTooShort);
        }
        Ok(HashKey(key))
    }
}

impl fmt::Debug for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashKey(…)")
    }
}

/// Where `tokenize` puts originals. The gateway's implementation encrypts them and lets only
/// authorized admins reveal them; this crate only calls it.
pub trait TokenVault {
    /// Stores `value` found by `detector` and returns its token id (no `›` in it).
    fn tokenize(
        &self,
        detector: &str,
        category: Category,
        value: &[u8],
    ) -> Result<String, Box<dyn std::error::Error + Send + Sync>>;
}

/// What actions may need besides the policy: the tenant's hash key and its vault.
#[derive(Default, Clone, Copy)]
pub struct ActionContext<'a> {
    pub hash_key: Option<&'a HashKey>,
    pub vault: Option<&'a dyn TokenVault>,
}

/// Where a finding was: byte offsets into a text, or into one string of a JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    Offset {
        start: usize,
        end: usize,
    },
    Json {
        /// JSON Pointer (RFC 6901) of the value, or of the member whose name held it.
        path: String,
        /// The finding was in the member name, not the value.
        in_key: bool,
        start: usize,
        end: usize,
    },
}

/// Findings of one detector with one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportEntry {
    pub detector: String,
    pub category: Category,
    pub action: Action,
    pub count: usize,
    pub locations: Vec<Location>,
}

/// What was found and done, for the audit log. Holds no values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub entries: Vec<ReportEntry>,
    /// The scan stopped at `max_findings`; later values were neither reported nor changed.
    pub truncated: bool,
}

impl Report {
    pub fn total(&self) -> usize {
        self.entries.iter().map(|e| e.count).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn record(&mut self, finding: &Finding, action: Action, location: Location) {
        let entry = match self
            .entries
            .iter_mut()
            .position(|e| *e.detector == *finding.detector && e.action == action)
        {
            Some(index) => &mut self.entries[index],
            None => {
                self.entries.push(ReportEntry {
                    detector: finding.detector.to_string(),
                    category: finding.category,
                    action,
                    count: 0,
                    locations: Vec::new(),
                });
                let last = self.entries.len() - 1;
                &mut self.entries[last]
            }
        };
        entry.count += 1;
        entry.locations.push(location);
    }

    pub(crate) fn merge(&mut self, other: Report) {
        self.truncated |= other.truncated;
        for entry in other.entries {
            match self
                .entries
                .iter_mut()
                .find(|e| e.detector == entry.detector && e.action == entry.action)
            {
                Some(mine) => {
                    mine.count += entry.count;
                    mine.locations.extend(entry.locations);
                }
                None => self.entries.push(entry),
            }
        }
    }
}

/// Redacted text and what was done to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub report: Report,
}

/// Fails with [`DlpError::Blocked`] if any finding's action is `block` — before any other
/// action runs, so nothing reaches the vault for a call that fails anyway.
pub fn check_blocked<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
    policy: &Policy,
) -> Result<(), DlpError> {
    for finding in findings {
        if policy.action_for(&finding.detector, finding.category) == Action::Block {
            return Err(DlpError::Blocked {
                detector: finding.detector.to_string(),
                category: finding.category,
            });
        }
    }
    Ok(())
}

/// Applies the policy's actions to `text`. `findings` are normally a [`crate::Scan`]'s;
/// overlapping ones are merged (the stricter action wins). Findings whose offsets do not fit
/// `text` are an error rather than silently skipped.
pub fn apply(
    text: &str,
    findings: &[Finding],
    policy: &Policy,
    ctx: &ActionContext<'_>,
) -> Result<Redacted, DlpError> {
    let (bytes, report) = apply_bytes_with(text.as_bytes(), findings, policy, ctx, |f| {
        Location::Offset {
            start: f.start,
            end: f.end,
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|_| DlpError::InvalidFinding)?;
    Ok(Redacted { text, report })
}

/// [`apply`] for raw bytes (the counterpart of [`crate::Engine::scan_bytes`]).
pub fn apply_bytes(
    hay: &[u8],
    findings: &[Finding],
    policy: &Policy,
    ctx: &ActionContext<'_>,
) -> Result<(Vec<u8>, Report), DlpError> {
    apply_bytes_with(hay, findings, policy, ctx, |f| Location::Offset {
        start: f.start,
        end: f.end,
    })
}

pub(crate) fn apply_bytes_with(
    hay: &[u8],
    findings: &[Finding],
    policy: &Policy,
    ctx: &ActionContext<'_>,
    locate: impl Fn(&Finding) -> Location,
) -> Result<(Vec<u8>, Report), DlpError> {
    check_blocked(findings, policy)?;
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut out = Vec::with_capacity(hay.len());
    let mut report = Report::default();
    let mut copied_to = 0;
    let mut index = 0;
    while let Some(&first) = ordered.get(index) {
        if first.start > first.end || first.end > hay.len() {
            return Err(DlpError::InvalidFinding);
        }
        // Merge every finding that overlaps this one into one replaced span.
        let (mut end, mut lead) = (first.end, first);
        let mut action = policy.action_for(&first.detector, first.category);
        report.record(first, action, locate(first));
        index += 1;
        while let Some(&next) = ordered.get(index).filter(|f| f.start < end) {
            if next.end > hay.len() {
                return Err(DlpError::InvalidFinding);
            }
            let next_action = policy.action_for(&next.detector, next.category);
            report.record(next, next_action, locate(next));
            if next_action.strictness() > action.strictness() {
                (action, lead) = (next_action, next);
            }
            end = end.max(next.end);
            index += 1;
        }
        let start = first.start.max(copied_to);
        out.extend_from_slice(&hay[copied_to..start]);
        let value = &hay[start..end];
        replace(&mut out, value, lead, action, ctx)?;
        copied_to = end;
    }
    out.extend_from_slice(&hay[copied_to..]);
    Ok((out, report))
}

fn replace(
    out: &mut Vec<u8>,
    value: &[u8],
    finding: &Finding,
    action: Action,
    ctx: &ActionContext<'_>,
) -> Result<(), DlpError> {
    match action {
        Action::Allow => out.extend_from_slice(value),
        Action::Redact => {
            out.extend_from_slice(b"[REDACTED:");
            out.extend_from_slice(finding.detector.as_bytes());
            out.push(b']');
        }
        Action::Mask => mask(out, value),
        Action::Hash => {
            let key = ctx.hash_key.ok_or(DlpError::MissingHashKey)?;
            let digest = pseudonym(key, finding.category, value);
            out.extend_from_slice(format!("‹{}:{digest}›", label_of(finding)).as_bytes());
        }
        Action::Tokenize => {
            let vault = ctx.vault.ok_or(DlpError::MissingVault)?;
            let token = vault
                .tokenize(&finding.detector, finding.category, value)
                .map_err(|e| DlpError::Vault(e.to_string()))?;
            out.extend_from_slice(format!("‹{}:{token}›", label_of(finding)).as_bytes());
        }
        Action::Block => {
            return Err(DlpError::Blocked {
                detector: finding.detector.to_string(),
                category: finding.category,
            });
        }
    }
    Ok(())
}

/// The label shown in pseudonyms: the detector id in upper case.
fn label_of(finding: &Finding) -> String {
    finding.detector.to_ascii_uppercase()
}

/// Keeps the last four characters of values with at least eight; stars for the rest, one
/// per character so the shape survives.
fn mask(out: &mut Vec<u8>, value: &[u8]) {
    let text = String::from_utf8_lossy(value);
    let chars = text.chars().count();
    let keep = if chars >= 8 { 4 } else { 0 };
    out.extend(std::iter::repeat_n(b'*', chars - keep));
    let tail: String = text.chars().skip(chars - keep).collect();
    out.extend_from_slice(tail.as_bytes());
}

/// 8 hex digits of HMAC-SHA256(key, category ‖ 0 ‖ normalized value). Normalizing makes
/// `Alice@Example.com` and `alice@example.com`, or `4111 1111…` and `4111-1111…`, one
/// pseudonym.
fn pseudonym(key: &HashKey, category: Category, value: &[u8]) -> String {
    let normalized: Vec<u8> = match category {
        Category::Pii(PiiKind::Email) => value.to_ascii_lowercase(),
        Category::Pii(PiiKind::Phone | PiiKind::Card | PiiKind::Iban | PiiKind::NationalId) => {
            value
                .iter()
                .filter(|b| b.is_ascii_alphanumeric())
                .map(u8::to_ascii_uppercase)
                .collect()
        }
        _ => value.to_vec(),
    };
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key.0)
        .unwrap_or_else(|_| unreachable_hmac());
    mac.update(category.to_string().as_bytes());
    mac.update(&[0]);
    mac.update(&normalized);
    let digest = mac.finalize().into_bytes();
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// HMAC accepts keys of any length, so construction cannot fail.
fn unreachable_hmac() -> hmac::Hmac<sha2::Sha256> {
    unreachable!("HMAC-SHA256 accepts keys of every length")
}

/// An in-memory [`TokenVault`] **for tests and demos only**: it keeps originals in plain
/// memory, unencrypted, and forgets them on drop. The gateway provides the real, encrypted
/// vault.
pub mod testing {
    use std::sync::Mutex;

    use super::TokenVault;
    use crate::detector::Category;

    #[derive(Default)]
    pub struct InMemoryVault {
        values: Mutex<Vec<Vec<u8>>>,
    }

    impl InMemoryVault {
        /// The original behind a token id from this vault.
        pub fn reveal(&self, token: &str) -> Option<Vec<u8>> {
            let index: usize = token.strip_prefix("tok_")?.parse().ok()?;
            self.values.lock().ok()?.get(index).cloned()
        }
    }

    impl std::fmt::Debug for InMemoryVault {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("InMemoryVault(…)")
        }
    }

    impl TokenVault for InMemoryVault {
        fn tokenize(
            &self,
            _detector: &str,
            _category: Category,
            value: &[u8],
        ) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
            let mut values = self.values.lock().map_err(|_| "vault lock poisoned")?;
            if let Some(existing) = values.iter().position(|v| v == value) {
                return Ok(format!("tok_{existing}"));
            }
            values.push(value.to_vec());
            Ok(format!("tok_{}", values.len() - 1))
        }
    }
}
