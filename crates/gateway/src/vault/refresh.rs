//! One connection's OAuth session as the Confluence client's credential provider: proactive,
//! single-flight refresh that is safe across processes sharing the store.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use confluence::{BoxFuture, CredentialProvider, Secret};
use serde::Deserialize;
use tokio::sync::Mutex;

use super::{Vault, VaultError};
use crate::store::TokenRow;
use crate::store::connections::NEEDS_RECONSENT;

/// How long a process may hold a connection's refresh lease before others may take it.
const LEASE: Duration = Duration::from_secs(30);
/// How long a caller waits for another process's refresh before giving up.
const WAIT_FOR_OTHER: Duration = Duration::from_secs(20);

/// When a token counts as due for refresh.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// At most this long before expiry…
    pub before: Duration,
    /// …and at most this share of the lifetime before expiry (whichever comes later), so a
    /// 1-hour token refreshes 5 minutes before expiry and a 5-second one 1 second before.
    pub fraction: f64,
}

impl Timing {
    /// Whether a token expiring at `expires_at` (ms) after `lifetime_ms` needs refreshing now.
    pub fn due(&self, now: i64, expires_at: i64, lifetime_ms: i64) -> bool {
        let window =
            (self.before.as_millis() as f64).min(lifetime_ms.max(0) as f64 * self.fraction);
        (expires_at - now) as f64 <= window
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The token endpoint's answer.
#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_in: i64,
    pub scope: Option<String>,
}

/// Why a grant failed.
pub(crate) enum GrantFailure {
    /// Atlassian refused the refresh token (revoked, reused, expired): only consent helps.
    InvalidGrant(String),
    /// Anything else (network, 5xx): retry later.
    Transient(String),
}

/// Posts a grant to the token endpoint.
pub(crate) async fn grant(
    vault: &Vault,
    body: serde_json::Value,
) -> Result<TokenAnswer, GrantFailure> {
    let Some(app) = &vault.app else {
        return Err(GrantFailure::Transient(
            "no [oauth] app is configured".to_owned(),
        ));
    };
    let response = vault
        .http
        .post(&app.config.token_url)
        .json(&body)
        .send()
        .await
        .map_err(|e| GrantFailure::Transient(format!("token endpoint unreachable: {e}")))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| GrantFailure::Transient(e.to_string()))?;
    if status.is_success() {
        return serde_json::from_str(&text)
            .map_err(|e| GrantFailure::Transient(format!("unreadable token answer: {e}")));
    }
    let error: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let code = error["error"].as_str().unwrap_or_default();
    let description = error["error_description"].as_str().unwrap_or(code);
    if code == "invalid_grant" || code == "unauthorized_client" {
        Err(GrantFailure::InvalidGrant(description.to_owned()))
    } else {
        Err(GrantFailure::Transient(format!(
            "token endpoint answered HTTP {}: {description}",
            status.as_u16()
        )))
    }
}

struct Cached {
    access: Secret,
    expires_at: i64,
    lifetime_ms: i64,
}

/// A connection's session in this process.
pub struct OAuthSession {
    vault: Arc<Vault>,
    connection: String,
    user: String,
    /// Held while a refresh runs: concurrent callers wait, then find the new token.
    cache: Mutex<Option<Cached>>,
}

impl OAuthSession {
    pub(super) fn new(vault: Arc<Vault>, connection: &str, user: &str) -> OAuthSession {
        OAuthSession {
            vault,
            connection: connection.to_owned(),
            user: user.to_owned(),
            cache: Mutex::new(None),
        }
    }

    fn reconnect(&self, why: &str) -> confluence::Error {
        confluence::Error::Reconnect {
            message: format!(
                "the gateway's Atlassian session for connection '{}' {why}; an admin must run \
                 `confluence-gateway connect --user {}` and the user must consent again",
                self.connection, self.user
            ),
        }
    }

    fn vault_error(&self, e: VaultError) -> confluence::Error {
        tracing::error!(connection = %self.connection, "token vault: {e}");
        confluence::Error::Unauthorized {
            message: format!(
                "the gateway cannot use its stored Atlassian session for connection '{}' ({e})",
                self.connection
            ),
        }
    }

    /// A token valid now, refreshing first if it is due (or was `rejected` by Confluence).
    async fn token(&self, rejected: Option<&Secret>) -> Result<Secret, confluence::Error> {
        let mut cache = self.cache.lock().await;
        let timing = self.vault.timing;
        if let Some(c) = cache.as_ref() {
            let was_rejected = rejected.is_some_and(|r| *r == c.access);
            if !was_rejected
                && (rejected.is_some() || !timing.due(now_ms(), c.expires_at, c.lifetime_ms))
            {
                return Ok(c.access.clone());
            }
        }
        let fresh = self.refresh_locked(rejected, false).await?;
        let access = fresh.access.clone();
        *cache = Some(fresh);
        Ok(access)
    }

    /// Refreshes now, whatever the expiry (the keep-alive of idle sessions).
    pub async fn refresh_now(&self) -> Result<(), confluence::Error> {
        let mut cache = self.cache.lock().await;
        let fresh = self.refresh_locked(None, true).await?;
        *cache = Some(fresh);
        Ok(())
    }

    /// The stored tokens if they are usable as they are.
    fn usable(
        &self,
        row: &TokenRow,
        rejected: Option<&Secret>,
    ) -> Result<Option<Cached>, confluence::Error> {
        if row.state == NEEDS_RECONSENT {
            return Err(self.reconnect("was revoked or expired and needs consent again"));
        }
        let access = self
            .vault
            .open_secret(
                &row.access_token,
                &row.key_id,
                &format!("{}/access", row.connection),
            )
            .map_err(|e| self.vault_error(e))?;
        let access = Secret::new(access.as_str());
        let due = self
            .vault
            .timing
            .due(now_ms(), row.access_expires_at, row.access_lifetime_ms);
        if due || rejected.is_some_and(|r| *r == access) {
            return Ok(None);
        }
        Ok(Some(Cached {
            access,
            expires_at: row.access_expires_at,
            lifetime_ms: row.access_lifetime_ms,
        }))
    }

    async fn row(&self) -> Result<TokenRow, confluence::Error> {
        self.vault
            .store
            .token_row(&self.connection)
            .await
            .map_err(|e| self.vault_error(e.into()))?
            .ok_or_else(|| self.reconnect("is not connected yet"))
    }

    /// Finds or makes fresh tokens; the caller holds the in-process lock.
    async fn refresh_locked(
        &self,
        rejected: Option<&Secret>,
        force: bool,
    ) -> Result<Cached, confluence::Error> {
        let store = &self.vault.store;
        let holder = &self.vault.holder;
        let started = tokio::time::Instant::now();
        loop {
            // Another process may have refreshed since this one last looked.
            let row = self.row().await?;
            if !force && let Some(fresh) = self.usable(&row, rejected)? {
                return Ok(fresh);
            }
            let now = now_ms();
            let until = now + LEASE.as_millis() as i64;
            let leased = store
                .try_refresh_lease(&self.connection, holder, now, until)
                .await
                .map_err(|e| self.vault_error(e.into()))?;
            if leased {
                break;
            }
            if started.elapsed() > WAIT_FOR_OTHER {
                return Err(confluence::Error::Timeout {
                    message: format!(
                        "another gateway process has been refreshing connection '{}' for over \
                         {} s",
                        self.connection,
                        WAIT_FOR_OTHER.as_secs()
                    ),
                });
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        // Holding the lease: read once more, since a refresh may have finished just before.
        let row = self.row().await?;
        if !force && let Some(fresh) = self.usable(&row, rejected)? {
            let _ = store.release_refresh_lease(&self.connection, holder).await;
            return Ok(fresh);
        }
        let result = self.refresh_with(&row).await;
        if result.is_err() {
            let _ = store.release_refresh_lease(&self.connection, holder).await;
        }
        result
    }

    /// Sends the refresh grant and stores the rotated tokens (sealed) before returning them.
    async fn refresh_with(&self, row: &TokenRow) -> Result<Cached, confluence::Error> {
        let vault = &self.vault;
        let refresh = vault
            .open_secret(
                &row.refresh_token,
                &row.key_id,
                &format!("{}/refresh", row.connection),
            )
            .map_err(|e| self.vault_error(e))?;
        let Some(app) = &vault.app else {
            return Err(self.vault_error(VaultError::OAuth("no [oauth] app".to_owned())));
        };
        let body = serde_json::json!({
            "grant_type": "refresh_token",
            "client_id": app.config.client_id,
            "client_secret": app.client_secret.as_str(),
            "refresh_token": refresh.as_str(),
        });
        match grant(vault, body).await {
            Ok(answer) => {
                let now = now_ms();
                let lifetime_ms = answer.expires_in.max(1) * 1000;
                let ring = vault.keyring();
                let (access_sealed, key_id) = ring
                    .seal(&answer.access_token, &format!("{}/access", self.connection))
                    .map_err(|e| self.vault_error(e))?;
                let new_refresh = answer.refresh_token.as_deref().unwrap_or(refresh.as_str());
                let (refresh_sealed, _) = ring
                    .seal(new_refresh, &format!("{}/refresh", self.connection))
                    .map_err(|e| self.vault_error(e))?;
                vault
                    .store
                    .finish_refresh(
                        &self.connection,
                        &key_id,
                        &access_sealed,
                        &refresh_sealed,
                        now + lifetime_ms,
                        lifetime_ms,
                        now,
                    )
                    .await
                    .map_err(|e| self.vault_error(e.into()))?;
                vault
                    .metrics
                    .oauth_refreshes
                    .fetch_add(1, Ordering::Relaxed);
                tracing::info!(connection = %self.connection, "refreshed the OAuth session");
                Ok(Cached {
                    access: Secret::new(answer.access_token),
                    expires_at: now + lifetime_ms,
                    lifetime_ms,
                })
            }
            Err(GrantFailure::InvalidGrant(why)) => {
                vault
                    .metrics
                    .oauth_refresh_failures
                    .fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    connection = %self.connection,
                    "Atlassian refused the refresh token ({why}); the connection needs consent again"
                );
                vault
                    .store
                    .mark_needs_reconsent(&self.connection, &why)
                    .await
                    .map_err(|e| self.vault_error(e.into()))?;
                vault.update_reconsent_gauge().await;
                Err(self.reconnect("was revoked or expired and needs consent again"))
            }
            Err(GrantFailure::Transient(why)) => {
                vault
                    .metrics
                    .oauth_refresh_failures
                    .fetch_add(1, Ordering::Relaxed);
                tracing::warn!(connection = %self.connection, "OAuth refresh failed: {why}");
                // A token that is due but not expired still works: use it and retry later.
                let access = vault
                    .open_secret(
                        &row.access_token,
                        &row.key_id,
                        &format!("{}/access", row.connection),
                    )
                    .map_err(|e| self.vault_error(e))?;
                if row.access_expires_at > now_ms() {
                    return Ok(Cached {
                        access: Secret::new(access.as_str()),
                        expires_at: row.access_expires_at,
                        lifetime_ms: row.access_lifetime_ms,
                    });
                }
                Err(confluence::Error::Network {
                    message: format!(
                        "refreshing the Atlassian session failed ({why}); retry later"
                    ),
                })
            }
        }
    }
}

impl CredentialProvider for OAuthSession {
    fn access_token(&self) -> BoxFuture<'_, confluence::Result<Secret>> {
        Box::pin(self.token(None))
    }

    fn refresh_after_unauthorized<'a>(
        &'a self,
        rejected: &'a Secret,
    ) -> BoxFuture<'a, confluence::Result<Secret>> {
        Box::pin(self.token(Some(rejected)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_refresh_five_minutes_or_a_fifth_of_their_life_before_expiry_whichever_is_later() {
        let t = Timing {
            before: Duration::from_secs(300),
            fraction: 0.2,
        };
        let hour = 3_600_000;
        // A 1-hour token: due in its last 5 minutes.
        assert!(!t.due(0, 301_000, hour));
        assert!(t.due(0, 300_000, hour));
        // A 5-second token: due in its last second, not for its whole life.
        assert!(!t.due(0, 1_001, 5_000));
        assert!(t.due(0, 1_000, 5_000));
        assert!(t.due(10, 5, 5_000), "expired");
    }
}
