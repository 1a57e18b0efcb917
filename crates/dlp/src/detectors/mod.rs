//! The built-in detectors, one file per family. Patterns are written from the vendors'
//! published token formats (prefixes, lengths, alphabets), not taken from other scanners.

pub mod pii;
pub mod secrets;

use crate::detector::Detector;

/// Every built-in detector, secrets first.
pub fn builtin() -> Vec<Detector> {
    let mut all = secrets::all();
    all.extend(pii::all());
    all
}
