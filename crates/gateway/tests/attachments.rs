//! The attachments toolset's limits and scoping over real HTTP, against the in-process demo
//! with its configuration reloaded to small caps: the download cap (checked from the size
//! Confluence reports, before any download), the upload cap, and space scope on attachments
//! addressed by id. The full tool walk-through is the Python SDK scenario
//! (`tests/clients/families/attachments.py`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call, http, text_of};
use serde_json::{Value, json};

/// The first attachment named `file` on the page titled `title`, as `agent` sees it.
async fn attachment(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    space: &str,
    title: &str,
    file: &str,
) -> Value {
    let found = call(
        http,
        url,
        key,
        "search",
        json!({"cql": format!("type = page AND space = {space} AND title = \"{title}\"")}),
    )
    .await;
    let page = found["structuredContent"]["results"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no page {title}: {found}"))
        .to_owned();
    let listed = call(http, url, key, "list_attachments", json!({"page_id": page})).await;
    listed["structuredContent"]["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == file)
        .unwrap_or_else(|| panic!("no {file} on {title}: {listed}"))
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caps_and_scope_apply_to_attachments() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let http = http();
    let (ro, rw) = (info.url("readonly"), info.url("readwrite"));
    let (bot, auditor, writer) = (
        info.key("support-bot"),
        info.key("auditor"),
        info.key("docs-writer"),
    );

    // Small caps through a reload of the demo's own configuration.
    let toml = format!(
        "{}\n[attachments]\nmax_download_bytes = 2000\nmax_upload_bytes = 100\n",
        demo.info.config_toml
    );
    let loaded = gateway::config::from_str(&toml, std::path::Path::new("<test>")).unwrap();
    demo.gateway.reload(loaded).await.unwrap();

    // A 6 KB PDF is refused by size, naming the cap and the key that sets it.
    let guide = attachment(&http, &ro, &bot, "DOCS", "User Guide", "user-guide-4.3.pdf").await;
    assert!(guide["file_size"].as_u64().unwrap() > 2000, "{guide}");
    let refused = call(
        &http,
        &ro,
        &bot,
        "read_attachment",
        json!({"attachment_id": guide["id"]}),
    )
    .await;
    assert_eq!(refused["isError"], true, "{refused}");
    let text = text_of(&refused);
    assert!(
        text.contains("Too large")
            && text.contains("2000 bytes")
            && text.contains("max_download_bytes"),
        "{text}"
    );
    // A small file still reads.
    let changelog = attachment(&http, &ro, &bot, "DOCS", "Release 4.3", "changelog-4.3.md").await;
    let read = call(
        &http,
        &ro,
        &bot,
        "read_attachment",
        json!({"attachment_id": changelog["id"]}),
    )
    .await;
    assert_eq!(read["isError"], false, "{read}");
    assert!(text_of(&read).contains("# Changelog 4.3"));

    // Uploads over the (reloaded) cap are refused before anything reaches Confluence.
    let page = changelog["page_id"].as_str().unwrap();
    let big = call(
        &http,
        &rw,
        &writer,
        "upload_attachment",
        json!({"page_id": page, "file_name": "big.txt", "content_base64": "eHh4".repeat(50)}),
    )
    .await;
    assert_eq!(big["isError"], true, "{big}");
    let text = text_of(&big);
    assert!(
        text.contains("Too large") && text.contains("max_upload_bytes"),
        "{text}"
    );
    let after = call(
        &http,
        &rw,
        &writer,
        "list_attachments",
        json!({"page_id": page}),
    )
    .await;
    assert!(!after.to_string().contains("big.txt"), "{after}");

    // Scope: an HR file exists (the auditor sees it). support-bot's connection can see HR in
    // Confluence, so only the gateway's scope stops it; docs-writer's connection cannot, so
    // Confluence answers not found itself. Neither learns the file's name.
    let salary = attachment(
        &http,
        &ro,
        &auditor,
        "HR",
        "Salary bands 2026",
        "salary-bands-2026.xlsx",
    )
    .await;
    let cases = [
        (&ro, &bot, "get_attachment", true),
        (&ro, &bot, "read_attachment", true),
        (&rw, &writer, "get_attachment", false),
        (&rw, &writer, "read_attachment", false),
        (&rw, &writer, "delete_attachment", false),
    ];
    for (url, key, tool, by_scope) in cases {
        let hidden = call(
            &http,
            url,
            key,
            tool,
            json!({"attachment_id": salary["id"]}),
        )
        .await;
        assert_eq!(hidden["isError"], true, "{tool}: {hidden}");
        let text = text_of(&hidden);
        assert!(text.starts_with("Not found"), "{tool}: {text}");
        if by_scope {
            assert!(
                text.contains("outside the spaces this agent may use: ENG, DOCS"),
                "{tool}: {text}"
            );
        }
        assert!(
            !text.contains("salary-bands"),
            "{tool} leaked the name: {text}"
        );
    }
    // The file is still there for the auditor.
    let still = call(
        &http,
        &ro,
        &auditor,
        "get_attachment",
        json!({"attachment_id": salary["id"]}),
    )
    .await;
    assert_eq!(still["isError"], false, "{still}");
}
