//! Labels, attachments, users, restrictions and search results.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Label {
    #[serde(default)]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub prefix: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub media_type: Option<String>,
    #[serde(default)]
    pub file_size: Option<u64>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub file_id: Option<String>,
    #[serde(default)]
    pub page_id: Option<String>,
    #[serde(default)]
    pub blog_post_id: Option<String>,
    #[serde(default)]
    pub download_link: Option<String>,
    #[serde(default)]
    pub webui_link: Option<String>,
    #[serde(default)]
    pub version: Option<crate::models::Version>,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// An attachment as v1 upload answers it (`id`, `title` and `_links.download`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UploadedAttachment {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default, rename = "_links")]
    pub links: Option<serde_json::Value>,
    #[serde(default)]
    pub extensions: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub account_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub public_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub account_type: Option<String>,
    #[serde(default)]
    pub account_status: Option<String>,
}

/// One hit of v1 `/search/user`: the user, with the search's title (the name) and URL.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UserSearchResult {
    #[serde(default)]
    pub user: Option<User>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// One operation's restrictions (`read` or `update`) from v1 `/restriction`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Restriction {
    pub operation: String,
    #[serde(default)]
    pub restrictions: RestrictionSubjects,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct RestrictionSubjects {
    #[serde(default)]
    pub user: RestrictionList<User>,
    #[serde(default)]
    pub group: RestrictionList<serde_json::Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RestrictionList<T> {
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
}

impl<T> Default for RestrictionList<T> {
    fn default() -> Self {
        RestrictionList {
            results: Vec::new(),
        }
    }
}

/// One hit of v1 CQL search.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub excerpt: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub entity_type: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
    /// The content hit, when the hit is content.
    #[serde(default)]
    pub content: Option<SearchContent>,
    /// The space hit, when the hit is a space.
    #[serde(default)]
    pub space: Option<SearchSpace>,
    #[serde(default)]
    pub user: Option<serde_json::Value>,
}

/// What a search hit says about its content: only the fields callers use, so the rest of
/// each hit's content JSON (links, expandables, history) is skipped, not built as a tree.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SearchContent {
    #[serde(default)]
    pub id: Option<String>,
    /// `page`, `blogpost`, `comment`, `attachment`.
    #[serde(default, rename = "type")]
    pub content_type: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// What a search hit says about its space.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct SearchSpace {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl SearchResult {
    /// The content id of a content hit.
    pub fn content_id(&self) -> Option<&str> {
        self.content.as_ref()?.id.as_deref()
    }
}
