//! State shared by every handler of one emulator instance.

use crate::config::EmulatorConfig;
use crate::faults::FaultInjector;
use crate::oauth::OAuthServer;
use crate::ratelimit::RateLimiter;
use crate::store::Store;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::cql_eval::TextIndex;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub config: EmulatorConfig,
    /// `http://HOST:PORT` the emulator is reachable at (the site URL; the wiki is below `/wiki`).
    pub site_url: String,
    pub cloud_id: String,
    store: RwLock<Store>,
    /// Bumped on every write to the store; tells whether `text_index` is current.
    generation: AtomicU64,
    /// The search index of the latest generation a search has needed.
    text_index: Mutex<Arc<TextIndex>>,
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
            generation: AtomicU64::new(1),
            text_index: Mutex::new(Arc::new(TextIndex::default())),
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

    /// Every write starts a new generation (bumped while the lock is held, so a reader
    /// never pairs a generation with another state of the store).
    pub fn write(&self) -> RwLockWriteGuard<'_, Store> {
        let guard = self
            .0
            .store
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.0.generation.fetch_add(1, Ordering::AcqRel);
        guard
    }

    /// The search index of `store`, which must be this state's store under a read guard
    /// from [`AppState::read`]: rebuilt when the store changed since it was last built.
    /// Concurrent searches after a write wait for one rebuild.
    pub fn text_index(&self, store: &Store) -> Arc<TextIndex> {
        let generation = self.0.generation.load(Ordering::Acquire);
        let mut cached = self
            .0
            .text_index
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if cached.generation() != generation {
            *cached = Arc::new(TextIndex::build(store, generation));
        }
        cached.clone()
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
