//! Per-agent call rate limit: one token bucket per agent name, shared by every session,
//! server and transport of that agent (never keyed by session, so reconnecting does not reset
//! it). In-process for now; a shared store replaces the map when replicas arrive.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateLimitConfig;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
    /// Per (agent, policy rule) buckets for rules with `rate_per_minute`.
    rule_buckets: Mutex<HashMap<(String, String), Bucket>>,
}

impl RateLimiter {
    pub fn new(config: &RateLimitConfig) -> RateLimiter {
        RateLimiter {
            rate: config.calls_per_second.max(0.0),
            burst: f64::from(config.burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
            rule_buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The sustained rate (calls per second); 0 means unlimited.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Takes one token for `agent`, or says how long to wait for one.
    pub fn check(&self, agent: &str, now: Instant) -> Result<(), Duration> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(agent.to_owned()).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / self.rate))
        }
    }
}

impl RateLimiter {
    /// Takes one token for `agent` under policy rule `rule`, which allows `per_minute` calls
    /// a minute (up to a minute's worth at once), or says how long to wait.
    pub fn check_rule(
        &self,
        agent: &str,
        rule: &str,
        per_minute: u32,
        now: Instant,
    ) -> Result<(), Duration> {
        let rate = f64::from(per_minute.max(1)) / 60.0;
        let burst = f64::from(per_minute.max(1));
        let mut buckets = self.rule_buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets
            .entry((agent.to_owned(), rule.to_owned()))
            .or_insert(Bucket {
                tokens: burst,
                updated: now,
            });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_steady_rate_per_agent() {
        let limiter = RateLimiter::new(&RateLimitConfig {
            calls_per_second: 10.0,
            burst: 3,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check("a", t0).is_ok());
        }
        let wait = limiter.check("a", t0).err().unwrap_or_default();
        assert!(wait > Duration::ZERO && wait <= Duration::from_millis(100));
        // Another agent has its own bucket.
        assert!(limiter.check("b", t0).is_ok());
        // 100 ms later one more call is allowed.
        assert!(limiter.check("a", t0 + Duration::from_millis(100)).is_ok());
        assert!(limiter.check("a", t0 + Duration::from_millis(100)).is_err());
    }
}
