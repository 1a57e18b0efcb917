//! Users by account id (v2 `users-bulk`) and by name (v1 `/search/user`, user CQL).

use crate::client::{Client, Request};
use crate::error::{Error, Result};
use crate::models::{User, UserSearchResult};
use crate::paginate::{PageCaps, Paged, paginate};
use crate::spaces::failed;
use reqwest::Method;
use serde_json::json;

/// Confluence's limit on ids per bulk lookup.
const MAX_BULK: usize = 250;

impl Client {
    /// Looks up users; unknown ids are left out of the answer.
    pub async fn users(&self, account_ids: &[&str]) -> Result<Vec<User>> {
        let mut out = Vec::new();
        for chunk in account_ids.chunks(MAX_BULK) {
            // A read that happens to use POST: safe to retry.
            let req = Request::new(Method::POST, "/api/v2/users-bulk")
                .json(json!({ "accountIds": chunk }))
                .idempotent(true);
            let page: UserPage = self.json_at(req).await?;
            out.extend(page.results);
        }
        Ok(out)
    }

    /// Finds users with user CQL (`user.fullname ~ "jo"`, `user = "<account id>"`,
    /// `type = user`); Confluence's only search by name. Fields a user hides by their privacy
    /// settings (email, display name) come back empty or null.
    pub fn search_users(&self, cql: &str, caps: PageCaps) -> Paged<UserSearchResult> {
        if cql.trim().is_empty() {
            return failed(Error::invalid("the user CQL query is empty"));
        }
        paginate(
            self,
            Request::get("/rest/api/search/user").query("cql", cql),
            caps,
        )
    }

    pub async fn user(&self, account_id: &str) -> Result<User> {
        self.users(&[account_id])
            .await?
            .into_iter()
            .find(|u| u.account_id == account_id)
            .ok_or_else(|| Error::NotFound {
                message: format!("no user with account id '{account_id}'"),
            })
    }
}

#[derive(serde::Deserialize)]
struct UserPage {
    #[serde(default = "Vec::new")]
    results: Vec<User>,
}
