//! IP addresses (can be switched off as a whole in configuration: `ip_addresses = false`).
//!
//! IPv6 is anchored on digit runs with two colons in or right around them; an address whose
//! digits sit only between hex letters with a single colon nearby (rare) can be missed, and
//! addresses without any decimal digit (`abcd::ef`) are not reported.

use crate::detector::{Confidence, Detector, DigitGate, PiiKind::Ip, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::pii(
            "ipv4_address",
            Ip,
            r"(?:^|[^0-9A-Za-z])(?P<secret>(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]))(?:[^0-9A-Za-z.]|\.[^0-9A-Za-z]|\.?$)",
        )
        .digit_gate(DigitGate {
            min_digits: 4,
            min_dots: 3,
            ..DigitGate::default()
        })
        .severity(Severity::Low)
        .validator(Validator::Ipv4)
        .label("IP"),
        Detector::pii(
            "ipv6_address",
            Ip,
            r"(?i)(?:^|[^0-9a-z:.])(?P<secret>(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%[0-9a-z]{1,15})?)",
        )
        .digit_gate(DigitGate {
            min_digits: 1,
            min_colons: 2,
            allow_hex: true,
            ..DigitGate::default()
        })
        .lead(40)
        .severity(Severity::Low)
        .confidence(Confidence::Medium)
        .validator(Validator::Ipv6)
        .label("IP"),
    ]
}
