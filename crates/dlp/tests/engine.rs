//! Engine behaviour: configuration (errors name the detector), custom detectors, overlap
//! resolution, the findings cap, byte input, and values never showing up in Debug output.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use dlp::{
    Category, CustomDetectorConfig, DlpConfig, DlpError, Engine, PiiKind, SecretKind, Severity,
};

fn custom(id: &str, pattern: &str, keywords: &[&str]) -> CustomDetectorConfig {
    CustomDetectorConfig {
        id: id.to_owned(),
        pattern: pattern.to_owned(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        case_sensitive_keywords: false,
        validator: None,
        min_entropy: None,
        category: Category::Pii(PiiKind::NationalId),
        severity: Severity::High,
        confidence: Default::default(),
        action: None,
        label: None,
    }
}

#[test]
fn there_are_at_least_sixty_secret_formats_and_ids_are_unique() {
    let detectors: Vec<_> = engine().detectors().collect();
    let secrets = detectors.iter().filter(|d| d.category.is_secret()).count();
    assert!(secrets >= 60, "only {secrets} secret detectors");
    let mut ids: Vec<&str> = detectors.iter().map(|d| d.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len());
}

#[test]
fn custom_detectors_from_toml_like_config() {
    let config: DlpConfig = serde_json::from_value(serde_json::json!({
        "custom": [{
            "id": "acme_employee_id",
            "pattern": r"\bACME-(?P<secret>[0-9]{6})\b",
            "keywords": ["ACME-"],
            "category": "pii.national_id",
            "severity": "high",
            "action": "mask"
        }, {
            "id": "acme_card_ref",
            "pattern": r"\bREF[0-9]{12,19}\b",
            "validator": "luhn",
            "category": "pii.card"
        }]
    }))
    .unwrap();
    let engine = Engine::new(&config).unwrap();
    let text = "Employee ACME-123456 holds REF4539578763621486 and REF4539578763621487.";
    let scan = engine.scan(text);
    let found: Vec<(&str, &str)> = scan
        .findings
        .iter()
        .map(|f| (&*f.detector, &text[f.start..f.end]))
        .collect();
    assert_eq!(
        found,
        vec![
            ("acme_employee_id", "123456"),
            ("acme_card_ref", "REF4539578763621486")
        ]
    );
    assert_eq!(
        engine
            .policy()
            .action_for("acme_employee_id", Category::Pii(PiiKind::NationalId)),
        dlp::Action::Mask
    );
}

#[test]
fn configuration_errors_name_what_is_wrong() {
    let bad_regex = DlpConfig {
        custom: vec![custom("broken_one", r"ACME-(\d{6}", &["ACME-"])],
        ..Default::default()
    };
    match Engine::new(&bad_regex) {
        Err(DlpError::InvalidPattern { id, .. }) => assert_eq!(id, "broken_one"),
        other => panic!("expected InvalidPattern, got {other:?}"),
    }
    let huge = DlpConfig {
        custom: vec![custom("too_big", r"(?:\w{1000}){1000}", &["x"])],
        ..Default::default()
    };
    assert!(
        matches!(Engine::new(&huge), Err(DlpError::InvalidPattern { id, .. }) if id == "too_big")
    );
    let mut unknown_validator = custom("v", "x", &["x"]);
    unknown_validator.validator = Some("crc99".to_owned());
    let error = Engine::new(&DlpConfig {
        custom: vec![unknown_validator],
        ..Default::default()
    })
    .unwrap_err();
    assert!(error.to_string().contains("crc99"), "{error}");
    let duplicate = DlpConfig {
        custom: vec![custom("email", "x", &["x"])],
        ..Default::default()
    };
    assert!(
        matches!(Engine::new(&duplicate), Err(DlpError::InvalidDetector { id, .. }) if id == "email")
    );
    let typo: DlpConfig = serde_json::from_value(serde_json::json!({
        "actions": { "detectors": { "emial": "hash" } }
    }))
    .unwrap();
    assert!(
        matches!(Engine::new(&typo), Err(DlpError::UnknownDetector { id, .. }) if id == "emial")
    );
    let bad_category = DlpConfig {
        categories: vec!["pii.emails".to_owned()],
        ..Default::default()
    };
    assert!(matches!(
        Engine::new(&bad_category),
        Err(DlpError::UnknownCategory { .. })
    ));
    assert!(
        serde_json::from_value::<DlpConfig>(serde_json::json!({"ip_adresses": false})).is_err()
    );
}

#[test]
fn categories_select_detectors() {
    let only_email = Engine::new(&DlpConfig {
        categories: vec!["pii.email".to_owned()],
        ..Default::default()
    })
    .unwrap();
    assert!(
        only_email
            .detectors()
            .all(|d| d.category == Category::Pii(PiiKind::Email))
    );
    let secrets = Engine::new(&DlpConfig {
        categories: vec!["secret".to_owned()],
        disabled_detectors: vec!["jwt".to_owned()],
        ..Default::default()
    })
    .unwrap();
    assert!(
        secrets
            .detectors()
            .all(|d| d.category.is_secret() && d.id != "jwt")
    );
    assert!(secrets.scan("mail alice@example.org").findings.is_empty());
}

#[test]
fn overlapping_findings_keep_the_most_severe() {
    // A private key block contains base64 that other detectors could claim; the key wins and
    // nothing inside it is reported separately.
    let body: String = (0..8).map(|_| random(BASE64, 64) + "\n").collect();
    let text = format!("-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----\n");
    let scan = engine().scan(&text);
    assert_eq!(scan.findings.len(), 1);
    assert_eq!(&*scan.findings[0].detector, "private_key");
    // Both the specific and the generic secret rule match; the specific, more severe wins.
    let secret = random(BASE64, 40);
    let line = format!("AWS_SECRET_ACCESS_KEY={secret}");
    let all = findings(&line);
    assert_eq!(all, vec![("aws_secret_access_key".to_owned(), secret)]);
}

#[test]
fn findings_are_capped_per_text() {
    let engine = Engine::new(&DlpConfig {
        max_findings: 5,
        ..Default::default()
    })
    .unwrap();
    let text: String = (0..20).map(|i| format!("user{i}@example.org ")).collect();
    let scan = engine.scan(&text);
    assert_eq!(scan.findings.len(), 5);
    assert!(scan.truncated);
    let short = engine.scan("one@example.org");
    assert!(!short.truncated);
}

#[test]
fn bytes_that_are_not_utf8_are_scanned_around() {
    let token = github_token("ghp_", 30);
    let mut bytes = b"\xff\xfe binary \x80\x81 ".to_vec();
    bytes.extend_from_slice(token.as_bytes());
    bytes.extend_from_slice(b" \xc3\x28 mail bob@example.org \xe2\x82");
    let scan = engine().scan_bytes(&bytes);
    let found: Vec<&[u8]> = scan
        .findings
        .iter()
        .map(|f| &bytes[f.start..f.end])
        .collect();
    assert_eq!(found, vec![token.as_bytes(), b"bob@example.org".as_slice()]);
    let (redacted, report) = dlp::apply_bytes(
        &bytes,
        &scan.findings,
        engine().policy(),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(report.total(), 2);
    assert!(
        redacted.starts_with(b"\xff\xfe binary \x80\x81 [REDACTED:github_personal_access_token]")
    );
}

#[test]
fn multibyte_text_keeps_char_boundaries() {
    let text = "Grüße – kontakt: jürgen@example.org, Tel: +49 30 1234567 ✓";
    let scan = engine().scan(text);
    assert_eq!(scan.findings.len(), 2, "{:?}", scan.findings);
    for finding in &scan.findings {
        assert!(text.is_char_boundary(finding.start) && text.is_char_boundary(finding.end));
    }
}

#[test]
fn debug_output_never_contains_values() {
    let secret = github_token("ghp_", 30);
    let text = format!("token {secret} for alice@example.org");
    let scan = engine().scan(&text);
    assert_eq!(scan.findings.len(), 2);
    let debug = format!("{scan:?} {:?}", engine());
    assert!(
        !debug.contains(&secret[4..]) && !debug.contains("alice@"),
        "{debug}"
    );
    let report = engine().redact(&text, &Default::default()).unwrap().report;
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains(&secret[4..]) && !json.contains("alice@"),
        "{json}"
    );
}

#[test]
fn the_engine_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    assert_send_sync(engine());
    let token = format!(
        "xoxb-{}-{}-{}",
        random(DIGITS, 11),
        random(DIGITS, 12),
        random(BASE62, 24)
    );
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| assert_eq!(found_by(&token, "slack_bot_token"), vec![token.clone()]));
        }
    });
}

#[test]
fn categories_round_trip_through_their_names() {
    for category in Category::all() {
        let name = category.to_string();
        assert_eq!(name.parse::<Category>().unwrap(), category);
    }
    assert_eq!(
        "secret.source_hosting".parse::<Category>().unwrap(),
        Category::Secret(SecretKind::SourceHosting)
    );
    assert!("pii".parse::<Category>().is_err());
}

#[test]
fn batched_confirmation_finds_what_the_exhaustive_scan_finds() {
    // Dense keywords (runs of `AKIA` and `password=` whose windows overlap), probes and
    // windows of several detectors, digit runs: small batches split all of them.
    let mut text = String::new();
    for i in 0..120 {
        text.push_str(&format!(
            "AKIAAKIA{}AKIA password=password=Zq8{i}xLm2Vt9pR4 mail user{i}@example{i}.org \
             card 4111 1111 1111 1111 db postgres://app:S3cr3t-pw{i}@db.internal/app \
             ip 10.0.{}.{} key=ghp_{}\n",
            random(BASE62, 16).to_uppercase(),
            i % 250,
            (i * 7) % 250,
            random(BASE62, 36),
        ));
    }
    let exhaustive = engine().scan_exhaustive(text.as_bytes());
    assert!(
        exhaustive.findings.len() > 400,
        "{}",
        exhaustive.findings.len()
    );
    assert!(!exhaustive.truncated);
    assert_eq!(engine().scan(&text), exhaustive);
    for batch in [1, 2, 3, 7, 64, 1000] {
        assert_eq!(
            engine().scan_bytes_batched(text.as_bytes(), batch),
            exhaustive,
            "batch {batch}"
        );
    }
}
