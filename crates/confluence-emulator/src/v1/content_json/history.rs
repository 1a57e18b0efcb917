//! Versions and `history` in v1's shapes, for pages, blog posts, comments and attachments.

use super::Obj;
use crate::store::model::*;
use crate::v1::json::{Expand, Renderer, date, friendly};
use serde_json::{Value, json};

/// One version of something (`version`, `history.lastUpdated`, `/version/{n}`).
pub fn version(r: &Renderer, id: u64, v: &Version, ex: &Expand) -> Value {
    let mut obj = Obj::new(ex);
    obj.set("by", r.user(&v.author_id));
    obj.set("when", json!(date(v.created_at)));
    obj.set("friendlyWhen", json!(friendly(v.created_at)));
    obj.set("message", json!(v.message));
    obj.set("number", json!(v.number));
    obj.set("minorEdit", json!(v.minor_edit));
    obj.set("contentTypeModified", json!(false));
    obj.field("collaborators", String::new(), |_| {
        Some(json!({"users": [r.user(&v.author_id)], "userKeys": [v.author_id]}))
    });
    obj.field("content", format!("/rest/api/content/{id}"), |_| None);
    obj.finish(json!({"self": r.api(&format!("/content/{id}/version/{}", v.number))}))
}

/// What a history is computed from, for pages, blog posts and comments alike.
pub struct Lineage<'a> {
    pub id: u64,
    pub versions: &'a [Version],
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub owner_id: Option<&'a str>,
    /// The version being shown.
    pub at: u32,
}

impl<'a> Lineage<'a> {
    pub fn of_content(c: &'a Content, at: u32) -> Lineage<'a> {
        Lineage {
            id: c.id,
            versions: &c.versions,
            created_at: c.created_at,
            owner_id: Some(&c.owner_id),
            at,
        }
    }

    pub fn of_comment(c: &'a Comment) -> Lineage<'a> {
        Lineage {
            id: c.id,
            versions: &c.versions,
            created_at: c.created_at,
            owner_id: None,
            at: c.current().number,
        }
    }

    fn creator(&self) -> &str {
        self.versions
            .first()
            .map(|v| v.author_id.as_str())
            .unwrap_or("")
    }
}

/// `history`: who created it and when; `lastUpdated`, `previousVersion`, `nextVersion` and
/// `contributors` when expanded (the `/history` endpoint expands `lastUpdated` itself).
pub fn history(r: &Renderer, l: &Lineage, ex: &Expand) -> Value {
    let id = l.id;
    let mut obj = Obj::new(ex);
    let last = l.versions.last().map(|v| v.number).unwrap_or(1);
    obj.set("latest", json!(l.at >= last));
    obj.set("createdBy", r.user(l.creator()));
    if let Some(owner) = l.owner_id {
        obj.set("ownedBy", r.user(owner));
    }
    obj.set("createdDate", json!(date(l.created_at)));
    let find = |n: u32| l.versions.iter().find(|v| v.number == n);
    obj.field("lastUpdated", String::new(), |sub| {
        l.versions.last().map(|v| version(r, id, v, sub))
    });
    obj.field("previousVersion", String::new(), |sub| {
        find(l.at.saturating_sub(1)).map(|v| version(r, id, v, sub))
    });
    obj.field("nextVersion", String::new(), |sub| {
        find(l.at + 1).map(|v| version(r, id, v, sub))
    });
    obj.field("contributors", String::new(), |_| {
        let mut ids: Vec<&str> = Vec::new();
        for v in l.versions {
            if !ids.contains(&v.author_id.as_str()) {
                ids.push(&v.author_id);
            }
        }
        Some(json!({"publishers": {
            "users": ids.iter().map(|a| r.user(a)).collect::<Vec<_>>(),
            "userKeys": ids,
        }}))
    });
    obj.field("lastOwnedBy", String::new(), |_| None);
    obj.finish(json!({"self": r.api(&format!("/content/{id}/history"))}))
}
