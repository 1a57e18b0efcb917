//! Start-up settings of one emulator instance (the CLI flags map onto these one to one).

use crate::faults::FaultSpec;
use std::net::SocketAddr;

/// Which data the emulator starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SeedKind {
    /// A realistic wiki: spaces, page trees, blog posts, comments, attachments, planted secrets.
    Demo,
    /// Users and nothing else, for tests that build their own content.
    Empty,
}

#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    pub listen: SocketAddr,
    pub seed: SeedKind,
    /// Seeds the deterministic generator: the same value always builds the same wiki.
    pub seed_rng: u64,
    /// Extra generated pages (spread over the demo spaces) for benchmarks.
    pub extra_pages: usize,
    /// OAuth access-token lifetime.
    pub token_ttl_secs: u64,
    /// How long a rotated refresh token may still be used before reuse revokes its family.
    pub refresh_leeway_secs: u64,
    /// Per-user request rate; 0 disables rate limiting.
    pub rate_limit_rps: f64,
    /// Requests a user may make at once above the steady rate.
    pub rate_limit_burst: u32,
    pub faults: FaultSpec,
    /// OAuth client credentials the emulator accepts.
    pub client_id: String,
    pub client_secret: String,
    /// Largest request body accepted (attachments included); larger gets 413.
    pub max_body_bytes: usize,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: SeedKind::Empty,
            seed_rng: 42,
            extra_pages: 0,
            token_ttl_secs: 3600,
            refresh_leeway_secs: 600,
            rate_limit_rps: 10.0,
            rate_limit_burst: 10,
            faults: FaultSpec::default(),
            client_id: "emulator-client".to_owned(),
            client_secret: "emulator-client-secret".to_owned(),
            max_body_bytes: 20 * 1024 * 1024,
        }
    }
}
