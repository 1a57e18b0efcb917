//! Turning detector definitions into compiled regexes once: syntax settings, size limits, the
//! longest possible match (how far a window must reach), capture groups, context automata;
//! and choosing the detectors a configuration asks for.

use std::sync::Arc;

use aho_corasick::AhoCorasick;
use regex_automata::util::syntax;
use regex_automata::{PatternID, meta};
use regex_syntax::hir::Hir;

use crate::config::{DlpConfig, selector_is_valid, selector_matches};
use crate::detector::{Category, Context, Detector, PiiKind, Trigger};
use crate::detectors;
use crate::error::DlpError;
use crate::gate::{Gate, build_gate, wants_gate};

/// Upper bound for how far a match may reach from its anchor when the pattern itself is
/// unbounded (custom patterns with `+` or `*`). Longer matches may be cut at this distance.
const UNBOUNDED_REACH: usize = 4096;
/// Compiled-regex size limits: a custom pattern over these is rejected, not slowly run.
const NFA_SIZE_LIMIT: usize = 8 * 1024 * 1024;
const NEST_LIMIT: u32 = 100;

pub(crate) struct CompiledContext {
    pub(crate) required: Option<AhoCorasick>,
    pub(crate) forbidden: Option<AhoCorasick>,
    pub(crate) window: usize,
}

pub(crate) struct Compiled {
    pub(crate) detector: Detector,
    pub(crate) id: Arc<str>,
    pub(crate) regex: meta::Regex,
    /// Capture groups whose name starts with `secret`; the first that took part is the finding.
    pub(crate) secret_groups: Vec<usize>,
    pub(crate) context: Option<CompiledContext>,
    /// Answers "can a match start here?" with almost no per-call cost; probes ask it first
    /// and run `regex` only when it says yes (see [`crate::gate`]). `None` when not worth it
    /// or too big (it is only an accelerator).
    pub(crate) gate: Option<Gate>,
}

fn syntax_config() -> syntax::Config {
    syntax::Config::new()
        .unicode(false)
        .utf8(false)
        .nest_limit(NEST_LIMIT)
}

pub(crate) fn build_regex(patterns: &[&str]) -> Result<meta::Regex, String> {
    meta::Builder::new()
        .syntax(syntax_config())
        .configure(
            meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(NFA_SIZE_LIMIT)),
        )
        .build_many(patterns)
        .map_err(|e| e.to_string())
}

/// Parses a pattern with the engine's syntax settings; this also reports syntax errors
/// before the (costlier) NFA build.
fn parse(id: &str, pattern: &str) -> Result<Hir, DlpError> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .nest_limit(NEST_LIMIT)
        .build()
        .parse(pattern)
        .map_err(|e| DlpError::InvalidPattern {
            id: id.to_owned(),
            message: e.to_string(),
        })
}

/// The longest match the pattern can produce, capped for unbounded ones.
fn max_match_len(hir: &Hir) -> usize {
    hir.properties()
        .maximum_len()
        .map_or(UNBOUNDED_REACH, |len| len.min(UNBOUNDED_REACH * 16))
}

pub(crate) fn context_automaton(words: &[String]) -> Result<Option<AhoCorasick>, DlpError> {
    if words.is_empty() {
        return Ok(None);
    }
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(words)
        .map(Some)
        .map_err(|e| DlpError::Build(e.to_string()))
}

pub(crate) fn compile(detector: Detector) -> Result<(Compiled, usize), DlpError> {
    let invalid = |message: &str| DlpError::InvalidDetector {
        id: detector.id.clone(),
        message: message.to_owned(),
    };
    if detector.id.is_empty() || detector.id.len() > 64 {
        return Err(invalid("ids must be 1 to 64 characters"));
    }
    if let Trigger::Keywords { words, .. } = &detector.trigger
        && words.iter().all(String::is_empty)
    {
        return Err(invalid("keywords must not all be empty"));
    }
    let hir = parse(&detector.id, &detector.pattern)?;
    let bounded = max_match_len(&hir);
    let reach = detector.reach.unwrap_or(bounded);
    let regex = build_regex(&[&detector.pattern]).map_err(|message| DlpError::InvalidPattern {
        id: detector.id.clone(),
        message,
    })?;
    let secret_groups = regex
        .group_info()
        .pattern_names(PatternID::ZERO)
        .enumerate()
        .filter(|(_, name)| name.is_some_and(|n| n.starts_with("secret")))
        .map(|(index, _)| index)
        .collect();
    let context = match &detector.context {
        Some(Context {
            required,
            forbidden,
            window,
        }) => Some(CompiledContext {
            required: context_automaton(required)?,
            forbidden: context_automaton(forbidden)?,
            window: *window,
        }),
        None => None,
    };
    let id: Arc<str> = Arc::from(detector.id.as_str());
    let gate = if wants_gate(&detector.trigger) {
        build_gate(&hir)
    } else {
        None
    };
    Ok((
        Compiled {
            detector,
            id,
            regex,
            secret_groups,
            context,
            gate,
        },
        reach,
    ))
}

/// The detectors a configuration selects: built-ins minus disabled ones and unselected
/// categories, plus custom ones.
pub(crate) fn selected_detectors(config: &DlpConfig) -> Result<Vec<Detector>, DlpError> {
    for name in &config.categories {
        if !selector_is_valid(name) {
            return Err(DlpError::UnknownCategory {
                name: name.clone(),
                place: "categories",
            });
        }
    }
    let mut all = detectors::builtin();
    for custom in &config.custom {
        all.push(crate::custom::to_detector(custom)?);
    }
    let mut seen = std::collections::HashSet::new();
    for detector in &all {
        if !seen.insert(detector.id.as_str()) {
            return Err(DlpError::InvalidDetector {
                id: detector.id.clone(),
                message: "duplicate detector id".to_owned(),
            });
        }
    }
    for id in &config.disabled_detectors {
        if !seen.contains(id.as_str()) {
            return Err(DlpError::UnknownDetector {
                id: id.clone(),
                place: "disabled_detectors",
            });
        }
    }
    let wanted = |d: &Detector| {
        (config.categories.is_empty()
            || config
                .categories
                .iter()
                .any(|s| selector_matches(s, d.category)))
            && !config.disabled_detectors.contains(&d.id)
            && (config.ip_addresses || d.category != Category::Pii(PiiKind::Ip))
    };
    Ok(all.into_iter().filter(wanted).collect())
}
