//! The cheap first pass: which detectors can match, and where. One Aho-Corasick pass finds
//! every keyword; one byte-table pass finds digit runs; custom detectors without either are
//! decided by one multi-pattern regex pass. Each hit becomes a window around it, as wide as the
//! detector's longest possible match, and only those windows are handed to the confirm regex.

use std::ops::Range;

use aho_corasick::AhoCorasick;
use regex_automata::{Input, PatternSet, meta};

use crate::detector::{AnchorWindow, DigitGate, Trigger};
use crate::error::DlpError;
use crate::keywords::KeywordScanner;
use crate::work::{Batcher, Windows, Work};

/// Who wants a keyword: the detector and, for case-sensitive keywords, the exact bytes.
struct KeywordOwner {
    detector: usize,
    exact: Option<Box<[u8]>>,
    word_start: bool,
    shape: Option<AnchorWindow>,
}

/// Bytes an email's local part may hold.
fn is_local_part_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The window [`AnchorWindow`] allows around a hit at `at`, within `wide` (the window from
/// lead and reach); `None` when no match can contain the hit.
fn shaped_window(
    shape: AnchorWindow,
    hay: &[u8],
    at: usize,
    wide: Range<usize>,
) -> Option<Range<usize>> {
    match shape {
        AnchorWindow::EmailAt => {
            let local = hay[wide.start..at]
                .iter()
                .rev()
                .take(64)
                .take_while(|b| is_local_part_byte(**b))
                .count();
            let after = hay.get(at + 1..wide.end)?;
            if local == 0 || !after.first()?.is_ascii_alphanumeric() {
                return None;
            }
            let domain = after
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
                .count();
            after[..domain]
                .contains(&b'.')
                .then(|| at - local..at + 1 + domain)
        }
    }
}

struct GatedDetector {
    detector: usize,
    gate: DigitGate,
    /// Required context words and how far before the run they may be.
    context: Option<(AhoCorasick, usize)>,
}

/// Leads up to this many bytes are confirmed by anchored attempts at each possible start;
/// longer ones by an unanchored search over a window.
pub(crate) const PROBE_MAX_LEAD: usize = 8;

pub(crate) struct Prefilter {
    keywords: Option<KeywordScanner>,
    owners: Vec<Vec<KeywordOwner>>,
    /// Gated detectors for runs without hex letters (`[0]`) and with (`[1]`), each sorted
    /// by `min_digits`, so that the gates a run can pass are a prefix.
    digit_gates: [Vec<GatedDetector>; 2],
    /// The fewest colons any hex gate wants (IPv6: 2). When that is not zero, only the
    /// stretches of run bytes around colons need reading for hex runs.
    hex_min_colons: usize,
    always: Option<(meta::Regex, Vec<usize>)>,
    /// Per detector: the longest match, in bytes.
    reach: Vec<usize>,
    /// Per detector: how far before its anchor a match can start.
    lead: Vec<usize>,
}

/// A digit run: digits with at most three separator or hex-letter bytes between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DigitRun {
    pub start: usize,
    pub end: usize,
    pub digits: usize,
    pub dots: usize,
    pub colons: usize,
}

const OTHER: u8 = 0;
const DIGIT: u8 = 1;
const SEPARATOR: u8 = 2;
const HEX_LETTER: u8 = 3;

const BYTE_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = b'0';
    while b <= b'9' {
        table[b as usize] = DIGIT;
        b += 1;
    }
    let separators = b" -./()+:";
    let mut i = 0;
    while i < separators.len() {
        table[separators[i] as usize] = SEPARATOR;
        i += 1;
    }
    let mut b = b'a';
    while b <= b'f' {
        table[b as usize] = HEX_LETTER;
        table[(b - 32) as usize] = HEX_LETTER;
        b += 1;
    }
    table
};

/// The first ASCII digit at or after `from`. Checks 32 bytes per step (vector compares),
/// which is what makes digit-free prose cheap.
fn next_digit(hay: &[u8], from: usize) -> Option<usize> {
    const BLOCK: usize = 32;
    let rest = hay.get(from..)?;
    let mut blocks = rest.chunks_exact(BLOCK);
    let mut at = from;
    for block in &mut blocks {
        if let Ok(block) = <&[u8; BLOCK]>::try_from(block) {
            // No early exit inside the block, so the compiler checks it with a few vector
            // compares; the exact position is looked up only in the block with a digit.
            let nearest = block
                .iter()
                .fold(u8::MAX, |min, b| min.min(b.wrapping_sub(b'0')));
            if nearest < 10 {
                return block
                    .iter()
                    .position(u8::is_ascii_digit)
                    .map(|offset| at + offset);
            }
        }
        at += BLOCK;
    }
    blocks
        .remainder()
        .iter()
        .position(u8::is_ascii_digit)
        .map(|offset| at + offset)
}

/// Calls `each` for every digit run in `hay`, in order. With `hex`, hex letters count as gap
/// bytes (IPv6 groups); without, they end a run (so hashes split into short runs).
/// `each` returns false to stop.
pub(crate) fn digit_runs(hay: &[u8], hex: bool, mut each: impl FnMut(DigitRun) -> bool) {
    digit_runs_from(hay, 0, hex, &mut each);
}

/// [`digit_runs`] for the runs that start at or after `from`, where `from` is 0 or right
/// after a byte that no run can hold (so a run never straddles it). Returns false if
/// `each` did.
fn digit_runs_from(
    hay: &[u8],
    from: usize,
    hex: bool,
    each: &mut impl FnMut(DigitRun) -> bool,
) -> bool {
    let mut i = from;
    while i < hay.len() {
        let Some(next) = next_digit(hay, i) else {
            return true;
        };
        i = next;
        // Colons right before the first digit (`::2`, `fe80::1`) belong to the run's shape.
        let leading_colons = hay[i.saturating_sub(2)..i]
            .iter()
            .rev()
            .take_while(|b| **b == b':')
            .count();
        let mut run = DigitRun {
            start: i,
            end: i,
            digits: 0,
            dots: 0,
            colons: leading_colons,
        };
        let (mut gap, mut pending_dots, mut pending_colons) = (0, 0, 0);
        while let Some(&byte) = hay.get(i) {
            match BYTE_CLASS[usize::from(byte)] {
                DIGIT => {
                    run.digits += 1;
                    run.dots += pending_dots;
                    run.colons += pending_colons;
                    (gap, pending_dots, pending_colons) = (0, 0, 0);
                    run.end = i + 1;
                }
                class @ (SEPARATOR | HEX_LETTER) => {
                    if class == HEX_LETTER && !hex {
                        break;
                    }
                    gap += 1;
                    if gap > 3 {
                        break;
                    }
                    match byte {
                        b'.' => pending_dots += 1,
                        b':' => pending_colons += 1,
                        _ => {}
                    }
                }
                _ => break,
            }
            i += 1;
        }
        // Trailing colons count too (`2001:db8::`); trailing dots and letters do not.
        run.colons += pending_colons;
        if !each(run) {
            return false;
        }
    }
    true
}

/// Whether a digit run (with hex letters, as for IPv6) can hold this byte.
fn in_hex_run(byte: u8) -> bool {
    BYTE_CLASS[usize::from(byte)] != OTHER
}

/// [`digit_runs`] with hex letters, for the runs that hold at least `min_colons` (≥ 1)
/// colons only (and maybe some others). IPv6 gates need colons, and colons are rare in
/// prose: finding them with `memchr` and reading only the stretch of run bytes around each
/// skips the byte-by-byte walk through every hex letter of the text.
fn hex_digit_runs_with_colons(
    hay: &[u8],
    min_colons: usize,
    mut each: impl FnMut(DigitRun) -> bool,
) {
    let mut covered = 0;
    for colon in memchr::memchr_iter(b':', hay) {
        if colon < covered {
            continue;
        }
        let mut start = colon;
        while start > covered && in_hex_run(hay[start - 1]) {
            start -= 1;
        }
        let mut end = colon;
        let mut colons = 0;
        while let Some(&byte) = hay.get(end).filter(|b| in_hex_run(**b)) {
            colons += usize::from(byte == b':');
            end += 1;
        }
        covered = end;
        // `colon` is the stretch's first colon, so these are all of its colons, and a
        // run's colons are all inside its stretch.
        if colons < min_colons {
            continue;
        }
        // The stretch is bounded by bytes no run can hold, so its runs are exactly the ones
        // a walk over the whole text finds there.
        if !digit_runs_from(&hay[..end], start, true, &mut each) {
            return;
        }
    }
}

/// Where the ASCII letters right before a run start (one space allowed between).
fn letters_start(hay: &[u8], run_start: usize) -> usize {
    let mut at = run_start;
    if at > 0 && hay[at - 1] == b' ' {
        at -= 1;
    }
    let spaced = at;
    while at > 0 && hay[at - 1].is_ascii_alphabetic() {
        at -= 1;
    }
    if at == spaced { run_start } else { at }
}

// Inlined into the digit pass: it runs for every digit run and every gate.
#[inline(always)]
fn gate_accepts(gate: &DigitGate, hay: &[u8], run: &DigitRun) -> bool {
    if run.digits < gate.min_digits || run.dots < gate.min_dots || run.colons < gate.min_colons {
        return false;
    }
    if gate.letters_before == 0 {
        return true;
    }
    let start = letters_start(hay, run.start);
    let letters = hay[start..run.start]
        .iter()
        .filter(|b| b.is_ascii_alphabetic())
        .count();
    letters == gate.letters_before && (start == 0 || !hay[start - 1].is_ascii_alphanumeric())
}

impl Prefilter {
    /// `triggers[i]`, `reach[i]`, `lead[i]` belong to detector `i`; `patterns[i]` is its
    /// regex source, needed only for [`Trigger::Always`]; `contexts[i]` are its required
    /// context words, checked around digit runs before any regex runs.
    pub(crate) fn new(
        triggers: &[&Trigger],
        shapes: &[Option<AnchorWindow>],
        patterns: &[&str],
        reach: Vec<usize>,
        lead: Vec<usize>,
        mut contexts: Vec<Option<(AhoCorasick, usize)>>,
        regex_builder: impl Fn(&[&str]) -> Result<meta::Regex, String>,
    ) -> Result<Prefilter, DlpError> {
        let mut words: Vec<Vec<u8>> = Vec::new();
        let mut owners: Vec<Vec<KeywordOwner>> = Vec::new();
        let mut digit_gates = Vec::new();
        let mut always_patterns = Vec::new();
        let mut always_detectors = Vec::new();
        for (detector, trigger) in triggers.iter().enumerate() {
            match trigger {
                Trigger::Keywords {
                    words: keywords,
                    case_sensitive,
                    word_start,
                    ..
                } => {
                    for keyword in keywords.iter().filter(|k| !k.is_empty()) {
                        let folded = keyword.as_bytes().to_ascii_lowercase();
                        let slot = match words.iter().position(|w| *w == folded) {
                            Some(slot) => slot,
                            None => {
                                words.push(folded);
                                owners.push(Vec::new());
                                owners.len() - 1
                            }
                        };
                        owners[slot].push(KeywordOwner {
                            detector,
                            exact: case_sensitive.then(|| keyword.as_bytes().into()),
                            word_start: *word_start,
                            shape: shapes.get(detector).copied().flatten(),
                        });
                    }
                }
                Trigger::Digits { gate, .. } => digit_gates.push(GatedDetector {
                    detector,
                    gate: *gate,
                    context: contexts[detector].take(),
                }),
                Trigger::Always => {
                    always_patterns.push(patterns[detector]);
                    always_detectors.push(detector);
                }
            }
        }
        let keywords = if words.is_empty() {
            None
        } else {
            Some(KeywordScanner::new(&words)?)
        };
        let always = if always_patterns.is_empty() {
            None
        } else {
            let regex = regex_builder(&always_patterns).map_err(DlpError::Build)?;
            Some((regex, always_detectors))
        };
        Ok(Prefilter {
            keywords,
            owners,
            hex_min_colons: digit_gates
                .iter()
                .filter(|g| g.gate.allow_hex)
                .map(|g| g.gate.min_colons)
                .min()
                .unwrap_or(0),
            digit_gates: {
                let (mut hex, mut plain): (Vec<_>, Vec<_>) =
                    digit_gates.into_iter().partition(|g| g.gate.allow_hex);
                plain.sort_by_key(|g| g.gate.min_digits);
                hex.sort_by_key(|g| g.gate.min_digits);
                [plain, hex]
            },
            always,
            reach,
            lead,
        })
    }

    /// Whether `text` contains any keyword (used to decide if a JSON member name is worth
    /// scanning together with its value).
    pub(crate) fn has_keyword(&self, text: &[u8]) -> bool {
        self.keywords.as_ref().is_some_and(|k| k.is_match(text))
    }

    /// Runs the passes over `hay` and hands the triggered detectors' work to `confirm` in
    /// batches of about `batch` anchors or windows, each batch in detector order. Work is
    /// handed over only once no later hit can merge with it, so the confirm step sees the
    /// same anchors and windows as with one batch. `confirm` returns false to stop the scan.
    /// `windows` is scratch space (sized for the detector count), reused across scans.
    pub(crate) fn for_each_batch(
        &self,
        hay: &[u8],
        windows: &mut Windows,
        batch: usize,
        confirm: impl FnMut(usize, Work<'_>) -> bool,
    ) {
        let mut batcher = Batcher::new(windows, &self.lead, batch, confirm);
        self.run_passes(hay, &mut batcher);
        batcher.flush(usize::MAX);
    }

    fn run_passes<F: FnMut(usize, Work<'_>) -> bool>(
        &self,
        hay: &[u8],
        batcher: &mut Batcher<'_, F>,
    ) {
        // A match starts at most `lead` before its anchor and is at most `reach` long.
        let around = |detector: usize, start: usize, end: usize| {
            start.saturating_sub(self.lead[detector])
                ..end.saturating_add(self.reach[detector]).min(hay.len())
        };
        if let Some(keywords) = &self.keywords {
            keywords.for_each_hit(hay, |word, start, end| {
                let found = &hay[start..end];
                let after_letter = start > 0 && hay[start - 1].is_ascii_alphabetic();
                for owner in &self.owners[word] {
                    if owner.exact.as_deref().is_some_and(|exact| exact != found)
                        || owner.word_start && after_letter
                    {
                        continue;
                    }
                    if self.lead[owner.detector] <= PROBE_MAX_LEAD {
                        batcher.windows.probe(owner.detector, start);
                    } else {
                        // The keyword is inside the match, so the match ends within
                        // `reach` of the keyword's start.
                        let window = around(owner.detector, start, start);
                        let window = match owner.shape {
                            Some(shape) => shaped_window(shape, hay, start, window),
                            None => Some(window),
                        };
                        if let Some(window) = window {
                            batcher.windows.push(owner.detector, window);
                        }
                    }
                }
                // Hits come in order of their end, so a later one starts at or after this
                // end minus the longest keyword.
                batcher.maybe_flush(end.saturating_sub(keywords.longest()))
            });
            if batcher.stopped {
                return;
            }
        }
        // Each detector has one trigger, so the detectors of a finished pass get no more
        // work: any later frontier is safe for what they still have pending, and the final
        // flush takes the rest (one flush per text unless a batch fills up).
        for (hex, gates) in [false, true].into_iter().zip(&self.digit_gates) {
            if gates.is_empty() {
                continue;
            }
            let on_run = |run: DigitRun| {
                let passable = gates.iter().take_while(|g| g.gate.min_digits <= run.digits);
                for gated in passable {
                    if !gate_accepts(&gated.gate, hay, &run) {
                        continue;
                    }
                    let lead = self.lead[gated.detector];
                    if let Some((words, window)) = &gated.context {
                        let from = run.start.saturating_sub(lead + window);
                        if !words.is_match(&hay[from..run.end]) {
                            continue;
                        }
                    }
                    if lead <= PROBE_MAX_LEAD && gated.gate.letters_before > 0 {
                        let letters = run.start - letters_start(hay, run.start);
                        batcher.windows.probe(gated.detector, run.start - letters);
                    } else {
                        let window = around(gated.detector, run.start, run.end);
                        batcher.windows.push(gated.detector, window);
                    }
                }
                // A later run starts after this one ends, and the letters before it too.
                batcher.maybe_flush(run.end)
            };
            if hex && self.hex_min_colons > 0 {
                hex_digit_runs_with_colons(hay, self.hex_min_colons, on_run);
            } else {
                digit_runs(hay, hex, on_run);
            }
            if batcher.stopped {
                return;
            }
        }
        if let Some((regex, detectors)) = &self.always {
            let mut matched = PatternSet::new(regex.pattern_len());
            regex.which_overlapping_matches(&Input::new(hay), &mut matched);
            for pattern in matched.iter() {
                if let Some(&detector) = detectors.get(pattern.as_usize()) {
                    batcher.windows.push(detector, 0..hay.len());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        digit_runs(text.as_bytes(), true, |run| {
            out.push((
                text[run.start..run.end].to_owned(),
                run.digits,
                run.dots,
                run.colons,
            ));
            true
        });
        out
    }

    #[test]
    fn email_windows_cover_the_address_and_skip_impossible_ats() {
        fn shape(text: &str) -> Option<&str> {
            let at = text.find('@')?;
            shaped_window(AnchorWindow::EmailAt, text.as_bytes(), at, 0..text.len())
                .map(|w| &text[w])
        }
        assert_eq!(
            shape("mail a.b+c@mail.example.org, thanks"),
            Some("a.b+c@mail.example.org")
        );
        assert_eq!(shape("see @mentions.here"), None);
        assert_eq!(shape("user@localhost now"), None);
        assert_eq!(shape("user@.example.org"), None);
        assert_eq!(shape("npm i @scope/pkg"), None);
        let long = format!("{}@example.org", "x".repeat(100));
        assert_eq!(shape(&long).map(str::len), Some(64 + 1 + 11));
    }

    #[test]
    fn next_digit_agrees_with_a_plain_search() {
        let mut bytes: Vec<u8> = (0u8..=255).collect();
        bytes.extend_from_slice(b"no digits here at all, none!");
        for from in 0..bytes.len() {
            for end in from..bytes.len().min(from + 40) {
                let hay = &bytes[..end];
                let plain = hay
                    .get(from..)
                    .and_then(|s| s.iter().position(u8::is_ascii_digit));
                assert_eq!(
                    next_digit(hay, from),
                    plain.map(|p| p + from),
                    "{from}..{end}"
                );
            }
        }
    }

    #[test]
    fn colon_stretches_find_every_hex_run_with_a_colon() {
        // Texts from bytes that make runs, break them and join them, in many mixes.
        let alphabet = b"0123456789abcdefABCxyz::...--  /()+\n@_";
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..2000 {
            let len = (state % 60) as usize;
            let text: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            let mut all = Vec::new();
            digit_runs(&text, true, |run| {
                all.push(run);
                true
            });
            for min_colons in 1..=3 {
                let mut near_colons = Vec::new();
                hex_digit_runs_with_colons(&text, min_colons, |run| {
                    near_colons.push(run);
                    true
                });
                let enough = |runs: &[DigitRun]| -> Vec<DigitRun> {
                    runs.iter()
                        .filter(|r| r.colons >= min_colons)
                        .copied()
                        .collect()
                };
                assert_eq!(
                    enough(&near_colons),
                    enough(&all),
                    "{min_colons} in {:?}",
                    String::from_utf8_lossy(&text)
                );
                assert!(near_colons.iter().all(|r| all.contains(r)));
            }
        }
    }

    #[test]
    fn digit_runs_join_separated_groups() {
        assert_eq!(
            runs("card 4111 1111-1111 1111, ip 10.0.0.1."),
            vec![
                ("4111 1111-1111 1111".to_owned(), 16, 0, 0),
                ("10.0.0.1".to_owned(), 5, 3, 0),
            ]
        );
    }

    #[test]
    fn digit_runs_cover_ipv6_in_pieces_whose_windows_overlap() {
        // Hex letters count as gap bytes, so a long letter stretch splits the address; each
        // piece still has its colons, and the windows around both cover the whole address.
        assert_eq!(
            runs("fe80::1ff:fe23:4567:890a then words"),
            vec![
                ("80::1".to_owned(), 3, 0, 3),
                ("23:4567:890".to_owned(), 9, 0, 2)
            ]
        );
    }

    #[test]
    fn hex_letters_split_runs_unless_asked_for() {
        let digits = |hex| {
            let mut out = Vec::new();
            digit_runs(b"commit 3f9a8b7c6d21 and 4111 1111", hex, |run| {
                out.push(run.digits);
                true
            });
            out
        };
        assert_eq!(digits(false), vec![1, 1, 1, 1, 1, 2, 8]);
        assert_eq!(digits(true), vec![7, 8]);
    }

    #[test]
    fn digit_runs_break_on_long_gaps_and_letters() {
        assert_eq!(
            runs("a1 zzzz 22 -- - 33"),
            vec![
                ("1".to_owned(), 1, 0, 0),
                ("22".to_owned(), 2, 0, 0),
                ("33".to_owned(), 2, 0, 0)
            ]
        );
    }
}
