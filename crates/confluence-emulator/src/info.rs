//! What a started emulator tells its user and scripts: URLs, OAuth client, users and tokens.

use crate::state::AppState;
use crate::store::model::Access;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EmulatorInfo {
    /// `http://HOST:PORT`; Basic-auth API calls go to `{site_url}/wiki/...`.
    pub site_url: String,
    pub wiki_url: String,
    pub cloud_id: String,
    /// `{site_url}/ex/confluence/{cloud_id}`: the base for OAuth (Bearer) API calls.
    pub oauth_api_base_url: String,
    pub authorize_url: String,
    pub token_url: String,
    pub accessible_resources_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub admin_url: String,
    pub token_ttl_secs: u64,
    pub users: Vec<UserInfo>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserInfo {
    pub email: String,
    pub account_id: String,
    pub display_name: String,
    pub api_token: String,
    pub site_admin: bool,
    /// Space key → `read`, `write` or `admin`.
    pub grants: BTreeMap<String, String>,
}

impl EmulatorInfo {
    pub fn from_state(state: &AppState) -> EmulatorInfo {
        let site = state.site_url.clone();
        let users = state
            .read()
            .users
            .iter()
            .map(|u| UserInfo {
                email: u.email.clone(),
                account_id: u.account_id.clone(),
                display_name: u.display_name.clone(),
                api_token: u.api_token.clone(),
                site_admin: u.site_admin,
                grants: u
                    .grants
                    .iter()
                    .map(|(k, a)| {
                        let level = match a {
                            Access::Read => "read",
                            Access::Write => "write",
                            Access::Admin => "admin",
                        };
                        (k.clone(), level.to_owned())
                    })
                    .collect(),
            })
            .collect();
        EmulatorInfo {
            wiki_url: format!("{site}/wiki"),
            cloud_id: state.cloud_id.clone(),
            oauth_api_base_url: format!("{site}/ex/confluence/{}", state.cloud_id),
            authorize_url: format!("{site}/authorize"),
            token_url: format!("{site}/oauth/token"),
            accessible_resources_url: format!("{site}/oauth/token/accessible-resources"),
            client_id: state.config.client_id.clone(),
            client_secret: state.config.client_secret.clone(),
            admin_url: format!("{site}/__admin"),
            token_ttl_secs: state.config.token_ttl_secs,
            site_url: site,
            users,
        }
    }

    /// The human-readable start banner.
    pub fn banner(&self) -> String {
        let mut out = format!(
            "Confluence emulator ready\n  site URL (Basic email:api-token): {}/wiki\n  OAuth API base (Bearer):          {}/wiki\n  cloudId:                          {}\n  OAuth authorize:                  {}\n  OAuth token:                      {}\n  accessible-resources:             {}\n  OAuth client_id / client_secret:  {} / {}\n  admin:                            {}\n  users:\n",
            self.site_url,
            self.oauth_api_base_url,
            self.cloud_id,
            self.authorize_url,
            self.token_url,
            self.accessible_resources_url,
            self.client_id,
            self.client_secret,
            self.admin_url
        );
        for u in &self.users {
            let grants: Vec<String> = u.grants.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            out.push_str(&format!(
                "    {:<28} {:<28} token {}  spaces [{}]{}\n",
                u.email,
                u.account_id,
                u.api_token,
                grants.join(", "),
                if u.site_admin { " (site admin)" } else { "" }
            ));
        }
        out
    }
}
