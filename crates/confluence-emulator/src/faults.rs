//! Fault injection: the upstream misbehaviour that hurts gateways in production (errors,
//! latency, dropped connections, 429 storms), switchable at start and at run time.

use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;
use thiserror::Error;

/// Which faults to inject, as fractions of API requests.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultSpec {
    /// Fraction of requests answered with a server error.
    pub error_rate: f64,
    /// Statuses to pick from for server errors (default 500 and 503).
    pub error_statuses: Vec<u16>,
    /// Added to every API request.
    pub latency_ms: u64,
    /// Fraction of requests whose connection is closed without an answer.
    pub drop_rate: f64,
    /// Fraction of requests answered 429 whatever the user's budget (a "429 storm").
    pub throttle_rate: f64,
    /// `Retry-After` seconds sent with storm 429s.
    pub throttle_retry_after_secs: u64,
}

#[derive(Debug, Error)]
#[error("invalid fault spec '{spec}': {reason}")]
pub struct FaultSpecError {
    spec: String,
    reason: String,
}

impl FaultSpec {
    /// Parses `error=0.1,status=500|503,latency=200,drop=0.05,throttle=0.2,retry-after=2`.
    pub fn parse(spec: &str) -> Result<FaultSpec, FaultSpecError> {
        let fail = |reason: String| FaultSpecError {
            spec: spec.to_owned(),
            reason,
        };
        let mut out = FaultSpec::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| fail(format!("'{part}' is not key=value")))?;
            let fraction = |v: &str| -> Result<f64, FaultSpecError> {
                let f: f64 = v.parse().map_err(|_| {
                    fail(format!("'{key}' needs a number between 0 and 1, got '{v}'"))
                })?;
                if (0.0..=1.0).contains(&f) {
                    Ok(f)
                } else {
                    Err(fail(format!("'{key}' must be between 0 and 1, got {f}")))
                }
            };
            let whole = |v: &str| -> Result<u64, FaultSpecError> {
                v.parse()
                    .map_err(|_| fail(format!("'{key}' needs a whole number, got '{v}'")))
            };
            match key {
                "error" => out.error_rate = fraction(value)?,
                "status" => {
                    out.error_statuses = value
                        .split('|')
                        .map(|s| {
                            s.parse::<u16>()
                                .ok()
                                .filter(|c| (500..600).contains(c))
                                .ok_or_else(|| fail(format!("'{s}' is not a 5xx status")))
                        })
                        .collect::<Result<_, _>>()?
                }
                "latency" => out.latency_ms = whole(value)?,
                "drop" => out.drop_rate = fraction(value)?,
                "throttle" => out.throttle_rate = fraction(value)?,
                "retry-after" => out.throttle_retry_after_secs = whole(value)?,
                other => {
                    return Err(fail(format!(
                        "unknown key '{other}' (use error, status, latency, drop, throttle, retry-after)"
                    )));
                }
            }
        }
        Ok(out)
    }

    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("error_rate", self.error_rate),
            ("drop_rate", self.drop_rate),
            ("throttle_rate", self.throttle_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{name} must be between 0 and 1"));
            }
        }
        if let Some(bad) = self
            .error_statuses
            .iter()
            .find(|s| !(500..600).contains(*s))
        {
            return Err(format!("error_statuses: {bad} is not a 5xx status"));
        }
        Ok(())
    }
}

/// What to do to one request.
#[derive(Debug, PartialEq, Eq)]
pub enum FaultDecision {
    Pass,
    Drop,
    Error(u16),
    Throttle { retry_after_secs: u64 },
}

/// Holds the live spec and a deterministic generator, so a test run's faults are reproducible.
pub struct FaultInjector {
    inner: Mutex<(FaultSpec, crate::rng::SplitMix64)>,
}

impl FaultInjector {
    pub fn new(spec: FaultSpec, seed: u64) -> FaultInjector {
        FaultInjector {
            inner: Mutex::new((spec, crate::rng::SplitMix64::new(seed ^ 0xFA_17))),
        }
    }

    pub fn spec(&self) -> FaultSpec {
        match self.inner.lock() {
            Ok(guard) => guard.0.clone(),
            Err(poisoned) => poisoned.into_inner().0.clone(),
        }
    }

    pub fn set(&self, spec: FaultSpec) {
        match self.inner.lock() {
            Ok(mut guard) => guard.0 = spec,
            Err(poisoned) => poisoned.into_inner().0 = spec,
        }
    }

    /// Decides the fate of one request and the latency to add before it.
    pub fn decide(&self) -> (FaultDecision, Duration) {
        let mut guard = match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (spec, rng) = &mut *guard;
        let latency = Duration::from_millis(spec.latency_ms);
        let decision = if spec.drop_rate > 0.0 && rng.next_f64() < spec.drop_rate {
            FaultDecision::Drop
        } else if spec.throttle_rate > 0.0 && rng.next_f64() < spec.throttle_rate {
            FaultDecision::Throttle {
                retry_after_secs: spec.throttle_retry_after_secs.max(1),
            }
        } else if spec.error_rate > 0.0 && rng.next_f64() < spec.error_rate {
            let statuses: &[u16] = if spec.error_statuses.is_empty() {
                &[500, 503]
            } else {
                &spec.error_statuses
            };
            let pick = rng.next_below(statuses.len() as u64) as usize;
            FaultDecision::Error(statuses.get(pick).copied().unwrap_or(500))
        } else {
            FaultDecision::Pass
        };
        (decision, latency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let spec = FaultSpec::parse(
            "error=0.25,status=502|503,latency=40,drop=0.1,throttle=0.5,retry-after=3",
        )
        .unwrap_or_default();
        assert_eq!(spec.error_rate, 0.25);
        assert_eq!(spec.error_statuses, vec![502, 503]);
        assert_eq!(spec.latency_ms, 40);
        assert_eq!(spec.drop_rate, 0.1);
        assert_eq!(spec.throttle_rate, 0.5);
        assert_eq!(spec.throttle_retry_after_secs, 3);
    }

    #[test]
    fn rejects_bad_specs_with_a_reason() {
        for bad in ["error=2", "status=404", "nope=1", "latency=-1", "drop"] {
            let err = FaultSpec::parse(bad).err().map(|e| e.to_string());
            assert!(
                err.is_some_and(|e| e.contains("invalid fault spec")),
                "{bad}"
            );
        }
    }
}
