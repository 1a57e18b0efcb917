//! Guards the accuracy targets of issue 5 on the public datasets in `../shared/datasets`
//! (or `$DLP_DATASETS`): precision and recall >= 0.95 for cards, IBAN, SSN and email
//! (presidio-research) and for keyed token formats we have detectors for (CredSweeper).
//! The full report, with the categories that have no target, is
//! `cargo run --release -p dlp-eval --example accuracy_report`.
//!
//! A missing datasets directory fails the test: a silently skipped accuracy guard guards
//! nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dlp::{DlpConfig, Engine};
use dlp_eval::credsweeper::{self, Bucket, rules};
use dlp_eval::presidio::{self, PiiClass};

const TARGET: f64 = 0.95;

fn setup() -> (Engine, std::path::PathBuf) {
    let datasets = dlp_eval::datasets_dir(None).unwrap_or_else(|e| panic!("{e}"));
    (Engine::new(&DlpConfig::default()).unwrap(), datasets)
}

#[test]
fn structured_pii_meets_precision_and_recall_targets() {
    let (engine, datasets) = setup();
    let report = presidio::evaluate(&engine, &datasets).unwrap();
    assert_eq!(report.samples, 1500, "unexpected dataset size");
    let mut failures = Vec::new();
    for class in PiiClass::ALL.into_iter().filter(|c| c.is_structured()) {
        let score = report.class(class);
        assert!(score.truths > 0, "{class:?} has no truth spans");
        if !score.meets(TARGET) {
            failures.push(format!(
                "{}: precision {:?}, recall {:?} ({score:?})",
                class.entity_type(),
                score.precision(),
                score.recall()
            ));
        }
    }
    assert!(failures.is_empty(), "below {TARGET}: {failures:#?}");
}

#[test]
fn keyed_token_formats_meet_precision_and_recall_targets() {
    let (engine, datasets) = setup();
    let report = credsweeper::evaluate(&engine, &datasets).unwrap();
    let keyed = report.bucket(Bucket::KeyedToken);
    assert!(keyed.truths > 50, "too few keyed lines: {keyed:?}");
    assert!(
        keyed.meets(TARGET),
        "keyed token formats below {TARGET}: precision {:?}, recall {:?} ({keyed:?})",
        keyed.precision(),
        keyed.recall()
    );
}

#[test]
fn every_labelled_rule_is_classified_and_every_claimed_detector_exists() {
    let (engine, datasets) = setup();
    let report = credsweeper::evaluate(&engine, &datasets).unwrap();
    assert!(
        report.unmapped_rules.is_empty(),
        "rules missing from rules.rs: {:?}",
        report.unmapped_rules
    );
    let ids: Vec<&str> = engine.detectors().map(|d| d.id.as_str()).collect();
    for (rule, class) in rules::RULES {
        if let rules::RuleClass::Keyed(claimed) = class {
            for id in *claimed {
                assert!(ids.contains(id), "{rule}: detector {id} does not exist");
            }
        }
    }
}
