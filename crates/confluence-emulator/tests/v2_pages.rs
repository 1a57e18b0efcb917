//! REST v2 pages over real HTTP: CRUD in both auth styles, versions, body formats,
//! pagination, validation and error shapes (trees, trash and permissions: v2_page_tree.rs).

// Helpers outside #[test] fns (here and in the shared harness) unwrap too; clippy.toml only
// covers the test fns themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod v2_util;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use v2_util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_get_update_with_versions_and_body_formats() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    let page = create_page(&h, BOB, &eng, "Runbook", None).await;
    let pid = id(&page);
    assert_eq!(page["status"], "current");
    assert_eq!(page["spaceId"], eng.as_str());
    assert_eq!(page["version"]["number"], 1);
    assert_eq!(page["authorId"], h.account_id(BOB).as_str());
    assert!(page["_links"]["webui"].as_str().unwrap().contains(&pid));
    assert!(page["_links"]["base"].as_str().unwrap().ends_with("/wiki"));
    // Without root-level the page goes below the space home page.
    let home = h
        .get(ALICE, &format!("/wiki/api/v2/spaces/{eng}"))
        .await
        .body["homepageId"]
        .clone();
    assert_eq!(page["parentId"], home);
    assert_eq!(page["parentType"], "page");

    let r = h.get(BOB, &format!("/wiki/api/v2/pages/{pid}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.get("body").is_none(), "no body unless asked for");
    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/pages/{pid}?body-format=storage"),
        )
        .await;
    assert_eq!(r.body["body"]["storage"]["value"], "<p>Runbook body</p>");
    assert_eq!(r.body["body"]["storage"]["representation"], "storage");
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{pid}?body-format=view"))
        .await;
    assert_eq!(r.body["body"]["view"]["value"], "<p>Runbook body</p>");
    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/pages/{pid}?body-format=atlas_doc_format"),
        )
        .await;
    let adf: Value = serde_json::from_str(
        r.body["body"]["atlas_doc_format"]["value"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(adf["content"][0]["content"][0]["text"], "Runbook body");
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{pid}?body-format=wiki"))
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);

    let update = json!({
        "id": pid, "status": "current", "title": "Runbook v2",
        "body": { "storage": { "representation": "storage", "value": "<p>second</p>" } },
        "version": { "number": 2, "message": "rewrite" },
    });
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{pid}"),
            Some(update.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["version"]["number"], 2);
    assert_eq!(r.body["version"]["message"], "rewrite");
    assert_eq!(r.body["title"], "Runbook v2");

    // Same version again: Confluence's conflict message names the current version.
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{pid}"),
            Some(update),
        )
        .await;
    assert_v2_error(&r, StatusCode::CONFLICT);
    assert!(
        r.text
            .contains("Version must be incremented on update. Current Version is: 2"),
        "{}",
        r.text
    );

    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/pages/{pid}?version=1&body-format=storage"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["body"]["storage"]["value"], "<p>Runbook body</p>");
    assert_eq!(r.body["title"], "Runbook");
    assert_eq!(r.body["version"]["number"], 1);
    assert_eq!(r.body["status"], "historical");
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{pid}?version=9"))
        .await;
    assert_v2_error(&r, StatusCode::NOT_FOUND);

    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/pages/{pid}/versions?body-format=storage"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let numbers: Vec<i64> = r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1], "newest first");
    assert_eq!(
        r.body["results"][1]["page"]["body"]["storage"]["value"],
        "<p>Runbook body</p>"
    );
    assert_eq!(r.body["results"][0]["page"]["id"], pid.as_str());
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{pid}/versions/1"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["number"], 1);
    assert_eq!(r.body["nextVersion"], 2);
    assert!(r.body.get("prevVersion").is_none());
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{pid}/versions/3"))
        .await;
    assert_v2_error(&r, StatusCode::NOT_FOUND);
    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/pages/{pid}?include-versions=true&include-labels=true"),
        )
        .await;
    assert_eq!(r.body["versions"]["results"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["labels"]["results"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_style_lists_gets_and_creates() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    let token = h.oauth_login(BOB).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({
        "spaceId": eng, "title": "Via OAuth",
        "body": { "representation": "storage", "value": "<p>x</p>" },
    });
    let r = h
        .call_oauth(&token, Method::POST, "/wiki/api/v2/pages", Some(body))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["authorId"], h.account_id(BOB).as_str());
    let pid = id(&r.body);
    let r = h
        .call_oauth(
            &token,
            Method::GET,
            &format!("/wiki/api/v2/pages/{pid}?body-format=storage"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["body"]["storage"]["value"], "<p>x</p>");
    let r = h
        .call_oauth(
            &token,
            Method::GET,
            &format!("/wiki/api/v2/pages?space-id={eng}&limit=1"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["results"].as_array().unwrap().len(), 1);
    // Next links are site-relative even through the gateway, as on Atlassian.
    let next = r.body["_links"]["next"].as_str().unwrap();
    assert!(next.starts_with("/wiki/api/v2/pages?"), "{next}");
    let r2 = h.call_oauth(&token, Method::GET, next, None).await;
    assert_eq!(r2.status, StatusCode::OK);
    assert_ne!(ids(&r), ids(&r2));
    // Frank has no ENG grant, whichever way he comes in.
    let frank = h.oauth_login(FRANK).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .call_oauth(
            &frank,
            Method::GET,
            &format!("/wiki/api/v2/pages/{pid}"),
            None,
        )
        .await;
    assert_v2_error(&r, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_by_next_link_and_link_header_has_no_gaps_or_duplicates() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    let parent = id(&create_page(&h, BOB, &eng, "Parent", None).await);
    let mut expected = Vec::new();
    for i in 0..7 {
        expected.push(id(&create_page(
            &h,
            BOB,
            &eng,
            &format!("Child {i}"),
            Some(&parent),
        )
        .await));
    }
    let all = h
        .get(BOB, &format!("/wiki/api/v2/pages?space-id={eng}&limit=250"))
        .await;
    let mut everything = ids(&all);
    assert!(all.body["_links"].get("next").is_none());
    assert!(all.headers.get("link").is_none());
    for by_header in [false, true] {
        let got = collect(
            &h,
            BOB,
            &format!("/wiki/api/v2/pages?space-id={eng}&limit=2"),
            by_header,
        )
        .await;
        assert_eq!(got, everything, "by_header={by_header}");
        let kids = collect(
            &h,
            BOB,
            &format!("/wiki/api/v2/pages/{parent}/children?limit=2"),
            by_header,
        )
        .await;
        assert_eq!(kids, expected);
        let unique: HashSet<_> = kids.iter().collect();
        assert_eq!(unique.len(), kids.len());
    }
    let desc = collect(
        &h,
        BOB,
        &format!("/wiki/api/v2/pages/{parent}/descendants?limit=3"),
        true,
    )
    .await;
    assert_eq!(desc, expected);
    everything.sort();
    let sorted = collect(
        &h,
        BOB,
        &format!("/wiki/api/v2/pages?space-id={eng}&limit=3&sort=-id"),
        false,
    )
    .await;
    assert_eq!(sorted, everything.iter().rev().cloned().collect::<Vec<_>>());

    let r = h.get(BOB, "/wiki/api/v2/pages?cursor=garbage!!").await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h.get(BOB, "/wiki/api/v2/pages?limit=0").await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h.get(BOB, "/wiki/api/v2/pages?status=bogus").await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h
        .get(
            BOB,
            &format!("/wiki/api/v2/pages?title=Child%203&space-id={eng}"),
        )
        .await;
    assert_eq!(ids(&r), vec![expected[3].clone()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_bodies_drafts_and_validation() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    create_page(&h, BOB, &eng, "Unique", None).await;
    let dup = json!({"spaceId": eng, "title": "unique"});
    let r = h
        .call(BOB, Method::POST, "/wiki/api/v2/pages", Some(dup))
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    assert!(
        r.text.contains("A page with this title already exists"),
        "{}",
        r.text
    );
    // The same title is fine in another space.
    let docs = space_id(&h, "DOCS").await;
    create_page(&h, BOB, &docs, "Unique", None).await;

    let wiki = json!({"spaceId": eng, "title": "Wiki", "body": {"representation": "wiki", "value": "h1. x"}});
    let r = h
        .call(BOB, Method::POST, "/wiki/api/v2/pages", Some(wiki))
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    assert!(r.text.contains("storage"), "{}", r.text);
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/pages",
            Some(json!({"title": "No space"})),
        )
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/pages",
            Some(json!({"spaceId": eng, "title": "  "})),
        )
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/pages",
            Some(json!({"spaceId": "999999", "title": "x"})),
        )
        .await;
    assert_v2_error(&r, StatusCode::NOT_FOUND);

    // Drafts stay out of lists and default reads; get-draft shows them; publishing works.
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/pages",
            Some(json!({"spaceId": eng, "status": "draft", "title": "Later"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "draft");
    let draft = id(&r.body);
    assert_v2_error(
        &h.get(BOB, &format!("/wiki/api/v2/pages/{draft}")).await,
        StatusCode::NOT_FOUND,
    );
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{draft}?get-draft=true"))
        .await;
    assert_eq!(r.body["status"], "draft");
    assert!(
        !ids(&h
            .get(BOB, &format!("/wiki/api/v2/pages?space-id={eng}"))
            .await)
        .contains(&draft)
    );
    let publish = json!({"id": draft, "status": "current", "title": "Later", "body": {"representation": "storage", "value": "<p>now</p>"}, "version": {"number": 1}});
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{draft}"),
            Some(publish),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "current");

    // Update validation: id mismatch, missing version, unknown representation.
    let base = json!({"id": draft, "status": "current", "title": "Later", "body": {"representation": "storage", "value": ""}, "version": {"number": 2}});
    let mut wrong = base.clone();
    wrong["id"] = json!("1");
    assert_v2_error(
        &h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{draft}"),
            Some(wrong),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    let mut no_version = base.clone();
    no_version.as_object_mut().unwrap().remove("version");
    assert_v2_error(
        &h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{draft}"),
            Some(no_version),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    let mut adf = base.clone();
    adf["body"] = json!({"representation": "atlas_doc_format", "value": "{}"});
    assert_v2_error(
        &h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{draft}"),
            Some(adf),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    let mut taken = base.clone();
    taken["title"] = json!("Unique");
    assert_v2_error(
        &h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{draft}"),
            Some(taken),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_shapes_for_bad_input_unknown_ids_and_missing_auth() {
    let h = common::empty().await;
    let (user, token) = h.basic(BOB);
    let resp = h
        .http
        .post(format!("{}/wiki/api/v2/pages", h.site()))
        .basic_auth(user, Some(token))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let r = common::read(resp).await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);

    assert_v2_error(
        &h.get(BOB, "/wiki/api/v2/pages/424242424").await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.get(BOB, "/wiki/api/v2/pages/abc").await,
        StatusCode::BAD_REQUEST,
    );
    assert_v2_error(
        &h.get(BOB, "/wiki/api/v2/pages/abc/children").await,
        StatusCode::BAD_REQUEST,
    );
    assert_v2_error(
        &h.get(BOB, "/wiki/api/v2/pages/1/versions/x").await,
        StatusCode::BAD_REQUEST,
    );
    assert_v2_error(
        &h.call(BOB, Method::DELETE, "/wiki/api/v2/pages/424242424", None)
            .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.get(BOB, "/wiki/api/v2/pages?id=nope").await,
        StatusCode::BAD_REQUEST,
    );

    let resp = h
        .http
        .get(format!("{}/wiki/api/v2/pages", h.site()))
        .send()
        .await
        .unwrap();
    let r = common::read(resp).await;
    assert_v2_error(&r, StatusCode::UNAUTHORIZED);
    let resp = h
        .http
        .get(format!(
            "{}/wiki/api/v2/pages",
            h.emulator.info.oauth_api_base_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}
