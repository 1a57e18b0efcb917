//! Configuration, serde-deserializable (TOML-friendly). Everything has a default, so an empty
//! table gives all detectors with action `redact`.
//!
//! ```toml
//! categories = ["secret", "pii"]          # families or kinds ("pii.email"); default: all
//! disabled_detectors = ["icd10_code"]
//! ip_addresses = false                    # IPv4/IPv6 detection
//! max_findings = 10000                    # per scanned text; more are dropped and reported
//! hash_key = "tenant-default"             # name of the key the host resolves for `hash`
//!
//! [actions]
//! default = "redact"
//! categories = { "pii" = "mask", "pii.email" = "hash", "secret.crypto" = "block" }
//! detectors = { "jwt" = "tokenize" }
//!
//! [[custom]]
//! id = "acme_employee_id"
//! pattern = 'ACME-\d{6}'
//! keywords = ["ACME-"]
//! category = "pii.national_id"
//! severity = "high"
//! action = "mask"
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::detector::{Category, Confidence, SecretKind, Severity};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DlpConfig {
    /// Category families (`secret`, `pii`) or kinds (`pii.email`) to detect. Empty: all.
    pub categories: Vec<String>,
    /// Built-in or custom detector ids to leave out.
    pub disabled_detectors: Vec<String>,
    /// Detect IPv4 and IPv6 addresses.
    pub ip_addresses: bool,
    /// Findings kept per scanned text (or JSON document); the rest are dropped and the
    /// result says it was truncated.
    pub max_findings: usize,
    pub actions: ActionConfig,
    /// Name of the per-tenant key used by the `hash` action. The engine never reads key
    /// material itself; the host resolves this name and passes the key to `apply`.
    pub hash_key: Option<String>,
    pub custom: Vec<CustomDetectorConfig>,
}

impl Default for DlpConfig {
    fn default() -> Self {
        DlpConfig {
            categories: Vec::new(),
            disabled_detectors: Vec::new(),
            ip_addresses: true,
            max_findings: 10_000,
            actions: ActionConfig::default(),
            hash_key: None,
            custom: Vec::new(),
        }
    }
}

/// Which action applies: a detector's own entry, else its kind (`pii.email`), else its family
/// (`pii`), else `default`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionConfig {
    pub default: Action,
    pub categories: BTreeMap<String, Action>,
    pub detectors: BTreeMap<String, Action>,
}

impl Default for ActionConfig {
    fn default() -> Self {
        ActionConfig {
            default: Action::Redact,
            categories: BTreeMap::new(),
            detectors: BTreeMap::new(),
        }
    }
}

/// A detector defined in configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomDetectorConfig {
    pub id: String,
    /// Byte regex, ASCII semantics by default (see [`crate::Detector`]); a group named
    /// `secret` narrows the finding.
    pub pattern: String,
    /// Literal prefilter words that every match contains. Without keywords the detector is
    /// checked by a whole-text regex pass, which is much slower on large texts.
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub case_sensitive_keywords: bool,
    /// One of `luhn`, `payment_card`, `iban`, `us_ssn`, `entropy`, `secret_value`,
    /// `password`, `jwt`, `private_key`, `email`, `ipv4`, `ipv6`, `phone`, `date`.
    #[serde(default)]
    pub validator: Option<String>,
    /// Threshold for `validator = "entropy"` (bits per byte; default 3.0).
    #[serde(default)]
    pub min_entropy: Option<f64>,
    #[serde(default = "default_custom_category")]
    pub category: Category,
    #[serde(default)]
    pub severity: Severity,
    #[serde(default)]
    pub confidence: Confidence,
    /// Shortcut for an entry in `actions.detectors`.
    #[serde(default)]
    pub action: Option<Action>,
    /// Shown by `hash` (`‹LABEL:…›`); default: the id in upper case.
    #[serde(default)]
    pub label: Option<String>,
}

fn default_custom_category() -> Category {
    Category::Secret(SecretKind::Generic)
}

/// `secret`, `pii`, or a kind such as `pii.email`.
pub(crate) fn selector_matches(selector: &str, category: Category) -> bool {
    selector == category.family() || selector.parse::<Category>().is_ok_and(|c| c == category)
}

pub(crate) fn selector_is_valid(selector: &str) -> bool {
    matches!(selector, "secret" | "pii") || selector.parse::<Category>().is_ok()
}
