//! Error bodies in the two shapes Confluence uses: v2's `{"errors":[…]}` and v1's
//! `{"statusCode":…,"message":…}`. Clients parse these, so the shapes matter.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Which API generation's error shape to answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    V1,
    V2,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub flavor: Flavor,
    /// Extra headers such as `Retry-After` or `WWW-Authenticate`.
    pub headers: Vec<(&'static str, String)>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(flavor: Flavor, status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            flavor,
            headers: Vec::new(),
        }
    }

    pub fn bad_request(flavor: Flavor, message: impl Into<String>) -> ApiError {
        ApiError::new(flavor, StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(flavor: Flavor, message: impl Into<String>) -> ApiError {
        ApiError::new(flavor, StatusCode::NOT_FOUND, message)
    }

    pub fn forbidden(flavor: Flavor, message: impl Into<String>) -> ApiError {
        ApiError::new(flavor, StatusCode::FORBIDDEN, message)
    }

    pub fn conflict(flavor: Flavor, message: impl Into<String>) -> ApiError {
        ApiError::new(flavor, StatusCode::CONFLICT, message)
    }

    pub fn unauthorized(flavor: Flavor, message: impl Into<String>) -> ApiError {
        ApiError::new(flavor, StatusCode::UNAUTHORIZED, message)
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> ApiError {
        self.headers.push((name, value.into()));
        self
    }

    /// Parses a numeric id from a path or query value, answering 400 like Confluence does.
    pub fn parse_id(flavor: Flavor, raw: &str) -> ApiResult<u64> {
        raw.trim().parse::<u64>().map_err(|_| {
            ApiError::bad_request(
                flavor,
                format!("Provided value {{{raw}}} for 'id' is not the correct type. Expected type is ContentId"),
            )
        })
    }
}

fn v2_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "INVALID_REQUEST_PARAMETER",
        401 => "UNAUTHORIZED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        410 => "GONE",
        413 => "REQUEST_ENTITY_TOO_LARGE",
        429 => "TOO_MANY_REQUESTS",
        _ => "INTERNAL_SERVER_ERROR",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = match self.flavor {
            Flavor::V2 => json!({
                "errors": [{
                    "status": self.status.as_u16(),
                    "code": v2_code(self.status),
                    "title": self.message,
                    "detail": null,
                }]
            }),
            Flavor::V1 => json!({
                "statusCode": self.status.as_u16(),
                "data": {
                    "authorized": self.status != StatusCode::UNAUTHORIZED && self.status != StatusCode::FORBIDDEN,
                    "valid": self.status != StatusCode::BAD_REQUEST,
                    "errors": [],
                    "successful": false,
                },
                "message": self.message,
                "reason": self.status.canonical_reason().unwrap_or(""),
            }),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        for (name, value) in self.headers {
            if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

/// Parses a JSON request body, answering 400 in Confluence's shape with serde's reason.
pub fn parse_json<T: serde::de::DeserializeOwned>(flavor: Flavor, body: &[u8]) -> ApiResult<T> {
    if body.is_empty() {
        return Err(ApiError::bad_request(
            flavor,
            "A JSON request body is required",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(flavor, format!("Invalid JSON body: {e}")))
}
