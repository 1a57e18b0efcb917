//! Bounded views of a converted Markdown page, so a gateway can answer within a size budget:
//! a [`window`] of characters with a continuation offset, one [`section`] by heading path, or
//! the [`outline`] with every section's size.
//!
//! All offsets and sizes count characters (Unicode scalar values), never bytes, so a view never
//! splits a character and agents can do arithmetic on the numbers they are given. Structure is
//! recognised from ATX headings (`#` … `######`) outside fenced code, which is what
//! [`crate::storage_to_markdown`] produces.

mod lines;
mod sections;

use lines::{LineKind, is_fence_line, lines};
pub use sections::{OutlineEntry, Section, ViewError, outline, section};

/// One slice of a document, and how to get the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window<'a> {
    pub text: &'a str,
    /// First character of `text` in the document (as requested, even past the end).
    pub offset: usize,
    /// Character just after `text`; `end - offset` is the length of `text` in characters.
    pub end: usize,
    pub total_chars: usize,
    /// Characters after `end`.
    pub remaining: usize,
    /// Where the next window starts, or `None` when this one reaches the end.
    pub next_offset: Option<usize>,
    /// Estimated tokens in `text` (see [`crate::estimate_tokens`]).
    pub tokens: usize,
    /// A sentence for the agent: how much is left and how to continue, or why it is empty.
    pub hint: Option<String>,
}

/// Returns at most `max_chars` characters starting at character `offset` (a `max_chars` of 0
/// is treated as 1 so that paging always moves forward).
///
/// When more follows, the cut is moved back to a paragraph break, the end of fenced code or
/// the start of a heading if one lies in the last fifth of the budget, else to a line break
/// there, else it falls at exactly `max_chars` — but never inside a fence line (`` ```lang ``):
/// then the window ends just before that line, which is the only case where it can be more
/// than a fifth short of the budget.
pub fn window(md: &str, offset: usize, max_chars: usize) -> Window<'_> {
    let max_chars = max_chars.max(1);
    let total_chars = md.chars().count();
    if offset >= total_chars {
        let hint = (offset > total_chars).then(|| {
            format!(
                "offset={offset} is past the end of the document ({} characters); \
                 call again with offset=0 to start over",
                thousands(total_chars)
            )
        });
        return Window {
            text: "",
            offset,
            end: offset,
            total_chars,
            remaining: 0,
            next_offset: None,
            tokens: 0,
            hint,
        };
    }
    let end = if total_chars - offset <= max_chars {
        total_chars
    } else {
        cut_point(md, offset, max_chars)
    };
    let text = slice_chars(md, offset, end);
    let remaining = total_chars - end;
    let next_offset = (remaining > 0).then_some(end);
    let hint = next_offset.map(|next| {
        format!(
            "{} more characters; call again with offset={next}",
            thousands(remaining)
        )
    });
    Window {
        text,
        offset,
        end,
        total_chars,
        remaining,
        next_offset,
        tokens: tokens_for_chars(end - offset),
        hint,
    }
}

/// Chooses where a window starting at `offset` ends, given more than `max_chars` remain.
fn cut_point(md: &str, offset: usize, max_chars: usize) -> usize {
    let limit = offset + max_chars;
    let floor = limit - max_chars / 5;
    let in_band = |p: usize| p >= floor && p <= limit && p > offset;
    let (mut strong, mut weak) = (None, None);
    for line in lines(md) {
        if line.start_char > limit {
            break;
        }
        // The boundary before a heading is as good as a paragraph break.
        if matches!(line.kind, LineKind::Heading { .. }) && in_band(line.start_char) {
            strong = Some(line.start_char);
        }
        if line.start_char < limit && limit < line.next_char {
            // The hard cut would fall in this line; never split a fence line.
            if is_fence_line(line.kind) && line.start_char > offset {
                return strong.or(weak).unwrap_or(line.start_char);
            }
        }
        // Only the last line lacks a terminator, and it ends past `limit`.
        let boundary = line.next_char;
        if !in_band(boundary) {
            continue;
        }
        match line.kind {
            LineKind::Blank | LineKind::FenceClose => strong = Some(boundary),
            // Ending right after an opening fence would leave it dangling, empty.
            LineKind::FenceOpen => {}
            _ => weak = Some(boundary),
        }
    }
    strong.or(weak).unwrap_or(limit)
}

/// The text between two character positions (`start <= end <= total`).
fn slice_chars(md: &str, start: usize, end: usize) -> &str {
    // One byte per character: no need to walk the characters.
    if md.is_ascii() {
        return &md[start.min(md.len())..end.min(md.len())];
    }
    let byte_at = |pos: usize| md.char_indices().nth(pos).map_or(md.len(), |(b, _)| b);
    let start_byte = byte_at(start);
    let end_byte = start_byte
        + md[start_byte..]
            .char_indices()
            .nth(end - start)
            .map_or(md.len() - start_byte, |(b, _)| b);
    &md[start_byte..end_byte]
}

/// Tokens for a span of `chars` characters, consistent with [`crate::estimate_tokens`].
pub(crate) fn tokens_for_chars(chars: usize) -> usize {
    chars.div_ceil(4)
}

/// `12345` → `"12,345"`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(12345), "12,345");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn token_estimate_matches_the_crate_wide_one() {
        for s in ["", "a", "abcd", "abcde", "日本語のテキスト", "🦀🦀🦀🦀🦀"] {
            assert_eq!(
                tokens_for_chars(s.chars().count()),
                crate::estimate_tokens(s)
            );
        }
    }

    #[test]
    fn slicing_counts_characters() {
        let s = "aé日🦀b";
        assert_eq!(slice_chars(s, 0, 5), s);
        assert_eq!(slice_chars(s, 1, 4), "é日🦀");
        assert_eq!(slice_chars(s, 5, 5), "");
        assert_eq!(slice_chars(s, 2, 2), "");
    }
}
