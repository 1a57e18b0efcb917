//! Spaces: v2 list/get/permissions/create; update and delete go through v1, the only API
//! Atlassian offers for them.

use crate::client::{Client, Request};
use crate::error::{Error, Result};
use crate::models::{Space, SpacePermission};
use crate::paginate::{ListPage, PageCaps, Paged, one_page, paginate};
use reqwest::Method;
use serde_json::json;

/// Filters for [`Client::spaces`].
#[derive(Clone, Debug, Default)]
pub struct SpaceQuery {
    pub keys: Vec<String>,
    pub ids: Vec<String>,
    /// `global` or `personal`.
    pub space_type: Option<String>,
    /// `current` or `archived`.
    pub status: Option<String>,
}

/// What a new space is made of.
#[derive(Clone, Debug, Default)]
pub struct NewSpace {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
}

/// Changes to a space; `None` leaves a field alone.
#[derive(Clone, Debug, Default)]
pub struct SpaceUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
}

fn list_request(query: &SpaceQuery) -> Request {
    let mut req = Request::get("/api/v2/spaces");
    if !query.keys.is_empty() {
        req = req.query("keys", query.keys.join(","));
    }
    if !query.ids.is_empty() {
        req = req.query("ids", query.ids.join(","));
    }
    req.query_opt("type", query.space_type.as_deref())
        .query_opt("status", query.status.as_deref())
        .query("description-format", "plain")
}

impl Client {
    pub fn spaces(&self, query: &SpaceQuery, caps: PageCaps) -> Paged<Space> {
        paginate(self, list_request(query), caps)
    }

    /// One page of spaces (`limit` 1–250) starting at `cursor` (from a previous page's
    /// `next_cursor`), for callers that page on their users' behalf.
    pub async fn spaces_page(
        &self,
        query: &SpaceQuery,
        limit: u32,
        cursor: Option<&str>,
    ) -> Result<ListPage<Space>> {
        let req = list_request(query).query("limit", limit.clamp(1, 250));
        one_page(self, req, cursor).await
    }

    pub async fn space(&self, id: &str) -> Result<Space> {
        let req = Request::get(format!("/api/v2/spaces/{}", seg(id)?))
            .query("description-format", "plain");
        self.json_at(req).await
    }

    /// The space with this key (v2 addresses spaces by id; this looks the key up).
    pub async fn space_by_key(&self, key: &str) -> Result<Space> {
        let req = Request::get("/api/v2/spaces")
            .query("keys", key)
            .query("description-format", "plain");
        let page: crate::models::SpaceList = self.json_at(req).await?;
        page.results
            .into_iter()
            .find(|s| s.key.eq_ignore_ascii_case(key))
            .ok_or_else(|| Error::NotFound {
                message: format!("no space with key '{key}' is visible to this account"),
            })
    }

    pub fn space_permissions(&self, space_id: &str, caps: PageCaps) -> Paged<SpacePermission> {
        match seg(space_id) {
            Ok(id) => paginate(
                self,
                Request::get(format!("/api/v2/spaces/{id}/permissions")),
                caps,
            ),
            Err(e) => failed(e),
        }
    }

    /// Creates a space (not retried blindly: a second create would fail or duplicate).
    pub async fn create_space(&self, space: &NewSpace) -> Result<Space> {
        let mut body = json!({ "key": space.key, "name": space.name });
        if let Some(d) = &space.description {
            body["description"] = json!({ "value": d, "representation": "plain" });
        }
        let req = Request::new(Method::POST, "/api/v2/spaces").json(body);
        self.json_at(req).await
    }

    /// Renames a space or changes its description (v1 `PUT /rest/api/space/{key}`).
    pub async fn update_space(&self, key: &str, update: &SpaceUpdate) -> Result<serde_json::Value> {
        let mut body = json!({});
        if let Some(name) = &update.name {
            body["name"] = json!(name);
        }
        if let Some(d) = &update.description {
            body["description"] = json!({ "plain": { "value": d, "representation": "plain" } });
        }
        let req = Request::new(Method::PUT, format!("/rest/api/space/{}", seg(key)?)).json(body);
        self.json_at(req).await
    }

    /// Deletes a space (v1 `DELETE /rest/api/space/{key}`; Confluence answers 202 and removes
    /// it in a long-running task).
    pub async fn delete_space(&self, key: &str) -> Result<()> {
        let req = Request::new(Method::DELETE, format!("/rest/api/space/{}", seg(key)?));
        self.send_empty(req).await
    }
}

/// An id or key as one URL path segment; anything that could change the path is refused.
pub(crate) fn seg(raw: &str) -> Result<String> {
    let ok = !raw.is_empty()
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '~' | '.'))
        && raw != "."
        && raw != "..";
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(Error::invalid(format!(
            "'{raw}' is not a valid Confluence id or key (letters, digits, '-', '_' only)"
        )))
    }
}

/// A stream that yields one error, for list calls whose arguments are already wrong.
pub(crate) fn failed<T: Send + 'static>(e: Error) -> Paged<T> {
    use futures_util::StreamExt;
    futures_util::stream::once(async move { Err(e) }).boxed()
}
