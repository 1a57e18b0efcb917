//! State shared by every handler of one emulator instance.

use crate::config::EmulatorConfig;
use crate::faults::FaultInjector;
use crate::oauth::OAuthServer;
use crate::ratelimit::RateLimiter;
use crate::store::Store;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub config: EmulatorConfig,
    /// `http://HOST:PORT` the emulator is reachable at (the site URL; the wiki is below `/wiki`).
    pub site_url: String,
    pub cloud_id: String,
    store: RwLock<Store>,
    pub oauth: OAuthServer,
    pub limiter: RateLimiter,
    pub faults: FaultInjector,
    pub stats: Stats,
}

/// Counters the admin endpoint reports, so tests can assert on what clients caused.
#[derive(Default)]
pub struct Stats {
    pub api_requests: AtomicU64,
    pub rate_limited: AtomicU64,
    pub faults_injected: AtomicU64,
    pub connections_dropped: AtomicU64,
}

impl Stats {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl AppState {
    pub fn new(config: EmulatorConfig, site_url: String, store: Store) -> AppState {
        let cloud_id = cloud_id_for(config.seed_rng);
        AppState(Arc::new(Shared {
            oauth: OAuthServer::new(&config),
            limiter: RateLimiter::new(config.rate_limit_rps, config.rate_limit_burst),
            faults: FaultInjector::new(config.faults.clone(), config.seed_rng),
            config,
            site_url,
            cloud_id,
            store: RwLock::new(store),
            stats: Stats::default(),
        }))
    }

    pub fn shared(&self) -> &Shared {
        &self.0
    }

    /// Readers never see a half-applied write; a panicked writer leaves the last whole state.
    pub fn read(&self) -> RwLockReadGuard<'_, Store> {
        self.0
            .store
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, Store> {
        self.0
            .store
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `http://HOST:PORT/wiki`, the `_links.base` of every response.
    pub fn wiki_base(&self) -> String {
        format!("{}/wiki", self.0.site_url)
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// A stable, UUID-shaped cloud id derived from the seed, so scripts can rely on it.
fn cloud_id_for(seed: u64) -> String {
    let mut rng = crate::rng::SplitMix64::new(seed ^ 0xC10D);
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a & 0xfff) as u16,
        (b >> 48) as u16 & 0xfff,
        b & 0xffff_ffff_ffff
    )
}
