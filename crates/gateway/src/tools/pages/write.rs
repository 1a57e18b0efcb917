//! Writes: create, update (whole page or one section), move, delete. The pipeline has already
//! run DLP over the outgoing title and body; these functions only convert and send.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{PageSummary, scoped_page, scoped_space};
use crate::error::ToolError;
use crate::tools::body::{self, WriteFormat};
use crate::tools::catalog::{ToolContext, ToolOutput};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    /// The space key, e.g. `DOCS`.
    pub space_key: String,
    /// The title; unique within the space.
    #[schemars(length(min = 1, max = 255))]
    pub title: String,
    /// The page body, Markdown by default.
    pub body: String,
    /// `markdown` (default) or `storage` (Confluence XHTML).
    pub body_format: Option<WriteFormat>,
    /// Create the page under this page (default: at the top of the space).
    pub parent_id: Option<String>,
}

fn summary_text(verb: &str, page: &PageSummary) -> String {
    format!("{verb} {}.", page.line())
}

pub async fn create(ctx: ToolContext, args: CreateArgs) -> Result<ToolOutput, ToolError> {
    let space = scoped_space(&ctx, &args.space_key).await?;
    if let Some(parent) = &args.parent_id {
        scoped_page(&ctx, parent, None).await?;
    }
    ctx.guard
        .check_new(
            &ctx.client,
            &space.key,
            args.parent_id.as_deref(),
            policy::ContentType::Page,
        )
        .await?;
    let storage = body::to_storage(&args.body, args.body_format.unwrap_or_default())?;
    let page = ctx
        .client
        .create_page(&confluence::NewPage {
            space_id: space.id,
            title: args.title,
            body: storage,
            parent_id: args.parent_id,
            draft: false,
        })
        .await?;
    let summary = PageSummary::of(&page);
    ToolOutput::new(summary_text("Created", &summary), &summary)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    pub page_id: String,
    /// New title (default: unchanged).
    #[schemars(length(min = 1, max = 255))]
    pub title: Option<String>,
    /// New body replacing the whole current body (default: unchanged).
    pub body: Option<String>,
    /// `markdown` (default) or `storage`.
    pub body_format: Option<WriteFormat>,
    /// Move the page under this parent page of the same space.
    pub parent_id: Option<String>,
    /// The version your edit is based on; if the page has moved on since, the update fails
    /// with a conflict instead of overwriting the newer edit.
    pub base_version: Option<u64>,
    /// Mark as a minor edit (watchers are not notified).
    pub minor_edit: Option<bool>,
    /// The version comment shown in the page history.
    pub version_message: Option<String>,
}

pub async fn update(ctx: ToolContext, args: UpdateArgs) -> Result<ToolOutput, ToolError> {
    if args.title.is_none() && args.body.is_none() && args.parent_id.is_none() {
        return Err(ToolError::invalid(
            "/body",
            "give at least one of `title`, `body`, `parent_id`",
        ));
    }
    let page = scoped_page(&ctx, &args.page_id, None).await?;
    if let Some(parent) = &args.parent_id {
        scoped_page(&ctx, parent, None).await?;
    }
    let storage = match &args.body {
        Some(b) => Some(body::to_storage(b, args.body_format.unwrap_or_default())?),
        None => None,
    };
    let moved = args.parent_id.is_some();
    let updated = ctx
        .client
        .update_page(
            &page.id,
            &confluence::ContentEdit {
                title: args.title,
                body: storage,
                message: args.version_message,
                based_on_version: args.base_version,
                minor_edit: args.minor_edit.unwrap_or(false),
                parent_id: args.parent_id,
            },
        )
        .await?;
    if moved {
        ctx.guard.cache().forget_all();
    }
    let summary = PageSummary::of(&updated);
    ToolOutput::new(summary_text("Updated", &summary), &summary)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSectionArgs {
    pub page_id: String,
    /// Heading path of the section, e.g. ["Deployment", "Rollback"] (as get_page's outline
    /// lists it).
    #[schemars(length(min = 1))]
    pub section: Vec<String>,
    /// New Markdown for everything under the heading (subsections included). The heading
    /// line itself is kept.
    pub body: String,
    /// The version your edit is based on (see update_page).
    pub base_version: Option<u64>,
    /// Mark as a minor edit.
    pub minor_edit: Option<bool>,
    /// The version comment shown in the page history.
    pub version_message: Option<String>,
}

pub async fn update_section(
    ctx: ToolContext,
    args: UpdateSectionArgs,
) -> Result<ToolOutput, ToolError> {
    let page = scoped_page(
        &ctx,
        &args.page_id,
        Some(confluence::models::BodyFormat::Storage),
    )
    .await?;
    if let Some(base) = args.base_version
        && base != page.version_number()
    {
        return Err(ToolError::Confluence(confluence::Error::Conflict {
            message: format!("page {} is at version {}", page.id, page.version_number()),
            current_version: Some(page.version_number()),
            attempted_version: Some(base),
        }));
    }
    let markdown = body::render(&page, body::ReadFormat::Markdown)?;
    let new_markdown = replace_section(&markdown, &args.section, &args.body)?;
    // The rest of the page is written back through Markdown: refuse when that would change
    // anything outside the section (content Markdown cannot carry, such as unknown macros).
    let round_trip = content::storage_to_markdown(
        &body::to_storage(&markdown, WriteFormat::Markdown)?,
        &content::Options::default(),
    )?;
    if round_trip.trim_end() != markdown.trim_end() {
        return Err(ToolError::Content(
            "this page holds content that does not survive a Markdown round trip (for example \
             macros shown as [macro …]); update it with update_page and body_format=storage"
                .to_owned(),
        ));
    }
    let storage = body::to_storage(&new_markdown, WriteFormat::Markdown)?;
    let updated = ctx
        .client
        .update_page(
            &page.id,
            &confluence::ContentEdit {
                body: Some(storage),
                message: args.version_message,
                based_on_version: Some(page.version_number()),
                minor_edit: args.minor_edit.unwrap_or(false),
                ..confluence::ContentEdit::default()
            },
        )
        .await?;
    let summary = PageSummary::of(&updated);
    ToolOutput::new(
        format!(
            "Updated section {} of {}.",
            args.section.join(" > "),
            summary.line()
        ),
        &summary,
    )
}

/// `markdown` with everything under the heading at `path` replaced by `new_body`.
fn replace_section(markdown: &str, path: &[String], new_body: &str) -> Result<String, ToolError> {
    let wanted: Vec<&str> = path.iter().map(String::as_str).collect();
    let section = content::section(markdown, &wanted)
        .map_err(|e| ToolError::invalid("/section", e.to_string()))?;
    // The section's text is a slice of `markdown`; find its byte range.
    let start = (section.text.as_ptr() as usize).saturating_sub(markdown.as_ptr() as usize);
    let end = start + section.text.len();
    let heading_end = section
        .text
        .find('\n')
        .map_or(section.text.len(), |i| i + 1);
    let heading = &section.text[..heading_end];
    let mut out = String::with_capacity(markdown.len() + new_body.len());
    out.push_str(&markdown[..start]);
    out.push_str(heading.trim_end());
    out.push_str("\n\n");
    out.push_str(new_body.trim());
    out.push_str("\n\n");
    out.push_str(markdown[end..].trim_start_matches('\n'));
    Ok(out)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveArgs {
    pub page_id: String,
    /// The new parent page (same space).
    pub parent_id: String,
}

pub async fn move_page(ctx: ToolContext, args: MoveArgs) -> Result<ToolOutput, ToolError> {
    let page = scoped_page(&ctx, &args.page_id, None).await?;
    let parent = scoped_page(&ctx, &args.parent_id, None).await?;
    let moved = ctx.client.move_page(&page.id, &parent.id).await?;
    ctx.guard.cache().forget_all();
    let summary = PageSummary::of(&moved);
    ToolOutput::new(
        format!(
            "Moved {} under **{}** (page {}).",
            summary.line(),
            parent.title,
            parent.id
        ),
        &summary,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteArgs {
    pub page_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeleteOutput {
    pub page_id: String,
    pub title: String,
    /// Always `trashed`: the page can be restored from the space's trash.
    pub status: String,
}

pub async fn delete(ctx: ToolContext, args: DeleteArgs) -> Result<ToolOutput, ToolError> {
    let page = scoped_page(&ctx, &args.page_id, None).await?;
    ctx.client.delete_page(&page.id, false).await?;
    let out = DeleteOutput {
        page_id: page.id.clone(),
        title: page.title.clone(),
        status: "trashed".to_owned(),
    };
    ToolOutput::new(
        format!("Moved **{}** (page {}) to the trash.", page.title, page.id),
        &out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_and_the_rest_kept() {
        let md = "# Title\n\nintro\n\n## Deploy\n\nold steps\n\n### Sub\n\nmore\n\n## Rollback\n\nundo\n";
        let out = replace_section(md, &["Deploy".into()], "new steps").unwrap_or_default();
        assert_eq!(
            out,
            "# Title\n\nintro\n\n## Deploy\n\nnew steps\n\n## Rollback\n\nundo\n"
        );
        let err = replace_section(md, &["Nope".into()], "x")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("/section"), "{err}");
    }
}
