//! The shaping stage: the server's response budget and the agent's chosen `outputFormat`.
//! Tools already window page bodies (`offset`/`max_chars`); this stage is the hard cap on
//! whatever a tool returns, and decides what goes into `content` and `structuredContent`.

use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Map, Value};

use crate::error::ToolError;

/// The argument every tool accepts (added to every input schema by the catalog).
pub const OUTPUT_FORMAT_ARG: &str = "outputFormat";

/// What the result carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputFormat {
    /// Markdown in `content` and `structuredContent` (the default).
    #[default]
    Both,
    /// Markdown only. Clients that validate results against `outputSchema` reject this, so
    /// only ask for it from clients that read `content` alone.
    Text,
    /// `structuredContent` and its JSON text in `content` (for clients that show `content`).
    Structured,
}

impl OutputFormat {
    /// Takes `outputFormat` out of the arguments (validation has already checked its value).
    pub fn take_from(args: &mut Map<String, Value>) -> OutputFormat {
        match args
            .remove(OUTPUT_FORMAT_ARG)
            .as_ref()
            .and_then(Value::as_str)
        {
            Some("text") => OutputFormat::Text,
            Some("structured") => OutputFormat::Structured,
            _ => OutputFormat::Both,
        }
    }

    /// The JSON schema property for `outputFormat`.
    pub fn schema() -> Value {
        serde_json::json!({
            "type": "string",
            "enum": ["text", "structured", "both"],
            "default": "both",
            "description": "What the result carries: `both` (default) Markdown text plus structured content; `text` Markdown only; `structured` the structured content and its JSON text."
        })
    }
}

/// Cuts `text` to `max_chars` characters at a clean break, saying how to get less.
pub fn cap(text: String, max_chars: usize) -> String {
    if text.len() <= max_chars || text.chars().count() <= max_chars {
        return text;
    }
    let window = content::window(&text, 0, max_chars.saturating_sub(200).max(100));
    format!(
        "{}\n\n[Response cut at {} of {} characters by this server's size limit. Ask for less: \
         pass `max_chars` and `offset`, a `section`, or a smaller `limit`.]",
        window.text, window.end, window.total_chars
    )
}

/// The MCP result for a successful call.
pub fn success(text: String, structured: Option<Value>, format: OutputFormat) -> CallToolResult {
    let mut result = match format {
        OutputFormat::Structured => {
            let json = structured
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_default();
            CallToolResult::success(vec![ContentBlock::text(json)])
        }
        OutputFormat::Text | OutputFormat::Both => {
            CallToolResult::success(vec![ContentBlock::text(text)])
        }
    };
    if format != OutputFormat::Text {
        result.structured_content = structured;
    }
    result
}

/// The MCP result for a failed call: `isError` with text saying what to do.
pub fn failure(error: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(error.agent_text())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_with_a_hint() {
        let text = "word ".repeat(10_000);
        let out = cap(text, 2_000);
        assert!(out.chars().count() <= 2_000 + 300);
        assert!(out.contains("Response cut at"));
        assert_eq!(cap("short".into(), 2_000), "short");
    }
}
