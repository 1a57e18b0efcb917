//! The audit trail end to end: `serve` and the `audit` CLI as real processes over real
//! sockets, the emulator's demo wiki behind them. Exactly one event per call whatever the
//! outcome; `kill -9` loses no answered call's event; tampering is caught and located;
//! planted secrets never reach logs, events, exports or metrics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit_support;
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use audit_support::*;
use serde_json::{Value, json};

/// What a call is expected to record.
struct Expect {
    agent: &'static str,
    tool: &'static str,
    decision: &'static str,
    /// `None`: depends on timing (the rate limit).
    outcome: Option<&'static str>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_with_mixed_outcomes_each_have_exactly_one_event() {
    let setup = Setup::new("audit-mixed", "").await;
    let page = setup.plant_page().await;
    let gw = setup.serve("gateway.log");
    let http = common::http();
    let ro = gw.url("readonly");
    let rw = gw.url("readwrite");

    let mut plan: Vec<(String, String, &'static str, Value, Expect)> = Vec::new();
    let mut add = |url: &str, agent: &'static str, tool: &'static str, args: Value, e: Expect| {
        let id = format!("mix-{}", plan.len());
        plan.push((id, url.to_owned(), agent, args, e));
        let _ = tool;
    };
    for _ in 0..4 {
        add(
            &ro,
            "reader",
            "get_page",
            json!({ "page_id": page }),
            Expect {
                agent: "reader",
                tool: "get_page",
                decision: "allow",
                outcome: Some("ok"),
            },
        );
    }
    for _ in 0..2 {
        add(
            &ro,
            "reader",
            "get_page",
            json!({ "page_id": "987654321" }),
            Expect {
                agent: "reader",
                tool: "get_page",
                decision: "allow",
                outcome: Some("not_found"),
            },
        );
        add(
            &ro,
            "reader",
            "get_page",
            json!({ "page_id": 5 }),
            Expect {
                agent: "reader",
                tool: "get_page",
                decision: "none",
                outcome: Some("invalid_argument"),
            },
        );
    }
    for _ in 0..5 {
        add(
            &ro,
            "reader2",
            "no_such_tool",
            json!({}),
            Expect {
                agent: "reader2",
                tool: "(unknown: 12 characters)",
                decision: "none",
                outcome: Some("unknown_tool"),
            },
        );
        add(
            &ro,
            "limited",
            "search",
            json!({ "cql": "type = page" }),
            Expect {
                agent: "limited",
                tool: "search",
                decision: "deny",
                // The policy hides the tool: it answers like an unknown one.
                outcome: Some("hidden_by_policy"),
            },
        );
        add(
            &ro,
            "strict",
            "get_page",
            json!({ "page_id": page }),
            Expect {
                agent: "strict",
                tool: "get_page",
                decision: "allow",
                outcome: Some("dlp_blocked"),
            },
        );
    }
    for _ in 0..15 {
        add(
            &ro,
            "flood",
            "search",
            json!({ "cql": "space = DOCS" }),
            Expect {
                agent: "flood",
                tool: "search",
                decision: "allow",
                outcome: None,
            },
        );
    }
    for i in 0..3 {
        add(
            &rw,
            "writer",
            "create_page",
            json!({ "space_key": "DOCS", "title": format!("Audit test {i}"), "body": format!("Rotate {ARG_SECRET} today.") }),
            Expect {
                agent: "writer",
                tool: "create_page",
                decision: "allow",
                outcome: Some("ok"),
            },
        );
    }
    // The tool name of the plan is the JSON-RPC one; `Expect.tool` is what the trail records.
    let tool_of = |e: &Expect| {
        if e.tool.starts_with("(unknown") {
            "no_such_tool"
        } else {
            e.tool
        }
    };

    let mut tasks = Vec::new();
    for (id, url, agent, args, expect) in &plan {
        let http = http.clone();
        let key = setup.key(agent).to_owned();
        let (id, url, args, tool) = (
            id.clone(),
            url.clone(),
            args.clone(),
            tool_of(expect).to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let answer = call_with_id(&http, &url, &key, &id, &tool, args).await;
            (id, answer)
        }));
    }
    let mut answers = HashMap::new();
    for t in tasks {
        let (id, answer) = t.await.unwrap();
        answers.insert(id, answer.unwrap());
    }

    let ids: Vec<&str> = answers.keys().map(String::as_str).collect();
    let events = setup.export_once_present(&ids).await;
    let by_id = by_request_id(&events);
    let mixed: Vec<&Value> = events
        .iter()
        .filter(|e| {
            e["kind"] == "tools/call"
                && e["request_id"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("mix-"))
        })
        .collect();
    assert_eq!(mixed.len(), plan.len(), "one tools/call event per call");
    let mut rate_limited = 0;
    for (id, _, _, _, expect) in &plan {
        let found = &by_id[id];
        assert_eq!(found.len(), 1, "{id}: {found:?}");
        let e = &found[0];
        let answer = &answers[id];
        assert_eq!(e["agent"], expect.agent, "{id}");
        assert_eq!(e["tool"], expect.tool, "{id}");
        assert_eq!(
            e["server"],
            if expect.agent == "writer" {
                "readwrite"
            } else {
                "readonly"
            }
        );
        assert_eq!(e["connection"], "bob");
        assert_eq!(e["principal"], "bob@example.com");
        let is_error = answer["result"]["isError"] == true || answer.get("error").is_some();
        assert_eq!(e["outcome"] == "ok", !is_error, "{id}: {e} vs {answer}");
        match expect.outcome {
            Some(outcome) => {
                assert_eq!(e["outcome"], outcome, "{id}: {e}");
                assert_eq!(e["decision"], expect.decision, "{id}: {e}");
            }
            None => {
                let outcome = e["outcome"].as_str().unwrap();
                assert!(outcome == "ok" || outcome == "rate_limited", "{id}: {e}");
                if outcome == "rate_limited" {
                    rate_limited += 1;
                    assert_eq!(e["decision"], "none");
                } else {
                    assert_eq!(e["decision"], "allow");
                }
            }
        }
        let latency = &e["latency_us"];
        assert_eq!(
            latency["total"].as_u64().unwrap(),
            latency["upstream"].as_u64().unwrap() + latency["gateway"].as_u64().unwrap()
        );
        match e["outcome"].as_str().unwrap() {
            "ok" if expect.tool == "get_page" => {
                assert_eq!(e["upstream"]["status"], 200, "{e}");
                assert!(e["latency_us"]["upstream"].as_u64().unwrap() > 0, "{e}");
                assert!(
                    e["resources"]["content_ids"]
                        .as_array()
                        .unwrap()
                        .contains(&json!(page)),
                    "{e}"
                );
                assert!(e["response"]["chars_before"].as_u64().unwrap() > 0);
                assert_eq!(e["rule"], "role-reader");
                // The planted secret was redacted from the answer and counted by detector.
                let dlp = e["dlp"].as_array().unwrap();
                assert!(
                    dlp.iter()
                        .any(|f| f["detector"] == "gitlab_personal_access_token"
                            && f["direction"] == "result"),
                    "{e}"
                );
                assert!(e["redactions"].as_u64().unwrap() >= 1);
            }
            "not_found" => {
                assert_eq!(e["upstream"]["status"], 404, "{e}");
                assert_eq!(e["resources"]["content_ids"], json!(["987654321"]));
            }
            "hidden_by_policy" => assert_eq!(e["rule"], "default-deny"),
            "dlp_blocked" => {
                let dlp = e["dlp"].as_array().unwrap();
                assert!(dlp.iter().any(|f| f["action"] == "block"), "{e}");
            }
            "ok" if expect.tool == "create_page" => {
                assert_eq!(e["resources"]["space_keys"], json!(["DOCS"]));
                let dlp = e["dlp"].as_array().unwrap();
                assert!(dlp.iter().any(|f| f["direction"] == "outgoing"), "{e}");
                assert!(dlp.iter().any(|f| f["direction"] == "arguments"), "{e}");
                let args = e["arguments"].to_string();
                assert!(
                    args.contains("Rotate") && !args.contains(ARG_SECRET),
                    "{args}"
                );
            }
            _ => {}
        }
    }
    assert!(
        rate_limited >= 3,
        "the flood agent should have hit its limit ({rate_limited})"
    );

    // The CLI finds them.
    let (code, out, _) = setup.audit(&["search", "--agent", "limited", "--decision", "deny"]);
    assert_eq!(code, 1, "search exits 1 when it finds events");
    assert_eq!(out.lines().count(), 5, "{out}");
    let (_, out, _) = setup.audit(&[
        "search",
        "--space",
        "docs",
        "--tool",
        "create_page",
        "--json",
    ]);
    assert_eq!(out.lines().count(), 3, "{out}");
    let (_, out, _) = setup.audit(&["search", "--outcome", "dlp_blocked", "--since", "1h"]);
    assert_eq!(out.lines().count(), 5, "{out}");
    let (code, out, _) = setup.audit(&["search", "--agent", "reader", "--until", "2000-01-01"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, err) = setup.audit(&["verify"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("ok: "), "{out}");
    let (_, csv, _) = setup.audit(&["export", "--format", "csv"]);
    assert_eq!(
        csv.lines().count(),
        events.len() + 1,
        "a header and one row per event"
    );
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("id,time,kind,request_id,agent")
    );
    let (_, tail, _) = setup.audit(&["tail", "-n", "3"]);
    assert_eq!(tail.lines().count(), 3, "{tail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_load_keeps_every_answered_call_and_a_valid_chain() {
    let setup = Setup::new("audit-kill", "").await;
    let mut gw = setup.serve("gateway.log");
    let http = common::http();
    let answered: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut workers = Vec::new();
    // Eight clients calling as fast as they can, across the four reading agents.
    for w in 0..8 {
        let (http, answered) = (http.clone(), answered.clone());
        let agent = ["reader", "reader2", "strict", "limited"][w % 4];
        let key = setup.key(agent).to_owned();
        let url = gw.url("readonly");
        workers.push(tokio::spawn(async move {
            for n in 0.. {
                let id = format!("load-{w}-{n}");
                match call_with_id(&http, &url, &key, &id, "list_spaces", json!({ "limit": 5 }))
                    .await
                {
                    Ok(answer) if answer.get("result").is_some() => {
                        answered.lock().unwrap().push(id)
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    gw.kill9();
    for w in workers {
        let _ = w.await;
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() > 20, "too little load: {}", answered.len());

    let (code, out, err) = setup.audit(&["verify"]);
    assert_eq!(code, 0, "verify after kill -9: {out}{err}");
    let events = setup.export();
    let recorded = by_request_id(&events);
    let missing: Vec<&String> = answered
        .iter()
        .filter(|id| !recorded.contains_key(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "answered calls without an event: {missing:?}"
    );
    assert!(recorded.values().all(|v| v.len() == 1));

    // The restarted gateway continues the same chain.
    let before = events.len();
    let gw = setup.serve("gateway2.log");
    let answer = call_with_id(
        &http,
        &gw.url("readonly"),
        setup.key("reader"),
        "after-restart",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert!(answer.get("result").is_some());
    let events = setup.export_once_present(&["after-restart"]).await;
    assert_eq!(events.len(), before + 1);
    let (code, out, err) = setup.audit(&["verify"]);
    assert_eq!(code, 0, "{out}{err}");
    let last = events.last().unwrap();
    assert_eq!(last["request_id"], "after-restart");
    assert_eq!(last["prev_hash"], events[events.len() - 2]["hash"]);
}

/// The events of answered calls that only the journal holds when the process dies (here the
/// database is locked, so none is chained yet) are chained by the next reader of the trail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_the_database_is_locked_loses_no_answered_call() {
    let setup = Setup::new("audit-kill-locked", "").await;
    let mut gw = setup.serve("gateway.log");
    let http = common::http();
    let url = gw.url("readonly");
    let key = setup.key("reader");
    let call = async |id: &str| {
        let answer = call_with_id(&http, &url, key, id, "list_spaces", json!({}))
            .await
            .unwrap();
        assert_eq!(answer["result"]["isError"], false, "{answer}");
    };
    call("chained").await;
    setup.export_once_present(&["chained"]).await;
    let mut lock = lock_database(&setup).await;
    for id in ["journaled-1", "journaled-2", "journaled-3"] {
        call(id).await;
    }
    gw.kill9();
    sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
    drop(lock);

    // `audit export` chains what the dead process journaled, exactly once.
    let events = setup.export();
    let ids: Vec<&str> = events
        .iter()
        .filter_map(|e| e["request_id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["chained", "journaled-1", "journaled-2", "journaled-3"]
    );
    let (code, out, err) = setup.audit(&["verify"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(setup.export().len(), events.len(), "chained only once");
    // The chained journal is gone, and a restarted gateway continues the chain.
    let gw = setup.serve("gateway2.log");
    let answer = call_with_id(
        &http,
        &gw.url("readonly"),
        key,
        "restarted",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(answer["result"]["isError"], false);
    let events = setup.export_once_present(&["restarted"]).await;
    assert_eq!(events.len(), 5);
    assert_eq!(setup.audit(&["verify"]).0, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_is_caught_and_located() {
    use sqlx::Connection as _;
    let setup = Setup::new("audit-tamper", "").await;
    let mut gw = setup.serve("gateway.log");
    let http = common::http();
    for i in 0..12 {
        call_with_id(
            &http,
            &gw.url("readonly"),
            setup.key("reader"),
            &format!("t-{i}"),
            "list_spaces",
            json!({}),
        )
        .await
        .unwrap();
    }
    gw.kill9();
    let (code, out, _) = setup.audit(&["verify"]);
    assert_eq!(code, 0, "{out}");

    // A separate SQLite connection, as someone with the file would use.
    let url = format!("sqlite://{}", setup.db_path().display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(&mut db)
        .await
        .unwrap();
    sqlx::query("DROP TRIGGER audit_events_prune_only")
        .execute(&mut db)
        .await
        .unwrap();
    let verify = || {
        let (code, out, err) = setup.audit(&["verify"]);
        (code, format!("{out}{err}"))
    };
    let row = |id: i64| {
        sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT agent, body, prev_hash, hash FROM audit_events WHERE id = $1",
        )
        .bind(id)
    };

    // 1. Edit a row's content.
    let (_, body3, _, _) = row(3).fetch_one(&mut db).await.unwrap();
    let edited = body3.replace("\"outcome\":\"ok\"", "\"outcome\":\"forbidden\"");
    assert_ne!(edited, body3);
    sqlx::query("UPDATE audit_events SET body = $1 WHERE id = 3")
        .bind(&edited)
        .execute(&mut db)
        .await
        .unwrap();
    let (code, out) = verify();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("at id 3: event 3 was edited"), "{out}");
    sqlx::query("UPDATE audit_events SET body = $1 WHERE id = 3")
        .bind(&body3)
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(verify().0, 0);

    // 2. Edit a searchable column only (to hide an agent from `audit search`).
    sqlx::query("UPDATE audit_events SET agent = 'someone-else' WHERE id = 4")
        .execute(&mut db)
        .await
        .unwrap();
    let (code, out) = verify();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("event 4 was edited: its `agent` column"),
        "{out}"
    );
    sqlx::query("UPDATE audit_events SET agent = 'reader' WHERE id = 4")
        .execute(&mut db)
        .await
        .unwrap();

    // 3. Edit and re-hash (no key is needed for SHA-256): the next event no longer chains.
    let (_, body5, _, hash5) = row(5).fetch_one(&mut db).await.unwrap();
    let forged = body5.replace("\"agent\":\"reader\"", "\"agent\":\"reader2\"");
    let forged_hash = gateway::audit::event::hash_body(&forged);
    sqlx::query("UPDATE audit_events SET body = $1, agent = 'reader2', hash = $2 WHERE id = 5")
        .bind(&forged)
        .bind(&forged_hash)
        .execute(&mut db)
        .await
        .unwrap();
    let (code, out) = verify();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("at id 6: event 6 does not chain onto event 5"),
        "{out}"
    );
    sqlx::query("UPDATE audit_events SET body = $1, agent = 'reader', hash = $2 WHERE id = 5")
        .bind(&body5)
        .bind(&hash5)
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(verify().0, 0);

    // 4. Delete a row.
    sqlx::query("CREATE TEMP TABLE saved AS SELECT * FROM audit_events WHERE id = 7")
        .execute(&mut db)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id = 7")
        .execute(&mut db)
        .await
        .unwrap();
    let (code, out) = verify();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("at id 8: event 7 is missing (deleted) before event 8"),
        "{out}"
    );
    sqlx::query("INSERT INTO audit_events SELECT * FROM saved")
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(verify().0, 0);

    // 5. Reorder: rows 9 and 10 swap places (every column but the id).
    let swap = "UPDATE audit_events SET time = o.time, kind = o.kind, agent = o.agent, server = o.server, \
        tool = o.tool, decision = o.decision, outcome = o.outcome, spaces = o.spaces, body = o.body, \
        prev_hash = o.prev_hash, hash = o.hash FROM (SELECT * FROM audit_events) AS o \
        WHERE (audit_events.id = 9 AND o.id = 10) OR (audit_events.id = 10 AND o.id = 9)";
    sqlx::query(swap).execute(&mut db).await.unwrap();
    let (code, out) = verify();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("at id 9: the row at id 9 holds event 10's content"),
        "{out}"
    );
    assert!(
        out.contains("at id 10: the row at id 10 holds event 9's content"),
        "{out}"
    );
    sqlx::query(swap).execute(&mut db).await.unwrap();
    assert_eq!(verify().0, 0);

    // 6. Delete the newest events: the chain alone cannot tell, the sink cursor can.
    sqlx::query("INSERT INTO audit_sink_cursors (tenant_id, sink, last_id, updated_at) VALUES ('default', 'siem', 12, 'x')")
        .execute(&mut db).await.unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id >= 11")
        .execute(&mut db)
        .await
        .unwrap();
    let (code, out) = verify();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("sink 'siem' delivered events through 12, but the trail ends at 10"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn planted_secrets_never_reach_logs_events_exports_or_metrics() {
    let setup = Setup::new(
        "audit-leak",
        "[audit]\n[[audit.sinks]]\nname = \"file\"\ntype = \"jsonl\"\npath = \"audit.jsonl\"\n",
    )
    .await;
    let page = setup.plant_page().await;
    let gw = setup.serve("gateway.log");
    let http = common::http();
    let ro = gw.url("readonly");
    let calls: Vec<(&str, &str, &str, Value)> = vec![
        ("reader", "readonly", "get_page", json!({ "page_id": page })),
        ("strict", "readonly", "get_page", json!({ "page_id": page })),
        (
            "reader",
            "readonly",
            "search",
            json!({ "cql": format!("text ~ \"{ARG_SECRET}\"") }),
        ),
        (
            "writer",
            "readwrite",
            "create_page",
            json!({ "space_key": "DOCS", "title": "Leak test", "body": format!("token {ARG_SECRET}") }),
        ),
        (
            "reader",
            "readonly",
            "get_page",
            json!({ "page_id": page, "note": ARG_SECRET }),
        ),
        ("reader", "readonly", ARG_SECRET, json!({ "x": ARG_SECRET })),
    ];
    for (i, (agent, server, tool, args)) in calls.into_iter().enumerate() {
        let answer = call_with_id(
            &http,
            &gw.url(server),
            setup.key(agent),
            &format!("leak-{i}"),
            tool,
            args,
        )
        .await
        .unwrap();
        assert!(
            !answer.to_string().contains(PAGE_SECRET),
            "the answer itself leaked: {answer}"
        );
    }
    // A wrong key: its refusal is logged without the key.
    let _ = call_with_id(
        &http,
        &ro,
        "cgw_not-a-real-key-but-secret-looking-0123456789",
        "leak-x",
        "search",
        json!({}),
    )
    .await;
    let metrics = http
        .get(format!("{}/metrics", gw.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("cgw_dlp_findings_total{detector=\"gitlab_personal_access_token\""),
        "{metrics}"
    );
    let sink = setup.scratch.0.join("audit.jsonl");
    until(Duration::from_secs(10), "the jsonl sink", async || {
        std::fs::read_to_string(&sink)
            .unwrap_or_default()
            .lines()
            .count()
            >= 6
    })
    .await;
    let (_, jsonl, _) = setup.audit(&["export", "--format", "jsonl"]);
    let (_, csv, _) = setup.audit(&["export", "--format", "csv"]);
    let (_, tail, _) = setup.audit(&["tail", "--json", "-n", "100"]);
    assert!(
        jsonl.contains("leak-4") && jsonl.contains("\"note\""),
        "{jsonl}"
    );
    let log = gw.log_text();
    // Apart from the start banner (printed, not logged), every line is a JSON object.
    let logged: Vec<&str> = log
        .lines()
        .filter(|l| {
            !l.starts_with("confluence-gateway listening on ") && !l.starts_with("  server ")
        })
        .collect();
    assert!(!logged.is_empty());
    assert!(
        logged
            .iter()
            .all(|l| serde_json::from_str::<Value>(l).is_ok()),
        "JSON logs: {log}"
    );

    let mut planted = vec![
        PAGE_SECRET.to_owned(),
        ARG_SECRET.to_owned(),
        setup.bob_token.clone(),
        setup.secret.clone(),
    ];
    planted.extend(setup.keys.values().cloned());
    planted.push("cgw_not-a-real-key-but-secret-looking-0123456789".to_owned());
    for secret in &planted {
        for (place, text) in [
            ("log", &log),
            ("metrics", &metrics),
            ("export jsonl", &jsonl),
            ("export csv", &csv),
            ("tail", &tail),
        ] {
            assert!(
                !text.contains(secret.as_str()),
                "a planted secret reached the {place}"
            );
        }
        let journals = std::fs::read_dir(setup.data_dir().join("gateway.db.audit-journal"))
            .unwrap()
            .map(|entry| entry.unwrap().path());
        for file in [
            setup.data_dir().join("gateway.db"),
            setup.data_dir().join("gateway.db-wal"),
        ]
        .into_iter()
        .chain(journals)
        {
            assert!(
                !file_contains(&file, secret),
                "a planted secret reached {}",
                file.display()
            );
        }
        assert!(
            !file_contains(&sink, secret),
            "a planted secret reached the jsonl sink"
        );
    }
    // Page bodies are not logged either.
    assert!(
        !log.contains("The deploy token is"),
        "a page body reached the log"
    );
}

#[tokio::test]
async fn retention_prunes_behind_a_signed_checkpoint_that_verify_checks() {
    use gateway::audit::{AuditEvent, Auditor, checkpoint_key, retention, verify};
    let scratch = common::Scratch::new("audit-retention");
    let store = gateway::store::Store::open(&scratch.0).await.unwrap();
    let config = gateway::config::AuditConfig::default();
    let auditor = Auditor::start(store.clone(), &config, Arc::default())
        .await
        .unwrap();
    for i in 0..30 {
        auditor
            .record(AuditEvent {
                time: gateway::audit::event::now_rfc3339(),
                kind: "tools/call".into(),
                agent: format!("agent-{}", i % 3),
                server: "s".into(),
                tool: Some("get_page".into()),
                decision: "allow".into(),
                outcome: "ok".into(),
                ..AuditEvent::default()
            })
            .await
            .unwrap();
    }
    // Recorded means journaled; the writer chains the events into the database right after.
    auditor.flush(Duration::from_secs(10)).await.unwrap();
    let key = checkpoint_key("a key secret of at least thirty-two characters");
    // A sink that delivered through 12 holds pruning back there.
    store.set_sink_cursor("siem", 12).await.unwrap();
    let pruned = retention::prune_once(&store, &key, Duration::ZERO, &["siem".to_owned()])
        .await
        .unwrap();
    assert_eq!(pruned, 12);
    let report = verify(&store, Some(&key)).await.unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(
        (report.checkpoint, report.first_id, report.last_id),
        (Some(12), Some(13), Some(30))
    );
    // The append-only triggers refuse deletes a checkpoint does not cover, and any update.
    let pool = store.pool();
    let refused = sqlx::query("DELETE FROM audit_events WHERE id = 20")
        .execute(pool)
        .await;
    assert!(
        refused
            .unwrap_err()
            .to_string()
            .contains("deleted only by pruning")
    );
    let refused = sqlx::query("UPDATE audit_events SET agent = 'x' WHERE id = 20")
        .execute(pool)
        .await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    // New events chain onto the pruned trail; a checkpoint signed with another key is caught.
    auditor
        .record(AuditEvent {
            kind: "tools/list".into(),
            agent: "a".into(),
            server: "s".into(),
            decision: "allow".into(),
            outcome: "ok".into(),
            ..AuditEvent::default()
        })
        .await
        .unwrap();
    auditor.flush(Duration::from_secs(10)).await.unwrap();
    assert!(verify(&store, Some(&key)).await.unwrap().ok());
    let other = checkpoint_key("another secret of at least thirty-two characters!!");
    let report = verify(&store, Some(&other)).await.unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].what.contains("invalid signature"),
        "{:?}",
        report.problems
    );
    // With every sink caught up, the rest goes (in chunks), leaving a verifiable empty trail.
    store.set_sink_cursor("siem", 31).await.unwrap();
    assert_eq!(
        retention::prune_once(&store, &key, Duration::ZERO, &["siem".to_owned()])
            .await
            .unwrap(),
        19
    );
    let report = verify(&store, Some(&key)).await.unwrap();
    assert!(
        report.ok() && report.events == 0 && report.checkpoint == Some(31),
        "{report:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_upstream_failures_and_429s_are_recorded_with_their_upstream_facts() {
    let setup = Setup::new("audit-upstream", "").await;
    let gw = setup.serve("gateway.log");
    let http = common::http();
    let key = setup.key("reader");

    setup.faults(json!({ "latency_ms": 2500 })).await;
    let timed_out = call_with_id(
        &http,
        &gw.url("slow"),
        key,
        "u-timeout",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(timed_out["result"]["isError"], true, "{timed_out}");
    setup
        .faults(json!({ "error_rate": 1.0, "error_statuses": [503] }))
        .await;
    let failed = call_with_id(
        &http,
        &gw.url("readonly"),
        key,
        "u-503",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(failed["result"]["isError"], true, "{failed}");
    setup
        .faults(json!({ "throttle_rate": 1.0, "throttle_retry_after_secs": 0 }))
        .await;
    let throttled = call_with_id(
        &http,
        &gw.url("readonly"),
        key,
        "u-429",
        "list_spaces",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(throttled["result"]["isError"], true, "{throttled}");
    setup.faults(json!({})).await;

    let events = setup
        .export_once_present(&["u-timeout", "u-503", "u-429"])
        .await;
    let one = |id: &str| by_request_id(&events)[id][0].clone();
    let e = one("u-timeout");
    assert_eq!(
        (e["outcome"].as_str(), e["server"].as_str()),
        (Some("timeout"), Some("slow")),
        "{e}"
    );
    assert!(
        e["latency_us"]["total"].as_u64().unwrap() >= 1_000_000,
        "{e}"
    );
    let e = one("u-503");
    assert_eq!(e["outcome"], "upstream_error", "{e}");
    assert_eq!(e["upstream"]["status"], 503, "{e}");
    assert!(
        e["upstream"]["retries"].as_u64().unwrap() >= 1,
        "idempotent reads are retried: {e}"
    );
    assert_eq!(
        e["upstream"]["requests"].as_u64().unwrap(),
        e["upstream"]["retries"].as_u64().unwrap() + 1
    );
    assert!(
        e["latency_us"]["upstream"].as_u64().unwrap()
            > e["latency_us"]["gateway"].as_u64().unwrap(),
        "{e}"
    );
    let e = one("u-429");
    assert_eq!(e["outcome"], "upstream_rate_limited", "{e}");
    assert_eq!(e["upstream"]["status"], 429, "{e}");
    assert!(e["upstream"]["throttled"].as_u64().unwrap() >= 1, "{e}");
    let metrics = http
        .get(format!("{}/metrics", gw.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or(0.0)
    };
    assert!(value("cgw_upstream_throttled_total ") >= 1.0, "{metrics}");
    assert!(value("cgw_upstream_retries_total ") >= 2.0, "{metrics}");
    assert!(metrics.contains("cgw_calls_total{kind=\"tools/call\",tool=\"list_spaces\",decision=\"allow\",outcome=\"timeout\"} 1"));
}
