//! Government identifiers: US SSN and ITIN, UK National Insurance number, passports and
//! national id cards (the last two only after a naming word).

use crate::detector::{Confidence, Detector, DigitGate, PiiKind::NationalId, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::pii(
            "us_ssn",
            NationalId,
            r"(?:^|[^0-9A-Za-z\-.])(?P<secret>[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{3} [0-9]{2} [0-9]{4})(?:[^0-9A-Za-z\-]|$)",
        )
        .digits(9)
        .severity(Severity::Critical)
        .validator(Validator::UsSsn)
        .label("SSN"),
        Detector::pii(
            "us_ssn_unformatted",
            NationalId,
            r"(?:^|[^0-9A-Za-z\-.])(?P<secret>[0-9]{9})(?:[^0-9A-Za-z\-]|$)",
        )
        .digits(9)
        .severity(Severity::Critical)
        .confidence(Confidence::Medium)
        .requires_context(&["ssn", "social security", "social sec", "ss#", "ss #"], 40)
        .validator(Validator::UsSsn)
        .label("SSN"),
        // ITINs: area 9xx, group 50–65, 70–88, 90–92 or 94–99.
        Detector::pii(
            "us_itin",
            NationalId,
            r"(?:^|[^0-9A-Za-z\-.])(?P<secret>9[0-9]{2}[\- ](?:5[0-9]|6[0-5]|7[0-9]|8[0-8]|9[0-2]|9[4-9])[\- ][0-9]{4})(?:[^0-9A-Za-z\-]|$)",
        )
        .digits(9)
        .severity(Severity::Critical)
        .confidence(Confidence::Medium)
        .label("ITIN"),
        Detector::pii(
            "uk_nino",
            NationalId,
            r"\b(?P<secret>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D])(?:[^A-Za-z0-9]|$)",
        )
        .digit_gate(DigitGate {
            min_digits: 6,
            letters_before: 2,
            ..DigitGate::default()
        })
        .severity(Severity::High)
        .validator(Validator::UkNino)
        .label("NINO"),
        Detector::pii(
            "passport_number",
            NationalId,
            r"(?i:passport)(?i:\s{0,3}(?:no\.?|number|num|nr\.?|#|id))?\s{0,3}[:#.]?\s{0,3}(?P<secret>[A-Z]{0,3}[0-9][0-9A-Z]{4,8})(?:[^A-Za-z0-9]|$)",
        )
        .keywords(&["passport"])
        .severity(Severity::High)
        .validator(Validator::HasDigits { min: 5 })
        .label("PASSPORT"),
        Detector::pii(
            "national_id",
            NationalId,
            r"(?i:national\s(?:id(?:entity)?|identification)|identity\s(?:card|number|no)|id\s?(?:card|number|no\.?|#)|personal\sid|citizen\sid|aadhaar|nric|personalausweis|c[e\xC3\xA9]{1,2}dula|\bdni\b)[^\n]{0,20}?(?:[^A-Za-z0-9])(?P<secret>[A-Z]{0,3}[0-9][0-9A-Z\-]{4,18}[0-9A-Z])(?:[^A-Za-z0-9\-]|$)",
        )
        .keywords(&[
            "national id", "national identification", "identity card", "identity number",
            "identity no", "id card", "idcard", "id number", "idnumber", "id no", "id#", "id #",
            "personal id", "citizen id", "aadhaar", "nric", "personalausweis", "cedula",
            "c\u{e9}dula", "dni",
        ])
        .severity(Severity::High)
        .confidence(Confidence::Medium)
        .validator(Validator::HasDigits { min: 5 })
        .label("NATIONAL_ID"),
    ]
}
