//! Payment data: card numbers (Luhn, issuer ranges, consistent grouping) and IBANs (country
//! length, mod-97). Card numbers are written contiguous, in groups of four, or 4-6-5 / 4-6-4
//! (Amex, Diners); the regex insists on those shapes so that long runs of small numbers
//! ("1 2 3 4 …") are rejected by the automaton in one pass instead of by the validator.

use crate::detector::{Detector, DigitGate, PiiKind, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::pii(
            "credit_card",
            PiiKind::Card,
            r"(?:^|[^0-9A-Za-z\-.])(?P<secret>[0-9]{12,19}|[0-9]{4}(?:[ \-][0-9]{4}){2,3}(?:[ \-][0-9]{1,4})?|[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{4,5})(?:[^0-9A-Za-z\-]|$)",
        )
        .digits(12)
        .severity(Severity::High)
        .validator(Validator::PaymentCard)
        .label("CARD"),
        Detector::pii(
            "iban",
            PiiKind::Iban,
            r"\b(?P<secret>[A-Za-z]{2}[0-9]{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,3})?))(?:[^A-Za-z0-9]|$)",
        )
        .digit_gate(DigitGate {
            min_digits: 2,
            letters_before: 2,
            ..DigitGate::default()
        })
        .severity(Severity::High)
        .validator(Validator::Iban)
        .label("IBAN"),
    ]
}
