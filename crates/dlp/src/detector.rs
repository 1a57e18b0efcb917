//! What a detector is: an id, a category, how sure and how bad a hit is, what wakes it up
//! (keywords or digit runs), the regex that confirms a hit, and the checks that validate it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::validate::Validator;

/// Kinds of secret, grouped by where they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretKind {
    /// Cloud providers: AWS, GCP, Azure, DigitalOcean, …
    Cloud,
    /// Source hosting: GitHub, GitLab, Bitbucket.
    SourceHosting,
    /// Chat and collaboration: Slack, Discord, Teams, Telegram.
    Chat,
    /// Atlassian API and access tokens.
    Atlassian,
    /// Payment and messaging APIs: Stripe, Twilio, SendGrid, Mailgun, …
    Payment,
    /// Other SaaS APIs (monitoring, productivity, infrastructure tooling).
    Saas,
    /// AI APIs: OpenAI, Anthropic, Hugging Face, …
    Ai,
    /// Package registries: npm, PyPI, RubyGems, Docker Hub, …
    Registry,
    /// Private key material: PEM, OpenSSH, PGP, PuTTY, age.
    Crypto,
    /// Credentials in URLs, connection strings, headers and `password = …` assignments.
    Credential,
    /// High-entropy values next to secret-ish words; no vendor format.
    Generic,
}

/// Kinds of personal (and health) data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    Email,
    Phone,
    Card,
    Iban,
    /// Government identifiers: SSN, ITIN, NINO, passport, national id cards.
    NationalId,
    Ip,
    Dob,
    /// Health information hints: medical record numbers, diagnosis codes.
    Phi,
}

/// A detector's category. Written in configuration as `secret`, `secret.cloud`, `pii`,
/// `pii.email`, … (the kind names are the snake_case variant names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Secret(SecretKind),
    Pii(PiiKind),
}

const SECRET_KINDS: &[(SecretKind, &str)] = &[
    (SecretKind::Cloud, "cloud"),
    (SecretKind::SourceHosting, "source_hosting"),
    (SecretKind::Chat, "chat"),
    (SecretKind::Atlassian, "atlassian"),
    (SecretKind::Payment, "payment"),
    (SecretKind::Saas, "saas"),
    (SecretKind::Ai, "ai"),
    (SecretKind::Registry, "registry"),
    (SecretKind::Crypto, "crypto"),
    (SecretKind::Credential, "credential"),
    (SecretKind::Generic, "generic"),
];

const PII_KINDS: &[(PiiKind, &str)] = &[
    (PiiKind::Email, "email"),
    (PiiKind::Phone, "phone"),
    (PiiKind::Card, "card"),
    (PiiKind::Iban, "iban"),
    (PiiKind::NationalId, "national_id"),
    (PiiKind::Ip, "ip"),
    (PiiKind::Dob, "dob"),
    (PiiKind::Phi, "phi"),
];

impl Category {
    /// `"secret"` or `"pii"`.
    pub fn family(self) -> &'static str {
        match self {
            Category::Secret(_) => "secret",
            Category::Pii(_) => "pii",
        }
    }

    /// The kind's name without the family, e.g. `"cloud"` or `"email"`.
    pub fn kind_name(self) -> &'static str {
        match self {
            Category::Secret(kind) => SECRET_KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or("generic", |(_, name)| name),
            Category::Pii(kind) => PII_KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or("pii", |(_, name)| name),
        }
    }

    pub fn is_secret(self) -> bool {
        matches!(self, Category::Secret(_))
    }

    /// Every category, for documentation and config validation.
    pub fn all() -> impl Iterator<Item = Category> {
        SECRET_KINDS
            .iter()
            .map(|(k, _)| Category::Secret(*k))
            .chain(PII_KINDS.iter().map(|(k, _)| Category::Pii(*k)))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.family(), self.kind_name())
    }
}

/// A category name that is neither `secret.<kind>` nor `pii.<kind>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown category {0:?} (expected e.g. \"secret.cloud\" or \"pii.email\")")]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownCategory(s.to_owned());
        let (family, kind) = s.split_once('.').ok_or_else(unknown)?;
        match family {
            "secret" => SECRET_KINDS
                .iter()
                .find(|(_, name)| *name == kind)
                .map(|(k, _)| Category::Secret(*k))
                .ok_or_else(unknown),
            "pii" => PII_KINDS
                .iter()
                .find(|(_, name)| *name == kind)
                .map(|(k, _)| Category::Pii(*k))
                .ok_or_else(unknown),
            _ => Err(unknown()),
        }
    }
}

impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How much harm a leak does. Overlapping findings keep the more severe one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    #[default]
    Medium,
    High,
    Critical,
}

/// How likely a confirmed, validated match is a true positive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    #[default]
    Medium,
    High,
}

/// What makes the engine run a detector's confirm regex over part of a text.
///
/// `lead` is how many bytes a match can start before its anchor (the keyword or the digit
/// run). Small leads let the engine try a few anchored matches at the anchor instead of
/// searching a window; `None` means "unknown" and is treated as the pattern's full length.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// Literal keywords; the engine finds them all in one Aho-Corasick pass. Every match of the
    /// detector must contain one of them, starting at most `lead` bytes before it.
    Keywords {
        words: Vec<String>,
        /// Keywords must match exactly (`AKIA`); otherwise ASCII case is ignored (`password`).
        case_sensitive: bool,
        lead: Option<usize>,
        /// Skip hits preceded by an ASCII letter (`key` in `monkey`) without running the regex.
        word_start: bool,
    },
    /// Runs of digits (with separators such as space, `-`, `.`, `/`, `:`, parentheses and hex
    /// letters in between) that pass `gate`; every match must contain such a run, starting at
    /// most `lead` bytes before it.
    Digits {
        gate: DigitGate,
        lead: Option<usize>,
    },
    /// No literal anchor: a multi-pattern regex pass over the whole text decides (slow path,
    /// only for custom detectors without keywords).
    Always,
}

/// Which digit runs wake a detector up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DigitGate {
    pub min_digits: usize,
    pub min_dots: usize,
    pub min_colons: usize,
    /// The run must follow exactly this many ASCII letters (an optional space between),
    /// e.g. 2 for an IBAN's country code or a NINO's prefix.
    pub letters_before: usize,
    /// Runs may continue through hex letters (IPv6). Other gates see hex letters as run
    /// ends, so hashes and ids split into short runs that wake nothing.
    pub allow_hex: bool,
}

/// Context words that must (or must not) appear near a match.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// At least one of these must occur within `window` bytes before the match (ASCII case is
    /// ignored). Empty means no requirement.
    pub required: Vec<String>,
    /// None of these may occur within `window` bytes before the match.
    pub forbidden: Vec<String>,
    pub window: usize,
}

/// A detector definition. Built-in ones live in [`crate::detectors`]; custom ones come from
/// [`crate::DlpConfig`]. The pattern is compiled once by [`crate::Engine::new`].
///
/// Patterns are byte regexes with ASCII semantics by default (`\d`, `\w`, `\b`, `(?i)` are
/// ASCII; `(?u:…)` turns Unicode on for a group). A capture group named `secret` narrows the
/// finding to the sensitive part (the value of `password=…`, not the key).
#[derive(Debug, Clone, PartialEq)]
pub struct Detector {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub trigger: Trigger,
    pub pattern: String,
    pub validator: Option<Validator>,
    pub context: Option<Context>,
    /// The value shown in place of a hashed value, e.g. `EMAIL` in `‹EMAIL:3f9a1c2b›`.
    pub label: String,
    /// How far (bytes) a match can extend from its anchor, for unbounded patterns; bounded
    /// patterns get their exact maximum length.
    pub reach: Option<usize>,
    /// A tighter window around each keyword hit, read from the bytes next to it.
    pub anchor_window: Option<AnchorWindow>,
}

/// How to narrow the window around a keyword hit to where a match can actually be, so that
/// the confirm regex searches a few bytes instead of `lead + reach`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorWindow {
    /// The keyword is the `@` of an email address: the window is the run of local-part bytes
    /// (`A-Za-z0-9._%+-`, at most 64) before it and the run of domain bytes (`A-Za-z0-9.-`)
    /// after it, and there is none without a local part, a letter or digit right after the
    /// `@`, or a dot in the domain.
    EmailAt,
}

impl Detector {
    /// A detector with high severity and confidence and no trigger yet (add one with
    /// [`Detector::prefixes`], [`Detector::keywords`] or [`Detector::digits`]).
    pub fn new(id: &str, category: Category, pattern: &str) -> Self {
        Detector {
            id: id.to_owned(),
            category,
            severity: Severity::High,
            confidence: Confidence::High,
            trigger: Trigger::Always,
            pattern: pattern.to_owned(),
            validator: None,
            context: None,
            label: id.to_ascii_uppercase(),
            reach: None,
            anchor_window: None,
        }
    }

    pub fn secret(id: &str, kind: SecretKind, pattern: &str) -> Self {
        Self::new(id, Category::Secret(kind), pattern)
    }

    pub fn pii(id: &str, kind: PiiKind, pattern: &str) -> Self {
        Self::new(id, Category::Pii(kind), pattern)
    }

    /// Case-sensitive literal anchors; matches start at the anchor unless [`Detector::lead`]
    /// says otherwise.
    pub fn prefixes(mut self, words: &[&str]) -> Self {
        self.trigger = Trigger::Keywords {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            case_sensitive: true,
            lead: Some(0),
            word_start: false,
        };
        self
    }

    /// Case-insensitive literal anchors, otherwise like [`Detector::prefixes`].
    pub fn keywords(mut self, words: &[&str]) -> Self {
        self.trigger = Trigger::Keywords {
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            case_sensitive: false,
            lead: Some(0),
            word_start: false,
        };
        self
    }

    /// Anchored on digit runs with at least `min_digits` digits.
    pub fn digits(self, min_digits: usize) -> Self {
        self.digit_gate(DigitGate {
            min_digits,
            ..DigitGate::default()
        })
    }

    pub fn digit_gate(mut self, gate: DigitGate) -> Self {
        // Most digit patterns open with one boundary byte, and phones with `(` or `+`.
        self.trigger = Trigger::Digits {
            gate,
            lead: Some(2),
        };
        self
    }

    /// Keyword hits preceded by an ASCII letter are ignored (set after the trigger).
    pub fn word_start(mut self) -> Self {
        if let Trigger::Keywords { word_start, .. } = &mut self.trigger {
            *word_start = true;
        }
        self
    }

    /// Narrows the window around each keyword hit (see [`AnchorWindow`]).
    pub fn anchor_window(mut self, shape: AnchorWindow) -> Self {
        self.anchor_window = Some(shape);
        self
    }

    /// How many bytes before its anchor a match can start (set after the trigger).
    pub fn lead(mut self, bytes: usize) -> Self {
        match &mut self.trigger {
            Trigger::Keywords { lead, .. } | Trigger::Digits { lead, .. } => *lead = Some(bytes),
            Trigger::Always => {}
        }
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = confidence;
        self
    }

    pub fn validator(mut self, validator: Validator) -> Self {
        self.validator = Some(validator);
        self
    }

    pub fn reach(mut self, bytes: usize) -> Self {
        self.reach = Some(bytes);
        self
    }

    pub fn label(mut self, label: &str) -> Self {
        self.label = label.to_owned();
        self
    }

    /// Requires one of `words` within `window` bytes before the match.
    pub fn requires_context(mut self, words: &[&str], window: usize) -> Self {
        let context = self.context.get_or_insert_with(Context::default);
        context.required = words.iter().map(|w| (*w).to_owned()).collect();
        context.window = context.window.max(window);
        self
    }

    /// Rejects a match with one of `words` within `window` bytes before it.
    pub fn forbids_context(mut self, words: &[&str], window: usize) -> Self {
        let context = self.context.get_or_insert_with(Context::default);
        context.forbidden = words.iter().map(|w| (*w).to_owned()).collect();
        context.window = context.window.max(window);
        self
    }
}
