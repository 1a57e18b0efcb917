//! Edits the v1 content API makes beyond `editing.rs` and `comments.rs`: blog-post title
//! clashes, moves, comment versions and reply chains.

use super::Store;
use super::editing::NewVersion;
use super::model::*;

impl Store {
    /// Whether another current page of the space already has this title (case-insensitive), as
    /// Confluence refuses duplicates. Blog posts only clash on the same posting day.
    pub fn title_taken(
        &self,
        space_id: u64,
        kind: ContentKind,
        title: &str,
        posting_day: Option<chrono::NaiveDate>,
        except: Option<u64>,
    ) -> bool {
        if kind == ContentKind::Page {
            return self.page_title_taken(space_id, title, except);
        }
        self.contents.values().any(|c| {
            c.space_id == space_id
                && c.kind == kind
                && c.status == Status::Current
                && Some(c.id) != except
                && c.title().eq_ignore_ascii_case(title.trim())
                && posting_day.is_none_or(|d| c.created_at.date_naive() == d)
        })
    }

    /// Appends a version to a comment and returns its number.
    pub fn push_comment_version(&mut self, id: u64, edit: NewVersion) -> Option<u32> {
        let comment = self.comments.get_mut(&id)?;
        let number = comment.current().number + 1;
        comment.versions.push(Version {
            number,
            title: edit.title,
            body: edit.body,
            message: edit.message,
            minor_edit: edit.minor_edit,
            author_id: edit.author_id,
            created_at: edit.at,
        });
        Some(number)
    }

    /// Makes `new_parent` the page's parent (or the space root), last among its new siblings.
    pub fn move_content(&mut self, id: u64, new_parent: Option<u64>) {
        let Some(space_id) = self.contents.get(&id).map(|c| c.space_id) else {
            return;
        };
        let position = self.next_position(space_id, new_parent);
        if let Some(content) = self.contents.get_mut(&id) {
            content.parent_id = new_parent;
            content.position = position;
        }
    }

    /// The chain of parent comments, root first, direct parent last.
    pub fn comment_ancestors(&self, id: u64) -> Vec<&Comment> {
        let mut out = Vec::new();
        let mut current = self.comments.get(&id).and_then(|c| c.parent_comment_id);
        while let Some(pid) = current {
            let Some(parent) = self.comments.get(&pid) else {
                break;
            };
            out.push(parent);
            if out.len() > 1_000 {
                break;
            }
            current = parent.parent_comment_id;
        }
        out.reverse();
        out
    }
}
