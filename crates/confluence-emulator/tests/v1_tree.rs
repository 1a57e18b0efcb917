//! REST API v1 over real HTTP: comments and replies, children and descendants, moves, and
//! content listings with their filters.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod v1_util;

use reqwest::{Method, StatusCode};
use serde_json::json;
use v1_util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_replies_edits_and_deletes() {
    let h = common::empty().await;
    let page_id = new_page(&h, BOB, "ENG", "Discussed", None).await;
    let comment = |body: &str, parent: Option<&str>| {
        let mut v = json!({"type": "comment", "container": {"id": page_id, "type": "page", "status": "current"},
            "body": {"storage": {"value": body, "representation": "storage"}}});
        if let Some(p) = parent {
            v["ancestors"] = json!([{"id": p}]);
        }
        v
    };
    // A reader may comment.
    let c1 = create(&h, ERIN, comment("<p>Nice <strong>page</strong></p>", None)).await;
    assert_eq!(c1.status, StatusCode::OK, "{}", c1.text);
    let c1_id = c1.body["id"].as_str().unwrap().to_owned();
    assert_eq!(c1.body["type"], "comment");
    assert_eq!(c1.body["title"], "Re: Discussed");
    assert_eq!(c1.body["container"]["id"], page_id.as_str());
    assert_eq!(c1.body["extensions"]["location"], "footer");
    assert_eq!(c1.body["version"]["by"]["displayName"], "Erin Chief");
    let reply = create(&h, BOB, comment("<p>Thanks</p>", Some(&c1_id))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let reply_id = reply.body["id"].as_str().unwrap().to_owned();
    assert_eq!(reply.body["ancestors"][0]["id"], c1_id.as_str());

    let top = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{page_id}/child/comment"),
        )
        .await;
    assert_eq!(top.body["size"], 1);
    let all = h
        .get(BOB, &format!("/wiki/rest/api/content/{page_id}/child/comment?start=0&limit=25&expand=body.view.value,version&depth=all"))
        .await;
    assert_eq!(all.body["size"], 2);
    for c in all.body["results"].as_array().unwrap() {
        assert!(c["body"]["view"]["value"].is_string(), "{c}");
        assert!(c["version"]["by"]["displayName"].is_string());
    }
    assert_eq!(
        h.get(
            BOB,
            &format!("/wiki/rest/api/content/{c1_id}/child/comment")
        )
        .await
        .body["size"],
        1
    );
    assert_eq!(
        h.get(
            BOB,
            &format!("/wiki/rest/api/content/{page_id}/descendant/comment")
        )
        .await
        .body["size"],
        2
    );
    assert_eq!(
        h.get(
            BOB,
            &format!("/wiki/rest/api/content/{page_id}/child/comment?location=inline")
        )
        .await
        .body["size"],
        0
    );
    let got = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{c1_id}?expand=body.storage,container"),
        )
        .await;
    assert_eq!(
        got.body["body"]["storage"]["value"],
        "<p>Nice <strong>page</strong></p>"
    );
    assert_eq!(got.body["container"]["title"], "Discussed");

    // Only the author (or a space admin) edits; versions still have to increase.
    let edit = |n: u64| json!({"type": "comment", "version": {"number": n}, "body": {"storage": {"value": "<p>Edited</p>", "representation": "storage"}}});
    v1_error(
        &h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/rest/api/content/{c1_id}"),
            Some(edit(2)),
        )
        .await,
        StatusCode::FORBIDDEN,
        "author",
    );
    v1_error(
        &h.call(
            ERIN,
            Method::PUT,
            &format!("/wiki/rest/api/content/{c1_id}"),
            Some(edit(1)),
        )
        .await,
        StatusCode::CONFLICT,
        "Current Version is: 1",
    );
    let ok = h
        .call(
            ERIN,
            Method::PUT,
            &format!("/wiki/rest/api/content/{c1_id}"),
            Some(edit(2)),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["version"]["number"], 2);
    // Strangers cannot comment; bad comments are refused.
    v1_error(
        &create(&h, FRANK, comment("<p>hi</p>", None)).await,
        StatusCode::NOT_FOUND,
        &page_id,
    );
    v1_error(
        &create(&h, BOB, comment("", None)).await,
        StatusCode::BAD_REQUEST,
        "body",
    );
    v1_error(
        &create(
            &h,
            BOB,
            json!({"type": "comment", "body": {"storage": {"value": "<p>x</p>"}}}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "container",
    );
    // Deleting a comment takes its replies with it.
    assert_eq!(
        h.call(
            ERIN,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{c1_id}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.get(BOB, &format!("/wiki/rest/api/content/{reply_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.get(
            BOB,
            &format!("/wiki/rest/api/content/{page_id}/child/comment?depth=all")
        )
        .await
        .body["size"],
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_descendants_and_moves() {
    let h = common::empty().await;
    let a = new_page(&h, BOB, "ENG", "A", None).await;
    let b = new_page(&h, BOB, "ENG", "B", Some(&a)).await;
    let c = new_page(&h, BOB, "ENG", "C", Some(&b)).await;
    let ids = |r: &common::Reply| -> Vec<String> {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(&h
            .get(
                BOB,
                &format!("/wiki/rest/api/content/{a}/child/page?expand=version&start=0&limit=25")
            )
            .await),
        vec![b.clone()]
    );
    assert_eq!(
        ids(&h
            .get(BOB, &format!("/wiki/rest/api/content/{a}/descendant/page"))
            .await),
        vec![b.clone(), c.clone()]
    );
    let overview = h
        .get(BOB, &format!("/wiki/rest/api/content/{a}/child"))
        .await;
    assert_eq!(
        overview.body["_expandable"]["page"],
        format!("/rest/api/content/{a}/child/page")
    );
    let expanded = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{a}/child?expand=page"),
        )
        .await;
    assert_eq!(expanded.body["page"]["results"][0]["id"], b.as_str());
    assert_eq!(
        h.get(
            BOB,
            &format!("/wiki/rest/api/content/{a}/child/folder?limit=25")
        )
        .await
        .body["size"],
        0
    );
    v1_error(
        &h.get(BOB, &format!("/wiki/rest/api/content/{a}/child/bogus"))
            .await,
        StatusCode::BAD_REQUEST,
        "bogus",
    );
    let ancestors = h
        .get(BOB, &format!("/wiki/rest/api/content/{c}?expand=ancestors"))
        .await;
    let chain: Vec<&str> = ancestors.body["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["title"].as_str().unwrap())
        .collect();
    assert_eq!(chain, vec!["A", "B"]);

    // Move C up under A; moving A under its own descendant is refused.
    let mv = json!({"type": "page", "title": "C", "version": {"number": 2}, "ancestors": [{"type": "page", "id": a}]});
    assert_eq!(
        h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/rest/api/content/{c}"),
            Some(mv)
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        ids(&h
            .get(BOB, &format!("/wiki/rest/api/content/{a}/child/page"))
            .await),
        vec![b.clone(), c.clone()]
    );
    let cycle =
        json!({"type": "page", "title": "A", "version": {"number": 2}, "ancestors": [{"id": c}]});
    v1_error(
        &h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/rest/api/content/{a}"),
            Some(cycle),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "below itself",
    );
    // Trashing B keeps the tree reachable; its children (none now) would move up.
    assert_eq!(
        h.call(
            BOB,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{b}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        ids(&h
            .get(BOB, &format!("/wiki/rest/api/content/{a}/child/page"))
            .await),
        vec![c.clone()]
    );
    // Pagination of a child listing: relative next links.
    for i in 0..3 {
        new_page(&h, BOB, "ENG", &format!("Kid {i}"), Some(&a)).await;
    }
    let first = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{a}/child/page?limit=2"),
        )
        .await;
    assert_eq!(first.body["size"], 2);
    let next = first.body["_links"]["next"].as_str().unwrap().to_owned();
    assert!(
        next.starts_with(&format!("/rest/api/content/{a}/child/page?")),
        "{next}"
    );
    let second = h.get(BOB, &format!("/wiki{next}")).await;
    assert_eq!(second.body["start"], 2);
    assert_eq!(second.body["size"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_listing_filters_and_blog_posts() {
    let h = common::empty().await;
    let by_title = h.get(BOB, &format!("/wiki/rest/api/content?type=page&start=0&limit=1&expand=body.storage,version&spaceKey=ENG&title={}", enc("Engineering Home"))).await;
    assert_eq!(by_title.body["size"], 1, "{}", by_title.text);
    assert!(
        by_title.body["results"][0]["body"]["storage"]["value"]
            .as_str()
            .unwrap()
            .contains("Engineering")
    );
    assert!(
        by_title.body["results"][0].get("space").is_none(),
        "explicit expand replaces defaults"
    );
    let blog = json!({"type": "blogpost", "title": "Launch", "space": {"key": "ENG"}, "body": {"storage": {"value": "<p>We shipped</p>"}}});
    let r = create(&h, BOB, blog).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.body["_links"]["webui"]
            .as_str()
            .unwrap()
            .contains("/blog/")
    );
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let posts = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content?type=blogpost&spaceKey=ENG&postingDay={today}"),
        )
        .await;
    assert_eq!(posts.body["results"][0]["title"], "Launch");
    let none = h
        .get(
            BOB,
            "/wiki/rest/api/content?type=blogpost&spaceKey=ENG&postingDay=2001-01-01",
        )
        .await;
    assert_eq!(none.body["size"], 0);
    v1_error(
        &h.get(BOB, "/wiki/rest/api/content?postingDay=yesterday")
            .await,
        StatusCode::BAD_REQUEST,
        "postingDay",
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/content?status=weird").await,
        StatusCode::BAD_REQUEST,
        "weird",
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/content?limit=0").await,
        StatusCode::BAD_REQUEST,
        "limit",
    );
    let ordered = h
        .get(
            ALICE,
            "/wiki/rest/api/content?type=page&orderby=title%20desc&expand=",
        )
        .await;
    let titles: Vec<&str> = ordered.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    let mut sorted = titles.clone();
    sorted.sort_by_key(|t| std::cmp::Reverse(t.to_lowercase()));
    assert_eq!(titles, sorted);
}

/// The demo wiki through v1: history of a renamed page, attachments, inline comments and
/// read restrictions, checked against the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_pages_through_v1() {
    use confluence_emulator::store::model::CommentKind;
    let h = common::demo().await;
    let (runbook, feature_flags, comments_all, comments_top, comments_inline, restricted) = {
        let store = h.emulator.state.read();
        let find = |title: &str| {
            store
                .contents
                .values()
                .find(|c| c.title() == title)
                .unwrap()
                .id
        };
        let flags = find("Feature flags");
        let on_flags: Vec<_> = store
            .comments
            .values()
            .filter(|c| c.container_id == flags)
            .collect();
        (
            find("PostgreSQL failover runbook"),
            flags,
            on_flags.len(),
            on_flags
                .iter()
                .filter(|c| c.parent_comment_id.is_none())
                .count(),
            on_flags
                .iter()
                .filter(|c| c.kind == CommentKind::Inline)
                .count(),
            find("Security incident 2026-03 postmortem"),
        )
    };
    let page = h
        .get(
            ERIN,
            &format!(
                "/wiki/rest/api/content/{runbook}?expand=body.storage,version,space,children.attachment,history,ancestors"
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(page.body["version"]["number"], 3);
    assert_eq!(page.body["space"]["key"], "ENG");
    let chain: Vec<&str> = page.body["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        chain,
        vec!["Engineering Home", "Runbooks", "Database", "PostgreSQL"]
    );
    let files: Vec<&str> = page.body["children"]["attachment"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(files, vec!["failover-checklist.md", "replication-lag.csv"]);
    let att = &page.body["children"]["attachment"]["results"][0];
    assert!(att["id"].as_str().unwrap().starts_with("att"));
    assert_eq!(att["extensions"]["mediaType"], "text/markdown");
    assert!(att["extensions"]["fileSize"].as_u64().unwrap() > 0);
    assert!(
        att["_links"]["download"]
            .as_str()
            .unwrap()
            .starts_with(&format!("/download/attachments/{runbook}/"))
    );
    let first = h
        .get(ERIN, &format!("/wiki/rest/api/content/{runbook}?version=1"))
        .await;
    assert_eq!(first.body["title"], "Postgres failover steps");

    let all = h
        .get(
            ERIN,
            &format!(
                "/wiki/rest/api/content/{feature_flags}/child/comment?expand=body.view.value,version&depth=all&limit=100"
            ),
        )
        .await;
    assert_eq!(all.body["size"].as_u64(), Some(comments_all as u64));
    let top = h
        .get(
            ERIN,
            &format!("/wiki/rest/api/content/{feature_flags}/child/comment?limit=100"),
        )
        .await;
    assert_eq!(top.body["size"].as_u64(), Some(comments_top as u64));
    let inline = h
        .get(
            ERIN,
            &format!(
                "/wiki/rest/api/content/{feature_flags}/child/comment?location=inline&depth=all&limit=100"
            ),
        )
        .await;
    assert_eq!(inline.body["size"].as_u64(), Some(comments_inline as u64));
    for c in inline.body["results"].as_array().unwrap() {
        assert_eq!(c["extensions"]["location"], "inline");
        assert!(c["extensions"]["inlineProperties"]["originalSelection"].is_string());
    }

    // Read restrictions hide the page and everything about it.
    let path = format!("/wiki/rest/api/content/{restricted}");
    assert_eq!(h.get(BOB, &path).await.status, StatusCode::OK);
    for sub in ["", "/child/comment", "/history", "/version"] {
        assert_eq!(
            h.get(ERIN, &format!("{path}{sub}")).await.status,
            StatusCode::NOT_FOUND,
            "{sub}"
        );
    }
    // Bob sees his personal space; Erin does not.
    let bob_spaces = h.get(BOB, "/wiki/rest/api/space?type=personal").await;
    assert_eq!(bob_spaces.body["size"], 1);
    assert_eq!(bob_spaces.body["results"][0]["type"], "personal");
    let erin_spaces = h.get(ERIN, "/wiki/rest/api/space?type=personal").await;
    assert_eq!(erin_spaces.body["size"], 0);
}
