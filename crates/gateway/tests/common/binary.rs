//! The `confluence-gateway` binary as an admin would run it: one-shot commands and `serve`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_confluence-gateway");

/// Runs a one-shot command; returns (success, stdout, stderr).
pub fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env("CGW_TEST_TOKEN", "unused")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The key `agents add|rotate` printed (its last line).
pub fn key_in(stdout: &str) -> String {
    let key = stdout.lines().last().unwrap().trim().to_owned();
    assert!(key.starts_with("cgw_"), "{stdout}");
    key
}

/// `serve` running in the background; killed on drop.
pub struct Served {
    pub child: Child,
    pub base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `serve --config CONFIG` with `env` and waits until it listens.
pub fn serve(config: &str, env: &[(&str, &str)]) -> Served {
    try_serve(config, env).unwrap_or_else(|stderr| panic!("serve exited:\n{stderr}"))
}

/// Like [`serve`], but a `serve` that exits before listening gives its stderr.
pub fn try_serve(config: &str, env: &[(&str, &str)]) -> Result<Served, String> {
    let mut child = Command::new(BIN)
        .args(["serve", "--config", config])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = String::new();
    let base = loop {
        let Some(line) = lines.next() else {
            let _ = child.wait();
            return Err(seen);
        };
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("confluence-gateway listening on ") {
            break rest.trim().to_owned();
        }
        seen.push_str(&line);
        seen.push('\n');
        assert!(Instant::now() < deadline, "serve did not listen:\n{seen}");
    };
    // Keep draining stderr (audit lines) so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok(Served { child, base })
}
