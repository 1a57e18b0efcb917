//! The gateway owns the Atlassian sessions of `oauth` connections: against the emulator's
//! OAuth server (rotating refresh tokens, reuse detection with family revocation), with
//! 5-second access tokens, concurrent agents never see a failed call, no refresh token is ever
//! sent twice, tokens are sealed at rest, a revoked session says how to reconnect, and keys
//! rotate while the gateway serves.
//!
//! `CGW_SOAK_SECS` sets how long the soak runs (default 20 s; the figure is 120 s:
//! `CGW_SOAK_SECS=120 cargo test -p gateway --test oauth_sessions -- --nocapture`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{Scratch, call, http, info_of, text_of};
use serde_json::{Value, json};

const TOKEN_TTL: u64 = 5;
const AGENTS: [&str; 4] = ["support-bot", "docs-writer", "auditor", "space-admin"];

fn soak() -> Duration {
    let secs = std::env::var("CGW_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(secs)
}

async fn oauth_demo() -> gateway::demo::Demo {
    confluence::install_crypto_provider();
    gateway::demo::start(&gateway::demo::DemoOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        emulator_listen: "127.0.0.1:0".parse().unwrap(),
        token_ttl_secs: TOKEN_TTL,
        calls_per_second: 0.0,
        oauth: true,
    })
    .await
    .expect("the OAuth demo starts")
}

async fn admin(http: &reqwest::Client, demo: &gateway::demo::Demo, path: &str) -> Value {
    http.get(format!("{}{path}", demo.info.emulator.admin_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Calls from `callers` concurrent clients, spread over the demo's agents (and so over both
/// connections), until `duration` has passed; (calls, failures, first failure texts).
async fn load(
    urls: &[String],
    keys: &[String],
    callers: usize,
    duration: Duration,
) -> (u64, u64, Vec<String>) {
    let calls = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let samples = Arc::new(std::sync::Mutex::new(Vec::new()));
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for i in 0..callers {
        let (calls, failed, samples) = (calls.clone(), failed.clone(), samples.clone());
        let url = urls[i % urls.len()].clone();
        let key = keys[i % keys.len()].clone();
        tasks.push(tokio::spawn(async move {
            let http = http();
            let tools = [
                ("list_spaces", json!({ "limit": 3 })),
                ("search", json!({ "query": "runbook", "limit": 3 })),
            ];
            let mut n = 0usize;
            while Instant::now() < deadline {
                let (tool, args) = &tools[n % tools.len()];
                n += 1;
                let result = call(&http, &url, &key, tool, args.clone()).await;
                calls.fetch_add(1, Ordering::Relaxed);
                if result["isError"] != false {
                    failed.fetch_add(1, Ordering::Relaxed);
                    let mut s = samples.lock().unwrap();
                    if s.len() < 5 {
                        s.push(format!("{tool}: {}", text_of(&result)));
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let samples = samples.lock().unwrap().clone();
    (
        calls.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        samples,
    )
}

/// Every token the emulator issued appears nowhere in the database files under `data_dir`.
async fn assert_no_plaintext_token(
    http: &reqwest::Client,
    demo: &gateway::demo::Demo,
    data_dir: &std::path::Path,
) {
    let issued = admin(http, demo, "/oauth/issued").await;
    let tokens: Vec<&str> = issued["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(tokens.len() > 4, "{issued}");
    let mut files = 0;
    for entry in std::fs::read_dir(data_dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(&path).unwrap();
        for token in &tokens {
            assert!(
                memchr::memmem::find(&bytes, token.as_bytes()).is_none(),
                "a token in plain text in {}",
                path.display()
            );
        }
    }
    assert!(files >= 2, "the database files were searched");
}

fn data_dir_of(demo: &gateway::demo::Demo) -> std::path::PathBuf {
    let config: toml::Table = toml::from_str(&demo.info.config_toml).unwrap();
    config["data_dir"].as_str().unwrap().into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_agents_with_five_second_tokens_never_fail_and_never_reuse_a_refresh_token() {
    let demo = oauth_demo().await;
    let info = info_of(&demo);
    let http = http();
    let keys: Vec<String> = AGENTS.iter().map(|a| info.key(a)).collect();
    let duration = soak();
    let started = Instant::now();
    let (calls, failed, samples) = load(&[info.url("readonly")], &keys, 64, duration).await;
    let elapsed = started.elapsed().as_secs_f64();

    let stats = admin(&http, &demo, "/stats").await["oauth"].clone();
    let rows = demo
        .gateway
        .vault
        .store_handle()
        .token_rows()
        .await
        .unwrap();
    let refreshes: Vec<(String, i64)> = rows
        .iter()
        .map(|r| (r.connection.clone(), r.refreshes))
        .collect();
    println!(
        "soak: {elapsed:.0} s, 64 callers, {calls} calls, {failed} failed; refreshes per \
         connection {refreshes:?} (duration / lifetime = {:.1}); emulator: {stats}",
        elapsed / TOKEN_TTL as f64
    );
    assert_eq!(failed, 0, "failed calls: {samples:?}");
    assert!(calls > 64, "too little load: {calls}");
    assert_eq!(stats["reuse_detected"], 0, "{stats}");
    assert_eq!(stats["revocations"], 0, "{stats}");
    assert_eq!(stats["invalid_grants"], 0, "{stats}");
    // Refreshed about once per lifetime (1 s before expiry: every ~4 s of a 5 s token).
    let lifetimes = elapsed / TOKEN_TTL as f64;
    assert_eq!(refreshes.len(), 2);
    for (connection, n) in &refreshes {
        let n = *n as f64;
        assert!(
            n >= lifetimes * 0.8 - 1.0 && n <= lifetimes * 1.25 + 2.0,
            "{connection}: {n} refreshes in {elapsed:.0} s"
        );
    }
    assert_no_plaintext_token(&http, &demo, &data_dir_of(&demo)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_session_says_how_to_reconnect_and_is_listed_as_needing_consent() {
    let demo = oauth_demo().await;
    let info = info_of(&demo);
    let http = http();
    let url = info.url("readonly");
    let writer = info.key("docs-writer"); // acts through bob
    let ok = call(&http, &url, &writer, "list_spaces", json!({})).await;
    assert_eq!(ok["isError"], false, "{ok}");

    let revoked = http
        .post(format!(
            "{}/oauth/revoke?email=bob@example.com",
            demo.info.emulator.admin_url
        ))
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success());
    let refused = call(&http, &url, &writer, "list_spaces", json!({})).await;
    assert_eq!(refused["isError"], true, "{refused}");
    let text = text_of(&refused);
    assert!(
        text.contains("confluence-gateway connect --user bob"),
        "{text}"
    );
    // alice's agents are unaffected.
    let other = call(
        &http,
        &url,
        &info.key("support-bot"),
        "list_spaces",
        json!({}),
    )
    .await;
    assert_eq!(other["isError"], false, "{other}");

    let metrics = http
        .get(format!("{}/metrics", info.gateway_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("cgw_connections_needing_reconsent 1"),
        "{metrics}"
    );

    // `connections list` (another process, same data directory and key file) shows it.
    let scratch = Scratch::new("oauth-list");
    let config = scratch.0.join("gateway.toml");
    std::fs::write(&config, &demo.info.config_toml).unwrap();
    let (ok, out, err) =
        common::binary::run(&["connections", "list", "--config", config.to_str().unwrap()]);
    assert!(ok, "{err}");
    let bob = out
        .lines()
        .find(|l| l.starts_with("bob "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(bob.contains("needs_reconsent"), "{out}");
    let alice = out.lines().find(|l| l.starts_with("alice ")).unwrap();
    assert!(alice.contains("connected"), "{out}");
    let config = config.to_str().unwrap();
    let (ok, shown, err) = common::binary::run(&["connections", "show", "bob", "--config", config]);
    assert!(ok, "{err}");
    assert!(
        shown.contains("state: needs_reconsent") && shown.contains("sealed under key"),
        "{shown}"
    );
    assert!(
        !shown.contains("emu-at-") && !shown.contains("emu-rt-"),
        "no token is shown"
    );
    let (ok, tested, err) =
        common::binary::run(&["connections", "test", "alice", "--config", config]);
    assert!(ok && tested.contains("alice: works"), "{tested}{err}");
    let (ok, _, err) = common::binary::run(&["connections", "test", "bob", "--config", config]);
    assert!(!ok && err.contains("connect --user bob"), "{err}");
}

/// Two `serve` processes on one data directory (database and key file); 64 agents call through
/// both, over the same two OAuth connections, while `keys rotate` re-seals every token midway.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_sharing_one_database_never_send_a_refresh_token_twice_and_keys_rotate_while_they_serve()
 {
    use gateway::agents::{KeyHasher, generate_key};
    confluence::install_crypto_provider();
    let emulator = confluence_emulator::start(confluence_emulator::EmulatorConfig {
        seed: confluence_emulator::SeedKind::Demo,
        rate_limit_rps: 0.0,
        token_ttl_secs: TOKEN_TTL,
        ..confluence_emulator::EmulatorConfig::default()
    })
    .await
    .unwrap();
    let e = &emulator.info;
    let scratch = Scratch::new("oauth-two");
    let key_file = scratch.0.join("master.key");
    let first_key = gateway::vault::MasterKey::generate();
    std::fs::write(&key_file, format!("{}\n", first_key.encoded().as_str())).unwrap();
    let secret = generate_key();
    let hasher = KeyHasher::new(secret.as_bytes());
    let mut text = format!(
        "data_dir = \"data\"\n\n[listen]\naddress = \"127.0.0.1:0\"\n\n\
         [security]\nkey_secret = \"{secret}\"\n\n[rate_limit]\ncalls_per_second = 0\n\n\
         [vault]\nkey_file = \"master.key\"\n\n\
         [oauth]\nclient_id = \"{}\"\nclient_secret = \"{}\"\nauthorize_url = \"{}\"\n\
         token_url = \"{}\"\naccessible_resources_url = \"{}\"\napi_gateway_url = \"{}\"\n\
         scopes = [\"read:confluence-content.all\", \"offline_access\"]\n\n\
         [[servers]]\nname = \"readonly\"\npath = \"/mcp/readonly\"\ntoolsets = [\"*:read\"]\nagents = [\"*\"]\n\n\
         [[policy.rules]]\nid = \"readers\"\neffect = \"allow\"\nroles = [\"reader\"]\ntoolsets = [\"*:read\"]\n\n",
        e.client_id,
        e.client_secret,
        e.authorize_url,
        e.token_url,
        e.accessible_resources_url,
        e.site_url
    );
    for user in ["alice", "bob"] {
        text.push_str(&format!(
            "[[connections]]\nname = \"{user}\"\nsite_url = \"{}\"\nauth = \"oauth\"\nuser = \"{user}\"\n\
             requests_per_second = 0\nmax_concurrent = 64\n\n",
            e.site_url
        ));
    }
    // 64 agents, half acting through each connection.
    let mut keys = Vec::new();
    for i in 0..64 {
        let key = generate_key();
        text.push_str(&format!(
            "[[agents]]\nname = \"agent-{i}\"\nroles = [\"reader\"]\nconnection = \"{}\"\nkey_hash = \"{}\"\n\n",
            ["alice", "bob"][i % 2],
            hasher.hash(&key)
        ));
        keys.push(key);
    }
    let config = scratch.0.join("gateway.toml");
    std::fs::write(&config, &text).unwrap();
    let config = config.to_str().unwrap().to_owned();
    let a = common::binary::serve(&config, &[]);
    let b = common::binary::serve(&config, &[]);

    // Connect both users the way an admin does: `connect` prints the URL, the user consents
    // (the emulator's auto-consent), Atlassian redirects to process A's /oauth/callback.
    let connect_config = scratch.0.join("connect.toml");
    std::fs::write(
        &connect_config,
        text.replace(
            "scopes = [",
            &format!("redirect_uri = \"{}/oauth/callback\"\nscopes = [", a.base),
        ),
    )
    .unwrap();
    let browser = http();
    for (user, email) in [("alice", "alice@example.com"), ("bob", "bob@example.com")] {
        let (ok, out, err) = common::binary::run(&[
            "connect",
            "--user",
            user,
            "--config",
            connect_config.to_str().unwrap(),
        ]);
        assert!(ok, "{err}");
        let url = out.lines().rev().find(|l| l.starts_with("http")).unwrap();
        let consent = browser
            .get(format!("{url}&auto_consent={email}"))
            .send()
            .await
            .unwrap();
        let callback = consent.headers()["location"].to_str().unwrap().to_owned();
        assert!(callback.starts_with(&a.base), "{callback}");
        let done = browser.get(&callback).send().await.unwrap();
        assert_eq!(done.status(), 200);
        assert!(
            done.text()
                .await
                .unwrap()
                .contains(&format!("Connected '{user}'"))
        );
    }

    let urls = [
        format!("{}/mcp/readonly", a.base),
        format!("{}/mcp/readonly", b.base),
    ];
    let duration = soak();
    let rotate_config = config.clone();
    let rotation = tokio::spawn(async move {
        tokio::time::sleep(duration / 2).await;
        tokio::task::spawn_blocking(move || {
            common::binary::run(&["keys", "rotate", "--config", &rotate_config])
        })
        .await
        .unwrap()
    });
    let started = Instant::now();
    let (calls, failed, samples) = load(&urls, &keys, 64, duration).await;
    let elapsed = started.elapsed().as_secs_f64();
    let (rotated, out, err) = rotation.await.unwrap();
    assert!(rotated, "keys rotate: {err}");
    assert!(out.contains("re-sealed 4 secrets"), "{out}");

    let stats: Value = http()
        .get(format!("{}/stats", e.admin_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stats = &stats["oauth"];
    let store = gateway::store::Store::open(&scratch.0.join("data"))
        .await
        .unwrap();
    let rows = store.token_rows().await.unwrap();
    let refreshes: Vec<(String, i64)> = rows
        .iter()
        .map(|r| (r.connection.clone(), r.refreshes))
        .collect();
    println!(
        "two processes: {elapsed:.0} s, 64 callers, {calls} calls, {failed} failed; refreshes per \
         connection {refreshes:?} (duration / lifetime = {:.1}); emulator: {stats}",
        elapsed / TOKEN_TTL as f64
    );
    assert_eq!(failed, 0, "failed calls: {samples:?}");
    assert_eq!(stats["reuse_detected"], 0, "{stats}");
    assert_eq!(stats["revocations"], 0, "{stats}");
    assert_eq!(stats["invalid_grants"], 0, "{stats}");
    let lifetimes = elapsed / TOKEN_TTL as f64;
    for (connection, n) in &refreshes {
        let n = *n as f64;
        assert!(
            n >= lifetimes * 0.8 - 1.0 && n <= lifetimes * 1.25 + 2.0,
            "{connection}: {n} refreshes in {elapsed:.0} s by two processes"
        );
    }
    // Everything is sealed under the new key (the last line of the key file).
    let key_text = std::fs::read_to_string(&key_file).unwrap();
    let newest = gateway::vault::MasterKey::parse(key_text.lines().last().unwrap()).unwrap();
    assert_ne!(newest.id(), first_key.id());
    assert!(rows.iter().all(|r| r.key_id == newest.id()), "{rows:?}");
    // No token in plain text in the shared database.
    let issued: Value = http()
        .get(format!("{}/oauth/issued", e.admin_url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for entry in std::fs::read_dir(scratch.0.join("data")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            for token in issued["tokens"].as_array().unwrap() {
                let token = token.as_str().unwrap();
                assert!(memchr::memmem::find(&bytes, token.as_bytes()).is_none());
            }
        }
    }
    drop((a, b));
}
