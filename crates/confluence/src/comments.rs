//! Footer and inline comments: list (on a page or blog post, and replies), get, create,
//! reply, update, delete.

use crate::client::{Client, Request};
use crate::error::Result;
use crate::models::{BodyFormat, Comment};
use crate::paginate::{PageCaps, Paged, paginate};
use crate::spaces::{failed, seg};
use reqwest::Method;
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    Footer,
    Inline,
}

impl CommentKind {
    fn collection(self) -> &'static str {
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

impl Client {
    /// Top-level comments of a page or blog post.
    pub fn comments(
        &self,
        kind: CommentKind,
        container: &CommentContainer,
        format: Option<BodyFormat>,
        caps: PageCaps,
    ) -> Paged<Comment> {
        let (collection, id) = match container {
            CommentContainer::Page(id) => ("pages", id),
            CommentContainer::BlogPost(id) => ("blogposts", id),
        };
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
        let body = json!({
            "version": { "number": based_on_version + 1 },
            "body": { "representation": "storage", "value": storage },
        });
        let req = Request::new(
            Method::PUT,
            format!("/api/v2/{}/{}", kind.collection(), seg(id)?),
        )
        .json(body)
        .based_on(based_on_version);
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
