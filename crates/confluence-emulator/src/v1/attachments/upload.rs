//! Receiving multipart uploads: the XSRF check, reading the body within the size limit, and
//! the `file`/`comment` parts.

use crate::errors::{ApiError, ApiResult, Flavor};
use crate::state::AppState;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, StatusCode, header};
use std::pin::Pin;

const V1: Flavor = Flavor::V1;
/// How far past the limit a body is still read (and dropped) so the client gets its 413.
const DRAIN_ALLOWANCE: usize = 64 * 1024 * 1024;

/// Reads the whole upload, then applies `checks` (XSRF, permissions), then parses the parts.
///
/// The body is read even when the request is refused: answering while the client is still
/// sending makes the server close the connection under it, and the client sees a reset
/// instead of the 403 or 413.
pub async fn receive(
    state: &AppState,
    request: Request,
    checks: ApiResult<()>,
) -> ApiResult<Upload> {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let bytes = read_limited(body, state.config.max_body_bytes, declared).await;
    checks?;
    let bytes = bytes?;
    let multipart =
        Multipart::from_request(Request::from_parts(parts, Body::from(bytes)), state).await;
    parse(multipart).await
}

fn too_large() -> ApiError {
    ApiError::new(
        V1,
        StatusCode::PAYLOAD_TOO_LARGE,
        "The attachment is larger than the maximum allowed size",
    )
}

/// The body if it is at most `limit` bytes; a larger one is drained (within an allowance)
/// and answered with 413.
async fn read_limited(mut body: Body, limit: usize, declared: Option<usize>) -> ApiResult<Bytes> {
    let cap = limit.saturating_add(DRAIN_ALLOWANCE);
    if declared.is_some_and(|n| n > cap) {
        return Err(too_large());
    }
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|e| {
            ApiError::bad_request(V1, format!("The request body could not be read: {e}"))
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= limit {
            kept.extend_from_slice(&data);
        } else if seen > cap {
            break;
        }
    }
    if seen > limit {
        return Err(too_large());
    }
    Ok(Bytes::from(kept))
}

/// Confluence refuses multipart writes without the XSRF opt-out header.
pub fn check_xsrf(headers: &HeaderMap) -> ApiResult<()> {
    let ok = headers
        .get("x-atlassian-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("no-check") || v.eq_ignore_ascii_case("nocheck"));
    if ok {
        Ok(())
    } else {
        Err(ApiError::forbidden(V1, "XSRF check failed"))
    }
}

fn multipart_error(e: MultipartError) -> ApiError {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            V1,
            status,
            "The attachment is larger than the maximum allowed size",
        )
    } else {
        ApiError::new(
            V1,
            status,
            format!("Invalid multipart body: {}", e.body_text()),
        )
    }
}

pub struct UploadedFile {
    pub name: String,
    pub media_type: String,
    pub data: Bytes,
}

/// The files of a multipart upload, with their comments (none, or one per file in order).
pub struct Upload {
    pub files: Vec<UploadedFile>,
    pub comments: Vec<String>,
}

/// Guesses a media type from the file extension when the client sent none.
fn guess_media_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "pdf" => "application/pdf",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

async fn parse(multipart: Result<Multipart, MultipartRejection>) -> ApiResult<Upload> {
    let mut multipart = multipart.map_err(|r| ApiError::new(V1, r.status(), r.body_text()))?;
    let mut upload = Upload {
        files: Vec::new(),
        comments: Vec::new(),
    };
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                let name = field
                    .file_name()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        ApiError::bad_request(V1, "The 'file' part must have a filename")
                    })?;
                let sent = field
                    .content_type()
                    .filter(|c| *c != "application/octet-stream");
                let media_type = sent
                    .map(str::to_owned)
                    .unwrap_or_else(|| guess_media_type(&name).to_owned());
                let data = field.bytes().await.map_err(multipart_error)?;
                upload.files.push(UploadedFile {
                    name,
                    media_type,
                    data,
                });
            }
            Some("comment") => upload
                .comments
                .push(field.text().await.map_err(multipart_error)?),
            _ => {
                field.bytes().await.map_err(multipart_error)?;
            }
        }
    }
    if upload.files.is_empty() {
        return Err(ApiError::bad_request(
            V1,
            "No file was uploaded; send it in a multipart part named 'file'",
        ));
    }
    if !upload.comments.is_empty() && upload.comments.len() != upload.files.len() {
        return Err(ApiError::bad_request(
            V1,
            "When comments are given, every file must have one, in the same order",
        ));
    }
    Ok(upload)
}
