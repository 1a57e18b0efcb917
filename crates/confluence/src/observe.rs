//! What the client did, for the caller's audit and metrics: per-call [`CallStats`] (time spent
//! in the client, requests sent, the last HTTP status, 429s and retries) attached to a clone of
//! the client with [`crate::Client::observed`], and process-wide [`totals`] for metrics. No
//! URLs, bodies or tokens are kept.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Counters for one caller (one tool call). Cheap to update from concurrent requests.
#[derive(Debug, Default)]
pub struct CallStats {
    inner: Mutex<StatsSnapshot>,
}

/// A copy of [`CallStats`].
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Wall time spent inside the client (rate budget waits, requests, retries, reading bodies).
    pub time: Duration,
    /// HTTP requests sent (retries included).
    pub requests: u32,
    /// The last HTTP status Confluence answered, if any answer came.
    pub last_status: Option<u16>,
    /// 429 answers.
    pub throttled: u32,
    /// Requests sent again after a failure.
    pub retries: u32,
}

impl CallStats {
    pub fn snapshot(&self) -> StatsSnapshot {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, StatsSnapshot> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn add_time(&self, spent: Duration) {
        self.lock().time += spent;
    }

    pub(crate) fn answered(&self, status: Option<u16>) {
        let mut s = self.lock();
        s.requests += 1;
        if status.is_some() {
            s.last_status = status;
        }
        if status == Some(429) {
            s.throttled += 1;
        }
    }

    pub(crate) fn retried(&self) {
        self.lock().retries += 1;
    }
}

/// Process-wide counters since start (for Prometheus).
#[derive(Debug, Default)]
pub struct Totals {
    pub requests: AtomicU64,
    pub throttled: AtomicU64,
    pub retries: AtomicU64,
    /// Credential refreshes after a 401 (OAuth connections; stays 0 with API tokens).
    pub token_refreshes: AtomicU64,
}

static TOTALS: Totals = Totals {
    requests: AtomicU64::new(0),
    throttled: AtomicU64::new(0),
    retries: AtomicU64::new(0),
    token_refreshes: AtomicU64::new(0),
};

/// The process-wide counters.
pub fn totals() -> &'static Totals {
    &TOTALS
}

pub(crate) fn count(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}
