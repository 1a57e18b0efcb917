//! Connecting a user: the authorize URL (PKCE S256 and a one-time `state`), and completing the
//! authorization when Atlassian redirects to `/oauth/callback` with a code.

use base64::Engine;
use sha2::{Digest, Sha256};

use super::refresh::{GrantFailure, grant, now_ms};
use super::{Vault, VaultError};
use crate::config::ConnectionConfig;
use crate::store::connections::CONNECTED;
use crate::store::{PendingAuthorization, TokenRow};

/// How long a started authorization may wait for its callback.
const PENDING_FOR_MS: i64 = 15 * 60 * 1000;

fn random_b64(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Starts authorizing `connection`: stores the PKCE verifier (sealed) under a fresh `state` and
/// returns the URL the user opens to consent.
pub async fn start(
    vault: &Vault,
    connection: &ConnectionConfig,
    redirect_uri: &str,
) -> Result<String, VaultError> {
    let app = vault
        .app
        .as_ref()
        .ok_or_else(|| VaultError::OAuth("no [oauth] app is configured".to_owned()))?;
    let state = random_b64(24);
    let verifier = random_b64(48);
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    let (sealed, key_id) = vault
        .keyring()
        .seal(&verifier, &format!("pending/{state}"))?;
    vault
        .store
        .put_pending_authorization(
            &state,
            &PendingAuthorization {
                connection: connection.name.clone(),
                key_id,
                code_verifier: sealed,
                redirect_uri: redirect_uri.to_owned(),
                created_at: now_ms(),
            },
        )
        .await?;
    let mut url = url::Url::parse(&app.config.authorize_url)
        .map_err(|e| VaultError::OAuth(format!("oauth.authorize_url: {e}")))?;
    url.query_pairs_mut()
        .append_pair("audience", "api.atlassian.com")
        .append_pair("client_id", &app.config.client_id)
        .append_pair("scope", &app.config.scopes.join(" "))
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", &state)
        .append_pair("response_type", "code")
        .append_pair("prompt", "consent")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(url.to_string())
}

/// The site URL without a trailing slash or `/wiki`, for matching accessible resources.
fn site_root(url: &str) -> String {
    let url = url.trim_end_matches('/');
    url.strip_suffix("/wiki")
        .unwrap_or(url)
        .to_ascii_lowercase()
}

/// Completes the authorization started under `state` with the `code` Atlassian sent: exchanges
/// it, finds the configured site among the token's accessible resources and stores the sealed
/// tokens. Returns the connection's name.
pub async fn complete(
    vault: &Vault,
    connections: &[ConnectionConfig],
    state: &str,
    code: &str,
) -> Result<String, VaultError> {
    let app = vault
        .app
        .as_ref()
        .ok_or_else(|| VaultError::OAuth("no [oauth] app is configured".to_owned()))?;
    let pending = vault
        .store
        .take_pending_authorization(state)
        .await?
        .ok_or_else(|| {
            VaultError::OAuth(
                "unknown or already used authorization; run `confluence-gateway connect` again"
                    .to_owned(),
            )
        })?;
    if now_ms() - pending.created_at > PENDING_FOR_MS {
        return Err(VaultError::OAuth(
            "the authorization took too long; run `confluence-gateway connect` again".to_owned(),
        ));
    }
    let connection = connections
        .iter()
        .find(|c| c.name == pending.connection)
        .ok_or_else(|| {
            VaultError::OAuth(format!(
                "connection '{}' is no longer configured",
                pending.connection
            ))
        })?;
    let verifier = vault.open_secret(
        &pending.code_verifier,
        &pending.key_id,
        &format!("pending/{state}"),
    )?;
    let answer = grant(
        vault,
        serde_json::json!({
            "grant_type": "authorization_code",
            "client_id": app.config.client_id,
            "client_secret": app.client_secret.as_str(),
            "code": code,
            "redirect_uri": pending.redirect_uri,
            "code_verifier": verifier.as_str(),
        }),
    )
    .await
    .map_err(|f| match f {
        GrantFailure::InvalidGrant(why) | GrantFailure::Transient(why) => {
            VaultError::OAuth(format!("exchanging the code failed: {why}"))
        }
    })?;
    let refresh = answer.refresh_token.clone().ok_or_else(|| {
        VaultError::OAuth(
            "Atlassian returned no refresh token: add the `offline_access` scope".to_owned(),
        )
    })?;
    let resources: Vec<serde_json::Value> = vault
        .http
        .get(&app.config.accessible_resources_url)
        .bearer_auth(&answer.access_token)
        .send()
        .await
        .map_err(|e| VaultError::OAuth(format!("accessible-resources: {e}")))?
        .json()
        .await
        .map_err(|e| VaultError::OAuth(format!("accessible-resources: {e}")))?;
    let wanted = site_root(&connection.site_url);
    let site = resources
        .iter()
        .find(|r| r["url"].as_str().is_some_and(|u| site_root(u) == wanted))
        .ok_or_else(|| {
            VaultError::OAuth(format!(
                "the consenting account cannot reach {} (it granted: {}); consent with an \
                 account of that site",
                connection.site_url,
                resources
                    .iter()
                    .filter_map(|r| r["url"].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let cloud_id = site["id"].as_str().unwrap_or_default().to_owned();
    let ring = vault.keyring();
    let name = &connection.name;
    let (access_sealed, key_id) = ring.seal(&answer.access_token, &format!("{name}/access"))?;
    let (refresh_sealed, _) = ring.seal(&refresh, &format!("{name}/refresh"))?;
    let now = now_ms();
    let lifetime_ms = answer.expires_in.max(1) * 1000;
    vault
        .store
        .put_token_row(&TokenRow {
            connection: name.clone(),
            state: CONNECTED.to_owned(),
            state_reason: None,
            key_id,
            access_token: access_sealed,
            refresh_token: refresh_sealed,
            access_expires_at: now + lifetime_ms,
            access_lifetime_ms: lifetime_ms,
            refresh_issued_at: now,
            cloud_id,
            account: connection.user.clone(),
            scope: answer.scope.clone(),
            refreshes: 0,
        })
        .await?;
    vault.update_reconsent_gauge().await;
    Ok(name.clone())
}

#[cfg(test)]
mod tests {
    use super::site_root;

    #[test]
    fn sites_match_without_trailing_slash_wiki_or_case() {
        assert_eq!(
            site_root("https://Acme.atlassian.net/wiki/"),
            "https://acme.atlassian.net"
        );
        assert_eq!(
            site_root("https://acme.atlassian.net"),
            "https://acme.atlassian.net"
        );
    }
}
