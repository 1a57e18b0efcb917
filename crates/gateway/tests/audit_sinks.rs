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

/// Calls `list_spaces` as `reader` with request ids `{prefix}-0`, `{prefix}-1`, … until one is
/// refused (or `limit` calls); the ids of the served calls and the refusal, if any.
async fn call_until_refused(
    setup: &Setup,
    url: &str,
    prefix: &str,
    limit: usize,
) -> (Vec<String>, Option<Value>) {
    let http = common::http();
    let mut served = Vec::new();
    for i in 0..limit {
        let id = format!("{prefix}-{i}");
        let answer = call_with_id(
            &http,
            url,
            setup.key("reader"),
            &id,
            "list_spaces",
            json!({}),
        )
        .await
        .unwrap();
        if answer["result"]["isError"] == true {
            return (served, Some(answer));
        }
        served.push(id);
    }
    (served, None)
}

/// The request ids in the trail, in chain order, once `expected` are all there.
async fn trail_ids_once_present(setup: &Setup, expected: &[String]) -> Vec<String> {
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    setup
        .export_once_present(&expected)
        .await
        .iter()
        .filter_map(|e| e["request_id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_closed_refuses_calls_once_the_database_is_too_far_behind_and_loses_nothing() {
    // A small backlog so the test reaches it: the writer holds one batch, two more may wait.
    let setup = Setup::new("audit-closed", "[audit]\nqueue_capacity = 2\n").await;
    let gw = setup.serve("gateway.log");
    let http = common::http();
    let ro = gw.url("readonly");
    let (before, refused) = call_until_refused(&setup, &ro, "before", 1).await;
    assert!(refused.is_none());

    // While the database is locked, calls are journaled and served until the backlog is full.
    let mut lock = lock_database(&setup).await;
    let (during, refused) = call_until_refused(&setup, &ro, "during", 20).await;
    let refused = refused.expect("a call is refused once the backlog is full");
    assert!(
        (2..=4).contains(&during.len()),
        "served while the database was locked: {during:?}"
    );
    let text = refused["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("audit trail cannot record this call") && text.contains("behind"),
        "{text}"
    );
    // Not ready while the database is locked: the backlog is full, and once the writer's wait
    // for the lock times out the database counts as refusing.
    until(
        Duration::from_secs(15),
        "/readyz to say not ready",
        async || {
            http.get(format!("{}/readyz", gw.base))
                .send()
                .await
                .is_ok_and(|r| r.status() == 503)
        },
    )
    .await;
    assert_eq!(
        metric(&http, &gw.base, "cgw_audit_calls_refused_total").await,
        1.0
    );
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    drop(lock);

    // Once the database takes events again, the backlog drains and calls are served.
    let mut after = Vec::new();
    until(
        Duration::from_secs(20),
        "calls to be served again",
        async || {
            let (served, _) =
                call_until_refused(&setup, &ro, &format!("after{}", after.len()), 1).await;
            after.extend(served);
            !after.is_empty()
        },
    )
    .await;
    until(Duration::from_secs(20), "/readyz", async || {
        http.get(format!("{}/readyz", gw.base))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    })
    .await;
    let expected: Vec<String> = [before, during, after].concat();
    let ids = trail_ids_once_present(&setup, &expected).await;
    assert_eq!(
        ids, expected,
        "every served call has its event, in order; the refused one has none"
    );
    assert_eq!(setup.audit(&["verify"]).0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_open_serves_calls_and_counts_lost_events_loudly() {
    let setup = Setup::new(
        "audit-open",
        "[audit]\nmode = \"fail_open\"\nqueue_capacity = 1\n",
    )
    .await;
    let gw = setup.serve("gateway.log");
    let http = common::http();
    let ro = gw.url("readonly");
    let mut lock = lock_database(&setup).await;
    // Fail-open serves every call; once the backlog is full the events are lost, loudly.
    let (served, refused) = call_until_refused(&setup, &ro, "open", 4).await;
    assert!(refused.is_none(), "{refused:?}");
    assert_eq!(served.len(), 4);
    until(
        Duration::from_secs(15),
        "the lost events to be counted",
        async || metric(&http, &gw.base, "cgw_audit_events_lost_total").await >= 1.0,
    )
    .await;
    assert!(gw.log_text().contains("AUDIT EVENT LOST"));
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    drop(lock);
    let (later, _) = call_until_refused(&setup, &ro, "later", 1).await;
    let ids = trail_ids_once_present(&setup, &later).await;
    let lost = metric(&http, &gw.base, "cgw_audit_events_lost_total").await;
    // The events that fitted the backlog were kept; exactly the counted ones are missing.
    assert_eq!(
        ids.len() as f64,
        served.len() as f64 + 1.0 - lost,
        "{ids:?}"
    );
    assert!(ids.starts_with(&served[..1]), "{ids:?}");
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
    // The events are chained into the database right after the calls are answered.
    until(
        Duration::from_secs(10),
        "the events to be written",
        async || metric(&http, &gw.base, "cgw_audit_events_written_total").await >= 2.0,
    )
    .await;
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
        "cgw_audit_journal_write_seconds_count 2",
    ] {
        assert!(text.contains(series), "missing {series}:\n{text}");
    }
    assert!(metric(&http, &gw.base, "cgw_upstream_requests_total").await >= 1.0);
    // No agent names or ids in labels.
    assert!(!text.contains("reader") && !text.contains(&page));
}
