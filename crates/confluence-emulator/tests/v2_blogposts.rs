//! REST v2 blog posts over real HTTP: CRUD in both auth styles, versions, trash, permissions.

// Helpers outside #[test] fns (here and in the shared harness) unwrap too; clippy.toml only
// covers the test fns themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, Reply};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const FRANK: &str = "frank@example.com";

async fn space_id(h: &Harness, key: &str) -> String {
    let r = h
        .get(ALICE, &format!("/wiki/api/v2/spaces?keys={key}"))
        .await;
    r.body["results"][0]["id"].as_str().unwrap().to_owned()
}

fn ids(r: &Reply) -> Vec<String> {
    r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_v2_error(r: &Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["errors"][0]["status"], status.as_u16(), "{}", r.text);
}

fn post_body(space: &str, title: &str) -> Value {
    json!({
        "spaceId": space, "status": "current", "title": title,
        "body": { "representation": "storage", "value": format!("<p>{title}</p>") },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blog_post_lifecycle_in_both_styles() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/blogposts",
            Some(post_body(&eng, "Launch")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let bid = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["spaceId"], eng.as_str());
    assert!(
        r.body.get("parentId").is_none(),
        "blog posts have no parent"
    );
    assert!(
        r.body["_links"]["webui"]
            .as_str()
            .unwrap()
            .contains("/blog/")
    );

    let token = h.oauth_login(BOB).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .call_oauth(
            &token,
            Method::POST,
            "/wiki/api/v2/blogposts",
            Some(post_body(&eng, "Second")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let second = r.body["id"].as_str().unwrap().to_owned();
    let r = h
        .call_oauth(
            &token,
            Method::GET,
            &format!("/wiki/api/v2/blogposts/{bid}?body-format=storage"),
            None,
        )
        .await;
    assert_eq!(r.body["body"]["storage"]["value"], "<p>Launch</p>");
    let r = h
        .call_oauth(&token, Method::GET, "/wiki/api/v2/blogposts?limit=1", None)
        .await;
    assert_eq!(ids(&r), vec![bid.clone()]);
    let next = r.body["_links"]["next"].as_str().unwrap().to_owned();
    let r = h.call_oauth(&token, Method::GET, &next, None).await;
    assert_eq!(ids(&r), vec![second.clone()]);
    assert!(r.body["_links"].get("next").is_none());

    let update = json!({
        "id": bid, "status": "current", "title": "Launch!",
        "body": { "representation": "storage", "value": "<p>v2</p>" }, "version": { "number": 2 },
    });
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/blogposts/{bid}"),
            Some(update.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["version"]["number"], 2);
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/blogposts/{bid}"),
            Some(update),
        )
        .await;
    assert_v2_error(&r, StatusCode::CONFLICT);
    let r = h
        .get(BOB, &format!("/wiki/api/v2/blogposts/{bid}/versions"))
        .await;
    assert_eq!(r.body["results"][0]["number"], 2);
    assert_eq!(r.body["results"][1]["blogpost"]["title"], "Launch");
    let r = h
        .get(BOB, &format!("/wiki/api/v2/blogposts/{bid}/versions/2"))
        .await;
    assert_eq!(r.body["prevVersion"], 1);
    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/blogposts/{bid}?version=1&body-format=storage"),
        )
        .await;
    assert_eq!(r.body["body"]["storage"]["value"], "<p>Launch</p>");

    let r = h
        .get(BOB, &format!("/wiki/api/v2/spaces/{eng}/blogposts"))
        .await;
    assert_eq!(ids(&r), vec![bid.clone(), second.clone()]);
    // A blog post is not a page, and a page id is not a blog post.
    assert_v2_error(
        &h.get(BOB, &format!("/wiki/api/v2/pages/{bid}")).await,
        StatusCode::NOT_FOUND,
    );

    assert_eq!(
        h.call(
            BOB,
            Method::DELETE,
            &format!("/wiki/api/v2/blogposts/{bid}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        ids(&h.get(BOB, "/wiki/api/v2/blogposts").await),
        vec![second.clone()]
    );
    assert_eq!(
        ids(&h.get(BOB, "/wiki/api/v2/blogposts?status=trashed").await),
        vec![bid.clone()]
    );
    let r = h
        .call(
            ALICE,
            Method::DELETE,
            &format!("/wiki/api/v2/blogposts/{bid}?purge=true"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_v2_error(
        &h.get(
            ALICE,
            &format!("/wiki/api/v2/blogposts/{bid}?status=trashed"),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blog_post_permissions() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    let docs = space_id(&h, "DOCS").await;
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/blogposts",
            Some(post_body(&eng, "Eng news")),
        )
        .await;
    let eng_post = r.body["id"].as_str().unwrap().to_owned();
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/blogposts",
            Some(post_body(&docs, "Docs news")),
        )
        .await;
    let docs_post = r.body["id"].as_str().unwrap().to_owned();

    assert_eq!(
        ids(&h.get(FRANK, "/wiki/api/v2/blogposts").await),
        vec![docs_post.clone()]
    );
    assert_v2_error(
        &h.get(FRANK, &format!("/wiki/api/v2/blogposts/{eng_post}"))
            .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.get(
            FRANK,
            &format!("/wiki/api/v2/blogposts/{eng_post}/versions"),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.get(FRANK, &format!("/wiki/api/v2/spaces/{eng}/blogposts"))
            .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.call(
            FRANK,
            Method::DELETE,
            &format!("/wiki/api/v2/blogposts/{eng_post}"),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.call(
            FRANK,
            Method::DELETE,
            &format!("/wiki/api/v2/blogposts/{docs_post}"),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    let edit = json!({"id": docs_post, "status": "current", "title": "x", "body": {"representation": "storage", "value": ""}, "version": {"number": 2}});
    assert_v2_error(
        &h.call(
            FRANK,
            Method::PUT,
            &format!("/wiki/api/v2/blogposts/{docs_post}"),
            Some(edit),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    assert_v2_error(
        &h.call(
            FRANK,
            Method::POST,
            "/wiki/api/v2/blogposts",
            Some(post_body(&docs, "F")),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    assert_v2_error(
        &h.get(FRANK, "/wiki/api/v2/blogposts/xyz").await,
        StatusCode::BAD_REQUEST,
    );
    assert_v2_error(
        &h.get(FRANK, "/wiki/api/v2/blogposts?body-format=view")
            .await,
        StatusCode::BAD_REQUEST,
    );
}
