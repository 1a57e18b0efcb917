//! Request bodies in the representations v1 accepts (`storage`, `editor`, `wiki`,
//! `atlas_doc_format`), turned into the storage XHTML the store keeps.

use super::json::{V1, escape_html};
use crate::errors::{ApiError, ApiResult};
use serde_json::Value;

/// The storage XHTML of a request's `body` object; `None` when no body was sent.
pub fn storage_from_body(body: Option<&Value>) -> ApiResult<Option<String>> {
    let Some(body) = body.filter(|b| !b.is_null()) else {
        return Ok(None);
    };
    let Some(obj) = body.as_object() else {
        return Err(ApiError::bad_request(
            V1,
            "body must be an object such as {\"storage\":{\"value\":\"<p>…</p>\",\"representation\":\"storage\"}}",
        ));
    };
    for (rep, convert) in [
        ("storage", keep as fn(&str) -> ApiResult<String>),
        ("editor", keep),
        ("editor2", keep),
        ("wiki", wiki_to_storage),
        ("atlas_doc_format", adf_to_storage),
    ] {
        if let Some(part) = obj.get(rep) {
            let value = part.get("value").and_then(Value::as_str).ok_or_else(|| {
                ApiError::bad_request(V1, format!("body.{rep}.value must be a string"))
            })?;
            return convert(value).map(Some);
        }
    }
    Err(ApiError::bad_request(
        V1,
        "Unsupported body representation: send body.storage (or editor, wiki, atlas_doc_format)",
    ))
}

fn keep(value: &str) -> ApiResult<String> {
    Ok(value.to_owned())
}

/// Confluence wiki markup → storage, for the common constructs (headings, lists, bold,
/// italics, paragraphs). Enough for clients that send `representation: wiki`.
fn wiki_to_storage(wiki: &str) -> ApiResult<String> {
    let mut out = String::new();
    let mut list_open = false;
    let mut paragraph: Vec<String> = Vec::new();
    let flush = |out: &mut String, paragraph: &mut Vec<String>| {
        if !paragraph.is_empty() {
            out.push_str(&format!("<p>{}</p>", paragraph.join(" ")));
            paragraph.clear();
        }
    };
    for line in wiki.lines() {
        let trimmed = line.trim();
        let heading = (1..=6).find_map(|n| {
            trimmed
                .strip_prefix(&format!("h{n}. "))
                .map(|rest| (n, rest))
        });
        let item = trimmed.strip_prefix("* ").or(trimmed.strip_prefix("- "));
        if item.is_none() && list_open {
            out.push_str("</ul>");
            list_open = false;
        }
        if let Some((n, text)) = heading {
            flush(&mut out, &mut paragraph);
            out.push_str(&format!("<h{n}>{}</h{n}>", inline_wiki(text)));
        } else if let Some(text) = item {
            flush(&mut out, &mut paragraph);
            if !list_open {
                out.push_str("<ul>");
                list_open = true;
            }
            out.push_str(&format!("<li>{}</li>", inline_wiki(text)));
        } else if trimmed.is_empty() {
            flush(&mut out, &mut paragraph);
        } else {
            paragraph.push(inline_wiki(trimmed));
        }
    }
    if list_open {
        out.push_str("</ul>");
    }
    flush(&mut out, &mut paragraph);
    Ok(out)
}

/// `*bold*` and `_italic_` inside escaped text.
fn inline_wiki(text: &str) -> String {
    let escaped = escape_html(text);
    let mut out = String::new();
    let mut bold = false;
    let mut italic = false;
    let chars: Vec<char> = escaped.chars().collect();
    for (i, ch) in chars.iter().enumerate() {
        let prev_word = i > 0 && chars[i - 1].is_alphanumeric();
        let next_word = chars.get(i + 1).is_some_and(|c| c.is_alphanumeric());
        match ch {
            '*' if (!bold && next_word && !prev_word) || (bold && prev_word) => {
                out.push_str(if bold { "</strong>" } else { "<strong>" });
                bold = !bold;
            }
            '_' if (!italic && next_word && !prev_word) || (italic && prev_word) => {
                out.push_str(if italic { "</em>" } else { "<em>" });
                italic = !italic;
            }
            c => out.push(*c),
        }
    }
    if italic {
        out.push_str("</em>");
    }
    if bold {
        out.push_str("</strong>");
    }
    out
}

/// An ADF document (JSON text) → storage: one paragraph per block, text kept.
fn adf_to_storage(adf: &str) -> ApiResult<String> {
    let doc: Value = serde_json::from_str(adf).map_err(|e| {
        ApiError::bad_request(
            V1,
            format!("body.atlas_doc_format.value is not valid ADF JSON: {e}"),
        )
    })?;
    let mut out = String::new();
    if let Some(blocks) = doc.get("content").and_then(Value::as_array) {
        for block in blocks {
            let mut text = String::new();
            collect_text(block, &mut text);
            let tag = match block.get("type").and_then(Value::as_str) {
                Some("heading") => {
                    let level = block
                        .pointer("/attrs/level")
                        .and_then(Value::as_u64)
                        .unwrap_or(1)
                        .clamp(1, 6);
                    format!("h{level}")
                }
                _ => "p".to_owned(),
            };
            out.push_str(&format!("<{tag}>{}</{tag}>", escape_html(&text)));
        }
    }
    Ok(out)
}

fn collect_text(node: &Value, out: &mut String) {
    if let Some(t) = node.get("text").and_then(Value::as_str) {
        out.push_str(t);
    }
    if let Some(children) = node.get("content").and_then(Value::as_array) {
        for child in children {
            collect_text(child, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wiki_markup_becomes_storage() {
        let s = wiki_to_storage("h1. Title\n\nSome *bold* and _it_ text\n* one\n* two").unwrap();
        assert_eq!(
            s,
            "<h1>Title</h1><p>Some <strong>bold</strong> and <em>it</em> text</p><ul><li>one</li><li>two</li></ul>"
        );
    }

    #[test]
    fn representations_are_read_in_order() {
        let b = json!({"storage": {"value": "<p>x</p>", "representation": "storage"}});
        assert_eq!(storage_from_body(Some(&b)).unwrap().unwrap(), "<p>x</p>");
        assert_eq!(storage_from_body(None).unwrap(), None);
        assert!(storage_from_body(Some(&json!({"storage": {"value": 3}}))).is_err());
        assert!(storage_from_body(Some(&json!({"markdown": {"value": "x"}}))).is_err());
        let adf = json!({"atlas_doc_format": {"value": "{\"type\":\"doc\",\"content\":[{\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"a<b\"}]}]}"}});
        assert_eq!(
            storage_from_body(Some(&adf)).unwrap().unwrap(),
            "<p>a&lt;b</p>"
        );
    }
}
