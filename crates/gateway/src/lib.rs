//! The Confluence MCP gateway: one process between AI agents (MCP clients) and Confluence.
//!
//! Follow one call from the socket to Confluence and back:
//!
//! ```text
//! HTTP ─▶ mcp::http   Host/Origin check → agent key (401) → server's agent list (403)
//!      ─▶ rmcp StreamableHttpService (stateless, JSON-RPC) ─▶ mcp::handler (ServerHandler)
//!      ─▶ pipeline::Pipeline::call
//!           tool lookup → validate arguments → rate limit → authorize → DLP on outgoing
//!           content (writes) → execute (tools/<family>.rs via crates/confluence) → shape
//!           (size caps, continuation hints, outputFormat) → DLP on the result → audit
//!           (journaled before the answer, then hash-chained into the store; sinks)
//! stdio ─▶ mcp::stdio (the agent comes from a key in an environment variable) ─▶ same handler
//! ```
//!
//! Configuration is one TOML file ([`config`]); [`runtime::Runtime`] is everything built from
//! it (connections, DLP engines, the tool catalog, compiled schemas) and is swapped whole on
//! reload. State lives in [`store`] (SQLite under `data_dir`): agents added with the CLI,
//! picked up by a running gateway within a second. [`vault`] owns the OAuth sessions of
//! `oauth` connections (sealed tokens, single-flight refresh). Tool families live one per file under [`tools`]; adding one touches that file and
//! one line in [`tools::catalog`].

pub mod agents;
pub mod audit;
pub mod authorize;
pub mod config;
pub mod demo;
pub mod error;
pub mod extract;
pub mod mcp;
pub mod memo;
pub mod metrics;
pub mod pipeline;
pub mod ratelimit;
pub mod redact;
pub mod runtime;
pub mod shape;
pub mod store;
pub mod tools;
pub mod vault;
