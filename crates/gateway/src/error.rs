//! Errors a tool call can end in. Each reaches the agent as an MCP tool error (`isError`)
//! whose text says what happened and what to do next; none carries internals, tokens or
//! upstream bodies beyond Confluence's own short message.

/// A failed tool call, as the agent will read it.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// Arguments failed the tool's input schema or a tool-specific rule. `field` names the
    /// argument (a JSON Pointer such as `/max_chars`, or `(root)`).
    #[error("Invalid argument {field}: {message}. Fix the argument and call the tool again.")]
    InvalidArgument { field: String, message: String },
    /// The agent may not do this (a policy rule, a read-only server).
    #[error("Forbidden: {0}. Ask the gateway's admin for access; retrying will not help.")]
    Forbidden(String),
    /// A policy rule requires a human's approval for this call; the approval flow does not
    /// exist yet, so the call is refused.
    #[error(
        "Approval required: {0}. Approvals are not available in this gateway yet; ask a human to do it in Confluence or ask the gateway's admin to change the policy."
    )]
    ApprovalRequired(String),
    /// The agent exceeded its call rate.
    #[error(
        "Rate limited: this agent may make {limit} calls per second. Wait {retry_after_ms} ms, then retry."
    )]
    RateLimited { limit: f64, retry_after_ms: u64 },
    /// Data loss prevention refused content in the result or in content to be written.
    #[error(
        "Blocked by data loss prevention: {detector} ({category}) found in {place}. {}",
        blocked_hint(place)
    )]
    Blocked {
        detector: String,
        category: String,
        place: &'static str,
    },
    /// The call took longer than the server's timeout.
    #[error(
        "Timed out after {0} s. Narrow the request (smaller limit, max_chars, or a more specific query) or retry later."
    )]
    Timeout(u64),
    /// Confluence answered with an error (its message already says what to do).
    #[error("{0}")]
    Confluence(#[from] confluence::Error),
    /// A resource the agent named does not exist or is outside its scope.
    #[error("Not found: {0}. Check the id, title or space key (use `search` to find pages).")]
    NotFound(String),
    /// A content conversion failed (malformed storage, Markdown too large or too deep).
    #[error(
        "Content could not be converted: {0}. Send storage format instead, or smaller content."
    )]
    Content(String),
    /// An attachment's file cannot be read or accepted (too large, unsupported type, damaged);
    /// the message says which and what to do.
    #[error("{0}")]
    File(String),
    /// The call's audit event could not be stored and the audit mode is `fail_closed`: the
    /// result is withheld, since no call may go unrecorded.
    #[error(
        "Refused: the gateway's audit trail cannot record this call ({0}), and calls are not served unrecorded. Retry in a minute; if it persists, tell the gateway's admin."
    )]
    AuditUnavailable(String),
    /// Anything else; the message is safe to show and names no internals.
    #[error("Internal gateway error: {0}. Retry; if it persists, tell the gateway's admin.")]
    Internal(String),
}

fn blocked_hint(place: &str) -> &'static str {
    if place == "the content to write" {
        "Remove the secret or personal data from the content and write again."
    } else {
        "The content cannot be shown to this agent; ask a human to read it in Confluence."
    }
}

impl ToolError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ToolError {
        ToolError::InvalidArgument {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A short machine-friendly kind for audit records.
    pub fn kind(&self) -> &'static str {
        match self {
            ToolError::InvalidArgument { .. } => "invalid_argument",
            ToolError::Forbidden(_) => "forbidden",
            ToolError::ApprovalRequired(_) => "approval_required",
            ToolError::RateLimited { .. } => "rate_limited",
            ToolError::Blocked { .. } => "dlp_blocked",
            ToolError::Timeout(_) => "timeout",
            ToolError::Confluence(e) => match e {
                confluence::Error::Unauthorized { .. } => "upstream_unauthorized",
                confluence::Error::Reconnect { .. } => "needs_reconsent",
                confluence::Error::Forbidden { .. } => "upstream_forbidden",
                confluence::Error::NotFound { .. } => "not_found",
                confluence::Error::Conflict { .. } => "conflict",
                confluence::Error::RateLimited { .. } => "upstream_rate_limited",
                confluence::Error::Invalid { .. } => "upstream_invalid",
                _ => "upstream_error",
            },
            ToolError::NotFound(_) => "not_found",
            ToolError::Content(_) => "content",
            ToolError::File(_) => "file",
            ToolError::AuditUnavailable(_) => "audit_unavailable",
            ToolError::Internal(_) => "internal",
        }
    }

    /// The text the agent reads. Upstream 401s say what the admin must do, since the agent
    /// cannot fix the gateway's Confluence credential itself.
    pub fn agent_text(&self) -> String {
        match self {
            ToolError::Confluence(confluence::Error::Unauthorized { .. }) => {
                "Confluence rejected the gateway's credential for this agent's connection. \
                 The gateway's admin must renew it (new API token or sign-in); retrying will not help."
                    .to_owned()
            }
            // The vault's own words: which connection, and the command that reconnects it.
            ToolError::Confluence(confluence::Error::Reconnect { message }) => format!(
                "Confluence access for this agent is paused: {message}. Retrying will not help \
                 until then; tell the gateway's admin."
            ),
            ToolError::Confluence(confluence::Error::Forbidden { .. }) => format!(
                "{self} The gateway's connection lacks this permission in Confluence."
            ),
            other => other.to_string(),
        }
    }
}

impl From<content::ContentError> for ToolError {
    fn from(e: content::ContentError) -> Self {
        ToolError::Content(e.to_string())
    }
}
