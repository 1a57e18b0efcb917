//! The keyword pass: every occurrence of every detector keyword (ASCII case ignored), in one
//! walk of an Aho-Corasick DFA over the text.
//!
//! The walk is our own loop over the DFA's transition table rather than the crate's
//! overlapping iterator: that iterator re-enters the search for every match and pays per
//! byte for the bookkeeping that makes this possible, about three times the cost of a bare
//! transition. Prose wakes some keyword every few hundred bytes only, so the bare loop is
//! what a scan of prose mostly costs.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

use crate::error::DlpError;

/// All keywords of all detectors, compiled once.
pub(crate) struct KeywordScanner {
    dfa: DFA,
    longest: usize,
}

impl KeywordScanner {
    /// `words` are matched ignoring ASCII case; hits report the index into `words`.
    pub(crate) fn new(words: &[Vec<u8>]) -> Result<KeywordScanner, DlpError> {
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            // The crate's prefilters only help its own search loop, which we do not use;
            // without them start states are not "special", so the loop below stops on
            // match states only.
            .prefilter(false)
            .build(words)
            .map_err(|e| DlpError::Build(e.to_string()))?;
        Ok(KeywordScanner {
            dfa,
            longest: words.iter().map(Vec::len).max().unwrap_or(0),
        })
    }

    /// The longest keyword, in bytes.
    pub(crate) fn longest(&self) -> usize {
        self.longest
    }

    /// Calls `each(word, start, end)` for every occurrence of every keyword, overlapping ones
    /// included, in order of their end (then word order). `each` returns false to stop.
    #[inline]
    pub(crate) fn for_each_hit(
        &self,
        hay: &[u8],
        mut each: impl FnMut(usize, usize, usize) -> bool,
    ) {
        let dfa = &self.dfa;
        let Ok(mut state) = dfa.start_state(Anchored::No) else {
            return;
        };
        let mut at = 0;
        while let Some((end, matched)) = self.next_match_state(hay, at, state) {
            for index in 0..dfa.match_len(matched) {
                let word = dfa.match_pattern(matched, index);
                let start = end - dfa.pattern_len(word);
                if !each(word.as_usize(), start, end) {
                    return;
                }
            }
            (at, state) = (end, matched);
        }
    }

    /// Walks the DFA from `state` over `hay[from..]` and returns the first position after
    /// which it is in a match state, with that state. Kept out of line: inlined into the
    /// (large) callers, the loop's few values were spilled to the stack and each byte cost
    /// three times as many instructions.
    #[inline(never)]
    fn next_match_state(
        &self,
        hay: &[u8],
        from: usize,
        mut state: StateID,
    ) -> Option<(usize, StateID)> {
        let dfa = &self.dfa;
        let rest = hay.get(from..)?;
        let mut chunks = rest.chunks_exact(4);
        let mut offset = 0;
        // Four transitions per check of the loop counter; a special state (a match, or dead)
        // is rare in any text, so one combined test per step suffices on the fast path.
        for chunk in &mut chunks {
            for (step, &byte) in chunk.iter().enumerate() {
                state = dfa.next_state(Anchored::No, state, byte);
                if dfa.is_special(state)
                    && let Some(stop) = self.stop(state, from + offset + step + 1)
                {
                    return stop;
                }
            }
            offset += 4;
        }
        for (step, &byte) in chunks.remainder().iter().enumerate() {
            state = dfa.next_state(Anchored::No, state, byte);
            if dfa.is_special(state)
                && let Some(stop) = self.stop(state, from + offset + step + 1)
            {
                return stop;
            }
        }
        None
    }

    /// Whether a special state reached at `end` ends the walk: with a match to report, or
    /// with none (dead). Any other special state (a start state, which only a prefilter
    /// would make special) lets the walk go on.
    #[inline(always)]
    fn stop(&self, state: StateID, end: usize) -> Option<Option<(usize, StateID)>> {
        if self.dfa.is_dead(state) {
            Some(None)
        } else if self.dfa.is_match(state) {
            Some(Some((end, state)))
        } else {
            None
        }
    }

    /// Whether `hay` contains any keyword.
    pub(crate) fn is_match(&self, hay: &[u8]) -> bool {
        let mut found = false;
        self.for_each_hit(hay, |_, _, _| {
            found = true;
            false
        });
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_every_overlapping_hit_in_order_of_end() {
        let words: Vec<Vec<u8>> = ["password", "pass", "word", "sword", "key"]
            .iter()
            .map(|w| w.as_bytes().to_vec())
            .collect();
        let scanner = KeywordScanner::new(&words).unwrap_or_else(|e| panic!("{e}"));
        let hay = b"my PassWord, monKEY";
        let mut hits = Vec::new();
        scanner.for_each_hit(hay, |word, start, end| {
            hits.push((
                String::from_utf8_lossy(&words[word]).into_owned(),
                start,
                end,
            ));
            true
        });
        let expected = [
            ("pass", 3, 7),
            ("password", 3, 11),
            ("sword", 6, 11),
            ("word", 7, 11),
            ("key", 16, 19),
        ];
        let mut got: Vec<_> = hits.iter().map(|(w, s, e)| (w.as_str(), *s, *e)).collect();
        // Within one end, the order among words is the automaton's; compare as sets there.
        got.sort_by_key(|&(w, s, e)| (e, s, w));
        let mut want = expected.to_vec();
        want.sort_by_key(|&(w, s, e)| (e, s, w));
        assert_eq!(got, want);
        assert!(hits.windows(2).all(|p| p[0].2 <= p[1].2), "ordered by end");
        assert!(scanner.is_match(b"a KEY here"));
        assert!(!scanner.is_match(b"nothing to see"));
        assert_eq!(scanner.longest(), 8);
    }
}
