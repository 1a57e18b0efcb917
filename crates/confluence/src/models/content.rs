//! Spaces, pages, blog posts, versions, bodies and comments.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Body representations Confluence can return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    Storage,
    AtlasDocFormat,
    View,
    ExportView,
    StyledView,
    Editor,
    AnonymousExportView,
}

impl BodyFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            BodyFormat::Storage => "storage",
            BodyFormat::AtlasDocFormat => "atlas_doc_format",
            BodyFormat::View => "view",
            BodyFormat::ExportView => "export_view",
            BodyFormat::StyledView => "styled_view",
            BodyFormat::Editor => "editor",
            BodyFormat::AnonymousExportView => "anonymous_export_view",
        }
    }

    pub const ALL: [BodyFormat; 7] = [
        BodyFormat::Storage,
        BodyFormat::AtlasDocFormat,
        BodyFormat::View,
        BodyFormat::ExportView,
        BodyFormat::StyledView,
        BodyFormat::Editor,
        BodyFormat::AnonymousExportView,
    ];
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BodyValue {
    #[serde(default)]
    pub representation: Option<String>,
    #[serde(default)]
    pub value: serde_json::Value,
}

/// `{"storage": {...}, "view": {...}}`: whichever formats were asked for.
pub type Body = BTreeMap<String, BodyValue>;

/// The text of one body format, when present (ADF comes as a JSON string).
pub fn body_text(body: Option<&Body>, format: BodyFormat) -> Option<&str> {
    body?.get(format.as_str())?.value.as_str()
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    #[serde(default)]
    pub number: u64,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub minor_edit: Option<bool>,
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Space {
    pub id: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, rename = "type")]
    pub space_type: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub homepage_id: Option<String>,
    #[serde(default)]
    pub description: Option<serde_json::Value>,
    #[serde(default, rename = "_links")]
    pub links: Option<serde_json::Value>,
}

/// One grant in `GET /spaces/{id}/permissions`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SpacePermission {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub principal: Option<Principal>,
    #[serde(default)]
    pub operation: Option<Operation>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Principal {
    #[serde(default, rename = "type")]
    pub principal_type: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub target_type: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub space_id: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub parent_type: Option<String>,
    #[serde(default)]
    pub position: Option<i64>,
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub version: Option<Version>,
    #[serde(default)]
    pub body: Option<Body>,
    #[serde(default, rename = "_links")]
    pub links: Option<serde_json::Value>,
}

impl Page {
    pub fn version_number(&self) -> u64 {
        self.version.as_ref().map_or(0, |v| v.number)
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BlogPost {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub space_id: Option<String>,
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub version: Option<Version>,
    #[serde(default)]
    pub body: Option<Body>,
    #[serde(default, rename = "_links")]
    pub links: Option<serde_json::Value>,
}

impl BlogPost {
    pub fn version_number(&self) -> u64 {
        self.version.as_ref().map_or(0, |v| v.number)
    }
}

/// An item of `/pages/{id}/ancestors` (id and type only).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Ancestor {
    pub id: String,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// An item of `/children` or `/descendants`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChildPage {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub depth: Option<u32>,
    #[serde(default)]
    pub child_position: Option<i64>,
    #[serde(default)]
    pub space_id: Option<String>,
}

/// An item of `/pages/{id}/versions`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContentVersion {
    #[serde(default)]
    pub number: u64,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub minor_edit: Option<bool>,
    #[serde(default)]
    pub author_id: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// Footer and inline comments share this shape; inline ones carry `properties`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub page_id: Option<String>,
    #[serde(default)]
    pub blog_post_id: Option<String>,
    #[serde(default)]
    pub parent_comment_id: Option<String>,
    #[serde(default)]
    pub version: Option<Version>,
    #[serde(default)]
    pub body: Option<Body>,
    #[serde(default)]
    pub resolution_status: Option<String>,
    #[serde(default)]
    pub properties: Option<serde_json::Value>,
    #[serde(default, rename = "_links")]
    pub links: Option<serde_json::Value>,
}

impl Comment {
    pub fn version_number(&self) -> u64 {
        self.version.as_ref().map_or(0, |v| v.number)
    }
}

/// A v2 list page of spaces, for single-request lookups.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SpaceList {
    #[serde(default = "Vec::new")]
    pub results: Vec<Space>,
}
