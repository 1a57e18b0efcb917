//! Runs the real `confluence-gateway` binary: `dlp scan` output formats, redaction, policies,
//! exit codes (0 clean, 1 findings, 2 error) and `version`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_confluence-gateway");
/// A well-formed (base32 alphabet) but made-up AWS access key id.
const AWS_KEY: &str = "AKIAQ3WZ5TR2JXMPLK7B";
const EMAIL: &str = "alice@example.org";

fn dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_dlp");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(name: &str, contents: &[u8]) -> String {
    let path = dir().join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn run_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn runbook() -> String {
    format!("# Runbook\nowner: {EMAIL}\n\n  aws_access_key_id = {AWS_KEY}\nrestart the service\n")
}

#[test]
fn text_format_lists_path_line_column_detector_category_and_exits_1() {
    let path = write("runbook.md", runbook().as_bytes());
    let output = run(&["dlp", "scan", &path]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        vec![
            format!("{path}:2:8 email (pii.email)"),
            format!("{path}:4:23 aws_access_key_id (secret.cloud)"),
        ]
    );
    assert!(!text.contains(AWS_KEY) && !text.contains(EMAIL));
}

#[test]
fn json_format_is_one_object_per_finding_without_values() {
    let path = write("runbook-json.md", runbook().as_bytes());
    let output = run(&["dlp", "scan", "--format", "json", &path]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(!text.contains(AWS_KEY) && !text.contains(EMAIL));
    let findings: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(findings.len(), 2);
    let aws = &findings[1];
    assert_eq!(aws["detector"], "aws_access_key_id");
    assert_eq!(aws["category"], "secret.cloud");
    assert_eq!(aws["line"], 4);
    assert_eq!(aws["column"], 23);
    let (start, end) = (
        aws["start"].as_u64().unwrap() as usize,
        aws["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&runbook()[start..end], AWS_KEY);
    for field in ["severity", "confidence", "path"] {
        assert!(aws.get(field).is_some(), "missing {field}: {aws}");
    }
}

#[test]
fn clean_input_prints_nothing_and_exits_0() {
    let path = write("clean.md", b"Nothing to see: version 1.2.3, page 42.\n");
    let output = run(&["dlp", "scan", &path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
}

#[test]
fn stdin_and_invalid_utf8_are_scanned() {
    let mut bytes = b"\xff\xfe broken \xc3 then ".to_vec();
    let column = bytes.len() + 1;
    bytes.extend_from_slice(EMAIL.as_bytes());
    let output = run_stdin(&["dlp", "scan", "-"], &bytes);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        format!("<stdin>:1:{column} email (pii.email)\n")
    );
}

#[test]
fn redact_prints_the_redacted_text() {
    let path = write("redact.md", runbook().as_bytes());
    let output = run(&["dlp", "scan", "--redact", &path]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("[REDACTED:aws_access_key_id]"), "{text}");
    assert!(text.contains("[REDACTED:email]"), "{text}");
    assert!(!text.contains(AWS_KEY) && !text.contains(EMAIL));
    assert!(text.starts_with("# Runbook\n") && text.ends_with("restart the service\n"));
    assert!(
        stderr(&output).contains("2 findings"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn redact_keeps_json_valid_and_json_findings_name_pointers() {
    let doc = serde_json::json!({
        "page": {"title": "Ops", "body": format!("contact {EMAIL}")},
        "password": "Xq7-vT9#pLm2Rw",
        "ids": [1, 2, 3]
    });
    let path = write("tool-result.json", doc.to_string().as_bytes());

    let output = run(&["dlp", "scan", "--format", "json", &path]);
    assert_eq!(output.status.code(), Some(1));
    let pointers: Vec<String> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["json_pointer"].to_string())
        .collect();
    assert!(
        pointers.contains(&"\"/page/body\"".to_owned()),
        "{pointers:?}"
    );
    assert!(
        pointers.contains(&"\"/password\"".to_owned()),
        "{pointers:?}"
    );

    let output = run(&["dlp", "scan", "--redact", &path]);
    assert_eq!(output.status.code(), Some(1));
    let redacted: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(redacted["page"]["body"], "contact [REDACTED:email]");
    assert_eq!(redacted["page"]["title"], "Ops");
    assert_eq!(redacted["ids"], serde_json::json!([1, 2, 3]));
    assert_ne!(redacted["password"], doc["password"]);
}

#[test]
fn policy_selects_detectors_and_actions_and_adds_custom_ones() {
    let policy = write(
        "policy.toml",
        br#"
disabled_detectors = ["email"]

[actions]
default = "mask"

[[custom]]
id = "acme_employee_id"
pattern = 'ACME-\d{6}'
keywords = ["ACME-"]
category = "pii.national_id"
action = "redact"
"#,
    );
    let input = write(
        "policy-input.md",
        format!("{EMAIL} badge ACME-123456 key {AWS_KEY}\n").as_bytes(),
    );
    let output = run(&["dlp", "scan", "--policy", &policy, &input]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let listed = stdout(&output);
    assert!(!listed.contains("email"), "{listed}");
    assert!(
        listed.contains("acme_employee_id (pii.national_id)"),
        "{listed}"
    );

    let output = run(&["dlp", "scan", "--policy", &policy, "--redact", &input]);
    let text = stdout(&output);
    assert!(text.starts_with(EMAIL), "{text}");
    assert!(text.contains("[REDACTED:acme_employee_id]"), "{text}");
    assert!(text.contains("****************LK7B"), "{text}");
}

#[test]
fn block_action_prints_nothing_names_the_detector_and_exits_1() {
    let policy = write(
        "block.toml",
        b"[actions]\ncategories = { \"secret\" = \"block\" }\n",
    );
    let input = write("block-input.md", format!("key {AWS_KEY}\n").as_bytes());
    let output = run(&["dlp", "scan", "--policy", &policy, "--redact", &input]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let message = stderr(&output);
    assert!(message.contains("aws_access_key_id"), "{message}");
    assert!(!message.contains(AWS_KEY));
}

#[test]
fn invalid_policy_names_key_and_line_and_exits_2() {
    let policy = write(
        "bad.toml",
        b"categories = [\"secret\"]\nip_adresses = false\n",
    );
    let input = write("bad-input.md", b"hello\n");
    let output = run(&["dlp", "scan", "--policy", &policy, &input]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("ip_adresses"), "{message}");
    assert!(message.contains("line 2"), "{message}");

    let policy = write(
        "bad-category.toml",
        b"[actions]\ncategories = { \"pii.mail\" = \"hash\" }\n",
    );
    let output = run(&["dlp", "scan", "--policy", &policy, &input]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("pii.mail"), "{}", stderr(&output));
}

#[test]
fn errors_and_usage_exit_2_help_and_version_exit_0() {
    let output = run(&["dlp", "scan", "/definitely/not/here.txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("/definitely/not/here.txt"));

    assert_eq!(run(&["dlp", "scan"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));

    let help = run(&["dlp", "scan", "--help"]);
    assert_eq!(help.status.code(), Some(0));
    let help = stdout(&help);
    for needle in ["--policy", "--format", "--redact", "Exit status", "PATH|-"] {
        assert!(help.contains(needle), "help lacks {needle}: {help}");
    }

    let version = run(&["version"]);
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        stdout(&version),
        format!("confluence-gateway {}\n", env!("CARGO_PKG_VERSION"))
    );
}
