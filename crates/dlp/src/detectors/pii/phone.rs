//! Phone numbers: international (`+CC …`, or `00CC …` with separators), North American
//! formatted numbers, and any other phone-shaped number only after words such as "phone".

use crate::detector::{Confidence, Detector, PiiKind::Phone, Severity};
use crate::validate::Validator;

/// Words that make a bare or national-format number a phone number.
const PHONE_WORDS: &[&str] = &[
    "phone",
    "tel",
    "mobile",
    "mob:",
    "cell",
    "fax",
    "call",
    "contact",
    "ph.",
    "ph:",
    "desk:",
    "office:",
    "whatsapp",
    "telefon",
    "handy",
    "sms",
    "text me",
    "dial",
    "reach me",
    "messages to",
    "answering at",
];

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::pii(
            "phone_international",
            Phone,
            r"(?P<secret>\+[1-9][0-9]{0,3}[ .\-]?(?:\([0-9]{1,4}\)[ .\-]?)?[0-9]{1,8}(?:[ .\-][0-9]{1,8}){0,5})(?:\s?(?:x|ext\.?)\s?[0-9]{1,5})?(?:[^0-9A-Za-z]|$)",
        )
        .prefixes(&["+1", "+2", "+3", "+4", "+5", "+6", "+7", "+8", "+9"])
        .severity(Severity::Medium)
        .validator(Validator::Phone)
        .label("PHONE"),
        // "00" international prefix (as dialled from Europe): country code, then groups.
        Detector::pii(
            "phone_international_00",
            Phone,
            r"(?:^|[^0-9A-Za-z+\-./])(?P<secret>00[1-9][0-9]{0,2}[ .\-](?:\([0-9]{1,4}\)[ .\-]?)?[0-9]{1,5}(?:[ .\-][0-9]{1,5}){1,5})(?:\s?(?:x|ext\.?)\s?[0-9]{1,5})?(?:[^0-9A-Za-z\-/]|$)",
        )
        .digits(10)
        .lead(1)
        .severity(Severity::Medium)
        .confidence(Confidence::Medium)
        .validator(Validator::Phone)
        .label("PHONE"),
        Detector::pii(
            "phone_nanp",
            Phone,
            r"(?:^|[^0-9A-Za-z+\-./])(?P<secret>(?:1[ .\-])?(?:\([2-9][0-9]{2}\)\s?|[2-9][0-9]{2}[ .\-])[0-9]{3}[ .\-][0-9]{4})(?:\s?(?:x|ext\.?)\s?[0-9]{1,5})?(?:[^0-9A-Za-z\-/]|$)",
        )
        .digits(10)
        .lead(2)
        .severity(Severity::Medium)
        .confidence(Confidence::Medium)
        .forbids_context(&["isbn", "order", "invoice", "serial", "ticket", "case #", "ref"], 24)
        .validator(Validator::Phone)
        .label("PHONE"),
        // Any 7–15 digit number in phone-like groups, but only right after a phone word.
        Detector::pii(
            "phone_national",
            Phone,
            r"(?:^|[^0-9A-Za-z+\-./])(?P<secret>\(?[0-9]{1,4}\)?(?:[ .\-/]?[0-9]{1,4}){1,5})(?:\s?(?:x|ext\.?)\s?[0-9]{1,5})?(?:[^0-9A-Za-z\-/]|$)",
        )
        .digits(7)
        .severity(Severity::Medium)
        .confidence(Confidence::Medium)
        .requires_context(PHONE_WORDS, 40)
        .validator(Validator::Phone)
        .label("PHONE"),
    ]
}
