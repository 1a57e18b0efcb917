//! Tool families, one module each, and what they share: the registry ([`catalog`]), access
//! policy enforcement ([`guard`]) and body rendering helpers ([`body`]).
//!
//! A family module exposes `pub fn tools() -> Vec<catalog::ToolSpec>` and is listed once in
//! [`catalog::FAMILIES`]. Its handlers are plain `async fn(ToolContext, Args) ->
//! Result<ToolOutput, ToolError>`; argument types derive `Deserialize` + `JsonSchema` (their
//! doc comments are what models read), outputs derive `Serialize` + `JsonSchema`.

pub mod attachments;
pub mod blogposts;
pub mod body;
pub mod catalog;
pub mod comments;
pub mod guard;
pub mod labels;
pub mod pages;
pub mod spaces;
pub mod users;
