//! Inline content: emphasis, code, breaks, and text with its bracket notations and mentions.

use pulldown_cmark::Tag;

use super::blocks::Writer;
use super::tree::{Node, Text};
use super::{macros, mentions};

/// `<br>`, `<br/>` or `<br />`, the only HTML the reader emits (line breaks).
pub(super) fn is_br(html: &str) -> bool {
    let inner = html
        .trim()
        .strip_prefix('<')
        .and_then(|h| h.strip_suffix('>'))
        .map(|h| h.trim_end_matches('/').trim_end());
    inner.is_some_and(|t| t.eq_ignore_ascii_case("br"))
}

impl Writer<'_, '_> {
    pub(super) fn inlines(&mut self, nodes: &[Node<'_>]) {
        for node in nodes {
            self.inline(node);
        }
    }

    pub(super) fn inline(&mut self, node: &Node<'_>) {
        match node {
            Node::Text(t) => self.text(t),
            Node::Code(c) => self.out.text_element("code", &[], c),
            Node::Html(h, _) if is_br(h) => self.out.empty("br", &[]),
            Node::Html(h, _) => self.out.text(h),
            Node::Cell { children, .. } => self.inlines(children),
            Node::SoftBreak => self.out.text("\n"),
            Node::HardBreak => self.out.empty("br", &[]),
            Node::Rule => self.out.empty("hr", &[]),
            Node::TaskMarker(done) => self.out.text(if *done { "[x]" } else { "[ ]" }),
            Node::Element(tag, children) => match tag {
                Tag::Emphasis => self.wrap("em", children),
                Tag::Strong => self.wrap("strong", children),
                Tag::Strikethrough => self.wrap("s", children),
                Tag::Link {
                    link_type,
                    dest_url,
                    ..
                } => self.link(*link_type, dest_url, children),
                Tag::Image {
                    dest_url, title, ..
                } => self.image(dest_url, title, children),
                Tag::Superscript | Tag::Subscript => self.inlines(children),
                _ => self.block(node),
            },
        }
    }

    fn wrap(&mut self, name: &str, children: &[Node<'_>]) {
        self.out.open(name, &[]);
        self.inlines(children);
        self.out.close(name);
    }

    /// Text, with `[STATUS: …]`-style notations (only where `[` was not escaped) and
    /// resolvable `@mentions` turned into their storage forms.
    pub(super) fn text(&mut self, t: &Text) {
        if self.in_link {
            self.out.text(&t.text);
            return;
        }
        let s = t.text.as_str();
        let pairs = if s.contains('[') {
            macros::bracket_pairs(t)
        } else {
            Vec::new()
        };
        let mut written = 0;
        let mut i = 0;
        while let Some(c) = s[i..].chars().next() {
            let found = match c {
                '[' if t.is_live_bracket(i) => pairs
                    .binary_search_by_key(&i, |&(open, _)| open)
                    .ok()
                    .and_then(|k| {
                        let end = pairs[k].1;
                        macros::parse(&s[i..end]).map(|m| (end - i, Inline::Macro(m)))
                    }),
                '@' if mentions::may_start(s, i) => self
                    .opts
                    .users
                    .and_then(|users| mentions::find(&s[i + 1..], users))
                    .map(|(len, id)| (len + 1, Inline::Mention(id))),
                _ => None,
            };
            match found {
                Some((len, inline)) => {
                    self.out.text(&s[written..i]);
                    match inline {
                        Inline::Macro(m) => self.write_macro(&m),
                        Inline::Mention(id) => self.mention(&id),
                    }
                    i += len;
                    written = i;
                }
                None => i += c.len_utf8(),
            }
        }
        self.out.text(&s[written..]);
    }

    fn mention(&mut self, account_id: &str) {
        self.out.open("ac:link", &[]);
        self.out.empty("ri:user", &[("ri:account-id", account_id)]);
        self.out.close("ac:link");
    }

    /// A paragraph that is exactly one block macro notation (`[TOC]`, …) becomes that macro.
    pub(super) fn block_macro(&mut self, t: &Text) -> bool {
        let whole = macros::bracket_pairs(t).first() == Some(&(0, t.text.len()));
        if !t.is_live_bracket(0) || !whole {
            return false;
        }
        match macros::parse(&t.text) {
            Some(m) if m.is_block() => {
                self.write_macro(&m);
                true
            }
            _ => false,
        }
    }
}

enum Inline<'s> {
    Macro(macros::Macro<'s>),
    Mention(String),
}
