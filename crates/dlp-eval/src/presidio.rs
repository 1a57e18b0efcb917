//! PII accuracy on presidio-research's `synth_dataset_v2.json` (MIT licence, Microsoft):
//! 1,500 synthetic sentences with labelled spans.
//!
//! # Method
//!
//! - **Unit: a span.** Truth spans of the six scored entity types are mapped to our
//!   categories ([`PiiClass`]); the dataset's offsets are Python character offsets and are
//!   converted to byte offsets.
//! - A finding **matches** a truth span of the same class when the two overlap (boundaries
//!   differ between tools: `+1 (212) 555-0100` vs `(212) 555-0100`). Recall = truth spans
//!   overlapped by a same-class finding; precision = findings overlapping a same-class truth
//!   span. A finding on an unlabelled stretch, or on a span of another type, is a false
//!   positive of its class.
//! - Findings of our other detectors (dates of birth, passports, secrets, …) have no class
//!   here; they are counted per detector but not scored. Truth spans of other types
//!   (`PERSON`, `STREET_ADDRESS`, …) are counted and not scored.

use std::collections::BTreeMap;
use std::path::Path;

use dlp::{Category, Engine, PiiKind};
use serde::Deserialize;

use crate::score::Score;
use crate::{EvalError, read_json, shape};

/// The scored entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PiiClass {
    Email,
    Phone,
    Card,
    Iban,
    UsSsn,
    Ip,
}

impl PiiClass {
    pub const ALL: [PiiClass; 6] = [
        PiiClass::Card,
        PiiClass::Iban,
        PiiClass::UsSsn,
        PiiClass::Email,
        PiiClass::Phone,
        PiiClass::Ip,
    ];

    /// The dataset's entity type name.
    pub fn entity_type(self) -> &'static str {
        match self {
            PiiClass::Email => "EMAIL_ADDRESS",
            PiiClass::Phone => "PHONE_NUMBER",
            PiiClass::Card => "CREDIT_CARD",
            PiiClass::Iban => "IBAN_CODE",
            PiiClass::UsSsn => "US_SSN",
            PiiClass::Ip => "IP_ADDRESS",
        }
    }

    /// Cards, IBAN, SSN and email: formats with checksums or strict syntax, where the issue
    /// sets a 0.95 target.
    pub fn is_structured(self) -> bool {
        matches!(
            self,
            PiiClass::Card | PiiClass::Iban | PiiClass::UsSsn | PiiClass::Email
        )
    }

    fn of_entity(entity_type: &str) -> Option<PiiClass> {
        PiiClass::ALL
            .into_iter()
            .find(|c| c.entity_type() == entity_type)
    }

    /// Where one of our findings counts; `None` for detectors this dataset has no label for.
    pub fn of_finding(detector: &str, category: Category) -> Option<PiiClass> {
        match category {
            Category::Pii(PiiKind::Email) => Some(PiiClass::Email),
            Category::Pii(PiiKind::Phone) => Some(PiiClass::Phone),
            Category::Pii(PiiKind::Card) => Some(PiiClass::Card),
            Category::Pii(PiiKind::Iban) => Some(PiiClass::Iban),
            Category::Pii(PiiKind::Ip) => Some(PiiClass::Ip),
            Category::Pii(PiiKind::NationalId)
                if matches!(detector, "us_ssn" | "us_ssn_unformatted") =>
            {
                Some(PiiClass::UsSsn)
            }
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Sample {
    full_text: String,
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Span {
    entity_type: String,
    start_position: usize,
    end_position: usize,
}

/// One masked example.
#[derive(Debug, Clone)]
pub struct SpanExample {
    /// Our detector (false positives) or the truth class (misses).
    pub label: String,
    /// For false positives: the truth entity types the finding overlapped, if any.
    pub overlapped: Vec<String>,
    pub shape: String,
}

#[derive(Debug, Clone, Default)]
pub struct PiiReport {
    pub classes: BTreeMap<PiiClass, Score>,
    pub samples: usize,
    /// Findings of detectors without a class here, per detector.
    pub unscored_findings: BTreeMap<String, usize>,
    /// Truth spans of types we do not score, per type.
    pub unscored_truths: BTreeMap<String, usize>,
    pub misses: Vec<SpanExample>,
    pub false_positives: Vec<SpanExample>,
}

impl PiiReport {
    pub fn class(&self, class: PiiClass) -> Score {
        self.classes.get(&class).copied().unwrap_or_default()
    }
}

struct TruthSpan {
    class: Option<PiiClass>,
    entity_type: String,
    start: usize,
    end: usize,
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Byte offset of character `index` (clamped to the end).
fn byte_offset(char_starts: &[usize], index: usize) -> usize {
    char_starts
        .get(index)
        .or(char_starts.last())
        .copied()
        .unwrap_or(0)
}

/// Runs the evaluation over `<datasets>/presidio-research/synth_dataset_v2.json`.
pub fn evaluate(engine: &Engine, datasets: &Path) -> Result<PiiReport, EvalError> {
    let path = datasets
        .join("presidio-research")
        .join("synth_dataset_v2.json");
    let samples: Vec<Sample> = read_json(&path)?;
    let mut report = PiiReport {
        samples: samples.len(),
        ..PiiReport::default()
    };
    for sample in &samples {
        score_sample(engine, sample, &mut report);
    }
    Ok(report)
}

fn score_sample(engine: &Engine, sample: &Sample, report: &mut PiiReport) {
    let text = sample.full_text.as_str();
    let char_starts: Vec<usize> = text
        .char_indices()
        .map(|(at, _)| at)
        .chain(std::iter::once(text.len()))
        .collect();
    let truths: Vec<TruthSpan> = sample
        .spans
        .iter()
        .map(|s| TruthSpan {
            class: PiiClass::of_entity(&s.entity_type),
            entity_type: s.entity_type.clone(),
            start: byte_offset(&char_starts, s.start_position),
            end: byte_offset(&char_starts, s.end_position),
        })
        .collect();
    let findings: Vec<(PiiClass, String, usize, usize)> = engine
        .scan(text)
        .findings
        .into_iter()
        .filter_map(|f| {
            let class = PiiClass::of_finding(&f.detector, f.category);
            if class.is_none() {
                *report
                    .unscored_findings
                    .entry(f.detector.to_string())
                    .or_default() += 1;
            }
            class.map(|c| (c, f.detector.to_string(), f.start, f.end))
        })
        .collect();
    for truth in &truths {
        let Some(class) = truth.class else {
            *report
                .unscored_truths
                .entry(truth.entity_type.clone())
                .or_default() += 1;
            continue;
        };
        let score = report.classes.entry(class).or_default();
        score.truths += 1;
        let found = findings
            .iter()
            .any(|(c, _, s, e)| *c == class && overlaps((*s, *e), (truth.start, truth.end)));
        if found {
            score.truths_found += 1;
        } else {
            report.misses.push(SpanExample {
                label: class.entity_type().to_owned(),
                overlapped: Vec::new(),
                shape: shape::span_shape(text, truth.start, truth.end, 24),
            });
        }
    }
    for (class, detector, start, end) in findings {
        let score = report.classes.entry(class).or_default();
        score.predictions += 1;
        let correct = truths
            .iter()
            .any(|t| t.class == Some(class) && overlaps((start, end), (t.start, t.end)));
        if correct {
            score.predictions_correct += 1;
        } else {
            report.false_positives.push(SpanExample {
                label: detector,
                overlapped: truths
                    .iter()
                    .filter(|t| overlaps((start, end), (t.start, t.end)))
                    .map(|t| t.entity_type.clone())
                    .collect(),
                shape: shape::span_shape(text, start, end, 24),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_offsets_become_byte_offsets() {
        let text = "Zoë: 555";
        let starts: Vec<usize> = text
            .char_indices()
            .map(|(at, _)| at)
            .chain(std::iter::once(text.len()))
            .collect();
        assert_eq!(byte_offset(&starts, 5), 6);
        assert_eq!(byte_offset(&starts, 8), 9);
        assert_eq!(byte_offset(&starts, 99), 9);
    }

    #[test]
    fn overlap_is_strict() {
        assert!(overlaps((0, 5), (4, 9)));
        assert!(!overlaps((0, 5), (5, 9)));
    }
}
