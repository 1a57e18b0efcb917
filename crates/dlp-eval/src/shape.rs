//! Anonymized "shapes" of text for printing examples of misses: letters become `A`/`a`,
//! digits `9`, other non-ASCII `~`; punctuation and spaces stay, so the format is visible but
//! no value is.

/// Masks one string.
pub fn mask(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'A'..='Z' => 'A',
            'a'..='z' => 'a',
            '0'..='9' => '9',
            '\n' => '⏎',
            '\t' | '\r' => ' ',
            c if c.is_ascii() => c,
            _ => '~',
        })
        .collect()
}

/// The masked shape of `text[start..end]` with up to `context` characters either side,
/// the span between `⟦` and `⟧`. Offsets are byte offsets; they are moved to character
/// boundaries if needed.
pub fn span_shape(text: &str, start: usize, end: usize, context: usize) -> String {
    let start = floor_boundary(text, start.min(text.len()));
    let end = floor_boundary(text, end.min(text.len())).max(start);
    let before: String = text[..start].chars().rev().take(context).collect();
    let before: String = before.chars().rev().collect();
    let after: String = text[end..].chars().take(context).collect();
    let inner: String = text[start..end].chars().take(80).collect();
    format!("{}⟦{}⟧{}", mask(&before), mask(&inner), mask(&after))
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_letters_and_digits_but_keeps_punctuation() {
        assert_eq!(mask("Ab1-ü x@y.z"), "Aa9-~ a@a.a");
        assert_eq!(
            span_shape("call 555-0100 now", 5, 13, 3),
            "aa ⟦999-9999⟧ aa"
        );
    }
}
