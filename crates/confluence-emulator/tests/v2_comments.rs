//! Footer comments over real HTTP: lifecycle, replies, versions, pagination, permissions,
//! conflicts and bad input.
// Tests may unwrap: a panic is a test failure. The harness helpers count as test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod store_fixtures;

use common::{Harness, Reply};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use store_fixtures::*;

const COMMENTS: &str = "/wiki/api/v2/footer-comments";

fn storage(value: &str) -> Value {
    json!({ "representation": "storage", "value": value })
}

async fn post(h: &Harness, email: &str, body: Value) -> Reply {
    h.call(email, Method::POST, COMMENTS, Some(body)).await
}

/// Creates a footer comment on a page and returns its id.
async fn footer(h: &Harness, email: &str, page_id: u64, text: &str) -> String {
    let r = post(
        h,
        email,
        json!({ "pageId": page_id.to_string(), "body": storage(text) }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn edit(h: &Harness, email: &str, id: &str, number: u32, text: &str) -> Reply {
    let body = json!({ "version": { "number": number, "message": "edit" }, "body": storage(text) });
    h.call(email, Method::PUT, &format!("{COMMENTS}/{id}"), Some(body))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn footer_comment_lifecycle() {
    let h = common::empty().await;
    let pid = page(&h, "DOCS", "Guide");
    // A reader (frank has DOCS read) may comment.
    let r = post(
        &h,
        FRANK,
        json!({ "pageId": pid.to_string(), "body": storage("<p>first</p>") }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["pageId"], pid.to_string());
    assert_eq!(r.body["status"], "current");
    assert_eq!(r.body["title"], "Re: Guide");
    assert_eq!(r.body["version"]["number"], 1);
    assert_eq!(r.body["version"]["authorId"], h.account_id(FRANK));
    assert_eq!(r.body["body"]["storage"]["value"], "<p>first</p>");
    assert!(r.body["_links"]["webui"].as_str().unwrap().contains(&id));
    let location = r.headers["location"].to_str().unwrap();
    assert!(
        location.ends_with(&format!("{COMMENTS}/{id}")),
        "{location}"
    );

    let url = format!("{COMMENTS}/{id}");
    let got = h.get(BOB, &format!("{url}?body-format=storage")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["body"]["storage"]["value"], "<p>first</p>");
    assert!(
        got.body["_links"]["base"]
            .as_str()
            .unwrap()
            .ends_with("/wiki")
    );
    assert_eq!(h.get(BOB, &url).await.body["body"], json!({}));
    let adf = h
        .get(BOB, &format!("{url}?body-format=atlas_doc_format"))
        .await;
    assert_eq!(
        adf.body["body"]["atlas_doc_format"]["representation"],
        "atlas_doc_format"
    );

    // Bob may write DOCS pages but is neither the author nor a space admin.
    v2_error(&edit(&h, BOB, &id, 2, "<p>hijack</p>").await, 403);
    v2_error(&edit(&h, FRANK, &id, 1, "<p>stale</p>").await, 409);
    v2_error(&edit(&h, FRANK, &id, 3, "<p>ahead</p>").await, 409);
    let ok = edit(&h, FRANK, &id, 2, "<p>second</p>").await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["version"]["number"], 2);
    assert_eq!(ok.body["version"]["message"], "edit");
    // Site admins may edit anyone's comment.
    assert_eq!(
        edit(&h, ALICE, &id, 3, "<p>moderated</p>").await.status,
        StatusCode::OK
    );

    // History: an old version by parameter, the version list and one version's details.
    let old = h
        .get(FRANK, &format!("{url}?version=1&body-format=storage"))
        .await;
    assert_eq!(old.body["body"]["storage"]["value"], "<p>first</p>");
    get_fails(&h, FRANK, &format!("{url}?version=9"), 404).await;
    let versions = h
        .get(FRANK, &format!("{url}/versions?body-format=storage"))
        .await;
    let numbers: Vec<u64> = results(&versions)
        .iter()
        .map(|v| v["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, vec![3, 2, 1]);
    assert_eq!(
        versions.body["results"][2]["comment"]["body"]["storage"]["value"],
        "<p>first</p>"
    );
    let detail = h.get(FRANK, &format!("{url}/versions/2")).await;
    assert_eq!(
        (
            detail.body["number"].as_u64(),
            detail.body["prevVersion"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(detail.body["nextVersion"], 3);
    let with = h
        .get(
            FRANK,
            &format!("{url}?include-versions=true&include-operations=true&include-version=false"),
        )
        .await;
    assert!(with.body.get("version").is_none());
    assert_eq!(
        with.body["versions"]["results"].as_array().unwrap().len(),
        3
    );
    assert_eq!(
        with.body["operations"]["results"].as_array().unwrap().len(),
        3
    );

    // A reply, by parentCommentId; it is listed under children, not on the page.
    let reply = post(
        &h,
        BOB,
        json!({ "parentCommentId": id, "body": { "storage": storage("<p>re</p>") } }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let reply_id = reply.body["id"].as_str().unwrap().to_owned();
    assert_eq!(reply.body["parentCommentId"], id);
    assert_eq!(reply.body["pageId"], pid.to_string());
    let children = h
        .get(FRANK, &format!("{url}/children?body-format=storage"))
        .await;
    assert_eq!(field(&children, "id"), vec![reply_id.clone()]);
    assert_eq!(children.body["results"][0]["parentCommentId"], id);
    let on_page = h
        .get(FRANK, &format!("/wiki/api/v2/pages/{pid}/footer-comments"))
        .await;
    assert_eq!(field(&on_page, "id"), vec![id.clone()]);
    assert_eq!(on_page.body["results"][0]["pageId"], pid.to_string());

    // Only the author (or an admin) may delete; deleting takes the replies along.
    v2_error(&delete(&h, BOB, &url).await, 403);
    assert_eq!(delete(&h, FRANK, &url).await.status, StatusCode::NO_CONTENT);
    get_fails(&h, FRANK, &url, 404).await;
    get_fails(&h, BOB, &format!("{COMMENTS}/{reply_id}"), 404).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn footer_comments_paginate_sort_and_span_blog_posts() {
    let h = common::empty().await;
    let pid = page(&h, "ENG", "Runbook");
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(footer(&h, BOB, pid, &format!("<p>c{i}</p>")).await);
    }
    let ids = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = format!("/wiki/api/v2/pages/{pid}/footer-comments");
    let (got, pages) = collect_v2(&h, BOB, &format!("{list}?limit=3&body-format=storage")).await;
    assert_eq!((ids(&got), pages), (created.clone(), 3));
    assert_eq!(got[6]["body"]["storage"]["value"], "<p>c6</p>");
    let (desc, _) = collect_v2(&h, BOB, &format!("{list}?limit=4&sort=-created-date")).await;
    let mut reversed = created.clone();
    reversed.reverse();
    assert_eq!(ids(&desc), reversed);
    // The site-wide list pages too.
    assert_eq!(
        collect_v2(&h, BOB, &format!("{COMMENTS}?limit=2"))
            .await
            .0
            .len(),
        7
    );

    // Blog posts: by blogPostId (a number is accepted too), listed under /blogposts only.
    let post_id = blog(&h, "ENG", "News");
    let r = post(
        &h,
        BOB,
        json!({ "blogPostId": post_id, "body": storage("<p>nice</p>") }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["blogPostId"], post_id.to_string());
    assert!(r.body.get("pageId").is_none());
    let listed = h
        .get(
            BOB,
            &format!("/wiki/api/v2/blogposts/{post_id}/footer-comments"),
        )
        .await;
    assert_eq!(field(&listed, "blogPostId"), vec![post_id.to_string()]);
    get_fails(
        &h,
        BOB,
        &format!("/wiki/api/v2/pages/{post_id}/footer-comments"),
        404,
    )
    .await;
    get_fails(
        &h,
        BOB,
        &format!("/wiki/api/v2/blogposts/{pid}/footer-comments"),
        404,
    )
    .await;

    // Through the OAuth gateway the next link is still site-relative.
    let token = h.oauth_login(BOB).await;
    let token = token["access_token"].as_str().unwrap();
    let r = h
        .call_oauth(token, Method::GET, &format!("{list}?limit=5"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(results(&r).len(), 5);
    assert!(
        r.body["_links"]["next"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{list}?"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comment_permissions() {
    let h = common::empty().await;
    let eng = page(&h, "ENG", "Secret runbook");
    let eng_comment = footer(&h, BOB, eng, "<p>eng</p>").await;
    // Frank has no ENG grant: the page, its comments and commenting are all invisible.
    for path in [
        format!("/wiki/api/v2/pages/{eng}/footer-comments"),
        format!("/wiki/api/v2/pages/{eng}/inline-comments"),
        format!("{COMMENTS}/{eng_comment}"),
        format!("{COMMENTS}/{eng_comment}/children"),
        format!("{COMMENTS}/{eng_comment}/versions"),
        format!("{COMMENTS}/{eng_comment}/versions/1"),
    ] {
        get_fails(&h, FRANK, &path, 404).await;
    }
    v2_error(
        &post(
            &h,
            FRANK,
            json!({ "pageId": eng.to_string(), "body": storage("<p>x</p>") }),
        )
        .await,
        404,
    );
    v2_error(
        &post(
            &h,
            DAVE,
            json!({ "parentCommentId": eng_comment, "body": storage("<p>x</p>") }),
        )
        .await,
        404,
    );
    v2_error(
        &delete(&h, FRANK, &format!("{COMMENTS}/{eng_comment}")).await,
        404,
    );
    v2_error(&edit(&h, FRANK, &eng_comment, 2, "<p>x</p>").await, 404);
    assert!(results(&h.get(FRANK, COMMENTS).await).is_empty());
    // Erin reads ENG, so she may comment there too.
    footer(&h, ERIN, eng, "<p>erin</p>").await;

    // A read-restricted DOCS page hides its comments from everyone not listed.
    let docs = page(&h, "DOCS", "Restricted");
    let c = footer(&h, BOB, docs, "<p>hidden</p>").await;
    restrict_read(&h, docs, &[BOB]);
    get_fails(
        &h,
        FRANK,
        &format!("/wiki/api/v2/pages/{docs}/footer-comments"),
        404,
    )
    .await;
    get_fails(&h, FRANK, &format!("{COMMENTS}/{c}"), 404).await;
    assert_eq!(
        h.get(BOB, &format!("{COMMENTS}/{c}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        h.get(ALICE, &format!("{COMMENTS}/{c}")).await.status,
        StatusCode::OK
    );
    assert!(field(&h.get(BOB, COMMENTS).await, "id").contains(&c));
    assert!(!field(&h.get(CAROL, COMMENTS).await, "id").contains(&c));
    // A child page inherits the restriction.
    let child = add(
        &h,
        confluence_emulator::store::model::ContentKind::Page,
        "DOCS",
        "Child",
        "<p>c</p>",
        Some(docs),
    );
    let child_comment = footer(&h, BOB, child, "<p>child</p>").await;
    get_fails(&h, FRANK, &format!("{COMMENTS}/{child_comment}"), 404).await;

    // Space admins may moderate: carol administers HR; erin only reads it.
    let hr = page(&h, "HR", "Policy");
    let erin_comment = footer(&h, ERIN, hr, "<p>question</p>").await;
    assert_eq!(
        edit(&h, CAROL, &erin_comment, 2, "<p>answered</p>")
            .await
            .status,
        StatusCode::OK
    );
    let carol_comment = footer(&h, CAROL, hr, "<p>note</p>").await;
    v2_error(
        &delete(&h, ERIN, &format!("{COMMENTS}/{carol_comment}")).await,
        403,
    );
    assert_eq!(
        delete(&h, CAROL, &format!("{COMMENTS}/{erin_comment}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comment_bad_input() {
    let h = common::empty().await;
    let pid = page(&h, "ENG", "Page");
    let (user, token) = h.basic(BOB);
    let raw = h
        .http
        .post(format!("{}{COMMENTS}", h.site()))
        .basic_auth(user, Some(token))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let raw = common::read(raw).await;
    v2_error(&raw, 400);
    assert_eq!(raw.body["errors"][0]["code"], "INVALID_REQUEST_PARAMETER");

    let p = pid.to_string();
    for bad in [
        json!({ "pageId": p }),
        json!({ "pageId": p, "body": storage("  ") }),
        json!({ "body": storage("<p>x</p>") }),
        json!({ "pageId": p, "parentCommentId": "1", "body": storage("<p>x</p>") }),
        json!({ "pageId": "abc", "body": storage("<p>x</p>") }),
        json!({ "pageId": p, "body": { "representation": "html", "value": "x" } }),
        json!({ "attachmentId": "att1", "body": storage("<p>x</p>") }),
        json!([1, 2]),
    ] {
        v2_error(&post(&h, BOB, bad).await, 400);
    }
    v2_error(
        &post(
            &h,
            BOB,
            json!({ "pageId": "999999999", "body": storage("<p>x</p>") }),
        )
        .await,
        404,
    );
    // Wiki markup and ADF bodies are converted to storage.
    let wiki = post(
        &h,
        BOB,
        json!({ "pageId": pid, "body": { "representation": "wiki", "value": "a < b" } }),
    )
    .await;
    assert_eq!(wiki.body["body"]["storage"]["value"], "<p>a &lt; b</p>");
    let doc = json!({ "type": "doc", "version": 1, "content": [{ "type": "paragraph", "content": [{ "type": "text", "text": "from adf" }] }] });
    let adf_body = json!({ "atlas_doc_format": { "representation": "atlas_doc_format", "value": doc.to_string() } });
    let adf = post(&h, BOB, json!({ "pageId": pid, "body": adf_body })).await;
    assert_eq!(adf.body["body"]["storage"]["value"], "<p>from adf</p>");
    let id = adf.body["id"].as_str().unwrap().to_owned();

    get_fails(&h, BOB, &format!("{COMMENTS}/abc"), 400).await;
    get_fails(&h, BOB, &format!("{COMMENTS}/424242424"), 404).await;
    get_fails(&h, BOB, &format!("{COMMENTS}/{id}/versions/x"), 400).await;
    get_fails(
        &h,
        BOB,
        &format!("{COMMENTS}/{id}?include-versions=maybe"),
        400,
    )
    .await;
    let list = format!("/wiki/api/v2/pages/{pid}/footer-comments");
    for query in [
        "body-format=html",
        "sort=title",
        "limit=0",
        "limit=x",
        "cursor=garbage",
        "status=bogus",
    ] {
        get_fails(&h, BOB, &format!("{list}?{query}"), 400).await;
    }
    // Updates need a body and a version.
    let url = format!("{COMMENTS}/{id}");
    v2_error(
        &h.call(
            BOB,
            Method::PUT,
            &url,
            Some(json!({ "version": { "number": 2 } })),
        )
        .await,
        400,
    );
    v2_error(
        &h.call(
            BOB,
            Method::PUT,
            &url,
            Some(json!({ "body": storage("<p>x</p>") })),
        )
        .await,
        400,
    );
    // An inline comment id is not a footer comment, and the reverse.
    let props = json!({ "textSelection": "body" });
    let inline = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/inline-comments",
            Some(json!({ "pageId": p, "body": storage("<p>i</p>"), "inlineCommentProperties": props })),
        )
        .await;
    assert_eq!(inline.status, StatusCode::CREATED, "{}", inline.text);
    let inline_id = inline.body["id"].as_str().unwrap();
    get_fails(&h, BOB, &format!("{COMMENTS}/{inline_id}"), 404).await;
    get_fails(&h, BOB, &format!("/wiki/api/v2/inline-comments/{id}"), 404).await;
}
