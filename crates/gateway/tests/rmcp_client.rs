//! rmcp's own client (the official Rust SDK) against the demo gateway on real sockets: the
//! 2025-06-18 `initialize` handshake and the stateless 2026-07-28 `server/discover` style,
//! listing tools and calling a subset with results checked; and its view of a 401.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig, ProtocolVersion};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{
    ClientLifecycleMode, ClientServiceExt, RoleClient, ServiceExt, service::RunningService,
};
use serde_json::{Value, json};

fn transport(url: &str, key: &str) -> StreamableHttpClientTransport<reqwest::Client> {
    StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_owned()).auth_header(key.to_owned()),
    )
}

fn args(v: Value) -> rmcp::model::JsonObject {
    v.as_object().unwrap().clone()
}

async fn call(
    client: &RunningService<RoleClient, impl rmcp::Service<RoleClient>>,
    tool: &str,
    a: Value,
) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(args(a)))
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

fn text(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect()
}

/// Lists tools and reads through them the way an agent would; the same checks for both
/// protocol styles.
async fn exercise(client: &RunningService<RoleClient, impl rmcp::Service<RoleClient>>) {
    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort_unstable();
    // The read-only server lists exactly the catalog's read-only tools, pages among them.
    let catalog = gateway::tools::catalog::Catalog::build().unwrap();
    let mut read_only: Vec<&str> = catalog
        .iter()
        .filter(|e| e.spec.read_only())
        .map(|e| e.spec.name)
        .collect();
    read_only.sort_unstable();
    assert_eq!(names, read_only);
    assert!(names.contains(&"get_page") && names.contains(&"search"));
    assert!(
        tools
            .iter()
            .all(|t| t.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true))
    );

    let hits = call(client, "search", json!({"query": "runbook", "limit": 5})).await;
    assert_eq!(hits.is_error, Some(false), "{}", text(&hits));
    let structured = hits.structured_content.clone().unwrap();
    let results = structured["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(
        results
            .iter()
            .all(|r| r["space_key"] == "ENG" || r["space_key"] == "DOCS"),
        "{structured}"
    );
    let id = results[0]["id"].as_str().unwrap().to_owned();

    let page = call(client, "get_page", json!({"page_id": id, "max_chars": 500})).await;
    let body = page.structured_content.clone().unwrap();
    assert_eq!(body["id"], id.as_str());
    assert!(body["body"]["content"].as_str().unwrap().chars().count() <= 500);
    assert!(text(&page).contains(body["title"].as_str().unwrap()));

    let versions = call(client, "get_page_versions", json!({"page_id": id})).await;
    assert!(
        !versions.structured_content.unwrap()["versions"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // outputFormat=text: Markdown only, no structured content.
    let plain = call(
        client,
        "get_page",
        json!({"page_id": id, "outputFormat": "text"}),
    )
    .await;
    assert!(plain.structured_content.is_none());
    assert!(text(&plain).starts_with("# "));

    // A tool error the model can act on.
    let missing = call(client, "get_page", json!({"page_id": "999999999"})).await;
    assert_eq!(missing.is_error, Some(true));
    assert!(text(&missing).contains("Not found"), "{}", text(&missing));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_handshake_2025_06_18() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let client = ClientConfig::default()
        .with_protocol_version(ProtocolVersion::V_2025_06_18)
        .serve(transport(&info.url("readonly"), &info.key("support-bot")))
        .await
        .unwrap();
    let server = client.peer_info().unwrap();
    assert_eq!(
        server.server_info.as_ref().unwrap().name,
        "confluence-gateway/readonly"
    );
    assert_eq!(server.protocol_version, ProtocolVersion::V_2025_06_18);
    exercise(&client).await;
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stateless_discover_2026_07_28() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let client = ()
        .serve_with_lifecycle(
            transport(&info.url("readonly"), &info.key("support-bot")),
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .unwrap();
    let server = client.peer_info().unwrap();
    assert_eq!(server.protocol_version, ProtocolVersion::V_2026_07_28);
    exercise(&client).await;
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_key_is_an_auth_challenge() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let Err(err) = ().serve(transport(&info.url("readonly"), "cgw_not-a-real-key")).await else {
        panic!("initialize must fail");
    };
    let challenge = err.auth_challenge().expect("a WWW-Authenticate challenge");
    assert!(challenge.contains("invalid_token"), "{challenge}");
}
