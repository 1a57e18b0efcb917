//! Runs mcp-atlassian's storage→Markdown converter through `benches/mcp_atlassian_convert.py`
//! with the test venv's Python (created by `scripts/ensure-venv.sh`, honouring `TEST_VENV`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the driver reports on stdout (see the driver's docstring).
pub struct DriverRun {
    pub version: String,
    pub docs: usize,
    pub bytes: u64,
    /// Wall time of each timed pass over all documents, conversion only.
    pub times_ns: Vec<u64>,
    /// (document name, exception) for each document the converter raised on.
    pub errors: Vec<(String, String)>,
}

pub const DRIVER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/benches/mcp_atlassian_convert.py"
);

/// The venv's Python, or an error telling how to create it.
pub fn venv_python() -> Result<PathBuf, String> {
    let venv = std::env::var_os("TEST_VENV").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv-tests"),
        PathBuf::from,
    );
    let python = venv.join("bin/python");
    if python.exists() {
        Ok(python)
    } else {
        Err(format!(
            "{} is missing: run `bash scripts/ensure-venv.sh` first (it creates the test venv \
             with the pinned mcp-atlassian)",
            python.display()
        ))
    }
}

/// Converts every `in_dir/*.xml` into `out_dir/<stem>.md`, timing `repetitions` passes.
pub fn run_driver(in_dir: &Path, out_dir: &Path, repetitions: u32) -> Result<DriverRun, String> {
    let python = venv_python()?;
    let output = Command::new(&python)
        .arg(DRIVER)
        .arg(in_dir)
        .arg(out_dir)
        .arg(repetitions.to_string())
        .output()
        .map_err(|e| format!("cannot start {}: {e}", python.display()))?;
    if !output.status.success() {
        return Err(format!(
            "the mcp-atlassian driver failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(stdout.trim())
        .map_err(|e| format!("driver printed no JSON report ({e}): {stdout}"))?;
    let number = |key: &str| {
        report[key]
            .as_u64()
            .ok_or_else(|| format!("driver report lacks {key:?}: {stdout}"))
    };
    let times_ns = report["times_ns"]
        .as_array()
        .map(|times| times.iter().filter_map(serde_json::Value::as_u64).collect())
        .unwrap_or_default();
    let errors = report["errors"]
        .as_object()
        .map(|errors| {
            errors
                .iter()
                .map(|(name, error)| (name.clone(), error.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    Ok(DriverRun {
        version: report["version"].as_str().unwrap_or("?").to_string(),
        docs: usize::try_from(number("docs")?).map_err(|e| e.to_string())?,
        bytes: number("bytes")?,
        times_ns,
        errors,
    })
}
