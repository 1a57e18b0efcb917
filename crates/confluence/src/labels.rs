//! Labels: read through v2; add and remove through v1, the only API Confluence offers for
//! writing them.

use crate::client::{Client, Request};
use crate::error::{Error, Result};
use crate::models::Label;
use crate::paginate::{PageCaps, Paged, paginate};
use crate::spaces::{failed, seg};
use reqwest::Method;
use serde_json::json;

/// What carries labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelTarget {
    Page,
    BlogPost,
    Space,
    Attachment,
}

impl LabelTarget {
    fn collection(self) -> &'static str {
        match self {
            LabelTarget::Page => "pages",
            LabelTarget::BlogPost => "blogposts",
            LabelTarget::Space => "spaces",
            LabelTarget::Attachment => "attachments",
        }
    }
}

/// Characters Confluence refuses in label names, besides white space (`:` would read as a
/// prefix such as `my:`; `/` would change the URL of label removal).
pub const FORBIDDEN_LABEL_CHARS: &[char] = &[
    ':', ';', ',', '.', '?', '&', '[', ']', '(', ')', '#', '^', '*', '@', '!', '/', '\\', '<', '>',
    '"', '\'',
];

/// Confluence's longest label name, in characters.
pub const MAX_LABEL_CHARS: usize = 255;

/// Why Confluence would refuse a label name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error("a label cannot be empty")]
    Empty,
    #[error("labels are at most {MAX_LABEL_CHARS} characters (this one has {0})")]
    TooLong(usize),
    #[error("labels cannot contain spaces; join words with '-' or '_' (e.g. release-notes)")]
    Whitespace,
    #[error("labels cannot contain '{0}' (nor any of : ; , . ? & [ ] ( ) # ^ * @ ! / \\ < > \" ')")]
    Forbidden(char),
}

/// The label as Confluence stores it (trimmed, lower case), or why Confluence would refuse it.
pub fn normalize_label(name: &str) -> std::result::Result<String, LabelError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(LabelError::Empty);
    }
    let chars = name.chars().count();
    if chars > MAX_LABEL_CHARS {
        return Err(LabelError::TooLong(chars));
    }
    if name.chars().any(char::is_whitespace) {
        return Err(LabelError::Whitespace);
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN_LABEL_CHARS.contains(c)) {
        return Err(LabelError::Forbidden(c));
    }
    Ok(name.to_lowercase())
}

fn check_label(name: &str) -> Result<String> {
    normalize_label(name)
        .map_err(|e| Error::invalid(format!("'{}' is not a valid label: {e}", name.trim())))
}

impl Client {
    pub fn labels(&self, target: LabelTarget, id: &str, caps: PageCaps) -> Paged<Label> {
        match seg(id) {
            Ok(id) => paginate(
                self,
                Request::get(format!("/api/v2/{}/{id}/labels", target.collection())),
                caps,
            ),
            Err(e) => failed(e),
        }
    }

    /// Adds global labels to a page or blog post; returns the content's labels afterwards.
    /// Adding a label twice is harmless, so this is retried like a read.
    pub async fn add_labels(&self, content_id: &str, names: &[&str]) -> Result<Vec<Label>> {
        let labels = names
            .iter()
            .map(|n| check_label(n).map(|name| json!({ "prefix": "global", "name": name })))
            .collect::<Result<Vec<_>>>()?;
        if labels.is_empty() {
            return Err(Error::invalid("give at least one label to add"));
        }
        let req = Request::new(
            Method::POST,
            format!("/rest/api/content/{}/label", seg(content_id)?),
        )
        .json(json!(labels))
        .idempotent(true);
        let page: LabelPage = self.json_at(req).await?;
        Ok(page.results)
    }

    pub async fn remove_label(&self, content_id: &str, name: &str) -> Result<()> {
        let name = check_label(name)?;
        let req = Request::new(
            Method::DELETE,
            format!("/rest/api/content/{}/label", seg(content_id)?),
        )
        .query("name", name);
        self.send_empty(req).await
    }
}

#[derive(serde::Deserialize)]
struct LabelPage {
    #[serde(default = "Vec::new")]
    results: Vec<Label>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_checked_as_confluence_does() {
        assert_eq!(
            normalize_label("  Release-Notes_2026 "),
            Ok("release-notes_2026".into())
        );
        assert_eq!(normalize_label(" "), Err(LabelError::Empty));
        assert_eq!(normalize_label("two words"), Err(LabelError::Whitespace));
        assert_eq!(normalize_label("my:label"), Err(LabelError::Forbidden(':')));
        assert_eq!(normalize_label("a/b"), Err(LabelError::Forbidden('/')));
        assert_eq!(normalize_label(&"x".repeat(255)).map(|l| l.len()), Ok(255));
        assert_eq!(
            normalize_label(&"é".repeat(256)),
            Err(LabelError::TooLong(256))
        );
    }
}
