//! The emulator's data model: what Confluence stores, in the emulator's own shape.
//!
//! Wire formats (v1 and v2 JSON) are produced from these types by the API modules; keeping
//! them separate lets both API generations serve the same pages.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// How much a user may do in a space.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    Read,
    Write,
    Admin,
}

#[derive(Clone, Debug)]
pub struct User {
    pub account_id: String,
    pub email: String,
    pub display_name: String,
    /// API token for site-style Basic auth (`email:token`).
    pub api_token: String,
    /// Space key → access. A user sees only the spaces listed here.
    pub grants: BTreeMap<String, Access>,
    /// Site admins may create spaces.
    pub site_admin: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpaceType {
    Global,
    Personal,
}

impl SpaceType {
    pub fn as_str(self) -> &'static str {
        match self {
            SpaceType::Global => "global",
            SpaceType::Personal => "personal",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Space {
    pub id: u64,
    pub key: String,
    pub name: String,
    pub space_type: SpaceType,
    /// `current` or `archived`.
    pub status: String,
    /// Plain-text description.
    pub description: String,
    pub homepage_id: Option<u64>,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentKind {
    Page,
    BlogPost,
}

impl ContentKind {
    /// The `type` value Confluence uses in v1 and in CQL.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Page => "page",
            ContentKind::BlogPost => "blogpost",
        }
    }
}

/// `current`, `trashed`, `deleted` (purged), `draft`, `archived`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Current,
    Draft,
    Trashed,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Draft => "draft",
            Status::Trashed => "trashed",
            Status::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "current" => Some(Status::Current),
            "draft" => Some(Status::Draft),
            "trashed" => Some(Status::Trashed),
            "archived" => Some(Status::Archived),
            _ => None,
        }
    }
}

/// One saved version of a page, blog post or comment body.
#[derive(Clone, Debug)]
pub struct Version {
    pub number: u32,
    pub title: String,
    /// Storage-format XHTML.
    pub body: String,
    pub message: String,
    pub minor_edit: bool,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub id: u64,
    /// `global`, `my` or `team`.
    pub prefix: String,
    pub name: String,
}

/// A page or blog post.
#[derive(Clone, Debug)]
pub struct Content {
    pub id: u64,
    pub kind: ContentKind,
    pub space_id: u64,
    pub status: Status,
    /// Pages only; `None` for a space's top-level pages and for blog posts.
    pub parent_id: Option<u64>,
    /// Sibling order among the parent's children.
    pub position: i64,
    pub author_id: String,
    pub owner_id: String,
    pub created_at: DateTime<Utc>,
    /// Oldest first; never empty. The last one is current.
    pub versions: Vec<Version>,
    pub labels: Vec<Label>,
    /// Read restriction: when set, only these account ids (and site admins) can see the page
    /// and, as in Confluence, everything below it.
    pub read_restricted_to: Option<Vec<String>>,
    /// Update restriction: when set, only these account ids may edit.
    pub update_restricted_to: Option<Vec<String>>,
}

impl Content {
    pub fn current(&self) -> &Version {
        // Invariant: a content item is created with one version and versions are never removed.
        &self.versions[self.versions.len() - 1]
    }

    pub fn title(&self) -> &str {
        &self.current().title
    }

    pub fn version_number(&self) -> u32 {
        self.current().number
    }

    pub fn last_modified(&self) -> DateTime<Utc> {
        self.current().created_at
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    Footer,
    Inline,
}

/// Inline-comment anchoring and resolution.
#[derive(Clone, Debug)]
pub struct InlineAnchor {
    pub text_selection: String,
    pub match_count: u32,
    pub match_index: u32,
    pub marker_ref: String,
    /// `open`, `reopened`, `resolved` or `dangling`.
    pub resolution_status: String,
}

#[derive(Clone, Debug)]
pub struct Comment {
    pub id: u64,
    pub kind: CommentKind,
    /// The page or blog post the comment is on.
    pub container_id: u64,
    /// Set for replies.
    pub parent_comment_id: Option<u64>,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub versions: Vec<Version>,
    pub inline: Option<InlineAnchor>,
}

impl Comment {
    pub fn current(&self) -> &Version {
        &self.versions[self.versions.len() - 1]
    }
}

#[derive(Clone, Debug)]
pub struct Attachment {
    pub id: u64,
    pub container_id: u64,
    pub title: String,
    pub media_type: String,
    pub comment: String,
    pub status: Status,
    pub data: bytes::Bytes,
    pub version: u32,
    pub author_id: String,
    pub created_at: DateTime<Utc>,
    pub file_id: String,
}
