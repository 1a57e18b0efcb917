//! Precision and recall counts and the table that prints them.

use std::fmt::Write as _;

/// Counts for one category. Precision and recall are counted on their own sides, because a
/// prediction and a truth unit need not pair one to one (two findings may cover one truth
/// span, one finding may cover two truth lines).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    /// Truth units (lines or spans) of this category.
    pub truths: usize,
    /// Truth units that some prediction matched.
    pub truths_found: usize,
    /// Predicted units of this category.
    pub predictions: usize,
    /// Predicted units that matched some truth unit.
    pub predictions_correct: usize,
}

impl Score {
    /// `None` when there was nothing to find.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.truths_found, self.truths)
    }

    /// `None` when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.predictions_correct, self.predictions)
    }

    pub fn add(&mut self, other: &Score) {
        self.truths += other.truths;
        self.truths_found += other.truths_found;
        self.predictions += other.predictions;
        self.predictions_correct += other.predictions_correct;
    }

    /// Whether both precision and recall reach `target` (an empty side counts as met).
    pub fn meets(&self, target: f64) -> bool {
        self.precision().is_none_or(|p| p >= target) && self.recall().is_none_or(|r| r >= target)
    }
}

fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Whether a row has a target, and which.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Both precision and recall must reach this.
    Both(f64),
    /// Reported honestly, no target.
    None,
}

fn cell(value: Option<f64>) -> String {
    value.map_or_else(|| "    -".to_owned(), |v| format!("{v:.3}"))
}

/// A fixed-width table: category, truths, found, recall, predicted, correct, precision,
/// target verdict.
pub fn format_table(rows: &[(String, Score, Target)]) -> String {
    let width = rows
        .iter()
        .map(|(n, _, _)| n.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>6} {:>6} {:>6}  {:>6} {:>7} {:>9}  target",
        "category", "truth", "found", "recall", "predic", "correct", "precision"
    );
    for (name, score, target) in rows {
        let verdict = match target {
            Target::Both(t) if score.meets(*t) => format!(">= {t:.2} ok"),
            Target::Both(t) => format!(">= {t:.2} MISSED"),
            Target::None => "-".to_owned(),
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:>6} {:>6} {:>6}  {:>6} {:>7} {:>9}  {verdict}",
            name,
            score.truths,
            score.truths_found,
            cell(score.recall()),
            score.predictions,
            score.predictions_correct,
            cell(score.precision()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_and_targets() {
        let s = Score {
            truths: 20,
            truths_found: 19,
            predictions: 10,
            predictions_correct: 10,
        };
        assert_eq!(s.recall(), Some(0.95));
        assert_eq!(s.precision(), Some(1.0));
        assert!(s.meets(0.95));
        assert!(!s.meets(0.96));
        assert_eq!(Score::default().recall(), None);
        assert!(Score::default().meets(0.95));
    }
}
