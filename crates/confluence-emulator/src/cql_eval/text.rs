//! Text matching, a small stand-in for Confluence's Lucene index: case-insensitive terms, a
//! trailing `*` for prefixes, and a plural-`s` fold.

/// Text of a storage body: tags dropped, CDATA and entities kept as text.
pub fn plain_text(storage: &str) -> String {
    let mut out = String::with_capacity(storage.len());
    let mut rest = storage;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        if let Some(cdata) = tail.strip_prefix("<![CDATA[") {
            let end = cdata.find("]]>").unwrap_or(cdata.len());
            out.push(' ');
            out.push_str(&cdata[..end]);
            out.push(' ');
            rest = cdata.get(end + 3..).unwrap_or("");
        } else {
            let end = tail.find('>').map(|i| i + 1).unwrap_or(tail.len());
            out.push(' ');
            rest = &tail[end..];
        }
    }
    out.push_str(rest);
    if !out.contains('&') {
        return out;
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
}

/// Folds simple plurals so `runbooks` finds `runbook` as Lucene's stemmer would.
pub(super) fn fold(word: &str) -> &str {
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        &word[..word.len() - 1]
    } else {
        word
    }
}

/// The terms of a text query, lower-cased: (term, is a `term*` prefix).
pub(super) fn terms(query: &str) -> Vec<(String, bool)> {
    query
        .split(|c: char| !(c.is_alphanumeric() || c == '*'))
        .filter(|t| !t.is_empty() && *t != "*")
        .map(|t| {
            let lower = t.to_lowercase();
            match lower.strip_suffix('*') {
                Some(prefix) => (prefix.to_owned(), true),
                None => (fold(&lower).to_owned(), false),
            }
        })
        .collect()
}

/// Every term of `query` is a word of `haystack` (`term*` matches as a prefix). Words are
/// the alphanumeric runs of the text, lower-cased and plural-folded. The text is walked once
/// without collecting its words, stopping when every term has been seen.
pub(super) fn text_matches(haystack: &str, query: &str) -> bool {
    let terms = terms(query);
    if terms.is_empty() {
        return false;
    }
    let mut seen = vec![false; terms.len()];
    let mut missing = terms.len();
    let mut lower = String::new();
    for word in haystack
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        lower.clear();
        if word.is_ascii() {
            lower.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            lower.push_str(&word.to_lowercase());
        }
        let word = fold(&lower);
        for ((term, prefix), seen) in terms.iter().zip(seen.iter_mut()) {
            if !*seen
                && (if *prefix {
                    word.starts_with(term.as_str())
                } else {
                    word == term
                })
            {
                *seen = true;
                missing -= 1;
            }
        }
        if missing == 0 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_cdata_and_drops_tags() {
        let text = plain_text(
            "<p>Hello <b>world</b></p><ac:plain-text-body><![CDATA[a < b]]></ac:plain-text-body>",
        );
        assert!(text.contains("Hello") && text.contains("world") && text.contains("a < b"));
        assert!(!text.contains("<p>"));
    }

    #[test]
    fn text_terms_prefixes_and_plurals() {
        let text = "PostgreSQL failover runbooks for the database";
        assert!(text_matches(text, "postgresql runbook"));
        assert!(text_matches(text, "RUNBOOKS fail*"));
        assert!(text_matches(text, "fail*"));
        assert!(!text_matches(text, "mysql"));
        assert!(!text_matches(text, "postgresql mysql"));
        assert!(!text_matches(text, ""));
        assert!(text_matches("ÉTÉ Straße", "été straße"));
        assert!(!text_matches("runbook", "runbook*s"));
    }
}
