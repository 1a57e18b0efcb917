//! Users by account id (v2 `users-bulk`).

use crate::client::{Client, Request};
use crate::error::{Error, Result};
use crate::models::User;
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
