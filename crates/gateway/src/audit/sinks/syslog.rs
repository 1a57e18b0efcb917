//! The syslog sink: RFC 5424 messages, over UDP (one datagram per event; UDP cannot confirm
//! delivery) or TCP (RFC 6587 octet-counted frames; the connection is checked before each
//! batch and re-opened after failures, and a batch is re-sent whole).
//!
//! `<PRI>1 TIMESTAMP HOST confluence-gateway PID MSGID [audit@32473 id=… agent=… tool=…
//! decision=… outcome=…] {event JSON}`; MSGID is the kind (`tools.call`); severity is
//! informational for successful calls, notice for failures, warning for denials and DLP blocks.

use std::time::Duration;

use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpStream, UdpSocket};

use super::SinkError;
use crate::config::SyslogTransport;

/// Larger UDP messages lose their arguments (most receivers cut at 8 KiB).
const UDP_MAX: usize = 8000;

pub struct SyslogSink {
    address: String,
    transport: SyslogTransport,
    facility: u8,
    host: String,
    tcp: Option<TcpStream>,
    udp: Option<UdpSocket>,
}

impl SyslogSink {
    pub fn new(address: String, transport: SyslogTransport, facility: u8) -> SyslogSink {
        SyslogSink {
            address,
            transport,
            facility: facility.min(23),
            host: super::hostname(),
            tcp: None,
            udp: None,
        }
    }

    pub async fn deliver(&mut self, events: &[Value]) -> Result<(), SinkError> {
        match self.transport {
            SyslogTransport::Udp => self.deliver_udp(events).await,
            SyslogTransport::Tcp => self.deliver_tcp(events).await,
        }
    }

    async fn deliver_udp(&mut self, events: &[Value]) -> Result<(), SinkError> {
        let fail = |e: std::io::Error| SinkError(format!("syslog udp {}: {e}", self.address));
        if self.udp.is_none() {
            let bind = if self.address.starts_with('[') {
                "[::]:0"
            } else {
                "0.0.0.0:0"
            };
            let socket = UdpSocket::bind(bind).await.map_err(fail)?;
            socket.connect(&self.address).await.map_err(fail)?;
            self.udp = Some(socket);
        }
        for event in events {
            let mut message = self.format(event);
            if message.len() > UDP_MAX {
                let mut smaller = event.clone();
                smaller["arguments"] = Value::from("[omitted: too large for a syslog datagram]");
                message = self.format(&smaller);
            }
            let sent = match &self.udp {
                Some(socket) => socket.send(message.as_bytes()).await,
                None => Ok(0),
            };
            if let Err(e) = sent {
                self.udp = None;
                return Err(fail(e));
            }
        }
        Ok(())
    }

    async fn deliver_tcp(&mut self, events: &[Value]) -> Result<(), SinkError> {
        let fail = |e: std::io::Error| SinkError(format!("syslog tcp {}: {e}", self.address));
        if self.tcp.as_ref().is_some_and(peer_closed) {
            self.tcp = None;
        }
        if self.tcp.is_none() {
            let stream =
                tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(&self.address))
                    .await
                    .map_err(|_| {
                        SinkError(format!("syslog tcp {}: connect timed out", self.address))
                    })?
                    .map_err(fail)?;
            let _ = stream.set_nodelay(true);
            self.tcp = Some(stream);
        }
        let mut frames = Vec::new();
        for event in events {
            let message = self.format(event);
            frames.extend_from_slice(format!("{} ", message.len()).as_bytes());
            frames.extend_from_slice(message.as_bytes());
        }
        let written = match self.tcp.as_mut() {
            Some(stream) => match stream.write_all(&frames).await {
                Ok(()) => stream.flush().await,
                Err(e) => Err(e),
            },
            None => Ok(()),
        };
        if let Err(e) = written {
            self.tcp = None;
            return Err(fail(e));
        }
        Ok(())
    }

    /// One RFC 5424 message for `event`.
    fn format(&self, event: &Value) -> String {
        let text = |key: &str| event.get(key).and_then(Value::as_str).unwrap_or("");
        let decision = text("decision");
        let outcome = text("outcome");
        let severity = if decision == "deny" || outcome == "dlp_blocked" {
            4
        } else if outcome == "ok" {
            6
        } else {
            5
        };
        let pri = u16::from(self.facility) * 8 + severity;
        let time = event
            .get("time")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .unwrap_or("-");
        let msgid: String = text("kind")
            .chars()
            .map(|c| if c == '/' { '.' } else { c })
            .filter(|c| c.is_ascii_graphic())
            .take(32)
            .collect();
        let id = event.get("id").and_then(Value::as_i64).unwrap_or(0);
        format!(
            "<{pri}>1 {time} {} confluence-gateway {} {} [audit@32473 id=\"{id}\" agent=\"{}\" tool=\"{}\" decision=\"{}\" outcome=\"{}\"] {}",
            self.host,
            std::process::id(),
            if msgid.is_empty() {
                "-".to_owned()
            } else {
                msgid
            },
            sd_escape(text("agent")),
            sd_escape(text("tool")),
            sd_escape(decision),
            sd_escape(outcome),
            event
        )
    }
}

/// Escapes a structured-data parameter value (RFC 5424 §6.3.3).
fn sd_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether the receiver has closed the connection (a write would be lost without an error).
fn peer_closed(stream: &TcpStream) -> bool {
    let mut probe = [0u8; 64];
    match stream.try_read(&mut probe) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5424_header_and_structured_data() {
        let sink = SyslogSink::new("127.0.0.1:1".into(), SyslogTransport::Udp, 13);
        let event = serde_json::json!({
            "id": 7, "time": "2026-01-01T00:00:00.000001Z", "kind": "tools/call",
            "agent": "a\"b]", "tool": "get_page", "decision": "deny", "outcome": "forbidden"
        });
        let line = sink.format(&event);
        assert!(
            line.starts_with("<108>1 2026-01-01T00:00:00.000001Z "),
            "{line}"
        );
        assert!(line.contains(" confluence-gateway "), "{line}");
        assert!(
            line.contains(" tools.call [audit@32473 id=\"7\" agent=\"a\\\"b\\]\""),
            "{line}"
        );
    }
}
