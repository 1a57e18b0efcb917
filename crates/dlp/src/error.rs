//! One error type for building the engine and applying actions. No variant carries a matched
//! value: errors travel into logs and agent-visible messages.

use crate::detector::Category;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DlpError {
    #[error("detector {id:?}: invalid pattern: {message}")]
    InvalidPattern { id: String, message: String },
    #[error("detector {id:?}: {message}")]
    InvalidDetector { id: String, message: String },
    #[error("{place}: unknown detector {id:?}")]
    UnknownDetector { id: String, place: &'static str },
    #[error(
        "{place}: unknown category {name:?} (expected \"secret\", \"pii\", or e.g. \"pii.email\")"
    )]
    UnknownCategory { name: String, place: &'static str },
    /// A finding whose action is `block`: the whole call must fail. Names the detector only.
    #[error("blocked by data loss prevention: {detector} ({category}) found")]
    Blocked {
        detector: String,
        category: Category,
    },
    #[error("a hash key needs at least 16 bytes")]
    HashKeyTooShort,
    #[error("a finding does not fit the text it is applied to")]
    InvalidFinding,
    #[error("action \"hash\" needs a tenant hash key")]
    MissingHashKey,
    #[error("action \"tokenize\" needs a token vault")]
    MissingVault,
    #[error("token vault failed: {0}")]
    Vault(String),
    #[error("could not build the keyword automaton: {0}")]
    Build(String),
}
