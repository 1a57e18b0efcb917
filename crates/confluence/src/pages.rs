//! Pages: list/get (any body format)/create/update/move/delete, the tree around a page, its
//! versions and a historical version's body; and the no-lost-writes update shared with blog
//! posts.

use crate::client::{Client, Request};
use crate::error::{Error, Result};
use crate::models::{Ancestor, BodyFormat, ChildPage, ContentVersion, Page};
use crate::paginate::{PageCaps, Paged, paginate};
use crate::spaces::{failed, seg};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Filters for [`Client::pages`].
#[derive(Clone, Debug, Default)]
pub struct PageQuery {
    pub space_id: Option<String>,
    pub title: Option<String>,
    /// `current`, `archived`, `deleted`, `trashed`, `draft`.
    pub status: Option<String>,
    /// Only `storage` or `atlas_doc_format` in lists.
    pub body_format: Option<BodyFormat>,
}

#[derive(Clone, Debug, Default)]
pub struct NewPage {
    pub space_id: String,
    pub title: String,
    /// Storage-format XHTML.
    pub body: String,
    pub parent_id: Option<String>,
    /// Publish as a draft instead of current.
    pub draft: bool,
}

/// An edit of a page or blog post. `None` keeps the current title/body.
#[derive(Clone, Debug, Default)]
pub struct ContentEdit {
    pub title: Option<String>,
    /// Storage-format XHTML.
    pub body: Option<String>,
    pub message: Option<String>,
    /// The version the caller's edit was based on. When set and the content has moved on,
    /// the update fails with `Conflict` instead of overwriting someone else's change.
    pub based_on_version: Option<u64>,
    /// Mark the new version as a minor edit (watchers are not notified).
    pub minor_edit: bool,
    /// Move the content under this parent page in the same write (pages only).
    pub parent_id: Option<String>,
}

/// Retries after a 409 whose re-read shows the content unchanged.
const UNCHANGED_RETRIES: usize = 2;

impl Client {
    pub fn pages(&self, query: &PageQuery, caps: PageCaps) -> Paged<Page> {
        let req = Request::get("/api/v2/pages")
            .query_opt("space-id", query.space_id.as_deref())
            .query_opt("title", query.title.as_deref())
            .query_opt("status", query.status.as_deref())
            .query_opt("body-format", query.body_format.map(BodyFormat::as_str));
        paginate(self, req, caps)
    }

    /// Pages of one space.
    pub fn space_pages(&self, space_id: &str, caps: PageCaps) -> Paged<Page> {
        match seg(space_id) {
            Ok(id) => paginate(
                self,
                Request::get(format!("/api/v2/spaces/{id}/pages")),
                caps,
            ),
            Err(e) => failed(e),
        }
    }

    /// A page at its current version, with the body in `format` when given.
    pub async fn page(&self, id: &str, format: Option<BodyFormat>) -> Result<Page> {
        let req = Request::get(format!("/api/v2/pages/{}", seg(id)?))
            .query_opt("body-format", format.map(BodyFormat::as_str));
        self.json_at(req).await
    }

    /// A page as it was at version `version`, body included.
    pub async fn page_at_version(
        &self,
        id: &str,
        version: u64,
        format: BodyFormat,
    ) -> Result<Page> {
        let req = Request::get(format!("/api/v2/pages/{}", seg(id)?))
            .query("version", version)
            .query("body-format", format.as_str());
        self.json_at(req).await
    }

    /// Creates a page. Not retried after an ambiguous failure (it could create twice).
    pub async fn create_page(&self, page: &NewPage) -> Result<Page> {
        let mut body = json!({
            "spaceId": page.space_id,
            "status": if page.draft { "draft" } else { "current" },
            "title": page.title,
            "body": { "representation": "storage", "value": page.body },
        });
        if let Some(parent) = &page.parent_id {
            body["parentId"] = json!(parent);
        }
        self.json_at(Request::new(Method::POST, "/api/v2/pages").json(body))
            .await
    }

    /// Updates a page without losing anyone's write: see [`ContentEdit::based_on_version`].
    pub async fn update_page(&self, id: &str, edit: &ContentEdit) -> Result<Page> {
        let parent = edit.parent_id.as_deref().map(seg).transpose()?;
        self.safe_update("pages", id, edit, parent).await
    }

    /// Moves a page under another page of the same space (a v2 update with a new `parentId`).
    pub async fn move_page(&self, id: &str, new_parent_id: &str) -> Result<Page> {
        let parent = seg(new_parent_id)?;
        self.safe_update("pages", id, &ContentEdit::default(), Some(parent))
            .await
    }

    /// Moves a page to the trash, or removes it for good with `purge` (trashed pages only).
    pub async fn delete_page(&self, id: &str, purge: bool) -> Result<()> {
        let mut req = Request::new(Method::DELETE, format!("/api/v2/pages/{}", seg(id)?));
        if purge {
            req = req.query("purge", "true");
        }
        self.send_empty(req).await
    }

    pub fn page_children(&self, id: &str, caps: PageCaps) -> Paged<ChildPage> {
        self.page_list(id, "children", caps)
    }

    pub fn page_descendants(&self, id: &str, caps: PageCaps) -> Paged<ChildPage> {
        self.page_list(id, "descendants", caps)
    }

    /// Ancestors from the top of the tree down to the parent.
    pub fn page_ancestors(&self, id: &str, caps: PageCaps) -> Paged<Ancestor> {
        self.page_list(id, "ancestors", caps)
    }

    pub fn page_versions(&self, id: &str, caps: PageCaps) -> Paged<ContentVersion> {
        self.page_list(id, "versions", caps)
    }

    fn page_list<T: DeserializeOwned + Send + 'static>(
        &self,
        id: &str,
        what: &str,
        caps: PageCaps,
    ) -> Paged<T> {
        match seg(id) {
            Ok(id) => paginate(
                self,
                Request::get(format!("/api/v2/pages/{id}/{what}")),
                caps,
            ),
            Err(e) => failed(e),
        }
    }

    /// Reads the current version and writes version + 1. On a 409 it re-reads and retries only
    /// if the content did not change in between; otherwise `Conflict` carries both versions.
    /// (A 409 after a resent PUT whose first answer was lost finds our own text at version + 1:
    /// that counts as success, since no one else's write is at stake.)
    pub(crate) async fn safe_update<T: DeserializeOwned>(
        &self,
        collection: &str,
        id: &str,
        edit: &ContentEdit,
        new_parent: Option<String>,
    ) -> Result<T> {
        let id = seg(id)?;
        let path = format!("/api/v2/{collection}/{id}");
        let mut current = self.read_for_update(&path).await?;
        if let Some(base) = edit.based_on_version
            && base != current.version
        {
            return Err(stale(current.version, base));
        }
        let base = current.version;
        for attempt in 0..=UNCHANGED_RETRIES {
            let title = edit.title.clone().unwrap_or_else(|| current.title.clone());
            let storage = edit.body.clone().unwrap_or_else(|| current.body.clone());
            let mut body = json!({
                "id": id,
                "status": current.status,
                "title": title,
                "body": { "representation": "storage", "value": storage },
                "version": {
                    "number": current.version + 1,
                    "message": edit.message.clone().unwrap_or_default(),
                    "minorEdit": edit.minor_edit,
                },
            });
            if let Some(parent) = &new_parent {
                body["parentId"] = json!(parent);
            }
            let req = Request::new(Method::PUT, path.clone())
                .json(body)
                .based_on(current.version);
            match self.json_at(req).await {
                Ok(done) => return Ok(done),
                Err(Error::Conflict { .. }) => {
                    let again = self.read_for_update(&path).await?;
                    // An earlier attempt whose answer was lost may have landed: that is our
                    // own write, not someone else's.
                    if again.version == current.version + 1
                        && again.title == title
                        && again.body == storage
                    {
                        return self
                            .json_at(Request::get(path).query("body-format", "storage"))
                            .await;
                    }
                    if again.version != base || attempt == UNCHANGED_RETRIES {
                        return Err(stale(again.version, base));
                    }
                    current = again;
                }
                Err(e) => return Err(e),
            }
        }
        Err(stale(current.version, base))
    }

    async fn read_for_update(&self, path: &str) -> Result<Current> {
        let v: Value = self
            .json_at(Request::get(path).query("body-format", "storage"))
            .await?;
        let version = v
            .pointer("/version/number")
            .and_then(Value::as_u64)
            .ok_or_else(|| Error::upstream_decode("content", "no version.number"))?;
        Ok(Current {
            version,
            title: v
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            body: v
                .pointer("/body/storage/value")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            status: match v.get("status").and_then(Value::as_str) {
                Some("draft") => "draft".to_owned(),
                _ => "current".to_owned(),
            },
        })
    }
}

struct Current {
    version: u64,
    title: String,
    body: String,
    status: String,
}

fn stale(current: u64, attempted: u64) -> Error {
    Error::Conflict {
        message: format!(
            "the content is at version {current}, the edit was based on version {attempted}"
        ),
        current_version: Some(current),
        attempted_version: Some(attempted),
    }
}
