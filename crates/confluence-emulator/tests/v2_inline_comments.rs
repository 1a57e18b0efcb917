//! Inline comments over real HTTP: anchoring to page text, resolving and reopening,
//! replies, edits, blog posts and read restrictions.
// Tests may unwrap: a panic is a test failure. The harness helpers count as test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod store_fixtures;

use common::{Harness, Reply};
use confluence_emulator::store::model::ContentKind;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use store_fixtures::*;

const COMMENTS: &str = "/wiki/api/v2/inline-comments";
/// Page text with two "fox"es, for selections with a match index.
const TEXT: &str = "<p>The quick brown fox jumps over the lazy dog. The fox again.</p>";

fn storage(value: &str) -> Value {
    json!({ "representation": "storage", "value": value })
}

async fn post(h: &Harness, email: &str, body: Value) -> Reply {
    h.call(email, Method::POST, COMMENTS, Some(body)).await
}

/// A top-level inline comment on a page, anchored by `props`.
async fn anchored(h: &Harness, email: &str, page_id: u64, props: Value) -> Reply {
    let body = json!({ "pageId": page_id.to_string(), "body": storage("<p>typo?</p>"), "inlineCommentProperties": props });
    post(h, email, body).await
}

async fn put(h: &Harness, email: &str, id: &str, body: Value) -> Reply {
    h.call(email, Method::PUT, &format!("{COMMENTS}/{id}"), Some(body))
        .await
}

fn id_of(r: &Reply) -> String {
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selections_must_match_the_page_text() {
    let h = common::empty().await;
    let pid = add(&h, ContentKind::Page, "DOCS", "Anchored", TEXT, None);
    for props in [
        json!({ "textSelection": "purple cat" }),
        json!({ "textSelection": "fox", "textSelectionMatchCount": 2, "textSelectionMatchIndex": 2 }),
        json!({ "textSelection": "fox", "textSelectionMatchCount": 5, "textSelectionMatchIndex": 0 }),
        json!({ "textSelection": "fox", "textSelectionMatchIndex": -1 }),
        json!({ "textSelection": "" }),
        json!({}),
    ] {
        v2_error(&anchored(&h, FRANK, pid, props).await, 400);
    }
    // Without inlineCommentProperties a top-level inline comment is refused.
    v2_error(
        &post(
            &h,
            FRANK,
            json!({ "pageId": pid.to_string(), "body": storage("<p>x</p>") }),
        )
        .await,
        400,
    );
    // Tags do not count, entities are decoded.
    let amp = add(
        &h,
        ContentKind::Page,
        "DOCS",
        "Amp",
        "<p>Fish <b>&amp;</b> chips</p>",
        None,
    );
    id_of(&anchored(&h, FRANK, amp, json!({ "textSelection": "Fish & chips" })).await);

    let r = anchored(&h, FRANK, pid, json!({ "textSelection": "fox", "textSelectionMatchCount": 2, "textSelectionMatchIndex": 1 })).await;
    let id = id_of(&r);
    assert_eq!(r.body["resolutionStatus"], "open");
    assert_eq!(r.body["pageId"], pid.to_string());
    assert_eq!(r.body["properties"]["inlineOriginalSelection"], "fox");
    assert!(
        !r.body["properties"]["inlineMarkerRef"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert!(
        r.headers["location"]
            .to_str()
            .unwrap()
            .ends_with(&format!("/api/v2/inline-comments/{id}"))
    );

    // Inline comments on blog posts.
    let post_id = add(
        &h,
        ContentKind::BlogPost,
        "DOCS",
        "Launch",
        "<p>We &amp; you</p>",
        None,
    );
    let body = json!({ "blogPostId": post_id.to_string(), "body": storage("<p>!</p>"), "inlineCommentProperties": { "textSelection": "We & you" } });
    let r = post(&h, BOB, body).await;
    id_of(&r);
    assert_eq!(r.body["blogPostId"], post_id.to_string());
    let listed = h
        .get(
            FRANK,
            &format!("/wiki/api/v2/blogposts/{post_id}/inline-comments"),
        )
        .await;
    assert_eq!(field(&listed, "blogPostId"), vec![post_id.to_string()]);
    get_fails(
        &h,
        FRANK,
        &format!("/wiki/api/v2/pages/{post_id}/inline-comments"),
        404,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_reopen_reply_edit_and_delete() {
    let h = common::empty().await;
    let pid = add(&h, ContentKind::Page, "DOCS", "Anchored", TEXT, None);
    let id = id_of(
        &anchored(
            &h,
            FRANK,
            pid,
            json!({ "textSelection": "fox", "textSelectionMatchCount": 2 }),
        )
        .await,
    );
    let second = id_of(&anchored(&h, FRANK, pid, json!({ "textSelection": "lazy dog" })).await);
    let list = format!("/wiki/api/v2/pages/{pid}/inline-comments");
    let listed = h.get(BOB, &format!("{list}?body-format=storage")).await;
    assert_eq!(field(&listed, "id"), vec![id.clone(), second.clone()]);
    assert_eq!(field(&listed, "resolutionStatus"), vec!["open", "open"]);
    assert_eq!(
        listed.body["results"][0]["body"]["storage"]["value"],
        "<p>typo?</p>"
    );

    // Resolving and reopening: readers may do it, and it needs no version.
    let r = put(&h, BOB, &id, json!({ "resolved": true })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["resolutionStatus"], "resolved");
    assert_eq!(
        field(
            &h.get(BOB, &format!("{list}?resolution-status=resolved"))
                .await,
            "id"
        ),
        vec![id.clone()]
    );
    assert_eq!(
        field(
            &h.get(BOB, &format!("{list}?resolution-status=open,reopened"))
                .await,
            "id"
        ),
        vec![second.clone()]
    );
    assert_eq!(
        put(&h, FRANK, &id, json!({ "resolved": false })).await.body["resolutionStatus"],
        "reopened"
    );
    assert_eq!(
        put(&h, FRANK, &second, json!({ "resolved": false }))
            .await
            .body["resolutionStatus"],
        "open"
    );
    get_fails(&h, BOB, &format!("{list}?resolution-status=closed"), 400).await;
    v2_error(&put(&h, BOB, &id, json!({})).await, 400);

    // Replies: by parentCommentId, listed as children, not resolvable themselves.
    let reply = post(
        &h,
        BOB,
        json!({ "parentCommentId": id, "body": storage("<p>fixed</p>") }),
    )
    .await;
    let reply_id = id_of(&reply);
    assert_eq!(reply.body["parentCommentId"], id);
    let children = h.get(FRANK, &format!("{COMMENTS}/{id}/children")).await;
    assert_eq!(field(&children, "id"), vec![reply_id.clone()]);
    assert_eq!(children.body["results"][0]["resolutionStatus"], "reopened");
    v2_error(
        &put(&h, BOB, &reply_id, json!({ "resolved": true })).await,
        400,
    );
    assert_eq!(
        results(&h.get(FRANK, &list).await).len(),
        2,
        "replies are not top-level"
    );

    // Body edits: author only, version must be current + 1.
    let edit = |n: u32| json!({ "version": { "number": n }, "body": storage("<p>edited</p>") });
    v2_error(&put(&h, BOB, &id, edit(2)).await, 403);
    v2_error(&put(&h, FRANK, &id, edit(1)).await, 409);
    let ok = put(&h, FRANK, &id, edit(2)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.body["version"]["number"], 2);
    assert_eq!(ok.body["resolutionStatus"], "reopened");
    let single = h
        .get(BOB, &format!("{COMMENTS}/{id}?body-format=view"))
        .await;
    assert_eq!(single.body["body"]["view"]["value"], "<p>edited</p>");
    assert_eq!(single.body["properties"]["inlineOriginalSelection"], "fox");
    assert_eq!(
        results(&h.get(BOB, &format!("{COMMENTS}/{id}/versions")).await).len(),
        2
    );
    assert_eq!(
        h.get(BOB, &format!("{COMMENTS}/{id}/versions/1"))
            .await
            .body["number"],
        1
    );
    assert_eq!(results(&h.get(BOB, COMMENTS).await).len(), 3);
    // A dangling comment (its text is gone) cannot be resolved.
    h.emulator
        .state
        .write()
        .comments
        .get_mut(&second.parse().unwrap())
        .unwrap()
        .inline
        .as_mut()
        .unwrap()
        .resolution_status = "dangling".to_owned();
    v2_error(
        &put(&h, FRANK, &second, json!({ "resolved": true })).await,
        400,
    );
    assert_eq!(
        field(
            &h.get(BOB, &format!("{list}?resolution-status=dangling"))
                .await,
            "id"
        ),
        vec![second.clone()]
    );

    // Deleting: author or admin; replies go too.
    v2_error(&delete(&h, BOB, &format!("{COMMENTS}/{id}")).await, 403);
    assert_eq!(
        delete(&h, FRANK, &format!("{COMMENTS}/{id}")).await.status,
        StatusCode::NO_CONTENT
    );
    get_fails(&h, FRANK, &format!("{COMMENTS}/{reply_id}"), 404).await;

    // A read restriction hides the rest.
    restrict_read(&h, pid, &[BOB]);
    get_fails(&h, FRANK, &format!("{COMMENTS}/{second}"), 404).await;
    get_fails(&h, FRANK, &list, 404).await;
    v2_error(
        &put(&h, FRANK, &second, json!({ "resolved": false })).await,
        404,
    );
    assert!(results(&h.get(FRANK, COMMENTS).await).is_empty());
    assert_eq!(results(&h.get(BOB, COMMENTS).await).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selections_match_what_readers_see() {
    let h = common::empty().await;
    let body = "<p>Run the deploy.</p><p>Then check.</p>\
        <ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"title\">Deploy notes</ac:parameter>\
        <ac:plain-text-body><![CDATA[make deploy && make check]]></ac:plain-text-body></ac:structured-macro>";
    let pid = add(&h, ContentKind::Page, "DOCS", "Visible", body, None);
    // Macro parameters are not page text, and no selection runs from one paragraph on.
    for selection in ["Deploy notes", "deploy.Then", "deploy. Then"] {
        v2_error(
            &anchored(&h, FRANK, pid, json!({ "textSelection": selection })).await,
            400,
        );
    }
    // Code bodies are: "deploy" occurs in the first paragraph and in the code.
    let r = anchored(
        &h,
        FRANK,
        pid,
        json!({ "textSelection": "deploy", "textSelectionMatchCount": 2, "textSelectionMatchIndex": 1 }),
    )
    .await;
    id_of(&r);
    id_of(
        &anchored(
            &h,
            FRANK,
            pid,
            json!({ "textSelection": "make deploy && make" }),
        )
        .await,
    );
}
