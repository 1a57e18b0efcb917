//! Blog posts: list/get/create/update/delete and versions.

use crate::client::{Client, Request};
use crate::error::Result;
use crate::models::{BlogPost, BodyFormat, ContentVersion};
use crate::pages::ContentEdit;
use crate::paginate::{PageCaps, Paged, paginate};
use crate::spaces::{failed, seg};
use reqwest::Method;
use serde_json::json;

/// Filters for [`Client::blogposts_matching`].
#[derive(Clone, Debug, Default)]
pub struct BlogPostQuery {
    pub space_id: Option<String>,
    /// Exact title.
    pub title: Option<String>,
    /// `current` (Confluence's default), `deleted`, `trashed`.
    pub status: Option<String>,
    /// `id`, `created-date`, `modified-date`, each optionally prefixed with `-` (descending).
    pub sort: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct NewBlogPost {
    pub space_id: String,
    pub title: String,
    /// Storage-format XHTML.
    pub body: String,
}

impl Client {
    /// Blog posts, across spaces or in one.
    pub fn blogposts(&self, space_id: Option<&str>, caps: PageCaps) -> Paged<BlogPost> {
        let req = match space_id.map(seg).transpose() {
            Ok(Some(id)) => Request::get(format!("/api/v2/spaces/{id}/blogposts")),
            Ok(None) => Request::get("/api/v2/blogposts"),
            Err(e) => return failed(e),
        };
        paginate(self, req, caps)
    }

    /// Blog posts matching `query` (v2 `GET /blogposts` with its filters).
    pub fn blogposts_matching(&self, query: &BlogPostQuery, caps: PageCaps) -> Paged<BlogPost> {
        let req = Request::get("/api/v2/blogposts")
            .query_opt("space-id", query.space_id.as_deref())
            .query_opt("title", query.title.as_deref())
            .query_opt("status", query.status.as_deref())
            .query_opt("sort", query.sort.as_deref());
        paginate(self, req, caps)
    }

    pub async fn blogpost(&self, id: &str, format: Option<BodyFormat>) -> Result<BlogPost> {
        let req = Request::get(format!("/api/v2/blogposts/{}", seg(id)?))
            .query_opt("body-format", format.map(BodyFormat::as_str));
        self.json_at(req).await
    }

    pub async fn blogpost_at_version(
        &self,
        id: &str,
        version: u64,
        format: BodyFormat,
    ) -> Result<BlogPost> {
        let req = Request::get(format!("/api/v2/blogposts/{}", seg(id)?))
            .query("version", version)
            .query("body-format", format.as_str());
        self.json_at(req).await
    }

    pub async fn create_blogpost(&self, post: &NewBlogPost) -> Result<BlogPost> {
        let body = json!({
            "spaceId": post.space_id,
            "status": "current",
            "title": post.title,
            "body": { "representation": "storage", "value": post.body },
        });
        self.json_at(Request::new(Method::POST, "/api/v2/blogposts").json(body))
            .await
    }

    /// Same no-lost-writes rules as [`Client::update_page`].
    pub async fn update_blogpost(&self, id: &str, edit: &ContentEdit) -> Result<BlogPost> {
        self.safe_update("blogposts", id, edit, None).await
    }

    pub async fn delete_blogpost(&self, id: &str, purge: bool) -> Result<()> {
        let mut req = Request::new(Method::DELETE, format!("/api/v2/blogposts/{}", seg(id)?));
        if purge {
            req = req.query("purge", "true");
        }
        self.send_empty(req).await
    }

    pub fn blogpost_versions(&self, id: &str, caps: PageCaps) -> Paged<ContentVersion> {
        match seg(id) {
            Ok(id) => paginate(
                self,
                Request::get(format!("/api/v2/blogposts/{id}/versions")),
                caps,
            ),
            Err(e) => failed(e),
        }
    }
}
