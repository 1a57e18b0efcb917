//! Test data made directly in the store (on the `empty` seed) and the assertions the comment,
//! label, attachment and user tests share.
#![allow(dead_code)]

use super::common::{Harness, Reply};
use confluence_emulator::store::NewContent;
use confluence_emulator::store::model::{ContentKind, Status};
use reqwest::{Method, StatusCode};
use serde_json::Value;

pub const ALICE: &str = "alice@example.com";
pub const BOB: &str = "bob@example.com";
pub const CAROL: &str = "carol@example.com";
pub const DAVE: &str = "dave@example.com";
pub const ERIN: &str = "erin@example.com";
pub const FRANK: &str = "frank@example.com";

/// Creates a current page or blog post authored by alice and returns its id.
pub fn add(
    h: &Harness,
    kind: ContentKind,
    space: &str,
    title: &str,
    body: &str,
    parent: Option<u64>,
) -> u64 {
    let mut store = h.emulator.state.write();
    let space_id = store.space_by_key(space).unwrap().id;
    let author = store.users[0].account_id.clone();
    store.insert_content(NewContent {
        kind,
        space_id,
        parent_id: parent,
        title: title.to_owned(),
        body: body.to_owned(),
        author_id: author,
        status: Status::Current,
        at: chrono::Utc::now(),
    })
}

pub fn page(h: &Harness, space: &str, title: &str) -> u64 {
    add(h, ContentKind::Page, space, title, "<p>body</p>", None)
}

pub fn blog(h: &Harness, space: &str, title: &str) -> u64 {
    add(h, ContentKind::BlogPost, space, title, "<p>body</p>", None)
}

pub fn space_id(h: &Harness, key: &str) -> u64 {
    h.emulator.state.read().space_by_key(key).unwrap().id
}

/// Only these users (and site admins) may read the content and everything below it.
pub fn restrict_read(h: &Harness, id: u64, emails: &[&str]) {
    let ids = emails.iter().map(|e| h.account_id(e)).collect();
    h.emulator
        .state
        .write()
        .contents
        .get_mut(&id)
        .unwrap()
        .read_restricted_to = Some(ids);
}

pub fn restrict_update(h: &Harness, id: u64, emails: &[&str]) {
    let ids = emails.iter().map(|e| h.account_id(e)).collect();
    h.emulator
        .state
        .write()
        .contents
        .get_mut(&id)
        .unwrap()
        .update_restricted_to = Some(ids);
}

/// Asserts a v2 error (`{"errors":[{"status":…}]}`) with this status.
pub fn v2_error(r: &Reply, status: u16) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.body["errors"][0]["status"], status, "{}", r.text);
}

/// Asserts a v1 error (`{"statusCode":…}`) with this status.
pub fn v1_error(r: &Reply, status: u16) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.body["statusCode"], status, "{}", r.text);
}

/// GETs `path` as `email` and asserts the error status (v1 or v2 shape by path).
pub async fn get_fails(h: &Harness, email: &str, path: &str, status: u16) {
    let r = h.get(email, path).await;
    if path.contains("/api/v2/") {
        v2_error(&r, status);
    } else {
        v1_error(&r, status);
    }
}

pub async fn delete(h: &Harness, email: &str, path: &str) -> Reply {
    h.call(email, Method::DELETE, path, None).await
}

/// The `results` array of a list response.
pub fn results(r: &Reply) -> &Vec<Value> {
    r.body["results"].as_array().unwrap()
}

/// One string field of every result.
pub fn field(r: &Reply, name: &str) -> Vec<String> {
    results(r)
        .iter()
        .map(|x| x[name].as_str().unwrap().to_owned())
        .collect()
}

/// Follows v2 `_links.next` from `first`, checking that the `Link` header agrees and is
/// site-relative; returns every result and how many pages it took.
pub async fn collect_v2(h: &Harness, email: &str, first: &str) -> (Vec<Value>, usize) {
    let (mut out, mut next, mut pages) = (Vec::new(), Some(first.to_owned()), 0);
    while let Some(path) = next {
        let r = h.get(email, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        out.extend(results(&r).iter().cloned());
        next = r.body["_links"]["next"].as_str().map(str::to_owned);
        let link = r
            .headers
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned());
        match &next {
            Some(n) => {
                assert!(n.starts_with("/wiki/api/v2/"), "{n}");
                assert!(link.unwrap().contains(&format!("<{n}>; rel=\"next\"")));
            }
            None => assert!(link.is_none()),
        }
        pages += 1;
        assert!(pages < 50, "pagination does not end");
    }
    (out, pages)
}
