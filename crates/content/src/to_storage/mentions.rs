//! `@Display Name` / `@account-id` mentions. A name has no end marker, so the longest run of
//! up to [`MAX_WORDS`] words that the resolver knows wins; unknown mentions stay text.

use super::AccountResolver;

const MAX_WORDS: usize = 5;
/// Punctuation that usually follows a mention rather than belonging to it.
const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '"', '\''];

/// A mention starts a word: at the start, or after whitespace or an opening bracket or quote
/// (so `ops@example.com` is not one).
pub(super) fn may_start(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[' | '"' | '\''))
}

/// For the text after `@`: (bytes consumed, account id) of the longest known name.
pub(super) fn find(after: &str, users: &dyn AccountResolver) -> Option<(usize, String)> {
    let scope = &after[..after.find(['\n', '@']).unwrap_or(after.len())];
    let mut word_ends = Vec::with_capacity(MAX_WORDS);
    let mut after_space = true;
    for (i, c) in scope.char_indices() {
        if c.is_whitespace() {
            if !after_space {
                word_ends.push(i);
                if word_ends.len() == MAX_WORDS {
                    break;
                }
            }
            after_space = true;
        } else {
            after_space = false;
        }
    }
    if !after_space && word_ends.len() < MAX_WORDS {
        word_ends.push(scope.len());
    }
    for &end in word_ends.iter().rev() {
        let candidate = &after[..end];
        if let Some(id) = users.account_id(candidate) {
            return Some((end, id));
        }
        let trimmed = candidate.trim_end_matches(TRAILING);
        if !trimmed.is_empty()
            && trimmed.len() < candidate.len()
            && let Some(id) = users.account_id(trimmed)
        {
            return Some((trimmed.len(), id));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users(name: &str) -> Option<String> {
        match name {
            "Ada Lovelace" => Some("u1".into()),
            "Ada" => Some("u2".into()),
            "557058:aaaa" => Some("557058:aaaa".into()),
            _ => None,
        }
    }

    #[test]
    fn longest_known_name_wins() {
        assert_eq!(find("Ada Lovelace said", &users), Some((12, "u1".into())));
        assert_eq!(find("Ada, hi", &users), Some((3, "u2".into())));
        assert_eq!(
            find("557058:aaaa.", &users),
            Some((11, "557058:aaaa".into()))
        );
        assert_eq!(find("Bob", &users), None);
        assert_eq!(find("", &users), None);
    }

    #[test]
    fn mentions_start_words() {
        assert!(may_start("@a", 0));
        assert!(may_start("x (@a", 3));
        assert!(!may_start("ops@a", 3));
    }
}
