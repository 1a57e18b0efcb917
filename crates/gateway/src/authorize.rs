//! The authorization stage. [`Authorizer`] is the hook the policy issue fills; until then
//! [`RoleAuthorizer`] allows a tool when one of the agent's roles selects its toolset
//! (`[roles]` in the configuration). Anything not granted is denied.

use std::collections::BTreeMap;

use crate::agents::Agent;
use crate::config::{RoleConfig, ServerConfig};
use crate::tools::catalog::{ToolSpec, selects};

/// What the authorization stage decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refused; the reason is shown to the agent.
    Deny(String),
}

/// Decides whether an agent may call a tool on a server. Called before any upstream call.
pub trait Authorizer: Send + Sync {
    fn authorize(&self, agent: &Agent, server: &ServerConfig, tool: &ToolSpec) -> Decision;

    /// The decision and the id of the rule that made it, for the audit trail.
    fn decide(
        &self,
        agent: &Agent,
        server: &ServerConfig,
        tool: &ToolSpec,
    ) -> (Decision, Option<String>) {
        (self.authorize(agent, server, tool), None)
    }
}

/// Role → toolset selectors; default deny.
pub struct RoleAuthorizer {
    roles: BTreeMap<String, RoleConfig>,
}

impl RoleAuthorizer {
    pub fn new(roles: BTreeMap<String, RoleConfig>) -> RoleAuthorizer {
        RoleAuthorizer { roles }
    }
}

impl Authorizer for RoleAuthorizer {
    fn decide(
        &self,
        agent: &Agent,
        server: &ServerConfig,
        tool: &ToolSpec,
    ) -> (Decision, Option<String>) {
        let decision = self.authorize(agent, server, tool);
        let rule = match &decision {
            Decision::Allow => agent
                .roles
                .iter()
                .find(|role| {
                    self.roles
                        .get(*role)
                        .is_some_and(|r| r.toolsets().iter().any(|s| selects(s, tool)))
                })
                .map(|role| format!("role:{role}")),
            Decision::Deny(_) => Some("default-deny".to_owned()),
        };
        (decision, rule)
    }

    fn authorize(&self, agent: &Agent, _server: &ServerConfig, tool: &ToolSpec) -> Decision {
        let granted = agent.roles.iter().any(|role| {
            self.roles
                .get(role)
                .is_some_and(|r| r.toolsets().iter().any(|s| selects(s, tool)))
        });
        if granted {
            Decision::Allow
        } else {
            Decision::Deny(format!(
                "agent '{}' (roles: {}) may not call '{}' (toolset {}{})",
                agent.name,
                if agent.roles.is_empty() {
                    "none".to_owned()
                } else {
                    agent.roles.join(", ")
                },
                tool.name,
                tool.toolset,
                if tool.read_only() {
                    ", read"
                } else {
                    ", write"
                }
            ))
        }
    }
}
