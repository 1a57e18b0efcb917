//! Per-user rate limiting as Atlassian does it: a token bucket per account, 429 with
//! `Retry-After` and `X-RateLimit-*` headers when it runs dry.

use crate::auth::{Caller, flavor_of};
use crate::errors::ApiError;
use crate::state::{AppState, Stats};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

struct Bucket {
    tokens: f64,
    last: Instant,
}

pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// The outcome for one request.
pub enum Admission {
    Allowed { remaining: u32 },
    Limited { retry_after_secs: u64 },
}

impl RateLimiter {
    /// `rate` requests per second per user; 0 disables limiting.
    pub fn new(rate: f64, burst: u32) -> RateLimiter {
        RateLimiter {
            rate,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.rate > 0.0
    }

    pub fn admit(&self, key: &str) -> Admission {
        if !self.enabled() {
            return Admission::Allowed {
                remaining: u32::MAX,
            };
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: self.burst,
            last: now,
        });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.last).as_secs_f64() * self.rate)
            .min(self.burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Admission::Allowed {
                remaining: bucket.tokens as u32,
            }
        } else {
            let wait = (1.0 - bucket.tokens) / self.rate;
            Admission::Limited {
                retry_after_secs: wait.ceil().max(1.0) as u64,
            }
        }
    }
}

/// Middleware after authentication: limits by the caller's account, never by connection.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(caller) = req.extensions().get::<Caller>() else {
        return next.run(req).await;
    };
    let limit = state.config.rate_limit_rps;
    match state.limiter.admit(&caller.account_id) {
        Admission::Allowed { remaining } => {
            let mut response = next.run(req).await;
            if state.limiter.enabled() {
                let headers = response.headers_mut();
                if let Ok(v) = HeaderValue::from_str(&format!("{limit}")) {
                    headers.insert("X-RateLimit-Limit", v);
                }
                headers.insert("X-RateLimit-Remaining", HeaderValue::from(remaining));
            }
            response
        }
        Admission::Limited { retry_after_secs } => {
            Stats::bump(&state.stats.rate_limited);
            too_many_requests(
                flavor_of(req.uri().path()),
                limit,
                retry_after_secs,
                "per-user rate limit",
            )
        }
    }
}

/// A 429 with the headers Atlassian sends.
pub fn too_many_requests(
    flavor: crate::errors::Flavor,
    limit: f64,
    retry_after_secs: u64,
    reason: &str,
) -> Response {
    let reset = chrono::Utc::now() + chrono::Duration::seconds(retry_after_secs as i64);
    ApiError::new(
        flavor,
        StatusCode::TOO_MANY_REQUESTS,
        format!("Rate limit exceeded ({reason}); retry after {retry_after_secs} s"),
    )
    .with_header("Retry-After", retry_after_secs.to_string())
    .with_header("X-RateLimit-Limit", format!("{limit}"))
    .with_header("X-RateLimit-Remaining", "0")
    .with_header(
        "X-RateLimit-Reset",
        reset.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
    .with_header("RateLimit-Reason", reason.replace(' ', "-"))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_limited_with_retry_after() {
        let limiter = RateLimiter::new(2.0, 3);
        for _ in 0..3 {
            assert!(matches!(limiter.admit("a"), Admission::Allowed { .. }));
        }
        assert!(matches!(
            limiter.admit("a"),
            Admission::Limited {
                retry_after_secs: 1
            }
        ));
        // Another user has a bucket of their own.
        assert!(matches!(limiter.admit("b"), Admission::Allowed { .. }));
    }

    #[test]
    fn zero_rate_disables() {
        let limiter = RateLimiter::new(0.0, 1);
        for _ in 0..100 {
            assert!(matches!(limiter.admit("a"), Admission::Allowed { .. }));
        }
    }
}
