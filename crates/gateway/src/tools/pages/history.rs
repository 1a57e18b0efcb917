//! Page history: the version list, one old version's body, and a line diff between two.

use futures_util::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{limit, scoped_page};
use crate::error::ToolError;
use crate::tools::body::{self, BodyView, ReadFormat};
use crate::tools::catalog::{ToolContext, ToolOutput};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionsArgs {
    pub page_id: String,
    /// Most versions to return (1-100, default 25).
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct VersionList {
    pub page_id: String,
    pub versions: Vec<VersionItem>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct VersionItem {
    pub number: u64,
    pub message: Option<String>,
    pub minor_edit: Option<bool>,
    pub author_id: Option<String>,
    pub created_at: Option<String>,
}

pub async fn versions(ctx: ToolContext, args: VersionsArgs) -> Result<ToolOutput, ToolError> {
    let page = scoped_page(&ctx, &args.page_id, None).await?;
    let max = limit(args.limit, 25, 100);
    let items: Vec<confluence::models::ContentVersion> = ctx
        .client
        .page_versions(&page.id, confluence::PageCaps::items(max))
        .try_collect()
        .await?;
    let mut versions: Vec<VersionItem> = items
        .into_iter()
        .map(|v| VersionItem {
            number: v.number,
            message: v.message.filter(|m| !m.is_empty()),
            minor_edit: v.minor_edit,
            author_id: v.author_id,
            created_at: v.created_at,
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.number));
    let mut text = format!(
        "Versions of **{}** (page {}), newest first:",
        page.title, page.id
    );
    for v in &versions {
        text.push_str(&format!(
            "\n- v{} {} by {}{}{}",
            v.number,
            v.created_at.as_deref().unwrap_or(""),
            v.author_id.as_deref().unwrap_or("?"),
            v.message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default(),
            if v.minor_edit == Some(true) {
                " (minor)"
            } else {
                ""
            }
        ));
    }
    ToolOutput::new(
        text,
        &VersionList {
            page_id: page.id,
            versions,
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionArgs {
    pub page_id: String,
    /// The version number to read (see get_page_versions).
    #[schemars(range(min = 1))]
    pub version: u64,
    /// `markdown` (default) or `storage`.
    pub format: Option<ReadFormat>,
    /// Character offset to start from (use `next_offset` of the previous answer).
    pub offset: Option<usize>,
    /// Characters of body to return (default: the server's response budget).
    #[schemars(range(min = 100))]
    pub max_chars: Option<usize>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct VersionOutput {
    pub page_id: String,
    pub version: u64,
    /// The title at that version.
    pub title: String,
    pub format: ReadFormat,
    pub body: BodyView,
}

pub async fn version(ctx: ToolContext, args: VersionArgs) -> Result<ToolOutput, ToolError> {
    let format = args.format.unwrap_or_default();
    if !matches!(format, ReadFormat::Markdown | ReadFormat::Storage) {
        return Err(ToolError::invalid(
            "/format",
            "old versions are available as markdown or storage",
        ));
    }
    let current = scoped_page(&ctx, &args.page_id, None).await?;
    let old = ctx
        .client
        .page_at_version(&current.id, args.version, format.upstream())
        .await?;
    let text = body::render(&old, format)?;
    let max_chars = args.max_chars.unwrap_or(ctx.max_chars).min(ctx.max_chars);
    let (view, hint) = body::view(&text, None, args.offset.unwrap_or(0), max_chars)?;
    let mut md = format!(
        "# {} (version {} of page {}; current is {})\n\n{}",
        old.title,
        args.version,
        current.id,
        current.version_number(),
        view.content
    );
    if let Some(hint) = hint {
        md.push_str(&format!("\n\n[{hint}]"));
    }
    ToolOutput::new(
        md,
        &VersionOutput {
            page_id: current.id,
            version: args.version,
            title: old.title,
            format,
            body: view,
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffArgs {
    pub page_id: String,
    /// The older version.
    #[schemars(range(min = 1))]
    pub from_version: u64,
    /// The newer version (default: the current one).
    #[schemars(range(min = 1))]
    pub to_version: Option<u64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DiffOutput {
    pub page_id: String,
    pub from_version: u64,
    pub to_version: u64,
    pub from_title: String,
    pub to_title: String,
    /// Unified diff of the two versions' Markdown (3 lines of context).
    pub diff: String,
    pub lines_added: usize,
    pub lines_removed: usize,
}

pub async fn diff(ctx: ToolContext, args: DiffArgs) -> Result<ToolOutput, ToolError> {
    let current = scoped_page(&ctx, &args.page_id, None).await?;
    let to = args.to_version.unwrap_or_else(|| current.version_number());
    let storage = ReadFormat::Storage.upstream();
    let old = ctx
        .client
        .page_at_version(&current.id, args.from_version, storage)
        .await?;
    let new = ctx.client.page_at_version(&current.id, to, storage).await?;
    let old_md = body::render(&old, ReadFormat::Markdown)?;
    let new_md = body::render(&new, ReadFormat::Markdown)?;
    let diff = similar::TextDiff::from_lines(&old_md, &new_md);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    let unified = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("version {}", args.from_version),
            &format!("version {to}"),
        )
        .to_string();
    let title_change = if old.title == new.title {
        String::new()
    } else {
        format!("\nTitle: \"{}\" → \"{}\"", old.title, new.title)
    };
    let text = if unified.is_empty() {
        format!(
            "Page {} versions {} and {to}: bodies are identical.{title_change}",
            current.id, args.from_version
        )
    } else {
        format!(
            "Page {} from version {} to {to}: +{added} −{removed} lines.{title_change}\n\n```diff\n{unified}```",
            current.id, args.from_version
        )
    };
    ToolOutput::new(
        text,
        &DiffOutput {
            page_id: current.id,
            from_version: args.from_version,
            to_version: to,
            from_title: old.title,
            to_title: new.title,
            diff: unified,
            lines_added: added,
            lines_removed: removed,
        },
    )
}
