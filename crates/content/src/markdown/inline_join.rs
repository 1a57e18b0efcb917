//! Joins rendered inline pieces so that emphasis reads back as it was written.
//!
//! CommonMark only accepts `**` as a closer when it is right-flanking: in `**Note:**text` the
//! `**` follows punctuation and precedes a letter, so it stays literal. Where that would happen,
//! plain trailing (or leading) punctuation moves just outside the markers: `**Note**:text`.
//! (Adjacent elements of one emphasis kind are merged before rendering, in `markdown.rs`.)

use super::escape::escape_line_start;
use crate::dom::{Element, Node};

pub(crate) struct InlineJoiner {
    out: String,
    /// In table cells a line after `<br>` may be read as a new block: escape its start.
    escape_after_break: bool,
    /// Where each line starts after a `<br>` piece.
    line_starts: Vec<usize>,
    /// The emphasis that ends `out`: its marker and where its content starts.
    last_emphasis: Option<(&'static str, usize)>,
}

impl InlineJoiner {
    pub(crate) fn new(escape_after_break: bool) -> Self {
        Self {
            out: String::new(),
            escape_after_break,
            line_starts: Vec::new(),
            last_emphasis: None,
        }
    }

    /// The joined text; in cells, each line after a `<br>` escaped like a paragraph start
    /// (judged on the whole line, once everything is joined).
    pub(crate) fn finish(self) -> String {
        if !self.escape_after_break || self.line_starts.is_empty() {
            return self.out;
        }
        // One pass, so cells with many breaks stay linear.
        let out = &self.out;
        let mut result = String::with_capacity(out.len() + self.line_starts.len());
        let mut copied = 0;
        for (k, &start) in self.line_starts.iter().enumerate() {
            let end = self
                .line_starts
                .get(k + 1)
                .map_or(out.len(), |next| next - "<br>".len());
            let (Some(before), Some(line)) = (out.get(copied..start), out.get(start..end)) else {
                continue;
            };
            let body = line.trim_start();
            result.push_str(before);
            result.push_str(&line[..line.len() - body.len()]);
            result.push_str(&escape_line_start(body));
            copied = end;
        }
        result.push_str(out.get(copied..).unwrap_or_default());
        result
    }

    /// Appends a rendered piece; `marker` is set when the piece is an emphasis element.
    pub(crate) fn push(&mut self, piece: &str, marker: Option<&'static str>) {
        // `*a*` directly followed by `**b**` runs the markers together (`*a***b**`), which reads
        // back differently: keep the second piece's text, drop its emphasis.
        let (piece, marker) = match marker {
            Some(m) if m.starts_with('*') && ends_unescaped(&self.out, '*') => {
                match piece.strip_prefix(m).and_then(|rest| rest.strip_suffix(m)) {
                    Some(content) => (content, None),
                    None => (piece, marker),
                }
            }
            _ => (piece, marker),
        };
        if piece.starts_with(char::is_alphanumeric) {
            self.move_closing_punctuation();
        }
        // `!` right before a link would make it an image.
        if piece.starts_with('[') && ends_unescaped(&self.out, '!') {
            self.out.insert(self.out.len() - 1, '\\');
        }
        // `(` right after a bracketed notation (`[STATUS: a]`) would make it a link.
        let escaped;
        let piece = if piece.starts_with('(') && ends_unescaped(&self.out, ']') {
            escaped = format!("\\{piece}");
            &escaped
        } else {
            piece
        };
        let piece = match marker {
            Some(m) if self.out.ends_with(char::is_alphanumeric) => {
                move_opening_punctuation(piece, m)
            }
            _ => piece.to_string(),
        };
        // Avoid double spaces where whitespace meets across node boundaries.
        let piece = if self.out.ends_with(' ') {
            piece.strip_prefix(' ').unwrap_or(&piece)
        } else {
            &piece
        };
        let start = self.out.len();
        self.out.push_str(piece);
        if piece == "<br>" && marker.is_none() {
            self.line_starts.push(self.out.len());
        }
        // Content starts after the opening marker (and any punctuation moved before it).
        self.last_emphasis = marker
            .filter(|m| piece.trim_end().ends_with(m) && piece.ends_with(m))
            .and_then(|m| piece.find(m).map(|offset| (m, start + offset + m.len())));
    }

    /// `**Note:**` about to be followed by a letter becomes `**Note**:`.
    fn move_closing_punctuation(&mut self) {
        let Some((m, content_start)) = self.last_emphasis.take() else {
            return;
        };
        if !self.out.ends_with(m) {
            return;
        }
        let close = self.out.len() - m.len();
        let Some(content) = self.out.get(content_start..close) else {
            return;
        };
        let mut cut = content.len();
        for (i, c) in content.char_indices().rev() {
            if !movable(c) || content[..i].ends_with('\\') {
                break;
            }
            cut = i;
        }
        let kept = &content[..cut];
        if cut == content.len() && !content.ends_with(is_punctuation) {
            return;
        }
        let moved = content[cut..].to_string();
        if kept.is_empty() || kept.ends_with(is_punctuation) || kept.ends_with(char::is_whitespace)
        {
            // No way to close here (`~~\*~~1`): keep the text, drop the emphasis.
            let content = content.to_string();
            self.out.truncate(content_start - m.len());
            self.out.push_str(&content);
            return;
        }
        self.out.truncate(content_start + cut);
        self.out.push_str(m);
        self.out.push_str(&moved);
    }
}

/// Whether `s` ends with `c` not escaped by a backslash.
fn ends_unescaped(s: &str, c: char) -> bool {
    s.strip_suffix(c)
        .is_some_and(|before| before.chars().rev().take_while(|&b| b == '\\').count() % 2 == 0)
}

fn is_punctuation(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

/// `a` followed by `**"q"**` becomes `a"**q"**` (the closing side is fixed on the next push).
fn move_opening_punctuation(piece: &str, m: &str) -> String {
    let trimmed = piece.trim_end();
    let trail = &piece[trimmed.len()..];
    let Some(content) = trimmed
        .strip_prefix(m)
        .and_then(|rest| rest.strip_suffix(m))
    else {
        return piece.to_string();
    };
    if !content.starts_with(is_punctuation) {
        return piece.to_string();
    }
    let cut = content
        .char_indices()
        .find(|&(_, c)| !movable(c))
        .map_or(content.len(), |(i, _)| i);
    let rest = &content[cut..];
    if rest.is_empty() || rest.starts_with(is_punctuation) || rest.starts_with(char::is_whitespace)
    {
        // No way to open here: keep the text, drop the emphasis.
        return format!("{content}{trail}");
    }
    format!("{}{m}{rest}{m}{trail}", &content[..cut])
}

/// Punctuation that is plain text wherever it stands (not part of an escape, code span,
/// link or marker), so moving it across an emphasis marker changes nothing else.
fn movable(c: char) -> bool {
    !c.is_alphanumeric()
        && !c.is_whitespace()
        && !matches!(
            c,
            '\\' | '`' | '(' | ')' | '[' | ']' | '<' | '>' | '*' | '_' | '~' | '!' | '&'
        )
}

/// Adjacent emphasis elements of one kind become one (`**a****b**` would not read back),
/// with the text where they meet joined so that it is escaped as one run.
pub(crate) fn merge_adjacent_emphasis<'n>(
    nodes: impl IntoIterator<Item = &'n Node>,
) -> Vec<std::borrow::Cow<'n, Node>> {
    use std::borrow::Cow;
    let mut out: Vec<Cow<'n, Node>> = Vec::new();
    for node in nodes {
        let marker = |n: &Node| match n {
            Node::Element(e) => emphasis_marker(&e.name),
            _ => None,
        };
        let same =
            marker(node).is_some() && out.last().is_some_and(|last| marker(last) == marker(node));
        if let (true, Node::Element(next), Some(last)) = (same, node, out.last_mut())
            && let Node::Element(prev) = last.to_mut()
        {
            for child in &next.children {
                match (prev.children.last_mut(), child) {
                    (Some(Node::Text(a)), Node::Text(b)) => a.push_str(b),
                    _ => prev.children.push(child.clone()),
                }
            }
            continue;
        }
        out.push(Cow::Borrowed(node));
    }
    out
}

pub(crate) fn is_code(e: &Element) -> bool {
    matches!(e.name.as_str(), "code" | "kbd" | "samp" | "tt")
}

/// The Markdown marker an inline element renders with, for emphasis kinds.
pub(crate) fn emphasis_marker(name: &str) -> Option<&'static str> {
    match name {
        "strong" | "b" => Some("**"),
        "em" | "i" => Some("*"),
        "s" | "del" | "strike" => Some("~~"),
        _ => None,
    }
}

/// One bit per emphasis marker, for tracking which kinds are open.
pub(crate) fn emphasis_bit(marker: &str) -> u8 {
    match marker {
        "**" => 1,
        "*" => 2,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(pieces: &[(&str, Option<&'static str>)]) -> String {
        let mut j = InlineJoiner::new(false);
        for (p, m) in pieces {
            j.push(p, *m);
        }
        j.finish()
    }

    #[test]
    fn closers_stay_right_flanking() {
        assert_eq!(
            join(&[("**Note:**", Some("**")), ("text", None)]),
            "**Note**:text"
        );
        assert_eq!(
            join(&[("**Note:**", Some("**")), (" text", None)]),
            "**Note:** text"
        );
        assert_eq!(
            join(&[("a", None), ("*\"q\"*", Some("*")), ("b", None)]),
            "a\"*q*\"b"
        );
        // Nothing movable: the text stays, the emphasis goes.
        assert_eq!(join(&[("~~\\*~~", Some("~~")), ("1.", None)]), "\\*1.");
        assert_eq!(join(&[("a", None), ("**`c`**", Some("**"))]), "a`c`");
    }

    #[test]
    fn spaces_meet_once() {
        assert_eq!(join(&[("a ", None), (" b", None)]), "a b");
    }
}
