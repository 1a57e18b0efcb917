//! Bodies in and out: which representation an agent reads or writes, conversion through
//! `crates/content`, and bounded views (windows with continuation offsets, sections by
//! heading) so a large page never floods a model's context.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ToolError;

/// Representation of a body returned to the agent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadFormat {
    /// Compact Markdown converted from storage format (default; best for models).
    #[default]
    Markdown,
    /// Confluence storage XHTML, exactly as stored.
    Storage,
    /// Atlassian Document Format (JSON text).
    Adf,
    /// Rendered HTML as Confluence shows it.
    View,
}

impl ReadFormat {
    /// The Confluence representation to fetch for this format.
    pub fn upstream(self) -> confluence::models::BodyFormat {
        match self {
            ReadFormat::Markdown | ReadFormat::Storage => confluence::models::BodyFormat::Storage,
            ReadFormat::Adf => confluence::models::BodyFormat::AtlasDocFormat,
            ReadFormat::View => confluence::models::BodyFormat::View,
        }
    }
}

/// Representation of a body the agent writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WriteFormat {
    /// Markdown (CommonMark + GFM tables); converted to storage format. Raw HTML becomes text.
    #[default]
    Markdown,
    /// Confluence storage XHTML, sent as is.
    Storage,
}

/// The body of `page` (fetched with `format.upstream()`) in `format`.
pub fn render(page: &confluence::models::Page, format: ReadFormat) -> Result<String, ToolError> {
    let raw = confluence::models::body_text(page.body.as_ref(), format.upstream()).unwrap_or("");
    match format {
        ReadFormat::Markdown => Ok(content::storage_to_markdown(
            raw,
            &content::Options::default(),
        )?),
        _ => Ok(raw.to_owned()),
    }
}

/// Storage XHTML for a body written in `format`.
pub fn to_storage(body: &str, format: WriteFormat) -> Result<String, ToolError> {
    match format {
        WriteFormat::Markdown => Ok(content::markdown_to_storage(
            body,
            &content::WriteOptions::default(),
        )?),
        WriteFormat::Storage => Ok(body.to_owned()),
    }
}

/// A bounded piece of a body and how to get the rest.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BodyView {
    /// The text returned (a window of the body, or of the selected section).
    pub content: String,
    /// Character offset of `content` within the body or section.
    pub offset: usize,
    /// Pass as `offset` to continue; null when `content` reaches the end.
    pub next_offset: Option<usize>,
    /// Characters in the whole body or section.
    pub total_chars: usize,
    /// The section's heading path when a section was selected.
    pub section: Option<Vec<String>>,
}

/// Windows `text` (optionally narrowed to a section first) to `max_chars` from `offset`.
/// Returns the view and a one-line hint for the Markdown answer when more follows.
pub fn view(
    text: &str,
    section: Option<&[String]>,
    offset: usize,
    max_chars: usize,
) -> Result<(BodyView, Option<String>), ToolError> {
    let (scoped, path) = match section {
        Some(path) if !path.is_empty() => {
            let wanted: Vec<&str> = path.iter().map(String::as_str).collect();
            let found = content::section(text, &wanted)
                .map_err(|e| ToolError::invalid("/section", e.to_string()))?;
            (found.text, Some(found.path))
        }
        _ => (text, None),
    };
    let window = content::window(scoped, offset, max_chars);
    let hint = window.hint.clone();
    Ok((
        BodyView {
            content: window.text.to_owned(),
            offset: window.offset,
            next_offset: window.next_offset,
            total_chars: window.total_chars,
            section: path,
        },
        hint,
    ))
}
