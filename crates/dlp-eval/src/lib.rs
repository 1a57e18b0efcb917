//! Evaluation harness for the `dlp` engine: accuracy against public labelled datasets
//! (CredSweeper's samples for secrets, presidio-research's synthetic set for PII), shared by
//! the `accuracy_report` example (prints the tables) and `tests/accuracy.rs` (asserts the
//! targets), so both always measure the same thing.
//!
//! The datasets are read from `../shared/datasets` relative to the repository root, or from
//! `$DLP_DATASETS`. They are reference material for tests and reports only; nothing here is
//! used by the product at run time.

pub mod credsweeper;
pub mod presidio;
mod score;
pub mod shape;

use std::path::{Path, PathBuf};

pub use score::{Score, Target, format_table};

/// Environment variable that overrides where the datasets are.
pub const DATASETS_ENV: &str = "DLP_DATASETS";

/// What can go wrong loading a dataset.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(
        "datasets directory {0} does not exist: the accuracy evaluation needs \
         credsweeper/ and presidio-research/ there (set {DATASETS_ENV} or pass the path)"
    )]
    DatasetsMissing(PathBuf),
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("parsing {path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// `../shared/datasets` relative to the repository root this crate was built from.
pub fn default_datasets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/datasets")
}

/// The datasets directory: `explicit` if given, else `$DLP_DATASETS`, else the default.
/// Fails (never silently skips) when the directory is missing.
pub fn datasets_dir(explicit: Option<PathBuf>) -> Result<PathBuf, EvalError> {
    let dir = explicit
        .or_else(|| std::env::var_os(DATASETS_ENV).map(PathBuf::from))
        .unwrap_or_else(default_datasets_dir);
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(EvalError::DatasetsMissing(dir))
    }
}

fn read(path: &Path) -> Result<Vec<u8>, EvalError> {
    std::fs::read(path).map_err(|source| EvalError::Io {
        path: path.to_owned(),
        source,
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, EvalError> {
    serde_json::from_slice(&read(path)?).map_err(|source| EvalError::Json {
        path: path.to_owned(),
        source,
    })
}
