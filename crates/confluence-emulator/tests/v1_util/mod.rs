//! Helpers shared by the v1 API tests: seed users, page creation and v1 error checks.
#![allow(dead_code)]

use super::common::{self, Harness};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub const ALICE: &str = "alice@example.com";
pub const BOB: &str = "bob@example.com";
pub const CAROL: &str = "carol@example.com";
pub const ERIN: &str = "erin@example.com";
pub const FRANK: &str = "frank@example.com";

pub fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub async fn home_id(h: &Harness, key: &str) -> String {
    let r = h
        .get(
            ALICE,
            &format!("/wiki/rest/api/space/{key}?expand=homepage"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["homepage"]["id"].as_str().unwrap().to_owned()
}

pub async fn create(h: &Harness, who: &str, body: Value) -> common::Reply {
    h.call(who, Method::POST, "/wiki/rest/api/content", Some(body))
        .await
}

pub fn page(space: &str, title: &str, storage: &str, parent: Option<&str>) -> Value {
    let mut v = json!({
        "type": "page", "title": title, "space": {"key": space},
        "body": {"storage": {"value": storage, "representation": "storage"}},
    });
    if let Some(p) = parent {
        v["ancestors"] = json!([{"id": p}]);
    }
    v
}

pub async fn new_page(
    h: &Harness,
    who: &str,
    space: &str,
    title: &str,
    parent: Option<&str>,
) -> String {
    let r = create(
        h,
        who,
        page(space, title, &format!("<p>Body of {title}</p>"), parent),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

pub fn v1_error(r: &common::Reply, status: StatusCode, fragment: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["statusCode"], status.as_u16(), "{}", r.text);
    let message = r.body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(fragment),
        "message {message:?} lacks {fragment:?}"
    );
}
