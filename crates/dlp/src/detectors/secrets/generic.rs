//! Unprefixed high-entropy values next to secret-ish words ("the API key is 8Fq…").

use crate::detector::{Confidence, Detector, SecretKind::Generic, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        // The word must stand alone or inside an identifier (`api_key`, not `keyboard` or
        // `monkey`); the value follows after separators and at most two short filler phrases
        // ("is", "for staging", …), which keeps the automaton small.
        Detector::secret(
            "generic_high_entropy_secret",
            Generic,
            r"(?i)(?:^|[^a-z])(?:key|token|secret|passw(?:or)?d|credential)s?(?:[^A-Za-z0-9+/_\-\n]{1,6}(?:(?:is|was|are|here|equals|for\s[a-z0-9_\-]{1,20}|of\s[a-z0-9_\-]{1,20})[^A-Za-z0-9+/_\-\n]{1,4}){0,2})(?P<secret>[A-Za-z0-9+/_\-]{24,200}={0,2})(?:[^A-Za-z0-9+/_\-=.]|$)",
        )
        .keywords(&["key", "token", "secret", "passwd", "password", "credential"])
        .lead(1)
        .word_start()
        .severity(Severity::Medium)
        .confidence(Confidence::Low)
        .forbids_context(
            &["sha", "commit", "hash", "checksum", "digest", "md5", "fingerprint", "etag",
              "uuid", "base64,", "public", "nonce", "cursor", "page_token", "pagetoken", "tokens"],
            64,
        )
        .validator(Validator::SecretValue { min_len: 24, min_entropy: 3.6, min_classes: 3 })
        .label("SECRET"),
    ]
}
