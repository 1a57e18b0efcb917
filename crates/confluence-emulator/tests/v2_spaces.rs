//! REST v2 spaces over real HTTP: per-user visibility, filters, pagination, permissions,
//! creation by site admins, and the pages/blog posts of a space.

// Helpers outside #[test] fns (here and in the shared harness) unwrap too; clippy.toml only
// covers the test fns themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Reply;
use reqwest::{Method, StatusCode};
use serde_json::json;

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const FRANK: &str = "frank@example.com";

fn keys(r: &Reply) -> Vec<String> {
    r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_v2_error(r: &Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["errors"][0]["status"], status.as_u16(), "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_see_only_their_spaces_with_filters_and_pagination() {
    let h = common::empty().await;
    let r = h.get(ALICE, "/wiki/api/v2/spaces").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(keys(&r), ["ENG", "DOCS", "HR", "LEGAL", "EXEC"]);
    let s = &r.body["results"][0];
    assert_eq!(s["type"], "global");
    assert_eq!(s["status"], "current");
    assert!(s["homepageId"].is_string());
    assert!(s["createdAt"].as_str().unwrap().ends_with(".000Z"));
    assert_eq!(s["_links"]["webui"], "/spaces/ENG");
    assert!(s.get("description").is_none());

    assert_eq!(
        keys(&h.get(BOB, "/wiki/api/v2/spaces").await),
        ["ENG", "DOCS"]
    );
    assert_eq!(keys(&h.get(FRANK, "/wiki/api/v2/spaces").await), ["DOCS"]);
    assert_eq!(
        keys(&h.get(FRANK, "/wiki/api/v2/spaces?keys=ENG,DOCS").await),
        ["DOCS"]
    );
    assert_eq!(
        keys(&h.get(ALICE, "/wiki/api/v2/spaces?keys=HR&keys=ENG").await),
        ["ENG", "HR"]
    );
    assert_eq!(
        keys(&h.get(ALICE, "/wiki/api/v2/spaces?sort=-key").await),
        ["LEGAL", "HR", "EXEC", "ENG", "DOCS"]
    );
    assert_eq!(
        keys(&h.get(ALICE, "/wiki/api/v2/spaces?type=personal").await),
        Vec::<String>::new()
    );
    assert_eq!(
        keys(&h.get(ALICE, "/wiki/api/v2/spaces?labels=team").await),
        Vec::<String>::new()
    );
    let r = h
        .get(
            ALICE,
            "/wiki/api/v2/spaces?keys=DOCS&description-format=plain&include-icon=true",
        )
        .await;
    assert_eq!(
        r.body["results"][0]["description"]["plain"]["value"],
        "Customer-facing guides and release notes"
    );
    assert!(r.body["results"][0]["icon"]["path"].is_string());
    assert_v2_error(
        &h.get(ALICE, "/wiki/api/v2/spaces?description-format=storage")
            .await,
        StatusCode::BAD_REQUEST,
    );
    assert_v2_error(
        &h.get(ALICE, "/wiki/api/v2/spaces?sort=size").await,
        StatusCode::BAD_REQUEST,
    );
    assert_v2_error(
        &h.get(ALICE, "/wiki/api/v2/spaces?cursor=%%%").await,
        StatusCode::BAD_REQUEST,
    );

    // limit=2 over five spaces: three pages by _links.next, and the same by the Link header.
    for by_header in [false, true] {
        let mut seen = Vec::new();
        let mut next = Some("/wiki/api/v2/spaces?limit=2".to_owned());
        let mut requests = 0;
        while let Some(path) = next {
            let r = h.get(ALICE, &path).await;
            seen.extend(keys(&r));
            requests += 1;
            next = if by_header {
                r.headers.get("link").map(|l| {
                    let l = l.to_str().unwrap();
                    l[l.find('<').unwrap() + 1..l.find('>').unwrap()].to_owned()
                })
            } else {
                r.body["_links"]["next"].as_str().map(str::to_owned)
            };
        }
        assert_eq!(requests, 3);
        assert_eq!(seen, ["ENG", "DOCS", "HR", "LEGAL", "EXEC"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_space_and_its_permissions() {
    let h = common::empty().await;
    let r = h.get(ALICE, "/wiki/api/v2/spaces?keys=ENG").await;
    let eng = r.body["results"][0]["id"].as_str().unwrap().to_owned();
    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/spaces/{eng}?include-operations=true&description-format=view"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["key"], "ENG");
    assert!(
        r.body["_links"]["base"]
            .as_str()
            .unwrap()
            .ends_with("/wiki")
    );
    assert!(
        r.body["description"]["view"]["value"]
            .as_str()
            .unwrap()
            .starts_with("<p>")
    );
    let ops = r.body["operations"]["results"].as_array().unwrap();
    assert!(ops.contains(&json!({"operation": "create", "targetType": "page"})));
    assert!(!ops.contains(&json!({"operation": "administer", "targetType": "space"})));

    assert_v2_error(
        &h.get(FRANK, &format!("/wiki/api/v2/spaces/{eng}")).await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.get(FRANK, &format!("/wiki/api/v2/spaces/{eng}/permissions"))
            .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.get(ALICE, "/wiki/api/v2/spaces/999999").await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.get(ALICE, "/wiki/api/v2/spaces/ENG").await,
        StatusCode::BAD_REQUEST,
    );

    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/spaces/{eng}/permissions?limit=250"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let results = r.body["results"].as_array().unwrap();
    let has = |email: &str, key: &str, target: &str| {
        let account = h.account_id(email);
        results.iter().any(|p| {
            p["principal"] == json!({"type": "user", "id": account})
                && p["operation"] == json!({"key": key, "targetType": target})
        })
    };
    assert!(has(BOB, "create", "page"));
    assert!(has(BOB, "read", "space"));
    assert!(!has(BOB, "administer", "space"));
    assert!(has(ALICE, "administer", "space"));
    assert!(has("erin@example.com", "read", "space"));
    assert!(!has("erin@example.com", "create", "page"));
    assert!(!has(FRANK, "read", "space"));
    let unique: std::collections::HashSet<_> =
        results.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), results.len());
    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/spaces/{eng}/permissions?limit=3"),
        )
        .await;
    assert_eq!(r.body["results"].as_array().unwrap().len(), 3);
    assert!(r.body["_links"]["next"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn site_admins_create_spaces_in_both_styles() {
    let h = common::empty().await;
    let body = json!({"key": "ops", "name": "Operations", "description": {"value": "Ops stuff", "representation": "plain"}});
    let r = h
        .call(BOB, Method::POST, "/wiki/api/v2/spaces", Some(body.clone()))
        .await;
    assert_v2_error(&r, StatusCode::FORBIDDEN);
    let r = h
        .call(
            ALICE,
            Method::POST,
            "/wiki/api/v2/spaces",
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["key"], "OPS");
    assert_eq!(r.body["name"], "Operations");
    assert_eq!(r.body["authorId"], h.account_id(ALICE).as_str());
    let id = r.body["id"].as_str().unwrap().to_owned();
    let home = r.body["homepageId"].as_str().unwrap().to_owned();
    let r = h
        .call(ALICE, Method::POST, "/wiki/api/v2/spaces", Some(body))
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    assert_v2_error(
        &h.call(
            ALICE,
            Method::POST,
            "/wiki/api/v2/spaces",
            Some(json!({"key": "X"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    assert_v2_error(
        &h.call(
            ALICE,
            Method::POST,
            "/wiki/api/v2/spaces",
            Some(json!({"key": "a-b", "name": "Bad"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );

    let r = h
        .get(ALICE, &format!("/wiki/api/v2/spaces/{id}/pages"))
        .await;
    assert_eq!(r.body["results"][0]["id"], home.as_str());
    // Nobody else holds a grant on the new space.
    assert_v2_error(
        &h.get(BOB, &format!("/wiki/api/v2/spaces/{id}")).await,
        StatusCode::NOT_FOUND,
    );

    let token = h.oauth_login(ALICE).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .call_oauth(
            &token,
            Method::POST,
            "/wiki/api/v2/spaces",
            Some(json!({"alias": "sec", "name": "Security"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["key"], "SEC");
    let r = h
        .call_oauth(
            &token,
            Method::GET,
            "/wiki/api/v2/spaces?keys=SEC,OPS",
            None,
        )
        .await;
    assert_eq!(keys(&r), ["OPS", "SEC"]);
    let r = h
        .call_oauth(
            &token,
            Method::GET,
            &format!("/wiki/api/v2/spaces/{id}"),
            None,
        )
        .await;
    assert_eq!(r.body["key"], "OPS");
    let bob = h.oauth_login(BOB).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .call_oauth(
            &bob,
            Method::POST,
            "/wiki/api/v2/spaces",
            Some(json!({"key": "B", "name": "B"})),
        )
        .await;
    assert_v2_error(&r, StatusCode::FORBIDDEN);
    let r = h
        .call_oauth(&bob, Method::GET, "/wiki/api/v2/spaces", None)
        .await;
    assert_eq!(keys(&r), ["ENG", "DOCS"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_blog_posts_of_a_space() {
    let h = common::empty().await;
    let r = h.get(ALICE, "/wiki/api/v2/spaces?keys=DOCS").await;
    let docs = r.body["results"][0]["id"].as_str().unwrap().to_owned();
    let home = r.body["results"][0]["homepageId"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/pages",
            Some(json!({"spaceId": docs, "title": "Guide"})),
        )
        .await;
    let guide = r.body["id"].as_str().unwrap().to_owned();
    h.call(
        BOB,
        Method::POST,
        "/wiki/api/v2/blogposts",
        Some(json!({"spaceId": docs, "title": "News"})),
    )
    .await;

    let r = h
        .get(
            FRANK,
            &format!("/wiki/api/v2/spaces/{docs}/pages?body-format=storage"),
        )
        .await;
    let results = r.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["id"], home.as_str());
    assert!(results[0]["body"]["storage"]["value"].is_string());
    let r = h
        .get(
            FRANK,
            &format!("/wiki/api/v2/spaces/{docs}/pages?depth=root"),
        )
        .await;
    assert_eq!(r.body["results"].as_array().unwrap().len(), 1);
    let r = h
        .get(
            FRANK,
            &format!("/wiki/api/v2/spaces/{docs}/pages?title=Guide"),
        )
        .await;
    assert_eq!(r.body["results"][0]["id"], guide.as_str());
    assert_v2_error(
        &h.get(
            FRANK,
            &format!("/wiki/api/v2/spaces/{docs}/pages?depth=deep"),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    let r = h
        .get(FRANK, &format!("/wiki/api/v2/spaces/{docs}/blogposts"))
        .await;
    assert_eq!(r.body["results"][0]["title"], "News");
    assert_v2_error(
        &h.get(FRANK, "/wiki/api/v2/spaces/x/pages").await,
        StatusCode::BAD_REQUEST,
    );
}
