//! Bodies in and out: which representation an agent reads or writes, conversion through
//! `crates/content`, and bounded views (windows with continuation offsets, sections by
//! heading) so a large page never floods a model's context.

use std::sync::{Arc, LazyLock};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ToolError;
use crate::memo::{MemoLimits, StringMemo};

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
    render_body(page.body.as_ref(), format)
}

/// A fetched body of any content (page, blog post, old version) in `format`.
pub fn render_body(
    body: Option<&confluence::models::Body>,
    format: ReadFormat,
) -> Result<String, ToolError> {
    let raw = confluence::models::body_text(body, format.upstream()).unwrap_or("");
    match format {
        ReadFormat::Markdown => Ok(storage_to_markdown(raw)?.to_string()),
        _ => Ok(raw.to_owned()),
    }
}

/// Storage → Markdown with the default options, memoized: converting a 20 KB page costs more
/// than the rest of a `get_page` call together, and agents read the same pages repeatedly.
/// The memo is keyed by the whole storage text (see [`crate::memo`]), so it is a pure cache
/// of a pure function: each call still fetches the page with its own credentials and checks
/// the policy first, and DLP still runs on what each agent receives.
pub fn storage_to_markdown(storage: &str) -> Result<Arc<str>, content::ContentError> {
    static CONVERSIONS: LazyLock<StringMemo<Arc<str>>> = LazyLock::new(|| {
        StringMemo::new(MemoLimits {
            min_input_bytes: 2048,
            max_entries: 1024,
            max_bytes: 64 << 20,
        })
    });
    CONVERSIONS.get_or_try_insert(
        storage,
        |markdown| markdown.len(),
        |storage| {
            content::storage_to_markdown(storage, &content::Options::default()).map(Arc::from)
        },
    )
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

/// Sections are headings of the Markdown: refuse one in another format before fetching.
pub fn check_section(format: ReadFormat, section: Option<&[String]>) -> Result<(), ToolError> {
    if section.is_some() && format != ReadFormat::Markdown {
        return Err(ToolError::invalid(
            "/section",
            "sections work with format=markdown only",
        ));
    }
    Ok(())
}

/// One heading of a body that did not fit in one answer.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OutlineItem {
    /// Pass as `section` to read just this part.
    pub path: Vec<String>,
    pub offset: usize,
    pub chars: usize,
}

/// A body as one answer carries it (what get_page and get_blog_post share).
#[derive(Debug, Clone)]
pub struct Windowed {
    pub view: BodyView,
    /// "N more characters; call again with offset=…" when more follows.
    pub hint: Option<String>,
    /// Every heading, when a whole Markdown body did not fit (so the agent can pick a section).
    pub outline: Option<Vec<OutlineItem>>,
}

/// Windows a rendered body: `section` first, then `offset` and `max_chars` (which defaults to,
/// and never exceeds, the server's response `budget`).
pub fn windowed(
    text: &str,
    format: ReadFormat,
    section: Option<&[String]>,
    offset: Option<usize>,
    max_chars: Option<usize>,
    budget: usize,
) -> Result<Windowed, ToolError> {
    let max_chars = max_chars.unwrap_or(budget).min(budget);
    let (view, hint) = view(text, section, offset.unwrap_or(0), max_chars)?;
    let outline =
        (view.next_offset.is_some() && format == ReadFormat::Markdown && view.section.is_none())
            .then(|| {
                content::outline(text)
                    .into_iter()
                    .map(|e| OutlineItem {
                        path: e.path,
                        offset: e.offset,
                        chars: e.chars,
                    })
                    .collect::<Vec<_>>()
            });
    Ok(Windowed {
        view,
        hint,
        outline,
    })
}

impl Windowed {
    /// The Markdown under an answer's header line: the content, then the continuation hint
    /// and the section list when the body did not fit.
    pub fn markdown(&self) -> String {
        let mut md = self.view.content.clone();
        if let Some(hint) = &self.hint {
            md.push_str(&format!("\n\n[{hint}]"));
        }
        if let Some(items) = &self.outline {
            md.push_str("\n\nSections (pass one as `section`):");
            for item in items.iter().take(60) {
                md.push_str(&format!(
                    "\n- {} ({} chars)",
                    item.path.join(" > "),
                    item.chars
                ));
            }
        }
        md
    }
}
