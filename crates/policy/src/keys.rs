//! Space keys and page ids as policy sees them. Keys compare case-insensitively in ASCII
//! only: anything outside ASCII (a Cyrillic `Е` that looks like `E`, a full-width letter) or
//! longer than Confluence allows is refused, at parse time in rules and at check time in
//! requests, so a look-alike can never match a rule meant for another space.

/// Longest space key Confluence accepts (personal keys are `~` plus an account id).
pub const MAX_KEY_LEN: usize = 255;

/// Why a string is not a space key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a space key cannot be empty")]
    Empty,
    #[error("space key is {0} bytes long; at most {MAX_KEY_LEN} are allowed")]
    Overlong(usize),
    #[error(
        "space key {0:?} contains a character outside ASCII letters, digits, '_', '-' and ':' (look-alike letters from other scripts are refused)"
    )]
    BadCharacter(String),
}

/// Checks a space key and returns it in ASCII upper case. Personal keys start with `~`.
pub fn normalize_space_key(key: &str) -> Result<String, KeyError> {
    check_key(key)?;
    Ok(key.to_ascii_uppercase())
}

/// Checks a space key without allocating.
pub(crate) fn check_key(key: &str) -> Result<(), KeyError> {
    if key.is_empty() {
        return Err(KeyError::Empty);
    }
    if key.len() > MAX_KEY_LEN {
        return Err(KeyError::Overlong(key.len()));
    }
    let body = key.strip_prefix('~').unwrap_or(key);
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b':')
    {
        return Err(KeyError::BadCharacter(truncate(key)));
    }
    Ok(())
}

fn truncate(key: &str) -> String {
    key.chars().take(40).collect()
}

/// Whether `id` looks like a Confluence content id (1–20 ASCII digits).
pub fn valid_page_id(id: &str) -> bool {
    (1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// Upper-cases `key` into `buf` and returns it as a `&str` (the key is already checked, so
/// it is ASCII and fits).
pub(crate) fn upper_in<'b>(key: &str, buf: &'b mut [u8; MAX_KEY_LEN]) -> Option<&'b str> {
    let bytes = key.as_bytes();
    let out = buf.get_mut(..bytes.len())?;
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = b.to_ascii_uppercase();
    }
    std::str::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_ascii_and_bounded() {
        assert_eq!(normalize_space_key("eng"), Ok("ENG".into()));
        assert_eq!(normalize_space_key("~bob123"), Ok("~BOB123".into()));
        assert!(matches!(
            normalize_space_key("\u{0415}NG"),
            Err(KeyError::BadCharacter(_))
        ));
        assert!(matches!(
            normalize_space_key("ＥNG"),
            Err(KeyError::BadCharacter(_))
        ));
        assert!(matches!(
            normalize_space_key(&"E".repeat(256)),
            Err(KeyError::Overlong(256))
        ));
        assert!(normalize_space_key(&"E".repeat(255)).is_ok());
        assert_eq!(normalize_space_key(""), Err(KeyError::Empty));
        assert!(normalize_space_key("~").is_err());
        assert!(normalize_space_key("EN G").is_err());
        assert!(valid_page_id("65538") && !valid_page_id("12a") && !valid_page_id(""));
    }
}
