//! The DLP stage, on both directions: content an agent writes is inspected before it reaches
//! Confluence, and everything an agent receives (text and structured content, after shaping)
//! is inspected last, so DLP sees exactly the bytes the agent gets. Actions come from the
//! agent's DLP profile; `block` fails the whole call.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::audit::DlpTally;
use crate::error::ToolError;
use crate::memo::{MemoLimits, StringMemo};

/// One compiled DLP profile and the memo of its scans of texts of 128 bytes or more. A scan is a pure
/// function of the engine and the text, so a repeated text (the same page read again) is not
/// scanned again; the profile's actions are still applied to every result. The memo lives as
/// long as the engine: a reload builds new ones.
struct Profile {
    engine: dlp::Engine,
    scans: StringMemo<Arc<dlp::Scan>>,
}

impl Profile {
    fn new(config: &dlp::DlpConfig) -> Result<Profile, dlp::DlpError> {
        Ok(Profile {
            engine: dlp::Engine::new(config)?,
            // From 128 bytes a lookup (a sampled hash and a comparison) costs far less than
            // a scan, so search excerpts and titles repeated across calls are memoized too.
            scans: StringMemo::new(MemoLimits {
                min_input_bytes: 128,
                max_entries: 8192,
                max_bytes: 32 << 20,
            }),
        })
    }

    /// `engine.scan(text)`, memoized from 128 bytes.
    fn scan(&self, text: &str) -> Arc<dlp::Scan> {
        let scanned: Result<_, std::convert::Infallible> = self.scans.get_or_try_insert(
            text,
            |scan| scan.findings.len() * std::mem::size_of::<dlp::Finding>(),
            |text| Ok(Arc::new(self.engine.scan(text))),
        );
        match scanned {
            Ok(scan) => scan,
        }
    }
}

/// Compiled DLP profiles by name (plus the default `[dlp]`), and what actions need.
pub struct DlpStage {
    default: Profile,
    profiles: HashMap<String, Profile>,
    hash_key: dlp::HashKey,
}

impl DlpStage {
    pub fn new(
        default: &dlp::DlpConfig,
        profiles: &std::collections::BTreeMap<String, dlp::DlpConfig>,
        hash_key: dlp::HashKey,
    ) -> Result<DlpStage, dlp::DlpError> {
        let mut compiled = HashMap::new();
        for (name, config) in profiles {
            compiled.insert(name.clone(), Profile::new(config)?);
        }
        Ok(DlpStage {
            default: Profile::new(default)?,
            profiles: compiled,
            hash_key,
        })
    }

    /// The agent's profile; an unknown name (refused by config validation) gets the default.
    fn profile(&self, name: Option<&str>) -> &Profile {
        name.and_then(|n| self.profiles.get(n))
            .unwrap_or(&self.default)
    }

    fn ctx(&self) -> dlp::ActionContext<'_> {
        dlp::ActionContext {
            hash_key: Some(&self.hash_key),
            vault: None,
        }
    }

    /// Applies the policy to the string arguments named in `fields`; returns the number of
    /// findings acted on.
    pub fn outgoing(
        &self,
        profile: Option<&str>,
        args: &mut Map<String, Value>,
        fields: &[&str],
        tally: &mut DlpTally,
    ) -> Result<usize, ToolError> {
        let mut count = 0;
        for field in fields {
            // A field is one text, or a list of texts (such as labels).
            match args.get_mut(*field) {
                Some(Value::String(text)) => count += self.outgoing_text(profile, text, tally)?,
                Some(Value::Array(items)) => {
                    for item in items {
                        if let Value::String(text) = item {
                            count += self.outgoing_text(profile, text, tally)?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(count)
    }

    /// Applies the policy to one piece of text to be written; returns the findings acted on.
    pub fn outgoing_text(
        &self,
        profile: Option<&str>,
        text: &mut String,
        tally: &mut DlpTally,
    ) -> Result<usize, ToolError> {
        let engine = &self.profile(profile).engine;
        let redacted = engine
            .redact(text, &self.ctx())
            .map_err(|e| to_tool_error(e, "the content to write", "outgoing", tally))?;
        tally.add("outgoing", &redacted.report);
        *text = redacted.text;
        Ok(redacted.report.total())
    }

    /// Applies the policy to what the agent will receive: the text and every string of the
    /// structured content. Same result as `Engine::redact` and `Engine::redact_json`, with
    /// scans of long strings memoized and no rewriting where nothing was found.
    pub fn result(
        &self,
        profile: Option<&str>,
        text: &mut String,
        structured: &mut Option<Value>,
        tally: &mut DlpTally,
    ) -> Result<usize, ToolError> {
        let profile = self.profile(profile);
        let policy = profile.engine.policy();
        let scan = profile.scan(text);
        let mut count = 0;
        let mut report = dlp::Report::default();
        if !scan.findings.is_empty() {
            let redacted = dlp::apply(text, &scan.findings, policy, &self.ctx())
                .map_err(|e| to_tool_error(e, "the result", "result", tally))?;
            count = redacted.report.total();
            *text = redacted.text;
            report = redacted.report;
        }
        if let Some(value) = structured.as_mut() {
            let scan = profile
                .engine
                .scan_json_with(value, &mut |s| profile.scan(s).as_ref().clone());
            if !scan.findings.is_empty() {
                let json_report = dlp::apply_json(value, &scan, policy, &self.ctx())
                    .map_err(|e| to_tool_error(e, "the result", "result", tally))?;
                // The structured copy usually repeats the text's findings: the larger counts.
                if json_report.total() > count {
                    count = json_report.total();
                    report = json_report;
                }
            }
        }
        tally.add("result", &report);
        Ok(count)
    }

    /// Redacts recorded arguments in place with the agent's profile, for the audit trail.
    /// `Err(detector)` when the profile blocks a finding: the caller records no values then.
    pub fn audit_arguments(
        &self,
        profile: Option<&str>,
        value: &mut Value,
    ) -> Result<dlp::Report, String> {
        let engine = &self.profile(profile).engine;
        engine.redact_json(value, &self.ctx()).map_err(|e| match e {
            dlp::DlpError::Blocked { detector, .. } => detector,
            other => other.to_string(),
        })
    }
}

fn to_tool_error(
    e: dlp::DlpError,
    place: &'static str,
    direction: &str,
    tally: &mut DlpTally,
) -> ToolError {
    match e {
        dlp::DlpError::Blocked { detector, category } => {
            tally.add_blocked(direction, &detector);
            ToolError::Blocked {
                detector,
                category: category.to_string(),
                place,
            }
        }
        dlp::DlpError::MissingVault => ToolError::Internal(
            "the DLP action 'tokenize' needs the token vault, which this gateway version lacks; \
             configure 'redact' or 'hash' instead"
                .to_owned(),
        ),
        other => ToolError::Internal(format!("data loss prevention failed: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage() -> DlpStage {
        let mut profiles = std::collections::BTreeMap::new();
        let mut hashing = dlp::DlpConfig::default();
        hashing.actions.default = dlp::Action::Hash;
        profiles.insert("hashing".to_owned(), hashing);
        let key = dlp::HashKey::new(vec![7u8; 32]).unwrap_or_else(|e| panic!("{e}"));
        DlpStage::new(&dlp::DlpConfig::default(), &profiles, key).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Long enough for the scan memo; with a token, an e-mail address and a card number.
    fn long_text(tail: &str) -> String {
        let filler = "Drain the node and check the replication lag before failover. ".repeat(30);
        format!(
            "{filler}\ntoken ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 mail ops@example.com \
             card 4111 1111 1111 1111 {tail}"
        )
    }

    /// The memoized stage answers exactly as the engine's own `redact` and `redact_json`,
    /// on the first call and on repeats, for each profile, with and without findings.
    #[test]
    fn memoized_results_equal_the_engines_own() {
        let stage = stage();
        let plain = "Nothing to see here. ".repeat(100);
        for profile in [None, Some("hashing")] {
            let engine = &stage.profile(profile).engine;
            let ctx = stage.ctx();
            for text in [long_text("a"), long_text("b"), plain.clone()] {
                let structured = serde_json::json!({
                    "body": {"content": text.clone()},
                    "title": "ops@example.com",
                    "password": "hunter2-but-longer",
                    "items": [text.clone(), 4111111111111111u64],
                });
                let want_text = engine.redact(&text, &ctx).unwrap_or_else(|e| panic!("{e}"));
                let mut want_json = structured.clone();
                let want_report = engine
                    .redact_json(&mut want_json, &ctx)
                    .unwrap_or_else(|e| panic!("{e}"));
                let want_count = want_text.report.total().max(want_report.total());
                for _ in 0..3 {
                    let (mut got_text, mut got_json) = (text.clone(), Some(structured.clone()));
                    let count = stage
                        .result(
                            profile,
                            &mut got_text,
                            &mut got_json,
                            &mut DlpTally::default(),
                        )
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(got_text, want_text.text);
                    assert_eq!(got_json.as_ref(), Some(&want_json));
                    assert_eq!(count, want_count);
                }
            }
            // The long texts went through the memo.
            assert!(!stage.profile(profile).scans.is_empty());
        }
    }

    #[test]
    fn a_blocking_profile_still_blocks_on_repeats() {
        let mut strict = dlp::DlpConfig::default();
        strict
            .actions
            .categories
            .insert("secret".to_owned(), dlp::Action::Block);
        let key = dlp::HashKey::new(vec![7u8; 32]).unwrap_or_else(|e| panic!("{e}"));
        let stage = DlpStage::new(&strict, &std::collections::BTreeMap::new(), key)
            .unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..3 {
            let mut text = long_text("x");
            let outcome = stage.result(None, &mut text, &mut None, &mut DlpTally::default());
            assert!(matches!(outcome, Err(ToolError::Blocked { .. })));
            // Only in the structured content: blocked too.
            let mut text = "short".to_owned();
            let mut structured = Some(serde_json::json!({"body": long_text("y")}));
            let outcome = stage.result(None, &mut text, &mut structured, &mut DlpTally::default());
            assert!(matches!(outcome, Err(ToolError::Blocked { .. })));
        }
    }
}
