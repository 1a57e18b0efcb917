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
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
}

pub(super) fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| fold(&w.to_lowercase()))
        .collect()
}

/// Folds simple plurals so `runbooks` finds `runbook` as Lucene's stemmer would.
fn fold(word: &str) -> String {
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// Every term of the query is in the text (`term*` matches as a prefix).
pub(super) fn text_matches(words: &[String], query: &str) -> bool {
    let terms: Vec<(String, bool)> = query
        .split(|c: char| !(c.is_alphanumeric() || c == '*'))
        .filter(|t| !t.is_empty() && *t != "*")
        .map(|t| {
            let lower = t.to_lowercase();
            match lower.strip_suffix('*') {
                Some(prefix) => (prefix.to_owned(), true),
                None => (fold(&lower), false),
            }
        })
        .collect();
    !terms.is_empty()
        && terms.iter().all(|(term, prefix)| {
            words.iter().any(|w| {
                if *prefix {
                    w.starts_with(term.as_str())
                } else {
                    w == term
                }
            })
        })
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
        let words = tokens("PostgreSQL failover runbooks for the database");
        assert!(text_matches(&words, "postgresql runbook"));
        assert!(text_matches(&words, "fail*"));
        assert!(!text_matches(&words, "mysql"));
        assert!(!text_matches(&words, ""));
    }
}
