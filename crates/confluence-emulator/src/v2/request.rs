//! Request reading shared by the comment, label, attachment, user and restriction endpoints:
//! multi-valued query parameters, body formats, ids and timestamps.

use crate::errors::{ApiError, ApiResult, Flavor};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{StatusCode, Uri};
use chrono::{DateTime, SecondsFormat, Utc};

/// Query parameters in order, repeated keys kept: Confluence arrays come as `a=1&a=2` or `a=1,2`.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn from_uri(uri: &Uri) -> Params {
        Params(
            uri.query()
                .map(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default(),
        )
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, comma-separated lists split, empty items dropped.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// A `true`/`false` parameter; anything else is a 400 as in Confluence.
    pub fn flag(&self, flavor: Flavor, key: &str) -> ApiResult<Option<bool>> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(ApiError::bad_request(
                flavor,
                format!("Parameter '{key}' must be true or false, got '{other}'"),
            )),
        }
    }

    /// An enumerated parameter: absent → `None`, unknown value → 400.
    pub fn choice(&self, flavor: Flavor, key: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
        match self.get(key) {
            None | Some("") => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v.to_owned())),
            Some(v) => Err(ApiError::bad_request(
                flavor,
                format!(
                    "Invalid value '{v}' for parameter '{key}'; expected one of: {}",
                    allowed.join(", ")
                ),
            )),
        }
    }

    /// Every value of an array parameter, each checked against `allowed`.
    pub fn choices(&self, flavor: Flavor, key: &str, allowed: &[&str]) -> ApiResult<Vec<String>> {
        let values = self.all(key);
        if let Some(bad) = values.iter().find(|v| !allowed.contains(&v.as_str())) {
            return Err(ApiError::bad_request(
                flavor,
                format!(
                    "Invalid value '{bad}' for parameter '{key}'; expected one of: {}",
                    allowed.join(", ")
                ),
            ));
        }
        Ok(values)
    }
}

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
    fn arrays_split_on_commas_and_repeat() {
        let uri: Uri = "/x?status=current,trashed&status=draft&limit=5"
            .parse()
            .unwrap();
        let p = Params::from_uri(&uri);
        assert_eq!(p.all("status"), vec!["current", "trashed", "draft"]);
        assert_eq!(p.get("limit"), Some("5"));
        assert!(p.choices(Flavor::V2, "status", &["current"]).is_err());
    }

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
