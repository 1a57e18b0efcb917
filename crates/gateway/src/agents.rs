//! Agent identity: random keys shown once, stored only as keyed hashes (HMAC-SHA256 with the
//! gateway's secret), compared in constant time. Missing, unknown, disabled and expired keys
//! are all refused with the same `WWW-Authenticate` challenge, differing only in the
//! description.

use std::sync::{Arc, RwLock};

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{KeyInit, Mac};
use subtle::ConstantTimeEq;

use crate::config::AgentConfig;

/// Prefix of every agent key, so leaked keys are easy to recognise and scan for.
pub const KEY_PREFIX: &str = "cgw_";

const HASH_PREFIX: &str = "hmac-sha256:";

/// A fresh random key: `cgw_` + 32 random bytes in URL-safe base64 (43 characters).
pub fn generate_key() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!(
        "{KEY_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// The keyed hash of an agent key, as stored in the configuration.
#[derive(Clone, PartialEq, Eq)]
pub struct KeyHash([u8; 32]);

impl KeyHash {
    /// Parses `hmac-sha256:<64 hex>`.
    pub fn parse(text: &str) -> Option<KeyHash> {
        let hex = text.strip_prefix(HASH_PREFIX)?;
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(KeyHash(out))
    }

    fn matches(&self, other: &KeyHash) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl std::fmt::Display for KeyHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(HASH_PREFIX)?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyHash(…)")
    }
}

/// Hashes keys with the gateway's secret.
#[derive(Clone)]
pub struct KeyHasher {
    secret: Arc<[u8]>,
}

impl KeyHasher {
    pub fn new(secret: &[u8]) -> KeyHasher {
        KeyHasher {
            secret: Arc::from(secret),
        }
    }

    pub fn hash(&self, key: &str) -> KeyHash {
        // HMAC accepts keys of any length, so this cannot fail; fall back to an empty MAC
        // input rather than panic if the library ever changes that.
        let mut out = [0u8; 32];
        if let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&self.secret) {
            mac.update(key.as_bytes());
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        KeyHash(out)
    }
}

/// An authenticated agent, as the pipeline sees it.
#[derive(Debug, Clone)]
pub struct Agent {
    pub name: String,
    pub roles: Vec<String>,
    pub connection: String,
    pub dlp_profile: Option<String>,
}

/// Why a request was refused at authentication. Each becomes a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no agent key: send 'Authorization: Bearer <agent key>'")]
    Missing,
    #[error("the Authorization header is not 'Bearer <agent key>'")]
    Malformed,
    #[error("unknown agent key")]
    Unknown,
    #[error("this agent is disabled")]
    Disabled,
    #[error("this agent's key has expired")]
    Expired,
}

impl AuthError {
    /// The `WWW-Authenticate` challenge (RFC 6750) for this refusal.
    pub fn challenge(&self) -> String {
        let error = if *self == AuthError::Missing {
            // RFC 6750 §3.1: no error code when the request carried no credentials.
            return "Bearer realm=\"confluence-gateway\"".to_owned();
        } else {
            "invalid_token"
        };
        format!(
            "Bearer realm=\"confluence-gateway\", error=\"{error}\", error_description=\"{self}\""
        )
    }
}

struct Entry {
    hash: KeyHash,
    enabled: bool,
    expires_at: Option<DateTime<Utc>>,
    agent: Arc<Agent>,
}

/// Every configured agent, looked up by key.
pub struct AgentRegistry {
    hasher: KeyHasher,
    entries: Vec<Entry>,
}

impl AgentRegistry {
    /// Builds the registry; entries whose hash or expiry do not parse are skipped (the
    /// configuration validator has refused them already).
    pub fn new(hasher: KeyHasher, agents: &[AgentConfig]) -> AgentRegistry {
        let entries = agents
            .iter()
            .filter_map(|a| {
                Some(Entry {
                    hash: KeyHash::parse(&a.key_hash)?,
                    enabled: a.enabled,
                    expires_at: match &a.expires_at {
                        Some(t) => Some(DateTime::parse_from_rfc3339(t).ok()?.to_utc()),
                        None => None,
                    },
                    agent: Arc::new(Agent {
                        name: a.name.clone(),
                        roles: a.roles.clone(),
                        connection: a.connection.clone(),
                        dlp_profile: a.dlp_profile.clone(),
                    }),
                })
            })
            .collect();
        AgentRegistry { hasher, entries }
    }

    /// Resolves an `Authorization` header value.
    pub fn authenticate_header(&self, header: Option<&str>) -> Result<Arc<Agent>, AuthError> {
        let header = header.ok_or(AuthError::Missing)?;
        let (scheme, key) = header.trim().split_once(' ').ok_or(AuthError::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::Malformed);
        }
        self.authenticate_key(key.trim(), Utc::now())
    }

    /// Resolves a raw key at time `now`. Every stored hash is compared (no early exit), each in
    /// constant time.
    pub fn authenticate_key(&self, key: &str, now: DateTime<Utc>) -> Result<Arc<Agent>, AuthError> {
        if key.is_empty() {
            return Err(AuthError::Missing);
        }
        let presented = self.hasher.hash(key);
        let mut found: Option<&Entry> = None;
        for entry in &self.entries {
            if entry.hash.matches(&presented) {
                found = Some(entry);
            }
        }
        let entry = found.ok_or(AuthError::Unknown)?;
        if !entry.enabled {
            return Err(AuthError::Disabled);
        }
        if entry.expires_at.is_some_and(|t| t <= now) {
            return Err(AuthError::Expired);
        }
        Ok(entry.agent.clone())
    }

    pub fn by_name(&self, name: &str) -> Option<Arc<Agent>> {
        self.entries
            .iter()
            .find(|e| e.agent.name == name)
            .map(|e| e.agent.clone())
    }
}

/// The agent registry a runtime authenticates with, replaced whole when stored agents change
/// (`runtime::Gateway::refresh_agents`). Lookups hold a read lock for one hash and compare;
/// replacements happen at most once per store poll, so readers practically never wait.
pub struct AgentDirectory {
    current: RwLock<Arc<AgentRegistry>>,
}

impl AgentDirectory {
    pub fn new(registry: AgentRegistry) -> AgentDirectory {
        AgentDirectory {
            current: RwLock::new(Arc::new(registry)),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Arc<AgentRegistry>> {
        self.current.read().unwrap_or_else(|p| p.into_inner())
    }

    /// The registry in force now.
    pub fn current(&self) -> Arc<AgentRegistry> {
        self.read().clone()
    }

    pub fn replace(&self, registry: AgentRegistry) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(registry);
    }

    /// See [`AgentRegistry::authenticate_header`].
    pub fn authenticate_header(&self, header: Option<&str>) -> Result<Arc<Agent>, AuthError> {
        self.read().authenticate_header(header)
    }

    /// See [`AgentRegistry::authenticate_key`].
    pub fn authenticate_key(&self, key: &str, now: DateTime<Utc>) -> Result<Arc<Agent>, AuthError> {
        self.read().authenticate_key(key, now)
    }

    pub fn by_name(&self, name: &str) -> Option<Arc<Agent>> {
        self.read().by_name(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(name: &str, hash: &KeyHash, enabled: bool, expires: Option<&str>) -> AgentConfig {
        AgentConfig {
            name: name.into(),
            roles: vec![],
            connection: "c".into(),
            enabled,
            expires_at: expires.map(str::to_owned),
            key_hash: hash.to_string(),
            spaces: vec![],
            dlp_profile: None,
        }
    }

    #[test]
    fn keys_are_random_prefixed_and_hash_round_trips() {
        let a = generate_key();
        let b = generate_key();
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX));
        assert_eq!(a.len(), KEY_PREFIX.len() + 43);
        let hasher = KeyHasher::new(b"0123456789abcdef0123456789abcdef");
        let h = hasher.hash(&a);
        assert_eq!(KeyHash::parse(&h.to_string()), Some(h.clone()));
        assert!(!h.to_string().contains(&a));
        // A different secret gives a different hash.
        assert_ne!(
            KeyHasher::new(b"another secret of 32 bytes......").hash(&a),
            h
        );
    }

    #[test]
    fn refusals_are_told_apart() {
        let hasher = KeyHasher::new(b"0123456789abcdef0123456789abcdef");
        let (k1, k2, k3) = (generate_key(), generate_key(), generate_key());
        let registry = AgentRegistry::new(
            hasher.clone(),
            &[
                agent("ok", &hasher.hash(&k1), true, None),
                agent("off", &hasher.hash(&k2), false, None),
                agent("old", &hasher.hash(&k3), true, Some("2020-01-01T00:00:00Z")),
            ],
        );
        let header = |k: &str| format!("Bearer {k}");
        assert_eq!(
            registry
                .authenticate_header(Some(&header(&k1)))
                .map(|a| a.name.clone()),
            Ok("ok".to_owned())
        );
        assert_eq!(
            registry.authenticate_header(Some(&header(&k2))).err(),
            Some(AuthError::Disabled)
        );
        assert_eq!(
            registry.authenticate_header(Some(&header(&k3))).err(),
            Some(AuthError::Expired)
        );
        assert_eq!(
            registry
                .authenticate_header(Some(&header(&generate_key())))
                .err(),
            Some(AuthError::Unknown)
        );
        assert_eq!(
            registry.authenticate_header(None).err(),
            Some(AuthError::Missing)
        );
        assert_eq!(
            registry.authenticate_header(Some("Basic abc")).err(),
            Some(AuthError::Malformed)
        );
        assert!(
            AuthError::Unknown
                .challenge()
                .contains("error=\"invalid_token\"")
        );
    }
}
