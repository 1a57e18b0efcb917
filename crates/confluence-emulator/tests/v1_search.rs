//! REST API v1 over real HTTP: spaces, users, and `/rest/api/search` (result shape, excerpts
//! with highlighting, cursors, bad CQL, both auth styles).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod v1_util;

use reqwest::{Method, StatusCode};
use serde_json::json;
use v1_util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spaces_and_users() {
    let h = common::empty().await;
    let frank = h.get(FRANK, "/wiki/rest/api/space").await;
    let keys = |r: &common::Reply| -> Vec<String> {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["key"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(keys(&frank), vec!["DOCS"]);
    assert_eq!(
        keys(&h.get(ALICE, "/wiki/rest/api/space").await),
        vec!["DOCS", "ENG", "EXEC", "HR", "LEGAL"]
    );
    assert_eq!(
        keys(
            &h.get(ALICE, "/wiki/rest/api/space?spaceKey=HR&spaceKey=ENG")
                .await
        ),
        vec!["ENG", "HR"]
    );
    assert_eq!(
        h.get(ALICE, "/wiki/rest/api/space?type=personal")
            .await
            .body["size"],
        0
    );
    let paged = h.get(ALICE, "/wiki/rest/api/space?limit=2").await;
    assert_eq!(
        paged.body["_links"]["next"],
        "/rest/api/space?limit=2&start=2"
    );
    let docs = h
        .get(
            FRANK,
            "/wiki/rest/api/space/DOCS?expand=description.plain,homepage",
        )
        .await;
    assert_eq!(docs.status, StatusCode::OK);
    assert_eq!(docs.body["name"], "Product Documentation");
    assert_eq!(docs.body["type"], "global");
    assert!(
        docs.body["description"]["plain"]["value"]
            .as_str()
            .unwrap()
            .contains("release notes")
    );
    assert_eq!(docs.body["homepage"]["title"], "Product Documentation Home");
    assert_eq!(docs.body["_links"]["webui"], "/spaces/DOCS");
    v1_error(
        &h.get(FRANK, "/wiki/rest/api/space/ENG").await,
        StatusCode::NOT_FOUND,
        "ENG",
    );
    v1_error(
        &h.get(FRANK, "/wiki/rest/api/space/ENG/content").await,
        StatusCode::NOT_FOUND,
        "ENG",
    );
    v1_error(
        &h.get(ALICE, "/wiki/rest/api/space?type=team").await,
        StatusCode::BAD_REQUEST,
        "team",
    );

    let a = new_page(&h, BOB, "ENG", "Top", None).await;
    new_page(&h, BOB, "ENG", "Nested", Some(&a)).await;
    let content = h.get(BOB, "/wiki/rest/api/space/ENG/content").await;
    assert_eq!(content.body["page"]["size"], 3);
    assert_eq!(content.body["blogpost"]["size"], 0);
    let root = h
        .get(BOB, "/wiki/rest/api/space/ENG/content/page?depth=root")
        .await;
    assert_eq!(root.body["size"], 2);
    v1_error(
        &h.get(BOB, "/wiki/rest/api/space/ENG/content/widget").await,
        StatusCode::BAD_REQUEST,
        "widget",
    );

    let me = h.get(CAROL, "/wiki/rest/api/user/current").await;
    assert_eq!(me.body["email"], CAROL);
    assert_eq!(me.body["displayName"], "Carol People");
    assert_eq!(me.body["type"], "known");
    let account = h.account_id(CAROL);
    assert_eq!(me.body["accountId"], account.as_str());
    let other = h
        .get(
            BOB,
            &format!("/wiki/rest/api/user?accountId={}", enc(&account)),
        )
        .await;
    assert_eq!(other.body["publicName"], "Carol People");
    v1_error(
        &h.get(BOB, "/wiki/rest/api/user?accountId=nobody").await,
        StatusCode::NOT_FOUND,
        "nobody",
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/user").await,
        StatusCode::BAD_REQUEST,
        "accountId",
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/user?username=bob").await,
        StatusCode::BAD_REQUEST,
        "accountId",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_excerpts_paging_errors_and_styles() {
    let h = common::empty().await;
    let id = new_page(&h, BOB, "ENG", "Zebracorn handbook", None).await;
    let body = json!({"type": "page", "title": "Zebracorn handbook", "version": {"number": 2},
        "body": {"storage": {"value": "<p>Intro text. The zebracorn gallops &amp; sings.</p>", "representation": "storage"}}});
    assert_eq!(
        h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/rest/api/content/{id}"),
            Some(body)
        )
        .await
        .status,
        StatusCode::OK
    );
    let search = |who: &'static str, cql: &str, extra: &str| {
        let path = format!("/wiki/rest/api/search?cql={}{extra}", enc(cql));
        let h = &h;
        async move { h.get(who, &path).await }
    };
    let r = search(
        BOB,
        "siteSearch ~ \"zebracorn\"",
        "&expand=content.history,content.version",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["totalSize"].as_u64(), r.body["size"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(r.body["cqlQuery"], "siteSearch ~ \"zebracorn\"");
    assert!(r.body["searchDuration"].is_number());
    let hit = &r.body["results"][0];
    assert_eq!(hit["content"]["id"], id.as_str());
    assert_eq!(hit["content"]["version"]["number"], 2);
    assert!(hit["content"]["history"]["createdDate"].is_string());
    assert_eq!(
        hit["content"]["_expandable"]["space"],
        "/rest/api/space/ENG"
    );
    assert_eq!(hit["entityType"], "content");
    assert_eq!(hit["iconCssClass"], "aui-icon content-type-page");
    assert_eq!(hit["resultGlobalContainer"]["title"], "Engineering");
    assert_eq!(hit["resultGlobalContainer"]["displayUrl"], "/spaces/ENG");
    assert_eq!(hit["title"], "@@@hl@@@Zebracorn@@@endhl@@@ handbook");
    let excerpt = hit["excerpt"].as_str().unwrap();
    assert!(
        excerpt.contains("The @@@hl@@@zebracorn@@@endhl@@@ gallops &amp; sings."),
        "{excerpt}"
    );
    assert!(hit["lastModified"].as_str().unwrap().ends_with('Z'));
    let plain = search(BOB, "text ~ zebracorn", "&excerpt=indexed").await;
    assert!(
        !plain.body["results"][0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("@@@")
    );
    assert_eq!(
        search(BOB, "text ~ zebracorn", "&excerpt=none").await.body["results"][0]["excerpt"],
        ""
    );
    // Invisible to those who cannot read ENG.
    assert_eq!(
        search(FRANK, "text ~ zebracorn", "").await.body["totalSize"],
        0
    );
    // Spaces are results too.
    let spaces = search(FRANK, "type = space", "").await;
    assert_eq!(spaces.body["results"][0]["entityType"], "space");
    assert_eq!(spaces.body["results"][0]["space"]["key"], "DOCS");
    // cqlcontext narrows to a space.
    let ctx = search(
        ALICE,
        "type = page",
        &format!("&cqlcontext={}", enc("{\"spaceKey\":\"HR\"}")),
    )
    .await;
    assert_eq!(ctx.body["totalSize"], 1);
    v1_error(
        &search(ALICE, "type = page", "&cqlcontext=nope").await,
        StatusCode::BAD_REQUEST,
        "cqlcontext",
    );
    // Paging with cursors in relative next links.
    let first = search(ALICE, "type = page ORDER BY title", "&limit=4").await;
    assert_eq!(
        (
            first.body["size"].as_u64(),
            first.body["totalSize"].as_u64()
        ),
        (Some(4), Some(6))
    );
    let next = first.body["_links"]["next"].as_str().unwrap().to_owned();
    assert!(
        next.starts_with("/rest/api/search?") && next.contains("cursor="),
        "{next}"
    );
    let second = h.get(ALICE, &format!("/wiki{next}")).await;
    assert_eq!(
        (second.body["start"].as_u64(), second.body["size"].as_u64()),
        (Some(4), Some(2))
    );
    assert!(second.body["_links"].get("next").is_none());
    assert!(second.body["_links"]["prev"].is_string());
    // Bad CQL: 400 with the parser's position; missing CQL: 400.
    let bad = search(BOB, "type = page AND", "").await;
    v1_error(
        &bad,
        StatusCode::BAD_REQUEST,
        "Could not parse cql : type = page AND",
    );
    assert!(
        bad.body["message"]
            .as_str()
            .unwrap()
            .contains("position 15"),
        "{}",
        bad.text
    );
    v1_error(
        &search(BOB, "titel = x", "").await,
        StatusCode::BAD_REQUEST,
        "unknown field 'titel'",
    );
    v1_error(
        &search(BOB, "created > \"last week\"", "").await,
        StatusCode::BAD_REQUEST,
        "last week",
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/search").await,
        StatusCode::BAD_REQUEST,
        "CQL",
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/search?cql=").await,
        StatusCode::BAD_REQUEST,
        "CQL",
    );
    v1_error(
        &search(BOB, "type = page", "&excerpt=fancy").await,
        StatusCode::BAD_REQUEST,
        "fancy",
    );
    // Content-only search returns content objects.
    let content = h
        .get(
            BOB,
            &format!(
                "/wiki/rest/api/content/search?cql={}&expand=body.storage",
                enc("text ~ zebracorn OR type = space")
            ),
        )
        .await;
    assert_eq!(content.body["size"], 1);
    assert!(
        content.body["results"][0]["body"]["storage"]["value"]
            .as_str()
            .unwrap()
            .contains("gallops")
    );

    // The OAuth gateway: search answers, v1 content is gone.
    let token = h.oauth_login(BOB).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let via = h
        .call_oauth(
            &token,
            Method::GET,
            &format!("/wiki/rest/api/search?cql={}", enc("text ~ zebracorn")),
            None,
        )
        .await;
    assert_eq!(via.status, StatusCode::OK, "{}", via.text);
    assert_eq!(via.body["results"][0]["content"]["id"], id.as_str());
    assert_eq!(via.body["_links"]["base"], format!("{}/wiki", h.site()));
    let gone = h
        .call_oauth(
            &token,
            Method::GET,
            &format!("/wiki/rest/api/content/{id}"),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert_eq!(
        h.call_oauth(&token, Method::GET, "/wiki/rest/api/space", None)
            .await
            .status,
        StatusCode::OK
    );
}
