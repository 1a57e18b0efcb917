//! Test harness: the real `confluence-gateway demo` binary on loopback ports (or the same demo
//! in-process on a real TCP port), plus helpers to read its URLs and keys.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod binary;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A unique scratch directory under the system temp dir (removed on drop).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir =
            std::env::temp_dir().join(format!("cgw-{tag}-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What `demo --info-json` wrote.
pub struct DemoInfo(pub Value);

impl DemoInfo {
    pub fn url(&self, server: &str) -> String {
        self.0["servers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == server)
            .unwrap_or_else(|| panic!("no server {server}"))["url"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn key(&self, agent: &str) -> String {
        self.0["agents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == agent)
            .unwrap_or_else(|| panic!("no agent {agent}"))["key"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub fn gateway_url(&self) -> String {
        self.0["gateway_url"].as_str().unwrap().to_owned()
    }
}

/// The demo binary as a child process; killed on drop.
pub struct DemoProcess {
    child: Child,
    pub info: DemoInfo,
    pub info_path: PathBuf,
    pub scratch: Scratch,
}

impl DemoProcess {
    pub fn start() -> DemoProcess {
        let scratch = Scratch::new("demo");
        let info_path = scratch.0.join("demo.json");
        let log = std::fs::File::create(scratch.0.join("gateway.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_confluence-gateway"))
            .args(["demo", "--listen", "127.0.0.1:0", "--info-json"])
            .arg(&info_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start confluence-gateway demo");
        let deadline = Instant::now() + Duration::from_secs(60);
        let info = loop {
            if let Ok(text) = std::fs::read_to_string(&info_path)
                && let Ok(value) = serde_json::from_str::<Value>(&text)
            {
                break DemoInfo(value);
            }
            assert!(
                Instant::now() < deadline,
                "demo did not write its info file"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        DemoProcess {
            child,
            info,
            info_path,
            scratch,
        }
    }

    /// The process's resident set size peak in KiB (Linux), for memory checks.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for DemoProcess {
    /// SIGTERM first, so the demo stops cleanly and deletes its temporary data directory; SIGKILL
    /// if it has not exited after a few seconds.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The same demo in-process (real TCP sockets, one tokio runtime with the test).
pub async fn demo_in_process() -> gateway::demo::Demo {
    confluence::install_crypto_provider();
    gateway::demo::start(&gateway::demo::DemoOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        emulator_listen: "127.0.0.1:0".parse().unwrap(),
        token_ttl_secs: 3600,
        calls_per_second: 100.0,
        oauth: false,
    })
    .await
    .expect("demo starts")
}

pub fn info_of(demo: &gateway::demo::Demo) -> DemoInfo {
    DemoInfo(serde_json::to_value(&demo.info).unwrap())
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Creates (once) the pinned test venv; returns its python.
pub fn venv_python() -> PathBuf {
    ensure_venv(None, "TEST_VENV", ".venv-tests")
}

/// The Python of the venv with the official `mcp` SDK 2.x (the stateless 2026-07-28 protocol).
pub fn modern_venv_python() -> PathBuf {
    ensure_venv(Some("modern"), "TEST_VENV_MODERN", ".venv-mcp-modern")
}

fn ensure_venv(which: Option<&str>, env_override: &str, default_dir: &str) -> PathBuf {
    let root = repo_root();
    let status = Command::new("bash")
        .arg(root.join("scripts/ensure-venv.sh"))
        .args(which)
        .status()
        .expect("run scripts/ensure-venv.sh");
    assert!(status.success(), "scripts/ensure-venv.sh failed: {status}");
    std::env::var_os(env_override)
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(default_dir))
        .join("bin/python")
}

/// A plain HTTP client for raw protocol checks.
pub fn http() -> reqwest::Client {
    confluence::install_crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// POSTs one JSON-RPC message as `key` (2025-06-18 headers); returns status and body.
pub async fn rpc(
    http: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = http
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-06-18")
        .json(body);
    if let Some(key) = key {
        req = req.bearer_auth(key);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, value)
}

/// Calls a tool over raw JSON-RPC; returns the `result` (or the whole answer on errors).
pub async fn call(http: &reqwest::Client, url: &str, key: &str, tool: &str, args: Value) -> Value {
    let body = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": { "name": tool, "arguments": args }
    });
    let (status, _, value) = rpc(http, url, Some(key), &body).await;
    assert!(status.is_success(), "{tool}: HTTP {status}: {value}");
    value.get("result").cloned().unwrap_or(value)
}

/// The text content of a tool result.
pub fn text_of(result: &Value) -> String {
    result["content"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("")
        })
        .unwrap_or_default()
}
