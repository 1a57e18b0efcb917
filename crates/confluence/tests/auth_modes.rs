//! The auth modes side by side: OAuth with a configured cloud id, OAuth matched by site URL
//! (and refused for a site the grant does not cover), and a caller-managed access token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ALICE, quick_config};
use confluence::{AuthMode, Client, Error, Secret, StaticToken};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_base_comes_from_the_matching_site_or_the_configured_cloud_id() {
    let h = common::empty().await;
    let info = h.emulator.info.clone();
    let provider = h.oauth_provider(ALICE).await;

    let matched = h.oauth_client_with(provider.clone(), quick_config());
    assert_eq!(
        matched.wiki_base().await.unwrap(),
        format!("{}/wiki", info.oauth_api_base_url)
    );

    let configured = Client::new(
        AuthMode::OAuth {
            site_url: info.site_url.clone(),
            cloud_id: Some(info.cloud_id.clone()),
            gateway_url: info.site_url.clone(),
            accessible_resources_url: "http://127.0.0.1:9/never-asked".into(),
            provider: provider.clone(),
        },
        quick_config(),
    )
    .unwrap();
    assert_eq!(configured.space_by_key("ENG").await.unwrap().key, "ENG");

    let elsewhere = Client::new(
        AuthMode::OAuth {
            site_url: "https://some-other-site.atlassian.net".into(),
            cloud_id: None,
            gateway_url: info.site_url.clone(),
            accessible_resources_url: info.accessible_resources_url.clone(),
            provider,
        },
        quick_config(),
    )
    .unwrap();
    let err = elsewhere.space_by_key("ENG").await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("some-other-site"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caller_managed_access_token() {
    let h = common::empty().await;
    let tokens = h.oauth_login(ALICE).await;
    let token = tokens["access_token"].as_str().unwrap();
    let c = Client::new(
        AuthMode::AccessToken {
            wiki_base_url: format!("{}/wiki/", h.emulator.info.oauth_api_base_url),
            provider: Arc::new(StaticToken(Secret::new(token))),
        },
        quick_config(),
    )
    .unwrap();
    assert_eq!(c.space_by_key("DOCS").await.unwrap().key, "DOCS");
    // A token the caller manages cannot be refreshed by the client: expiry is Unauthorized.
    h.admin_post("oauth/expire-access-tokens").await;
    let err = c.space_by_key("DOCS").await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(
        !format!("{:?}", c.auth()).contains(token),
        "no token in Debug"
    );
}
