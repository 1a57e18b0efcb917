//! The official Python MCP SDK (mcp 1.30.0, from the pinned test venv) against the real
//! `confluence-gateway demo` binary: lists tools and calls every tool of the pages toolset,
//! checking each result (the SDK also validates structured results against outputSchema).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Command;

#[test]
fn python_sdk_calls_every_pages_tool() {
    let python = common::venv_python();
    let demo = common::DemoProcess::start();
    let driver = common::repo_root().join("crates/gateway/tests/clients/mcp_sdk_driver.py");
    let output = Command::new(python)
        .arg(&driver)
        .arg(&demo.info_path)
        .output()
        .expect("run the driver");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "driver failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let summary: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("summary").is_some())
        .expect("a summary line");
    let called = summary["summary"]["tools_called"].as_array().unwrap();
    assert_eq!(called.len(), 15, "{called:?}");
}
