//! The official Python MCP SDK (mcp 1.30.0, from the pinned test venv) against the real
//! `confluence-gateway demo` binary, one test per tool family: the family's scenario
//! (`tests/clients/families/<family>.py`) calls every tool of the family and checks each result
//! (the SDK also validates structured results against outputSchema). Each test also checks,
//! against the gateway's own catalog, that no tool of the family went uncalled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use gateway::tools::catalog::FAMILIES;

/// Runs one family's scenario and returns the tools it called.
fn run_family(family: &str) -> BTreeSet<String> {
    let python = common::venv_python();
    let demo = common::DemoProcess::start();
    let driver = common::repo_root().join("crates/gateway/tests/clients/mcp_sdk_driver.py");
    let output = Command::new(python)
        .arg(&driver)
        .arg(&demo.info_path)
        .arg(family)
        .output()
        .expect("run the driver");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{family} driver failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let summary: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("summary").is_some())
        .expect("a summary line");
    summary["summary"]["tools_called"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

/// The names the gateway's catalog registers for one family.
fn catalog_tools(family: &str) -> BTreeSet<String> {
    let family = FAMILIES
        .iter()
        .find(|f| f.name == family)
        .unwrap_or_else(|| panic!("no family {family}"));
    (family.tools)()
        .iter()
        .map(|t| t.name.to_string())
        .collect()
}

fn assert_every_tool_called(family: &str) {
    let called = run_family(family);
    let registered = catalog_tools(family);
    let missing: Vec<_> = registered.difference(&called).collect();
    assert!(missing.is_empty(), "{family}: never called {missing:?}");
}

#[test]
fn every_family_has_a_python_sdk_scenario() {
    let dir = common::repo_root().join("crates/gateway/tests/clients/families");
    for family in FAMILIES {
        assert!(
            dir.join(format!("{}.py", family.name)).is_file(),
            "no Python SDK scenario for the {} toolset",
            family.name
        );
    }
}

#[test]
fn python_sdk_calls_every_pages_tool() {
    assert_every_tool_called("pages");
}

#[test]
fn python_sdk_calls_every_attachments_tool() {
    assert_every_tool_called("attachments");
}
