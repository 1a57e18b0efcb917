//! Audit sinks against local receivers (syslog over UDP and TCP, an HTTP collector), an
//! outage of the receivers with nothing lost, the fail-closed and fail-open modes against a
//! locked database, and the health and metrics endpoints. Real processes, real sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit_support;
mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use audit_support::*;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

type Received = Arc<Mutex<Vec<String>>>;

/// The `id="N"` of a syslog message.
fn syslog_id(message: &str) -> Option<i64> {
    let rest = message.split("[audit@32473 id=\"").nth(1)?;
    rest.split('"').next()?.parse().ok()
}

/// A TCP syslog receiver reading RFC 6587 octet-counted frames; stoppable and restartable
/// on the same port.
struct TcpReceiver {
    addr: SocketAddr,
    tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl TcpReceiver {
    async fn start(addr: SocketAddr, got: Received) -> TcpReceiver {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (got2, tasks2) = (got.clone(), tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let got = got2.clone();
                tasks2.lock().unwrap().push(tokio::spawn(async move {
                    let mut reader = BufReader::new(stream);
                    loop {
                        let mut len = Vec::new();
                        if reader.read_until(b' ', &mut len).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let Ok(n) = String::from_utf8_lossy(&len).trim().parse::<usize>() else {
                            return;
                        };
                        let mut message = vec![0u8; n];
                        if reader.read_exact(&mut message).await.is_err() {
                            return;
                        }
                        got.lock()
                            .unwrap()
                            .push(String::from_utf8_lossy(&message).into_owned());
                    }
                }));
            }
        });
        tasks.lock().unwrap().push(accept);
        TcpReceiver { addr, tasks }
    }

    /// Stops listening and closes every connection.
    fn stop(&self) {
        for t in self.tasks.lock().unwrap().drain(..) {
            t.abort();
        }
    }
}

/// An HTTP collector (Splunk HEC shape, newline-separated JSON), restartable on its port.
struct HttpReceiver {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

async fn http_receiver(
    addr: SocketAddr,
    got: Arc<Mutex<Vec<Value>>>,
    auth: Received,
) -> HttpReceiver {
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/services/collector",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let (got, auth) = (got.clone(), auth.clone());
            async move {
                if let Some(a) = headers.get("authorization") {
                    auth.lock().unwrap().push(a.to_str().unwrap().to_owned());
                }
                for line in body.lines().filter(|l| !l.is_empty()) {
                    got.lock()
                        .unwrap()
                        .push(serde_json::from_str(line).unwrap());
                }
                axum::Json(json!({ "text": "Success", "code": 0 }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    HttpReceiver { addr, stop, task }
}

impl HttpReceiver {
    async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

async fn metric(http: &reqwest::Client, base: &str, series: &str) -> f64 {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok()))
        .unwrap_or(-1.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sinks_deliver_every_event_and_an_outage_loses_nothing() {
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let udp_addr = udp.local_addr().unwrap();
    let udp_got: Received = Arc::default();
    let udp_got2 = udp_got.clone();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 65536];
        while let Ok(n) = udp.recv(&mut buf).await {
            udp_got2
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    });
    let tcp_got: Received = Arc::default();
    let tcp = TcpReceiver::start("127.0.0.1:0".parse().unwrap(), tcp_got.clone()).await;
    let hec_got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let hec_auth: Received = Arc::default();
    let hec = http_receiver(
        "127.0.0.1:0".parse().unwrap(),
        hec_got.clone(),
        hec_auth.clone(),
    )
    .await;
    let hec_addr = hec.addr;

    let setup = Setup::new(
        "audit-sinks",
        &format!(
            "[audit]\n\
             [[audit.sinks]]\nname = \"file\"\ntype = \"jsonl\"\npath = \"audit.jsonl\"\n\n\
             [[audit.sinks]]\nname = \"syslog-udp\"\ntype = \"syslog\"\naddress = \"{udp_addr}\"\ntransport = \"udp\"\n\n\
             [[audit.sinks]]\nname = \"syslog-tcp\"\ntype = \"syslog\"\naddress = \"{}\"\ntransport = \"tcp\"\n\n\
             [[audit.sinks]]\nname = \"splunk\"\ntype = \"webhook\"\nurl = \"http://{hec_addr}/services/collector\"\n\
             token_env = \"CGW_HEC_TOKEN\"\nbatch_size = 7\n",
            tcp.addr
        ),
    )
    .await;
    let gw = setup.serve_with_env("gateway.log", &[("CGW_HEC_TOKEN", "hec-token-for-tests")]);
    let http = common::http();
    assert_eq!(
        http.get(format!("{}/healthz", gw.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        http.get(format!("{}/readyz", gw.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let calls = async |from: usize, to: usize| {
        for i in from..to {
            call_with_id(
                &http,
                &gw.url("readonly"),
                setup.key("reader"),
                &format!("s-{i}"),
                "list_spaces",
                json!({}),
            )
            .await
            .unwrap();
        }
    };
    let last_id = || {
        setup
            .export()
            .last()
            .map(|e| e["id"].as_i64().unwrap())
            .unwrap_or(0)
    };
    let syslog_ids = |got: &Received| -> BTreeSet<i64> {
        got.lock()
            .unwrap()
            .iter()
            .filter_map(|m| syslog_id(m))
            .collect()
    };
    let hec_ids = || -> BTreeSet<i64> {
        hec_got
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| e["event"]["id"].as_i64())
            .collect()
    };
    let file = setup.scratch.0.join("audit.jsonl");
    let file_ids = || -> BTreeSet<i64> {
        std::fs::read_to_string(&file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok()?["id"].as_i64())
            .collect()
    };

    calls(0, 10).await;
    let first = last_id();
    let all = |n: i64| -> BTreeSet<i64> { (1..=n).collect() };
    until(
        Duration::from_secs(20),
        "every sink to catch up",
        async || {
            syslog_ids(&udp_got) == all(first)
                && syslog_ids(&tcp_got) == all(first)
                && hec_ids() == all(first)
                && file_ids() == all(first)
        },
    )
    .await;

    // Outage: the TCP syslog receiver and the HTTP collector go away.
    tcp.stop();
    hec.shutdown().await;
    calls(10, 25).await;
    let second = last_id();
    assert!(second >= first + 15);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        metric(
            &http,
            &gw.base,
            "cgw_audit_sink_lag_events{sink=\"splunk\"}"
        )
        .await
            > 0.0
    );
    assert!(
        metric(
            &http,
            &gw.base,
            "cgw_audit_sink_failures_total{sink=\"splunk\"}"
        )
        .await
            > 0.0
    );
    assert!(
        metric(
            &http,
            &gw.base,
            "cgw_audit_sink_lag_events{sink=\"syslog-tcp\"}"
        )
        .await
            > 0.0
    );
    assert!(!hec_ids().contains(&second));

    // Back on the same ports: everything committed meanwhile arrives.
    let tcp = TcpReceiver::start(tcp.addr, tcp_got.clone()).await;
    let hec = http_receiver(hec_addr, hec_got.clone(), hec_auth.clone()).await;
    until(
        Duration::from_secs(40),
        "the sinks to deliver the backlog",
        async || syslog_ids(&tcp_got) == all(second) && hec_ids() == all(second),
    )
    .await;
    until(Duration::from_secs(10), "the other sinks", async || {
        syslog_ids(&udp_got) == all(second) && file_ids() == all(second)
    })
    .await;
    assert_eq!(
        metric(
            &http,
            &gw.base,
            "cgw_audit_sink_lag_events{sink=\"splunk\"}"
        )
        .await,
        0.0
    );

    // Formats: RFC 5424 (facility 13, informational), HEC with the token, events with hashes.
    let message = tcp_got.lock().unwrap()[0].clone();
    assert!(message.starts_with("<110>1 "), "{message}");
    assert!(message.contains(" confluence-gateway "), "{message}");
    assert!(message.contains(" tools.call [audit@32473 id=\"1\" agent=\"reader\" tool=\"list_spaces\" decision=\"allow\" outcome=\"ok\"] "), "{message}");
    let json_part: Value =
        serde_json::from_str(&message[message.find("] {").unwrap() + 2..]).unwrap();
    assert_eq!(json_part["hash"].as_str().unwrap().len(), 64);
    let hec_event = hec_got.lock().unwrap()[0].clone();
    assert_eq!(hec_event["sourcetype"], "confluence-gateway:audit");
    assert!(hec_event["time"].as_f64().unwrap() > 1.7e9);
    assert!(
        hec_auth
            .lock()
            .unwrap()
            .iter()
            .all(|a| a == "Splunk hec-token-for-tests")
    );
    tcp.stop();
    hec.shutdown().await;
}

/// Holds SQLite's write lock from another connection until dropped (as a stuck backup or a
/// sqlite3 shell mid-transaction would).
async fn lock_database(setup: &Setup) -> sqlx::SqliteConnection {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_closed_refuses_calls_it_cannot_record_and_recovers() {
    let setup = Setup::new("audit-closed", "").await;
    let gw = setup.serve("gateway.log");
    let http = common::http();
    let ro = gw.url("readonly");
    let ok = call_with_id(
        &http,
        &ro,
        setup.key("reader"),
        "before",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(ok["result"]["isError"], false);

    let mut lock = lock_database(&setup).await;
    let refused = call_with_id(
        &http,
        &ro,
        setup.key("reader"),
        "during",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(refused["result"]["isError"], true, "{refused}");
    let text = refused["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("audit trail cannot record this call"),
        "{text}"
    );
    assert_eq!(
        http.get(format!("{}/readyz", gw.base))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    assert_eq!(
        metric(&http, &gw.base, "cgw_audit_calls_refused_total").await,
        1.0
    );
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    drop(lock);

    let after = call_with_id(
        &http,
        &ro,
        setup.key("reader"),
        "after",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(after["result"]["isError"], false);
    assert_eq!(
        http.get(format!("{}/readyz", gw.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let ids: Vec<String> = setup
        .export()
        .iter()
        .filter_map(|e| e["request_id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        ids,
        ["before", "after"],
        "the refused call left no event, the others one each"
    );
    assert!(gw.log_text().contains("AUDIT TRAIL UNAVAILABLE"));
    assert_eq!(setup.audit(&["verify"]).0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_open_serves_calls_and_counts_lost_events_loudly() {
    let setup = Setup::new("audit-open", "[audit]\nmode = \"fail_open\"\n").await;
    let gw = setup.serve("gateway.log");
    let http = common::http();
    let ro = gw.url("readonly");
    let mut lock = lock_database(&setup).await;
    let started = std::time::Instant::now();
    let served = call_with_id(
        &http,
        &ro,
        setup.key("reader"),
        "open",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(served["result"]["isError"], false, "{served}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "fail_open does not wait for the commit"
    );
    until(
        Duration::from_secs(15),
        "the lost event to be counted",
        async || metric(&http, &gw.base, "cgw_audit_events_lost_total").await >= 1.0,
    )
    .await;
    assert!(gw.log_text().contains("AUDIT EVENTS LOST"));
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    drop(lock);
    call_with_id(
        &http,
        &ro,
        setup.key("reader"),
        "later",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    until(Duration::from_secs(5), "the next event", async || {
        setup.export().iter().any(|e| e["request_id"] == "later")
    })
    .await;
    assert_eq!(setup.audit(&["verify"]).0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_cover_calls_latency_dlp_upstream_and_the_audit_queue() {
    let setup = Setup::new("audit-metrics", "").await;
    let page = setup.plant_page().await;
    let gw = setup.serve("gateway.log");
    let http = common::http();
    let ro = gw.url("readonly");
    call_with_id(
        &http,
        &ro,
        setup.key("reader"),
        "m-1",
        "get_page",
        json!({ "page_id": page }),
    )
    .await
    .unwrap();
    call_with_id(
        &http,
        &ro,
        setup.key("limited"),
        "m-2",
        "get_page",
        json!({ "page_id": page }),
    )
    .await
    .unwrap();
    let response = http
        .get(format!("{}/metrics", gw.base))
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = response.text().await.unwrap();
    for series in [
        "cgw_calls_total{kind=\"tools/call\",tool=\"get_page\",decision=\"allow\",outcome=\"ok\"} 1",
        "cgw_calls_total{kind=\"tools/call\",tool=\"get_page\",decision=\"deny\",outcome=\"hidden_by_policy\"} 1",
        "cgw_call_duration_seconds_count{part=\"total\"} 2",
        "cgw_call_duration_seconds_count{part=\"upstream\"} 2",
        "cgw_dlp_findings_total{detector=\"gitlab_personal_access_token\",direction=\"result\"}",
        "cgw_upstream_throttled_total 0",
        "cgw_upstream_retries_total 0",
        "cgw_token_refreshes_total 0",
        "cgw_audit_queue_depth ",
        "cgw_audit_queue_capacity 10000",
        "cgw_audit_events_written_total 2",
        "cgw_audit_events_lost_total 0",
        "cgw_audit_commit_wait_seconds_count 2",
    ] {
        assert!(text.contains(series), "missing {series}:\n{text}");
    }
    assert!(metric(&http, &gw.base, "cgw_upstream_requests_total").await >= 1.0);
    // No agent names or ids in labels.
    assert!(!text.contains("reader") && !text.contains(&page));
}
