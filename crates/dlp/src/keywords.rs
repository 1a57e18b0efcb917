//! The keyword pass: every occurrence of every detector keyword (ASCII case ignored), in one
//! walk of an Aho-Corasick DFA over the text.
//!
//! The walk is our own loop over the DFA's transition table rather than the crate's
//! overlapping iterator: that iterator re-enters the search for every match and pays per
//! byte for the bookkeeping that makes this possible, about three times the cost of a bare
//! transition. Prose wakes some keyword every few hundred bytes only, so the bare loop is
//! what a scan of prose mostly costs.

use std::ops::Range;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

use crate::error::DlpError;

/// Each of the walks that share a text in lockstep gets at least this many bytes
/// ([`KeywordScanner::for_each_hit`]); shorter texts are walked whole.
const BYTES_PER_WALK: usize = 256;

/// Long texts are walked in segments of about this many bytes, each cut into parts, so that
/// the hits a later part holds back stay few however long the text.
const SEGMENT_BYTES: usize = 16 * 1024;

/// Hits a later part may hold back while the walks go in lockstep; past this (a text made
/// of keywords), the parts are finished one after the other, which holds nothing back, so
/// memory stays bounded however many hits a text has.
const HELD_HITS_LIMIT: usize = 1024;

/// Where one walk of the DFA is: at `at` (the bytes before it read) in `state`, to `end`.
struct Walk {
    at: usize,
    end: usize,
    state: StateID,
}

impl Walk {
    fn new(at: usize, end: usize, state: StateID) -> Walk {
        Walk { at, end, state }
    }

    fn advance(&mut self, bytes: usize, state: StateID) {
        self.at += bytes;
        self.state = state;
    }
}

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
    ///
    /// Longer texts are cut into two or four parts walked in lockstep (segment by segment,
    /// for long texts): each step of a walk waits for the previous one (the next state is
    /// read from the table at an index the previous state gives), so one walk leaves the
    /// processor mostly idle, and other, independent walks run in that idle time almost for
    /// free.
    pub(crate) fn for_each_hit(
        &self,
        hay: &[u8],
        mut each: impl FnMut(usize, usize, usize) -> bool,
    ) {
        let Ok(start) = self.dfa.start_state(Anchored::No) else {
            return;
        };
        if hay.len() < 2 * BYTES_PER_WALK {
            let mut walk = Walk::new(0, hay.len(), start);
            self.finish(hay, &mut walk, &mut each);
            return;
        }
        let mut from = 0;
        while from < hay.len() {
            let mut to = from.saturating_add(SEGMENT_BYTES).min(hay.len());
            if hay.len() - to < SEGMENT_BYTES / 2 {
                to = hay.len();
            }
            let go_on = if to - from >= 4 * BYTES_PER_WALK {
                self.walk_parts::<4>(hay, from..to, start, &mut each)
            } else {
                self.walk_parts::<2>(hay, from..to, start, &mut each)
            };
            if !go_on {
                return;
            }
            from = to;
        }
    }

    /// Reports the hits that end in `segment` (or at 0, for the first segment) with `N`
    /// walks, one per part of it. Returns false if `each` did.
    fn walk_parts<const N: usize>(
        &self,
        hay: &[u8],
        segment: Range<usize>,
        start: StateID,
        each: &mut impl FnMut(usize, usize, usize) -> bool,
    ) -> bool {
        // Part `i` reports the hits that end after `bounds[i]` and up to the next bound.
        // Its walk starts early enough to read every such keyword whole.
        let bounds: [usize; N] =
            std::array::from_fn(|i| segment.start + (segment.end - segment.start) * i / N);
        let early = self.longest.saturating_sub(1);
        let mut walks: [Walk; N] = std::array::from_fn(|i| {
            let end = bounds.get(i + 1).copied().unwrap_or(segment.end);
            Walk::new(bounds[i].saturating_sub(early), end, start)
        });
        // The later parts' hits, held until the earlier parts' are all reported.
        let mut held: [Vec<(usize, usize, usize)>; N] = std::array::from_fn(|_| Vec::new());
        while walks.iter().all(|w| w.at < w.end) && held.iter().all(|h| h.len() < HELD_HITS_LIMIT) {
            self.lockstep(hay, &mut walks);
            let after = bounds[0];
            if !self.report(&mut walks[0], &mut |w, s, e| e <= after || each(w, s, e)) {
                return false;
            }
            for part in 1..N {
                let after = bounds[part];
                let held = &mut held[part];
                self.report(&mut walks[part], &mut |word, start, end| {
                    if end > after {
                        held.push((word, start, end));
                    }
                    true
                });
            }
        }
        for ((walk, held), after) in walks.iter_mut().zip(held).zip(bounds) {
            for (word, start, end) in held {
                if !each(word, start, end) {
                    return false;
                }
            }
            if !self.finish(hay, walk, &mut |w, s, e| e <= after || each(w, s, e)) {
                return false;
            }
        }
        true
    }

    /// Advances all walks one byte each per step until any is in a special state (a match,
    /// or dead) or any reaches its end.
    #[inline(never)]
    fn lockstep<const N: usize>(&self, hay: &[u8], walks: &mut [Walk; N]) {
        let dfa = &self.dfa;
        let steps = walks.iter().map(|w| w.end - w.at).min().unwrap_or(0);
        if walks.iter().any(|w| w.at + steps > hay.len()) {
            return;
        }
        // Each exactly `steps` long, which lets the compiler drop the bounds checks below.
        let bytes: [&[u8]; N] = std::array::from_fn(|i| &hay[walks[i].at..][..steps]);
        let mut states: [StateID; N] = std::array::from_fn(|i| walks[i].state);
        let mut taken = steps;
        for step in 0..steps {
            let mut special = false;
            for (state, part) in states.iter_mut().zip(&bytes) {
                *state = dfa.next_state(Anchored::No, *state, part[step]);
                special |= dfa.is_special(*state);
            }
            if special {
                taken = step + 1;
                break;
            }
        }
        for (walk, state) in walks.iter_mut().zip(states) {
            walk.advance(taken, state);
        }
    }

    /// Reports the hits of `walk`'s current state if it is a match state; ends the walk if
    /// it is dead. Returns false if `each` did.
    #[inline(always)]
    fn report(&self, walk: &mut Walk, each: &mut impl FnMut(usize, usize, usize) -> bool) -> bool {
        let dfa = &self.dfa;
        if !dfa.is_special(walk.state) {
            return true;
        }
        if dfa.is_dead(walk.state) {
            walk.at = walk.end;
            return true;
        }
        if !dfa.is_match(walk.state) {
            return true;
        }
        for index in 0..dfa.match_len(walk.state) {
            let word = dfa.match_pattern(walk.state, index);
            let start = walk.at - dfa.pattern_len(word);
            if !each(word.as_usize(), start, walk.at) {
                return false;
            }
        }
        true
    }

    /// Walks `walk` alone to its end, reporting every hit. Returns false if `each` did.
    fn finish(
        &self,
        hay: &[u8],
        walk: &mut Walk,
        each: &mut impl FnMut(usize, usize, usize) -> bool,
    ) -> bool {
        let Some(hay) = hay.get(..walk.end) else {
            return true;
        };
        while let Some((end, matched)) = self.next_match_state(hay, walk.at, walk.state) {
            (walk.at, walk.state) = (end, matched);
            if !self.report(walk, each) {
                return false;
            }
        }
        walk.at = walk.end;
        true
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

    #[test]
    fn two_walks_report_what_the_crate_s_overlapping_search_reports() {
        use aho_corasick::{AhoCorasick, AhoCorasickKind};

        let words: Vec<Vec<u8>> = [
            "key", "monkey", "password", "pass", "sk", "@", "://", "ab", "abab",
        ]
        .iter()
        .map(|w| w.as_bytes().to_vec())
        .collect();
        let scanner = KeywordScanner::new(&words).unwrap_or_else(|e| panic!("{e}"));
        let reference = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .unwrap_or_else(|e| panic!("{e}"));
        let pieces = [
            "key", "MonKey", "passWORD", " ", "sk", "@", "://", "ab", "x", "\n",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..400 {
            let mut text = Vec::new();
            while text.len() < round * 3 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.extend_from_slice(pieces[(state % pieces.len() as u64) as usize].as_bytes());
            }
            let expected: Vec<(usize, usize, usize)> = reference
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect();
            let mut got = Vec::new();
            scanner.for_each_hit(&text, |word, start, end| {
                got.push((word, start, end));
                true
            });
            assert_eq!(got, expected, "{}", String::from_utf8_lossy(&text));
            // Stopping early stops at once.
            let mut seen = 0;
            scanner.for_each_hit(&text, |_, _, _| {
                seen += 1;
                seen < 3
            });
            assert_eq!(seen, expected.len().min(3));
        }
        // Texts of several segments; and so many hits that the later parts stop holding
        // theirs back mid-way.
        let mut long = Vec::new();
        while long.len() < 3 * SEGMENT_BYTES + 777 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            long.extend_from_slice(pieces[(state % pieces.len() as u64) as usize].as_bytes());
            long.extend_from_slice(b" filler text without any of them ");
        }
        for text in [long, "ab@".repeat(8 * HELD_HITS_LIMIT).into_bytes()] {
            let expected: Vec<(usize, usize, usize)> = reference
                .find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect();
            let mut got = Vec::new();
            scanner.for_each_hit(&text, |word, start, end| {
                got.push((word, start, end));
                true
            });
            assert_eq!(got, expected);
        }
    }
}
