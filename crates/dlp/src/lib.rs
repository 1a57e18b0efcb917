//! Data loss prevention: find secrets and personal data in text and JSON, and redact, mask,
//! hash, tokenize or block them by policy. Pure library: no I/O, no async.
//!
//! ```
//! use dlp::{ActionContext, DlpConfig, Engine};
//!
//! let engine = Engine::new(&DlpConfig::default())?;
//! let text = "Ping alice@example.org; db at postgres://app:S3cr3t-pw@db.internal/app";
//! let scan = engine.scan(text);
//! assert_eq!(scan.findings.len(), 2);
//! let redacted = engine.redact(text, &ActionContext::default())?;
//! assert_eq!(
//!     redacted.text,
//!     "Ping [REDACTED:email]; db at postgres://app:[REDACTED:url_credentials]@db.internal/app"
//! );
//! # Ok::<(), dlp::DlpError>(())
//! ```
//!
//! # How a text is scanned (one pass, bounded)
//!
//! 1. **Prefilter**: one Aho-Corasick pass (ASCII case ignored) finds every detector keyword
//!    (`ghp_`, `AKIA`, `password`, `@`, `://`, …); one byte-table pass finds digit runs for
//!    the detectors that have no literal (cards, phones, SSNs, IBANs, IPs), with cheap gates
//!    (digit count, dots/colons, two letters before an IBAN, a context word before a national
//!    phone number). Custom detectors without keywords get one multi-pattern regex pass. Text
//!    with no keyword and no qualifying digit run costs just these passes.
//! 2. **Confirm**: only triggered detectors run their regex — anchored at each keyword when a
//!    match starts within a few bytes of it, otherwise inside a window as wide as the longest
//!    possible match (look-around still sees the whole text). Regexes are `regex-automata`
//!    meta regexes over bytes: linear time, size-limited, ASCII semantics by default.
//!    Hits are confirmed in batches of a few thousand as the prefilter goes, so memory does
//!    not grow with the number of hits (a text made of nothing but keywords).
//! 3. **Validate**: checksums (Luhn, IBAN mod-97), number plans (SSN), entropy, JWT
//!    structure, context words ("passport", "phone"), and for every secret the placeholder
//!    allowlist (`xxxx`, `<token>`, `changeme`, `${VAR}`, `…EXAMPLE`).
//! 4. **Resolve overlaps**: the more severe, then more confident, then longer finding wins.
//! 5. **Cap**: at most `max_findings` per text; [`Scan::truncated`] says when more existed.
//!
//! [`Engine::scan_exhaustive`] is the same without step 1 (every regex over the whole text);
//! the tests check that both agree, which is what makes the prefilter safe to tune.
//!
//! Findings, reports and errors hold detector ids, categories and offsets, never values.
//! [`Engine::scan_bytes`] works on non-UTF-8 bytes directly (patterns are byte regexes), so
//! offsets need no mapping. [`Engine::scan_json`] walks JSON (see [`json`] for what is
//! scanned and how redaction keeps the document valid).
//!
//! Built-in detectors: [`detectors::builtin`]; configuration: [`DlpConfig`]; actions and
//! reports: [`action`].

pub mod action;
mod compile;
pub mod config;
mod custom;
pub mod detector;
pub mod detectors;
mod engine;
pub mod error;
mod finding;
mod gate;
pub mod json;
mod keywords;
mod prefilter;
pub mod validate;
mod work;

pub use action::{
    Action, ActionContext, HashKey, Location, Policy, Redacted, Report, ReportEntry, TokenVault,
    apply, apply_bytes,
};
pub use config::{ActionConfig, CustomDetectorConfig, DlpConfig};
pub use detector::{
    AnchorWindow, Category, Confidence, Detector, PiiKind, SecretKind, Severity, Trigger,
};
pub use engine::Engine;
pub use error::DlpError;
pub use finding::{Finding, PrefilterStat, Scan};
pub use json::{JsonFinding, JsonScan, apply_json};
pub use validate::Validator;
