//! Attachment mutations shared by the v1 upload and v2 delete endpoints.

use super::Store;
use super::model::{Attachment, Status};
use chrono::{DateTime, Utc};

/// A file to store on a page or blog post.
#[derive(Clone, Debug)]
pub struct NewAttachment {
    pub container_id: u64,
    /// The file name; unique among a container's current attachments.
    pub title: String,
    pub media_type: String,
    pub comment: String,
    pub data: bytes::Bytes,
    pub author_id: String,
    pub at: DateTime<Utc>,
}

impl Store {
    /// A container's attachments (any status), oldest first.
    pub fn container_attachments(&self, container_id: u64) -> Vec<&Attachment> {
        let mut out: Vec<&Attachment> = self
            .attachments
            .values()
            .filter(|a| a.container_id == container_id)
            .collect();
        out.sort_by_key(|a| a.id);
        out
    }

    /// The current (not trashed) attachment with this file name on a container.
    pub fn attachment_named(&self, container_id: u64, title: &str) -> Option<&Attachment> {
        self.attachments.values().find(|a| {
            a.container_id == container_id && a.title == title && a.status == Status::Current
        })
    }

    pub fn insert_attachment(&mut self, new: NewAttachment) -> u64 {
        let id = self.allocate_id();
        self.attachments.insert(
            id,
            Attachment {
                id,
                container_id: new.container_id,
                title: new.title,
                media_type: new.media_type,
                comment: new.comment,
                status: Status::Current,
                data: new.data,
                version: 1,
                author_id: new.author_id,
                created_at: new.at,
                file_id: uuid::Uuid::new_v4().to_string(),
            },
        );
        id
    }

    /// Replaces an attachment's file with a new version (Confluence keeps the id).
    pub fn replace_attachment_data(&mut self, id: u64, new: NewAttachment) -> Option<u32> {
        let attachment = self.attachments.get_mut(&id)?;
        attachment.version += 1;
        attachment.data = new.data;
        attachment.media_type = new.media_type;
        attachment.comment = new.comment;
        attachment.author_id = new.author_id;
        attachment.created_at = new.at;
        attachment.file_id = uuid::Uuid::new_v4().to_string();
        Some(attachment.version)
    }
}
