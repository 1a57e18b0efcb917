//! Actions and policy: redact, mask, hash (stable per tenant key), tokenize (vault), block
//! (error names the detector, never the value), allow; and the findings report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use dlp::action::testing::InMemoryVault;
use dlp::{Action, ActionContext, Category, DlpError, HashKey, Location, PiiKind, Policy, apply};

fn key(byte: u8) -> HashKey {
    HashKey::new(vec![byte; 32]).unwrap()
}

#[test]
fn redact_names_the_detector() {
    let token = format!("glpat-{}", random(BASE62, 20));
    let text = format!("token {token} and alice@example.org");
    let scan = engine().scan(&text);
    let out = apply(
        &text,
        &scan.findings,
        &Policy::uniform(Action::Redact),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(
        out.text,
        "token [REDACTED:gitlab_personal_access_token] and [REDACTED:email]"
    );
    assert_eq!(out.report.total(), 2);
    assert_eq!(
        out.report.entries[1].locations,
        vec![Location::Offset { start: 37, end: 54 }]
    );
}

#[test]
fn mask_keeps_the_last_four() {
    let text = "card 4539 5787 6362 1486, pin code: 1234, mail bob@example.org";
    let scan = engine().scan(text);
    let out = apply(
        text,
        &scan.findings,
        &Policy::uniform(Action::Mask),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(
        out.text,
        "card ***************1486, pin code: 1234, mail ***********.org"
    );
}

#[test]
fn hash_is_stable_per_tenant_and_normalized() {
    let text = "From Alice@Example.org to alice@example.org and bob@example.org";
    let scan = engine().scan(text);
    let policy = Policy::uniform(Action::Hash);
    let tenant_a = key(1);
    let ctx = ActionContext {
        hash_key: Some(&tenant_a),
        vault: None,
    };
    let out = apply(text, &scan.findings, &policy, &ctx).unwrap();
    let pseudonyms: Vec<&str> = out
        .text
        .split(['‹', '›'])
        .filter(|p| p.starts_with("EMAIL:"))
        .collect();
    assert_eq!(pseudonyms.len(), 3);
    assert_eq!(
        pseudonyms[0], pseudonyms[1],
        "case differences are one address"
    );
    assert_ne!(pseudonyms[0], pseudonyms[2]);
    assert_eq!(pseudonyms[0].len(), "EMAIL:".len() + 8);
    let again = apply(text, &scan.findings, &policy, &ctx).unwrap();
    assert_eq!(out.text, again.text);
    let tenant_b = key(2);
    let other = apply(
        text,
        &scan.findings,
        &policy,
        &ActionContext {
            hash_key: Some(&tenant_b),
            vault: None,
        },
    )
    .unwrap();
    assert_ne!(out.text, other.text, "another tenant gets other pseudonyms");
    assert!(matches!(
        apply(text, &scan.findings, &policy, &Default::default()),
        Err(DlpError::MissingHashKey)
    ));
    assert!(HashKey::new(b"short".to_vec()).is_err());
    assert_eq!(format!("{tenant_a:?}"), "HashKey(…)");
}

#[test]
fn tokenize_stores_originals_in_the_vault() {
    let password = random(BASE62, 16);
    let text = format!("DB_PASSWORD={password} owner carol@example.org");
    let scan = engine().scan(&text);
    let vault = InMemoryVault::default();
    let ctx = ActionContext {
        hash_key: None,
        vault: Some(&vault),
    };
    let out = apply(
        &text,
        &scan.findings,
        &Policy::uniform(Action::Tokenize),
        &ctx,
    )
    .unwrap();
    assert_eq!(
        out.text,
        "DB_PASSWORD=‹PASSWORD_ASSIGNMENT:tok_0› owner ‹EMAIL:tok_1›"
    );
    assert_eq!(vault.reveal("tok_0").unwrap(), password.as_bytes());
    assert_eq!(vault.reveal("tok_1").unwrap(), b"carol@example.org");
    assert!(matches!(
        apply(
            &text,
            &scan.findings,
            &Policy::uniform(Action::Tokenize),
            &Default::default()
        ),
        Err(DlpError::MissingVault)
    ));
}

#[test]
fn block_fails_the_call_without_the_value_and_before_the_vault() {
    let key_id = format!("AKIA{}", random(BASE32, 16));
    let text = format!("mail dave@example.org, key {key_id}");
    let scan = engine().scan(&text);
    let policy = Policy::uniform(Action::Tokenize).with_category("secret.cloud", Action::Block);
    let vault = InMemoryVault::default();
    let ctx = ActionContext {
        hash_key: None,
        vault: Some(&vault),
    };
    let error = apply(&text, &scan.findings, &policy, &ctx).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("aws_access_key_id"), "{message}");
    assert!(!message.contains(&key_id) && !format!("{error:?}").contains(&key_id));
    assert!(vault.reveal("tok_0").is_none(), "nothing was tokenized");
}

#[test]
fn policy_precedence_detector_then_kind_then_family_then_default() {
    let policy = Policy::uniform(Action::Redact)
        .with_category("pii", Action::Mask)
        .with_category("pii.email", Action::Allow)
        .with_detector("phone_nanp", Action::Hash);
    let email = Category::Pii(PiiKind::Email);
    let phone = Category::Pii(PiiKind::Phone);
    assert_eq!(policy.action_for("email", email), Action::Allow);
    assert_eq!(policy.action_for("phone_nanp", phone), Action::Hash);
    assert_eq!(
        policy.action_for("phone_international", phone),
        Action::Mask
    );
    assert_eq!(
        policy.action_for("jwt", Category::Secret(dlp::SecretKind::Crypto)),
        Action::Redact
    );
}

#[test]
fn allow_leaves_the_text_but_reports() {
    let text = "ops@example.org";
    let scan = engine().scan(text);
    let out = apply(
        text,
        &scan.findings,
        &Policy::uniform(Action::Allow),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(out.text, text);
    assert_eq!(out.report.entries[0].action, Action::Allow);
    assert_eq!(out.report.entries[0].count, 1);
}

#[test]
fn config_policy_is_used_by_engine_redact() {
    let config: dlp::DlpConfig = serde_json::from_value(serde_json::json!({
        "actions": {
            "default": "redact",
            "categories": { "pii": "mask" },
            "detectors": { "email": "redact" }
        }
    }))
    .unwrap();
    let engine = dlp::Engine::new(&config).unwrap();
    let out = engine
        .redact("erin@example.org 415-555-2671", &Default::default())
        .unwrap();
    assert_eq!(out.text, "[REDACTED:email] ********2671");
}

#[test]
fn findings_that_do_not_fit_the_text_are_an_error() {
    let scan = engine().scan("long text with frank@example.org inside");
    assert!(matches!(
        apply(
            "short",
            &scan.findings,
            &Policy::uniform(Action::Redact),
            &Default::default()
        ),
        Err(DlpError::InvalidFinding)
    ));
}
