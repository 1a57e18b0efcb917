//! Custom detectors from configuration → [`Detector`] values, with errors naming the detector.

use crate::config::CustomDetectorConfig;
use crate::detector::{Detector, Trigger};
use crate::error::DlpError;
use crate::validate::Validator;

pub(crate) fn to_detector(config: &CustomDetectorConfig) -> Result<Detector, DlpError> {
    let invalid = |message: String| DlpError::InvalidDetector {
        id: config.id.clone(),
        message,
    };
    if config.id.is_empty()
        || !config
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return Err(invalid(
            "ids use letters, digits, '_', '-' and '.' only".to_owned(),
        ));
    }
    let validator = match config.validator.as_deref() {
        None => None,
        Some("entropy") => Some(Validator::Entropy {
            min_bits: config.min_entropy.unwrap_or(3.0),
        }),
        Some(name) => Some(
            Validator::from_name(name)
                .ok_or_else(|| invalid(format!("unknown validator {name:?}")))?,
        ),
    };
    let trigger = if config.keywords.is_empty() {
        Trigger::Always
    } else {
        Trigger::Keywords {
            words: config.keywords.clone(),
            case_sensitive: config.case_sensitive_keywords,
            lead: None,
            word_start: false,
        }
    };
    Ok(Detector {
        id: config.id.clone(),
        category: config.category,
        severity: config.severity,
        confidence: config.confidence,
        trigger,
        pattern: config.pattern.clone(),
        validator,
        context: None,
        label: config
            .label
            .clone()
            .unwrap_or_else(|| config.id.to_ascii_uppercase()),
        reach: None,
        anchor_window: None,
    })
}
