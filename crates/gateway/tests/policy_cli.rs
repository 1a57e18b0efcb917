//! The policy as an operator handles it, with the real binary against the emulator:
//! `policy check` (errors point at the rule), `policy explain` (decision and rule, resources
//! resolved through the agent's connection), and `serve` reloading a changed policy file
//! within seconds, keeping the old policy (and saying why on `/readyz`) when the new one is
//! invalid.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::binary::{key_in, run, serve};
use common::{call, http, text_of};
use serde_json::{Value, json};

const POLICY_ENG: &str = r#"# Reviewed policy, version 1.
# Limits come from the first allow rule that matches the call, so the specific rules go first.
[[rules]]
id = "old-versions-strictly"
effect = "allow"
roles = ["reader"]
tools = ["get_page_version"]
spaces = ["ENG"]
dlp_profile = "strict"

[[rules]]
id = "listing-slowly"
effect = "allow"
roles = ["reader"]
tools = ["list_pages"]
spaces = ["ENG"]
rate_per_minute = 2

[[rules]]
id = "reader-eng"
effect = "allow"
roles = ["reader"]
toolsets = ["*:read"]
spaces = ["ENG"]

[[rules]]
id = "no-confidential"
effect = "deny"
labels = ["confidential"]
"#;

fn configure(dir: &Path, site: &str) -> String {
    let config = dir.join("gateway.toml");
    let config_s = config.to_str().unwrap().to_owned();
    let (ok, out, err) = run(&["init", "--config", &config_s]);
    assert!(ok, "{out}{err}");
    let text = std::fs::read_to_string(&config).unwrap();
    let start = text.find("[[policy.rules]]").unwrap();
    let end = text.find("# Data loss prevention").unwrap();
    let text = format!(
        "{}[policy]\npolicy_file = \"policy.toml\"\n\n{}",
        &text[..start],
        &text[end..]
    )
    .replace("https://your-site.atlassian.net", site)
    .replace("you@example.com", "bob@example.com")
    .replace("CONFLUENCE_API_TOKEN", "CGW_BOB_TOKEN")
    .replace("address = \"127.0.0.1:8080\"", "address = \"127.0.0.1:0\"");
    std::fs::write(&config, text).unwrap();
    std::fs::write(dir.join("policy.toml"), POLICY_ENG).unwrap();
    config_s
}

/// Runs the binary with Bob's token in the environment.
fn run_as_bob(args: &[&str], token: &str) -> (i32, String, String) {
    let out = std::process::Command::new(common::binary::BIN)
        .args(args)
        .env("CGW_BOB_TOKEN", token)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn page_id(site: &str, email: &str, token: &str, space: &str, title: &str) -> String {
    let v: Value = http()
        .get(format!("{site}/wiki/rest/api/search"))
        .basic_auth(email, Some(token))
        .query(&[(
            "cql",
            format!("type = page AND space = {space} AND title = \"{title}\""),
        )])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["results"][0]["content"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Polls until `check` holds (the policy file is polled every second).
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check().await {
        assert!(Instant::now() < deadline, "{what} did not happen");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_explain_and_reload_on_file_change() {
    let emulator = confluence_emulator::start(confluence_emulator::EmulatorConfig {
        seed: confluence_emulator::SeedKind::Demo,
        rate_limit_rps: 0.0,
        ..confluence_emulator::EmulatorConfig::default()
    })
    .await
    .unwrap();
    let site = emulator.info.site_url.clone();
    let bob = emulator
        .info
        .users
        .iter()
        .find(|u| u.email == "bob@example.com")
        .unwrap()
        .clone();
    let scratch = common::Scratch::new("policy-cli");
    let config = configure(&scratch.0, &site);
    let policy_path = scratch.0.join("policy.toml");
    let policy_s = policy_path.to_str().unwrap().to_owned();
    let (ok, out, err) = run(&[
        "agents",
        "add",
        "reader-bot",
        "--role",
        "reader",
        "--config",
        &config,
    ]);
    assert!(ok, "{out}{err}");
    let key = key_in(&out);
    let runbook = page_id(
        &site,
        &bob.email,
        &bob.api_token,
        "ENG",
        "PostgreSQL failover runbook",
    )
    .await;
    let faq = page_id(&site, &bob.email, &bob.api_token, "DOCS", "FAQ").await;

    // check: the policy file alone and the configuration that points at it.
    let (ok, out, err) = run(&["policy", "check", &policy_s]);
    assert!(ok && out.contains("4 rule(s)"), "{out}{err}");
    let (ok, out, err) = run(&["policy", "check", &config]);
    assert!(ok && out.contains("policy.toml"), "{out}{err}");
    let broken = scratch.0.join("broken.toml");
    std::fs::write(
        &broken,
        format!("{POLICY_ENG}\n[[rules]]\nid = \"look-alike\"\neffect = \"deny\"\nspaces = [\"\u{0415}NG\"]\n"),
    )
    .unwrap();
    let (ok, _, err) = run(&["policy", "check", broken.to_str().unwrap()]);
    assert!(
        !ok && err.contains("'look-alike'")
            && err.contains(&format!("line {}", POLICY_ENG.lines().count() + 2))
            && err.contains("spaces"),
        "{err}"
    );
    let (ok, _, err) = run(&[
        "policy",
        "check",
        scratch.0.join("missing.toml").to_str().unwrap(),
    ]);
    assert!(!ok && err.contains("missing.toml"), "{err}");

    // explain: resolved through Bob's connection, with the deciding rule.
    let (code, out, err) = run_as_bob(
        &[
            "policy",
            "explain",
            "--agent",
            "reader-bot",
            "--tool",
            "get_page",
            "--args",
            &format!("{{\"page_id\": \"{runbook}\"}}"),
            "--server",
            "readonly",
            "--config",
            &config,
        ],
        &bob.api_token,
    );
    assert!(
        code == 0 && out.contains("space ENG") && out.contains("allow by rule 'reader-eng'"),
        "{out}{err}"
    );
    let (code, out, err) = run_as_bob(
        &[
            "policy",
            "explain",
            "--agent",
            "reader-bot",
            "--tool",
            "get_page",
            "--args",
            &format!("{{\"page_id\": \"{faq}\"}}"),
            "--server",
            "readonly",
            "--config",
            &config,
        ],
        &bob.api_token,
    );
    assert!(
        code == 1 && out.contains("space DOCS") && out.contains("default deny"),
        "{out}{err}"
    );
    let (code, out, err) = run_as_bob(
        &[
            "policy",
            "explain",
            "--agent",
            "reader-bot",
            "--tool",
            "create_page",
            "--args",
            "{}",
            "--server",
            "readwrite",
            "--config",
            &config,
        ],
        &bob.api_token,
    );
    assert!(code == 1 && out.contains("Unknown tool"), "{out}{err}");
    let (code, _, err) = run_as_bob(
        &[
            "policy", "explain", "--agent", "nobody", "--tool", "get_page", "--config", &config,
        ],
        &bob.api_token,
    );
    assert!(
        code == 2 && err.contains("no agent named 'nobody'"),
        "{err}"
    );

    // serve: the policy in force, then a change to the file applies without a restart.
    let served = serve(&config, &[("CGW_BOB_TOKEN", &bob.api_token)]);
    let http = http();
    let ro = format!("{}/mcp/readonly", served.base);
    let ready = format!("{}/readyz", served.base);
    let ok_page = call(&http, &ro, &key, "get_page", json!({"page_id": runbook})).await;
    assert_eq!(ok_page["isError"], false, "{ok_page}");
    let hidden = call(&http, &ro, &key, "get_page", json!({"page_id": faq})).await;
    assert!(text_of(&hidden).starts_with("Not found"), "{hidden}");
    let readyz: Value = http.get(&ready).send().await.unwrap().json().await.unwrap();
    assert_eq!(readyz["status"], "ready", "{readyz}");
    assert_eq!(readyz["policy"]["rules"], 4, "{readyz}");
    // A rule's DLP profile: the same page is redacted through get_page (the agent's default
    // profile) and blocked through get_page_version (the rule's strict profile).
    let tls = page_id(
        &site,
        &bob.email,
        &bob.api_token,
        "ENG",
        "TLS certificate rotation",
    )
    .await;
    let plain = call(&http, &ro, &key, "get_page", json!({"page_id": tls})).await;
    assert!(text_of(&plain).contains("[REDACTED:private_key"), "{plain}");
    let version = plain["structuredContent"]["version"].as_u64().unwrap();
    let strict = call(
        &http,
        &ro,
        &key,
        "get_page_version",
        json!({"page_id": tls, "version": version}),
    )
    .await;
    assert!(
        text_of(&strict).contains("Blocked by data loss prevention"),
        "{strict}"
    );
    // A rule's rate: two list_pages a minute, then a wait.
    for _ in 0..2 {
        let r = call(&http, &ro, &key, "list_pages", json!({"space_key": "ENG"})).await;
        assert_eq!(r["isError"], false, "{r}");
    }
    let limited = call(&http, &ro, &key, "list_pages", json!({"space_key": "ENG"})).await;
    assert!(text_of(&limited).starts_with("Rate limited"), "{limited}");

    std::fs::write(
        &policy_path,
        POLICY_ENG.replace("[\"ENG\"]", "[\"ENG\", \"DOCS\"]"),
    )
    .unwrap();
    eventually("reload of the widened policy", async || {
        let r = call(&http, &ro, &key, "get_page", json!({"page_id": faq})).await;
        r["isError"] == false
    })
    .await;

    // An invalid version is refused: the last good policy stays, /readyz says why.
    std::fs::write(
        &policy_path,
        format!(
            "{POLICY_ENG}\n[[rules]]\nid = \"too-long\"\neffect = \"deny\"\nspaces = [\"{}\"]\n",
            "K".repeat(300)
        ),
    )
    .unwrap();
    eventually("the refusal on /readyz", async || {
        let r: Value = http.get(&ready).send().await.unwrap().json().await.unwrap();
        r["status"] == "degraded"
            && r["reload_error"]
                .as_str()
                .unwrap_or("")
                .contains("'too-long'")
    })
    .await;
    let still = call(&http, &ro, &key, "get_page", json!({"page_id": faq})).await;
    assert_eq!(
        still["isError"], false,
        "the last good policy was dropped: {still}"
    );
    let healthz = http
        .get(format!("{}/healthz", served.base))
        .send()
        .await
        .unwrap();
    assert!(healthz.status().is_success());

    // Fixed again: ready, and the narrower policy applies.
    std::fs::write(&policy_path, POLICY_ENG).unwrap();
    eventually("recovery", async || {
        let r: Value = http.get(&ready).send().await.unwrap().json().await.unwrap();
        r["status"] == "ready"
    })
    .await;
    let hidden = call(&http, &ro, &key, "get_page", json!({"page_id": faq})).await;
    assert!(text_of(&hidden).starts_with("Not found"), "{hidden}");
    drop(served);
}
