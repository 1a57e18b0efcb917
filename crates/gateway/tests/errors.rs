//! Every kind of failure, over raw HTTP against the demo: refused keys (401 with
//! `WWW-Authenticate`), bad Host/Origin (403), malformed JSON-RPC, unknown tools, wrong
//! argument types (the error names the field), 10 MB arguments (clear error, the process stays
//! up, memory stays bounded), and upstream failures shaped as tool errors that say what to do
//! (404, 409, 5xx, 429), plus scope, read-only servers and DLP in both directions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call, http, rpc, text_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn list() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_keys_get_401_with_a_challenge() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let (http, url) = (http(), info.url("readonly"));

    let (status, headers, body) = rpc(&http, &url, None, &list()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        headers["www-authenticate"],
        "Bearer realm=\"confluence-gateway\""
    );
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Authorization: Bearer")
    );

    let (status, headers, _) = rpc(&http, &url, Some("cgw_wrong"), &list()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert!(challenge.contains("unknown agent key"), "{challenge}");

    let basic = http
        .post(&url)
        .header("Authorization", "Basic YTpi")
        .json(&list())
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::UNAUTHORIZED);

    // A valid key on a server the agent is not listed on.
    let (status, _, body) = rpc(
        &http,
        &info.url("readwrite"),
        Some(&info.key("support-bot")),
        &list(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("may not use server 'readwrite'")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_and_origin_are_checked_before_anything_else() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let (http, url, key) = (http(), info.url("readonly"), info.key("support-bot"));
    let send = |host: Option<&str>, origin: Option<&str>| {
        let mut req = http
            .post(&url)
            .header("Accept", "application/json, text/event-stream")
            .bearer_auth(&key)
            .json(&list());
        if let Some(h) = host {
            req = req.header("Host", h);
        }
        if let Some(o) = origin {
            req = req.header("Origin", o);
        }
        req.send()
    };
    // Even without a key a bad Host gets 403, not 401.
    let no_key = http
        .post(&url)
        .header("Host", "evil.example")
        .json(&list())
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        send(Some("evil.example"), None).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(Some("localhost:1"), Some("https://evil.example"))
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(Some("localhost:1"), Some("http://localhost:6274"))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(send(None, None).await.unwrap().status(), StatusCode::OK);
    // An unknown path is a 404 (no server there).
    let other = http
        .post(format!("{}/mcp/nope", info.gateway_url()))
        .bearer_auth(&key)
        .json(&list())
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocol_errors_are_json_rpc_errors() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let (http, url, key) = (http(), info.url("readonly"), info.key("support-bot"));

    let resp = http
        .post(&url)
        .bearer_auth(&key)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32700, "{body}");

    let unknown = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "drop_database", "arguments": {}}});
    let (status, _, body) = rpc(&http, &url, Some(&key), &unknown).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["error"]["code"], -32602, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unknown tool 'drop_database'")
    );

    let write = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "create_page", "arguments": {"space_key": "ENG", "title": "t", "body": "b"}}});
    let (_, _, body) = rpc(&http, &url, Some(&key), &write).await;
    assert_eq!(body["error"]["code"], -32602, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not offer write tools"),
        "{body}"
    );

    let no_method = json!({"jsonrpc": "2.0", "id": 4, "method": "resources/teleport"});
    let (_, _, body) = rpc(&http, &url, Some(&key), &no_method).await;
    assert_eq!(body["error"]["code"], -32601, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn argument_errors_name_the_field() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let (http, url, key) = (http(), info.url("readonly"), info.key("support-bot"));
    for (args, field) in [
        (json!({"page_id": "1", "max_chars": "lots"}), "'/max_chars'"),
        (json!({"page_id": 65538}), "'/page_id'"),
        (json!({"page_id": "1", "format": "pdf"}), "'/format'"),
        (json!({"page_id": "1", "colour": "blue"}), "'colour'"),
        (
            json!({"page_id": "1", "outputFormat": "xml"}),
            "'/outputFormat'",
        ),
        (json!({}), "page_id"),
    ] {
        let result = call(&http, &url, &key, "get_page", args.clone()).await;
        assert_eq!(result["isError"], true, "{args}: {result}");
        let text = text_of(&result);
        assert!(text.contains(field), "{args}: {text}");
        assert!(text.contains("Fix the argument"), "{text}");
    }
    let bad_cql = call(&http, &url, &key, "search", json!({"cql": "title ~ ("})).await;
    assert!(text_of(&bad_cql).contains("/cql"), "{bad_cql}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_failures_say_what_to_do() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let http = http();
    let (ro, rw) = (info.url("readonly"), info.url("readwrite"));
    let (bot, writer) = (info.key("support-bot"), info.key("docs-writer"));

    // 404
    let missing = call(
        &http,
        &ro,
        &bot,
        "get_page",
        json!({"page_id": "424242424"}),
    )
    .await;
    assert_eq!(missing["isError"], true);
    let text = text_of(&missing);
    assert!(
        text.starts_with("Not found") && text.contains("Check the id"),
        "{text}"
    );

    // 409: an edit based on a stale version.
    let created = call(
        &http,
        &rw,
        &writer,
        "create_page",
        json!({"space_key": "DOCS", "title": "Conflict test", "body": "v1"}),
    )
    .await;
    let id = created["structuredContent"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v2 = call(
        &http,
        &rw,
        &writer,
        "update_page",
        json!({"page_id": id, "body": "v2"}),
    )
    .await;
    assert_eq!(v2["structuredContent"]["version"], 2, "{v2}");
    let stale = call(
        &http,
        &rw,
        &writer,
        "update_page",
        json!({"page_id": id, "body": "mine", "base_version": 1}),
    )
    .await;
    assert_eq!(stale["isError"], true);
    let text = text_of(&stale);
    assert!(
        text.contains("Conflict") && text.contains("re-read the content, merge, and retry"),
        "{text}"
    );

    // 5xx and 429 from Confluence, after the client's retries.
    let faults = format!(
        "{}/__admin/faults",
        info.0["emulator"]["site_url"].as_str().unwrap()
    );
    let set = |spec: Value| http.put(&faults).json(&spec).send();
    set(json!({"error_rate": 1.0, "error_statuses": [503]}))
        .await
        .unwrap();
    let failed = call(&http, &ro, &bot, "get_page", json!({"page_id": id})).await;
    let text = text_of(&failed);
    assert!(
        text.contains("HTTP 503") && text.contains("retry later"),
        "{text}"
    );
    set(json!({"throttle_rate": 1.0, "throttle_retry_after_secs": 120}))
        .await
        .unwrap();
    let throttled = call(&http, &ro, &bot, "get_page", json!({"page_id": id})).await;
    let text = text_of(&throttled);
    assert!(
        text.contains("Rate limited by Confluence") && text.contains("Retry after"),
        "{text}"
    );
    set(json!({})).await.unwrap();
    let ok = call(&http, &ro, &bot, "get_page", json!({"page_id": id})).await;
    assert_eq!(ok["isError"], false, "{ok}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_and_dlp_apply_to_what_agents_see_and_write() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let http = http();
    let ro = info.url("readonly");
    let (bot, auditor, writer) = (
        info.key("support-bot"),
        info.key("auditor"),
        info.key("docs-writer"),
    );

    // The auditor sees HR; support-bot (ENG and DOCS only) cannot read it even by id.
    let hr = call(
        &http,
        &ro,
        &auditor,
        "search",
        json!({"cql": "type = page AND space = HR", "limit": 1}),
    )
    .await;
    let hr_id = hr["structuredContent"]["results"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hidden = call(&http, &ro, &bot, "get_page", json!({"page_id": hr_id})).await;
    assert_eq!(hidden["isError"], true);
    assert!(
        text_of(&hidden).contains("outside the spaces this agent may use: ENG, DOCS"),
        "{hidden}"
    );
    let tree = call(
        &http,
        &ro,
        &bot,
        "get_space_page_tree",
        json!({"space_key": "HR"}),
    )
    .await;
    assert_eq!(tree["isError"], true);

    // A page with a planted private key: redacted for support-bot (the agent receives nothing
    // the DLP engine would still flag), blocked for the strict auditor.
    let title = "TLS certificate rotation";
    let page = call(
        &http,
        &ro,
        &bot,
        "get_page",
        json!({"space_key": "ENG", "title": title}),
    )
    .await;
    assert_eq!(page["isError"], false, "{page}");
    let text = text_of(&page);
    assert!(text.contains("[REDACTED:private_key"), "{text}");
    let engine = dlp::Engine::new(&dlp::DlpConfig::default()).unwrap();
    let secrets_left = |s: &str| {
        engine
            .scan(s)
            .findings
            .iter()
            .filter(|f| f.category.family() == "secret")
            .count()
    };
    assert_eq!(secrets_left(&text), 0, "{text}");
    let structured = page["structuredContent"].to_string();
    assert!(structured.contains("[REDACTED:private_key"));
    let blocked = call(
        &http,
        &ro,
        &auditor,
        "get_page",
        json!({"space_key": "ENG", "title": title}),
    )
    .await;
    assert_eq!(blocked["isError"], true);
    assert!(
        text_of(&blocked).contains("Blocked by data loss prevention"),
        "{blocked}"
    );

    // Outgoing: a secret in a new page's body never reaches Confluence.
    let secret = format!("{}{}", "ghp_", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    let body = format!("Deploy token: {secret}\n");
    let created = call(
        &http,
        &info.url("readwrite"),
        &writer,
        "create_page",
        json!({"space_key": "DOCS", "title": "Token note", "body": body}),
    )
    .await;
    assert_eq!(created["isError"], false, "{created}");
    let id = created["structuredContent"]["id"].as_str().unwrap();
    let emulator = &info.0["emulator"];
    let bob = emulator["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "bob@example.com")
        .unwrap();
    let stored: Value = http
        .get(format!(
            "{}/wiki/api/v2/pages/{id}?body-format=storage",
            emulator["site_url"].as_str().unwrap()
        ))
        .basic_auth("bob@example.com", bob["api_token"].as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored_body = stored["body"]["storage"]["value"].as_str().unwrap();
    assert!(
        !stored_body.contains(&secret),
        "the secret was written to Confluence"
    );
    assert!(stored_body.contains("[REDACTED:"), "{stored_body}");
}

/// Comments are scoped by their page's space: support-bot (ENG and DOCS) gets "not found" for
/// the comments of an HR page, by page and by comment id, although its connection (alice) can
/// read them, as the unscoped auditor shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_of_pages_outside_the_scope_are_not_found() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let http = http();
    let ro = info.url("readonly");
    let (bot, auditor) = (info.key("support-bot"), info.key("auditor"));
    let hr = call(
        &http,
        &ro,
        &auditor,
        "search",
        json!({"cql": "type = comment AND space = HR", "limit": 1}),
    )
    .await;
    let comment_id = hr["structuredContent"]["results"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let seen = call(
        &http,
        &ro,
        &auditor,
        "get_comment",
        json!({"comment_id": comment_id}),
    )
    .await;
    assert_eq!(seen["isError"], false, "{seen}");
    let page_id = seen["structuredContent"]["container"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = seen["structuredContent"]["body"].as_str().unwrap().trim();
    let listed = call(
        &http,
        &ro,
        &auditor,
        "list_comments",
        json!({"page_id": page_id, "limit": 50}),
    )
    .await;
    assert_eq!(listed["isError"], false, "{listed}");

    for (tool, args) in [
        ("list_comments", json!({"page_id": page_id})),
        ("get_comment", json!({"comment_id": comment_id})),
    ] {
        let hidden = call(&http, &ro, &bot, tool, args).await;
        assert_eq!(hidden["isError"], true, "{tool}: {hidden}");
        let text = text_of(&hidden);
        assert!(
            text.starts_with("Not found")
                && text.contains("outside the spaces this agent may use: ENG, DOCS"),
            "{tool}: {text}"
        );
        assert!(!text.contains(body), "{tool} leaked the comment: {text}");
    }
}

/// The real binary under hostile input: 10 MB arguments, many malformed requests. It answers
/// each clearly, keeps serving, and its peak memory stays bounded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_leaves_the_gateway_up_and_bounded() {
    let mut demo = common::DemoProcess::start();
    let (http, url, key) = (
        http(),
        demo.info.url("readonly"),
        demo.info.key("support-bot"),
    );
    let huge = "x".repeat(10 * 1024 * 1024);
    for _ in 0..5 {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "search", "arguments": {"query": huge}}});
        let (status, _, answer) = rpc(&http, &url, Some(&key), &body).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .contains("larger than"),
            "{answer}"
        );
    }
    for garbage in [
        "",
        "{",
        "[1,2",
        "null",
        "{\"jsonrpc\":\"2.0\"}",
        "\u{0}\u{1}",
    ] {
        let resp = http
            .post(&url)
            .bearer_auth(&key)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .body(garbage)
            .send()
            .await
            .unwrap();
        assert!(
            resp.status().is_client_error(),
            "{garbage:?}: {}",
            resp.status()
        );
    }
    assert!(demo.alive(), "the gateway died");
    let ok = call(&http, &url, &key, "search", json!({"query": "runbook"})).await;
    assert_eq!(ok["isError"], false, "{ok}");
    let peak = demo.peak_rss_kib().unwrap_or(0);
    println!("peak RSS after hostile input: {peak} KiB");
    assert!(peak < 300 * 1024, "peak RSS {peak} KiB");
}
