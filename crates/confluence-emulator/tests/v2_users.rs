//! Users (`POST /api/v2/users-bulk`) and the read-only v1 page restriction endpoints.
// Tests may unwrap: a panic is a test failure. The harness helpers count as test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod store_fixtures;

use confluence_emulator::store::model::ContentKind;
use reqwest::{Method, StatusCode};
use serde_json::json;
use store_fixtures::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_bulk_looks_up_known_accounts() {
    let h = common::empty().await;
    let bob = h.account_id(BOB);
    let alice = h.account_id(ALICE);
    let r = h
        .call(
            FRANK,
            Method::POST,
            "/wiki/api/v2/users-bulk",
            Some(json!({ "accountIds": [bob, "557058:no-such-user", alice, bob] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let results = r.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let b = &results[0];
    assert_eq!(b["accountId"], bob);
    assert_eq!(b["displayName"], "Bob Builder");
    assert_eq!(b["publicName"], "Bob Builder");
    assert_eq!(b["email"], BOB);
    assert_eq!(b["accountType"], "atlassian");
    assert_eq!(b["accountStatus"], "active");
    assert!(b["timeZone"].is_string());
    assert_eq!(b["profilePicture"]["isDefault"], true);
    assert!(b["profilePicture"]["path"].is_string());
    assert_eq!(results[1]["accountId"], alice);
    assert!(
        r.body["_links"]["base"]
            .as_str()
            .unwrap()
            .ends_with("/wiki")
    );

    let none = h
        .call(
            FRANK,
            Method::POST,
            "/wiki/api/v2/users-bulk",
            Some(json!({ "accountIds": ["nobody"] })),
        )
        .await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.body["results"].as_array().unwrap().is_empty());

    // Through the OAuth gateway as well.
    let token = h.oauth_login(FRANK).await;
    let r = h
        .call_oauth(
            token["access_token"].as_str().unwrap(),
            Method::POST,
            "/wiki/api/v2/users-bulk",
            Some(json!({ "accountIds": [alice] })),
        )
        .await;
    assert_eq!(r.body["results"][0]["displayName"], "Alice Admin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_user_lookup_by_account_id() {
    let h = common::empty().await;
    let bob = h.account_id(BOB);
    let r = h
        .get(FRANK, &format!("/wiki/rest/api/user?accountId={bob}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["accountId"], bob);
    assert_eq!(r.body["type"], "known");
    assert_eq!(r.body["displayName"], "Bob Builder");
    assert_eq!(r.body["profilePicture"]["width"], 48);
    assert!(
        r.body["_links"]["self"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/rest/api/user?accountId={bob}"))
    );
    v1_error(
        &h.get(FRANK, "/wiki/rest/api/user?accountId=nobody").await,
        404,
    );
    v1_error(&h.get(FRANK, "/wiki/rest/api/user").await, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_bulk_rejects_bad_input() {
    let h = common::empty().await;
    let post = |body| h.call(BOB, Method::POST, "/wiki/api/v2/users-bulk", Some(body));
    v2_error(&post(json!({ "accountIds": [] })).await, 400);
    v2_error(&post(json!({})).await, 400);
    v2_error(&post(json!({ "accountIds": "abc" })).await, 400);
    let too_many: Vec<String> = (0..251).map(|i| format!("id-{i}")).collect();
    v2_error(&post(json!({ "accountIds": too_many })).await, 400);
    let (user, token) = h.basic(BOB);
    let raw = h
        .http
        .post(format!("{}/wiki/api/v2/users-bulk", h.site()))
        .basic_auth(user, Some(token))
        .header("content-type", "application/json")
        .body("{\"accountIds\": [")
        .send()
        .await
        .unwrap();
    v2_error(&common::read(raw).await, 400);
    let anonymous = h
        .http
        .post(format!("{}/wiki/api/v2/users-bulk", h.site()))
        .json(&json!({ "accountIds": ["x"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restrictions_are_listed_by_operation() {
    let h = common::empty().await;
    let bob = h.account_id(BOB);
    let alice = h.account_id(ALICE);
    let pid = page(&h, "DOCS", "Restricted");
    let child = add(
        &h,
        ContentKind::Page,
        "DOCS",
        "Child",
        "<p>c</p>",
        Some(pid),
    );
    {
        let mut store = h.emulator.state.write();
        let p = store.contents.get_mut(&pid).unwrap();
        p.read_restricted_to = Some(vec![bob.clone()]);
        p.update_restricted_to = Some(vec![bob.clone(), alice.clone()]);
    }
    let r = h
        .get(BOB, &format!("/wiki/rest/api/content/{pid}/restriction"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["size"], 2);
    assert!(r.body["restrictionsHash"].as_str().unwrap().len() >= 32);
    let read = &r.body["results"][0];
    assert_eq!(read["operation"], "read");
    assert_eq!(read["restrictions"]["user"]["results"][0]["accountId"], bob);
    assert_eq!(read["restrictions"]["user"]["results"][0]["type"], "known");
    assert_eq!(read["restrictions"]["user"]["size"], 1);
    assert_eq!(read["restrictions"]["group"]["size"], 0);
    let update = &r.body["results"][1];
    assert_eq!(update["operation"], "update");
    assert_eq!(update["restrictions"]["user"]["size"], 2);

    let by_op = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{pid}/restriction/byOperation"),
        )
        .await;
    assert_eq!(by_op.status, StatusCode::OK);
    assert_eq!(
        by_op.body["read"]["restrictions"]["user"]["results"][0]["displayName"],
        "Bob Builder"
    );
    assert_eq!(by_op.body["update"]["operation"], "update");
    let one = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{pid}/restriction/byOperation/update?start=1&limit=1"),
        )
        .await;
    assert_eq!(
        one.body["restrictions"]["user"]["results"][0]["accountId"],
        alice
    );
    assert_eq!(one.body["restrictions"]["user"]["start"], 1);
    let user_check = |account: String| {
        let h = &h;
        async move {
            h.get(BOB, &format!("/wiki/rest/api/content/{pid}/restriction/byOperation/read/user?accountId={account}"))
                .await
        }
    };
    assert_eq!(user_check(bob.clone()).await.status, StatusCode::OK);
    v1_error(&user_check(alice.clone()).await, 404);

    // The child inherits the read restriction but has none of its own.
    let inherited = h
        .get(BOB, &format!("/wiki/rest/api/content/{child}/restriction"))
        .await;
    assert_eq!(
        inherited.body["results"][0]["restrictions"]["user"]["size"],
        0
    );
    assert_ne!(
        inherited.body["restrictionsHash"],
        r.body["restrictionsHash"]
    );
    // Frank cannot see either page.
    v1_error(
        &h.get(FRANK, &format!("/wiki/rest/api/content/{pid}/restriction"))
            .await,
        404,
    );
    v1_error(
        &h.get(
            FRANK,
            &format!("/wiki/rest/api/content/{child}/restriction/byOperation"),
        )
        .await,
        404,
    );
    v1_error(
        &h.get(
            FRANK,
            &format!("/wiki/rest/api/content/{pid}/restriction/byOperation/read"),
        )
        .await,
        404,
    );
    // Unrestricted pages have empty lists; frank may read those.
    let open = page(&h, "DOCS", "Open");
    let r = h
        .get(
            FRANK,
            &format!("/wiki/rest/api/content/{open}/restriction/byOperation/read"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body["restrictions"]["user"]["results"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Bad input.
    v1_error(
        &h.get(
            BOB,
            &format!("/wiki/rest/api/content/{pid}/restriction/byOperation/delete"),
        )
        .await,
        400,
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/content/xyz/restriction").await,
        400,
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/content/999999/restriction")
            .await,
        404,
    );
    v1_error(
        &h.get(
            BOB,
            &format!("/wiki/rest/api/content/{pid}/restriction/byOperation/read/user"),
        )
        .await,
        400,
    );
    v1_error(
        &h.get(
            BOB,
            &format!("/wiki/rest/api/content/{pid}/restriction?limit=abc"),
        )
        .await,
        400,
    );
}
