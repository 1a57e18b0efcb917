//! The independent fidelity scanner, shared with the `compare_mcp_atlassian` example; see
//! `support/fidelity.rs`.
#![allow(dead_code)]

#[path = "../../support/fidelity.rs"]
mod fidelity;

pub use fidelity::*;
