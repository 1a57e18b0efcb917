//! Edits of pages, blog posts and spaces that both API generations perform: new versions,
//! trash and purge with Confluence's effects on the tree, space creation with a home page.

use super::model::*;
use super::{NewContent, Store};
use chrono::{DateTime, Utc};

/// What an update stores as the next version.
#[derive(Clone, Debug)]
pub struct NewVersion {
    pub title: String,
    pub body: String,
    pub message: String,
    pub minor_edit: bool,
    pub author_id: String,
    pub at: DateTime<Utc>,
}

/// What a space create call needs; the store adds the home page.
#[derive(Clone, Debug)]
pub struct NewSpace {
    pub key: String,
    pub name: String,
    pub description: String,
    pub author_id: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Confluence keeps page titles unique (case-insensitively) among a space's current pages.
    pub fn page_title_taken(&self, space_id: u64, title: &str, except: Option<u64>) -> bool {
        let wanted = title.trim().to_lowercase();
        self.contents.values().any(|c| {
            c.kind == ContentKind::Page
                && c.space_id == space_id
                && c.status == Status::Current
                && Some(c.id) != except
                && c.title().trim().to_lowercase() == wanted
        })
    }

    /// Pages or blog posts (any status) the user may read, in id order.
    pub fn readable_contents(&self, user: &User, kind: ContentKind) -> Vec<&Content> {
        self.contents
            .values()
            .filter(|c| c.kind == kind && self.can_read_content(user, c))
            .collect()
    }

    /// Appends a version and returns its number; `None` when there is no such content.
    pub fn add_version(&mut self, id: u64, new: NewVersion) -> Option<u32> {
        let content = self.contents.get_mut(&id)?;
        let number = content.version_number() + 1;
        content.versions.push(Version {
            number,
            title: new.title,
            body: new.body,
            message: new.message,
            minor_edit: new.minor_edit,
            author_id: new.author_id,
            created_at: new.at,
        });
        Some(number)
    }

    /// Moves content to the trash. Its child pages move up to its parent, as in Confluence,
    /// so they stay in the tree.
    pub fn trash_content(&mut self, id: u64) -> bool {
        let Some(content) = self.contents.get_mut(&id) else {
            return false;
        };
        content.status = Status::Trashed;
        let parent = content.parent_id;
        self.reparent_children(id, parent);
        true
    }

    /// Removes content for good, with its comments and attachments.
    pub fn purge_content(&mut self, id: u64) -> bool {
        let Some(content) = self.contents.remove(&id) else {
            return false;
        };
        self.reparent_children(id, content.parent_id);
        self.comments.retain(|_, c| c.container_id != id);
        self.attachments.retain(|_, a| a.container_id != id);
        true
    }

    fn reparent_children(&mut self, id: u64, new_parent: Option<u64>) {
        for child in self.contents.values_mut() {
            if child.parent_id == Some(id) {
                child.parent_id = new_parent;
            }
        }
    }

    /// Creates a global space with its home page and returns the space id.
    pub fn create_space(&mut self, new: NewSpace) -> u64 {
        let space_id = self.allocate_id();
        self.spaces.insert(
            space_id,
            Space {
                id: space_id,
                key: new.key,
                name: new.name.clone(),
                space_type: SpaceType::Global,
                status: "current".to_owned(),
                description: new.description.clone(),
                homepage_id: None,
                author_id: new.author_id.clone(),
                created_at: new.at,
            },
        );
        let body = if new.description.is_empty() {
            format!("<h1>{}</h1>", crate::render::escape_text(&new.name))
        } else {
            format!(
                "<h1>{}</h1><p>{}</p>",
                crate::render::escape_text(&new.name),
                crate::render::escape_text(&new.description)
            )
        };
        let home = self.insert_content(NewContent {
            kind: ContentKind::Page,
            space_id,
            parent_id: None,
            title: format!("{} Home", new.name),
            body,
            author_id: new.author_id,
            status: Status::Current,
            at: new.at,
        });
        if let Some(space) = self.spaces.get_mut(&space_id) {
            space.homepage_id = Some(home);
        }
        space_id
    }

    /// Users holding a grant on the space (site admins hold every space), with their access.
    pub fn space_members(&self, space_id: u64) -> Vec<(&User, Access)> {
        self.users
            .iter()
            .filter_map(|u| self.space_access(u, space_id).map(|a| (u, a)))
            .collect()
    }
}

/// The space permissions (operation key, target type) an access level gives, in the
/// vocabulary of Confluence's `SpacePermissionAssignment`.
pub fn space_operations(access: Access) -> &'static [(&'static str, &'static str)] {
    const READ: &[(&str, &str)] = &[("read", "space")];
    const WRITE: &[(&str, &str)] = &[
        ("read", "space"),
        ("create", "page"),
        ("delete", "page"),
        ("create", "blogpost"),
        ("delete", "blogpost"),
        ("create", "comment"),
        ("create", "attachment"),
        ("delete", "attachment"),
    ];
    const ADMIN: &[(&str, &str)] = &[
        ("read", "space"),
        ("create", "page"),
        ("delete", "page"),
        ("create", "blogpost"),
        ("delete", "blogpost"),
        ("create", "comment"),
        ("delete", "comment"),
        ("create", "attachment"),
        ("delete", "attachment"),
        ("archive", "page"),
        ("restrict_content", "space"),
        ("export", "space"),
        ("administer", "space"),
    ];
    match access {
        Access::Read => READ,
        Access::Write => WRITE,
        Access::Admin => ADMIN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SeedKind;

    #[test]
    fn trash_moves_children_up_and_purge_removes() {
        let mut store = crate::seed::build(SeedKind::Empty, 1, 0);
        let space_id = *store.spaces.keys().next().unwrap();
        let home = store.spaces[&space_id].homepage_id;
        let new = |title: &str, parent| NewContent {
            kind: ContentKind::Page,
            space_id,
            parent_id: parent,
            title: title.into(),
            body: String::new(),
            author_id: "a".into(),
            status: Status::Current,
            at: Utc::now(),
        };
        let mid = store.insert_content(new("Mid", home));
        let leaf = store.insert_content(new("Leaf", Some(mid)));
        assert!(store.page_title_taken(space_id, " mid ", None));
        assert!(!store.page_title_taken(space_id, "Mid", Some(mid)));
        assert!(store.trash_content(mid));
        assert_eq!(store.contents[&leaf].parent_id, home);
        assert!(!store.page_title_taken(space_id, "Mid", None));
        assert!(store.purge_content(mid));
        assert!(!store.contents.contains_key(&mid));
    }
}
