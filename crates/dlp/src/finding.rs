//! What a scan returns: findings (kind and offsets, never values) and how overlapping ones
//! are resolved.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::detector::{Category, Confidence, Severity};

/// One confirmed, validated occurrence. It holds where and what kind — never the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    #[serde(serialize_with = "serialize_id")]
    pub detector: Arc<str>,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Byte offsets into the scanned text (on UTF-8 character boundaries).
    pub start: usize,
    pub end: usize,
}

fn serialize_id<S: serde::Serializer>(id: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(id)
}

impl Finding {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// The findings in one text, ordered by offset and non-overlapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scan {
    pub findings: Vec<Finding>,
    /// More than `max_findings` were found; the rest were not reported.
    pub truncated: bool,
}

/// See [`crate::Engine::prefilter_stats`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrefilterStat {
    #[serde(serialize_with = "serialize_id")]
    pub detector: Arc<str>,
    pub anchors: usize,
    pub windows: usize,
    pub window_bytes: usize,
}

/// Keeps, among overlapping findings, the most severe, then most confident, then longest,
/// then earliest; returns them ordered by offset.
pub(crate) fn resolve_overlaps(mut candidates: Vec<Finding>) -> Vec<Finding> {
    candidates.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.confidence.cmp(&a.confidence))
            .then(b.len().cmp(&a.len()))
            .then(a.start.cmp(&b.start))
    });
    // start → end of accepted findings; they never overlap each other.
    let mut accepted: BTreeMap<usize, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for finding in candidates {
        let clashes_before = accepted
            .range(..=finding.start)
            .next_back()
            .is_some_and(|(_, &end)| end > finding.start);
        let clashes_after = accepted.range(finding.start..finding.end).next().is_some();
        if !clashes_before && !clashes_after {
            accepted.insert(finding.start, finding.end);
            kept.push(finding);
        }
    }
    kept.sort_by_key(|f| f.start);
    kept
}
