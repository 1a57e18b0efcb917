//! A line scanner that knows just enough Markdown block structure for views: ATX headings
//! and fenced code (inside which nothing is a heading). Positions are in characters.

/// What a line is, as far as views care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// Empty or whitespace only, outside fenced code.
    Blank,
    Text,
    Heading {
        level: usize,
    },
    /// Opens fenced code (`` ``` `` or `~~~`, any indentation so list items count too).
    FenceOpen,
    /// Closes the fenced code opened earlier.
    FenceClose,
    /// Inside fenced code.
    Code,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Line<'a> {
    /// The line without its terminator (`\n` or `\r\n`).
    pub text: &'a str,
    pub start_byte: usize,
    pub start_char: usize,
    /// Character position just after the terminator: where the next line starts.
    pub next_char: usize,
    pub kind: LineKind,
}

/// An open fence: its character and how many of them opened it.
#[derive(Clone, Copy)]
struct Fence {
    marker: char,
    len: usize,
}

pub(crate) struct Lines<'a> {
    rest: &'a str,
    byte: usize,
    char_pos: usize,
    fence: Option<Fence>,
}

pub(crate) fn lines(md: &str) -> Lines<'_> {
    Lines {
        rest: md,
        byte: 0,
        char_pos: 0,
        fence: None,
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        let seg_len = self.rest.find('\n').map_or(self.rest.len(), |i| i + 1);
        let (segment, rest) = self.rest.split_at(seg_len);
        let text = segment.strip_suffix('\n').unwrap_or(segment);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let kind = self.classify(text);
        let line = Line {
            text,
            start_byte: self.byte,
            start_char: self.char_pos,
            next_char: self.char_pos + segment.chars().count(),
            kind,
        };
        self.rest = rest;
        self.byte += seg_len;
        self.char_pos = line.next_char;
        Some(line)
    }
}

impl Lines<'_> {
    fn classify(&mut self, text: &str) -> LineKind {
        if let Some(open) = self.fence {
            if closes(text, open) {
                self.fence = None;
                return LineKind::FenceClose;
            }
            return LineKind::Code;
        }
        if let Some(fence) = opens(text) {
            self.fence = Some(fence);
            return LineKind::FenceOpen;
        }
        if let Some(level) = heading_level(text) {
            return LineKind::Heading { level };
        }
        if text.trim().is_empty() {
            LineKind::Blank
        } else {
            LineKind::Text
        }
    }
}

/// A run of at least three backticks or tildes; a backtick fence's info string has no backtick
/// (otherwise the line is inline code, as in CommonMark).
fn opens(text: &str) -> Option<Fence> {
    let body = text.trim_start_matches([' ', '\t']);
    let marker = body.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = body.chars().take_while(|&c| c == marker).count();
    let info = &body[len * marker.len_utf8()..];
    (len >= 3 && !(marker == '`' && info.contains('`'))).then_some(Fence { marker, len })
}

/// The same character, at least as many, and nothing after but whitespace.
fn closes(text: &str, open: Fence) -> bool {
    let body = text.trim_matches([' ', '\t']);
    body.chars().count() >= open.len && body.chars().all(|c| c == open.marker)
}

/// True for lines that open or close fenced code wherever they stand (used to avoid cutting
/// a window inside one).
pub(crate) fn is_fence_line(kind: LineKind) -> bool {
    matches!(kind, LineKind::FenceOpen | LineKind::FenceClose)
}

/// ATX heading: up to three spaces, one to six `#`, then a space, a tab or the end of line.
fn heading_level(text: &str) -> Option<usize> {
    let indent = text.len() - text.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let body = &text[indent..];
    let level = body.len() - body.trim_start_matches('#').len();
    let after = &body[level..];
    ((1..=6).contains(&level) && (after.is_empty() || after.starts_with([' ', '\t'])))
        .then_some(level)
}

/// The heading's text as a reader sees it: markers, closing `#`s and backslash escapes removed.
pub(crate) fn heading_title(text: &str) -> String {
    let body = text.trim_start_matches(' ').trim_start_matches('#');
    let body = body.trim_matches([' ', '\t']);
    // A closing sequence is `#`s preceded by whitespace (or nothing else at all).
    let without_hashes = body.trim_end_matches('#');
    let body = if without_hashes.is_empty() || without_hashes.ends_with([' ', '\t']) {
        without_hashes.trim_end_matches([' ', '\t'])
    } else {
        body
    };
    // Other whitespace (vertical tab, no-break space) is trimmed too, as requests are.
    unescape(body).trim().to_string()
}

/// Removes CommonMark backslash escapes (a backslash before ASCII punctuation).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(md: &str) -> Vec<LineKind> {
        lines(md).map(|l| l.kind).collect()
    }

    #[test]
    fn headings_need_a_space_and_at_most_six_hashes() {
        use LineKind::*;
        assert_eq!(
            kinds("# a\n#b\n####### c\n   ## d\n    # e\n######\n"),
            vec![
                Heading { level: 1 },
                Text,
                Text,
                Heading { level: 2 },
                Text,
                Heading { level: 6 }
            ]
        );
    }

    #[test]
    fn nothing_inside_fenced_code_is_a_heading() {
        use LineKind::*;
        let md = "```sh\n# comment\n``\n```\n# real\n~~~~\n# x\n~~~\n~~~~~\n";
        assert_eq!(
            kinds(md),
            vec![
                FenceOpen,
                Code,
                Code,
                FenceClose,
                Heading { level: 1 },
                FenceOpen,
                Code,
                Code,
                FenceClose
            ]
        );
    }

    #[test]
    fn inline_code_with_backticks_is_not_a_fence() {
        assert_eq!(
            kinds("```a``` b\n# h\n"),
            vec![LineKind::Text, LineKind::Heading { level: 1 }]
        );
    }

    #[test]
    fn unclosed_fence_runs_to_the_end() {
        assert_eq!(
            kinds("```\n# a\n\n"),
            vec![LineKind::FenceOpen, LineKind::Code, LineKind::Code]
        );
    }

    #[test]
    fn titles_lose_markers_closing_hashes_and_escapes() {
        assert_eq!(heading_title("## Deploy ##"), "Deploy");
        assert_eq!(heading_title("# C#"), "C#");
        assert_eq!(heading_title("# \\*nix \\_x\\_ ###  "), "*nix _x_");
        assert_eq!(heading_title("###"), "");
        assert_eq!(heading_title("# #"), "");
        assert_eq!(heading_title("# a\\b"), "a\\b");
        assert_eq!(heading_title("# Crates\u{b}"), "Crates");
        assert_eq!(heading_title("# \u{a0}nbsp\u{a0}"), "nbsp");
    }

    #[test]
    fn positions_count_characters_and_crlf() {
        let ls: Vec<_> = lines("é\r\n日本\nx").collect();
        assert_eq!(ls[0].text, "é");
        assert_eq!((ls[0].start_char, ls[0].next_char), (0, 3));
        assert_eq!(
            (ls[1].start_char, ls[1].next_char, ls[1].start_byte),
            (3, 6, 4)
        );
        assert_eq!((ls[2].start_char, ls[2].next_char), (6, 7));
    }
}
