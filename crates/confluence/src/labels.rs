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

fn check_label(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '/') {
        return Err(Error::invalid(format!(
            "'{name}' is not a valid label: labels are single words without spaces or '/'"
        )));
    }
    Ok(name.to_lowercase())
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
