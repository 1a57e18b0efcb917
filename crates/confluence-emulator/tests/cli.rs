//! The `confluence-emulator` binary as a user runs it: free port, info JSON, banner, bad flags.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn starts_on_a_free_port_and_writes_info_json() {
    let dir = std::env::temp_dir().join(format!("emu-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let info_path = dir.join("info.json");
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_confluence-emulator"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--seed",
                "empty",
                "--token-ttl",
                "5",
                "--info-json",
            ])
            .arg(&info_path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let mut banner = String::new();
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        match lines.next() {
            Some(Ok(line)) => {
                banner.push_str(&line);
                banner.push('\n');
                if line.contains("frank@example.com") {
                    break;
                }
            }
            _ => break,
        }
    }
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&info_path).unwrap()).unwrap();
    let site = info["site_url"].as_str().unwrap();
    assert!(
        site.starts_with("http://127.0.0.1:") && !site.ends_with(":0"),
        "{site}"
    );
    assert_eq!(info["token_ttl_secs"], 5);
    assert_eq!(info["users"].as_array().unwrap().len(), 6);
    for needle in [
        "cloudId",
        "client_id",
        "bob@example.com",
        info["cloud_id"].as_str().unwrap(),
    ] {
        assert!(banner.contains(needle), "banner lacks {needle}:\n{banner}");
    }
    let token = info["users"][1]["api_token"].as_str().unwrap();
    assert!(banner.contains(token), "banner prints API tokens");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_flags_fail_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_confluence-emulator"))
        .args(["--faults", "error=7"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("between 0 and 1"), "{stderr}");
    let help = Command::new(env!("CARGO_BIN_EXE_confluence-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--listen",
        "--seed",
        "--seed-rng",
        "--pages",
        "--token-ttl",
        "--refresh-leeway",
        "--rate-limit",
        "--faults",
        "--info-json",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}
