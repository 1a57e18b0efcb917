//! A typed Confluence Cloud REST client: v2 resources and v1 CQL search, every auth mode
//! (API token, OAuth through Atlassian's gateway, caller-managed tokens), pagination as async
//! streams, retries with backoff and a client-side rate budget, and errors that say what to do.
//! It knows nothing about MCP.
//!
//! ```no_run
//! # async fn demo() -> confluence::Result<()> {
//! use confluence::{AuthMode, Client, ClientConfig, PageCaps, Secret, collect};
//! let client = Client::new(
//!     AuthMode::ApiToken {
//!         site_url: "https://acme.atlassian.net".into(),
//!         email: "me@acme.test".into(),
//!         token: Secret::new("api-token"),
//!     },
//!     ClientConfig::default(),
//! )?;
//! let hits = collect(client.search("type = page AND text ~ \"runbook\"", PageCaps::items(20))).await?;
//! # let _ = hits;
//! # Ok(())
//! # }
//! ```
//!
//! Share one [`Client`] (or one [`RateBudget`] via [`ClientConfig::shared_budget`]) per
//! credential: the rate budget and the concurrency cap are per budget.

pub mod attachments;
pub mod auth;
pub mod blogposts;
pub mod budget;
pub mod client;
pub mod comments;
pub mod error;
pub mod labels;
pub mod models;
pub mod observe;
pub mod pages;
pub mod paginate;
pub mod search;
pub mod spaces;
pub mod users;

pub use attachments::{Download, NewAttachment};
pub use auth::{AuthMode, BoxFuture, CredentialProvider, Secret, StaticToken};
pub use blogposts::{BlogPostQuery, NewBlogPost};
pub use budget::{BudgetConfig, RateBudget};
pub use client::{Client, ClientConfig, RetryPolicy, install_crypto_provider};
pub use comments::{CommentContainer, CommentEdit, CommentKind, CommentPage, InlineAnchor};
pub use error::{Error, Result};
pub use labels::{LabelError, LabelTarget, normalize_label};
pub use pages::{ContentEdit, NewPage, PageQuery};
pub use paginate::{ListPage, PageCaps, Paged, collect};
pub use spaces::{NewSpace, SpaceQuery, SpaceUpdate};
