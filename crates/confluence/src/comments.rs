//! Footer and inline comments: list (on a page or blog post, and replies), get, create,
//! reply, update (body, resolution), delete.

use crate::client::{Client, Request};
use crate::error::{Error, Result};
use crate::models::{BodyFormat, Comment};
use crate::paginate::{PageCaps, Paged, paginate};
use crate::spaces::{failed, seg};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    Footer,
    Inline,
}

impl CommentKind {
    /// The v2 path segment: `footer-comments` or `inline-comments`.
    pub fn collection(self) -> &'static str {
        match self {
            CommentKind::Footer => "footer-comments",
            CommentKind::Inline => "inline-comments",
        }
    }
}

/// What a comment hangs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentContainer {
    Page(String),
    BlogPost(String),
}

/// Where an inline comment is anchored: the `match_index`-th of `match_count` occurrences
/// of `text` in the page.
#[derive(Clone, Debug, Default)]
pub struct InlineAnchor {
    pub text: String,
    pub match_count: u32,
    pub match_index: u32,
}

/// One list page of comments and the cursor of the next, for callers that page on demand
/// (an agent calling again later) rather than streaming.
#[derive(Clone, Debug, Default)]
pub struct CommentPage {
    pub results: Vec<Comment>,
    /// Confluence's opaque `cursor` for the next page; `None` at the end.
    pub next_cursor: Option<String>,
}

/// A change to a comment: a new body (a new version), and for inline comments a new
/// resolution state.
#[derive(Clone, Debug, Default)]
pub struct CommentEdit {
    /// The version the edit is based on; with a body, Confluence gets `based_on_version + 1`.
    pub based_on_version: u64,
    /// The new body, storage-format XHTML. `None` with `resolved` only resolves or reopens,
    /// which needs no version (and no edit permission) in Confluence.
    pub storage: Option<String>,
    /// The version message.
    pub message: Option<String>,
    /// Inline comments only: `true` resolves, `false` reopens.
    pub resolved: Option<bool>,
}

#[derive(Deserialize)]
struct CommentList {
    #[serde(default)]
    results: Vec<Comment>,
    #[serde(rename = "_links", default)]
    links: Option<ListLinks>,
}

#[derive(Deserialize, Default)]
struct ListLinks {
    next: Option<String>,
}

/// The `cursor` parameter of a `_links.next` link.
fn cursor_of(next: &str) -> Option<String> {
    let query = next.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "cursor")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

fn container_path(container: &CommentContainer) -> (&'static str, &str) {
    match container {
        CommentContainer::Page(id) => ("pages", id),
        CommentContainer::BlogPost(id) => ("blogposts", id),
    }
}

impl Client {
    /// One page (`limit` ≤ 250) of the top-level comments of a page or blog post, starting at
    /// `cursor` (from a previous [`CommentPage::next_cursor`]; `None` for the first page).
    pub async fn comments_page(
        &self,
        kind: CommentKind,
        container: &CommentContainer,
        format: Option<BodyFormat>,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<CommentPage> {
        let (collection, id) = container_path(container);
        let req = Request::get(format!(
            "/api/v2/{collection}/{}/{}",
            seg(id)?,
            kind.collection()
        ))
        .query_opt("body-format", format.map(BodyFormat::as_str))
        .query("limit", limit.clamp(1, 250))
        .query_opt("cursor", cursor.filter(|c| !c.is_empty()));
        let list: CommentList = self.json_at(req).await?;
        Ok(CommentPage {
            results: list.results,
            next_cursor: list
                .links
                .and_then(|l| l.next)
                .as_deref()
                .and_then(cursor_of),
        })
    }

    /// Top-level comments of a page or blog post.
    pub fn comments(
        &self,
        kind: CommentKind,
        container: &CommentContainer,
        format: Option<BodyFormat>,
        caps: PageCaps,
    ) -> Paged<Comment> {
        let (collection, id) = container_path(container);
        match seg(id) {
            Ok(id) => paginate(
                self,
                Request::get(format!("/api/v2/{collection}/{id}/{}", kind.collection()))
                    .query_opt("body-format", format.map(BodyFormat::as_str)),
                caps,
            ),
            Err(e) => failed(e),
        }
    }

    /// Replies to a comment.
    pub fn comment_replies(
        &self,
        kind: CommentKind,
        comment_id: &str,
        format: Option<BodyFormat>,
        caps: PageCaps,
    ) -> Paged<Comment> {
        match seg(comment_id) {
            Ok(id) => paginate(
                self,
                Request::get(format!("/api/v2/{}/{id}/children", kind.collection()))
                    .query_opt("body-format", format.map(BodyFormat::as_str)),
                caps,
            ),
            Err(e) => failed(e),
        }
    }

    pub async fn comment(
        &self,
        kind: CommentKind,
        id: &str,
        format: Option<BodyFormat>,
    ) -> Result<Comment> {
        let req = Request::get(format!("/api/v2/{}/{}", kind.collection(), seg(id)?))
            .query_opt("body-format", format.map(BodyFormat::as_str));
        self.json_at(req).await
    }

    /// A footer comment on a page or blog post.
    pub async fn create_footer_comment(
        &self,
        container: &CommentContainer,
        storage: &str,
    ) -> Result<Comment> {
        let mut body = json!({ "body": { "representation": "storage", "value": storage } });
        match container {
            CommentContainer::Page(id) => body["pageId"] = json!(id),
            CommentContainer::BlogPost(id) => body["blogPostId"] = json!(id),
        }
        self.json_at(Request::new(Method::POST, "/api/v2/footer-comments").json(body))
            .await
    }

    /// An inline comment anchored to text of the page or blog post.
    pub async fn create_inline_comment(
        &self,
        container: &CommentContainer,
        anchor: &InlineAnchor,
        storage: &str,
    ) -> Result<Comment> {
        let mut body = json!({
            "body": { "representation": "storage", "value": storage },
            "inlineCommentProperties": {
                "textSelection": anchor.text,
                "textSelectionMatchCount": anchor.match_count,
                "textSelectionMatchIndex": anchor.match_index,
            },
        });
        match container {
            CommentContainer::Page(id) => body["pageId"] = json!(id),
            CommentContainer::BlogPost(id) => body["blogPostId"] = json!(id),
        }
        self.json_at(Request::new(Method::POST, "/api/v2/inline-comments").json(body))
            .await
    }

    pub async fn reply_to_comment(
        &self,
        kind: CommentKind,
        parent_id: &str,
        storage: &str,
    ) -> Result<Comment> {
        let body = json!({
            "parentCommentId": seg(parent_id)?,
            "body": { "representation": "storage", "value": storage },
        });
        let path = format!("/api/v2/{}", kind.collection());
        self.json_at(Request::new(Method::POST, path).json(body))
            .await
    }

    /// Replaces a comment's body; `based_on_version` is the version the edit started from.
    pub async fn update_comment(
        &self,
        kind: CommentKind,
        id: &str,
        based_on_version: u64,
        storage: &str,
    ) -> Result<Comment> {
        let edit = CommentEdit {
            based_on_version,
            storage: Some(storage.to_owned()),
            ..CommentEdit::default()
        };
        self.edit_comment(kind, id, &edit).await
    }

    /// Writes a new version of a comment and/or (inline comments) resolves or reopens it.
    /// A stale `based_on_version` ends in [`crate::Error::Conflict`].
    pub async fn edit_comment(
        &self,
        kind: CommentKind,
        id: &str,
        edit: &CommentEdit,
    ) -> Result<Comment> {
        let resolved = edit.resolved.filter(|_| kind == CommentKind::Inline);
        let mut body = json!({});
        match (&edit.storage, resolved) {
            (None, None) => {
                return Err(Error::invalid(
                    "a comment edit needs a new body or, for inline comments, `resolved`",
                ));
            }
            (None, Some(_)) => {}
            (Some(storage), _) => {
                let mut version = json!({ "number": edit.based_on_version + 1 });
                if let Some(message) = &edit.message {
                    version["message"] = json!(message);
                }
                body["version"] = version;
                body["body"] = json!({ "representation": "storage", "value": storage });
            }
        }
        if let Some(resolved) = resolved {
            body["resolved"] = json!(resolved);
        }
        let mut req = Request::new(
            Method::PUT,
            format!("/api/v2/{}/{}", kind.collection(), seg(id)?),
        )
        .json(body);
        if edit.storage.is_some() {
            req = req.based_on(edit.based_on_version);
        }
        self.json_at(req).await
    }

    pub async fn delete_comment(&self, kind: CommentKind, id: &str) -> Result<()> {
        let req = Request::new(
            Method::DELETE,
            format!("/api/v2/{}/{}", kind.collection(), seg(id)?),
        );
        self.send_empty(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_comes_out_of_a_next_link() {
        assert_eq!(
            cursor_of("/wiki/api/v2/pages/1/footer-comments?limit=5&cursor=ZW11OjU"),
            Some("ZW11OjU".to_owned())
        );
        assert_eq!(
            cursor_of("/wiki/api/v2/pages/1/footer-comments?cursor=a%2Bb%3D&limit=5"),
            Some("a+b=".to_owned())
        );
        assert_eq!(
            cursor_of("/wiki/api/v2/pages/1/footer-comments?limit=5"),
            None
        );
        assert_eq!(cursor_of("/wiki/api/v2/pages/1/footer-comments"), None);
    }
}
