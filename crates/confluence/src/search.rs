//! CQL search (v1 `/rest/api/search`, the one search Atlassian offers) and page
//! restrictions (v1 `/rest/api/content/{id}/restriction`).

use crate::client::{Client, Request};
use crate::error::{Error, Result};
use crate::models::{Restriction, SearchResult};
use crate::paginate::{PageCaps, Paged, paginate};
use crate::spaces::{failed, seg};

impl Client {
    /// Runs a CQL query; a malformed query fails with `Invalid` carrying Confluence's reason.
    pub fn search(&self, cql: &str, caps: PageCaps) -> Paged<SearchResult> {
        if cql.trim().is_empty() {
            return failed(Error::invalid("the CQL query is empty"));
        }
        paginate(
            self,
            Request::get("/rest/api/search").query("cql", cql),
            caps,
        )
    }

    /// Who may read and who may update a page (`read` and `update` operations).
    pub async fn restrictions(&self, content_id: &str) -> Result<Vec<Restriction>> {
        let req = Request::get(format!(
            "/rest/api/content/{}/restriction",
            seg(content_id)?
        ));
        let page: RestrictionPage = self.json_at(req).await?;
        Ok(page.results)
    }
}

#[derive(serde::Deserialize)]
struct RestrictionPage {
    #[serde(default = "Vec::new")]
    results: Vec<Restriction>,
}
