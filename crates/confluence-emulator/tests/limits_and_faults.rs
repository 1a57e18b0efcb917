//! Per-user rate limits (429 + Retry-After + X-RateLimit-*), every fault kind, run-time fault
//! changes, and auth failures: the emulator answers and stays up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use confluence_emulator::faults::FaultSpec;
use confluence_emulator::{EmulatorConfig, SeedKind};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn config() -> EmulatorConfig {
    EmulatorConfig {
        seed: SeedKind::Empty,
        rate_limit_rps: 0.0,
        ..EmulatorConfig::default()
    }
}

async fn admin_stats(h: &common::Harness) -> Value {
    h.http
        .get(format!("{}/__admin/stats", h.site()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_user_rate_limit_answers_429_with_headers() {
    let h = common::start_with(EmulatorConfig {
        rate_limit_rps: 2.0,
        rate_limit_burst: 3,
        ..config()
    })
    .await;
    let mut limited = None;
    for _ in 0..10 {
        let r = h.get("bob@example.com", "/wiki/api/v2/spaces").await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.headers.contains_key("x-ratelimit-remaining"));
    }
    let limited = limited.expect("a burst of 10 at 2 rps is limited");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after));
    assert_eq!(limited.headers["x-ratelimit-remaining"], "0");
    assert!(limited.headers.contains_key("x-ratelimit-reset"));
    assert_eq!(limited.body["errors"][0]["status"], 429);
    // Limits are per user: another user is not affected.
    assert_eq!(
        h.get("carol@example.com", "/wiki/api/v2/spaces")
            .await
            .status,
        StatusCode::OK
    );
    // Waiting as told is enough.
    tokio::time::sleep(std::time::Duration::from_secs(retry_after)).await;
    assert_eq!(
        h.get("bob@example.com", "/wiki/api/v2/spaces").await.status,
        StatusCode::OK
    );
    assert!(admin_stats(&h).await["rate_limited"].as_u64().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_faults_answer_5xx_in_confluence_shape() {
    let h = common::start_with(EmulatorConfig {
        faults: FaultSpec::parse("error=1,status=503").unwrap(),
        ..config()
    })
    .await;
    let r = h.get("bob@example.com", "/wiki/api/v2/spaces").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.body["errors"][0]["status"], 503);
    let v1 = h.get("bob@example.com", "/wiki/rest/api/space").await;
    assert_eq!(v1.body["statusCode"], 503);
    // Admin and OAuth endpoints are not subject to faults.
    assert_eq!(admin_stats(&h).await["faults_injected"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_change_at_run_time_and_429_storms_carry_retry_after() {
    let h = common::start_with(config()).await;
    assert_eq!(
        h.get("bob@example.com", "/wiki/api/v2/spaces").await.status,
        StatusCode::OK
    );
    let put = h
        .http
        .put(format!("{}/__admin/faults", h.site()))
        .json(&json!({"throttle_rate": 1.0, "throttle_retry_after_secs": 7}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    let r = h.get("bob@example.com", "/wiki/api/v2/spaces").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers["retry-after"], "7");
    let bad = h
        .http
        .put(format!("{}/__admin/faults", h.site()))
        .json(&json!({"drop_rate": 3.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    h.http
        .put(format!("{}/__admin/faults", h.site()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        h.get("bob@example.com", "/wiki/api/v2/spaces").await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_is_added_and_dropped_connections_are_connection_errors() {
    let h = common::start_with(EmulatorConfig {
        faults: FaultSpec::parse("latency=150").unwrap(),
        ..config()
    })
    .await;
    let started = std::time::Instant::now();
    assert_eq!(
        h.get("bob@example.com", "/wiki/api/v2/spaces").await.status,
        StatusCode::OK
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(150));

    h.http
        .put(format!("{}/__admin/faults", h.site()))
        .json(&json!({"drop_rate": 1.0}))
        .send()
        .await
        .unwrap();
    let (email, token) = h.basic("bob@example.com");
    let err = h
        .http
        .get(format!("{}/wiki/api/v2/spaces", h.site()))
        .basic_auth(email, Some(token))
        .send()
        .await
        .expect_err("the connection is dropped without an answer");
    assert!(!err.is_status(), "{err}");
    assert_eq!(admin_stats(&h).await["connections_dropped"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_wrong_credentials_get_401_and_the_server_stays_up() {
    let h = common::start_with(config()).await;
    let url = format!("{}/wiki/api/v2/spaces", h.site());
    let none = h.http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(none.headers().contains_key("www-authenticate"));
    let wrong = h
        .http
        .get(&url)
        .basic_auth("bob@example.com", Some("wrong-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["errors"][0]["status"], 401);
    let garbage = h
        .http
        .get(&url)
        .header("authorization", "Basic %%%not-base64")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), StatusCode::UNAUTHORIZED);
    let v1 = h
        .http
        .get(format!("{}/wiki/rest/api/space", h.site()))
        .send()
        .await
        .unwrap();
    assert_eq!(v1.status(), StatusCode::UNAUTHORIZED);
    let v1_body: Value = v1.json().await.unwrap();
    assert_eq!(v1_body["statusCode"], 401);
    let unknown = h
        .http
        .get(format!("{}/nowhere", h.site()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        h.get("bob@example.com", "/wiki/api/v2/spaces").await.status,
        StatusCode::OK
    );
}
