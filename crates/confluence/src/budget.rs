//! A client-side rate budget per credential: a token bucket (default 10 requests/s) and a cap
//! on requests in flight, so the client slows itself down before Atlassian answers 429.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Clone, Debug)]
pub struct BudgetConfig {
    /// Steady requests per second; 0 or less disables the bucket.
    pub requests_per_second: f64,
    /// Requests that may go at once above the steady rate. Kept below Atlassian's burst so
    /// network jitter does not push us over the server's limit.
    pub burst: u32,
    /// Requests in flight at once.
    pub max_concurrent: usize,
}

impl Default for BudgetConfig {
    fn default() -> Self {
        BudgetConfig {
            requests_per_second: 10.0,
            burst: 5,
            max_concurrent: 8,
        }
    }
}

struct Bucket {
    /// May go negative: each waiter reserves its slot and sleeps until it comes.
    tokens: f64,
    last: Instant,
}

/// Shared by every client that uses the same credential (clone the `Arc`).
pub struct RateBudget {
    config: BudgetConfig,
    bucket: Mutex<Bucket>,
    in_flight: Arc<Semaphore>,
}

/// Held while a request is in flight.
pub struct Admission {
    _permit: Option<OwnedSemaphorePermit>,
}

impl RateBudget {
    pub fn new(config: BudgetConfig) -> Arc<RateBudget> {
        let burst = f64::from(config.burst.max(1));
        let permits = config.max_concurrent.max(1);
        Arc::new(RateBudget {
            bucket: Mutex::new(Bucket {
                tokens: burst,
                last: Instant::now(),
            }),
            in_flight: Arc::new(Semaphore::new(permits)),
            config,
        })
    }

    pub fn config(&self) -> &BudgetConfig {
        &self.config
    }

    /// How long the caller must wait before its request fits the budget (reserving the slot).
    fn reserve(&self) -> Duration {
        let rate = self.config.requests_per_second;
        if rate <= 0.0 {
            return Duration::ZERO;
        }
        let burst = f64::from(self.config.burst.max(1));
        let mut bucket = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let refill = now.duration_since(bucket.last).as_secs_f64() * rate;
        bucket.tokens = (bucket.tokens + refill).min(burst);
        bucket.last = now;
        bucket.tokens -= 1.0;
        if bucket.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-bucket.tokens / rate)
        }
    }

    /// Waits for a concurrency slot, then for a rate slot.
    pub async fn admit(&self) -> Admission {
        let permit = self.in_flight.clone().acquire_owned().await.ok();
        let wait = self.reserve();
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Admission { _permit: permit }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_spaced_reservations() {
        let budget = RateBudget::new(BudgetConfig {
            requests_per_second: 10.0,
            burst: 2,
            max_concurrent: 4,
        });
        assert!(budget.reserve().is_zero());
        assert!(budget.reserve().is_zero());
        let third = budget.reserve();
        let fourth = budget.reserve();
        assert!(third > Duration::from_millis(80) && third <= Duration::from_millis(100));
        assert!(fourth > Duration::from_millis(180) && fourth <= Duration::from_millis(200));
    }

    #[test]
    fn zero_rate_never_waits() {
        let budget = RateBudget::new(BudgetConfig {
            requests_per_second: 0.0,
            burst: 1,
            max_concurrent: 1,
        });
        for _ in 0..100 {
            assert!(budget.reserve().is_zero());
        }
    }
}
