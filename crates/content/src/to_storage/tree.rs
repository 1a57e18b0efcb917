//! pulldown-cmark events folded into a small tree, with a nesting limit, so that the writer can
//! look ahead (panel labels, task items) and recursion over it stays bounded.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

use crate::ContentError;

#[derive(Debug, Clone)]
pub(super) enum Node<'a> {
    Element(Tag<'a>, Vec<Node<'a>>),
    /// A table cell with its source range: the reader flattens block content in cells onto
    /// one line joined by `<br>`, which the writer may need to parse again.
    Cell {
        children: Vec<Node<'a>>,
        source: &'a str,
        /// Where `source` starts in the whole input (for the ranges of `Html` nodes inside).
        start: usize,
    },
    Text(Text),
    Code(CowStr<'a>),
    /// Raw HTML, block or inline: it is written as escaped text (only `<br>` is honoured).
    Html(CowStr<'a>, Range<usize>),
    SoftBreak,
    HardBreak,
    Rule,
    TaskMarker(bool),
}

/// Merged adjacent text, remembering which brackets were literal in the source (escaped, or
/// written as entities): only the others may form a notation such as `[STATUS: …]` (the
/// reader escapes literal `[` always, and `]` inside notations).
#[derive(Debug, Clone, Default)]
pub(super) struct Text {
    pub(super) text: String,
    pub(super) literal_brackets: Vec<usize>,
}

impl Text {
    pub(super) fn is_live_bracket(&self, at: usize) -> bool {
        self.text[at..].starts_with(['[', ']']) && self.literal_brackets.binary_search(&at).is_err()
    }
}

pub(super) fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_WIKILINKS
        // GitHub alerts (`> [!NOTE]`), which agents often write; they become panels.
        | Options::ENABLE_GFM
}

/// Parses Markdown into top-level nodes. Nesting deeper than `max_depth` is an error.
pub(super) fn build(src: &str, max_depth: usize) -> Result<Vec<Node<'_>>, ContentError> {
    let mut stack: Vec<(Tag<'_>, Vec<Node<'_>>)> = Vec::new();
    let mut top: Vec<Node<'_>> = Vec::new();
    let mut last_text_end: Option<usize> = None;
    for (event, range) in Parser::new_ext(src, parser_options()).into_offset_iter() {
        let siblings = match stack.last_mut() {
            Some((_, children)) => children,
            None => &mut top,
        };
        match event {
            Event::Start(tag) => {
                if stack.len() >= max_depth {
                    return Err(ContentError::TooDeep {
                        limit: max_depth,
                        position: range.start as u64,
                    });
                }
                stack.push((tag, Vec::new()));
            }
            Event::End(_) => {
                if let Some((tag, children)) = stack.pop() {
                    let parent = match stack.last_mut() {
                        Some((_, c)) => c,
                        None => &mut top,
                    };
                    parent.push(match tag {
                        Tag::TableCell => Node::Cell {
                            children,
                            source: src.get(range.clone()).unwrap_or_default(),
                            start: range.start,
                        },
                        tag => Node::Element(tag, children),
                    });
                }
            }
            Event::Text(t) => {
                let verbatim = src.get(range.clone()) == Some(&*t);
                // An escape splits text: the escaped character starts a new event whose
                // range begins right after a backslash that no text event covered.
                let escaped_first = range.start > 0
                    && src.as_bytes().get(range.start - 1) == Some(&b'\\')
                    && last_text_end != Some(range.start);
                last_text_end = Some(range.end);
                push_text(siblings, &t, verbatim, escaped_first);
            }
            Event::Code(c) => siblings.push(Node::Code(c)),
            Event::Html(h) | Event::InlineHtml(h) => siblings.push(Node::Html(h, range)),
            Event::SoftBreak => siblings.push(Node::SoftBreak),
            Event::HardBreak => siblings.push(Node::HardBreak),
            Event::Rule => siblings.push(Node::Rule),
            Event::TaskListMarker(done) => siblings.push(Node::TaskMarker(done)),
            // Not enabled; kept as text should a future option produce them.
            Event::InlineMath(t) | Event::DisplayMath(t) | Event::FootnoteReference(t) => {
                push_text(siblings, &t, false, false)
            }
        }
    }
    // pulldown-cmark closes every block it opens; anything left is folded in defensively.
    while let Some((tag, children)) = stack.pop() {
        let parent = match stack.last_mut() {
            Some((_, c)) => c,
            None => &mut top,
        };
        parent.push(Node::Element(tag, children));
    }
    Ok(top)
}

fn push_text(siblings: &mut Vec<Node<'_>>, t: &str, verbatim: bool, escaped_first: bool) {
    if !matches!(siblings.last(), Some(Node::Text(_))) {
        siblings.push(Node::Text(Text::default()));
    }
    let Some(Node::Text(text)) = siblings.last_mut() else {
        return;
    };
    let base = text.text.len();
    let literal = t
        .match_indices(['[', ']'])
        .map(|(i, _)| i)
        .filter(|&i| !verbatim || (i == 0 && escaped_first))
        .map(|i| base + i);
    text.literal_brackets.extend(literal);
    text.text.push_str(t);
}

/// Concatenated text of inline nodes (alt text, link text, labels); code spans included.
pub(super) fn plain_text(nodes: &[Node<'_>]) -> String {
    let mut out = String::new();
    let mut stack: Vec<std::slice::Iter<'_, Node<'_>>> = vec![nodes.iter()];
    while let Some(iter) = stack.last_mut() {
        let Some(node) = iter.next() else {
            stack.pop();
            continue;
        };
        match node {
            Node::Text(t) => out.push_str(&t.text),
            Node::Code(c) | Node::Html(c, _) => out.push_str(c),
            Node::SoftBreak | Node::HardBreak => out.push(' '),
            Node::Element(_, children) | Node::Cell { children, .. } => stack.push(children.iter()),
            Node::Rule | Node::TaskMarker(_) => {}
        }
    }
    out
}

/// True when the nodes are text only (no formatting, code, links or breaks).
pub(super) fn is_plain(nodes: &[Node<'_>]) -> bool {
    nodes.iter().all(|n| matches!(n, Node::Text(_)))
}
