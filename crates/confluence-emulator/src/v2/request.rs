//! Request reading shared by the comment, label, attachment, user and restriction endpoints:
//! body formats, ids and timestamps. Query parameters are in [`crate::params`].

use crate::errors::{ApiError, ApiResult, Flavor};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use chrono::{DateTime, SecondsFormat, Utc};

/// RFC 3339 with millis and `Z`, the only timestamp format Confluence Cloud emits.
pub fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Body representations list endpoints accept (`PrimaryBodyRepresentation`).
pub const BULK_FORMATS: &[&str] = &["storage", "atlas_doc_format"];
/// Body representations single-item endpoints accept (`PrimaryBodyRepresentationSingle`).
pub const SINGLE_FORMATS: &[&str] = &[
    "storage",
    "atlas_doc_format",
    "view",
    "export_view",
    "anonymous_export_view",
    "styled_view",
    "editor",
];

/// `{representation: value}` for a requested format, or `{}` when none was asked for, as v2
/// does: bodies are only sent on request.
pub fn body_json(storage: &str, format: Option<&str>) -> serde_json::Value {
    let Some(format) = format else {
        return serde_json::json!({});
    };
    let value = match format {
        "atlas_doc_format" => crate::render::storage_to_adf(storage),
        "storage" | "editor" => storage.to_owned(),
        _ => crate::render::storage_to_view(storage),
    };
    serde_json::json!({ format: { "representation": format, "value": value } })
}

/// Accepts a content id given as `123` or, for attachments, `att123`.
pub fn parse_any_id(flavor: Flavor, raw: &str) -> ApiResult<u64> {
    let trimmed = raw.trim();
    let digits = trimmed.strip_prefix("att").unwrap_or(trimmed);
    ApiError::parse_id(flavor, digits)
}

/// Percent-encodes one URL path segment (a file name in a download link).
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The request body, or a Confluence-shaped error: 413 past the size limit, 400 otherwise.
pub fn body_bytes(flavor: Flavor, body: Result<Bytes, BytesRejection>) -> ApiResult<Bytes> {
    body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(flavor, status, "The request body is larger than allowed")
        } else {
            ApiError::new(flavor, status, rejection.body_text())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_ids_take_an_optional_prefix() {
        assert_eq!(parse_any_id(Flavor::V2, "att42").ok(), Some(42));
        assert_eq!(parse_any_id(Flavor::V2, "42").ok(), Some(42));
        assert!(parse_any_id(Flavor::V2, "attx").is_err());
    }

    #[test]
    fn path_segments_encode_spaces_and_unicode() {
        assert_eq!(encode_path_segment("a b/ü.txt"), "a%20b%2F%C3%BC.txt");
    }
}
