//! The `pages` toolset: search, reading (by id, space + title or URL; any body format;
//! windows and sections), the page tree, history and diffs, and writes (create, update,
//! update one section, move, delete). Split by concern: [`read`], [`tree`], [`history`],
//! [`write`]; shared lookups live here.

mod history;
mod read;
mod tree;
mod write;

use schemars::JsonSchema;
use serde::Serialize;

use crate::error::ToolError;
use crate::tools::catalog::{Access, ToolContext, ToolSpec};

const TOOLSET: &str = "pages";

/// Every tool of the family.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec::new::<read::SearchArgs, read::SearchOutput, _>(
            "search",
            TOOLSET,
            "Search Confluence",
            "Search pages and blog posts with CQL (`cql`) or plain words (`query`, turned into a \
             safe `text ~ \"…\"` CQL query). Returns ids, titles, spaces and excerpts; read a hit \
             with get_page. Results are limited to the spaces this agent may use.",
            Access::Read,
            read::search,
        ),
        ToolSpec::new::<read::GetPageArgs, read::GetPageOutput, _>(
            "get_page",
            TOOLSET,
            "Read a page",
            "Read one page by `page_id`, by `space_key` + `title`, or by its `url`. The body comes \
             as Markdown by default (or storage, adf, view). Large bodies are windowed: pass \
             `offset` (from `next_offset`) to continue, `max_chars` to size the window, or \
             `section` (a heading path such as [\"Deployment\", \"Rollback\"]) to read one \
             section. The answer lists the page's headings when the body does not fit.",
            Access::Read,
            read::get_page,
        ),
        ToolSpec::new::<read::ListPagesArgs, read::PageList, _>(
            "list_pages",
            TOOLSET,
            "List pages",
            "List pages of a space (`space_key`), optionally only those with an exact `title`. \
             Returns ids, titles, parents and versions, not bodies.",
            Access::Read,
            read::list_pages,
        ),
        ToolSpec::new::<tree::PageIdArgs, tree::TreeList, _>(
            "get_page_children",
            TOOLSET,
            "Child pages",
            "List the direct child pages of a page, in their order in the page tree.",
            Access::Read,
            tree::children,
        ),
        ToolSpec::new::<tree::AncestorsArgs, tree::TreeList, _>(
            "get_page_ancestors",
            TOOLSET,
            "Ancestor pages",
            "List the ancestors of a page from the top of the tree down to its parent (the \
             breadcrumb), with titles.",
            Access::Read,
            tree::ancestors,
        ),
        ToolSpec::new::<tree::DescendantsArgs, tree::TreeList, _>(
            "get_page_descendants",
            TOOLSET,
            "Descendant pages",
            "List the pages below a page down to `depth` levels (1 = children only; default 2, \
             at most 5), each with its depth and parent.",
            Access::Read,
            tree::descendants,
        ),
        ToolSpec::new::<tree::SpaceTreeArgs, tree::SpaceTree, _>(
            "get_space_page_tree",
            TOOLSET,
            "Space page tree",
            "Show the page tree of a space as an indented list (ids and titles) down to `depth` \
             levels. Use it to find where a page lives or where to create one.",
            Access::Read,
            tree::space_tree,
        ),
        ToolSpec::new::<history::VersionsArgs, history::VersionList, _>(
            "get_page_versions",
            TOOLSET,
            "Page history",
            "List a page's versions, newest first: number, author, date, message, minor edit.",
            Access::Read,
            history::versions,
        ),
        ToolSpec::new::<history::VersionArgs, history::VersionOutput, _>(
            "get_page_version",
            TOOLSET,
            "Read an old version",
            "Read a page's body as it was at `version` (Markdown by default), windowed like \
             get_page.",
            Access::Read,
            history::version,
        ),
        ToolSpec::new::<history::DiffArgs, history::DiffOutput, _>(
            "diff_page_versions",
            TOOLSET,
            "Diff two versions",
            "Show what changed in a page between two versions as a unified line diff of their \
             Markdown (`to_version` defaults to the current version).",
            Access::Read,
            history::diff,
        ),
        ToolSpec::new::<write::CreateArgs, PageSummary, _>(
            "create_page",
            TOOLSET,
            "Create a page",
            "Create a page in a space (`space_key`), optionally under `parent_id`. The body is \
             Markdown by default (or Confluence storage XHTML with body_format=storage). \
             Returns the new page's id and version.",
            Access::Write,
            write::create,
        )
        .outgoing(&["title", "body"]),
        ToolSpec::new::<write::UpdateArgs, PageSummary, _>(
            "update_page",
            TOOLSET,
            "Update a page",
            "Replace a page's body and/or title, or move it under `parent_id`. The version number \
             is handled for you; pass `base_version` (the version you read) to fail instead of \
             overwriting someone else's newer edit. Body is Markdown by default.",
            Access::Destructive,
            write::update,
        )
        .outgoing(&["title", "body", "version_message"]),
        ToolSpec::new::<write::UpdateSectionArgs, PageSummary, _>(
            "update_page_section",
            TOOLSET,
            "Update one section",
            "Replace the content under one heading of a page (`section`: the heading path as \
             get_page's outline shows it), keeping the heading and the rest of the page. The new \
             content is Markdown and replaces the section's subsections too.",
            Access::Destructive,
            write::update_section,
        )
        .outgoing(&["body", "version_message"]),
        ToolSpec::new::<write::MoveArgs, PageSummary, _>(
            "move_page",
            TOOLSET,
            "Move a page",
            "Move a page (with its children) under another page of the same space.",
            Access::Write,
            write::move_page,
        )
        .idempotent(true),
        ToolSpec::new::<write::DeleteArgs, write::DeleteOutput, _>(
            "delete_page",
            TOOLSET,
            "Delete a page",
            "Move a page to the space's trash (it can be restored in Confluence). Child pages \
             move up to the deleted page's parent.",
            Access::Destructive,
            write::delete,
        ),
    ]
}

/// A page without its body.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PageSummary {
    pub id: String,
    pub title: String,
    /// `current`, `draft`, `archived` or `trashed`.
    pub status: Option<String>,
    pub space_id: Option<String>,
    pub parent_id: Option<String>,
    /// Version number (the next edit makes it +1).
    pub version: u64,
}

impl PageSummary {
    pub fn of(page: &confluence::models::Page) -> PageSummary {
        PageSummary {
            id: page.id.clone(),
            title: page.title.clone(),
            status: page.status.clone(),
            space_id: page.space_id.clone(),
            parent_id: page.parent_id.clone(),
            version: page.version_number(),
        }
    }

    /// `**Title** (page 123, version 4)`.
    pub fn line(&self) -> String {
        format!(
            "**{}** (page {}, version {})",
            self.title, self.id, self.version
        )
    }
}

/// Fetches a page (body in `format` if given) and checks it against the access policy (its
/// space, labels and page tree). Hidden and missing pages answer alike.
pub(crate) async fn scoped_page(
    ctx: &ToolContext,
    page_id: &str,
    format: Option<confluence::models::BodyFormat>,
) -> Result<confluence::models::Page, ToolError> {
    scoped_page_as(ctx, page_id, format, &format!("page {page_id}")).await
}

/// [`scoped_page`] with the words the not-found answer uses for the page.
pub(crate) async fn scoped_page_as(
    ctx: &ToolContext,
    page_id: &str,
    format: Option<confluence::models::BodyFormat>,
    what: &str,
) -> Result<confluence::models::Page, ToolError> {
    let page = ctx
        .client
        .page(page_id, format)
        .await
        .map_err(|e| hidden_if_missing(ctx, e, what))?;
    ctx.touched.content_id(&page.id);
    if let Some(space_id) = &page.space_id {
        ctx.touched.space_id(space_id);
    }
    ctx.guard
        .check(
            &ctx.client,
            policy::ContentType::Page,
            page_id,
            page.space_id.as_deref(),
            what,
        )
        .await?;
    Ok(page)
}

/// Confluence's 404 becomes the policy's not-found answer, so both read the same.
pub(crate) fn hidden_if_missing(ctx: &ToolContext, e: confluence::Error, what: &str) -> ToolError {
    match e {
        confluence::Error::NotFound { .. } => ctx.guard.hidden(what),
        other => other.into(),
    }
}

/// The space with `key`, if the policy lets the agent use it with this tool (checked on the
/// key given and on the key Confluence answers with).
pub(crate) async fn scoped_space(
    ctx: &ToolContext,
    key: &str,
) -> Result<confluence::models::Space, ToolError> {
    ctx.guard.check_space_key(key)?;
    ctx.touched.space_key(key);
    let space = ctx
        .client
        .space_by_key(key)
        .await
        .map_err(|e| hidden_if_missing(ctx, e, &format!("space {key}")))?;
    ctx.guard.check_space_key(&space.key)?;
    ctx.guard.cache().remember_space(&space.id, &space.key);
    Ok(space)
}

/// The page id in a Confluence page URL (`/pages/123/…`, `/pages/123`, `?pageId=123`).
pub(crate) fn page_id_from_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    if let Some((_, id)) = parsed.query_pairs().find(|(k, _)| k == "pageId") {
        return id
            .chars()
            .all(|c| c.is_ascii_digit())
            .then(|| id.into_owned());
    }
    let segments: Vec<&str> = parsed.path_segments()?.collect();
    segments
        .windows(2)
        .find(|w| w[0] == "pages" && !w[1].is_empty() && w[1].chars().all(|c| c.is_ascii_digit()))
        .map(|w| w[1].to_owned())
}

/// A limit argument clamped to `1..=max`, defaulting to `default`.
pub(crate) fn limit(value: Option<u32>, default: u32, max: u32) -> usize {
    value.unwrap_or(default).clamp(1, max) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ids_come_out_of_urls() {
        assert_eq!(
            page_id_from_url("https://acme.atlassian.net/wiki/spaces/ENG/pages/65538/Runbook"),
            Some("65538".into())
        );
        assert_eq!(
            page_id_from_url("http://127.0.0.1:9/wiki/spaces/ENG/pages/12"),
            Some("12".into())
        );
        assert_eq!(
            page_id_from_url("https://x/wiki/pages/viewpage.action?pageId=77"),
            Some("77".into())
        );
        assert_eq!(page_id_from_url("https://x/wiki/spaces/ENG/overview"), None);
        assert_eq!(page_id_from_url("not a url"), None);
    }
}
