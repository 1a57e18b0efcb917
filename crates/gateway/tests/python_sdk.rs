//! The official Python MCP SDK against the real `confluence-gateway demo` binary, in both
//! protocol styles: mcp 1.30.0 (`.venv-tests`; initialize handshake, 2025-11-25, session id) and
//! mcp 2.3.0 (`.venv-mcp-modern`; stateless 2026-07-28). One test per tool family: the family's
//! scenario (`tests/clients/families/<family>.py`) calls every tool of the family and checks each
//! result (the SDK also validates structured results against outputSchema), once per style, each
//! against its own demo. Each run is checked against the gateway's own catalog: no tool of the
//! family goes uncalled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use gateway::tools::catalog::FAMILIES;

#[derive(Clone, Copy, Debug)]
enum Style {
    /// mcp 1.x: initialize handshake with `Mcp-Session-Id`.
    Session,
    /// mcp 2.x: the stateless 2026-07-28 protocol.
    Stateless,
}

impl Style {
    fn python(self) -> std::path::PathBuf {
        match self {
            Style::Session => common::venv_python(),
            Style::Stateless => common::modern_venv_python(),
        }
    }

    fn protocol(self) -> &'static str {
        match self {
            Style::Session => "2025-11-25",
            Style::Stateless => "2026-07-28",
        }
    }
}

/// Runs one family's scenario in one style and returns the tools it called.
fn run_family(family: &str, style: Style) -> BTreeSet<String> {
    let python = style.python();
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
        "{family} ({style:?}) driver failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    let summary: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v.get("summary").is_some())
        .expect("a summary line");
    assert_eq!(
        summary["summary"]["protocol"],
        serde_json::json!([style.protocol()]),
        "{family} ({style:?}) negotiated another protocol"
    );
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

/// Both styles side by side (each with its own demo), then the catalog check for each.
fn assert_every_tool_called(family: &'static str) {
    let stateless = std::thread::spawn(move || run_family(family, Style::Stateless));
    let session = run_family(family, Style::Session);
    let stateless = stateless.join().expect("stateless run");
    let registered = catalog_tools(family);
    for (style, called) in [(Style::Session, session), (Style::Stateless, stateless)] {
        let missing: Vec<_> = registered.difference(&called).collect();
        assert!(
            missing.is_empty(),
            "{family} ({style:?}): never called {missing:?}"
        );
    }
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
fn python_sdk_calls_every_blogposts_tool() {
    assert_every_tool_called("blogposts");
}

#[test]
fn python_sdk_calls_every_users_tool() {
    assert_every_tool_called("users");
}

#[test]
fn python_sdk_calls_every_spaces_tool() {
    assert_every_tool_called("spaces");
}

#[test]
fn python_sdk_calls_every_labels_tool() {
    assert_every_tool_called("labels");
}

#[test]
fn python_sdk_calls_every_comments_tool() {
    assert_every_tool_called("comments");
}

#[test]
fn python_sdk_calls_every_attachments_tool() {
    assert_every_tool_called("attachments");
}
