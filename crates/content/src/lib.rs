//! Confluence storage XHTML → compact, faithful Markdown (for agents) and plain text (for DLP),
//! and agents' Markdown → storage.
//!
//! Link notation keeps every target: `[[SPACE:Title]]` for a page link showing the page's own
//! title, otherwise `[text](page:SPACE/Title#anchor)`, `attachment:file`, `blog:SPACE/day/Title`,
//! `space:KEY`; users as `@Display Name` (via [`UserResolver`]) or `@account-id`. Macros without a
//! Markdown form become `[macro NAME: key=value, …]` so nothing is silently dropped.
//!
//! [`markdown_to_storage`] goes back: agents' Markdown (CommonMark + GFM tables, task lists,
//! strikethrough) becomes storage, the notation above mapping back to `ac:link`, `ac:image`,
//! panel/expand macros (labelled quotes such as `> **Info:** …`, and GitHub alerts such as
//! `> [!TIP]`), `[STATUS: …]`, `[TOC]`, `[child pages]`, `[anchor: …]` and `[macro jira: …]`;
//! `@Name` becomes a mention only when [`AccountResolver`] knows it. Raw HTML is kept as text and only allow-listed macros and URL
//! schemes are produced, so Markdown cannot inject scripts or macros. Reading the written
//! storage gives the same Markdown back (round-trip tests over fixtures and the demo corpus).
//!
//! Storage fragments are parsed into a small tree first (see [`dom`]) so that hostile input is
//! bounded in one place: size and depth limits apply before any rendering happens.
//! Malformed XML is an error carrying the byte position ([`ContentError::Malformed`]);
//! [`plain_text`] instead falls back to the raw input so DLP never scans less than the page holds.

pub mod dom;
mod entities;
mod markdown;
mod notation;
mod text;
mod to_storage;
mod views;

/// The text of an HTML named entity (`nbsp`, `mdash`, …), for other HTML readers.
pub use entities::resolve as html_entity;
pub use markdown::storage_to_markdown;
pub use text::plain_text;
pub use to_storage::{AccountResolver, WriteOptions, markdown_to_storage};
pub use views::{OutlineEntry, Section, ViewError, Window, outline, section, window};

/// Looks up display names for `ri:user` references (account id → "Display Name").
pub trait UserResolver {
    fn display_name(&self, account_id: &str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> UserResolver for F {
    fn display_name(&self, account_id: &str) -> Option<String> {
        self(account_id)
    }
}

/// Conversion options. `Default` has no user resolver (mentions render as `@account-id`).
pub struct Options<'a> {
    pub users: Option<&'a dyn UserResolver>,
    /// Inputs longer than this (bytes) are rejected rather than parsed.
    pub max_input_bytes: usize,
    /// Element nesting deeper than this is rejected (guards recursion in the renderer).
    pub max_depth: usize,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Self {
            users: None,
            max_input_bytes: 16 * 1024 * 1024,
            max_depth: 256,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ContentError {
    #[error("storage body is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("elements nest deeper than {limit} levels (at byte {position})")]
    TooDeep { limit: usize, position: u64 },
    #[error("malformed storage XHTML at byte {position}: {message}")]
    Malformed { position: u64, message: String },
}

/// Line endings as XML 1.0 (§2.11) and CommonMark define them: `\r\n` and a lone `\r` are both
/// a newline. Normalizing before either parser keeps code bodies identical across round trips.
pub(crate) fn normalize_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Rough token estimate used by size reports: characters / 4.
pub fn estimate_tokens(s: &str) -> usize {
    s.chars().count().div_ceil(4)
}
