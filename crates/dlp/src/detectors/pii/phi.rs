//! Health-information hints: medical record numbers and ICD-10 diagnosis codes, each only
//! after a word that names them.

use crate::detector::{Confidence, Detector, PiiKind::Phi, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::pii(
            "medical_record_number",
            Phi,
            r"(?i:\bmrn\b|medical\srecord(?:\snumber|\sno\.?|\s?#)?|patient\s(?:id|no\.?|number|#))[^\n0-9A-Za-z]{0,6}(?P<secret>[A-Z]{0,3}[0-9][0-9\-]{3,14}[0-9])(?:[^0-9A-Za-z]|$)",
        )
        .keywords(&["mrn", "medical record", "patient id", "patient no", "patient number", "patient #"])
        .severity(Severity::High)
        .validator(Validator::HasDigits { min: 5 })
        .label("MRN"),
        Detector::pii(
            "icd10_code",
            Phi,
            r"(?i:icd[\s\-]?10(?:[\s\-]?cm)?|\bicd\b|diagnos[a-z]{0,6}|\bdx\b)[^\n]{0,30}?(?:[^A-Za-z0-9.])(?P<secret>[A-TV-Z][0-9][0-9AB](?:\.[0-9A-TV-Z]{1,4})?)(?:[^A-Za-z0-9]|$)",
        )
        .keywords(&["icd", "diagnos", "dx"])
        .severity(Severity::Medium)
        .confidence(Confidence::Low)
        .label("DIAGNOSIS"),
    ]
}
