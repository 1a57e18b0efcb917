//! Structure-aware JSON scanning and redaction: paths, member names, numbers, name context.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use dlp::{Action, Location, Policy, apply_json};
use serde_json::json;

#[test]
fn finds_values_with_json_pointer_paths() {
    let token = github_token("ghp_", 30);
    let doc = json!({
        "results": [
            {"title": "Runbook", "body": format!("use {token} to deploy")},
            {"title": "Team", "owners": ["gina@example.org"]}
        ],
        "a/b~c": "hank@example.org"
    });
    let scan = engine().scan_json(&doc);
    let places: Vec<(&str, &str, bool)> = scan
        .findings
        .iter()
        .map(|f| (f.path.as_str(), &*f.finding.detector, f.in_key))
        .collect();
    assert_eq!(
        places,
        vec![
            ("/a~1b~0c", "email", false),
            ("/results/0/body", "github_personal_access_token", false),
            ("/results/1/owners/0", "email", false),
        ]
    );
    assert_eq!(scan.findings[1].finding.start, 4);
}

#[test]
fn member_names_give_context_to_their_values() {
    let password = random(BASE62, 12);
    let doc = json!({
        "password": password,
        "phone": "020 7946 0958",
        "note": "020 7946 0958",
        "AWS_SECRET_ACCESS_KEY": random(BASE64, 40),
    });
    let scan = engine().scan_json(&doc);
    let mut found: Vec<(&str, &str)> = scan
        .findings
        .iter()
        .map(|f| (f.path.as_str(), &*f.finding.detector))
        .collect();
    found.sort_unstable();
    assert_eq!(
        found,
        vec![
            ("/AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"),
            ("/password", "password_assignment"),
            ("/phone", "phone_national"),
        ]
    );
    let whole = scan
        .findings
        .iter()
        .find(|f| f.path == "/password")
        .unwrap();
    assert_eq!(
        (whole.finding.start, whole.finding.end),
        (0, password.len())
    );
}

#[test]
fn redaction_keeps_the_document_valid_json() {
    let doc = json!({
        "ivan@example.org": {"role": "admin"},
        "card": 4539578763621486u64,
        "quote": "He said \"mail judy@example.org\"\n",
        "nested": [[[{"deep": "kim@example.org"}]]],
        "plain": "nothing here",
        "n": 42,
        "flag": true,
        "nothing": null
    });
    let mut redacted = doc.clone();
    let report = engine()
        .redact_json(&mut redacted, &Default::default())
        .unwrap();
    let text = serde_json::to_string(&redacted).unwrap();
    let reparsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(reparsed, redacted);
    assert_eq!(
        redacted,
        json!({
            "[REDACTED:email]": {"role": "admin"},
            "card": "[REDACTED:credit_card]",
            "quote": "He said \"mail [REDACTED:email]\"\n",
            "nested": [[[{"deep": "[REDACTED:email]"}]]],
            "plain": "nothing here",
            "n": 42,
            "flag": true,
            "nothing": null
        })
    );
    assert_eq!(report.total(), 4);
    let in_key = report.entries.iter().flat_map(|e| &e.locations).any(
        |l| matches!(l, Location::Json { path, in_key: true, .. } if path == "/ivan@example.org"),
    );
    assert!(in_key);
}

#[test]
fn redacted_member_names_that_collide_get_suffixes() {
    let mut doc = json!({"a@example.org": 1, "b@example.org": 2});
    engine().redact_json(&mut doc, &Default::default()).unwrap();
    let object = doc.as_object().unwrap();
    assert_eq!(object.len(), 2);
    assert!(object.contains_key("[REDACTED:email]"));
    assert!(object.contains_key("[REDACTED:email]~2"));
}

#[test]
fn block_anywhere_fails_the_document() {
    let original = json!({"a": ["fine", {"b": format!("sk_live_{}", random(BASE62, 24))}], "c": "mo@example.org"});
    let mut doc = original.clone();
    let scan = engine().scan_json(&doc);
    let policy = Policy::uniform(Action::Redact).with_category("secret.payment", Action::Block);
    let error = apply_json(&mut doc, &scan, &policy, &Default::default()).unwrap_err();
    assert!(error.to_string().contains("stripe_secret_key"));
    assert_eq!(doc, original, "nothing changed before the block");
}

#[test]
fn very_deep_documents_do_not_overflow_the_stack() {
    let mut doc = json!("lee@example.org");
    for _ in 0..20_000 {
        doc = serde_json::Value::Array(vec![doc]);
    }
    let scan = engine().scan_json(&doc);
    assert_eq!(scan.findings.len(), 1);
    let report = engine().redact_json(&mut doc, &Default::default()).unwrap();
    assert_eq!(report.total(), 1);
    // Dropping a 20,000-deep Value recurses inside serde_json; leak it to keep this test
    // about our walks, not about serde_json's destructor.
    std::mem::forget(doc);
}
