//! The token vault's rows: sealed OAuth tokens per connection, the refresh lease, and pending
//! authorizations. Sealing and the refresh rules live in `crate::vault`; this file only moves
//! rows.

use sqlx::Row;

use super::{DEFAULT_TENANT, Store, StoreError};

/// A connection's stored OAuth session; the token fields are sealed.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRow {
    pub connection: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub key_id: String,
    pub access_token: String,
    pub refresh_token: String,
    pub access_expires_at: i64,
    pub access_lifetime_ms: i64,
    pub refresh_issued_at: i64,
    pub cloud_id: String,
    pub account: Option<String>,
    pub scope: Option<String>,
    pub refreshes: i64,
}

/// A connection's state before authorization finished.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingAuthorization {
    pub connection: String,
    pub key_id: String,
    pub code_verifier: String,
    pub redirect_uri: String,
    pub created_at: i64,
}

pub const CONNECTED: &str = "connected";
pub const NEEDS_RECONSENT: &str = "needs_reconsent";

macro_rules! select_tokens {
    ($tail:literal) => {
        concat!(
            "SELECT connection, state, state_reason, key_id, access_token, refresh_token, ",
            "access_expires_at, access_lifetime_ms, refresh_issued_at, cloud_id, account, scope, ",
            "refreshes FROM connection_tokens WHERE tenant_id = $1",
            $tail
        )
    };
}

fn row_of(r: &sqlx::sqlite::SqliteRow) -> Result<TokenRow, sqlx::Error> {
    Ok(TokenRow {
        connection: r.try_get("connection")?,
        state: r.try_get("state")?,
        state_reason: r.try_get("state_reason")?,
        key_id: r.try_get("key_id")?,
        access_token: r.try_get("access_token")?,
        refresh_token: r.try_get("refresh_token")?,
        access_expires_at: r.try_get("access_expires_at")?,
        access_lifetime_ms: r.try_get("access_lifetime_ms")?,
        refresh_issued_at: r.try_get("refresh_issued_at")?,
        cloud_id: r.try_get("cloud_id")?,
        account: r.try_get("account")?,
        scope: r.try_get("scope")?,
        refreshes: r.try_get("refreshes")?,
    })
}

impl Store {
    /// The stored session of `connection`, if it was ever connected.
    pub async fn token_row(&self, connection: &str) -> Result<Option<TokenRow>, StoreError> {
        let row = sqlx::query(select_tokens!(" AND connection = $2"))
            .bind(DEFAULT_TENANT)
            .bind(connection)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.error(&e))?;
        row.as_ref()
            .map(row_of)
            .transpose()
            .map_err(|e| self.error(&e))
    }

    /// Every stored session, by connection name.
    pub async fn token_rows(&self) -> Result<Vec<TokenRow>, StoreError> {
        let rows = sqlx::query(select_tokens!(" ORDER BY connection"))
            .bind(DEFAULT_TENANT)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.error(&e))?;
        rows.iter()
            .map(row_of)
            .collect::<Result<_, _>>()
            .map_err(|e| self.error(&e))
    }

    /// Stores a freshly authorized session (replacing any earlier one, and its lease).
    pub async fn put_token_row(&self, row: &TokenRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO connection_tokens (tenant_id, connection, state, state_reason, key_id, \
             access_token, refresh_token, access_expires_at, access_lifetime_ms, \
             refresh_issued_at, cloud_id, account, scope, refreshes, lease_holder, lease_until, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             NULL, 0, $15) \
             ON CONFLICT (tenant_id, connection) DO UPDATE SET state = excluded.state, \
             state_reason = excluded.state_reason, key_id = excluded.key_id, \
             access_token = excluded.access_token, refresh_token = excluded.refresh_token, \
             access_expires_at = excluded.access_expires_at, \
             access_lifetime_ms = excluded.access_lifetime_ms, \
             refresh_issued_at = excluded.refresh_issued_at, cloud_id = excluded.cloud_id, \
             account = excluded.account, scope = excluded.scope, lease_holder = NULL, \
             lease_until = 0, updated_at = excluded.updated_at",
        )
        .bind(DEFAULT_TENANT)
        .bind(&row.connection)
        .bind(&row.state)
        .bind(&row.state_reason)
        .bind(&row.key_id)
        .bind(&row.access_token)
        .bind(&row.refresh_token)
        .bind(row.access_expires_at)
        .bind(row.access_lifetime_ms)
        .bind(row.refresh_issued_at)
        .bind(&row.cloud_id)
        .bind(&row.account)
        .bind(&row.scope)
        .bind(row.refreshes)
        .bind(crate::audit::event::now_rfc3339())
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(())
    }

    /// Takes the refresh lease of `connection` for `holder` until `until` (ms) if it is free,
    /// expired or already `holder`'s. One statement, so two processes cannot both win.
    pub async fn try_refresh_lease(
        &self,
        connection: &str,
        holder: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE connection_tokens SET lease_holder = $1, lease_until = $2 \
             WHERE tenant_id = $3 AND connection = $4 \
             AND (lease_holder IS NULL OR lease_until < $5 OR lease_holder = $1)",
        )
        .bind(holder)
        .bind(until)
        .bind(DEFAULT_TENANT)
        .bind(connection)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores the tokens a refresh returned and releases the lease, in one statement: the
    /// rotated refresh token is durable before the new access token is used.
    #[allow(clippy::too_many_arguments)]
    pub async fn finish_refresh(
        &self,
        connection: &str,
        key_id: &str,
        access_token: &str,
        refresh_token: &str,
        access_expires_at: i64,
        access_lifetime_ms: i64,
        refresh_issued_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE connection_tokens SET key_id = $1, access_token = $2, refresh_token = $3, \
             access_expires_at = $4, access_lifetime_ms = $5, refresh_issued_at = $6, \
             refreshes = refreshes + 1, state = $7, state_reason = NULL, lease_holder = NULL, \
             lease_until = 0, updated_at = $8 WHERE tenant_id = $9 AND connection = $10",
        )
        .bind(key_id)
        .bind(access_token)
        .bind(refresh_token)
        .bind(access_expires_at)
        .bind(access_lifetime_ms)
        .bind(refresh_issued_at)
        .bind(CONNECTED)
        .bind(crate::audit::event::now_rfc3339())
        .bind(DEFAULT_TENANT)
        .bind(connection)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(())
    }

    /// Gives the lease back without new tokens (the refresh failed, or was not needed).
    pub async fn release_refresh_lease(
        &self,
        connection: &str,
        holder: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE connection_tokens SET lease_holder = NULL, lease_until = 0 \
             WHERE tenant_id = $1 AND connection = $2 AND lease_holder = $3",
        )
        .bind(DEFAULT_TENANT)
        .bind(connection)
        .bind(holder)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(())
    }

    /// Marks a session unusable until its user consents again; releases the lease.
    pub async fn mark_needs_reconsent(
        &self,
        connection: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE connection_tokens SET state = $1, state_reason = $2, lease_holder = NULL, \
             lease_until = 0, updated_at = $3 WHERE tenant_id = $4 AND connection = $5",
        )
        .bind(NEEDS_RECONSENT)
        .bind(reason)
        .bind(crate::audit::event::now_rfc3339())
        .bind(DEFAULT_TENANT)
        .bind(connection)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(())
    }

    /// Forgets a connection's session (`connections revoke`).
    pub async fn delete_token_row(&self, connection: &str) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM connection_tokens WHERE tenant_id = $1 AND connection = $2")
                .bind(DEFAULT_TENANT)
                .bind(connection)
                .execute(&self.pool)
                .await
                .map_err(|e| self.error(&e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Re-seals every stored secret with `reseal` (key rotation), in one transaction, so a
    /// reader sees either all old or all new rows. `reseal` gets (context, sealed, key id) and
    /// returns (sealed, key id).
    pub async fn reseal_all(
        &self,
        mut reseal: impl FnMut(&str, &str, &str) -> Result<(String, String), String>,
    ) -> Result<usize, StoreError> {
        // IMMEDIATE: take the write lock before reading, so a gateway refreshing meanwhile
        // waits instead of making this transaction's later writes fail.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| self.error(&e))?;
        let rows = sqlx::query(
            "SELECT connection, key_id, access_token, refresh_token FROM connection_tokens \
             WHERE tenant_id = $1",
        )
        .bind(DEFAULT_TENANT)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| self.error(&e))?;
        let mut count = 0;
        for r in &rows {
            let conn: String = r.try_get("connection").map_err(|e| self.error(&e))?;
            let key_id: String = r.try_get("key_id").map_err(|e| self.error(&e))?;
            let access: String = r.try_get("access_token").map_err(|e| self.error(&e))?;
            let refresh: String = r.try_get("refresh_token").map_err(|e| self.error(&e))?;
            let fail = |message: String| StoreError::Database {
                path: self.path_string(),
                message,
            };
            let (access, new_id) =
                reseal(&format!("{conn}/access"), &access, &key_id).map_err(fail)?;
            let (refresh, _) =
                reseal(&format!("{conn}/refresh"), &refresh, &key_id).map_err(fail)?;
            sqlx::query(
                "UPDATE connection_tokens SET key_id = $1, access_token = $2, refresh_token = $3 \
                 WHERE tenant_id = $4 AND connection = $5",
            )
            .bind(&new_id)
            .bind(&access)
            .bind(&refresh)
            .bind(DEFAULT_TENANT)
            .bind(&conn)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(&e))?;
            count += 2;
        }
        let pending = sqlx::query(
            "SELECT state, key_id, code_verifier FROM oauth_pending WHERE tenant_id = $1",
        )
        .bind(DEFAULT_TENANT)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| self.error(&e))?;
        for r in &pending {
            let state: String = r.try_get("state").map_err(|e| self.error(&e))?;
            let key_id: String = r.try_get("key_id").map_err(|e| self.error(&e))?;
            let verifier: String = r.try_get("code_verifier").map_err(|e| self.error(&e))?;
            let (verifier, new_id) = reseal(&format!("pending/{state}"), &verifier, &key_id)
                .map_err(|message| StoreError::Database {
                    path: self.path_string(),
                    message,
                })?;
            sqlx::query(
                "UPDATE oauth_pending SET key_id = $1, code_verifier = $2 \
                 WHERE tenant_id = $3 AND state = $4",
            )
            .bind(&new_id)
            .bind(&verifier)
            .bind(DEFAULT_TENANT)
            .bind(&state)
            .execute(&mut *tx)
            .await
            .map_err(|e| self.error(&e))?;
            count += 1;
        }
        tx.commit().await.map_err(|e| self.error(&e))?;
        Ok(count)
    }

    /// Remembers an authorization in progress under its `state`.
    pub async fn put_pending_authorization(
        &self,
        state: &str,
        pending: &PendingAuthorization,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO oauth_pending (tenant_id, state, connection, key_id, code_verifier, \
             redirect_uri, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(DEFAULT_TENANT)
        .bind(state)
        .bind(&pending.connection)
        .bind(&pending.key_id)
        .bind(&pending.code_verifier)
        .bind(&pending.redirect_uri)
        .bind(pending.created_at)
        .execute(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        Ok(())
    }

    /// Takes (reads and deletes) the authorization started under `state`: each is used once.
    pub async fn take_pending_authorization(
        &self,
        state: &str,
    ) -> Result<Option<PendingAuthorization>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM oauth_pending WHERE tenant_id = $1 AND state = $2 \
             RETURNING connection, key_id, code_verifier, redirect_uri, created_at",
        )
        .bind(DEFAULT_TENANT)
        .bind(state)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.error(&e))?;
        row.map(|r| {
            Ok(PendingAuthorization {
                connection: r.try_get("connection")?,
                key_id: r.try_get("key_id")?,
                code_verifier: r.try_get("code_verifier")?,
                redirect_uri: r.try_get("redirect_uri")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
        .map_err(|e: sqlx::Error| self.error(&e))
    }
}
