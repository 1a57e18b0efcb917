//! What the gateway adds: `get_page` on a ~20 KB storage page (read repeatedly, and across
//! [`COLD_PAGES`] distinct pages so every read misses the memos) and `search`, called directly on
//! the emulator and through the gateway's whole pipeline (Host/Origin check, agent key,
//! validation, rate limit (disabled here), authorization, space scope, Confluence call,
//! Markdown conversion, size cap, DLP on text and structured content, audit written through
//! the same `tracing` subscriber as `serve`), in one process on this machine.
//!
//! ```sh
//! cargo run --release -p gateway --example bench -- [--seconds 5] [--rate 500] [--concurrency 32]
//! bash scripts/bench-gateway.sh          # the same, plus the machine's load around it
//! ```
//!
//! Per operation it prints:
//! - latency p50/p99 at `--rate` calls/s, direct and through the gateway, and the difference
//!   ("added"). Open loop and coordinated-omission-safe: calls are sent on a fixed schedule by
//!   a dedicated thread whatever the answers' speed, and each latency runs from the time the
//!   call was *due*, so a stall shows up in every call it delays;
//! - the maximum calls/s direct and through the gateway with `--concurrency` callers (closed
//!   loop), and their ratio;
//!
//! Direct and gateway calls take turns in short slices (250 ms open loop, 500 ms closed
//! loop) for `--seconds` each, so both meet the same background load;
//! - the process's CPU time per call in the closed loops (all threads: load generator,
//!   emulator and gateway). It hardly depends on what else runs on the machine, so it is the
//!   figure to compare between runs on a busy machine.
//!
//! Load generator, emulator and gateway share the CPUs, so "max calls/s" is what the whole
//! system does on this machine; on a shared machine every wall-clock figure includes the
//! other processes' load (printed at the start and at the end).
//!
//! `--sequential N --target direct|gateway` makes N calls one after another on one thread
//! and prints nothing else: for instruction counts under `valgrind --tool=callgrind`
//! (subtract a run with N = 0).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The same allocator as the `confluence-gateway` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    seconds: u64,
    rate: u64,
    concurrency: usize,
    /// Only operations whose name starts with this (for profiling one of them).
    only: Option<String>,
    /// Profiling mode: this many calls in sequence, nothing measured or printed.
    sequential: Option<u64>,
    /// Profiling mode: `direct` or `gateway`.
    target: String,
    /// Where audit lines go (as `serve` writes them to stderr).
    audit_log: String,
}

/// Distinct pages for the cold `get_page` row: more than the conversion memo's 1,024 entries.
const COLD_PAGES: usize = 1500;

const USAGE: &str = "usage: bench [--seconds N] [--rate CALLS_PER_S] [--concurrency N] \
     [--only get_page|search] [--audit-log PATH] [--sequential N --target direct|gateway]";

fn args() -> Args {
    let mut a = Args {
        seconds: 5,
        rate: 500,
        concurrency: 32,
        only: None,
        sequential: None,
        target: "gateway".to_owned(),
        audit_log: "/dev/null".to_owned(),
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let (flag, value) = (pair[0].as_str(), pair.get(1).cloned());
        let number = value.as_deref().and_then(|v| v.parse::<u64>().ok());
        match (flag, value, number) {
            ("--only", Some(v), _) => a.only = Some(v),
            ("--target", Some(v), _) if v == "direct" || v == "gateway" => a.target = v,
            ("--audit-log", Some(v), _) => a.audit_log = v,
            ("--seconds", _, Some(v)) => a.seconds = v,
            ("--rate", _, Some(v)) if v > 0 => a.rate = v,
            ("--concurrency", _, Some(v)) if v > 0 => a.concurrency = v as usize,
            ("--sequential", _, Some(v)) => a.sequential = Some(v),
            _ => {
                eprintln!("{USAGE}");
                std::process::exit(2);
            }
        }
    }
    a
}

/// One kind of call, ready to send.
#[derive(Clone)]
enum Call {
    /// A GET to the emulator with Basic credentials (user, API token); successive calls
    /// take the URLs in turn.
    Direct {
        urls: Arc<[String]>,
        next: Arc<AtomicUsize>,
        user: String,
        token: String,
    },
    /// A `tools/call` through the gateway; successive calls take the bodies in turn.
    Gateway {
        url: String,
        key: String,
        bodies: Arc<[Value]>,
        next: Arc<AtomicUsize>,
    },
}

impl Call {
    async fn send(&self, http: &reqwest::Client) -> bool {
        let resp = match self {
            Call::Direct {
                urls,
                next,
                user,
                token,
            } => {
                let url = &urls[next.fetch_add(1, Ordering::Relaxed) % urls.len()];
                http.get(url).basic_auth(user, Some(token)).send().await
            }
            Call::Gateway {
                url,
                key,
                bodies,
                next,
            } => {
                let body = &bodies[next.fetch_add(1, Ordering::Relaxed) % bodies.len()];
                http.post(url)
                    .bearer_auth(key)
                    .header("Accept", "application/json, text/event-stream")
                    .header("MCP-Protocol-Version", "2025-06-18")
                    .json(body)
                    .send()
                    .await
            }
        };
        let Ok(resp) = resp else { return false };
        let ok = resp.status().is_success();
        let Ok(bytes) = resp.bytes().await else {
            return false;
        };
        // A tool error is a failed call for the benchmark's purposes.
        ok && memchr::memmem::find(&bytes, b"\"isError\":true").is_none()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

struct OpenLoop {
    p50: Duration,
    p99: Duration,
    failures: usize,
    /// How late the scheduler thread sent calls (p99), to tell generator lag from latency.
    send_lag_p99: Duration,
}

/// Slices of the open loop: direct and gateway calls take turns in slices this long, so that
/// both see the same background load on a shared machine (a 5 s run of one then a 5 s run of
/// the other can meet very different neighbours).
const OPEN_SLICE: Duration = Duration::from_millis(250);
/// The same for the closed loop.
const CLOSED_SLICE: Duration = Duration::from_millis(500);

/// Open loop: for each of `calls`, one call due every 1/rate s for `seconds` in total,
/// whatever the answers' speed; the calls take turns in slices of [`OPEN_SLICE`]. Calls are
/// sent by a plain thread that sleeps until each is due (tokio's timer has 1 ms granularity,
/// too coarse at 500 calls/s), and latency runs from the due time, not from when the call
/// was actually sent (no coordinated omission).
async fn open_loop(
    http: &reqwest::Client,
    calls: &[Call; 2],
    rate: u64,
    seconds: u64,
) -> [OpenLoop; 2] {
    let interval = Duration::from_nanos(1_000_000_000 / rate.max(1));
    let per_slice = (OPEN_SLICE.as_nanos() / interval.as_nanos()).max(1) as usize;
    let per_call = (rate * seconds) as usize;
    let (results_tx, mut results_rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = tokio::runtime::Handle::current();
    let (http, calls) = (http.clone(), calls.clone());
    let scheduler = std::thread::spawn(move || {
        let start = Instant::now() + Duration::from_millis(5);
        let mut lags: [Vec<Duration>; 2] = Default::default();
        for i in 0..per_call * 2 {
            // Slice number → which call; position in the slice → when.
            let (slice, at) = (i / per_slice, i % per_slice);
            let which = slice % 2;
            let due = start + OPEN_SLICE * slice as u32 + interval * at as u32;
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            lags[which].push(Instant::now().saturating_duration_since(due));
            let (http, call, tx) = (http.clone(), calls[which].clone(), results_tx.clone());
            handle.spawn(async move {
                let ok = call.send(&http).await;
                let _ = tx.send((which, due.elapsed(), ok));
            });
        }
        lags
    });
    let mut latencies: [Vec<Duration>; 2] = Default::default();
    let mut failures = [0usize; 2];
    for _ in 0..per_call * 2 {
        let Some((which, latency, ok)) = results_rx.recv().await else {
            break;
        };
        failures[which] += usize::from(!ok);
        latencies[which].push(latency);
    }
    let lags = tokio::task::spawn_blocking(move || scheduler.join().unwrap())
        .await
        .unwrap();
    let mut summary = |which: usize, mut lags: Vec<Duration>| {
        let latencies = &mut latencies[which];
        latencies.sort_unstable();
        lags.sort_unstable();
        OpenLoop {
            p50: percentile(latencies, 0.5),
            p99: percentile(latencies, 0.99),
            failures: failures[which],
            send_lag_p99: percentile(&lags, 0.99),
        }
    };
    let [direct_lags, gateway_lags] = lags;
    [summary(0, direct_lags), summary(1, gateway_lags)]
}

#[derive(Default)]
struct ClosedLoop {
    calls_per_second: f64,
    failures: usize,
    /// CPU time of the whole process per call.
    cpu_per_call: Duration,
}

/// Closed loop: `concurrency` callers as fast as they can, `seconds` in total for each of
/// `calls`, taking turns in slices of [`CLOSED_SLICE`].
async fn closed_loop(
    http: &reqwest::Client,
    calls: &[Call; 2],
    concurrency: usize,
    seconds: u64,
) -> [ClosedLoop; 2] {
    // Per call: calls done, failures, busy time, CPU time.
    let mut totals = [(0usize, 0usize, Duration::ZERO, Duration::ZERO); 2];
    let slices = (Duration::from_secs(seconds).as_nanos() / CLOSED_SLICE.as_nanos()).max(1);
    for slice in 0..slices * 2 {
        let which = (slice % 2) as usize;
        let cpu_before = process_cpu_time();
        let started = Instant::now();
        let deadline = started + CLOSED_SLICE;
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let (http, call) = (http.clone(), calls[which].clone());
            workers.push(tokio::spawn(async move {
                let (mut done, mut failed) = (0usize, 0usize);
                while Instant::now() < deadline {
                    if call.send(&http).await {
                        done += 1;
                    } else {
                        failed += 1;
                    }
                }
                (done, failed)
            }));
        }
        for w in workers {
            let (d, f) = w.await.unwrap();
            totals[which].0 += d;
            totals[which].1 += f;
        }
        totals[which].2 += started.elapsed();
        totals[which].3 += process_cpu_time().saturating_sub(cpu_before);
    }
    totals.map(|(done, failed, busy, cpu)| ClosedLoop {
        calls_per_second: done as f64 / busy.as_secs_f64(),
        failures: failed,
        cpu_per_call: cpu / (done + failed).max(1) as u32,
    })
}

/// CPU time (user + system) of every thread of this process, from `/proc/self/stat` (clock
/// ticks of 10 ms; closed loops run long enough for that to be precise).
fn process_cpu_time() -> Duration {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may hold spaces) start at field 3 (state).
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15, i.e. indexes 11 and 12 after the state field.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| {
            let parts: Vec<&str> = l.split_whitespace().take(3).collect();
            (parts.len() == 3).then(|| parts.join(" "))
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A storage page of about `bytes` bytes: headings, paragraphs, lists, a table, code.
fn big_storage(bytes: usize) -> String {
    let mut s = String::new();
    let mut section = 0;
    while s.len() < bytes {
        section += 1;
        s.push_str(&format!(
            "<h2>Section {section}: rollout</h2><p>Deploys happen through the CI pipeline; never \
             edit production by hand. Check the <strong>replication lag</strong> before failover \
             and page the on-call engineer when it exceeds the threshold.</p><ul><li>Take a \
             snapshot</li><li>Scale the deployment</li><li>Verify error rates</li></ul>\
             <table><tbody><tr><th>Step</th><th>Owner</th></tr><tr><td>Drain</td><td>SRE</td></tr>\
             </tbody></table><ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">bash\
             </ac:parameter><ac:plain-text-body><![CDATA[kubectl rollout status deploy/api -n prod]]>\
             </ac:plain-text-body></ac:structured-macro>"
        ));
    }
    s
}

/// Audit lines go through the same kind of subscriber `serve` installs (fmt, `info`), to a
/// file instead of stderr so they do not flood the terminal.
fn install_audit_log(path: &str) {
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    else {
        eprintln!("cannot open --audit-log {path}");
        std::process::exit(2);
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info,rmcp=warn"))
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

fn main() {
    let args = args();
    install_audit_log(&args.audit_log);
    let runtime = if args.sequential.is_some() {
        // One thread: instruction counts do not depend on work stealing.
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    }
    .enable_all()
    .build()
    .unwrap();
    runtime.block_on(run(args));
}

async fn run(args: Args) {
    confluence::install_crypto_provider();
    let demo = gateway::demo::start(&gateway::demo::DemoOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        emulator_listen: "127.0.0.1:0".parse().unwrap(),
        token_ttl_secs: 3600,
        calls_per_second: 0.0,
        oauth: false,
    })
    .await
    .expect("demo starts");
    let info = Arc::new(demo.info.clone());
    let site = info.emulator.site_url.clone();
    let alice = info
        .emulator
        .users
        .iter()
        .find(|u| u.email == "alice@example.com")
        .unwrap();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .unwrap();
    let basic =
        |req: reqwest::RequestBuilder| req.basic_auth("alice@example.com", Some(&alice.api_token));

    // The ~20 KB page, created in ENG (support-bot's scope).
    let spaces: Value = basic(http.get(format!("{site}/wiki/api/v2/spaces?keys=ENG")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let space_id = spaces["results"][0]["id"].as_str().unwrap().to_owned();
    let storage = big_storage(20_000);
    let created: Value = basic(http.post(format!("{site}/wiki/api/v2/pages")))
        .json(
            &json!({"spaceId": space_id, "status": "current", "title": "Benchmark page",
                      "body": {"representation": "storage", "value": storage}}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let page_id = created["id"].as_str().unwrap().to_owned();
    // More distinct pages of the same size than the gateway's memos hold, read in turn, so
    // every read converts and scans anew: the cost of a page read for the first time.
    let mut cold_ids = Vec::new();
    for n in 0..COLD_PAGES {
        let storage = format!("<p>Copy {n}.</p>{storage}");
        let created: Value = basic(http.post(format!("{site}/wiki/api/v2/pages")))
            .json(&json!({"spaceId": space_id, "status": "current",
                "title": format!("Benchmark page {n}"),
                "body": {"representation": "storage", "value": storage}}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        cold_ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let url = info
        .servers
        .iter()
        .find(|s| s.name == "readonly")
        .unwrap()
        .url
        .clone();
    let key = info
        .agents
        .iter()
        .find(|a| a.name == "support-bot")
        .unwrap()
        .key
        .clone();
    let tools = |name: &str, arguments: Vec<Value>| {
        Call::Gateway {
        url: url.clone(),
        key: key.clone(),
        bodies: arguments
            .into_iter()
            .map(|arguments| json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}))
            .collect(),
        next: Arc::default(),
    }
    };
    let tool = |name: &str, arguments: Value| tools(name, vec![arguments]);
    let directs = |urls: Vec<String>| Call::Direct {
        urls: urls.into(),
        next: Arc::default(),
        user: "alice@example.com".to_owned(),
        token: alice.api_token.clone(),
    };
    let direct = |url: String| directs(vec![url]);
    let cql = url::form_urlencoded::byte_serialize(b"text ~ \"runbook\" AND space IN (ENG, DOCS)")
        .collect::<String>();
    let ops = [
        (
            format!("get_page ({} KB storage)", storage.len() / 1000),
            direct(format!(
                "{site}/wiki/api/v2/pages/{page_id}?body-format=storage"
            )),
            tool("get_page", json!({"page_id": page_id})),
        ),
        (
            format!("get_page, {COLD_PAGES} pages"),
            directs(
                cold_ids
                    .iter()
                    .map(|id| format!("{site}/wiki/api/v2/pages/{id}?body-format=storage"))
                    .collect(),
            ),
            tools(
                "get_page",
                cold_ids.iter().map(|id| json!({"page_id": id})).collect(),
            ),
        ),
        (
            "search (10 hits)".to_owned(),
            direct(format!("{site}/wiki/rest/api/search?cql={cql}&limit=10")),
            tool("search", json!({"query": "runbook", "limit": 10})),
        ),
    ];
    let selected = ops.iter().filter(|(name, _, _)| {
        args.only
            .as_ref()
            .is_none_or(|only| name.starts_with(only.as_str()))
    });

    if let Some(n) = args.sequential {
        for (name, direct, through) in selected {
            let call = if args.target == "direct" {
                direct
            } else {
                through
            };
            for _ in 0..n {
                assert!(call.send(&http).await, "{name}: call failed");
            }
        }
        return;
    }

    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!(
        "confluence-gateway benchmark: {} s per measurement; latency at {} calls/s (open loop); \
         max calls/s with {} callers (closed loop); {cpus} CPUs; load average at start {}\n",
        args.seconds,
        args.rate,
        args.concurrency,
        load_average()
    );
    println!(
        "{:<25} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8} {:>6} | {:>8} {:>8}",
        "",
        "direct",
        "direct",
        "gateway",
        "gateway",
        "added",
        "added",
        "direct",
        "gateway",
        "",
        "CPU/call",
        "CPU/call"
    );
    println!(
        "{:<25} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} | {:>8} {:>8} {:>6} | {:>8} {:>8}",
        "operation",
        "p50",
        "p99",
        "p50",
        "p99",
        "p50",
        "p99",
        "max/s",
        "max/s",
        "ratio",
        "direct",
        "gateway"
    );
    let mut notes = Vec::new();
    for (name, direct, through) in selected {
        // Warm up connections, caches and the space-id lookup.
        for _ in 0..200 {
            assert!(direct.send(&http).await, "{name}: direct call failed");
            assert!(through.send(&http).await, "{name}: gateway call failed");
        }
        let pair = [direct.clone(), through.clone()];
        let [d, g] = open_loop(&http, &pair, args.rate, args.seconds).await;
        let [dmax, gmax] = closed_loop(&http, &pair, args.concurrency, args.seconds).await;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let us = |d: Duration| format!("{:.0}µs", d.as_secs_f64() * 1e6);
        println!(
            "{:<25} {:>6.2}ms {:>6.2}ms {:>6.2}ms {:>6.2}ms {:>6.2}ms {:>6.2}ms | {:>8.0} {:>8.0} {:>5.2}x | {:>8} {:>8}",
            name,
            ms(d.p50),
            ms(d.p99),
            ms(g.p50),
            ms(g.p99),
            ms(g.p50) - ms(d.p50),
            ms(g.p99) - ms(d.p99),
            dmax.calls_per_second,
            gmax.calls_per_second,
            gmax.calls_per_second / dmax.calls_per_second.max(1e-9),
            us(dmax.cpu_per_call),
            us(gmax.cpu_per_call),
        );
        let failures = d.failures + g.failures + dmax.failures + gmax.failures;
        if failures > 0 {
            notes.push(format!(
                "{name}: failures: open loop direct {}, gateway {}; closed loop direct {}, gateway {}",
                d.failures, g.failures, dmax.failures, gmax.failures
            ));
        }
        notes.push(format!(
            "{name}: send lag p99 (scheduler thread late): direct {:.2} ms, gateway {:.2} ms",
            ms(d.send_lag_p99),
            ms(g.send_lag_p99)
        ));
        let capacity = |c: &ClosedLoop| cpus as f64 / c.cpu_per_call.as_secs_f64().max(1e-9);
        notes.push(format!(
            "{name}: with all {cpus} CPUs to itself, CPU/call allows about {:.0} calls/s direct, \
             {:.0} through the gateway (an estimate; max/s above is what this run got)",
            capacity(&dmax),
            capacity(&gmax)
        ));
        if dmax.calls_per_second.min(gmax.calls_per_second) < 1.25 * args.rate as f64 {
            notes.push(format!(
                "{name}: {} calls/s is near or above what this machine sustains for this \
                 operation now, so its latencies include queueing; try a lower --rate",
                args.rate
            ));
        }
    }
    println!("\nload average at end {}", load_average());
    for note in notes {
        println!("{note}");
    }
    println!(
        "\nadded = gateway - direct, per percentile. CPU/call: CPU time of the whole process \
         (load generator, emulator, gateway) per call in the closed loop.\n\
         Targets (issue 6): added p99 <= 1 ms at 500 calls/s; >= 3,000 calls/s through the gateway."
    );
}
