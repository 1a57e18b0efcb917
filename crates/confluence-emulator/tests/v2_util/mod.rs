//! Helpers shared by the v2 page tests: seed users, page creation, v2 error checks and
//! following paginated lists.
#![allow(dead_code)]

use super::common::{Harness, Reply};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub const ALICE: &str = "alice@example.com";
pub const BOB: &str = "bob@example.com";
pub const CAROL: &str = "carol@example.com";
pub const FRANK: &str = "frank@example.com";

pub async fn space_id(h: &Harness, key: &str) -> String {
    let r = h
        .get(ALICE, &format!("/wiki/api/v2/spaces?keys={key}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["results"][0]["id"].as_str().unwrap().to_owned()
}

pub async fn create_page(
    h: &Harness,
    email: &str,
    space: &str,
    title: &str,
    parent: Option<&str>,
) -> Value {
    let mut body = json!({
        "spaceId": space,
        "status": "current",
        "title": title,
        "body": { "representation": "storage", "value": format!("<p>{title} body</p>") },
    });
    if let Some(parent) = parent {
        body["parentId"] = json!(parent);
    }
    let r = h
        .call(email, Method::POST, "/wiki/api/v2/pages", Some(body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "create {title}: {}", r.text);
    r.body
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

pub fn ids(r: &Reply) -> Vec<String> {
    r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect()
}

pub fn assert_v2_error(r: &Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["errors"][0]["status"], status.as_u16(), "{}", r.text);
    assert!(r.body["errors"][0]["code"].is_string());
    assert!(r.body["errors"][0]["title"].is_string());
}

/// The `next` target of a `Link` header.
pub fn link_next(r: &Reply) -> Option<String> {
    let header = r.headers.get("link")?.to_str().ok()?;
    header
        .split(',')
        .find(|part| part.contains("rel=\"next\""))
        .and_then(|part| Some(part[part.find('<')? + 1..part.find('>')?].to_owned()))
}

/// Follows a v2 list to its end by `_links.next` or by the `Link` header.
pub async fn collect(h: &Harness, email: &str, first: &str, by_header: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut next = Some(first.to_owned());
    let mut pages = 0;
    while let Some(path) = next {
        let r = h.get(email, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        out.extend(ids(&r));
        let from_body = r.body["_links"]["next"].as_str().map(str::to_owned);
        assert_eq!(from_body, link_next(&r), "body and header agree");
        next = if by_header { link_next(&r) } else { from_body };
        pages += 1;
        assert!(pages < 100, "pagination does not end");
    }
    out
}
