//! The `users` toolset, all read-only: find people by name (Confluence's user CQL,
//! `user.fullname ~ "…"`), look one up by account id, and list who may read or edit a page or
//! blog post. Email addresses appear only when Confluence returns them (users' privacy
//! settings hide them); restriction lists carry names and ids only. Users are site-wide, so
//! only the restrictions tool checks content against the access policy (the content it names);
//! the user lookups are decided by the tool-level rules.

use futures_util::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ToolError;
use crate::tools::catalog::{Access, ToolContext, ToolOutput, ToolSpec};
use crate::tools::pages::limit;

const TOOLSET: &str = "users";

/// Every tool of the family.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec::new::<SearchArgs, UserSearchOutput, _>(
            "search_users",
            TOOLSET,
            "Find people",
            "Find Confluence users whose name has words starting with `query` (e.g. \"bob\" or \
             \"bob bu\" finds Bob Builder). Use it to turn a person's name into the account id \
             that CQL (creator, contributor, mention) and get_user take. Returns account ids and \
             display names (email only where Confluence shows it).",
            Access::Read,
            search_users,
        ),
        ToolSpec::new::<GetUserArgs, UserInfo, _>(
            "get_user",
            TOOLSET,
            "Look up a user",
            "Look up one user by `account_id` (as found in a page's author_id, version history, \
             restrictions or search_users). Returns the display name, account type and status \
             (email only where Confluence shows it).",
            Access::Read,
            get_user,
        ),
        ToolSpec::new::<RestrictionsArgs, RestrictionsOutput, _>(
            "get_page_restrictions",
            TOOLSET,
            "Who may read or edit",
            "List the read and update restrictions set on a page or blog post (`content_id`): \
             the users and groups allowed, or that the operation is unrestricted (open to \
             everyone with access to the space). Restrictions inherited from ancestor pages \
             also apply but are listed on those pages, not here.",
            Access::Read,
            restrictions,
        ),
    ]
}

/// A Confluence user as agents see it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct UserInfo {
    pub account_id: String,
    pub display_name: Option<String>,
    /// Only when Confluence returns one (users' privacy settings usually hide it).
    pub email: Option<String>,
    /// `atlassian` for people, `app` for bots acting for an app.
    pub account_type: Option<String>,
    /// `active`, `inactive`, … when Confluence says.
    pub account_status: Option<String>,
}

impl UserInfo {
    fn of(user: confluence::models::User) -> UserInfo {
        let nonempty = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
        UserInfo {
            display_name: nonempty(user.display_name).or(nonempty(user.public_name)),
            email: nonempty(user.email),
            account_type: nonempty(user.account_type),
            account_status: nonempty(user.account_status),
            account_id: user.account_id,
        }
    }

    /// `**Bob Builder** (account 5570…; bob@example.com)`.
    fn line(&self) -> String {
        format!(
            "**{}** (account {}{})",
            self.display_name.as_deref().unwrap_or("(name hidden)"),
            self.account_id,
            self.email
                .as_deref()
                .map(|e| format!("; {e}"))
                .unwrap_or_default()
        )
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Part of the person's name: every word must start a word of their name, ignoring case.
    #[schemars(length(min = 1, max = 100))]
    pub query: String,
    /// Most users to return (1-50, default 10).
    #[schemars(range(min = 1, max = 50))]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UserSearchOutput {
    /// The user CQL that was run.
    pub cql: String,
    pub users: Vec<UserInfo>,
}

async fn search_users(ctx: ToolContext, args: SearchArgs) -> Result<ToolOutput, ToolError> {
    let words = args.query.trim();
    if !words.chars().any(char::is_alphanumeric) {
        return Err(ToolError::invalid(
            "/query",
            "give part of a name (letters or digits)",
        ));
    }
    let cql_text = cql::Query::new(cql::Expr::clause(
        cql::Field::UserFullname,
        cql::Operator::Contains,
        cql::Value::text(words),
    ))
    .to_string();
    let max = limit(args.limit, 10, 50);
    let caps = confluence::PageCaps {
        max_items: Some(max),
        max_pages: Some(1),
        page_size: Some(max as u32),
    };
    let hits: Vec<confluence::models::UserSearchResult> = ctx
        .client
        .search_users(&cql_text, caps)
        .try_collect()
        .await?;
    let users: Vec<UserInfo> = hits
        .into_iter()
        .filter_map(|h| h.user)
        .map(UserInfo::of)
        .collect();
    let mut text = format!("{} user(s) matching \"{words}\"", users.len());
    for u in &users {
        text.push_str(&format!("\n- {}", u.line()));
    }
    ToolOutput::new(
        text,
        &UserSearchOutput {
            cql: cql_text,
            users,
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetUserArgs {
    /// The user's Atlassian account id, e.g. `557058:3f2a…`.
    #[schemars(length(min = 1, max = 128))]
    pub account_id: String,
}

async fn get_user(ctx: ToolContext, args: GetUserArgs) -> Result<ToolOutput, ToolError> {
    let user = UserInfo::of(ctx.client.user(&args.account_id).await?);
    let mut text = user.line();
    if let Some(kind) = &user.account_type {
        text.push_str(&format!("\naccount type: {kind}"));
    }
    if let Some(status) = &user.account_status {
        text.push_str(&format!("\nstatus: {status}"));
    }
    ToolOutput::new(text, &user)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestrictionsArgs {
    /// A page or blog post id.
    pub content_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RestrictionsOutput {
    pub content_id: String,
    /// `page` or `blogpost`.
    pub content_type: String,
    pub title: String,
    /// Who may view the content.
    pub read: OperationRestrictions,
    /// Who may edit the content.
    pub update: OperationRestrictions,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct OperationRestrictions {
    /// False when no user or group is listed: everyone with access to the space may (unless
    /// an ancestor page restricts it).
    pub restricted: bool,
    pub users: Vec<RestrictedUser>,
    pub groups: Vec<RestrictedGroup>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RestrictedUser {
    pub account_id: String,
    pub display_name: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RestrictedGroup {
    pub name: String,
    pub id: Option<String>,
}

/// The space, title and kind of a page or blog post, after checking it against the access policy.
async fn scoped_content(
    ctx: &ToolContext,
    id: &str,
) -> Result<(String, &'static str, String), ToolError> {
    let what = format!("content {id}");
    let (space_id, kind, title, id, content_type) = match ctx.client.page(id, None).await {
        Ok(page) => (
            page.space_id,
            "page",
            page.title,
            page.id,
            policy::ContentType::Page,
        ),
        Err(confluence::Error::NotFound { .. }) => {
            let post = ctx
                .client
                .blogpost(id, None)
                .await
                .map_err(|e| crate::tools::pages::hidden_if_missing(ctx, e, &what))?;
            (
                post.space_id,
                "blogpost",
                post.title,
                post.id,
                policy::ContentType::Blogpost,
            )
        }
        Err(e) => return Err(e.into()),
    };
    ctx.guard
        .check(&ctx.client, content_type, &id, space_id.as_deref(), &what)
        .await?;
    Ok((id, kind, title))
}

fn operation(restrictions: &[confluence::models::Restriction], op: &str) -> OperationRestrictions {
    let Some(found) = restrictions.iter().find(|r| r.operation == op) else {
        return OperationRestrictions::default();
    };
    let users: Vec<RestrictedUser> = found
        .restrictions
        .user
        .results
        .iter()
        .map(|u| RestrictedUser {
            account_id: u.account_id.clone(),
            display_name: u
                .display_name
                .clone()
                .or_else(|| u.public_name.clone())
                .filter(|n| !n.is_empty()),
        })
        .collect();
    let groups: Vec<RestrictedGroup> = found
        .restrictions
        .group
        .results
        .iter()
        .filter_map(|g| {
            let name = g.get("name")?.as_str()?.to_owned();
            let id = g.get("id").and_then(|v| v.as_str()).map(str::to_owned);
            Some(RestrictedGroup { name, id })
        })
        .collect();
    OperationRestrictions {
        restricted: !users.is_empty() || !groups.is_empty(),
        users,
        groups,
    }
}

fn describe(op: &str, r: &OperationRestrictions) -> String {
    if !r.restricted {
        return format!("- {op}: not restricted (everyone with access to the space)");
    }
    let mut who: Vec<String> = r
        .users
        .iter()
        .map(|u| {
            format!(
                "{} ({})",
                u.display_name.as_deref().unwrap_or("(name hidden)"),
                u.account_id
            )
        })
        .collect();
    who.extend(r.groups.iter().map(|g| format!("group {}", g.name)));
    format!("- {op}: only {}", who.join(", "))
}

async fn restrictions(ctx: ToolContext, args: RestrictionsArgs) -> Result<ToolOutput, ToolError> {
    let (id, kind, title) = scoped_content(&ctx, &args.content_id).await?;
    let found = ctx.client.restrictions(&id).await?;
    let out = RestrictionsOutput {
        read: operation(&found, "read"),
        update: operation(&found, "update"),
        content_id: id,
        content_type: kind.to_owned(),
        title,
    };
    let text = format!(
        "Restrictions of **{}** ({} {}):\n{}\n{}\n(Restrictions inherited from ancestor pages also apply and are not listed.)",
        out.title,
        if kind == "blogpost" {
            "blog post"
        } else {
            "page"
        },
        out.content_id,
        describe("Read", &out.read),
        describe("Update", &out.update)
    );
    ToolOutput::new(text, &out)
}
