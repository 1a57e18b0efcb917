//! INTERIM space scoping, until the policy issue replaces it: an agent configured with
//! `spaces = ["ENG", "DOCS"]` only sees and changes content in those spaces. Search gets a
//! `space IN (…)` restriction ANDed onto its CQL (so no query can widen it); everything that
//! addresses content by id checks the content's space first. Content outside the scope
//! answers "not found", as Confluence does for content a user cannot see.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures_util::TryStreamExt;

use crate::error::ToolError;

/// Space key → space id, shared by every call through one connection (ids never change).
pub type SpaceIdCache = Arc<Mutex<HashMap<String, String>>>;

#[derive(Clone, Default)]
pub struct SpaceScope {
    /// Upper-case space keys; empty means unrestricted.
    allowed: Arc<[String]>,
    cache: SpaceIdCache,
}

impl SpaceScope {
    pub fn new(allowed: &[String], cache: SpaceIdCache) -> SpaceScope {
        SpaceScope {
            allowed: allowed.iter().map(|k| k.to_ascii_uppercase()).collect(),
            cache,
        }
    }

    pub fn is_restricted(&self) -> bool {
        !self.allowed.is_empty()
    }

    pub fn allowed_keys(&self) -> &[String] {
        &self.allowed
    }

    /// ANDs `space IN (allowed)` onto a query when scoped.
    pub fn restrict(&self, query: &mut cql::Query) {
        if self.is_restricted() {
            query.restrict(cql::Expr::clause(
                cql::Field::Space,
                cql::Operator::In,
                cql::Value::text_list(self.allowed.iter().cloned()),
            ));
        }
    }

    /// Whether a space key is in scope.
    pub fn allows_key(&self, key: &str) -> bool {
        !self.is_restricted() || self.allowed.iter().any(|k| k.eq_ignore_ascii_case(key))
    }

    /// The error for content outside the scope (phrased like Confluence's invisible 404).
    pub fn out_of_scope(&self, what: &str) -> ToolError {
        ToolError::NotFound(format!(
            "{what} (or it is outside the spaces this agent may use: {})",
            self.allowed.join(", ")
        ))
    }

    /// Fails unless `key` is in scope.
    pub fn check_key(&self, key: &str) -> Result<(), ToolError> {
        if self.allows_key(key) {
            Ok(())
        } else {
            Err(self.out_of_scope(&format!("space {key}")))
        }
    }

    /// Fails unless the space with id `space_id` is in scope. `what` names the content for the
    /// error message.
    pub async fn check_space_id(
        &self,
        client: &confluence::Client,
        space_id: Option<&str>,
        what: &str,
    ) -> Result<(), ToolError> {
        if !self.is_restricted() {
            return Ok(());
        }
        let ids = self.allowed_ids(client).await?;
        match space_id {
            Some(id) if ids.iter().any(|a| a == id) => Ok(()),
            _ => Err(self.out_of_scope(what)),
        }
    }

    /// Ids of the allowed spaces the connection can see (resolved once, then cached).
    pub async fn allowed_ids(&self, client: &confluence::Client) -> Result<Vec<String>, ToolError> {
        let missing: Vec<String> = {
            let cache = self.lock();
            self.allowed
                .iter()
                .filter(|k| !cache.contains_key(k.as_str()))
                .cloned()
                .collect()
        };
        if !missing.is_empty() {
            let query = confluence::SpaceQuery {
                keys: missing,
                ..confluence::SpaceQuery::default()
            };
            let spaces: Vec<confluence::models::Space> = client
                .spaces(&query, confluence::PageCaps::items(250))
                .try_collect()
                .await?;
            let mut cache = self.lock();
            for s in spaces {
                cache.insert(s.key.to_ascii_uppercase(), s.id);
            }
        }
        let cache = self.lock();
        Ok(self
            .allowed
            .iter()
            .filter_map(|k| cache.get(k.as_str()).cloned())
            .collect())
    }

    /// Drops a cached space id (the space was deleted; a new space may reuse its key).
    pub fn forget(&self, key: &str) {
        self.lock().remove(&key.to_ascii_uppercase());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A poisoned cache only means another call panicked mid-insert; the map is still valid.
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}
