//! Atlassian: API tokens (`ATATT…`, with a trailing checksum), OAuth and personal access
//! tokens (`ATCTT…`), and older unprefixed API tokens named as such.

use crate::detector::{Confidence, Detector, SecretKind::Atlassian, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        // Atlassian API tokens (ATATT…, with a trailing checksum) and OAuth/PAT access tokens.
        Detector::secret(
            "atlassian_api_token",
            Atlassian,
            r"\bATATT[A-Za-z0-9_\-=]{150,300}",
        )
        .prefixes(&["ATATT"])
        .severity(Severity::Critical)
        .validator(Validator::Entropy { min_bits: 4.0 }),
        Detector::secret(
            "atlassian_access_token",
            Atlassian,
            r"\bATCTT[A-Za-z0-9_\-=]{150,300}",
        )
        .prefixes(&["ATCTT"])
        .severity(Severity::Critical)
        .validator(Validator::Entropy { min_bits: 4.0 }),
        Detector::secret(
            "atlassian_api_token_legacy",
            Atlassian,
            r#"(?i)(?:atlassian|jira|confluence)[\w.\-]{0,20}(?:token|api_?key)["']?\s{0,4}(?:=>|:=|[:=]|\s)\s{0,4}["']?(?P<secret>[A-Za-z0-9]{24})\b"#,
        )
        .keywords(&["atlassian", "jira", "confluence"])
        .confidence(Confidence::Medium)
        .validator(Validator::SecretValue { min_len: 24, min_entropy: 3.5, min_classes: 2 }),
    ]
}
