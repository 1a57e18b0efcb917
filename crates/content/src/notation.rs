//! The link-target notation shared by the reader (storage → Markdown) and the writer
//! (Markdown → storage). Both sides use these functions so that they stay exact inverses.
//!
//! Targets: `page:SPACE/Title#anchor`, `blog:SPACE/YYYY/MM/DD/Title`, `attachment:file?on=page:…`,
//! `space:KEY`, `content:ID`, and the wiki form `[[SPACE:Title#anchor]]`. A target without a
//! space key whose path holds a `/` starts with `/` (`page:/CI/CD`), so the first `/` always
//! ends the space key.

/// Space keys the wiki form `SPACE:Title` can carry unambiguously (no `:` inside).
pub(crate) fn is_simple_space_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '~' | '_' | '-'))
}

/// Encodes a title or file name for use before a `#anchor`: `#` becomes `%23`, and a `%` that
/// would otherwise read as one of the two codes becomes `%25`. Any other `%` stays as it is, so
/// ordinary titles such as "100% uptime" read naturally.
pub(crate) fn encode_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, c) in name.char_indices() {
        match c {
            '#' => out.push_str("%23"),
            '%' if is_code(&name[i + 1..]) => out.push_str("%25"),
            _ => out.push(c),
        }
    }
    out
}

/// Inverse of [`encode_name`].
pub(crate) fn decode_name(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut rest = encoded;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix("23") {
            out.push('#');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("25") {
            out.push('%');
            rest = tail;
        } else {
            out.push('%');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn is_code(s: &str) -> bool {
    s.starts_with("23") || s.starts_with("25")
}

/// `SPACE/path`, or `path` alone when there is no key and the path has no `/`, else `/path`.
pub(crate) fn join_space(space: &str, path: &str) -> String {
    if !space.is_empty() {
        format!("{space}/{path}")
    } else if path.contains('/') {
        format!("/{path}")
    } else {
        path.to_string()
    }
}

/// Inverse of [`join_space`]: (space key, path).
pub(crate) fn split_space(target: &str) -> (&str, &str) {
    target.split_once('/').unwrap_or(("", target))
}

/// Splits `name#anchor` at the first `#` (names are encoded, so a `#` is always the anchor).
pub(crate) fn split_anchor(target: &str) -> (&str, Option<&str>) {
    match target.split_once('#') {
        Some((name, anchor)) => (name, Some(anchor)),
        None => (target, None),
    }
}

/// Splits a blog path into (posting day `YYYY/MM/DD`, title) when it starts with a date.
pub(crate) fn split_posting_day(path: &str) -> (Option<&str>, &str) {
    let bytes = path.as_bytes();
    let shape = b"dddd/dd/dd/";
    let is_day = bytes.len() >= shape.len()
        && shape.iter().zip(bytes).all(|(s, b)| match s {
            b'd' => b.is_ascii_digit(),
            _ => b == s,
        });
    if is_day {
        (Some(&path[..10]), &path[11..])
    } else {
        (None, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in [
            "plain",
            "C# guide",
            "100% uptime",
            "%23 literal",
            "%25",
            "%%23#%2#",
            "a%2",
            "#",
            "%",
            "",
        ] {
            assert_eq!(decode_name(&encode_name(name)), name, "{name}");
        }
        assert_eq!(encode_name("100% uptime"), "100% uptime");
        assert_eq!(encode_name("C# guide"), "C%23 guide");
    }

    #[test]
    fn spaces_and_days_split_back() {
        for (space, path) in [("ENG", "CI/CD"), ("", "CI/CD"), ("", "Plain"), ("HR", "x")] {
            assert_eq!(split_space(&join_space(space, path)), (space, path));
        }
        assert_eq!(
            split_posting_day("2026/01/05/Welcome aboard"),
            (Some("2026/01/05"), "Welcome aboard")
        );
        assert_eq!(split_posting_day("2026/1/05/x"), (None, "2026/1/05/x"));
    }
}
