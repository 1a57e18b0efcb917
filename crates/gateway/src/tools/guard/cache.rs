//! What calls through one connection share for policy checks: space id ↔ key and resolved
//! content, trusted for [`RESOURCE_TTL`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use policy::ContentType;

/// How long a resolved resource (space, ancestors, labels) is trusted. Changes made through
/// this gateway (labels, moves) drop the entry at once; changes made in Confluence directly
/// are seen within this time.
pub const RESOURCE_TTL: Duration = Duration::from_secs(10);

/// Entries kept per connection before the oldest half is dropped.
const CACHE_CAP: usize = 10_000;

/// Content as policy sees it.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub id: u64,
    /// `Page` or `Blogpost` (comments and attachments resolve to their container).
    pub content_type: ContentType,
    /// As Confluence spells it.
    pub space_key: String,
    /// Lower case; `None` when not fetched (no rule needed them).
    pub labels: Option<Vec<String>>,
    /// Ancestor page ids, top first; `None` when not fetched (no rule needed them).
    pub ancestors: Option<Vec<u64>>,
}

/// What calls through one connection share: space id ↔ key (ids never change) and resolved
/// content (for [`RESOURCE_TTL`]).
#[derive(Default)]
pub struct ResourceCache {
    space_keys: Mutex<HashMap<String, String>>,
    space_ids: Mutex<HashMap<String, String>>,
    content: Mutex<HashMap<u64, (Instant, Arc<Resolved>)>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned cache only means another call panicked mid-insert; the map is still valid.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl ResourceCache {
    pub(super) fn fresh(&self, id: u64) -> Option<Arc<Resolved>> {
        let cache = lock(&self.content);
        cache
            .get(&id)
            .filter(|(at, _)| at.elapsed() < RESOURCE_TTL)
            .map(|(_, r)| r.clone())
    }

    pub(super) fn store(&self, resolved: Arc<Resolved>) {
        let mut cache = lock(&self.content);
        if cache.len() >= CACHE_CAP {
            cache.retain(|_, (at, _)| at.elapsed() < RESOURCE_TTL);
        }
        cache.insert(resolved.id, (Instant::now(), resolved));
    }

    /// Drops what is known about content `id` (labels or parent changed).
    pub fn forget(&self, id: &str) {
        if let Ok(id) = id.parse::<u64>() {
            lock(&self.content).remove(&id);
        }
    }

    /// Drops everything resolved (a page moved: the ancestors of its whole subtree changed).
    pub fn forget_all(&self) {
        lock(&self.content).clear();
    }

    /// Drops a space's id (the space was deleted; a new space may reuse its key).
    pub fn forget_space(&self, key: &str) {
        if let Some(id) = lock(&self.space_ids).remove(&key.to_ascii_uppercase()) {
            lock(&self.space_keys).remove(&id);
        }
    }

    /// The key of the space with `space_id`.
    pub async fn space_key(
        &self,
        client: &confluence::Client,
        space_id: &str,
    ) -> Result<String, confluence::Error> {
        if let Some(key) = lock(&self.space_keys).get(space_id) {
            return Ok(key.clone());
        }
        let space = client.space(space_id).await?;
        self.remember_space(&space.id, &space.key);
        Ok(space.key)
    }

    /// Records a space's id and key (any call that saw a space may tell the cache).
    pub fn remember_space(&self, id: &str, key: &str) {
        lock(&self.space_keys).insert(id.to_owned(), key.to_owned());
        lock(&self.space_ids).insert(key.to_ascii_uppercase(), id.to_owned());
    }
}
