//! Probe gates: small, fully built anchored DFAs that answer "can a match start here?" far
//! more cheaply than the confirm regex. A probe asks its detector's gate at each candidate
//! start and runs the regex only where the gate says yes.
//!
//! A gate need not be exact, only never wrong when it says no: it may accept where the regex
//! then finds nothing. Patterns with long bounded repetitions (`[^;\n]{1,200}`, `{12,256}`)
//! make DFAs too big to build, so for those the gate is the DFA of a *prefix* of the pattern
//! (see [`shortest_prefix`]): every match of the pattern starts with a match of the prefix,
//! and the prefix keeps what rules most places out (the keyword, the `=` after it, the first
//! byte of the value).

use regex_automata::MatchKind;
use regex_automata::dfa::{StartKind, dense};
use regex_automata::nfa::thompson;
use regex_syntax::hir::{Hir, HirKind, Repetition};

use crate::detector::Trigger;
use crate::prefilter::PROBE_MAX_LEAD;

/// Size limit for a gate; patterns over it get a gate for a prefix, or none.
const GATE_DFA_LIMIT: usize = 256 * 1024;

pub(crate) type Gate = dense::DFA<Vec<u32>>;

/// Gates pay off where probes are frequent: detectors anchored on words (`password`, `key`)
/// or on short literals (`://`, `+1`, `SK`), and probed (small lead). Long token prefixes
/// (`ghp_`, `AKIA`) are rare in text, so those detectors skip the build cost.
pub(crate) fn wants_gate(trigger: &Trigger) -> bool {
    match trigger {
        Trigger::Keywords {
            words,
            case_sensitive,
            lead: Some(lead),
            ..
        } => *lead <= PROBE_MAX_LEAD && (!case_sensitive || words.iter().any(|w| w.len() <= 3)),
        Trigger::Digits {
            gate,
            lead: Some(lead),
        } => gate.letters_before > 0 && *lead <= PROBE_MAX_LEAD,
        _ => false,
    }
}

/// The gate for `pattern` (parsed with the engine's syntax settings into `hir`): its own DFA
/// if that fits, else the DFA of its longest prefix that does; `None` if not even the first
/// element fits.
pub(crate) fn build_gate(hir: &Hir) -> Option<Gate> {
    if let Some(gate) = build_dfa(hir) {
        return Some(gate);
    }
    let top = without_captures(hir);
    let HirKind::Concat(elements) = top.kind() else {
        return build_dfa(&shortest_prefix(top));
    };
    (1..=elements.len()).rev().find_map(|keep| {
        let mut prefix = elements[..keep - 1].to_vec();
        prefix.push(shortest_prefix(&elements[keep - 1]));
        build_dfa(&Hir::concat(prefix))
    })
}

fn build_dfa(hir: &Hir) -> Option<Gate> {
    let nfa = thompson::Compiler::new()
        .configure(thompson::Config::new().utf8(false))
        .build_from_hir(hir)
        .ok()?;
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .match_kind(MatchKind::LeftmostFirst)
                .minimize(false)
                .dfa_size_limit(Some(GATE_DFA_LIMIT))
                .determinize_size_limit(Some(GATE_DFA_LIMIT)),
        )
        .build_from_nfa(&nfa)
        .ok()
}

fn without_captures(hir: &Hir) -> &Hir {
    match hir.kind() {
        HirKind::Capture(capture) => without_captures(&capture.sub),
        _ => hir,
    }
}

/// A small expression that matches a prefix of every match of `hir`, so that "no match of
/// it starts here" implies "no match of `hir` starts here": repetitions keep their minimum
/// count, concatenations their first element, alternations every branch (each shortened).
fn shortest_prefix(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Capture(capture) => shortest_prefix(&capture.sub),
        HirKind::Concat(elements) => elements.first().map_or_else(Hir::empty, shortest_prefix),
        HirKind::Alternation(branches) => {
            Hir::alternation(branches.iter().map(shortest_prefix).collect())
        }
        HirKind::Repetition(repetition) => match repetition.min {
            0 => Hir::empty(),
            // One whole copy less than the minimum, then a prefix of the last one.
            min => Hir::concat(vec![
                Hir::repetition(Repetition {
                    min: min - 1,
                    max: Some(min - 1),
                    greedy: repetition.greedy,
                    sub: repetition.sub.clone(),
                }),
                shortest_prefix(&repetition.sub),
            ]),
        },
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => hir.clone(),
    }
}

#[cfg(test)]
mod tests {
    use regex_automata::dfa::Automaton;
    use regex_automata::{Anchored, Input};

    use super::*;

    fn parse(pattern: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(pattern)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn opens(gate: &Gate, hay: &str, start: usize) -> bool {
        let input = Input::new(hay).range(start..).anchored(Anchored::Yes);
        !matches!(gate.try_search_fwd(&input), Ok(None))
    }

    #[test]
    fn shortest_prefixes_match_a_prefix_of_every_match() {
        let cases = [
            (r"ab{3,9}c", "abbbbc"),
            (
                r"(?:key|token)\s{0,3}=(?P<v>[A-Za-z]{12,256})",
                "token =abcdefghijklm",
            ),
            (r"x(?:ab|cd){2,4}", "xabcdab"),
        ];
        for (pattern, matching) in cases {
            let hir = parse(pattern);
            let top = without_captures(&hir);
            let HirKind::Concat(elements) = top.kind() else {
                panic!("{pattern} is a concatenation");
            };
            for keep in 1..=elements.len() {
                let mut prefix = elements[..keep - 1].to_vec();
                prefix.push(shortest_prefix(&elements[keep - 1]));
                let gate = build_dfa(&Hir::concat(prefix)).unwrap_or_else(|| panic!("{pattern}"));
                assert!(opens(&gate, matching, 0), "{pattern} keep {keep}");
            }
            assert!(!opens(
                &build_gate(&hir).unwrap_or_else(|| panic!("{pattern}")),
                "xyz",
                0
            ));
        }
    }

    #[test]
    fn oversized_patterns_get_a_prefix_gate_that_still_rules_out_most_starts() {
        let pattern = r"(?i)\b(?:server|host)\s{0,3}=[^;\n]{1,200};[^\n]{0,400}?\b(?:password|pwd)\s{0,3}=\s{0,3}(?P<secret>[^;'\r\n]{1,128})";
        let hir = parse(pattern);
        assert!(
            build_dfa(&hir).is_none(),
            "the whole pattern is over the limit"
        );
        let gate = build_gate(&hir).unwrap_or_else(|| panic!("a prefix gate"));
        assert!(opens(&gate, "Server=db1;User=x;Password=hunter2", 0));
        assert!(!opens(&gate, "host the meeting", 0));
        assert!(!opens(&gate, "hostname=x", 0));
    }
}
