//! One test per error kind, each produced by the emulator: bad credentials, permissions, bad
//! ids, stale versions, OAuth-style v1 calls, faults, bad CQL, slow answers, dead sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ALICE, FRANK, quick_config, space_id};
use confluence::{AuthMode, Client, ContentEdit, Error, NewPage, PageCaps, Secret, collect};
use serde_json::json;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

async fn a_page(c: &Client) -> String {
    let eng = space_id(c, "ENG").await;
    c.create_page(&NewPage {
        space_id: eng,
        title: "Target".into(),
        body: "<p>x</p>".into(),
        ..NewPage::default()
    })
    .await
    .unwrap()
    .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthorized_with_a_wrong_api_token() {
    let h = common::empty().await;
    let c = Client::new(
        AuthMode::ApiToken {
            site_url: h.emulator.info.site_url.clone(),
            email: ALICE.into(),
            token: Secret::new("wrong"),
        },
        quick_config(),
    )
    .unwrap();
    let err = c.space_by_key("ENG").await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("Reconnect"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_oauth_token_is_refreshed_once_then_revoked_is_unauthorized() {
    let h = common::empty().await;
    let provider = h.oauth_provider(ALICE).await;
    let c = h.oauth_client_with(provider.clone(), quick_config());
    c.space_by_key("ENG").await.unwrap();
    h.admin_post("oauth/expire-access-tokens").await;
    c.space_by_key("ENG").await.unwrap();
    assert_eq!(provider.refreshes.load(Ordering::SeqCst), 1);

    h.admin_post(&format!("oauth/revoke?email={ALICE}")).await;
    let err = c.space_by_key("ENG").await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(
        provider.refreshes.load(Ordering::SeqCst),
        2,
        "one refresh per call, no loop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forbidden_when_writing_a_read_only_space() {
    let h = common::empty().await;
    let c = h.site_client(FRANK);
    let docs = space_id(&c, "DOCS").await;
    let err = c
        .create_page(&NewPage {
            space_id: docs,
            title: "Nope".into(),
            body: "<p>x</p>".into(),
            ..NewPage::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_for_unknown_ids_and_invalid_for_malformed_ones() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let err = c.page("987654321", None).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = c.page("../spaces", None).await.unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");
    let err = c.page("abc", None).await.unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "server 400: {err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflict_on_a_stale_version_carries_both_versions() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let pid = a_page(&c).await;
    let edit = |body: &str| ContentEdit {
        body: Some(body.into()),
        based_on_version: Some(1),
        ..ContentEdit::default()
    };
    c.update_page(&pid, &edit("<p>first</p>")).await.unwrap();
    let err = c
        .update_page(&pid, &edit("<p>second</p>"))
        .await
        .unwrap_err();
    match err {
        Error::Conflict {
            current_version,
            attempted_version,
            ..
        } => {
            assert_eq!(current_version, Some(2));
            assert_eq!(attempted_version, Some(1));
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_for_v1_content_calls_through_the_oauth_gateway() {
    let h = common::empty().await;
    let pid = a_page(&h.site_client(ALICE)).await;
    let c = h.oauth_client(ALICE).await;
    let err = c.restrictions(&pid).await.unwrap_err();
    assert!(matches!(err, Error::Gone { .. }), "{err:?}");
    assert!(err.to_string().contains("v2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_when_retry_after_exceeds_the_cap() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    c.wiki_base().await.unwrap();
    h.set_faults(json!({"throttle_rate": 1.0, "throttle_retry_after_secs": 60}))
        .await;
    let started = Instant::now();
    let err = c.space_by_key("ENG").await.unwrap_err();
    match &err {
        Error::RateLimited { retry_after, .. } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(60)))
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(err.to_string().contains("Retry after 60 s"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait 60 s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_for_server_errors() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    h.set_faults(json!({"error_rate": 1.0, "error_statuses": [500]}))
        .await;
    let err = c.space_by_key("ENG").await.unwrap_err();
    assert!(
        matches!(err, Error::Upstream { status: 500, .. }),
        "{err:?}"
    );
    // 503 is retried for reads, then reported once the retries are used up.
    h.set_faults(json!({"error_rate": 1.0, "error_statuses": [503]}))
        .await;
    let before = h.stats().await["faults_injected"].as_u64().unwrap();
    let err = c.space_by_key("ENG").await.unwrap_err();
    assert!(
        matches!(err, Error::Upstream { status: 503, .. }),
        "{err:?}"
    );
    let after = h.stats().await["faults_injected"].as_u64().unwrap();
    assert_eq!(after - before, 5, "first try plus four retries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_for_bad_cql_with_confluences_message() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let err = collect(c.search("type = page AND (", PageCaps::default()))
        .await
        .unwrap_err();
    match &err {
        Error::Invalid { message } => assert!(!message.is_empty()),
        other => panic!("expected Invalid, got {other:?}"),
    }
    println!("bad CQL: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_when_confluence_is_too_slow() {
    let h = common::empty().await;
    let mut config = quick_config();
    config.request_timeout = Duration::from_millis(300);
    config.retry.max_retries = 1;
    let c = h.site_client_with(ALICE, config);
    h.set_faults(json!({"latency_ms": 1000})).await;
    let err = c.space_by_key("ENG").await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn network_error_when_nothing_listens_or_the_connection_drops() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let mut config = quick_config();
    config.retry.max_retries = 1;
    confluence::install_crypto_provider();
    let c = Client::new(
        AuthMode::ApiToken {
            site_url: format!("http://{addr}"),
            email: ALICE.into(),
            token: Secret::new("t"),
        },
        config,
    )
    .unwrap();
    let err = c.space_by_key("ENG").await.unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");

    let h = common::empty().await;
    let c = h.site_client(ALICE);
    h.set_faults(json!({"drop_rate": 1.0})).await;
    let err = c.space_by_key("ENG").await.unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err:?}");
}
