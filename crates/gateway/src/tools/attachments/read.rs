//! `list_attachments`, `get_attachment`, `read_attachment`.

use futures_util::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{AttachmentSummary, Container, check_container, human_size, scoped_attachment};
use crate::error::ToolError;
use crate::extract::{self, ExtractError, Format, Limits};
use crate::tools::body::{self, BodyView};
use crate::tools::catalog::{ToolContext, ToolOutput};

/// Deepest a cursor may page into one container's attachments.
const MAX_CURSOR: usize = 10_000;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// The page whose attachments to list.
    pub page_id: Option<String>,
    /// The blog post whose attachments to list (instead of `page_id`).
    pub blog_post_id: Option<String>,
    /// Most attachments to return (1-100, default 25).
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous answer, to continue the list.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AttachmentList {
    pub attachments: Vec<AttachmentSummary>,
    /// Pass as `cursor` to get the next attachments; null at the end of the list.
    pub next_cursor: Option<String>,
}

pub async fn list(ctx: ToolContext, args: ListArgs) -> Result<ToolOutput, ToolError> {
    let container = Container::from_args(&args.page_id, &args.blog_post_id)?;
    check_container(&ctx, &container).await?;
    let limit = args.limit.unwrap_or(25).clamp(1, 100) as usize;
    // The cursor is an offset into the list (opaque to agents): the gateway keeps no state
    // between calls, so any replica can continue any list.
    let skip = match &args.cursor {
        None => 0,
        Some(c) => c
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= MAX_CURSOR)
            .ok_or_else(|| {
                ToolError::invalid(
                    "/cursor",
                    "not a cursor this tool returned; omit it to start over",
                )
            })?,
    };
    let wanted = skip + limit + 1;
    let caps = confluence::PageCaps {
        max_items: Some(wanted),
        max_pages: None,
        page_size: Some(wanted.min(250) as u32),
    };
    let blog = matches!(container, Container::BlogPost(_));
    let found: Vec<confluence::models::Attachment> = ctx
        .client
        .attachments(container.id(), blog, caps)
        .try_collect()
        .await?;
    let more = found.len() > skip + limit;
    let attachments: Vec<AttachmentSummary> = found
        .iter()
        .skip(skip)
        .take(limit)
        .map(AttachmentSummary::of)
        .collect();
    let next_cursor = more.then(|| (skip + limit).to_string());
    let mut text = format!(
        "{} attachment(s) on {}{}",
        attachments.len(),
        container.describe(),
        if more {
            " (more exist; pass next_cursor as cursor)"
        } else {
            ""
        }
    );
    for a in &attachments {
        text.push_str(&format!("\n- {}", a.line()));
    }
    ToolOutput::new(
        text,
        &AttachmentList {
            attachments,
            next_cursor,
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentIdArgs {
    /// The attachment id (`att…`, from list_attachments).
    pub attachment_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct AttachmentDetail {
    #[serde(flatten)]
    pub attachment: AttachmentSummary,
    /// Site-relative link to the file's preview in Confluence (for humans).
    pub webui_link: Option<String>,
}

pub async fn get(ctx: ToolContext, args: AttachmentIdArgs) -> Result<ToolOutput, ToolError> {
    let attachment = scoped_attachment(&ctx, &args.attachment_id).await?;
    let summary = AttachmentSummary::of(&attachment);
    let on = match (&summary.page_id, &summary.blog_post_id) {
        (Some(id), _) => format!("page {id}"),
        (None, Some(id)) => format!("blog post {id}"),
        _ => "an unknown container".to_owned(),
    };
    let text = format!(
        "{}\nattached to {on}{}{}",
        summary.line(),
        if summary.readable {
            "; read its text with read_attachment"
        } else {
            "; read_attachment cannot read this type"
        },
        attachment
            .webui_link
            .as_deref()
            .map(|l| format!("\nin Confluence: {l}"))
            .unwrap_or_default()
    );
    ToolOutput::new(
        text,
        &AttachmentDetail {
            attachment: summary,
            webui_link: attachment.webui_link.clone(),
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadArgs {
    /// The attachment id (`att…`, from list_attachments).
    pub attachment_id: String,
    /// Character offset to start from (use `next_offset` of the previous answer).
    pub offset: Option<usize>,
    /// Characters of text to return (default: the server's response budget).
    #[schemars(range(min = 100))]
    pub max_chars: Option<usize>,
    /// Heading path of one part to return: a document heading, a sheet name (xlsx) or
    /// `Page N` (pdf), e.g. ["Page 2"].
    pub section: Option<Vec<String>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ReadOutput {
    #[serde(flatten)]
    pub attachment: AttachmentSummary,
    /// How the file was read.
    pub format: Format,
    pub body: BodyView,
    /// What extraction left out (rows or pages past the limits, a size cut); empty when the
    /// text is complete.
    pub notes: Vec<String>,
}

pub async fn read(ctx: ToolContext, args: ReadArgs) -> Result<ToolOutput, ToolError> {
    let attachment = scoped_attachment(&ctx, &args.attachment_id).await?;
    let summary = AttachmentSummary::of(&attachment);
    let format =
        Format::detect(&attachment.title, attachment.media_type.as_deref()).ok_or_else(|| {
            let what = match attachment.media_type.as_deref() {
                Some(m) => format!("{m} ('{}')", attachment.title),
                None => format!("'{}'", attachment.title),
            };
            file_error(ExtractError::Unsupported { what })
        })?;
    let cap = ctx.attachments.max_download_bytes;
    // `size`: what Confluence reported; `None` when the download itself ran past the cap.
    let too_large = |size: Option<u64>| {
        let is = match size {
            Some(size) => format!("is {} ({size} bytes)", human_size(size)),
            None => "is larger than that".to_owned(),
        };
        ToolError::File(format!(
            "Too large: this gateway reads attachments up to {} ({cap} bytes, `[attachments] \
             max_download_bytes`) and '{}' {is}. Ask the gateway's admin to raise the cap, or \
             open the file in Confluence.",
            human_size(cap),
            attachment.title,
        ))
    };
    // Checked before downloading, from the size Confluence reports.
    if let Some(size) = attachment.file_size
        && size > cap
    {
        return Err(too_large(Some(size)));
    }
    let download = match ctx.client.download_attachment(&attachment, cap).await {
        Ok(d) => d,
        Err(confluence::Error::Invalid { message }) if message.contains("download cap") => {
            return Err(too_large(None));
        }
        Err(e) => return Err(e.into()),
    };
    // Extraction is CPU-bound: off the async workers, and a parser panic stays contained.
    let data = download.data;
    let extracted =
        tokio::task::spawn_blocking(move || extract::extract(&data, format, &Limits::default()))
            .await
            .map_err(|_| {
                ToolError::File(format!(
                    "The {format} file could not be read (the parser failed on it). Open it in \
                     Confluence instead."
                ))
            })?
            .map_err(file_error)?;
    let max_chars = args.max_chars.unwrap_or(ctx.max_chars).min(ctx.max_chars);
    let (view, hint) = body::view(
        &extracted.text,
        args.section.as_deref(),
        args.offset.unwrap_or(0),
        max_chars,
    )?;
    let mut md = format!(
        "# {}\n{} · {format}{}\n\n{}",
        summary.title,
        summary.id,
        view.section
            .as_ref()
            .map(|p| format!(" · section {}", p.join(" > ")))
            .unwrap_or_default(),
        view.content
    );
    if let Some(hint) = hint {
        md.push_str(&format!("\n\n[{hint}]"));
    }
    for note in &extracted.notes {
        md.push_str(&format!("\n\n[Note: {note}]"));
    }
    if view.next_offset.is_some() && view.section.is_none() {
        let parts: Vec<String> = content::outline(&extracted.text)
            .into_iter()
            .take(40)
            .map(|e| format!("{} ({} chars)", e.path.join(" > "), e.chars))
            .collect();
        if !parts.is_empty() {
            md.push_str(&format!(
                "\n\nParts (pass one as `section`):\n- {}",
                parts.join("\n- ")
            ));
        }
    }
    ToolOutput::new(
        md,
        &ReadOutput {
            attachment: summary,
            format,
            body: view,
            notes: extracted.notes,
        },
    )
}

/// An extraction failure as the agent reads it.
fn file_error(e: ExtractError) -> ToolError {
    let advice = match e {
        ExtractError::Unsupported { .. } => "",
        _ => " Open the file in Confluence instead.",
    };
    let mut text = e.to_string();
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    ToolError::File(format!("{text}.{advice}"))
}
