//! The JSONL file sink: one exported event (its body plus `hash`) per line, appended and
//! synced per batch. The file is created with mode 0600.

use std::path::PathBuf;

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use super::SinkError;

pub struct JsonlSink {
    path: PathBuf,
}

impl JsonlSink {
    pub fn new(path: PathBuf) -> JsonlSink {
        JsonlSink { path }
    }

    pub async fn deliver(&mut self, events: &[Value]) -> Result<(), SinkError> {
        let fail = |e: std::io::Error| SinkError(format!("{}: {e}", self.path.display()));
        let mut text = String::new();
        for event in events {
            text.push_str(&event.to_string());
            text.push('\n');
        }
        let mut options = tokio::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(&self.path).await.map_err(fail)?;
        file.write_all(text.as_bytes()).await.map_err(fail)?;
        file.sync_data().await.map_err(fail)?;
        Ok(())
    }
}
