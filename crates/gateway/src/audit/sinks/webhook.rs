//! The HTTP webhook sink: each batch is one POST of newline-separated JSON events in Splunk
//! HTTP Event Collector shape (`{"time", "host", "source", "sourcetype", "event"}`), which
//! Splunk's `/services/collector` accepts as is and other receivers read as JSON lines. Any
//! answer but 2xx, or no answer, is a failure: the batch is retried with backoff and the
//! cursor does not move. The optional token goes in `Authorization: Splunk <token>`.

use std::time::Duration;

use serde_json::{Value, json};

use super::SinkError;

pub struct WebhookSink {
    url: String,
    token: Option<String>,
    http: reqwest::Client,
    host: String,
}

impl WebhookSink {
    pub fn new(url: String, token_env: Option<&str>) -> Result<WebhookSink, SinkError> {
        let token = match token_env {
            Some(var) => Some(std::env::var(var).map_err(|_| {
                SinkError(format!(
                    "webhook sink: token_env names ${var}, which is not set"
                ))
            })?),
            None => None,
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SinkError(format!("webhook sink: {e}")))?;
        Ok(WebhookSink {
            url,
            token,
            http,
            host: super::hostname(),
        })
    }

    /// The URL without credentials or query, for messages.
    fn shown_url(&self) -> String {
        match url::Url::parse(&self.url) {
            Ok(u) => format!(
                "{}://{}{}",
                u.scheme(),
                u.host_str().unwrap_or(""),
                u.path()
            ),
            Err(_) => "the webhook URL".to_owned(),
        }
    }

    pub async fn deliver(&mut self, events: &[Value]) -> Result<(), SinkError> {
        let mut body = String::new();
        for event in events {
            let time = event
                .get("time")
                .and_then(Value::as_str)
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.timestamp_micros() as f64 / 1e6);
            let hec = json!({
                "time": time,
                "host": self.host,
                "source": "confluence-gateway",
                "sourcetype": "confluence-gateway:audit",
                "event": event,
            });
            body.push_str(&hec.to_string());
            body.push('\n');
        }
        let mut request = self
            .http
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        if let Some(token) = &self.token {
            request = request.header(reqwest::header::AUTHORIZATION, format!("Splunk {token}"));
        }
        let response = request.send().await.map_err(|e| {
            SinkError(format!(
                "POST {}: {}",
                self.shown_url(),
                if e.is_timeout() {
                    "timed out"
                } else if e.is_connect() {
                    "cannot connect"
                } else {
                    "request failed"
                }
            ))
        })?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SinkError(format!(
                "POST {}: HTTP {status}",
                self.shown_url()
            )))
        }
    }
}
