//! The engine: detectors compiled once, then one pass per text —
//! prefilter (keywords, digit runs) → confirm regex inside the prefilter's windows →
//! validators and context words → overlap resolution → at most `max_findings` findings.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use regex_automata::dfa::Automaton;
use regex_automata::util::captures::Captures;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input};

use crate::action::{ActionContext, Policy, Redacted, apply};
use crate::compile::{Compiled, build_regex, compile, context_automaton, selected_detectors};
use crate::config::DlpConfig;
use crate::detector::{Detector, Trigger};
use crate::detectors;
use crate::error::DlpError;
use crate::finding::{Finding, PrefilterStat, Scan, resolve_overlaps};
use crate::prefilter::Prefilter;
use crate::validate::{Validator, is_placeholder};
use crate::work::{Windows, Work};

/// Anchors and windows the prefilter collects before they are confirmed: bounds the
/// prefilter's memory on hostile input (a text of nothing but keywords) to a constant.
const HITS_PER_BATCH: usize = 4096;

/// Confirmed findings before overlap resolution, up to a budget.
struct Candidates {
    found: Vec<Finding>,
    budget: usize,
}

impl Candidates {
    fn new(budget: usize) -> Candidates {
        Candidates {
            found: Vec::new(),
            budget,
        }
    }

    /// Adds one; false once the budget is spent.
    fn push(&mut self, finding: Finding) -> bool {
        self.found.push(finding);
        self.found.len() < self.budget
    }
}

/// Per-scan working memory, kept in a pool and reused: allocating it for every (usually
/// short) text cost as much as scanning a kilobyte.
struct Scratch {
    windows: Windows,
    /// Per detector: where its last accepted probe match ended.
    consumed: Vec<usize>,
}

type ScratchPool = Pool<Scratch, Box<dyn Fn() -> Scratch + Send + Sync>>;

/// Compiled detectors and policy. Build once ([`Engine::new`]), share freely (`Send + Sync`),
/// scan many texts.
pub struct Engine {
    compiled: Vec<Compiled>,
    prefilter: Prefilter,
    policy: Policy,
    max_findings: usize,
    hash_key_name: Option<String>,
    /// Every detector's required context words (see [`Engine::name_is_interesting`]).
    context_words: Option<AhoCorasick>,
    /// Per detector: the longest match.
    reach: Vec<usize>,
    scratch: ScratchPool,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("detectors", &self.compiled.len())
            .field("max_findings", &self.max_findings)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Compiles every selected detector once. Fails on an invalid custom pattern or
    /// validator (naming the detector), an unknown detector id or category in the config.
    pub fn new(config: &DlpConfig) -> Result<Engine, DlpError> {
        let known_ids: Vec<String> = detectors::builtin()
            .into_iter()
            .map(|d| d.id)
            .chain(config.custom.iter().map(|c| c.id.clone()))
            .collect();
        let policy = Policy::from_config(config, &known_ids)?;
        let selected = selected_detectors(config)?;
        let mut compiled = Vec::with_capacity(selected.len());
        let mut reach = Vec::with_capacity(selected.len());
        let mut lead = Vec::with_capacity(selected.len());
        for detector in selected {
            let (one, one_reach) = compile(detector)?;
            let one_lead = match &one.detector.trigger {
                Trigger::Keywords { lead, .. } | Trigger::Digits { lead, .. } => *lead,
                Trigger::Always => None,
            };
            lead.push(one_lead.unwrap_or(one_reach));
            compiled.push(one);
            reach.push(one_reach);
        }
        let triggers: Vec<&Trigger> = compiled.iter().map(|c| &c.detector.trigger).collect();
        let patterns: Vec<&str> = compiled
            .iter()
            .map(|c| c.detector.pattern.as_str())
            .collect();
        let contexts = compiled
            .iter()
            .map(|c| {
                let context = c.detector.context.as_ref()?;
                let words = context_automaton(&context.required).ok().flatten()?;
                Some((words, context.window))
            })
            .collect();
        let shapes: Vec<_> = compiled.iter().map(|c| c.detector.anchor_window).collect();
        let prefilter = Prefilter::new(
            &triggers,
            &shapes,
            &patterns,
            reach.clone(),
            lead,
            contexts,
            build_regex,
        )?;
        let context_words: Vec<String> = compiled
            .iter()
            .filter_map(|c| c.detector.context.as_ref())
            .flat_map(|c| c.required.iter().cloned())
            .collect();
        let detector_count = compiled.len();
        let scratch: ScratchPool = Pool::new(Box::new(move || Scratch {
            windows: Windows::new(detector_count),
            consumed: vec![0; detector_count],
        }));
        Ok(Engine {
            scratch,
            reach,
            context_words: context_automaton(&context_words)?,
            compiled,
            prefilter,
            policy,
            max_findings: config.max_findings.max(1),
            hash_key_name: config.hash_key.clone(),
        })
    }

    /// The active detectors, in the order the engine runs them.
    pub fn detectors(&self) -> impl Iterator<Item = &Detector> {
        self.compiled.iter().map(|c| &c.detector)
    }

    /// The action policy built from the configuration.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The configured name of the tenant hash key, for the host to resolve.
    pub fn hash_key_name(&self) -> Option<&str> {
        self.hash_key_name.as_deref()
    }

    pub fn max_findings(&self) -> usize {
        self.max_findings
    }

    /// Scans UTF-8 text. Offsets are byte offsets on character boundaries.
    pub fn scan(&self, text: &str) -> Scan {
        self.scan_bytes(text.as_bytes())
    }

    /// Scans raw bytes, e.g. a file that is not valid UTF-8. Patterns match bytes directly
    /// (no lossy decoding, so offsets need no mapping); invalid sequences simply match
    /// nothing. Finding edges are widened to whole UTF-8 sequences where the text has them.
    pub fn scan_bytes(&self, hay: &[u8]) -> Scan {
        match blank_terminal_escapes(hay) {
            Some(blanked) => self.scan_plain(&blanked),
            None => self.scan_plain(hay),
        }
    }

    fn scan_plain(&self, hay: &[u8]) -> Scan {
        self.scan_in_batches(hay, HITS_PER_BATCH)
    }

    /// [`Engine::scan_bytes`] with a chosen prefilter batch size (anchors and windows
    /// confirmed at a time). Results do not depend on it; tests use tiny batches to cross
    /// many batch boundaries.
    #[doc(hidden)]
    pub fn scan_bytes_batched(&self, hay: &[u8], batch: usize) -> Scan {
        match blank_terminal_escapes(hay) {
            Some(blanked) => self.scan_in_batches(&blanked, batch),
            None => self.scan_in_batches(hay, batch),
        }
    }

    fn scan_in_batches(&self, hay: &[u8], batch: usize) -> Scan {
        // A candidate budget well above max_findings keeps work bounded on hostile input
        // while leaving room for overlap resolution to drop duplicates.
        let mut candidates = Candidates::new(self.max_findings.saturating_mul(4));
        let mut truncated = false;
        let mut scratch = self.scratch.get();
        let Scratch { windows, consumed } = &mut *scratch;
        // Carried across batches, so it starts at zero for each text.
        consumed.fill(0);
        self.prefilter
            .for_each_batch(hay, windows, batch, |index, work| {
                let compiled = &self.compiled[index];
                let complete = match work {
                    Work::Windows(list) => list
                        .iter()
                        .all(|w| self.confirm(compiled, hay, w.clone(), &mut candidates)),
                    Work::Probes { anchors, lead } => self.probe(
                        index,
                        hay,
                        anchors,
                        lead,
                        &mut consumed[index],
                        &mut candidates,
                    ),
                };
                truncated |= !complete;
                complete
            });
        drop(scratch);
        let mut findings = resolve_overlaps(candidates.found);
        if findings.len() > self.max_findings {
            findings.truncate(self.max_findings);
            truncated = true;
        }
        Scan {
            findings,
            truncated,
        }
    }

    /// The reference semantics of [`Engine::scan_bytes`] without the prefilter: every
    /// detector searches the whole text. Much slower; tests compare the two to prove that
    /// triggers, leads and reaches lose nothing.
    #[doc(hidden)]
    pub fn scan_exhaustive(&self, hay: &[u8]) -> Scan {
        let blanked = blank_terminal_escapes(hay);
        let hay = blanked.as_deref().unwrap_or(hay);
        let mut candidates = Candidates::new(usize::MAX);
        for compiled in &self.compiled {
            self.confirm(compiled, hay, 0..hay.len(), &mut candidates);
        }
        let mut findings = resolve_overlaps(candidates.found);
        let truncated = findings.len() > self.max_findings;
        findings.truncate(self.max_findings);
        Scan {
            findings,
            truncated,
        }
    }

    /// What the prefilter hands each detector for `hay`: the number of anchors probed or
    /// windows searched, and the bytes in those windows. For tuning detectors and triggers.
    pub fn prefilter_stats(&self, hay: &[u8]) -> Vec<PrefilterStat> {
        let mut stats: Vec<PrefilterStat> = Vec::new();
        let mut scratch = self.scratch.get();
        self.prefilter
            .for_each_batch(hay, &mut scratch.windows, usize::MAX, |index, work| {
                let (anchors, windows, window_bytes) = match work {
                    Work::Probes { anchors, .. } => (anchors.len(), 0, 0),
                    Work::Windows(list) => (0, list.len(), list.iter().map(|w| w.len()).sum()),
                };
                stats.push(PrefilterStat {
                    detector: Arc::clone(&self.compiled[index].id),
                    anchors,
                    windows,
                    window_bytes,
                });
                true
            });
        stats
    }

    /// Tries anchored matches starting `lead` bytes before each anchor up to the anchor; the
    /// first accepted one per anchor wins. Returns false when the candidate budget is spent.
    fn probe(
        &self,
        index: usize,
        hay: &[u8],
        anchors: &[usize],
        lead: usize,
        consumed: &mut usize,
        out: &mut Candidates,
    ) -> bool {
        let compiled = &self.compiled[index];
        // Built on the first confirm attempt only: most probes end at the gate.
        let mut caps = None;
        for &anchor in anchors {
            for start in anchor.saturating_sub(lead).max(*consumed)..=anchor {
                if start < *consumed {
                    continue;
                }
                let end = anchor.saturating_add(self.reach[index]).min(hay.len());
                let input = Input::new(hay).range(start..end).anchored(Anchored::Yes);
                if let Some(gate) = &compiled.gate
                    && matches!(gate.try_search_fwd(&input), Ok(None))
                {
                    continue;
                }
                let Some((whole, span)) = self.find(compiled, &input, &mut caps) else {
                    continue;
                };
                let (start, end) = widen_to_utf8(hay, span.start, span.end);
                if start < end && self.accepts(compiled, hay, start, end) {
                    if !out.push(self.finding(compiled, start, end)) {
                        return false;
                    }
                    *consumed = whole.end;
                    break;
                }
            }
        }
        true
    }

    /// The whole match and the reported span (the first `secret…` group that took part).
    fn find(
        &self,
        compiled: &Compiled,
        input: &Input<'_>,
        caps: &mut Option<Captures>,
    ) -> Option<(Range<usize>, Range<usize>)> {
        if compiled.secret_groups.is_empty() {
            return compiled.regex.search(input).map(|m| (m.range(), m.range()));
        }
        let caps = caps.get_or_insert_with(|| compiled.regex.create_captures());
        compiled.regex.search_captures(input, caps);
        let m = caps.get_match()?;
        let span = compiled
            .secret_groups
            .iter()
            .find_map(|&group| caps.get_group(group))
            .map_or(m.range(), |s| s.range());
        Some((m.range(), span))
    }

    fn finding(&self, compiled: &Compiled, start: usize, end: usize) -> Finding {
        Finding {
            detector: Arc::clone(&compiled.id),
            category: compiled.detector.category,
            severity: compiled.detector.severity,
            confidence: compiled.detector.confidence,
            start,
            end,
        }
    }

    /// Runs one detector's confirm regex over one window. Returns false when the candidate
    /// budget is spent.
    fn confirm(
        &self,
        compiled: &Compiled,
        hay: &[u8],
        window: Range<usize>,
        out: &mut Candidates,
    ) -> bool {
        // Built on the first confirm attempt only: most probes end at the gate.
        let mut caps = None;
        let mut at = window.start;
        while at < window.end {
            let input = Input::new(hay).range(at..window.end);
            let Some((whole, span)) = self.find(compiled, &input, &mut caps) else {
                return true;
            };
            let (start, end) = widen_to_utf8(hay, span.start, span.end);
            if start < end && self.accepts(compiled, hay, start, end) {
                if !out.push(self.finding(compiled, start, end)) {
                    return false;
                }
                at = whole.end.max(at + 1);
            } else {
                // Rejected: a later start inside this match may still be valid (a card
                // number after a leading digit group), so step one byte, not past the match.
                at = whole.start.max(at) + 1;
            }
        }
        true
    }

    fn accepts(&self, compiled: &Compiled, hay: &[u8], start: usize, end: usize) -> bool {
        let detector = &compiled.detector;
        if let Some(validator) = &detector.validator
            && !validator.check(hay, start, end)
        {
            return false;
        }
        let checks_placeholders = detector
            .validator
            .as_ref()
            .is_some_and(Validator::handles_placeholders);
        if detector.category.is_secret() && !checks_placeholders && is_placeholder(&hay[start..end])
        {
            return false;
        }
        if let Some(context) = &compiled.context {
            let before = &hay[start.saturating_sub(context.window)..start];
            if context
                .required
                .as_ref()
                .is_some_and(|ac| !ac.is_match(before))
                || context
                    .forbidden
                    .as_ref()
                    .is_some_and(|ac| ac.is_match(before))
            {
                return false;
            }
        }
        true
    }

    /// Scans `text` and applies this engine's policy. A `block` finding is an error.
    pub fn redact(&self, text: &str, ctx: &ActionContext<'_>) -> Result<Redacted, DlpError> {
        let scan = self.scan(text);
        let mut redacted = apply(text, &scan.findings, &self.policy, ctx)?;
        redacted.report.truncated = scan.truncated;
        Ok(redacted)
    }

    /// Whether a JSON member name contains a detector keyword or context word, so that its
    /// value should also be scanned with the name as context.
    pub(crate) fn name_is_interesting(&self, name: &str) -> bool {
        self.prefilter.has_keyword(name.as_bytes())
            || self
                .context_words
                .as_ref()
                .is_some_and(|ac| ac.is_match(name.as_bytes()))
    }
}

/// Terminal control sequences (`ESC [ 94 m`, colours in pasted logs) replaced by as many
/// spaces, so a token right after one still starts at a word boundary and offsets stay those
/// of the original text. `None` (no copy) for the usual text without an ESC byte.
fn blank_terminal_escapes(hay: &[u8]) -> Option<Vec<u8>> {
    const ESC: u8 = 0x1b;
    let first = memchr::memchr(ESC, hay)?;
    let mut out = hay.to_vec();
    let mut at = first;
    while at < out.len() {
        if out[at] != ESC || out.get(at + 1) != Some(&b'[') {
            at += 1;
            continue;
        }
        // CSI: parameter and intermediate bytes (0x20–0x3F), then one final byte (0x40–0x7E).
        let params = out[at + 2..]
            .iter()
            .take(33)
            .take_while(|b| (0x20..=0x3F).contains(*b))
            .count();
        let end = at + 2 + params;
        if params <= 32 && out.get(end).is_some_and(|b| (0x40..=0x7E).contains(b)) {
            out[at..=end].fill(b' ');
            at = end + 1;
        } else {
            at += 1;
        }
    }
    Some(out)
}

/// Widens `start..end` so it neither starts nor ends inside a UTF-8 sequence.
fn widen_to_utf8(hay: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    let continuation = |b: &u8| (0x80..0xC0).contains(b);
    while start > 0 && hay.get(start).is_some_and(continuation) {
        start -= 1;
    }
    while hay.get(end).is_some_and(continuation) {
        end += 1;
    }
    (start, end)
}
