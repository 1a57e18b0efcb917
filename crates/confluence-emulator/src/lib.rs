//! A faithful in-memory Confluence Cloud, served over real HTTP for tests, benchmarks and the
//! gateway's `demo`.
//!
//! It serves both ways real clients reach Confluence: site style (`/wiki/...`, Basic
//! `email:api-token`) and Atlassian's OAuth gateway style (`/ex/confluence/{cloudId}/wiki/...`,
//! Bearer access tokens from its own OAuth 2.0 (3LO) server). Around every API call sit the
//! behaviours that hurt in production: per-user permissions, rate limits, and injected faults.

pub mod admin;
pub mod auth;
pub mod config;
pub mod cql_eval;
pub mod errors;
pub mod faults;
pub mod info;
pub mod oauth;
pub mod pagination;
pub mod params;
pub mod ratelimit;
pub mod render;
pub mod rng;
pub mod seed;
pub mod server;
pub mod state;
pub mod store;
pub mod v1;
pub mod v2;

pub use config::{EmulatorConfig, SeedKind};
pub use info::EmulatorInfo;
pub use server::{RunningEmulator, StartError, start};
pub use state::AppState;
