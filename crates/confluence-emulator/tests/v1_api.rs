//! REST API v1 over real HTTP: content CRUD with versions and trash, comments, children and
//! descendants, history, properties, spaces, users and search, with per-user permissions and
//! Confluence's error answers for bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const CAROL: &str = "carol@example.com";
const ERIN: &str = "erin@example.com";
const FRANK: &str = "frank@example.com";

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn home_id(h: &Harness, key: &str) -> String {
    let r = h
        .get(
            ALICE,
            &format!("/wiki/rest/api/space/{key}?expand=homepage"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["homepage"]["id"].as_str().unwrap().to_owned()
}

async fn create(h: &Harness, who: &str, body: Value) -> common::Reply {
    h.call(who, Method::POST, "/wiki/rest/api/content", Some(body))
        .await
}

fn page(space: &str, title: &str, storage: &str, parent: Option<&str>) -> Value {
    let mut v = json!({
        "type": "page", "title": title, "space": {"key": space},
        "body": {"storage": {"value": storage, "representation": "storage"}},
    });
    if let Some(p) = parent {
        v["ancestors"] = json!([{"id": p}]);
    }
    v
}

async fn new_page(
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

fn v1_error(r: &common::Reply, status: StatusCode, fragment: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r.body["statusCode"], status.as_u16(), "{}", r.text);
    let message = r.body["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(fragment),
        "message {message:?} lacks {fragment:?}"
    );
}

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
