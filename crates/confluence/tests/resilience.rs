//! Retries, `Retry-After`, the client-side rate budget under concurrency, and concurrent edits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ALICE, quick_config, space_id};
use confluence::models::{BodyFormat, body_text};
use confluence::{ClientConfig, ContentEdit, Error, NewPage};
use confluence_emulator::{EmulatorConfig, SeedKind};
use serde_json::json;
use std::time::{Duration, Instant};

/// Clears all faults after `after`, as a recovering upstream does.
fn recover_after(h: &common::Harness, after: Duration) -> tokio::task::JoinHandle<()> {
    let http = h.http.clone();
    let url = format!("{}/__admin/faults", h.emulator.info.site_url);
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        http.put(url).json(&json!({})).send().await.unwrap();
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_retry_through_503s_until_success() {
    let h = common::empty().await;
    let mut config = quick_config();
    config.retry.max_retries = 10;
    config.retry.base_delay = Duration::from_millis(50);
    let c = h.site_client_with(ALICE, config);
    c.wiki_base().await.unwrap();
    h.set_faults(json!({"error_rate": 1.0, "error_statuses": [503]}))
        .await;
    let recovery = recover_after(&h, Duration::from_millis(300));
    let space = c.space_by_key("ENG").await.unwrap();
    assert_eq!(space.key, "ENG");
    recovery.await.unwrap();
    let injected = h.stats().await["faults_injected"].as_u64().unwrap();
    assert!(
        injected >= 1,
        "the call went through 503s first ({injected})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_are_not_retried_blindly() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let eng = space_id(&c, "ENG").await;
    h.set_faults(json!({"error_rate": 1.0, "error_statuses": [503]}))
        .await;
    let before = h.stats().await["api_requests"].as_u64().unwrap();
    let err = c
        .create_page(&NewPage {
            space_id: eng,
            title: "Once".into(),
            body: "<p>x</p>".into(),
            ..NewPage::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Upstream { status: 503, .. }),
        "{err:?}"
    );
    let after = h.stats().await["api_requests"].as_u64().unwrap();
    assert_eq!(
        after - before,
        1,
        "a create that may have happened is not resent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_and_429_is_retried_even_for_creates() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let eng = space_id(&c, "ENG").await;
    h.set_faults(json!({"throttle_rate": 1.0, "throttle_retry_after_secs": 1}))
        .await;
    let recovery = recover_after(&h, Duration::from_millis(200));
    let started = Instant::now();
    let page = c
        .create_page(&NewPage {
            space_id: eng,
            title: "After the storm".into(),
            body: "<p>x</p>".into(),
            ..NewPage::default()
        })
        .await
        .unwrap();
    let waited = started.elapsed();
    recovery.await.unwrap();
    assert!(
        waited >= Duration::from_millis(950),
        "waited {waited:?}, Retry-After said 1 s"
    );
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    assert_eq!(page.title, "After the storm");
    let rate_limited = h.stats().await["rate_limited"].as_u64().unwrap();
    assert_eq!(
        rate_limited, 1,
        "one 429, then the retry after 1 s succeeded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_zero_does_not_storm() {
    let h = common::empty().await;
    let mut config = quick_config();
    config.retry.max_retries = 3;
    let c = h.site_client_with(ALICE, config);
    c.wiki_base().await.unwrap();
    // The emulator sends at least `Retry-After: 1`; the client's own floor is the backoff.
    h.set_faults(json!({"throttle_rate": 1.0, "throttle_retry_after_secs": 0}))
        .await;
    let err = c.space_by_key("ENG").await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    let limited = h.stats().await["rate_limited"].as_u64().unwrap();
    assert_eq!(limited, 4, "first try plus three retries, then it stops");
}

/// 64 concurrent callers share one credential against the emulator's 10 requests/s limit.
/// Run with `cargo test -p confluence --test resilience -- --nocapture` to see the figure.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_callers_stay_under_the_rate_limit() {
    let h = common::start_with(EmulatorConfig {
        seed: SeedKind::Empty,
        rate_limit_rps: 10.0,
        rate_limit_burst: 10,
        ..EmulatorConfig::default()
    })
    .await;
    let c = h.site_client_with(ALICE, ClientConfig::default());
    let space = c.space_by_key("ENG").await.unwrap();
    let home = space.homepage_id.clone().unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let c = c.clone();
        let home = home.clone();
        let space_id = space.id.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                c.page(&home, Some(BodyFormat::Storage)).await.map(|_| ())
            } else {
                c.space(&space_id).await.map(|_| ())
            }
        }));
    }
    let mut ok = 0;
    for t in tasks {
        t.await.unwrap().unwrap();
        ok += 1;
    }
    let elapsed = started.elapsed();
    let stats = h.stats().await;
    let limited = stats["rate_limited"].as_u64().unwrap();
    println!(
        "64 concurrent callers: {ok} succeeded in {:.1} s; emulator 429 count = {limited} (api requests {})",
        elapsed.as_secs_f64(),
        stats["api_requests"]
    );
    assert_eq!(ok, 64);
    assert!(limited <= 5, "429s: {limited}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_never_silently_overwrite_each_other() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let bob = h.site_client("bob@example.com");
    let eng = space_id(&c, "ENG").await;
    for round in 0..5 {
        let page = c
            .create_page(&NewPage {
                space_id: eng.clone(),
                title: format!("Contended {round}"),
                body: "<p>original</p>".into(),
                ..NewPage::default()
            })
            .await
            .unwrap();
        // Both writers read version 1 and edit from it at the same time.
        let edit = |who: &str| ContentEdit {
            body: Some(format!("<p>{who}</p>")),
            based_on_version: Some(page.version_number()),
            ..ContentEdit::default()
        };
        let (edit_a, edit_b) = (edit("alice"), edit("bob"));
        let (a, b) = tokio::join!(
            c.update_page(&page.id, &edit_a),
            bob.update_page(&page.id, &edit_b)
        );
        let (winner, loser) = match (&a, &b) {
            (Ok(_), Err(e)) => ("alice", e),
            (Err(e), Ok(_)) => ("bob", e),
            other => panic!("exactly one writer must win: {other:?}"),
        };
        match loser {
            Error::Conflict {
                current_version,
                attempted_version,
                ..
            } => {
                assert_eq!(*current_version, Some(2));
                assert_eq!(*attempted_version, Some(1));
            }
            other => panic!("the loser gets Conflict, not {other:?}"),
        }
        let now = c.page(&page.id, Some(BodyFormat::Storage)).await.unwrap();
        assert_eq!(now.version_number(), 2);
        assert_eq!(
            body_text(now.body.as_ref(), BodyFormat::Storage),
            Some(format!("<p>{winner}</p>").as_str())
        );
    }
}
