//! The admin path a real deployment takes, with the real binary: `init` writes a starter
//! configuration, `agents add|list|rotate|revoke` manage keys (printed once, stored hashed in
//! the data directory's SQLite store; tests/store.rs covers the store in depth),
//! `tools list` shows the catalog, `serve` runs from the file against a Confluence (the
//! emulator here) with role authorization, rate limits, expiry and reload on SIGHUP, and
//! `stdio` serves the same tools over stdin/stdout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::binary::{BIN, key_in, run, serve};
use common::{call, http, rpc, text_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Writes a config for `site` with BOB's token in $CGW_BOB_TOKEN, via `init` plus edits.
fn configure(dir: &Path, site: &str) -> String {
    let config = dir.join("gateway.toml");
    let config_s = config.to_str().unwrap().to_owned();
    let (ok, stdout, stderr) = run(&["init", "--config", &config_s]);
    assert!(ok, "{stdout}{stderr}");
    // `init` refuses to overwrite.
    let (ok, _, stderr) = run(&["init", "--config", &config_s]);
    assert!(!ok && stderr.contains("--force"), "{stderr}");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("https://your-site.atlassian.net", site)
        .replace("you@example.com", "bob@example.com")
        .replace("CONFLUENCE_API_TOKEN", "CGW_BOB_TOKEN")
        .replace("address = \"127.0.0.1:8080\"", "address = \"127.0.0.1:0\"")
        .replace(
            "calls_per_second = 20\nburst = 40",
            "calls_per_second = 1\nburst = 3",
        )
        .replace("agents = []", "agents = [\"*\"]")
        .replace(
            "roles = [\"reader\"]\ntoolsets = [\"*:read\"]\n",
            "roles = [\"reader\"]\ntoolsets = [\"*:read\"]\nspaces = [\"ENG\"]\n\n\
             [[policy.rules]]\nid = \"searchers-search\"\neffect = \"allow\"\nroles = [\"searcher\"]\n\
             toolsets = [\"pages:read\"]\nmax_response_chars = 1000\n",
        );
    std::fs::write(&config, text).unwrap();
    config_s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_agents_serve_reload_and_stdio() {
    let emulator = confluence_emulator::start(confluence_emulator::EmulatorConfig {
        seed: confluence_emulator::SeedKind::Demo,
        rate_limit_rps: 0.0,
        ..confluence_emulator::EmulatorConfig::default()
    })
    .await
    .unwrap();
    let bob_token = emulator
        .info
        .users
        .iter()
        .find(|u| u.email == "bob@example.com")
        .unwrap()
        .api_token
        .clone();
    let scratch = common::Scratch::new("cli");
    let config = configure(&scratch.0, &emulator.info.site_url);

    // Agents: keys printed once, only hashes on disk.
    let (ok, out, err) = run(&[
        "agents",
        "add",
        "reader-bot",
        "--role",
        "reader",
        "--space",
        "ENG",
        "--config",
        &config,
    ]);
    // Per-agent spaces moved to the policy: the old flag says what to write instead.
    assert!(
        !ok && err.contains("spaces") && err.contains("[[policy.rules]]"),
        "{out}{err}"
    );
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
    let reader_key = key_in(&out);
    let (ok, out, _) = run(&[
        "agents",
        "add",
        "writer-bot",
        "--role",
        "writer",
        "--config",
        &config,
    ]);
    assert!(ok);
    let writer_key = key_in(&out);
    let (ok, out, _) = run(&[
        "agents",
        "add",
        "narrow-bot",
        "--role",
        "searcher",
        "--config",
        &config,
    ]);
    assert!(ok);
    let narrow_key = key_in(&out);
    let (ok, out, _) = run(&[
        "agents",
        "add",
        "old-bot",
        "--role",
        "reader",
        "--expires-at",
        "2020-01-01T00:00:00Z",
        "--config",
        &config,
    ]);
    assert!(ok);
    let old_key = key_in(&out);
    let (ok, _, err) = run(&["agents", "add", "reader-bot", "--config", &config]);
    assert!(!ok && err.contains("exists"), "{err}");
    let (ok, _, err) = run(&["agents", "add", "x", "--role", "nope", "--config", &config]);
    assert!(!ok && err.contains("no role named 'nope'"), "{err}");
    // Only keyed hashes are stored (tests/store.rs checks the store itself).
    for file in std::fs::read_dir(scratch.0.join("data")).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for key in [&reader_key, &writer_key, &narrow_key, &old_key] {
            assert!(!text.contains(key.as_str()), "a plaintext key was stored");
        }
    }
    let (ok, out, _) = run(&["agents", "list", "--config", &config]);
    assert!(
        ok && out.contains("reader-bot") && out.contains("old-bot") && !out.contains("cgw_"),
        "{out}"
    );

    // The catalog, whole (a header line, then a line per tool of every family) and per server.
    let (ok, out, _) = run(&["tools", "list"]);
    let registered = gateway::tools::catalog::Catalog::build()
        .unwrap()
        .iter()
        .count();
    assert!(
        ok && out.lines().count() == 1 + registered
            && out.contains("delete_page")
            && out.contains("destructive"),
        "{out}"
    );
    let (ok, out, _) = run(&["tools", "list", "--server", "readonly", "--config", &config]);
    assert!(
        ok && out.contains("get_page") && !out.contains("create_page"),
        "{out}"
    );

    let served = serve(&config, &[("CGW_BOB_TOKEN", &bob_token)]);
    let http = http();
    let ro = format!("{}/mcp/readonly", served.base);
    let rw = format!("{}/mcp/readwrite", served.base);

    // Expired keys are refused with a reason.
    let list = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    let (status, headers, _) = rpc(&http, &ro, Some(&old_key), &list).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("expired")
    );

    // Role authorization: narrow-bot's role selects pages:read; the list shows only what it may call.
    let (_, _, tools) = rpc(&http, &ro, Some(&narrow_key), &list).await;
    assert_eq!(
        tools["result"]["tools"].as_array().unwrap().len(),
        10,
        "{tools}"
    );
    // ... and its role caps every answer at 1,000 characters.
    let long = call(
        &http,
        &ro,
        &narrow_key,
        "get_page",
        json!({"space_key": "ENG", "title": "PostgreSQL failover runbook"}),
    )
    .await;
    assert_eq!(long["isError"], false, "{long}");
    let long_text = text_of(&long);
    assert!(
        long_text.chars().count() <= 1_300,
        "{} chars",
        long_text.chars().count()
    );
    assert!(
        long["structuredContent"]["body"]["next_offset"].is_number(),
        "{long}"
    );
    let page = call(
        &http,
        &ro,
        &reader_key,
        "search",
        json!({"query": "runbook", "limit": 1}),
    )
    .await;
    assert_eq!(page["isError"], false, "{page}");
    assert!(
        page["structuredContent"]["cql"]
            .as_str()
            .unwrap()
            .contains("space IN (ENG)")
    );

    // Writes through the read-write server with the connection's credential (bob).
    let created = call(&http, &rw, &writer_key, "create_page", json!({"space_key": "ENG", "title": "Written through serve", "body": "# Hello\n\nfrom **serve**"})).await;
    assert_eq!(created["isError"], false, "{created}");

    // The per-agent rate limit (1/s, burst 3): a burst of calls runs into it with advice.
    let mut limited = None;
    for _ in 0..6 {
        let r = call(&http, &ro, &reader_key, "search", json!({"query": "x"})).await;
        if r["isError"] == true {
            limited = Some(text_of(&r));
            break;
        }
    }
    let limited = limited.expect("the rate limit never applied");
    assert!(
        limited.contains("Rate limited") && limited.contains("retry"),
        "{limited}"
    );

    // Revoke + SIGHUP: the key stops working without a restart.
    let (ok, _, _) = run(&["agents", "revoke", "reader-bot", "--config", &config]);
    assert!(ok);
    let status = Command::new("kill")
        .args(["-HUP", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // A reload rebuilds the runtime (DLP engines included), which in a debug build on a loaded
    // 2-core machine takes seconds: the bound is generous, this is not a timing test.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, headers, _) = rpc(&http, &ro, Some(&reader_key), &list).await;
        if status == StatusCode::UNAUTHORIZED {
            assert!(
                headers["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .contains("disabled")
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "revocation was not applied on SIGHUP"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Rotate re-enables with a new key; the old one stays dead.
    let (ok, out, _) = run(&["agents", "rotate", "reader-bot", "--config", &config]);
    assert!(ok);
    let new_key = key_in(&out);
    Command::new("kill")
        .args(["-HUP", &served.child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, _, _) = rpc(&http, &ro, Some(&new_key), &list).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "rotation was not applied on SIGHUP"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, _, _) = rpc(&http, &ro, Some(&reader_key), &list).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    drop(served);

    // stdio: the same server over stdin/stdout, the agent from an environment variable.
    let mut child = Command::new(BIN)
        .args([
            "stdio",
            "--config",
            &config,
            "--server",
            "readonly",
            "--agent-key-env",
            "AGENT_KEY",
        ])
        .env("CGW_BOB_TOKEN", &bob_token)
        .env("AGENT_KEY", &writer_key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut send = |v: Value| writeln!(stdin, "{v}").unwrap();
    send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}),
    );
    let init: Value = serde_json::from_str(&stdout.next().unwrap().unwrap()).unwrap();
    assert_eq!(
        init["result"]["serverInfo"]["name"],
        "confluence-gateway/readonly"
    );
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "search", "arguments": {"query": "Written through serve"}}}),
    );
    let found: Value = serde_json::from_str(&stdout.next().unwrap().unwrap()).unwrap();
    assert_eq!(found["result"]["isError"], false, "{found}");
    assert!(
        text_of(&found["result"]).contains("Written through serve"),
        "{found}"
    );
    drop(stdin);
    let _ = child.wait();

    // A key that does not match refuses to start stdio.
    let out = Command::new(BIN)
        .args([
            "stdio",
            "--config",
            &config,
            "--server",
            "readonly",
            "--agent-key-env",
            "AGENT_KEY",
        ])
        .env("CGW_BOB_TOKEN", &bob_token)
        .env("AGENT_KEY", "cgw_wrong")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown agent key"));
}
