//! The reviewable form of a policy: TOML rules, as a security team reads and writes them.
//! Either inline in the gateway configuration (`[[policy.rules]]`) or in a file of their own
//! (`[[rules]]`, see [`parse_policy_file`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// What a matching rule decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Allow,
    Deny,
    /// Needs a human's approval; until the approval flow exists, the call is refused with a
    /// message saying so.
    RequireApproval,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "allow",
            Effect::Deny => "deny",
            Effect::RequireApproval => "require_approval",
        }
    }

    /// Deny (2) beats require_approval (1) beats allow (0).
    pub(crate) fn strength(self) -> u8 {
        match self {
            Effect::Allow => 0,
            Effect::RequireApproval => 1,
            Effect::Deny => 2,
        }
    }
}

/// The action class of a tool, declared by the tool catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Reads content addressed by id, key or tree.
    Read,
    /// Free-form queries (CQL, text, user search).
    Search,
    /// Creates or changes content.
    Write,
    /// Deletes content.
    Delete,
    /// Space administration (create, update, delete spaces).
    Admin,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Read,
        Action::Search,
        Action::Write,
        Action::Delete,
        Action::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Search => "search",
            Action::Write => "write",
            Action::Delete => "delete",
            Action::Admin => "admin",
        }
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// What kind of thing a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentType {
    Page,
    Blogpost,
    Comment,
    Attachment,
    Space,
}

impl ContentType {
    pub fn as_str(self) -> &'static str {
        match self {
            ContentType::Page => "page",
            ContentType::Blogpost => "blogpost",
            ContentType::Comment => "comment",
            ContentType::Attachment => "attachment",
            ContentType::Space => "space",
        }
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// `[[policy.rules]]`: one rule. Every condition left out (or empty) matches anything; a rule
/// matches a call when all of its conditions do. Of the matching rules, `deny` wins over
/// `require_approval`, which wins over `allow`; a call no rule allows is denied.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Unique name of the rule; decisions, `policy explain` and error messages name it.
    pub id: String,
    /// `allow`, `deny` or `require_approval`.
    pub effect: Effect,
    /// Why the rule exists (for reviewers; shown by `policy explain`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Agents (by name) the rule applies to. With `roles` too, either may match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<String>,
    /// Roles the rule applies to (an agent's `roles`). With `agents` too, either may match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Virtual servers (`[[servers]].name`) the rule applies on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<String>,
    /// Tool names, e.g. `["get_page", "search"]`. With `toolsets` too, either may match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
    /// Toolset selectors: `pages`, `pages:read`, `*`, `*:read`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub toolsets: Vec<String>,
    /// Action classes: `read`, `search`, `write`, `delete`, `admin`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// Space keys (ASCII, compared case-insensitively); `~name` is a personal space, `~*`
    /// every personal space, `*` every space. A rule with `spaces` only matches content that
    /// lies in one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spaces: Vec<String>,
    /// Page ids: the rule matches those pages and everything below them (found through the
    /// content's ancestors), including their comments and attachments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub under: Vec<String>,
    /// Labels (lower case): the rule matches content carrying any of them, e.g.
    /// `["confidential"]`. Comments and attachments carry their page's labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Content types: `page`, `blogpost`, `comment`, `attachment`, `space` (comments and
    /// attachments are decided as themselves, on their page's space, labels and tree).
    ///
    /// Checks that name only a space (listing or searching in it, before each item is
    /// checked) match allow rules on `spaces` alone and skip deny and require_approval rules
    /// that have `under`, `labels` or `content_types`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub content_types: Vec<ContentType>,
    /// Largest answer in characters for calls this rule allows (the server's cap still
    /// applies; at least 1000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_response_chars: Option<usize>,
    /// Calls per minute per agent through this rule (on top of `[rate_limit]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_minute: Option<u32>,
    /// A key of `[dlp_profiles]` used for calls this rule allows, instead of the agent's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dlp_profile: Option<String>,
}

/// A policy file: `[[rules]]` tables, nothing else.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    #[serde(default)]
    pub rules: Vec<Spanned<RuleConfig>>,
}

/// Parses a policy file's text. TOML errors already name the line and column.
pub fn parse_policy_file(text: &str) -> Result<PolicyFile, crate::PolicyError> {
    toml::from_str(text).map_err(|e| crate::PolicyError::Parse(e.to_string()))
}
