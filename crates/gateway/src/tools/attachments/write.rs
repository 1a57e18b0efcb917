//! `upload_attachment`, `delete_attachment`, and the DLP hook that lets the pipeline inspect
//! the text inside a base64 upload before anything reaches Confluence.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use rmcp::model::JsonObject;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{AttachmentSummary, Container, check_container, human_size, scoped_attachment};
use crate::error::ToolError;
use crate::extract::Format;
use crate::tools::catalog::{ToolContext, ToolOutput};

/// Standard base64, padding optional (some encoders drop it).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadArgs {
    /// The page to attach the file to.
    pub page_id: Option<String>,
    /// The blog post to attach the file to (instead of `page_id`).
    pub blog_post_id: Option<String>,
    /// The file name, with its extension, e.g. `q3-figures.csv`.
    #[schemars(length(min = 1, max = 255))]
    pub file_name: String,
    /// The media type, e.g. `text/csv`; guessed from the file name when omitted.
    pub media_type: Option<String>,
    /// The file's bytes, base64-encoded (standard alphabet; line breaks allowed).
    pub content_base64: String,
    /// A comment shown with the attachment in Confluence.
    pub comment: Option<String>,
}

/// Base64 text without the whitespace encoders wrap it with.
fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_ascii_whitespace()).collect()
}

fn decode(text: &str) -> Result<Vec<u8>, ToolError> {
    BASE64.decode(compact(text)).map_err(|e| {
        ToolError::invalid(
            "/content_base64",
            format!("not valid base64 ({e}); send the file's bytes base64-encoded"),
        )
    })
}

/// The pipeline's DLP hook for uploads: text files (by name or type, or any upload whose
/// bytes are UTF-8 text) are inspected as outgoing content and, when redacted, re-encoded.
/// Binary files (pdf, docx, xlsx, images) pass as they are.
pub fn inspect_upload(
    args: &mut JsonObject,
    inspect: &mut dyn FnMut(&mut String) -> Result<usize, ToolError>,
) -> Result<usize, ToolError> {
    let Some(Value::String(encoded)) = args.get("content_base64") else {
        return Ok(0);
    };
    let bytes = decode(encoded)?;
    let file_name = args.get("file_name").and_then(Value::as_str).unwrap_or("");
    let media_type = args.get("media_type").and_then(Value::as_str);
    let text_by_type = Format::detect(file_name, media_type).is_some_and(Format::is_text);
    let original = match String::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => text,
        Ok(_) => return Ok(0),
        Err(e) if text_by_type => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        Err(_) => return Ok(0),
    };
    let mut text = original.clone();
    let findings = inspect(&mut text)?;
    if text != original {
        args.insert(
            "content_base64".to_owned(),
            Value::String(BASE64.encode(text.as_bytes())),
        );
    }
    Ok(findings)
}

/// A media type for a file name when the agent gave none.
fn guess_media_type(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "txt" | "log" => "text/plain",
        "md" | "markdown" => "text/markdown",
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "json" => "application/json",
        "html" | "htm" => "text/html",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

pub async fn upload(ctx: ToolContext, args: UploadArgs) -> Result<ToolOutput, ToolError> {
    let container = Container::from_args(&args.page_id, &args.blog_post_id)?;
    let name = args.file_name.trim();
    if name.is_empty() || name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Err(ToolError::invalid(
            "/file_name",
            "a plain file name such as `report.csv` (no folders or control characters)",
        ));
    }
    let cap = ctx.attachments.max_upload_bytes;
    let too_large = |size: u64| {
        ToolError::File(format!(
            "Too large: the file is {} ({size} bytes); this gateway accepts uploads up to {} \
             ({cap} bytes, `[attachments] max_upload_bytes`). Upload a smaller file or ask the \
             gateway's admin to raise the cap.",
            human_size(size),
            human_size(cap)
        ))
    };
    // Refused from the encoded length first, so an oversized file is never decoded.
    let encoded = compact(&args.content_base64);
    let estimated = (encoded.len() as u64 / 4) * 3;
    if estimated > cap + 2 {
        return Err(too_large(estimated));
    }
    let data = decode(&encoded)?;
    if data.len() as u64 > cap {
        return Err(too_large(data.len() as u64));
    }
    check_container(&ctx, &container).await?;
    let media_type = args
        .media_type
        .clone()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| guess_media_type(name).to_owned());
    let size = data.len() as u64;
    let file = confluence::NewAttachment {
        file_name: name.to_owned(),
        media_type: media_type.clone(),
        data: data.into(),
        comment: args.comment.clone().filter(|c| !c.is_empty()),
        minor_edit: false,
    };
    let uploaded = ctx.client.upload_attachment(container.id(), &file).await?;
    let first = uploaded.first().ok_or_else(|| {
        ToolError::Internal("Confluence accepted the upload but returned no attachment".into())
    })?;
    // The v2 record has every field; the upload answer is the fallback if it cannot be read.
    let summary = match ctx.client.attachment(&first.id).await {
        Ok(a) => AttachmentSummary::of(&a),
        Err(_) => AttachmentSummary {
            id: first.id.clone(),
            title: first.title.clone(),
            media_type: Some(media_type),
            file_size: Some(size),
            version: Some(1),
            comment: file.comment.clone(),
            page_id: matches!(container, Container::Page(_)).then(|| container.id().to_owned()),
            blog_post_id: matches!(container, Container::BlogPost(_))
                .then(|| container.id().to_owned()),
            created_at: None,
            readable: Format::detect(name, Some(file.media_type.as_str())).is_some(),
        },
    };
    let text = format!("Uploaded {} to {}", summary.line(), container.describe());
    ToolOutput::new(text, &summary)
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeleteOutput {
    pub id: String,
    pub title: String,
    /// `trashed`: restorable in Confluence.
    pub status: String,
}

pub async fn delete(
    ctx: ToolContext,
    args: super::read::AttachmentIdArgs,
) -> Result<ToolOutput, ToolError> {
    let attachment = scoped_attachment(&ctx, &args.attachment_id).await?;
    ctx.client.delete_attachment(&attachment.id).await?;
    let out = DeleteOutput {
        id: attachment.id.clone(),
        title: attachment.title.clone(),
        status: "trashed".to_owned(),
    };
    ToolOutput::new(
        format!(
            "Moved **{}** ({}) to the trash; it can be restored in Confluence.",
            out.title, out.id
        ),
        &out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(name: &str, content: &[u8]) -> JsonObject {
        let mut a = JsonObject::new();
        a.insert("file_name".into(), Value::from(name));
        a.insert("content_base64".into(), Value::from(BASE64.encode(content)));
        a
    }

    /// Stands in for the DLP stage: "redacts" the word `secret`.
    fn fake_dlp(text: &mut String) -> Result<usize, ToolError> {
        let n = text.matches("secret").count();
        *text = text.replace("secret", "[REDACTED]");
        Ok(n)
    }

    #[test]
    fn text_uploads_are_inspected_and_re_encoded() {
        let mut a = args("notes.md", b"the secret is here");
        assert_eq!(inspect_upload(&mut a, &mut fake_dlp).ok(), Some(1));
        let encoded = a["content_base64"].as_str().unwrap_or_default();
        assert_eq!(
            BASE64.decode(encoded).unwrap_or_default(),
            b"the [REDACTED] is here"
        );
        // Whatever the name, UTF-8 text is inspected.
        let mut a = args("data.bin", b"secret");
        assert_eq!(inspect_upload(&mut a, &mut fake_dlp).ok(), Some(1));
    }

    #[test]
    fn binary_uploads_pass_untouched() {
        let png = b"\x89PNG\r\n\x1a\n\0\0secret\xff";
        let mut a = args("diagram.png", png);
        let before = a.clone();
        assert_eq!(inspect_upload(&mut a, &mut fake_dlp).ok(), Some(0));
        assert_eq!(a, before);
    }

    #[test]
    fn invalid_base64_is_a_clear_argument_error() {
        let mut a = JsonObject::new();
        a.insert("file_name".into(), Value::from("a.txt"));
        a.insert("content_base64".into(), Value::from("not base64!!"));
        let err = inspect_upload(&mut a, &mut fake_dlp)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("/content_base64") && err.contains("not valid base64"),
            "{err}"
        );
        // Line-wrapped and unpadded base64 decode.
        assert_eq!(decode("aGVs\nbG8").ok(), Some(b"hello".to_vec()));
    }

    #[test]
    fn media_types_are_guessed_from_names() {
        assert_eq!(guess_media_type("a.CSV"), "text/csv");
        assert_eq!(guess_media_type("noext"), "application/octet-stream");
    }
}
