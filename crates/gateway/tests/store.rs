//! The state store with real SQLite files: the schema on an empty directory and again on the
//! same one; agents added, revoked and rotated with the real CLI reaching a running `serve`
//! within the documented bound, without a restart; `[[agents]]` and stored agents side by side;
//! the legacy `agents_file` imported once; and a damaged or locked database stopping the
//! gateway at start with a message that says what to do (fail closed). In-process checks cover
//! what a process cannot show from outside: a store that becomes unreadable while serving.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::binary::{key_in, run, serve, try_serve};
use common::{call, http, rpc};
use gateway::agents::{AuthError, KeyHasher, generate_key};
use gateway::config::AgentConfig;
use gateway::runtime::{AGENTS_REFRESH, Gateway};
use gateway::store::Store;
use reqwest::StatusCode;
use serde_json::json;

/// How long a CLI change may take to reach a running gateway: one poll interval, plus slack for
/// a loaded two-core machine.
fn bound() -> Duration {
    AGENTS_REFRESH + Duration::from_secs(2)
}

async fn emulator() -> confluence_emulator::RunningEmulator {
    confluence_emulator::start(confluence_emulator::EmulatorConfig {
        seed: confluence_emulator::SeedKind::Empty,
        rate_limit_rps: 0.0,
        ..confluence_emulator::EmulatorConfig::default()
    })
    .await
    .unwrap()
}

fn bob_token(emulator: &confluence_emulator::RunningEmulator) -> String {
    emulator
        .info
        .users
        .iter()
        .find(|u| u.email == "bob@example.com")
        .unwrap()
        .api_token
        .clone()
}

/// A site for configurations whose tests never reach Confluence.
const UNUSED_SITE: &str = "http://127.0.0.1:9";

/// `init` plus the edits a user makes: the emulator's site, bob's token in $CGW_BOB_TOKEN, a
/// free port.
fn configure(dir: &Path, site: &str) -> String {
    let config = dir.join("gateway.toml");
    let config_s = config.to_str().unwrap().to_owned();
    let (ok, out, err) = run(&["init", "--config", &config_s]);
    assert!(ok, "{out}{err}");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("https://your-site.atlassian.net", site)
        .replace("you@example.com", "bob@example.com")
        .replace("CONFLUENCE_API_TOKEN", "CGW_BOB_TOKEN")
        .replace("address = \"127.0.0.1:8080\"", "address = \"127.0.0.1:0\"");
    std::fs::write(&config, text).unwrap();
    config_s
}

/// The key hasher of a configuration file (its `key_secret`).
fn hasher_of(config: &str) -> KeyHasher {
    let loaded = gateway::config::load(Path::new(config)).unwrap();
    let secret = gateway::runtime::key_secret(&loaded.config.security).unwrap();
    KeyHasher::new(secret.as_bytes())
}

fn add(config: &str, name: &str) -> String {
    let (ok, out, err) = run(&[
        "agents", "add", name, "--role", "reader", "--config", config,
    ]);
    assert!(ok, "{out}{err}");
    key_in(&out)
}

const LIST: &str = r#"{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}"#;

/// The HTTP status `key` gets on the read-only server, and its WWW-Authenticate.
async fn status_of(http: &reqwest::Client, base: &str, key: &str) -> (StatusCode, String) {
    let url = format!("{base}/mcp/readonly");
    let body: serde_json::Value = serde_json::from_str(LIST).unwrap();
    let (status, headers, _) = rpc(http, &url, Some(key), &body).await;
    let challenge = headers
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, challenge)
}

/// Waits until `key` gets `want`, failing after [`bound`]; returns how long it took.
async fn until_status(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    want: StatusCode,
) -> (Duration, String) {
    let started = Instant::now();
    loop {
        let (status, challenge) = status_of(http, base, key).await;
        if status == want {
            return (started.elapsed(), challenge);
        }
        assert!(
            started.elapsed() < bound(),
            "still {status} after {:?} (wanted {want})",
            bound()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn migrations_apply_on_an_empty_directory_and_again_on_the_same_one() {
    let scratch = common::Scratch::new("store-schema");
    let data = scratch.0.join("nested/data");
    let store = Store::open(&data).await.unwrap();

    // Private files: the directory 0700, the database 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("gateway.db")), 0o600);
    }
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);

    // Every migration file in the tree is compiled in and applied.
    let files = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite"))
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "sql")
        })
        .count();
    assert_eq!(Store::migrations().count(), files);
    let applied = || async {
        sqlx::query_as::<_, (i64, bool)>(
            "SELECT version, success FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(store.pool())
        .await
        .unwrap()
    };
    let first = applied().await;
    assert_eq!(first.len(), files);
    assert!(first.iter().all(|(_, ok)| *ok), "{first:?}");

    // Foreign keys hold: an agent of an unknown tenant is refused.
    let orphan = sqlx::query(
        "INSERT INTO agents (id, tenant_id, name, roles, connection, spaces, enabled, key_hash, \
         created_at, updated_at) VALUES ('x', 'no-such-tenant', 'x', '[]', 'c', '[]', 1, 'h', 't', 't')",
    )
    .execute(store.pool())
    .await;
    assert!(orphan.is_err(), "a row of an unknown tenant was accepted");

    // A stored agent, then the same directory opened again: nothing re-applied, nothing lost.
    let hasher = KeyHasher::new(&[7u8; 32]);
    let agent = AgentConfig {
        name: "kept".into(),
        roles: vec!["reader".into()],
        connection: "default".into(),
        enabled: true,
        expires_at: None,
        key_hash: hasher.hash(&generate_key()).to_string(),
        spaces: vec!["ENG".into()],
        dlp_profile: Some("strict".into()),
    };
    let v0 = store.agents_version().await.unwrap();
    store.insert_agent(&agent).await.unwrap();
    assert!(store.agents_version().await.unwrap() > v0);
    assert!(matches!(
        store.insert_agent(&agent).await,
        Err(gateway::store::StoreError::AgentExists(_))
    ));
    store.close().await;

    let store = Store::open(&data).await.unwrap();
    let again = sqlx::query_as::<_, (i64, bool)>(
        "SELECT version, success FROM _sqlx_migrations ORDER BY version",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(again, first);
    let listed = store.list_agents().await.unwrap();
    assert_eq!(listed.len(), 1);
    let kept = &listed[0].agent;
    assert_eq!(
        (
            &kept.name,
            &kept.roles,
            &kept.spaces,
            &kept.dlp_profile,
            kept.enabled,
            &kept.key_hash
        ),
        (
            &agent.name,
            &agent.roles,
            &agent.spaces,
            &agent.dlp_profile,
            true,
            &agent.key_hash
        )
    );
    store.set_agent_enabled("kept", false).await.unwrap();
    assert!(!store.list_agents().await.unwrap()[0].agent.enabled);
    assert!(matches!(
        store.set_agent_enabled("nobody", false).await,
        Err(gateway::store::StoreError::NoSuchAgent(_))
    ));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_changes_reach_a_running_gateway_within_the_bound() {
    let emulator = emulator().await;
    let token = bob_token(&emulator);
    let scratch = common::Scratch::new("store-cli");
    let config = configure(&scratch.0, &emulator.info.site_url);

    let early = add(&config, "early-bot");
    let served = serve(&config, &[("CGW_BOB_TOKEN", &token)]);
    let http = http();
    let ro = format!("{}/mcp/readonly", served.base);

    // Added before the start: works, through to Confluence.
    let found = call(&http, &ro, &early, "search", json!({"query": "anything"})).await;
    assert_eq!(found["isError"], false, "{found}");

    // Added while serving: works without a restart or SIGHUP.
    let late = add(&config, "late-bot");
    let (took, _) = until_status(&http, &served.base, &late, StatusCode::OK).await;
    eprintln!("add reached the gateway after {took:?}");

    // Revoked: refused within the bound, saying why.
    let (ok, out, err) = run(&["agents", "revoke", "early-bot", "--config", &config]);
    assert!(ok, "{out}{err}");
    let (took, challenge) =
        until_status(&http, &served.base, &early, StatusCode::UNAUTHORIZED).await;
    assert!(challenge.contains("disabled"), "{challenge}");
    eprintln!("revoke reached the gateway after {took:?}");

    // Rotated: the old key is refused, the new one works.
    let (ok, out, err) = run(&["agents", "rotate", "late-bot", "--config", &config]);
    assert!(ok, "{out}{err}");
    let rotated = key_in(&out);
    until_status(&http, &served.base, &late, StatusCode::UNAUTHORIZED).await;
    until_status(&http, &served.base, &rotated, StatusCode::OK).await;
    // Rotation also re-enables a revoked agent, with a new key only.
    let (ok, out, _) = run(&["agents", "rotate", "early-bot", "--config", &config]);
    assert!(ok);
    let early_again = key_in(&out);
    until_status(&http, &served.base, &early_again, StatusCode::OK).await;
    assert_eq!(
        status_of(&http, &served.base, &early).await.0,
        StatusCode::UNAUTHORIZED
    );

    // The store holds hashes only; the listing says where each agent lives.
    let (ok, out, _) = run(&["agents", "list", "--config", &config]);
    assert!(ok && !out.contains("cgw_"), "{out}");
    for name in ["early-bot", "late-bot"] {
        let line = out.lines().find(|l| l.starts_with(name)).unwrap();
        assert!(line.contains("true") && line.ends_with("store"), "{line}");
    }
    let store = Store::open(&scratch.0.join("data")).await.unwrap();
    let hashes: Vec<String> = sqlx::query_scalar("SELECT key_hash FROM agents ORDER BY name")
        .fetch_all(store.pool())
        .await
        .unwrap();
    let hasher = hasher_of(&config);
    assert_eq!(
        hashes,
        vec![
            hasher.hash(&early_again).to_string(),
            hasher.hash(&rotated).to_string()
        ]
    );
    store.close().await;

    // A mistake is refused with a reason.
    let (ok, _, err) = run(&["agents", "revoke", "nobody", "--config", &config]);
    assert!(
        !ok && err.contains("no stored agent named 'nobody'"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_and_stored_agents_work_side_by_side_and_a_name_clash_stops_the_start() {
    let emulator = emulator().await;
    let token = bob_token(&emulator);
    let scratch = common::Scratch::new("store-merge");
    let config = configure(&scratch.0, &emulator.info.site_url);
    // A declared agent, its table printed by `agents add --toml` (which stores nothing).
    let (ok, out, err) = run(&[
        "agents",
        "add",
        "declared-bot",
        "--role",
        "reader",
        "--toml",
        "--config",
        &config,
    ]);
    assert!(ok, "{out}{err}");
    let declared_key = key_in(&out);
    let declared = out
        .split("\n\n")
        .find(|block| block.starts_with("[[agents]]"))
        .unwrap()
        .to_owned();
    assert!(!declared.contains(&declared_key), "{declared}");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n{declared}")).unwrap();

    let stored_key = add(&config, "stored-bot");
    let (ok, _, err) = run(&["agents", "add", "declared-bot", "--config", &config]);
    assert!(!ok && err.contains("[[agents]]"), "{err}");
    let (ok, _, err) = run(&["agents", "revoke", "declared-bot", "--config", &config]);
    assert!(!ok && err.contains("declared in [[agents]]"), "{err}");
    let (ok, out, _) = run(&["agents", "list", "--config", &config]);
    assert!(ok, "{out}");
    let source = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().last())
            .map(str::to_owned)
    };
    assert_eq!(source("declared-bot").as_deref(), Some("config"));
    assert_eq!(out.matches("declared-bot").count(), 1, "{out}");
    assert_eq!(source("stored-bot").as_deref(), Some("store"));

    {
        let served = serve(&config, &[("CGW_BOB_TOKEN", &token)]);
        let http = http();
        for key in [&declared_key, &stored_key] {
            assert_eq!(status_of(&http, &served.base, key).await.0, StatusCode::OK);
        }
    }

    // The same name in both places: the gateway does not start, and says how to fix it.
    let clash = declared.replace("declared-bot", "stored-bot");
    std::fs::write(&config, format!("{text}\n{declared}\n{clash}")).unwrap();
    let err = try_serve(&config, &[("CGW_BOB_TOKEN", &token)])
        .err()
        .expect("serve started despite a name clash");
    assert!(
        err.contains("agent 'stored-bot' is stored in")
            && err.contains("also declared in [[agents]]"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_agents_file_is_imported_once() {
    let scratch = common::Scratch::new("store-import");
    let config = configure(&scratch.0, UNUSED_SITE);
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("agents_file = \"agents.toml\"\n{text}")).unwrap();
    let legacy_key = generate_key();
    let file = gateway::config::AgentsFile {
        agents: vec![AgentConfig {
            name: "legacy-bot".into(),
            roles: vec!["reader".into()],
            connection: "default".into(),
            enabled: true,
            expires_at: None,
            key_hash: hasher_of(&config).hash(&legacy_key).to_string(),
            spaces: vec![],
            dlp_profile: None,
        }],
    };
    let agents_toml = scratch.0.join("agents.toml");
    std::fs::write(&agents_toml, toml::to_string(&file).unwrap()).unwrap();

    let (ok, out, err) = run(&["agents", "list", "--config", &config]);
    assert!(ok, "{out}{err}");
    assert!(err.contains("imported 1 agent(s)"), "{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("legacy-bot") && l.ends_with("store")),
        "{out}"
    );
    assert!(!agents_toml.exists());
    assert!(scratch.0.join("agents.toml.imported").exists());
    // Once: the second command has nothing to import.
    let (ok, _, err) = run(&["agents", "list", "--config", &config]);
    assert!(ok && !err.contains("imported"), "{err}");
    // Imported as it was: the same keyed hash, so the agent's key keeps working (stored
    // agents' keys are exercised against `serve` above).
    let store = Store::open(&scratch.0.join("data")).await.unwrap();
    let imported = store.list_agents().await.unwrap();
    assert_eq!(imported.len(), 1);
    assert_eq!(imported[0].agent.key_hash, file.agents[0].key_hash);
    assert_eq!(imported[0].agent.roles, vec!["reader".to_owned()]);
    store.close().await;
}

/// A configuration whose store is damaged or locked: `serve` and `agents` exit with `message`
/// and never listen.
fn assert_refuses_to_start(config: &str, message: &str) {
    let started = Instant::now();
    let err = try_serve(config, &[("CGW_BOB_TOKEN", "unused")])
        .err()
        .expect("serve started on a bad store");
    assert!(err.contains(message), "{err}");
    let (ok, _, err) = run(&["agents", "list", "--config", config]);
    assert!(!ok && err.contains(message), "{err}");
    eprintln!("refused in {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_stops_the_start_with_a_clear_error() {
    let scratch = common::Scratch::new("store-damaged");
    let config = configure(&scratch.0, UNUSED_SITE);
    add(&config, "some-bot");
    let db = scratch.0.join("data/gateway.db");
    std::fs::write(&db, "this is not a database\n".repeat(500)).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    assert_refuses_to_start(&config, "is not a readable SQLite database");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_stops_the_start_with_a_clear_error() {
    use sqlx::ConnectOptions as _;
    use sqlx::Connection as _;

    let scratch = common::Scratch::new("store-locked");
    let config = configure(&scratch.0, UNUSED_SITE);
    add(&config, "some-bot");
    // Another program holds the database in exclusive mode, in the middle of a write.
    let mut holder = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(scratch.0.join("data/gateway.db"))
        .locking_mode(sqlx::sqlite::SqliteLockingMode::Exclusive)
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut holder)
        .await
        .unwrap();
    sqlx::query("UPDATE state_versions SET version = version + 1")
        .execute(&mut holder)
        .await
        .unwrap();
    assert_refuses_to_start(&config, "is locked by another process");
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    holder.close().await.unwrap();
}

/// A configuration held in memory, with one declared agent, for in-process gateways.
fn in_process_config(data_dir: &Path, declared_hash: &str) -> gateway::config::Loaded {
    let text = format!(
        "data_dir = {}\n[security]\nkey_secret = \"{}\"\n\
         [[connections]]\nname = \"default\"\nsite_url = \"http://127.0.0.1:9\"\nemail = \"a@b.c\"\ntoken = \"t\"\n\
         [[policy.rules]]\nid = \"readers\"\neffect = \"allow\"\nroles = [\"reader\"]\ntoolsets = [\"*:read\"]\n\
         [[agents]]\nname = \"declared-bot\"\nroles = [\"reader\"]\nconnection = \"default\"\nkey_hash = \"{declared_hash}\"\n",
        toml::Value::from(data_dir.display().to_string()),
        SECRET
    );
    gateway::config::from_str(&text, Path::new("in-process.toml")).unwrap()
}

const SECRET: &str = "an in-process test secret of at least 32 bytes";

fn stored(name: &str, role: &str, enabled: bool, key: &str) -> AgentConfig {
    AgentConfig {
        name: name.into(),
        roles: vec![role.into()],
        connection: "default".into(),
        enabled,
        expires_at: None,
        key_hash: KeyHasher::new(SECRET.as_bytes()).hash(key).to_string(),
        spaces: vec![],
        dlp_profile: None,
    }
}

#[tokio::test]
async fn stored_agents_that_no_longer_fit_the_configuration_stop_the_start_unless_revoked() {
    confluence::install_crypto_provider();
    let scratch = common::Scratch::new("store-dangling");
    let data: PathBuf = scratch.0.join("data");
    let store = Store::open(&data).await.unwrap();
    let hasher = KeyHasher::new(SECRET.as_bytes());
    store
        .insert_agent(&stored("ghost-bot", "removed-role", true, &generate_key()))
        .await
        .unwrap();
    let loaded = in_process_config(&data, &hasher.hash(&generate_key()).to_string());
    let err = Gateway::open(loaded.clone(), store.clone())
        .await
        .err()
        .expect("a stored agent with a removed role was accepted")
        .to_string();
    assert!(
        err.contains("stored agent 'ghost-bot' roles: no role named 'removed-role'")
            && err.contains("agents revoke ghost-bot"),
        "{err}"
    );
    // Revoked, it can never authenticate, so it no longer blocks the start.
    store.set_agent_enabled("ghost-bot", false).await.unwrap();
    assert!(Gateway::open(loaded, store.clone()).await.is_ok());
    store.close().await;
}

#[tokio::test]
async fn an_unreadable_store_refuses_stored_agents_after_the_limit() {
    confluence::install_crypto_provider();
    let scratch = common::Scratch::new("store-stale");
    let data: PathBuf = scratch.0.join("data");
    let store = Store::open(&data).await.unwrap();
    let (declared_key, stored_key) = (generate_key(), generate_key());
    store
        .insert_agent(&stored("stored-bot", "reader", true, &stored_key))
        .await
        .unwrap();
    let hasher = KeyHasher::new(SECRET.as_bytes());
    let loaded = in_process_config(&data, &hasher.hash(&declared_key).to_string());
    let gw = Gateway::open(loaded, store.clone()).await.unwrap();
    let auth = |key: &str| {
        gw.runtime()
            .agents
            .authenticate_key(key, chrono::Utc::now())
            .map(|a| a.name.clone())
    };
    assert_eq!(auth(&stored_key), Ok("stored-bot".to_owned()));
    let stale_after = Duration::from_millis(400);
    let watch = gw.watch_store(Duration::from_millis(50), stale_after);

    // A revocation written by another handle reaches the registry through the poll.
    let other = Store::open(&data).await.unwrap();
    other.set_agent_enabled("stored-bot", false).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while auth(&stored_key) != Err(AuthError::Disabled) {
        assert!(Instant::now() < deadline, "the revocation never applied");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    other.set_agent_enabled("stored-bot", true).await.unwrap();
    other.close().await;
    while auth(&stored_key).is_err() {
        assert!(Instant::now() < deadline, "the re-enable never applied");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The store becomes unreadable: stored agents are refused once the limit passes, declared
    // ones keep working.
    store.close().await;
    let closed_at = Instant::now();
    while auth(&stored_key).is_ok() {
        assert!(
            closed_at.elapsed() < stale_after + Duration::from_secs(3),
            "stored agents still accepted long after the store became unreadable"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(closed_at.elapsed() >= stale_after - Duration::from_millis(100));
    assert_eq!(auth(&stored_key), Err(AuthError::Unknown));
    assert_eq!(auth(&declared_key), Ok("declared-bot".to_owned()));
    watch.abort();
}
