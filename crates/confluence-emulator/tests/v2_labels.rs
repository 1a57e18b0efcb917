//! Labels: v1 add/remove/list, v2 lists, label → content lookups, permissions and bad input.
// Tests may unwrap: a panic is a test failure. The harness helpers count as test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod store_fixtures;

use common::{Harness, Reply};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use store_fixtures::*;

async fn label(h: &Harness, email: &str, id: u64, body: Value) -> Reply {
    h.call(
        email,
        Method::POST,
        &format!("/wiki/rest/api/content/{id}/label"),
        Some(body),
    )
    .await
}

fn names(r: &Reply) -> Vec<String> {
    r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_list_and_remove_labels() {
    let h = common::empty().await;
    let pid = page(&h, "DOCS", "Guide");
    let r = label(
        &h,
        BOB,
        pid,
        json!([{ "prefix": "global", "name": "Howto" }, { "prefix": "global", "name": "draft-1" }]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(names(&r), vec!["howto", "draft-1"]);
    assert_eq!(r.body["size"], 2);
    assert_eq!(r.body["results"][0]["label"], "howto");
    assert_eq!(r.body["results"][0]["prefix"], "global");
    // A single object works too, and re-adding is idempotent.
    let r = label(&h, BOB, pid, json!({ "prefix": "team", "name": "howto" })).await;
    assert_eq!(names(&r), vec!["howto", "draft-1"]);
    let r = label(&h, BOB, pid, json!({ "prefix": "my", "name": "mine" })).await;
    assert_eq!(r.status, StatusCode::OK);

    let v2 = h
        .get(FRANK, &format!("/wiki/api/v2/pages/{pid}/labels"))
        .await;
    assert_eq!(v2.status, StatusCode::OK, "{}", v2.text);
    let first = &v2.body["results"][0];
    assert_eq!(first["name"], "howto");
    assert_eq!(first["prefix"], "global");
    assert!(first["id"].as_str().unwrap().parse::<u64>().is_ok());
    assert_eq!(
        names(
            &h.get(FRANK, &format!("/wiki/api/v2/pages/{pid}/labels?prefix=my"))
                .await
        ),
        vec!["mine"]
    );
    assert_eq!(
        names(
            &h.get(
                FRANK,
                &format!("/wiki/api/v2/pages/{pid}/labels?sort=-name")
            )
            .await
        ),
        vec!["mine", "howto", "draft-1"]
    );
    v2_error(
        &h.get(
            FRANK,
            &format!("/wiki/api/v2/pages/{pid}/labels?prefix=bogus"),
        )
        .await,
        400,
    );
    let v1 = h
        .get(FRANK, &format!("/wiki/rest/api/content/{pid}/label"))
        .await;
    assert_eq!(v1.status, StatusCode::OK);
    assert_eq!(v1.body["limit"], 200);
    assert_eq!(names(&v1), vec!["howto", "draft-1", "mine"]);
    assert_eq!(
        names(
            &h.get(
                FRANK,
                &format!("/wiki/rest/api/content/{pid}/label?prefix=global")
            )
            .await
        ),
        vec!["howto", "draft-1"]
    );

    // Removing: by path and by query; a label that is not there is a 404.
    let del = h
        .call(
            BOB,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{pid}/label/howto"),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.text);
    let del = h
        .call(
            BOB,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{pid}/label?name=draft-1"),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.text);
    v1_error(
        &h.call(
            BOB,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{pid}/label/howto"),
            None,
        )
        .await,
        404,
    );
    v1_error(
        &h.call(
            BOB,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{pid}/label"),
            None,
        )
        .await,
        400,
    );
    assert_eq!(
        names(
            &h.get(BOB, &format!("/wiki/api/v2/pages/{pid}/labels"))
                .await
        ),
        vec!["mine"]
    );

    // Blog posts have their own label list; a page id there is a 404.
    let blog = blog(&h, "DOCS", "News");
    label(
        &h,
        BOB,
        blog,
        json!([{ "prefix": "global", "name": "announcement" }]),
    )
    .await;
    assert_eq!(
        names(
            &h.get(FRANK, &format!("/wiki/api/v2/blogposts/{blog}/labels"))
                .await
        ),
        vec!["announcement"]
    );
    v2_error(
        &h.get(FRANK, &format!("/wiki/api/v2/blogposts/{pid}/labels"))
            .await,
        404,
    );
    v2_error(
        &h.get(FRANK, &format!("/wiki/api/v2/pages/{blog}/labels"))
            .await,
        404,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_permissions() {
    let h = common::empty().await;
    let docs = page(&h, "DOCS", "Docs page");
    let eng = page(&h, "ENG", "Eng page");
    label(
        &h,
        ALICE,
        eng,
        json!([{ "prefix": "global", "name": "internal" }]),
    )
    .await;
    // Frank reads DOCS: may list labels, may not change them.
    v1_error(
        &label(
            &h,
            FRANK,
            docs,
            json!([{ "prefix": "global", "name": "x" }]),
        )
        .await,
        403,
    );
    label(
        &h,
        BOB,
        docs,
        json!([{ "prefix": "global", "name": "public" }]),
    )
    .await;
    v1_error(
        &h.call(
            FRANK,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{docs}/label/public"),
            None,
        )
        .await,
        403,
    );
    assert_eq!(
        h.get(FRANK, &format!("/wiki/rest/api/content/{docs}/label"))
            .await
            .status,
        StatusCode::OK
    );
    // Invisible content is a 404 everywhere, for reads and writes.
    v1_error(
        &label(&h, FRANK, eng, json!([{ "prefix": "global", "name": "x" }])).await,
        404,
    );
    v1_error(
        &h.get(FRANK, &format!("/wiki/rest/api/content/{eng}/label"))
            .await,
        404,
    );
    v1_error(
        &h.call(
            FRANK,
            Method::DELETE,
            &format!("/wiki/rest/api/content/{eng}/label/internal"),
            None,
        )
        .await,
        404,
    );
    v2_error(
        &h.get(FRANK, &format!("/wiki/api/v2/pages/{eng}/labels"))
            .await,
        404,
    );
    // Carol only reads DOCS.
    v1_error(
        &label(
            &h,
            CAROL,
            docs,
            json!([{ "prefix": "global", "name": "x" }]),
        )
        .await,
        403,
    );

    // Read restrictions hide labels and the labelled page.
    let secret = page(&h, "DOCS", "Secret");
    label(
        &h,
        BOB,
        secret,
        json!([{ "prefix": "global", "name": "public" }]),
    )
    .await;
    h.emulator
        .state
        .write()
        .contents
        .get_mut(&secret)
        .unwrap()
        .read_restricted_to = Some(vec![h.account_id(BOB)]);
    v2_error(
        &h.get(FRANK, &format!("/wiki/api/v2/pages/{secret}/labels"))
            .await,
        404,
    );
    v1_error(
        &h.get(FRANK, &format!("/wiki/rest/api/content/{secret}/label"))
            .await,
        404,
    );
    let public_id = h
        .get(BOB, &format!("/wiki/api/v2/pages/{docs}/labels"))
        .await
        .body["results"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids = |r: &Reply| -> Vec<String> {
        r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let frank_pages = h
        .get(FRANK, &format!("/wiki/api/v2/labels/{public_id}/pages"))
        .await;
    assert_eq!(frank_pages.status, StatusCode::OK, "{}", frank_pages.text);
    assert_eq!(ids(&frank_pages), vec![docs.to_string()]);
    let bob_pages = h
        .get(
            BOB,
            &format!("/wiki/api/v2/labels/{public_id}/pages?body-format=storage"),
        )
        .await;
    assert_eq!(ids(&bob_pages), vec![docs.to_string(), secret.to_string()]);
    assert_eq!(
        bob_pages.body["results"][0]["body"]["storage"]["value"],
        "<p>body</p>"
    );
    assert_eq!(
        bob_pages.body["results"][0]["spaceId"],
        space_id(&h, "DOCS").to_string()
    );
    // Site-wide label lists only show labels on readable content.
    let frank_all = names(&h.get(FRANK, "/wiki/api/v2/labels").await);
    assert_eq!(frank_all, vec!["public"]);
    let alice_all = names(&h.get(ALICE, "/wiki/api/v2/labels?sort=name").await);
    assert_eq!(alice_all, vec!["internal", "public"]);
    assert_eq!(
        names(
            &h.get(ALICE, &format!("/wiki/api/v2/labels?label-id={public_id}"))
                .await
        ),
        vec!["public"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_lists_paginate_and_lookups_filter() {
    let h = common::empty().await;
    let pid = page(&h, "ENG", "Tagged");
    let many: Vec<Value> = (0..30)
        .map(|i| json!({ "prefix": "global", "name": format!("tag-{i:02}") }))
        .collect();
    assert_eq!(
        label(&h, BOB, pid, Value::Array(many)).await.body["size"],
        30
    );
    let (all, pages) =
        collect_v2(&h, BOB, &format!("/wiki/api/v2/pages/{pid}/labels?limit=7")).await;
    assert_eq!(all.len(), 30);
    assert_eq!(pages, 5);
    assert_eq!(all[29]["name"], "tag-29");
    // v1 start/limit paging with a next link.
    let first = h
        .get(BOB, &format!("/wiki/rest/api/content/{pid}/label?limit=10"))
        .await;
    assert_eq!(first.body["size"], 10);
    let next = first.body["_links"]["next"].as_str().unwrap().to_owned();
    assert!(next.contains("start=10"), "{next}");
    assert!(
        next.starts_with("/rest/api/"),
        "v1 links are relative to /wiki: {next}"
    );
    let second = h.get(BOB, &format!("/wiki{next}")).await;
    assert_eq!(second.body["start"], 10);
    assert_eq!(second.body["results"][0]["name"], "tag-10");

    // Label → blog posts, filtered by space; space content labels.
    let blog_eng = blog(&h, "ENG", "Eng news");
    let blog_docs = blog(&h, "DOCS", "Docs news");
    label(
        &h,
        ALICE,
        blog_eng,
        json!([{ "prefix": "global", "name": "tag-00" }]),
    )
    .await;
    label(
        &h,
        ALICE,
        blog_docs,
        json!([{ "prefix": "global", "name": "tag-00" }]),
    )
    .await;
    let tag0 = all[0]["id"].as_str().unwrap().to_owned();
    let blogs = h
        .get(ALICE, &format!("/wiki/api/v2/labels/{tag0}/blogposts"))
        .await;
    assert_eq!(blogs.body["results"].as_array().unwrap().len(), 2);
    assert!(blogs.body["results"][0].get("parentId").is_none());
    let eng_only = h
        .get(
            ALICE,
            &format!(
                "/wiki/api/v2/labels/{tag0}/blogposts?space-id={}",
                space_id(&h, "ENG")
            ),
        )
        .await;
    assert_eq!(eng_only.body["results"][0]["id"], blog_eng.to_string());
    assert_eq!(eng_only.body["results"].as_array().unwrap().len(), 1);
    let docs_labels = h
        .get(
            FRANK,
            &format!(
                "/wiki/api/v2/spaces/{}/content/labels",
                space_id(&h, "DOCS")
            ),
        )
        .await;
    assert_eq!(names(&docs_labels), vec!["tag-00"]);
    v2_error(
        &h.get(
            FRANK,
            &format!("/wiki/api/v2/spaces/{}/content/labels", space_id(&h, "ENG")),
        )
        .await,
        404,
    );
    let space_labels = h
        .get(
            FRANK,
            &format!("/wiki/api/v2/spaces/{}/labels", space_id(&h, "DOCS")),
        )
        .await;
    assert_eq!(space_labels.status, StatusCode::OK);
    v2_error(
        &h.get(ALICE, "/wiki/api/v2/labels/987654321/pages").await,
        404,
    );
    v2_error(&h.get(ALICE, "/wiki/api/v2/labels/abc/pages").await, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn label_bad_input() {
    let h = common::empty().await;
    let pid = page(&h, "ENG", "Page");
    v1_error(
        &label(
            &h,
            BOB,
            pid,
            json!([{ "prefix": "global", "name": "two words" }]),
        )
        .await,
        400,
    );
    v1_error(
        &label(&h, BOB, pid, json!([{ "prefix": "global", "name": "" }])).await,
        400,
    );
    v1_error(
        &label(&h, BOB, pid, json!([{ "prefix": "global", "name": "a:b" }])).await,
        400,
    );
    v1_error(
        &label(&h, BOB, pid, json!([{ "prefix": "system", "name": "ok" }])).await,
        400,
    );
    v1_error(
        &label(
            &h,
            BOB,
            pid,
            json!([{ "prefix": "global", "name": "x".repeat(256) }]),
        )
        .await,
        400,
    );
    v1_error(&label(&h, BOB, pid, json!([])).await, 400);
    v1_error(&label(&h, BOB, pid, json!("just a string")).await, 400);
    // Nothing was added by the failed requests (validation happens before any change).
    v1_error(
        &label(
            &h,
            BOB,
            pid,
            json!([{ "name": "good" }, { "name": "bad name" }]),
        )
        .await,
        400,
    );
    assert!(
        names(
            &h.get(BOB, &format!("/wiki/api/v2/pages/{pid}/labels"))
                .await
        )
        .is_empty()
    );
    let (user, token) = h.basic(BOB);
    let raw = h
        .http
        .post(format!("{}/wiki/rest/api/content/{pid}/label", h.site()))
        .basic_auth(user, Some(token))
        .header("content-type", "application/json")
        .body("[{")
        .send()
        .await
        .unwrap();
    v1_error(&common::read(raw).await, 400);
    v1_error(&label(&h, BOB, 0, json!([{ "name": "x" }])).await, 404);
    v1_error(&h.get(BOB, "/wiki/rest/api/content/abc/label").await, 400);
    v1_error(
        &h.get(BOB, &format!("/wiki/rest/api/content/{pid}/label?start=-1"))
            .await,
        400,
    );
    v2_error(&h.get(BOB, "/wiki/api/v2/pages/abc/labels").await, 400);
    v2_error(
        &h.get(BOB, &format!("/wiki/api/v2/pages/{pid}/labels?limit=x"))
            .await,
        400,
    );
}
