//! Shared set-up for the audit tests: the emulator (demo wiki) in-process, a configuration
//! file with agents of different powers, `serve` and the `audit` CLI as real processes.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gateway::agents::{KeyHasher, generate_key};
use serde_json::{Value, json};

use crate::common::Scratch;
use crate::common::binary::BIN;

/// A planted GitLab token the DLP engine detects (never a real credential).
pub const PAGE_SECRET: &str = "glpat-Pg9Qw8Er7Ty6Ui5Op4As";
pub const ARG_SECRET: &str = "glpat-Ar9Zx8Cv7Bn6Mm5Ll4Kk";

/// Agents of the test configuration: name, roles, dlp profile.
pub const AGENTS: &[(&str, &[&str], Option<&str>)] = &[
    ("reader", &["reader"], None),
    ("reader2", &["reader"], None),
    ("flood", &["reader"], None),
    ("limited", &["spaces-only"], None),
    ("strict", &["reader"], Some("strict")),
    ("writer", &["writer"], None),
];

pub struct Setup {
    pub emulator: confluence_emulator::RunningEmulator,
    pub scratch: Scratch,
    pub config: String,
    pub keys: HashMap<String, String>,
    pub secret: String,
    pub bob_token: String,
}

impl Setup {
    /// The emulator and a configuration; `audit` is appended to the file (an `[audit]` table).
    pub async fn new(tag: &str, audit: &str) -> Setup {
        confluence::install_crypto_provider();
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
        let scratch = Scratch::new(tag);
        let secret = generate_key();
        let hasher = KeyHasher::new(secret.as_bytes());
        let mut keys = HashMap::new();
        let mut text = format!(
            "data_dir = \"data\"\n\n[listen]\naddress = \"127.0.0.1:0\"\n\n\
             [security]\nkey_secret = \"{secret}\"\n\n\
             [rate_limit]\ncalls_per_second = 2\nburst = 10\n\n\
             [[connections]]\nname = \"bob\"\nsite_url = \"{}\"\nemail = \"bob@example.com\"\n\
             token_env = \"CGW_BOB_TOKEN\"\nrequests_per_second = 0\nmax_concurrent = 64\n\n\
             [[servers]]\nname = \"readonly\"\npath = \"/mcp/readonly\"\ntoolsets = [\"*:read\"]\nagents = [\"*\"]\n\n\
             [[servers]]\nname = \"slow\"\npath = \"/mcp/slow\"\ntoolsets = [\"*:read\"]\nagents = [\"*\"]\ntimeout_secs = 1\n\n\
             [[servers]]\nname = \"readwrite\"\npath = \"/mcp/readwrite\"\ntoolsets = [\"*\"]\nagents = [\"writer\"]\n\n\
             [[policy.rules]]\nid = \"role-reader\"\neffect = \"allow\"\nroles = [\"reader\"]\ntoolsets = [\"*:read\"]\n\n\
             [[policy.rules]]\nid = \"role-writer\"\neffect = \"allow\"\nroles = [\"writer\"]\ntoolsets = [\"*\"]\n\n\
             [[policy.rules]]\nid = \"role-spaces-only\"\neffect = \"allow\"\nroles = [\"spaces-only\"]\ntoolsets = [\"spaces:read\"]\n\n",
            emulator.info.site_url
        );
        for (name, roles, profile) in AGENTS {
            let key = generate_key();
            text.push_str(&format!(
                "[[agents]]\nname = \"{name}\"\nroles = {roles:?}\nconnection = \"bob\"\nkey_hash = \"{}\"\n{}\n",
                hasher.hash(&key),
                profile
                    .map(|p| format!("dlp_profile = \"{p}\"\n"))
                    .unwrap_or_default()
            ));
            keys.insert((*name).to_owned(), key);
        }
        text.push_str(
            "[dlp]\ncategories = [\"secret\", \"pii\"]\n\n\
             [dlp_profiles.strict.actions]\ndefault = \"redact\"\ncategories = { \"secret\" = \"block\" }\n\n",
        );
        text.push_str(audit);
        let config = scratch.0.join("gateway.toml");
        std::fs::write(&config, text).unwrap();
        Setup {
            emulator,
            config: config.to_str().unwrap().to_owned(),
            scratch,
            keys,
            secret,
            bob_token,
        }
    }

    /// Sets the emulator's faults (`{"latency_ms": 1500}`, `{"error_rate": 1.0}`, …).
    pub async fn faults(&self, spec: Value) {
        let status = reqwest::Client::new()
            .put(format!("{}/faults", self.emulator.info.admin_url))
            .json(&spec)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "faults {spec}: {status}");
    }

    pub fn key(&self, agent: &str) -> &str {
        &self.keys[agent]
    }

    pub fn data_dir(&self) -> PathBuf {
        self.scratch.0.join("data")
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join("gateway.db")
    }

    /// `serve` with JSON logs to `log` (a file in the scratch directory).
    pub fn serve(&self, log: &str) -> Gateway {
        self.serve_with_env(log, &[])
    }

    /// [`Setup::serve`] with more environment variables.
    pub fn serve_with_env(&self, log: &str, env: &[(&str, &str)]) -> Gateway {
        let log_path = self.scratch.0.join(log);
        let log_file = std::fs::File::create(&log_path).unwrap();
        let child = Command::new(BIN)
            .args(["serve", "--log-format", "json", "--config", &self.config])
            .env("CGW_BOB_TOKEN", &self.bob_token)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            let text = std::fs::read_to_string(&log_path).unwrap_or_default();
            // Only a whole line: the file may be read while the line is half written.
            if let Some(line) = text
                .split_inclusive('\n')
                .filter(|l| l.ends_with('\n'))
                .find_map(|l| l.strip_prefix("confluence-gateway listening on "))
            {
                break line.trim().to_owned();
            }
            assert!(Instant::now() < deadline, "serve did not listen:\n{text}");
            std::thread::sleep(Duration::from_millis(50));
        };
        Gateway {
            child,
            base,
            log: log_path,
        }
    }

    /// Runs `confluence-gateway audit ARGS --config CONFIG`; returns (exit code, stdout, stderr).
    pub fn audit(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(BIN)
            .arg("audit")
            .args(args)
            .args(["--config", &self.config])
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Every stored event, as `audit export --format jsonl` prints it.
    pub fn export(&self) -> Vec<Value> {
        let (code, out, err) = self.audit(&["export", "--format", "jsonl"]);
        assert_eq!(code, 0, "{err}");
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The exported trail once it holds an event for each of `request_ids`: a call is answered
    /// once its event is journaled, and the gateway chains it into the database right after.
    pub async fn export_once_present(&self, request_ids: &[&str]) -> Vec<Value> {
        let mut events = Vec::new();
        until(
            Duration::from_secs(20),
            "the events in the trail",
            async || {
                events = self.export();
                let recorded = by_request_id(&events);
                request_ids.iter().all(|id| recorded.contains_key(*id))
            },
        )
        .await;
        events
    }

    /// A page in DOCS whose body holds [`PAGE_SECRET`], created through the emulator's REST
    /// API as bob (not through the gateway, whose DLP would remove the secret); its id.
    pub async fn plant_page(&self) -> String {
        let http = reqwest::Client::new();
        let wiki = format!("{}/wiki", self.emulator.info.site_url);
        let spaces: Value = http
            .get(format!("{wiki}/api/v2/spaces?keys=DOCS"))
            .basic_auth("bob@example.com", Some(&self.bob_token))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let space_id = spaces["results"][0]["id"].as_str().unwrap().to_owned();
        let page: Value = http
            .post(format!("{wiki}/api/v2/pages"))
            .basic_auth("bob@example.com", Some(&self.bob_token))
            .json(&json!({
                "spaceId": space_id, "status": "current", "title": "Deploy credentials (audit test)",
                "body": { "representation": "storage",
                          "value": format!("<p>The deploy token is {PAGE_SECRET} for the pipeline.</p>") }
            }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{page}"))
            .to_owned()
    }
}

/// A running `serve`; SIGKILLed on drop.
pub struct Gateway {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

impl Gateway {
    pub fn url(&self, server: &str) -> String {
        format!("{}/mcp/{server}", self.base)
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// A tools/call with JSON-RPC id `id`; (HTTP status, body).
pub async fn call_with_id(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    id: &str,
    tool: &str,
    args: Value,
) -> Result<Value, String> {
    let body = json!({
        "jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": { "name": tool, "arguments": args }
    });
    let resp = http
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-06-18")
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status();
    let text = resp.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
}

/// Events by request id (only `tools/call`).
pub fn by_request_id(events: &[Value]) -> HashMap<String, Vec<Value>> {
    let mut map: HashMap<String, Vec<Value>> = HashMap::new();
    for e in events.iter().filter(|e| e["kind"] == "tools/call") {
        if let Some(id) = e["request_id"].as_str() {
            map.entry(id.to_owned()).or_default().push(e.clone());
        }
    }
    map
}

/// Waits until `f` holds, failing after `limit`.
pub async fn until(limit: Duration, what: &str, mut f: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub fn file_contains(path: &Path, needle: &str) -> bool {
    std::fs::read(path)
        .map(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .unwrap_or(false)
}

/// Holds SQLite's write lock from another connection until dropped (as a stuck backup or a
/// sqlite3 shell mid-transaction would).
pub async fn lock_database(setup: &Setup) -> sqlx::SqliteConnection {
    use sqlx::Connection as _;
    let mut db =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", setup.db_path().display()))
            .await
            .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut db)
        .await
        .unwrap();
    db
}
