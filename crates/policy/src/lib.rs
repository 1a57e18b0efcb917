//! Access policy for the gateway: who may call which tool on which virtual server, on what
//! content. Pure: no I/O besides parsing TOML text, so the gateway, the CLI (`policy explain`,
//! `policy check`) and benchmarks share one evaluation.
//!
//! Model:
//! - **Rules** ([`RuleConfig`]), each with an `id` and an `effect` (`allow`, `deny`,
//!   `require_approval`), match on *who* (agent names, roles), *where* (virtual servers),
//!   *what* (tool names, toolset selectors, action classes) and *on what* (spaces by key,
//!   page subtrees, labels, content types). An empty condition matches anything.
//! - **Decision**: of the rules matching a call, a `deny` wins over `require_approval`, which
//!   wins over `allow`; no matching rule means deny (default deny). A decision names the rule
//!   that made it ([`Verdict`]).
//! - **Two steps**, so the per-resource step is cheap: [`Policy::grant`] picks the rules that
//!   match the agent, server and tool once per call ([`ToolGrant`], which also decides whether
//!   the tool is visible at all); [`ToolGrant::decide`] then checks each resolved resource
//!   against those rules only. Everything is precompiled to sets; space keys are compared in
//!   ASCII upper case without allocating.

mod compile;
mod decide;
mod keys;
mod model;

pub use compile::{Known, Policy, PolicyError, Rule, line_col};
pub use decide::{
    Explanation, Resource, RuleMatch, SpaceScope, Subject, ToolGrant, ToolRef, Verdict,
};
pub use keys::{KeyError, MAX_KEY_LEN, normalize_space_key, valid_page_id};
pub use model::{Action, ContentType, Effect, PolicyFile, RuleConfig, parse_policy_file};

#[cfg(test)]
mod tests;
