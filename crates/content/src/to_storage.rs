//! Markdown (CommonMark + GFM) → Confluence storage XHTML, for agent writes.
//!
//! The reader's notation maps back to Confluence constructs: link targets to `ac:link`,
//! labelled blockquotes to panel macros, `[STATUS: …]`, `[TOC]` and friends to their macros.
//! Raw HTML is never passed through: it becomes escaped text, so Markdown cannot smuggle in
//! macros or scripts. Only a small allow-list of harmless macros can be produced at all.

use crate::ContentError;

mod blocks;
mod inlines;
mod links;
mod macros;
mod mentions;
mod panels;
mod tree;
mod xml;

/// Looks up account ids for `@mentions` (display name or account id → account id).
/// Mentions it does not know stay plain text.
pub trait AccountResolver {
    fn account_id(&self, mention: &str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> AccountResolver for F {
    fn account_id(&self, mention: &str) -> Option<String> {
        self(mention)
    }
}

/// Options for [`markdown_to_storage`]. `Default` has no resolver (mentions stay text).
pub struct WriteOptions<'a> {
    pub users: Option<&'a dyn AccountResolver>,
    /// Inputs longer than this (bytes) are rejected rather than converted.
    pub max_input_bytes: usize,
    /// Markdown nesting (quotes, lists, emphasis) deeper than this is rejected. Each level adds
    /// at most a few storage elements, so the default keeps the output within what
    /// [`crate::Options`] accepts when reading it back.
    pub max_depth: usize,
}

impl Default for WriteOptions<'_> {
    fn default() -> Self {
        Self {
            users: None,
            max_input_bytes: 4 * 1024 * 1024,
            max_depth: 64,
        }
    }
}

/// Converts Markdown to a storage XHTML fragment (well-formed, every text and attribute
/// escaped, no named entities).
pub fn markdown_to_storage(markdown: &str, opts: &WriteOptions) -> Result<String, ContentError> {
    if markdown.len() > opts.max_input_bytes {
        return Err(ContentError::TooLarge {
            size: markdown.len(),
            limit: opts.max_input_bytes,
        });
    }
    let markdown = crate::normalize_newlines(markdown);
    let nodes = tree::build(&markdown, opts.max_depth)?;
    let mut writer = blocks::Writer::new(opts);
    writer.blocks(&nodes);
    Ok(writer.finish())
}
