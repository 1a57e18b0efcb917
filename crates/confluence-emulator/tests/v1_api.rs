//! REST API v1 over real HTTP: the page lifecycle (create, read with expansions, update with
//! optimistic locking, historical versions, history, properties, trash and purge), bad input,
//! missing auth and per-user permissions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod v1_util;

use reqwest::{Method, StatusCode};
use serde_json::json;
use v1_util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_lifecycle_create_read_update_version_trash_purge() {
    let h = common::empty().await;
    let home = home_id(&h, "ENG").await;
    let r = create(
        &h,
        BOB,
        page(
            "ENG",
            "Runbook",
            "<p>Restart the <strong>db</strong></p>",
            Some(&home),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let b = &r.body;
    let id = b["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            b["type"].as_str(),
            b["status"].as_str(),
            b["title"].as_str()
        ),
        (Some("page"), Some("current"), Some("Runbook"))
    );
    assert_eq!(b["space"]["key"], "ENG");
    assert_eq!(b["version"]["number"], 1);
    assert_eq!(b["version"]["by"]["email"], BOB);
    assert_eq!(b["history"]["createdBy"]["displayName"], "Bob Builder");
    assert_eq!(b["ancestors"][0]["id"], home.as_str());
    assert_eq!(
        b["body"]["storage"]["value"],
        "<p>Restart the <strong>db</strong></p>"
    );
    assert_eq!(b["_links"]["base"], format!("{}/wiki", h.site()));
    assert_eq!(b["_links"]["context"], "/wiki");
    assert!(
        b["_links"]["webui"]
            .as_str()
            .unwrap()
            .starts_with(&format!("/spaces/ENG/pages/{id}/"))
    );
    assert!(b["_links"]["tinyui"].as_str().unwrap().starts_with("/x/"));

    // Without expand, everything expandable is listed under _expandable.
    let plain = h.get(ERIN, &format!("/wiki/rest/api/content/{id}")).await;
    assert_eq!(plain.status, StatusCode::OK);
    for key in [
        "space",
        "version",
        "body",
        "history",
        "ancestors",
        "children",
        "container",
    ] {
        assert!(plain.body.get(key).is_none(), "{key} expanded unasked");
        assert!(
            plain.body["_expandable"].get(key).is_some(),
            "{key} not in _expandable"
        );
    }
    assert_eq!(plain.body["_expandable"]["space"], "/rest/api/space/ENG");

    let expand = "body.storage,body.view,body.atlas_doc_format,version,space,ancestors,history.lastUpdated,\
                  metadata.labels,children.page,children.comment,children.attachment,container,restrictions.read.restrictions.user";
    let full = h
        .get(
            ERIN,
            &format!("/wiki/rest/api/content/{id}?expand={expand}"),
        )
        .await;
    let f = &full.body;
    assert_eq!(f["body"]["view"]["representation"], "view");
    assert!(
        f["body"]["view"]["value"]
            .as_str()
            .unwrap()
            .contains("Restart")
    );
    assert_eq!(
        f["body"]["atlas_doc_format"]["representation"],
        "atlas_doc_format"
    );
    assert_eq!(f["history"]["lastUpdated"]["number"], 1);
    assert_eq!(f["metadata"]["labels"]["size"], 0);
    assert_eq!(f["children"]["page"]["size"], 0);
    assert_eq!(f["container"]["key"], "ENG");
    assert_eq!(f["restrictions"]["read"]["operation"], "read");
    assert!(f["body"]["_expandable"].get("export_view").is_some());

    // Update: the version must be exactly current + 1.
    let update = |n: u64, title: &str| {
        json!({"type": "page", "title": title, "version": {"number": n, "message": "edit"},
        "body": {"storage": {"value": "<p>Restart twice</p>", "representation": "storage"}}})
    };
    let up = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/rest/api/content/{id}?status=current"),
            Some(update(2, "Runbook v2")),
        )
        .await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.text);
    assert_eq!(up.body["version"]["number"], 2);
    assert_eq!(up.body["version"]["message"], "edit");
    assert_eq!(up.body["title"], "Runbook v2");
    let stale = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/rest/api/content/{id}"),
            Some(update(2, "Again")),
        )
        .await;
    v1_error(
        &stale,
        StatusCode::CONFLICT,
        "Version must be incremented on update. Current Version is: 2",
    );
    let skip = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/rest/api/content/{id}"),
            Some(update(7, "Again")),
        )
        .await;
    v1_error(&skip, StatusCode::CONFLICT, "Current Version is: 2");
    let none = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/rest/api/content/{id}"),
            Some(json!({"type": "page", "title": "x"})),
        )
        .await;
    v1_error(&none, StatusCode::BAD_REQUEST, "version");

    // Historical versions, history and the version list agree.
    let v1 = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{id}?version=1&expand=body.storage,version"),
        )
        .await;
    assert_eq!(v1.body["title"], "Runbook");
    assert_eq!(v1.body["status"], "historical");
    assert_eq!(v1.body["version"]["number"], 1);
    assert!(
        v1.body["body"]["storage"]["value"]
            .as_str()
            .unwrap()
            .contains("<strong>db</strong>")
    );
    v1_error(
        &h.get(BOB, &format!("/wiki/rest/api/content/{id}?version=9"))
            .await,
        StatusCode::NOT_FOUND,
        "version 9",
    );
    let hist = h
        .get(BOB, &format!("/wiki/rest/api/content/{id}/history"))
        .await;
    assert_eq!(hist.body["latest"], true);
    assert_eq!(hist.body["lastUpdated"]["number"], 2);
    assert_eq!(hist.body["previousVersion"]["number"], 1);
    assert_eq!(hist.body["createdBy"]["email"], BOB);
    let versions = h
        .get(BOB, &format!("/wiki/rest/api/content/{id}/version"))
        .await;
    let numbers: Vec<u64> = versions.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, vec![2, 1]);
    let one = h
        .get(BOB, &format!("/wiki/rest/api/content/{id}/version/1"))
        .await;
    assert_eq!(
        (one.status, one.body["number"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    assert_eq!(
        h.get(BOB, &format!("/wiki/rest/api/content/{id}/version/3"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Properties: none stored, so an empty list and 404 per key.
    let props = h
        .get(BOB, &format!("/wiki/rest/api/content/{id}/property"))
        .await;
    assert_eq!(
        (props.status, props.body["size"].as_u64()),
        (StatusCode::OK, Some(0))
    );
    assert_eq!(
        h.get(
            BOB,
            &format!("/wiki/rest/api/content/{id}/property/emoji-title-published")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Trash, then purge.
    assert_eq!(
        h.call(
            BOB,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{id}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.get(BOB, &format!("/wiki/rest/api/content/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let trashed = h
        .get(BOB, &format!("/wiki/rest/api/content/{id}?status=trashed"))
        .await;
    assert_eq!(trashed.body["status"], "trashed");
    let purge = h
        .call(
            BOB,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{id}?status=trashed"),
            None,
        )
        .await;
    assert_eq!(purge.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.get(BOB, &format!("/wiki/rest/api/content/{id}?status=any"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_rejects_bad_input_and_enforces_permissions() {
    let h = common::empty().await;
    new_page(&h, BOB, "ENG", "Unique", None).await;
    v1_error(
        &create(&h, BOB, page("ENG", "unique", "", None)).await,
        StatusCode::BAD_REQUEST,
        "already exists",
    );
    // Same title in another space is fine.
    new_page(&h, BOB, "DOCS", "Unique", None).await;
    v1_error(
        &create(&h, FRANK, page("DOCS", "Frank's", "", None)).await,
        StatusCode::FORBIDDEN,
        "Not permitted",
    );
    v1_error(
        &create(&h, BOB, page("HR", "Sneaky", "", None)).await,
        StatusCode::NOT_FOUND,
        "HR",
    );
    v1_error(
        &create(&h, BOB, page("NOPE", "x", "", None)).await,
        StatusCode::NOT_FOUND,
        "NOPE",
    );
    v1_error(
        &create(&h, BOB, json!({"type": "page", "space": {"key": "ENG"}})).await,
        StatusCode::BAD_REQUEST,
        "title",
    );
    v1_error(
        &create(
            &h,
            BOB,
            json!({"type": "whiteboard", "title": "x", "space": {"key": "ENG"}}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "whiteboard",
    );
    v1_error(
        &create(&h, BOB, page("ENG", "Orphan", "", Some("999999"))).await,
        StatusCode::NOT_FOUND,
        "999999",
    );
    let docs_home = home_id(&h, "DOCS").await;
    v1_error(
        &create(&h, BOB, page("ENG", "Cross", "", Some(&docs_home))).await,
        StatusCode::BAD_REQUEST,
        "same space",
    );
    let bad_body = json!({"type": "page", "title": "B", "space": {"key": "ENG"}, "body": {"markdown": {"value": "x"}}});
    v1_error(
        &create(&h, BOB, bad_body).await,
        StatusCode::BAD_REQUEST,
        "representation",
    );

    // Malformed JSON and an empty body get Confluence's v1 400 shape.
    let (user, token) = h.basic(BOB);
    for raw in ["{\"type\": \"page\",", ""] {
        let resp = h
            .http
            .post(format!("{}/wiki/rest/api/content", h.site()))
            .basic_auth(&user, Some(&token))
            .header("content-type", "application/json")
            .body(raw.to_owned())
            .send()
            .await
            .unwrap();
        let reply = common::read(resp).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
        assert_eq!(reply.body["statusCode"], 400);
    }
    // Bad and unknown ids; no credentials.
    v1_error(
        &h.get(BOB, "/wiki/rest/api/content/abc").await,
        StatusCode::BAD_REQUEST,
        "abc",
    );
    v1_error(
        &h.get(BOB, "/wiki/rest/api/content/424242").await,
        StatusCode::NOT_FOUND,
        "424242",
    );
    for path in [
        "/wiki/rest/api/content",
        "/wiki/rest/api/search?cql=type%3Dpage",
        "/wiki/rest/api/space",
        "/wiki/rest/api/user/current",
    ] {
        let resp = h
            .http
            .get(format!("{}{path}", h.site()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let wrong = h
        .http
        .get(format!("{}/wiki/rest/api/space", h.site()))
        .basic_auth(BOB, Some("not-the-token"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    // Wiki markup and labels in metadata are accepted on create.
    let wiki = json!({"type": "page", "title": "Wiki", "space": {"key": "ENG"},
        "body": {"wiki": {"value": "h1. Hello\n\nSome *bold* text", "representation": "wiki"}},
        "metadata": {"labels": [{"prefix": "global", "name": "Ops"}]}});
    let r = create(&h, BOB, wiki).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.body["id"].as_str().unwrap();
    let got = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{id}?expand=body.storage,metadata.labels"),
        )
        .await;
    assert_eq!(
        got.body["body"]["storage"]["value"],
        "<h1>Hello</h1><p>Some <strong>bold</strong> text</p>"
    );
    assert_eq!(got.body["metadata"]["labels"]["results"][0]["name"], "ops");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_read_writers_write_strangers_see_nothing() {
    let h = common::empty().await;
    let id = new_page(&h, BOB, "ENG", "Eng only", None).await;
    let path = format!("/wiki/rest/api/content/{id}");
    assert_eq!(h.get(ERIN, &path).await.status, StatusCode::OK);
    for who in [FRANK, CAROL] {
        v1_error(&h.get(who, &path).await, StatusCode::NOT_FOUND, &id);
        for sub in [
            "/history",
            "/version",
            "/child/page",
            "/child/comment",
            "/descendant/page",
            "/property",
            "/child",
        ] {
            assert_eq!(
                h.get(who, &format!("{path}{sub}")).await.status,
                StatusCode::NOT_FOUND,
                "{who} {sub}"
            );
        }
    }
    let edit = json!({"type": "page", "title": "Hijack", "version": {"number": 2}});
    v1_error(
        &h.call(ERIN, Method::PUT, &path, Some(edit.clone())).await,
        StatusCode::FORBIDDEN,
        "Not permitted",
    );
    v1_error(
        &h.call(FRANK, Method::PUT, &path, Some(edit)).await,
        StatusCode::NOT_FOUND,
        &id,
    );
    v1_error(
        &h.call(ERIN, Method::DELETE, &path, None).await,
        StatusCode::FORBIDDEN,
        "Not permitted",
    );
    assert_eq!(
        h.call(FRANK, Method::DELETE, &path, None).await.status,
        StatusCode::NOT_FOUND
    );
    // Listing shows only what the caller can read.
    let listed = h
        .get(FRANK, "/wiki/rest/api/content?type=page&limit=100")
        .await;
    let titles: Vec<&str> = listed.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Product Documentation Home"]);
    let listed = h
        .get(ALICE, "/wiki/rest/api/content?type=page&limit=100")
        .await;
    assert_eq!(listed.body["size"], 6);
    // Default expansions of the list: space, history, version.
    let first = &listed.body["results"][0];
    assert!(
        first["space"]["key"].is_string()
            && first["version"]["number"].is_number()
            && first["history"]["createdDate"].is_string()
    );
}
