//! A real third-party client against the emulator: the PyPI `mcp-atlassian` MCP server
//! (0.23.1), driven over stdio by the official `mcp` Python SDK, exercising nine Confluence
//! tools. The driver (`tests/clients/mcp_atlassian_driver.py`) checks every tool's output; this
//! test then checks the emulator's state over HTTP (v2 and v1), so both sides agree.
//!
//! Two modes, because mcp-atlassian picks Cloud or Server behaviour from the URL host:
//! `cloud` (the preferred one) gives it an `*.atlassian.net` URL with the emulator as its HTTP
//! proxy, so it behaves exactly as against Confluence Cloud (page children via REST v2);
//! `server` points it at 127.0.0.1, where it uses REST v1 only. No request leaves the machine:
//! the driver runs the server behind a loopback-only network guard and fails if it fires.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use reqwest::StatusCode;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

const BOB: &str = "bob@example.com";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Creates (once) the pinned venv with mcp-atlassian and the mcp SDK; returns its python.
async fn venv_python() -> PathBuf {
    let root = repo_root();
    let status = tokio::process::Command::new("bash")
        .arg(root.join("scripts/ensure-venv.sh"))
        .status()
        .await
        .expect("run scripts/ensure-venv.sh");
    assert!(status.success(), "scripts/ensure-venv.sh failed: {status}");
    let venv = std::env::var_os("TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".venv-tests"));
    venv.join("bin/python")
}

async fn run(mode: &str) {
    let python = venv_python().await;
    let h = common::empty().await;
    let space = h.get(BOB, "/wiki/rest/api/space/ENG?expand=homepage").await;
    let parent = space.body["homepage"]["id"].as_str().unwrap().to_owned();
    let hidden = h
        .get(
            "alice@example.com",
            "/wiki/rest/api/space/HR?expand=homepage",
        )
        .await
        .body["homepage"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (email, token) = h.basic(BOB);
    let scratch =
        std::env::temp_dir().join(format!("mcp-atlassian-{mode}-{}", h.emulator.addr.port()));
    std::fs::create_dir_all(&scratch).unwrap();
    let driver =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients/mcp_atlassian_driver.py");
    let child = tokio::process::Command::new(&python)
        .arg(&driver)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &scratch)
        .env("EMU_SITE", h.site())
        .env("EMU_EMAIL", &email)
        .env("EMU_TOKEN", &token)
        .env("EMU_SPACE", "ENG")
        .env("EMU_PARENT", &parent)
        .env("EMU_HIDDEN", &hidden)
        .env("EMU_AUTHOR", "Bob Builder")
        .env("EMU_MODE", mode)
        .current_dir(&scratch)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start the driver");
    let out = tokio::time::timeout(Duration::from_secs(90), child.wait_with_output())
        .await
        .expect("the driver finishes within 90 s")
        .expect("driver output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&scratch);
    let result: Value = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null);
    assert!(
        out.status.success() && result["ok"] == true,
        "mcp-atlassian driver ({mode} mode) failed: {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        result["error"]
    );
    assert_eq!(
        result["tools"].as_array().map(Vec::len),
        Some(9),
        "{result}"
    );

    // The emulator's own view of what the client did.
    let page_id = result["page_id"].as_str().unwrap();
    let v2 = h
        .get(
            BOB,
            &format!("/wiki/api/v2/pages/{page_id}?body-format=storage"),
        )
        .await;
    assert_eq!(v2.status, StatusCode::OK, "{}", v2.text);
    assert_eq!(v2.body["title"], format!("MCP probe page ({mode}) v2"));
    assert_eq!(v2.body["version"]["number"], 2);
    assert_eq!(v2.body["parentId"], parent.as_str());
    let storage = v2.body["body"]["storage"]["value"].as_str().unwrap();
    assert!(storage.contains("<strong>unicorns</strong>"), "{storage}");
    assert!(!storage.contains("zebracorns"), "{storage}");
    let versions = h
        .get(BOB, &format!("/wiki/rest/api/content/{page_id}/version"))
        .await;
    assert_eq!(versions.body["results"][0]["message"], "second pass");
    assert_eq!(versions.body["results"][1]["number"], 1);
    let comments = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{page_id}/child/comment?expand=body.storage,version"),
        )
        .await;
    assert_eq!(comments.body["size"], 1, "{}", comments.text);
    let comment = &comments.body["results"][0];
    assert_eq!(comment["id"], result["comment_id"]);
    assert!(
        comment["body"]["storage"]["value"]
            .as_str()
            .unwrap()
            .contains("Nice")
    );
    assert_eq!(comment["version"]["by"]["email"], BOB);
    let labels = h
        .get(
            BOB,
            &format!("/wiki/rest/api/content/{page_id}?expand=metadata.labels"),
        )
        .await;
    assert_eq!(
        labels.body["metadata"]["labels"]["results"][0]["name"],
        "mcp-probe"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_atlassian_as_against_confluence_cloud() {
    run("cloud").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_atlassian_as_against_server_rest_v1_only() {
    run("server").await;
}
