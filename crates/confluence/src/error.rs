//! The one error type of the client: a small taxonomy whose messages tell a model or an admin
//! what to do next, so callers never have to interpret raw HTTP statuses.

use reqwest::StatusCode;
use std::time::Duration;
use thiserror::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Credentials were rejected even after one refresh.
    #[error(
        "Unauthorized: {message}. Reconnect the Confluence account (sign in again or issue a new API token)."
    )]
    Unauthorized { message: String },
    /// Authenticated, but not allowed: a missing OAuth scope or a space/page permission.
    #[error("Forbidden: {message}. {}", forbidden_hint(.scope.as_deref()))]
    Forbidden {
        message: String,
        scope: Option<String>,
    },
    #[error(
        "Not found: {message}. Check the id or key; content you cannot see also answers not found."
    )]
    NotFound { message: String },
    /// The content changed since it was read; both versions are carried when known.
    #[error("Conflict: {message}. {}", conflict_hint(*.current_version, *.attempted_version))]
    Conflict {
        message: String,
        current_version: Option<u64>,
        attempted_version: Option<u64>,
    },
    #[error(
        "Gone: {message}. This v1 endpoint was removed for OAuth apps; use the REST API v2 or an API-token connection."
    )]
    Gone { message: String },
    #[error("Rate limited by Confluence: {message}. {}", retry_hint(*.retry_after))]
    RateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    #[error(
        "Confluence failed (HTTP {status}): {message}. This is on Atlassian's side; retry later."
    )]
    Upstream { status: u16, message: String },
    #[error("Invalid request: {message}. Fix the request (parameters, CQL, body) and try again.")]
    Invalid { message: String },
    #[error(
        "Timed out: {message}. Confluence did not answer in time; retry later or raise the timeout."
    )]
    Timeout { message: String },
    #[error("Network error: {message}. Check connectivity to the Confluence site.")]
    Network { message: String },
    /// The credential's owner must authorize again (an OAuth session was revoked or expired):
    /// the provider knows, so no request was sent.
    #[error("Needs consent again: {message}.")]
    Reconnect { message: String },
}

fn forbidden_hint(scope: Option<&str>) -> String {
    match scope {
        Some(scope) => format!(
            "Grant the OAuth scope '{scope}' (reconnect with it) or ask a space admin for access."
        ),
        None => {
            "The account lacks a scope or a space/page permission; ask a space admin for access."
                .to_owned()
        }
    }
}

fn conflict_hint(current: Option<u64>, attempted: Option<u64>) -> String {
    match (current, attempted) {
        (Some(c), Some(a)) => format!(
            "Current version is {c}, the write was based on version {a}; re-read the content, merge, and retry."
        ),
        (Some(c), None) => format!("Current version is {c}; re-read the content and retry."),
        _ => "Re-read the content and retry.".to_owned(),
    }
}

fn retry_hint(after: Option<Duration>) -> String {
    match after {
        Some(d) => format!("Retry after {} s.", d.as_secs().max(1)),
        None => "Retry later.".to_owned(),
    }
}

impl Error {
    /// Whether the same request may succeed if sent again later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. }
                | Error::Upstream { .. }
                | Error::Timeout { .. }
                | Error::Network { .. }
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid {
            message: message.into(),
        }
    }

    pub(crate) fn upstream_decode(what: &str, e: impl std::fmt::Display) -> Error {
        Error::Upstream {
            status: 200,
            message: format!("unexpected {what} from Confluence: {e}"),
        }
    }
}

/// The human message inside a Confluence error body (v2 `errors[]`, v1 `message`, gateway
/// `message`), or the raw text when it is not JSON.
pub(crate) fn message_of(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        if let Some(errors) = v.get("errors").and_then(|e| e.as_array()) {
            let parts: Vec<String> = errors
                .iter()
                .filter_map(|e| {
                    let title = e.get("title").and_then(|t| t.as_str());
                    let detail = e.get("detail").and_then(|t| t.as_str());
                    match (title, detail) {
                        (Some(t), Some(d)) if !d.is_empty() => Some(format!("{t}: {d}")),
                        (Some(t), _) => Some(t.to_owned()),
                        (None, Some(d)) => Some(d.to_owned()),
                        _ => None,
                    }
                })
                .collect();
            if !parts.is_empty() {
                return Some(parts.join("; "));
            }
        }
        v.get("message").and_then(|m| m.as_str()).map(str::to_owned)
    });
    let text = from_json.unwrap_or_else(|| body.trim().to_owned());
    let mut text: String = text.chars().take(500).collect();
    if text.is_empty() {
        text = "no details given".to_owned();
    }
    text
}

/// The scope Confluence names in a 403 ("scope `write:page:confluence`" and similar).
pub(crate) fn scope_in(message: &str) -> Option<String> {
    let lower = message.to_ascii_lowercase();
    let at = lower.find("scope")?;
    message[at..]
        .split(|c: char| c.is_whitespace() || c == '\'' || c == '"' || c == '`' || c == ',')
        .skip(1)
        .map(|w| w.trim_end_matches(['.', ')', ']', ':', ';']))
        .find(|w| w.contains(':') && w.len() > 3)
        .map(str::to_owned)
}

/// "Current Version is: 7" → 7.
pub(crate) fn current_version_in(message: &str) -> Option<u64> {
    let lower = message.to_ascii_lowercase();
    let at = lower.find("current version")?;
    message[at..]
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

/// The error for a non-success answer.
pub(crate) fn classify(
    status: StatusCode,
    body: &str,
    retry_after: Option<Duration>,
    attempted_version: Option<u64>,
) -> Error {
    let message = message_of(body);
    match status.as_u16() {
        400 | 413 | 422 => Error::Invalid { message },
        401 => Error::Unauthorized { message },
        403 => Error::Forbidden {
            scope: scope_in(&message),
            message,
        },
        404 => Error::NotFound { message },
        409 => Error::Conflict {
            current_version: current_version_in(&message),
            attempted_version,
            message,
        },
        410 => Error::Gone { message },
        429 => Error::RateLimited {
            message,
            retry_after,
        },
        500..=599 => Error::Upstream {
            status: status.as_u16(),
            message,
        },
        other if (400..500).contains(&other) => Error::Invalid {
            message: format!("HTTP {other}: {message}"),
        },
        other => Error::Upstream {
            status: other,
            message: format!("unexpected HTTP {other}: {message}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_the_taxonomy() {
        let v2 = r#"{"errors":[{"status":409,"title":"Version must be incremented on update. Current Version is: 4"}]}"#;
        assert!(matches!(
            classify(StatusCode::CONFLICT, v2, None, Some(3)),
            Error::Conflict {
                current_version: Some(4),
                attempted_version: Some(3),
                ..
            }
        ));
        assert!(matches!(
            classify(StatusCode::GONE, "{}", None, None),
            Error::Gone { .. }
        ));
        assert!(matches!(
            classify(StatusCode::SERVICE_UNAVAILABLE, "", None, None),
            Error::Upstream { status: 503, .. }
        ));
    }

    #[test]
    fn reads_v2_v1_and_gateway_messages() {
        assert_eq!(
            message_of(r#"{"errors":[{"status":400,"title":"Bad CQL","detail":null}]}"#),
            "Bad CQL"
        );
        assert_eq!(message_of(r#"{"statusCode":410,"message":"gone"}"#), "gone");
        assert_eq!(message_of("plain"), "plain");
        assert_eq!(message_of(""), "no details given");
    }

    #[test]
    fn finds_scope_and_version() {
        assert_eq!(
            scope_in("Unauthorized; scope does not match: requires 'write:page:confluence'")
                .as_deref(),
            Some("write:page:confluence")
        );
        assert_eq!(scope_in("no permission"), None);
        assert_eq!(
            current_version_in("Version must be incremented on update. Current Version is: 7"),
            Some(7)
        );
    }

    #[test]
    fn messages_say_what_to_do() {
        let e = Error::Conflict {
            message: "x".into(),
            current_version: Some(3),
            attempted_version: Some(2),
        };
        assert!(e.to_string().contains("Current version is 3"));
        let e = Error::RateLimited {
            message: "slow".into(),
            retry_after: Some(Duration::from_secs(4)),
        };
        assert!(e.to_string().contains("Retry after 4 s"));
    }
}
