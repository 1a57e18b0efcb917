//! The authorization stage: the access policy (crate `policy`, compiled from `[policy]`)
//! decides each call in two steps. Here, per call: which rules apply to this agent, server and
//! tool ([`grant`]), whether the tool is visible and callable at all, and which allow rule's
//! limits apply. Inside the tool, per resource: [`crate::tools::guard::Guard`] checks every
//! space, page, blog post, comment and attachment the call touches against the same grant.
//! Default deny: a tool no rule allows is not listed, and calling it by name gets the same
//! error as an unknown tool.

use policy::{Effect, Policy, Subject, ToolGrant};

use crate::agents::Agent;
use crate::config::ServerConfig;
use crate::error::ToolError;
use crate::tools::catalog::ToolSpec;

/// The rules that apply to `agent` calling `tool` on `server`.
pub fn grant(policy: &Policy, agent: &Agent, server: &ServerConfig, tool: &ToolSpec) -> ToolGrant {
    policy.grant(
        &Subject {
            agent: &agent.name,
            roles: &agent.roles,
        },
        &tool.policy_ref(&server.name),
    )
}

/// Whether the tool is listed (and callable by name): some rule allows it, or requires
/// approval for it, and no rule without resource conditions denies it.
pub fn visible(grant: &ToolGrant) -> bool {
    grant.verdict.effect != Effect::Deny
}

/// The tool-level decision as the agent reads it: approval needed names the rule.
pub fn enforce(policy: &Policy, grant: &ToolGrant, tool: &ToolSpec) -> Result<(), ToolError> {
    match grant.verdict.effect {
        Effect::Allow => Ok(()),
        Effect::RequireApproval => Err(ToolError::ApprovalRequired(format!(
            "{} needs a human's approval ({})",
            tool.name,
            grant.verdict.describe(policy)
        ))),
        Effect::Deny => Err(ToolError::Forbidden(format!(
            "{} is not allowed for this agent ({})",
            tool.name,
            grant.verdict.describe(policy)
        ))),
    }
}
