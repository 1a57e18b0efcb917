//! Properties over generated input: no panic on any bytes, redaction removes every inserted
//! value, JSON stays valid, and the prefilter never changes what the detectors find.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use dlp::{Action, Policy, apply};
use proptest::prelude::*;

/// Words and fragments that wake detectors up, so generated text exercises the confirm and
/// validate stages, not only the prefilter.
const FRAGMENTS: &[&str] = &[
    "password",
    "=",
    ": ",
    "token",
    "key",
    "@",
    ".",
    "-",
    " ",
    "\n",
    "://",
    "AKIA",
    "ghp_",
    "eyJ",
    "-----BEGIN PRIVATE KEY-----",
    "4111",
    "+1",
    "(",
    ")",
    "0",
    "1",
    "9",
    "DE89",
    "SSN",
    "passport",
    "é",
    "✓",
    "\u{0}",
    "secret",
    "sk_live_",
    "xoxb-",
    "Bearer ",
    "Q~",
];

fn texty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
            "[A-Za-z0-9+/_]{1,40}",
            any::<String>(),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// A secret or PII value that a detector must find, built from generated randomness.
fn planted() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{30}".prop_map(|body| common::with_github_checksum("ghp_", &body)),
        "[A-Z2-7]{16}".prop_map(|body| format!("AKIA{body}")),
        "[a-z]{3,10}".prop_map(|user| format!("{user}.x@example.org")),
        "[A-Za-z0-9]{24}".prop_map(|body| format!("sk_live_{body}")),
    ]
    .prop_filter("not a placeholder", |value| {
        !dlp::validate::is_placeholder(value.as_bytes())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let scan = engine().scan_bytes(&bytes);
        for finding in &scan.findings {
            prop_assert!(finding.start < finding.end && finding.end <= bytes.len());
        }
        dlp::apply_bytes(&bytes, &scan.findings, &Policy::uniform(Action::Mask), &Default::default()).unwrap();
    }

    #[test]
    fn never_panics_and_matches_exhaustive_on_text(text in texty()) {
        let scan = engine().scan(&text);
        for finding in &scan.findings {
            prop_assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end));
        }
        // IPv6's trigger is a documented approximation (see detectors/pii/network.rs).
        let without_ipv6 = |s: &dlp::Scan| -> Vec<dlp::Finding> {
            s.findings.iter().filter(|f| &*f.detector != "ipv6_address").cloned().collect()
        };
        prop_assert_eq!(without_ipv6(&scan), without_ipv6(&engine().scan_exhaustive(text.as_bytes())));
        for batch in [1, 2, 5] {
            prop_assert_eq!(&engine().scan_bytes_batched(text.as_bytes(), batch), &scan);
        }
        let out = apply(&text, &scan.findings, &Policy::uniform(Action::Redact), &Default::default()).unwrap();
        prop_assert_eq!(out.report.total(), scan.findings.len());
    }

    #[test]
    fn redaction_removes_planted_values(
        before in texty(),
        value in planted(),
        after in texty(),
        action in prop::sample::select(vec![Action::Redact, Action::Hash, Action::Mask]),
    ) {
        let text = format!("{before} {value} {after}");
        let key = dlp::HashKey::new(vec![7u8; 32]).unwrap();
        let ctx = dlp::ActionContext { hash_key: Some(&key), vault: None };
        let scan = engine().scan(&text);
        let out = apply(&text, &scan.findings, &Policy::uniform(action), &ctx).unwrap();
        // Mask keeps the last four characters by design; everything before them must go.
        let must_vanish = if action == Action::Mask { &value[..value.len() - 4] } else { value.as_str() };
        prop_assert!(!out.text.contains(must_vanish), "{:?} survived in {:?}", value, out.text);
    }

    #[test]
    fn json_stays_valid_and_loses_planted_values(
        keys in prop::collection::vec("[a-z_@.]{0,12}", 1..6),
        values in prop::collection::vec(texty(), 1..6),
        value in planted(),
    ) {
        let mut object = serde_json::Map::new();
        for (key, text) in keys.iter().zip(&values) {
            object.insert(key.clone(), serde_json::Value::String(text.clone()));
        }
        object.insert("planted".to_owned(), serde_json::json!([{"v": format!("x {value} y")}]));
        let mut doc = serde_json::Value::Object(object);
        engine().redact_json(&mut doc, &Default::default()).unwrap();
        let text = serde_json::to_string(&doc).unwrap();
        let reparsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&reparsed, &doc);
        prop_assert!(!text.contains(&value));
    }
}

#[test]
fn pathological_repetition_stays_fast_and_bounded() {
    // Long runs of what detectors look for: each is linear in the input, and the findings
    // cap keeps memory bounded. (Timing is measured by the benchmark, not asserted here.)
    for unit in [
        "password=",
        "@a",
        "1 ",
        "ghp_",
        "key ",
        "-----BEGIN PRIVATE KEY-----",
        "1.1.",
        "a:",
    ] {
        let text = unit.repeat(200_000 / unit.len());
        let scan = engine().scan(&text);
        assert!(scan.findings.len() <= engine().max_findings());
    }
}
