//! Email addresses (RFC 5321 sizes: 64-byte local part, 63-byte labels).

use crate::detector::{AnchorWindow, Detector, PiiKind::Email, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::pii(
            "email",
            Email,
            r"[A-Za-z0-9._%+\-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}\b",
        )
        .prefixes(&["@"])
        .lead(65)
        .anchor_window(AnchorWindow::EmailAt)
        .severity(Severity::Medium)
        .validator(Validator::Email),
    ]
}
