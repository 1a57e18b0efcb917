//! The DLP stage, on both directions: content an agent writes is inspected before it reaches
//! Confluence, and everything an agent receives (text and structured content, after shaping)
//! is inspected last, so DLP sees exactly the bytes the agent gets. Actions come from the
//! agent's DLP profile; `block` fails the whole call.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::audit::DlpTally;
use crate::error::ToolError;

/// Compiled DLP engines by profile name (`None`: the default `[dlp]`), plus what actions need.
pub struct DlpStage {
    engines: HashMap<Option<String>, Arc<dlp::Engine>>,
    hash_key: dlp::HashKey,
}

impl DlpStage {
    pub fn new(
        default: &dlp::DlpConfig,
        profiles: &std::collections::BTreeMap<String, dlp::DlpConfig>,
        hash_key: dlp::HashKey,
    ) -> Result<DlpStage, dlp::DlpError> {
        let mut engines = HashMap::new();
        engines.insert(None, Arc::new(dlp::Engine::new(default)?));
        for (name, config) in profiles {
            engines.insert(Some(name.clone()), Arc::new(dlp::Engine::new(config)?));
        }
        Ok(DlpStage { engines, hash_key })
    }

    fn engine(&self, profile: Option<&str>) -> Option<&Arc<dlp::Engine>> {
        self.engines
            .get(&profile.map(str::to_owned))
            .or_else(|| self.engines.get(&None))
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
        let Some(engine) = self.engine(profile) else {
            return Ok(0);
        };
        let redacted = engine
            .redact(text, &self.ctx())
            .map_err(|e| to_tool_error(e, "the content to write", "outgoing", tally))?;
        tally.add("outgoing", &redacted.report);
        *text = redacted.text;
        Ok(redacted.report.total())
    }

    /// Applies the policy to what the agent will receive.
    pub fn result(
        &self,
        profile: Option<&str>,
        text: &mut String,
        structured: &mut Option<Value>,
        tally: &mut DlpTally,
    ) -> Result<usize, ToolError> {
        let Some(engine) = self.engine(profile) else {
            return Ok(0);
        };
        let redacted = engine
            .redact(text, &self.ctx())
            .map_err(|e| to_tool_error(e, "the result", "result", tally))?;
        let mut count = redacted.report.total();
        *text = redacted.text;
        // The structured copy usually repeats the text's findings: the larger report counts.
        let mut report = redacted.report;
        if let Some(value) = structured.as_mut() {
            let json_report = engine
                .redact_json(value, &self.ctx())
                .map_err(|e| to_tool_error(e, "the result", "result", tally))?;
            if json_report.total() > count {
                count = json_report.total();
                report = json_report;
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
        let Some(engine) = self.engine(profile) else {
            return Ok(dlp::Report::default());
        };
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
