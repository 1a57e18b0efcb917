//! The `spaces` toolset: list and read spaces, see who may do what in one, and create,
//! rename/redescribe and delete spaces. Agents see only the spaces the access
//! policy lets them use, and may create a space only under a key it allows; any other space
//! answers "not found", as Confluence answers for spaces a user cannot see.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ToolError;
use crate::tools::catalog::{Access, ToolContext, ToolOutput, ToolSpec};
use crate::tools::pages::{hidden_if_missing, limit};

const TOOLSET: &str = "spaces";

/// Most permission assignments read for one space; a space with more is reported truncated.
const MAX_ASSIGNMENTS: usize = 2_000;

/// Every tool of the family.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec::new::<ListArgs, SpaceList, _>(
            "list_spaces",
            TOOLSET,
            "List spaces",
            "List the Confluence spaces this agent may use: key, name, type, status, description \
             and home page id. Filter by `space_type` or `status`; page with `limit` and \
             `cursor` (pass back `next_cursor` from the previous answer).",
            Access::Read,
            list_spaces,
        ),
        ToolSpec::new::<KeyArgs, SpaceInfo, _>(
            "get_space",
            TOOLSET,
            "Read a space",
            "Read one space by its key (e.g. `ENG`): name, description, home page id (read it \
             with get_page), type and status.",
            Access::Read,
            get_space,
        ),
        ToolSpec::new::<KeyArgs, SpacePermissions, _>(
            "get_space_permissions",
            TOOLSET,
            "Space permissions",
            "Show who may do what in a space: every user, group or role with a permission, and \
             its operations (e.g. `read space`, `create page`, `administer space`). Use it to find \
             the space's admins or to explain why someone cannot edit.",
            Access::Read,
            get_space_permissions,
        ),
        ToolSpec::new::<CreateArgs, SpaceInfo, _>(
            "create_space",
            TOOLSET,
            "Create a space",
            "Create a space with a `key` (letters and digits, stored upper-case; it appears in \
             every URL of the space and cannot be changed later), a `name` and an optional \
             `description`. Needs the Confluence permission to create spaces.",
            Access::Write,
            create_space,
        )
        .action(policy::Action::Admin)
        .outgoing(&["name", "description"]),
        ToolSpec::new::<UpdateArgs, SpaceInfo, _>(
            "update_space",
            TOOLSET,
            "Update a space",
            "Rename a space and/or replace its description (the old value is overwritten). The \
             key cannot change. Needs space admin permission in Confluence.",
            Access::Destructive,
            update_space,
        )
        .action(policy::Action::Admin)
        .outgoing(&["name", "description"])
        .idempotent(true),
        ToolSpec::new::<KeyArgs, DeletedSpace, _>(
            "delete_space",
            TOOLSET,
            "Delete a space",
            "Delete a space with all its pages, blog posts, comments and attachments. This \
             cannot be undone through the API; make sure the key is the one the user meant. \
             Needs space admin permission in Confluence.",
            Access::Destructive,
            delete_space,
        )
        .action(policy::Action::Admin),
    ]
}

/// Confluence's space types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpaceType {
    Global,
    Collaboration,
    KnowledgeBase,
    Personal,
}

impl SpaceType {
    fn as_str(self) -> &'static str {
        match self {
            SpaceType::Global => "global",
            SpaceType::Collaboration => "collaboration",
            SpaceType::KnowledgeBase => "knowledge_base",
            SpaceType::Personal => "personal",
        }
    }
}

/// Whether a space is in use or archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpaceStatus {
    Current,
    Archived,
}

impl SpaceStatus {
    fn as_str(self) -> &'static str {
        match self {
            SpaceStatus::Current => "current",
            SpaceStatus::Archived => "archived",
        }
    }
}

/// A space as the tools return it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SpaceInfo {
    /// The space id (other tools take the key).
    pub id: String,
    /// The space key, e.g. `ENG`; pass it as `space_key` to other tools.
    pub key: String,
    pub name: String,
    /// `global`, `collaboration`, `knowledge_base` or `personal`.
    #[serde(rename = "type")]
    pub space_type: Option<String>,
    /// `current` or `archived`.
    pub status: Option<String>,
    /// Plain-text description (empty when the space has none).
    pub description: String,
    /// The id of the space's home page (read it with get_page).
    pub homepage_id: Option<String>,
    pub created_at: Option<String>,
    /// Site-relative link to the space in Confluence's web UI.
    pub url: Option<String>,
}

impl SpaceInfo {
    fn of(space: &confluence::models::Space) -> SpaceInfo {
        let text_at = |value: Option<&serde_json::Value>, path: &[&str]| {
            path.iter()
                .try_fold(value?, |v, key| v.get(*key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        SpaceInfo {
            id: space.id.clone(),
            key: space.key.clone(),
            name: space.name.clone(),
            space_type: space.space_type.clone(),
            status: space.status.clone(),
            description: text_at(space.description.as_ref(), &["plain", "value"])
                .unwrap_or_default(),
            homepage_id: space.homepage_id.clone(),
            created_at: space.created_at.clone(),
            url: text_at(space.links.as_ref(), &["webui"]),
        }
    }

    /// `**Name** (KEY, global, current, home page 123)`.
    fn line(&self) -> String {
        let mut facts = vec![self.key.clone()];
        facts.extend(self.space_type.clone());
        facts.extend(self.status.clone());
        if let Some(home) = &self.homepage_id {
            facts.push(format!("home page {home}"));
        }
        format!("**{}** ({})", self.name, facts.join(", "))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Only spaces of this type.
    pub space_type: Option<SpaceType>,
    /// Only `current` or only `archived` spaces (default: both).
    pub status: Option<SpaceStatus>,
    /// Most spaces to return (1-250, default 25).
    #[schemars(range(min = 1, max = 250))]
    pub limit: Option<u32>,
    /// Continue a listing: the `next_cursor` of the previous answer (with the same filters).
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SpaceList {
    pub spaces: Vec<SpaceInfo>,
    /// Pass as `cursor` to get the next spaces; absent on the last page.
    pub next_cursor: Option<String>,
}

pub async fn list_spaces(ctx: ToolContext, args: ListArgs) -> Result<ToolOutput, ToolError> {
    let keys = match ctx.guard.allowed_keys() {
        // No rule allows any space for this agent: nothing to list (an empty key filter
        // would mean "all").
        Some([]) => {
            return ToolOutput::new(
                format!("0 space(s) ({})", ctx.guard.scope_text()),
                &SpaceList {
                    spaces: Vec::new(),
                    next_cursor: None,
                },
            );
        }
        Some(keys) => keys.to_vec(),
        None => Vec::new(),
    };
    let query = confluence::SpaceQuery {
        // Agents limited to named spaces list only those: the filter goes to Confluence with
        // every page, so no cursor can widen it. Every space is checked on its own as well.
        keys,
        space_type: args.space_type.map(|t| t.as_str().to_owned()),
        status: args.status.map(|s| s.as_str().to_owned()),
        ..confluence::SpaceQuery::default()
    };
    let page = ctx
        .client
        .spaces_page(
            &query,
            limit(args.limit, 25, 250) as u32,
            args.cursor.as_deref(),
        )
        .await?;
    let spaces: Vec<SpaceInfo> = page
        .items
        .iter()
        .filter(|s| ctx.guard.space_visible(&s.key))
        .map(SpaceInfo::of)
        .collect();
    let mut text = format!("{} space(s)", spaces.len());
    if let Some(keys) = ctx.guard.allowed_keys() {
        text.push_str(&format!(" (this agent may use: {})", keys.join(", ")));
    }
    for s in &spaces {
        text.push_str(&format!("\n- {}", s.line()));
        if !s.description.is_empty() {
            text.push_str(&format!(": {}", one_line(&s.description)));
        }
    }
    if let Some(cursor) = &page.next_cursor {
        text.push_str(&format!(
            "\n\n[More spaces exist; call again with cursor=\"{cursor}\"]"
        ));
    }
    ToolOutput::new(
        text,
        &SpaceList {
            spaces,
            next_cursor: page.next_cursor,
        },
    )
}

/// The space with `key`, if the policy lets the agent use the space itself with this tool
/// (checked on the key given and on the key Confluence answers with).
async fn scoped_space_itself(
    ctx: &ToolContext,
    key: &str,
) -> Result<confluence::models::Space, ToolError> {
    ctx.guard.check_space(key)?;
    let space = ctx
        .client
        .space_by_key(key)
        .await
        .map_err(|e| hidden_if_missing(ctx, e, &format!("space {key}")))?;
    ctx.guard.check_space(&space.key)?;
    ctx.guard.cache().remember_space(&space.id, &space.key);
    Ok(space)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyArgs {
    /// The space key, e.g. `ENG` (list_spaces shows them).
    #[schemars(length(min = 1, max = 255))]
    pub space_key: String,
}

pub async fn get_space(ctx: ToolContext, args: KeyArgs) -> Result<ToolOutput, ToolError> {
    let space = SpaceInfo::of(&scoped_space_itself(&ctx, &args.space_key).await?);
    let mut text = format!(
        "# {}\nspace {} · key {} · {} · {}",
        space.name,
        space.id,
        space.key,
        space.space_type.as_deref().unwrap_or("?"),
        space.status.as_deref().unwrap_or("?"),
    );
    if let Some(home) = &space.homepage_id {
        text.push_str(&format!(" · home page {home}"));
    }
    if !space.description.is_empty() {
        text.push_str(&format!("\n\n{}", space.description));
    }
    ToolOutput::new(text, &space)
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SpacePermissions {
    pub space_key: String,
    pub space_id: String,
    /// Everyone with at least one permission in the space.
    pub principals: Vec<PrincipalPermissions>,
    /// True when the space has more permission assignments than were read (2,000).
    pub truncated: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PrincipalPermissions {
    /// `user`, `group` or `role`.
    pub principal_type: String,
    /// Account id (users), group id or role id.
    pub id: String,
    /// The user's display name, when Confluence tells it.
    pub display_name: Option<String>,
    /// What the principal may do, as `operation target` (e.g. `create page`, `administer space`).
    pub operations: Vec<String>,
    /// Whether the principal may administer the space.
    pub space_admin: bool,
}

pub async fn get_space_permissions(
    ctx: ToolContext,
    args: KeyArgs,
) -> Result<ToolOutput, ToolError> {
    let space = scoped_space_itself(&ctx, &args.space_key).await?;
    let caps = confluence::PageCaps {
        max_items: Some(MAX_ASSIGNMENTS + 1),
        max_pages: None,
        page_size: Some(250),
    };
    let mut assignments: Vec<confluence::models::SpacePermission> = ctx
        .client
        .space_permissions(&space.id, caps)
        .try_collect()
        .await?;
    let truncated = assignments.len() > MAX_ASSIGNMENTS;
    assignments.truncate(MAX_ASSIGNMENTS);
    let mut principals = group_by_principal(&assignments);
    let names = user_names(&ctx, &principals).await;
    for p in &mut principals {
        p.display_name = names.get(&p.id).cloned();
    }
    let mut text = format!(
        "{} principal(s) hold permissions in **{}** ({}):",
        principals.len(),
        space.name,
        space.key
    );
    for p in &principals {
        text.push_str(&format!(
            "\n- **{}** ({} {}){}: {}",
            p.display_name.as_deref().unwrap_or(&p.id),
            p.principal_type,
            p.id,
            if p.space_admin { ", space admin" } else { "" },
            p.operations.join(", ")
        ));
    }
    if truncated {
        text.push_str(&format!(
            "\n\n[Only the first {MAX_ASSIGNMENTS} permission assignments were read.]"
        ));
    }
    ToolOutput::new(
        text,
        &SpacePermissions {
            space_key: space.key.clone(),
            space_id: space.id.clone(),
            principals,
            truncated,
        },
    )
}

/// Confluence lists one assignment per (principal, operation); models want one line per
/// principal. Order: as Confluence listed them.
fn group_by_principal(
    assignments: &[confluence::models::SpacePermission],
) -> Vec<PrincipalPermissions> {
    let mut out: Vec<PrincipalPermissions> = Vec::new();
    for a in assignments {
        let Some(principal) = &a.principal else {
            continue;
        };
        let principal_type = principal.principal_type.clone().unwrap_or_default();
        let id = principal.id.clone().unwrap_or_default();
        let (key, target) = a
            .operation
            .as_ref()
            .map(|o| {
                (
                    o.key.clone().unwrap_or_default(),
                    o.target_type.clone().unwrap_or_default(),
                )
            })
            .unwrap_or_default();
        let index = match out
            .iter()
            .position(|p| p.principal_type == principal_type && p.id == id)
        {
            Some(i) => i,
            None => {
                out.push(PrincipalPermissions {
                    principal_type,
                    id,
                    display_name: None,
                    operations: Vec::new(),
                    space_admin: false,
                });
                out.len() - 1
            }
        };
        let entry = &mut out[index];
        entry.space_admin |= key == "administer" && target == "space";
        let operation = format!("{key} {target}").trim().to_owned();
        if !operation.is_empty() && !entry.operations.contains(&operation) {
            entry.operations.push(operation);
        }
    }
    out
}

/// Display names of the users among `principals`. Names only make the answer friendlier, so
/// a failed lookup (say, a connection without the user scope) leaves them out instead of
/// failing the call.
async fn user_names(
    ctx: &ToolContext,
    principals: &[PrincipalPermissions],
) -> HashMap<String, String> {
    let ids: Vec<&str> = principals
        .iter()
        .filter(|p| p.principal_type == "user" && !p.id.is_empty())
        .map(|p| p.id.as_str())
        .collect();
    if ids.is_empty() {
        return HashMap::new();
    }
    match ctx.client.users(&ids).await {
        Ok(users) => users
            .into_iter()
            .filter_map(|u| {
                let name = u.display_name.or(u.public_name)?;
                Some((u.account_id, name))
            })
            .collect(),
        Err(_) => HashMap::new(),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    /// The new space's key: letters and digits only (e.g. `OPS2026`), stored upper-case.
    #[schemars(length(min = 1, max = 255), regex(pattern = r"^[A-Za-z0-9]+$"))]
    pub key: String,
    /// The space's name, e.g. `Operations`.
    #[schemars(length(min = 1, max = 200))]
    pub name: String,
    /// A plain-text description of what the space is for.
    pub description: Option<String>,
}

pub async fn create_space(ctx: ToolContext, args: CreateArgs) -> Result<ToolOutput, ToolError> {
    let key = args.key.to_ascii_uppercase();
    ctx.guard.check_new_space(&key)?;
    let created = ctx
        .client
        .create_space(&confluence::NewSpace {
            key: key.clone(),
            name: args.name,
            description: args.description,
        })
        .await?;
    // The create answer carries no description; read the space back as Confluence holds it.
    let space = SpaceInfo::of(&ctx.client.space(&created.id).await?);
    ToolOutput::new(format!("Created space {}.", space.line()), &space)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    /// The space key, e.g. `ENG`.
    #[schemars(length(min = 1, max = 255))]
    pub space_key: String,
    /// The new name (default: unchanged).
    #[schemars(length(min = 1, max = 200))]
    pub name: Option<String>,
    /// The new plain-text description, replacing the old one (default: unchanged).
    pub description: Option<String>,
}

pub async fn update_space(ctx: ToolContext, args: UpdateArgs) -> Result<ToolOutput, ToolError> {
    if args.name.is_none() && args.description.is_none() {
        return Err(ToolError::invalid(
            "/name",
            "give `name`, `description` or both",
        ));
    }
    let space = scoped_space_itself(&ctx, &args.space_key).await?;
    ctx.client
        .update_space(
            &space.key,
            &confluence::SpaceUpdate {
                name: args.name,
                description: args.description,
            },
        )
        .await?;
    let updated = SpaceInfo::of(&ctx.client.space(&space.id).await?);
    ToolOutput::new(format!("Updated space {}.", updated.line()), &updated)
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeletedSpace {
    pub key: String,
    pub id: String,
    pub name: String,
    /// Always true: Confluence accepted the deletion (large spaces finish in the background).
    pub deleted: bool,
}

pub async fn delete_space(ctx: ToolContext, args: KeyArgs) -> Result<ToolOutput, ToolError> {
    let space = scoped_space_itself(&ctx, &args.space_key).await?;
    ctx.client.delete_space(&space.key).await?;
    ctx.guard.cache().forget_space(&space.key);
    let out = DeletedSpace {
        key: space.key.clone(),
        id: space.id.clone(),
        name: space.name.clone(),
        deleted: true,
    };
    ToolOutput::new(
        format!(
            "Deleted space **{}** ({}) with all its content. Confluence may take a while to \
             finish removing a large space.",
            space.name, space.key
        ),
        &out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use confluence::models::{Operation, Principal, SpacePermission};

    fn grant(principal: &str, key: &str, target: &str) -> SpacePermission {
        SpacePermission {
            id: format!("{principal}-{key}-{target}"),
            principal: Some(Principal {
                principal_type: Some("user".into()),
                id: Some(principal.into()),
            }),
            operation: Some(Operation {
                key: Some(key.into()),
                target_type: Some(target.into()),
            }),
        }
    }

    #[test]
    fn space_keys_are_checked_by_the_input_schema() {
        let create = tools().into_iter().find(|t| t.name == "create_space");
        let key = create.map(|t| t.input_schema["properties"]["key"].clone());
        assert_eq!(
            key.as_ref().and_then(|k| k.get("pattern")),
            Some(&serde_json::Value::from("^[A-Za-z0-9]+$")),
            "{key:?}"
        );
    }

    #[test]
    fn assignments_group_into_one_entry_per_principal() {
        let grouped = group_by_principal(&[
            grant("a", "read", "space"),
            grant("b", "read", "space"),
            grant("a", "administer", "space"),
            grant("a", "read", "space"),
        ]);
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped[0].id, "a");
        assert_eq!(grouped[0].operations, ["read space", "administer space"]);
        assert!(grouped[0].space_admin && !grouped[1].space_admin);
    }
}
