//! Dates of birth: a date right after "DOB", "date of birth", "born", ….

use crate::detector::{Confidence, Detector, PiiKind::Dob, Severity};
use crate::validate::Validator;

const MONTH: &str = "(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]{0,6}\\.?";

pub fn detectors() -> Vec<Detector> {
    let date = format!(
        r"[0-9]{{1,2}}[/.\-][0-9]{{1,2}}[/.\-](?:[0-9]{{4}}|[0-9]{{2}})|[0-9]{{4}}[/.\-][0-9]{{1,2}}[/.\-][0-9]{{1,2}}|[0-9]{{1,2}}(?:st|nd|rd|th)?\s{MONTH},?\s[0-9]{{4}}|{MONTH}\s[0-9]{{1,2}}(?:st|nd|rd|th)?,?\s[0-9]{{4}}"
    );
    vec![
        Detector::pii(
            "date_of_birth",
            Dob,
            &format!(
                r"(?i:\bdob\b|d\.o\.b\.?|date\sof\sbirth|birth\s?date|birthday|\bborn\b)[^\n0-9A-Za-z]{{0,10}}(?:(?i:is|was|on)\s{{1,3}})?(?P<secret>{date})(?:[^0-9A-Za-z]|$)"
            ),
        )
        .keywords(&["dob", "d.o.b", "date of birth", "birth date", "birthdate", "birthday", "born"])
        .severity(Severity::Medium)
        .confidence(Confidence::Medium)
        .validator(Validator::Date)
        .label("DOB"),
    ]
}
