//! Comment mutations shared by the v2 comment endpoints (and any v1 ones later).

use super::Store;
use super::model::{Comment, CommentKind, InlineAnchor, Status, Version};
use chrono::{DateTime, Utc};

/// What creating a comment needs; the store assigns the id and the first version.
#[derive(Clone, Debug)]
pub struct NewComment {
    pub kind: CommentKind,
    pub container_id: u64,
    pub parent_comment_id: Option<u64>,
    /// Storage-format XHTML.
    pub body: String,
    pub author_id: String,
    pub at: DateTime<Utc>,
    pub inline: Option<InlineAnchor>,
}

impl Store {
    /// Creates a comment titled `Re: <container title>` as Confluence does, returning its id.
    pub fn insert_comment(&mut self, new: NewComment) -> u64 {
        let title = self
            .contents
            .get(&new.container_id)
            .map(|c| format!("Re: {}", c.title()))
            .unwrap_or_default();
        let id = self.allocate_id();
        self.comments.insert(
            id,
            Comment {
                id,
                kind: new.kind,
                container_id: new.container_id,
                parent_comment_id: new.parent_comment_id,
                status: Status::Current,
                created_at: new.at,
                versions: vec![Version {
                    number: 1,
                    title,
                    body: new.body,
                    message: String::new(),
                    minor_edit: false,
                    author_id: new.author_id,
                    created_at: new.at,
                }],
                inline: new.inline,
            },
        );
        id
    }

    /// Direct replies to a comment, oldest first.
    pub fn comment_replies(&self, id: u64) -> Vec<&Comment> {
        let mut out: Vec<&Comment> = self
            .comments
            .values()
            .filter(|c| c.parent_comment_id == Some(id))
            .collect();
        out.sort_by_key(|c| (c.created_at, c.id));
        out
    }

    /// Deletes a comment and, as Confluence does, every reply below it. Returns how many went.
    pub fn delete_comment_tree(&mut self, id: u64) -> usize {
        let mut doomed = vec![id];
        let mut i = 0;
        while i < doomed.len() {
            let parent = doomed[i];
            doomed.extend(
                self.comments
                    .values()
                    .filter(|c| c.parent_comment_id == Some(parent))
                    .map(|c| c.id),
            );
            i += 1;
        }
        doomed
            .into_iter()
            .filter(|d| self.comments.remove(d).is_some())
            .count()
    }
}
