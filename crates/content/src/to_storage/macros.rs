//! The reader's bracket notations for the few macros that are safe to create from Markdown:
//! `[STATUS: title]`, `[TOC]`, `[child pages]`, `[anchor: name]`, `[placeholder: text]` and
//! `[macro jira: k=v, …]`. Every other `[macro NAME…]` placeholder stays plain text: letting
//! Markdown name arbitrary macros would let an agent inject `html` or `iframe` macros.

use super::blocks::Writer;
use super::tree::Text;

pub(super) enum Macro<'s> {
    Status(&'s str),
    Toc,
    Children,
    Anchor(&'s str),
    Placeholder(&'s str),
    Jira(Vec<(&'s str, String)>),
}

impl Macro<'_> {
    /// Macros Confluence lays out as blocks; the others sit inside a paragraph.
    pub(super) fn is_block(&self) -> bool {
        matches!(self, Macro::Toc | Macro::Children | Macro::Jira(_))
    }
}

/// Recognises a notation in `bracketed`, which runs from a `[` to its matching `]`.
pub(super) fn parse(bracketed: &str) -> Option<Macro<'_>> {
    let inner = bracketed.strip_prefix('[')?.strip_suffix(']')?;
    let m = if let Some(title) = inner.strip_prefix("STATUS: ") {
        Macro::Status(title)
    } else if inner == "TOC" {
        Macro::Toc
    } else if inner == "child pages" {
        Macro::Children
    } else if let Some(name) = inner.strip_prefix("anchor: ") {
        Macro::Anchor(name)
    } else if let Some(text) = inner.strip_prefix("placeholder: ") {
        Macro::Placeholder(text)
    } else if let Some(params) = inner.strip_prefix("macro jira: ") {
        Macro::Jira(jira_params(params))
    } else {
        return None;
    };
    Some(m)
}

/// For every live `[` with a matching live `]` on the same line: (open, one past the close),
/// sorted. One pass, so scanning text full of brackets stays linear.
pub(super) fn bracket_pairs(t: &Text) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (i, c) in t.text.char_indices() {
        match c {
            '[' if t.is_live_bracket(i) => open.push(i),
            ']' if t.is_live_bracket(i) => {
                if let Some(start) = open.pop() {
                    pairs.push((start, i + 1));
                }
            }
            '\n' => open.clear(),
            _ => {}
        }
    }
    pairs.sort_unstable();
    pairs
}

/// `k=v, k=v`; a piece without `=` continues the previous value (JQL such as `in (A, B)`).
fn jira_params(s: &str) -> Vec<(&str, String)> {
    let mut params: Vec<(&str, String)> = Vec::new();
    for piece in s.split(", ") {
        match (piece.split_once('='), params.last_mut()) {
            (Some((key, value)), _) if !key.is_empty() && !key.contains(' ') => {
                params.push((key, value.to_string()))
            }
            (_, Some((_, value))) => {
                value.push_str(", ");
                value.push_str(piece);
            }
            (_, None) => params.push(("", piece.to_string())),
        }
    }
    params
}

impl Writer<'_, '_> {
    pub(super) fn write_macro(&mut self, m: &Macro<'_>) {
        if let Macro::Placeholder(text) = m {
            self.out.text_element("ac:placeholder", &[], text);
            return;
        }
        let name = match m {
            Macro::Status(_) => "status",
            Macro::Toc => "toc",
            Macro::Children => "children",
            Macro::Anchor(_) => "anchor",
            Macro::Jira(_) => "jira",
            Macro::Placeholder(_) => "placeholder",
        };
        self.out.open("ac:structured-macro", &[("ac:name", name)]);
        match m {
            Macro::Status(title) => self.parameter("title", title),
            Macro::Anchor(anchor) => self.parameter("", anchor),
            Macro::Jira(params) => {
                for (key, value) in params {
                    self.parameter(key, value);
                }
            }
            Macro::Toc | Macro::Children | Macro::Placeholder(_) => {}
        }
        self.out.close("ac:structured-macro");
    }
}
