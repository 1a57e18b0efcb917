//! In-memory state of one emulated Confluence site, with the permission rules every endpoint
//! and search share, so that no endpoint can forget them.

mod attachments;
mod comments;
mod content_edit;
pub mod editing;
mod labels;
pub mod model;

pub use attachments::NewAttachment;
pub use comments::NewComment;

use chrono::{DateTime, Utc};
use model::*;
use std::collections::BTreeMap;

/// Upper bound on tree walks: a cycle in parent links would otherwise loop forever.
const MAX_TREE_DEPTH: usize = 1_000;

#[derive(Debug, Default)]
pub struct Store {
    pub users: Vec<User>,
    pub spaces: BTreeMap<u64, Space>,
    pub contents: BTreeMap<u64, Content>,
    pub comments: BTreeMap<u64, Comment>,
    pub attachments: BTreeMap<u64, Attachment>,
    /// Label name → id, so a label keeps one id across pages as in Confluence.
    pub label_ids: BTreeMap<String, u64>,
    next_id: u64,
}

impl Store {
    pub fn new() -> Store {
        Store {
            next_id: 65_537,
            ..Store::default()
        }
    }

    /// Content, comment and attachment ids come from one sequence, as in Confluence.
    pub fn allocate_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    pub fn label_id(&mut self, name: &str) -> u64 {
        if let Some(id) = self.label_ids.get(name) {
            return *id;
        }
        let id = self.allocate_id();
        self.label_ids.insert(name.to_owned(), id);
        id
    }

    pub fn user_by_account(&self, account_id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.account_id == account_id)
    }

    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    pub fn space_by_key(&self, key: &str) -> Option<&Space> {
        self.spaces.values().find(|s| s.key == key)
    }

    // ---- permissions -------------------------------------------------------------------

    pub fn space_access(&self, user: &User, space_id: u64) -> Option<Access> {
        let space = self.spaces.get(&space_id)?;
        if user.site_admin {
            return Some(Access::Admin);
        }
        user.grants.get(&space.key).copied()
    }

    pub fn can_read_space(&self, user: &User, space_id: u64) -> bool {
        self.space_access(user, space_id).is_some()
    }

    /// Space grant plus every read restriction on the page and its ancestors.
    pub fn can_read_content(&self, user: &User, content: &Content) -> bool {
        if !self.can_read_space(user, content.space_id) {
            return false;
        }
        if user.site_admin {
            return true;
        }
        let mut current = Some(content);
        let mut depth = 0;
        while let Some(c) = current {
            if let Some(allowed) = &c.read_restricted_to
                && !allowed.iter().any(|a| a == &user.account_id)
            {
                return false;
            }
            depth += 1;
            if depth > MAX_TREE_DEPTH {
                return false;
            }
            current = c.parent_id.and_then(|p| self.contents.get(&p));
        }
        true
    }

    pub fn can_write_content(&self, user: &User, content: &Content) -> bool {
        if !self.can_read_content(user, content) {
            return false;
        }
        if !matches!(
            self.space_access(user, content.space_id),
            Some(Access::Write | Access::Admin)
        ) {
            return false;
        }
        match &content.update_restricted_to {
            Some(allowed) => user.site_admin || allowed.iter().any(|a| a == &user.account_id),
            None => true,
        }
    }

    pub fn can_write_space(&self, user: &User, space_id: u64) -> bool {
        matches!(
            self.space_access(user, space_id),
            Some(Access::Write | Access::Admin)
        )
    }

    /// A page or blog post the user may see, in any status.
    pub fn readable_content(&self, user: &User, id: u64) -> Option<&Content> {
        self.contents
            .get(&id)
            .filter(|c| self.can_read_content(user, c))
    }

    /// A comment is visible when its container is.
    pub fn readable_comment(&self, user: &User, id: u64) -> Option<&Comment> {
        let comment = self.comments.get(&id)?;
        self.readable_content(user, comment.container_id)?;
        Some(comment)
    }

    pub fn readable_attachment(&self, user: &User, id: u64) -> Option<&Attachment> {
        let attachment = self.attachments.get(&id)?;
        self.readable_content(user, attachment.container_id)?;
        Some(attachment)
    }

    // ---- trees -------------------------------------------------------------------------

    /// Direct child pages in sibling order, current status only.
    pub fn children(&self, parent_id: u64) -> Vec<&Content> {
        let mut out: Vec<&Content> = self
            .contents
            .values()
            .filter(|c| c.parent_id == Some(parent_id) && c.status == Status::Current)
            .collect();
        out.sort_by_key(|c| (c.position, c.id));
        out
    }

    /// Root first, direct parent last, as Confluence lists ancestors.
    pub fn ancestors(&self, id: u64) -> Vec<&Content> {
        let mut out = Vec::new();
        let mut current = self.contents.get(&id).and_then(|c| c.parent_id);
        while let Some(pid) = current {
            let Some(parent) = self.contents.get(&pid) else {
                break;
            };
            out.push(parent);
            if out.len() > MAX_TREE_DEPTH {
                break;
            }
            current = parent.parent_id;
        }
        out.reverse();
        out
    }

    /// Descendants breadth-first with their depth (1 = child), down to `max_depth`.
    pub fn descendants(&self, id: u64, max_depth: usize) -> Vec<(&Content, usize)> {
        let mut out = Vec::new();
        let mut frontier = vec![id];
        for depth in 1..=max_depth.min(MAX_TREE_DEPTH) {
            let mut next = Vec::new();
            for pid in frontier {
                for child in self.children(pid) {
                    out.push((child, depth));
                    next.push(child.id);
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        out
    }

    pub fn is_descendant_of(&self, id: u64, ancestor_id: u64) -> bool {
        self.ancestors(id).iter().any(|a| a.id == ancestor_id)
    }

    pub fn next_position(&self, space_id: u64, parent_id: Option<u64>) -> i64 {
        self.contents
            .values()
            .filter(|c| c.space_id == space_id && c.parent_id == parent_id)
            .map(|c| c.position + 1)
            .max()
            .unwrap_or(0)
    }

    // ---- mutation helpers shared by v1 and v2 --------------------------------------------

    /// Creates a page or blog post with its first version and returns its id.
    pub fn insert_content(&mut self, new: NewContent) -> u64 {
        let id = self.allocate_id();
        let position = self.next_position(new.space_id, new.parent_id);
        self.contents.insert(
            id,
            Content {
                id,
                kind: new.kind,
                space_id: new.space_id,
                status: new.status,
                parent_id: new.parent_id,
                position,
                author_id: new.author_id.clone(),
                owner_id: new.author_id.clone(),
                created_at: new.at,
                versions: vec![Version {
                    number: 1,
                    title: new.title,
                    body: new.body,
                    message: String::new(),
                    minor_edit: false,
                    author_id: new.author_id,
                    created_at: new.at,
                }],
                labels: Vec::new(),
                read_restricted_to: None,
                update_restricted_to: None,
            },
        );
        id
    }

    /// Adds a label to a page (no duplicates) and returns it.
    pub fn add_label(&mut self, content_id: u64, prefix: &str, name: &str) -> Option<Label> {
        let name = name.trim().to_lowercase();
        let label_id = self.label_id(&name);
        let content = self.contents.get_mut(&content_id)?;
        if let Some(existing) = content.labels.iter().find(|l| l.name == name) {
            return Some(existing.clone());
        }
        let label = Label {
            id: label_id,
            prefix: prefix.to_owned(),
            name,
        };
        content.labels.push(label.clone());
        Some(label)
    }
}

/// What a create call needs; the store fills in ids, position and the first version.
#[derive(Clone, Debug)]
pub struct NewContent {
    pub kind: ContentKind,
    pub space_id: u64,
    pub parent_id: Option<u64>,
    pub title: String,
    pub body: String,
    pub author_id: String,
    pub status: Status,
    pub at: DateTime<Utc>,
}
