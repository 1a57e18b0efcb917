//! Access policy (space rules) on the blogposts and users toolsets over real MCP calls to the
//! in-process demo: content outside an agent's spaces answers "not found" whether it is read,
//! listed, inspected for restrictions or written, and nothing is changed in Confluence.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call, http, text_of};
use serde_json::{Value, json};

/// The first blog post of `space` as the unscoped auditor lists it.
async fn first_post(http: &reqwest::Client, url: &str, auditor: &str, space: &str) -> Value {
    let listed = call(
        http,
        url,
        auditor,
        "list_blog_posts",
        json!({"space_key": space, "limit": 1}),
    )
    .await;
    assert_eq!(listed["isError"], false, "{listed}");
    listed["structuredContent"]["blog_posts"][0].clone()
}

fn assert_hidden(result: &Value, spaces: &str) {
    assert_eq!(result["isError"], true, "{result}");
    let text = text_of(result);
    assert!(text.starts_with("Not found"), "{text}");
    assert!(
        text.contains(&format!("outside the spaces this agent may use: {spaces}")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blog_posts_outside_an_agents_spaces_are_not_found() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let http = http();
    let (ro, rw) = (info.url("readonly"), info.url("readwrite"));
    let (bot, auditor, writer) = (
        info.key("support-bot"),
        info.key("auditor"),
        info.key("docs-writer"),
    );

    // support-bot (ENG and DOCS) cannot read an HR blog post, even by its id.
    let hr = first_post(&http, &ro, &auditor, "HR").await;
    let hr_id = hr["id"].as_str().unwrap();
    let hidden = call(
        &http,
        &ro,
        &bot,
        "get_blog_post",
        json!({"blog_post_id": hr_id}),
    )
    .await;
    assert_hidden(&hidden, "ENG, DOCS");
    assert!(
        !text_of(&hidden).contains(hr["title"].as_str().unwrap()),
        "the title leaked: {hidden}"
    );
    let listed = call(
        &http,
        &ro,
        &bot,
        "list_blog_posts",
        json!({"space_key": "HR"}),
    )
    .await;
    assert_hidden(&listed, "ENG, DOCS");
    let restrictions = call(
        &http,
        &ro,
        &bot,
        "get_page_restrictions",
        json!({"content_id": hr_id}),
    )
    .await;
    assert_hidden(&restrictions, "ENG, DOCS");
    // The same calls inside its scope work.
    let eng = first_post(&http, &ro, &bot, "ENG").await;
    let read = call(
        &http,
        &ro,
        &bot,
        "get_blog_post",
        json!({"blog_post_id": eng["id"]}),
    )
    .await;
    assert_eq!(read["isError"], false, "{read}");
    assert_eq!(read["structuredContent"]["title"], eng["title"]);

    // docs-writer (DOCS) cannot change or delete an ENG post; it stays as it was.
    for (tool, args) in [
        (
            "update_blog_post",
            json!({"blog_post_id": eng["id"], "title": "Hijacked"}),
        ),
        ("delete_blog_post", json!({"blog_post_id": eng["id"]})),
    ] {
        let refused = call(&http, &rw, &writer, tool, args).await;
        assert_hidden(&refused, "DOCS");
    }
    let after = first_post(&http, &ro, &auditor, "ENG").await;
    assert_eq!(after, eng, "the ENG post changed");
}
