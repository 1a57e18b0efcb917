//! The OAuth 2.0 (3LO) server: code + PKCE, accessible-resources, Bearer calls through the
//! gateway style, expiry, rotation, reuse detection with family revocation, v1 410s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use confluence_emulator::{EmulatorConfig, SeedKind};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn harness(ttl: u64, leeway: u64) -> common::Harness {
    common::start_with(EmulatorConfig {
        seed: SeedKind::Empty,
        rate_limit_rps: 0.0,
        token_ttl_secs: ttl,
        refresh_leeway_secs: leeway,
        ..EmulatorConfig::default()
    })
    .await
}

async fn refresh(h: &common::Harness, refresh_token: &str) -> (StatusCode, Value) {
    let info = &h.emulator.info;
    let resp = h
        .http
        .post(&info.token_url)
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", info.client_id.as_str()),
            ("client_secret", info.client_secret.as_str()),
            ("refresh_token", refresh_token),
        ])
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn stats(h: &common::Harness) -> Value {
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
async fn code_flow_with_pkce_gives_tokens_that_reach_the_site() {
    let h = harness(3600, 600).await;
    let tokens = h.oauth_login("bob@example.com").await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert!(
        tokens["refresh_token"].as_str().is_some(),
        "offline_access gives a refresh token"
    );

    let resources: Value = h
        .http
        .get(&h.emulator.info.accessible_resources_url)
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resources[0]["id"], h.emulator.info.cloud_id);
    assert_eq!(resources[0]["url"], h.site());

    let spaces = h
        .call_oauth(access, Method::GET, "/wiki/api/v2/spaces", None)
        .await;
    assert_eq!(spaces.status, StatusCode::OK, "{}", spaces.text);
    let keys: Vec<&str> = spaces.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["key"].as_str())
        .collect();
    assert_eq!(keys.len(), 2, "bob sees ENG and DOCS only: {keys:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_pkce_verifier_reused_code_and_bad_client_are_refused() {
    let h = harness(3600, 600).await;
    let info = &h.emulator.info;
    let redirect_uri = "http://127.0.0.1:1/cb";
    let authorize = |challenge: &'static str| {
        h.http.get(&info.authorize_url).query(&[
            ("client_id", info.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("scope", "offline_access"),
            ("response_type", "code"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("auto_consent", "bob@example.com"),
        ])
    };
    let resp = authorize("abc").send().await.unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let exchange = |code: String, verifier: &str, secret: &str| {
        h.http.post(&info.token_url).json(&json!({
            "grant_type": "authorization_code", "client_id": info.client_id, "client_secret": secret,
            "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier,
        }))
    };
    let bad_client = exchange(code.clone(), "abc", "wrong-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_client.status(), StatusCode::UNAUTHORIZED);
    let bad = exchange(code.clone(), "not-the-verifier", &info.client_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::FORBIDDEN);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    // The code was consumed by the failed attempt: codes are single-use.
    let again = exchange(code, "abc", &info.client_secret)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::FORBIDDEN);

    let unknown_client = h
        .http
        .get(&info.authorize_url)
        .query(&[("client_id", "nope"), ("redirect_uri", redirect_uri)])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_client.status(), StatusCode::BAD_REQUEST);

    let unsupported: Value = h
        .http
        .post(&info.token_url)
        .json(&json!({"grant_type": "password", "client_id": info.client_id, "client_secret": info.client_secret}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unsupported["error"], "unsupported_grant_type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_page_lists_users_and_posting_consent_redirects_with_a_code() {
    let h = harness(3600, 600).await;
    let info = &h.emulator.info;
    let page = h
        .http
        .get(&info.authorize_url)
        .query(&[
            ("client_id", info.client_id.as_str()),
            ("redirect_uri", "http://127.0.0.1:1/cb"),
            ("scope", "read:confluence-content.all"),
            ("state", "s1"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("bob@example.com") && page.contains("<form"));
    let bob = h.account_id("bob@example.com");
    let resp = h
        .http
        .post(&info.authorize_url)
        .form(&[
            ("client_id", info.client_id.as_str()),
            ("redirect_uri", "http://127.0.0.1:1/cb"),
            ("scope", "read:confluence-content.all"),
            ("state", "s1"),
            ("account_id", bob.as_str()),
            ("decision", "accept"),
        ])
        .send()
        .await
        .unwrap();
    let location = resp.headers()["location"].to_str().unwrap();
    assert!(
        location.contains("code=") && location.contains("state=s1"),
        "{location}"
    );
    let denied = h
        .http
        .post(&info.authorize_url)
        .form(&[
            ("client_id", info.client_id.as_str()),
            ("redirect_uri", "http://127.0.0.1:1/cb"),
            ("decision", "deny"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        denied.headers()["location"]
            .to_str()
            .unwrap()
            .contains("error=access_denied")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_tokens_expire_and_refresh_rotates() {
    let h = harness(1, 600).await;
    let tokens = h.oauth_login("bob@example.com").await;
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let first_refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let expired = h
        .call_oauth(&access, Method::GET, "/wiki/api/v2/spaces", None)
        .await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert!(expired.text.contains("expired"), "{}", expired.text);

    let (status, rotated) = refresh(&h, &first_refresh).await;
    assert_eq!(status, StatusCode::OK);
    let second_refresh = rotated["refresh_token"].as_str().unwrap();
    assert_ne!(second_refresh, first_refresh, "refresh tokens rotate");
    let fresh = rotated["access_token"].as_str().unwrap();
    let ok = h
        .call_oauth(fresh, Method::GET, "/wiki/api/v2/spaces", None)
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(stats(&h).await["oauth"]["refreshes"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reuse_within_leeway_is_tolerated_but_after_it_revokes_the_family() {
    let h = harness(3600, 1).await;
    let tokens = h.oauth_login("bob@example.com").await;
    let old = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, rotated) = refresh(&h, &old).await;
    assert_eq!(status, StatusCode::OK);
    // Two replicas racing: the old token again, inside the leeway, still works.
    let (status, _) = refresh(&h, &old).await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1_300)).await;
    let (status, body) = refresh(&h, &old).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "invalid_grant");
    // The whole family is gone: newer refresh and access tokens too.
    let newer = rotated["refresh_token"].as_str().unwrap();
    let (status, _) = refresh(&h, newer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let access = rotated["access_token"].as_str().unwrap();
    let denied = h
        .call_oauth(access, Method::GET, "/wiki/api/v2/spaces", None)
        .await;
    assert_eq!(denied.status, StatusCode::UNAUTHORIZED);
    let s = stats(&h).await;
    assert_eq!(s["oauth"]["reuse_within_leeway"], 1);
    assert_eq!(s["oauth"]["reuse_detected"], 1);
    assert_eq!(s["oauth"]["revocations"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_revocation_and_forced_expiry() {
    let h = harness(3600, 600).await;
    let tokens = h.oauth_login("bob@example.com").await;
    let access = tokens["access_token"].as_str().unwrap();
    let expired: Value = h
        .http
        .post(format!("{}/__admin/oauth/expire-access-tokens", h.site()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(expired["expired"], 1);
    assert_eq!(
        h.call_oauth(access, Method::GET, "/wiki/api/v2/spaces", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = refresh(&h, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    h.http
        .post(format!(
            "{}/__admin/oauth/revoke?email=bob@example.com",
            h.site()
        ))
        .send()
        .await
        .unwrap();
    let (status, body) = refresh(&h, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_style_answers_410_for_v1_content_but_serves_v1_search() {
    let h = harness(3600, 600).await;
    let tokens = h.oauth_login("bob@example.com").await;
    let access = tokens["access_token"].as_str().unwrap();
    let gone = h
        .call_oauth(
            access,
            Method::GET,
            "/wiki/rest/api/content?spaceKey=ENG",
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.text.contains("v2"), "{}", gone.text);
    let search = h
        .call_oauth(
            access,
            Method::GET,
            "/wiki/rest/api/search?cql=type%3Dpage",
            None,
        )
        .await;
    assert_eq!(search.status, StatusCode::OK, "{}", search.text);
    // The same v1 content endpoint still answers on the site style with Basic auth.
    let site = h
        .get("bob@example.com", "/wiki/rest/api/content?spaceKey=ENG")
        .await;
    assert_eq!(site.status, StatusCode::OK, "{}", site.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bearer_wrong_cloud_and_basic_on_gateway_are_refused() {
    let h = harness(3600, 600).await;
    let bad = h
        .call_oauth("garbage", Method::GET, "/wiki/api/v2/spaces", None)
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad.body["code"], 401);
    let wrong_cloud = h
        .http
        .get(format!(
            "{}/ex/confluence/not-a-cloud/wiki/api/v2/spaces",
            h.site()
        ))
        .bearer_auth("garbage")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_cloud.status(), StatusCode::NOT_FOUND);
    let tokens = h.oauth_login("bob@example.com").await;
    // A Bearer token on the site URL is not how Atlassian takes OAuth tokens.
    let bearer_on_site = h
        .http
        .get(format!("{}/wiki/api/v2/spaces", h.site()))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(bearer_on_site.status(), StatusCode::UNAUTHORIZED);
}
