//! The `attachments` toolset: list and inspect the files attached to pages and blog posts,
//! read their text (txt, md, csv, json, html, pdf, docx, xlsx through [`crate::extract`]),
//! upload files (base64) and delete them. Split by direction: [`read`] and [`write`]; what
//! both need (summaries, the container argument, policy checks) lives here.
//!
//! Attachments carry no space of their own: the policy is checked on the page or blog post
//! they belong to, so an agent limited to ENG cannot read an HR file by guessing its id.

mod read;
mod write;

use schemars::JsonSchema;
use serde::Serialize;

use crate::error::ToolError;
use crate::extract::Format;
use crate::tools::catalog::{Access, ToolContext, ToolSpec};

const TOOLSET: &str = "attachments";

/// Every tool of the family.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec::new::<read::ListArgs, read::AttachmentList, _>(
            "list_attachments",
            TOOLSET,
            "List attachments",
            "List the files attached to a page (`page_id`) or blog post (`blog_post_id`): id, \
             file name, media type, size, version and comment, and whether read_attachment can \
             read its text. Pass `next_cursor` back as `cursor` for more.",
            Access::Read,
            read::list,
        ),
        ToolSpec::new::<read::AttachmentIdArgs, read::AttachmentDetail, _>(
            "get_attachment",
            TOOLSET,
            "Attachment details",
            "Show one attachment's metadata by `attachment_id`: file name, media type, size, \
             version, comment, the page or blog post it belongs to, and its link in Confluence.",
            Access::Read,
            read::get,
        ),
        ToolSpec::new::<read::ReadArgs, read::ReadOutput, _>(
            "read_attachment",
            TOOLSET,
            "Read an attachment's text",
            "Download an attachment and return its text as Markdown: txt and md as they are, csv \
             as a table, json pretty-printed, html with headings, lists and tables, docx with \
             headings and tables, xlsx one table per sheet, pdf page by page. Long text is \
             windowed like get_page: pass `offset` (from `next_offset`) to continue, \
             `max_chars` to size the window, or `section` (a heading such as [\"Page 2\"] or a \
             sheet name) to read one part. Images and other types are refused.",
            Access::Read,
            read::read,
        ),
        ToolSpec::new::<write::UploadArgs, AttachmentSummary, _>(
            "upload_attachment",
            TOOLSET,
            "Upload an attachment",
            "Attach a file to a page (`page_id`) or blog post (`blog_post_id`). The file's bytes \
             come base64-encoded in `content_base64`; give its `file_name` (a name already \
             attached there fails) and, optionally, `media_type` and a `comment`. Text files \
             are checked for secrets and personal data before they are written.",
            Access::Write,
            write::upload,
        )
        .outgoing(&["comment"])
        .outgoing_encoded(write::inspect_upload),
        ToolSpec::new::<read::AttachmentIdArgs, write::DeleteOutput, _>(
            "delete_attachment",
            TOOLSET,
            "Delete an attachment",
            "Move an attachment to the trash (it can be restored in Confluence). Afterwards \
             get_attachment and read_attachment answer not found.",
            Access::Destructive,
            write::delete,
        ),
    ]
}

/// An attachment's metadata.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AttachmentSummary {
    /// Attachment id (`att…`); pass it to get_attachment, read_attachment, delete_attachment.
    pub id: String,
    /// The file name.
    pub title: String,
    pub media_type: Option<String>,
    /// Size in bytes.
    pub file_size: Option<u64>,
    /// Version number (a re-upload of the same name adds a version).
    pub version: Option<u64>,
    /// The comment given when the file was uploaded.
    pub comment: Option<String>,
    /// The page it is attached to (if a page).
    pub page_id: Option<String>,
    /// The blog post it is attached to (if a blog post).
    pub blog_post_id: Option<String>,
    pub created_at: Option<String>,
    /// Whether read_attachment can extract this file's text.
    pub readable: bool,
}

impl AttachmentSummary {
    pub fn of(a: &confluence::models::Attachment) -> AttachmentSummary {
        AttachmentSummary {
            id: a.id.clone(),
            title: a.title.clone(),
            media_type: a.media_type.clone(),
            file_size: a.file_size,
            version: a.version.as_ref().map(|v| v.number),
            comment: a.comment.clone().filter(|c| !c.is_empty()),
            page_id: a.page_id.clone(),
            blog_post_id: a.blog_post_id.clone(),
            created_at: a.created_at.clone(),
            readable: Format::detect(&a.title, a.media_type.as_deref()).is_some(),
        }
    }

    /// `**name** (att1, text/csv, 1.2 KB, version 1)`.
    pub fn line(&self) -> String {
        let mut parts = vec![self.id.clone()];
        parts.extend(self.media_type.clone());
        parts.extend(self.file_size.map(human_size));
        parts.extend(self.version.map(|v| format!("version {v}")));
        let mut line = format!("**{}** ({})", self.title, parts.join(", "));
        if let Some(comment) = &self.comment {
            line.push_str(&format!(" — {comment}"));
        }
        line
    }
}

/// `1536` → `1.5 KB`; binary units, as file managers show them.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The page or blog post an attachment belongs to.
#[derive(Debug, Clone)]
pub enum Container {
    Page(String),
    BlogPost(String),
}

impl Container {
    /// Exactly one of `page_id` and `blog_post_id`.
    pub fn from_args(
        page_id: &Option<String>,
        blog_post_id: &Option<String>,
    ) -> Result<Container, ToolError> {
        match (page_id, blog_post_id) {
            (Some(id), None) => Ok(Container::Page(id.clone())),
            (None, Some(id)) => Ok(Container::BlogPost(id.clone())),
            (Some(_), Some(_)) => Err(ToolError::invalid(
                "/blog_post_id",
                "give either `page_id` or `blog_post_id`, not both",
            )),
            (None, None) => Err(ToolError::invalid(
                "/page_id",
                "give `page_id` (or `blog_post_id` for a blog post)",
            )),
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Container::Page(id) | Container::BlogPost(id) => id,
        }
    }

    fn describe(&self) -> String {
        match self {
            Container::Page(id) => format!("page {id}"),
            Container::BlogPost(id) => format!("blog post {id}"),
        }
    }
}

/// Fails unless the container exists for the connection and the access policy lets the
/// agent use its attachments. Hidden and missing containers answer alike (`what`).
pub(crate) async fn check_container(
    ctx: &ToolContext,
    container: &Container,
) -> Result<(), ToolError> {
    check_container_as(ctx, container, &container.describe()).await
}

async fn check_container_as(
    ctx: &ToolContext,
    container: &Container,
    what: &str,
) -> Result<(), ToolError> {
    let (kind, id) = match container {
        Container::Page(id) => (policy::ContentType::Page, id),
        Container::BlogPost(id) => (policy::ContentType::Blogpost, id),
    };
    ctx.guard
        .check_as(
            &ctx.client,
            kind,
            id,
            None,
            Some(policy::ContentType::Attachment),
            what,
        )
        .await?;
    Ok(())
}

/// An attachment by id, if its container is one the policy lets the agent use and it is
/// current (not trashed). Hidden and missing attachments answer alike.
pub(crate) async fn scoped_attachment(
    ctx: &ToolContext,
    attachment_id: &str,
) -> Result<confluence::models::Attachment, ToolError> {
    let what = format!("attachment {attachment_id}");
    let attachment = ctx
        .client
        .attachment(attachment_id)
        .await
        .map_err(|e| crate::tools::pages::hidden_if_missing(ctx, e, &what))?;
    let container = match (&attachment.page_id, &attachment.blog_post_id) {
        (Some(id), _) => Container::Page(id.clone()),
        (None, Some(id)) => Container::BlogPost(id.clone()),
        (None, None) => return Err(ctx.guard.hidden(&what)),
    };
    check_container_as(ctx, &container, &what).await?;
    if attachment.status.as_deref() == Some("trashed") {
        return Err(ToolError::NotFound(format!(
            "attachment {attachment_id} was deleted (it is in the trash; restore it in Confluence to use it)"
        )));
    }
    Ok(attachment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(900), "900 bytes");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(10 * 1024 * 1024), "10.0 MB");
    }

    #[test]
    fn exactly_one_container() {
        let some = Some("1".to_owned());
        assert!(Container::from_args(&some, &None).is_ok());
        assert!(Container::from_args(&None, &some).is_ok());
        assert!(Container::from_args(&some, &some).is_err());
        assert!(Container::from_args(&None, &None).is_err());
    }
}
