//! CQL over `GET /rest/api/search` against the demo wiki (seed 42), as a table: each query,
//! the user running it, and the exact expected result.
//!
//! Expected results are written as page titles (or spaces, attachments, probe items), taken
//! from the seed's definitions (`seed/tree.rs`, `seed/social.rs`, `seed/demo.rs`) and resolved
//! to ids through the store at test time, so the table stays readable and checks exact sets
//! (and exact order under ORDER BY). Users, dates relative to now, mentions and macros are
//! checked on a few probe pages the test creates first, because the seed picks its authors at
//! random and lies months in the past.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use confluence_emulator::store::Store;
use confluence_emulator::store::model::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const CAROL: &str = "carol@example.com";
const DAVE: &str = "dave@example.com";
const ERIN: &str = "erin@example.com";
const FRANK: &str = "frank@example.com";

/// One expected result.
#[derive(Clone, Copy, Debug)]
enum Exp {
    /// A page or blog post by space key (`~` = Bob's personal space) and current title.
    P(&'static str, &'static str),
    /// A space by key (`~` = the personal space).
    S(&'static str),
    /// An attachment by file name.
    A(&'static str),
    /// Every comment whose current body contains this text.
    C(&'static str),
    /// An item the test created (`alpha`, `beta`, `gamma`, `remark`).
    N(&'static str),
}
use Exp::*;

enum Want {
    Set(Vec<Exp>),
    Ordered(Vec<Exp>),
    Error(&'static str),
}

struct Case {
    user: &'static str,
    cql: &'static str,
    want: Want,
}

fn set(user: &'static str, cql: &'static str, want: &[Exp]) -> Case {
    Case {
        user,
        cql,
        want: Want::Set(want.to_vec()),
    }
}

fn ordered(user: &'static str, cql: &'static str, want: &[Exp]) -> Case {
    Case {
        user,
        cql,
        want: Want::Ordered(want.to_vec()),
    }
}

fn error(cql: &'static str, fragment: &'static str) -> Case {
    Case {
        user: ALICE,
        cql,
        want: Want::Error(fragment),
    }
}

#[rustfmt::skip]
const BLOGS_BY_AGE: &[Exp] = &[
    P("HR", "Summer hours 2026"),
    P("ENG", "Engineering all-hands recap: May 2026"),
    P("DOCS", "What is new in 4.3"),
    P("ENG", "Announcing our new on-call tooling"),
    P("EXEC", "Our 2027 strategy on one page"),
    P("LEGAL", "New DPA template rolled out"),
    P("ENG", "How we cut CI time by 40 percent"),
    P("EXEC", "Q1 2026 results: a note from the CEO"),
    P("HR", "Welcome our new People Partner"),
    P("ENG", "PostgreSQL 16 upgrade retrospective"),
    P("DOCS", "The docs site has a new look"),
    P("HR", "Open enrollment 2026 is here"),
    P("ENG", "Welcome to the platform team"),
    P("~", "Notes from RustConf"),
    P("~", "My first month on the platform team"),
    P("DOCS", "Writing better release notes"),
];

#[rustfmt::skip]
const HR_CONFIDENTIAL: &[Exp] = &[
    P("HR", "Compensation"),
    P("HR", "Salary bands 2026"),
    P("HR", "Payroll"),
    P("HR", "Payroll bank details 2026"),
    P("HR", "Corporate card holders"),
    P("HR", "New hire records 2026"),
    P("HR", "Performance improvement plans"),
    P("HR", "PIP case notes: Engineering"),
    P("HR", "PIP case notes: Sales"),
    P("HR", "Hiring plan 2026"),
];

fn without(all: &[Exp], drop: &[&str]) -> Vec<Exp> {
    all.iter()
        .copied()
        .filter(|e| !matches!(e, P(_, t) if drop.contains(t)))
        .collect()
}

/// The table: run as `user`, expect exactly these items (in this order for `ordered`).
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let mut c = vec![
        // --- title: =, !=, ~, !~, prefixes, plurals, case ---
        set(ALICE, "title = \"Runbooks\"", &[P("ENG", "Runbooks")]),
        set(ALICE, "title = 'runbooks'", &[P("ENG", "Runbooks")]),
        set(ALICE, "type = page AND title ~ \"failover\"", &[P("ENG", "PostgreSQL failover runbook"), P("ENG", "Failover drill 2026-04 notes"), P("ENG", "Failover drill 2025-10 notes"), P("ENG", "Multi-region: failover testing plan")]),
        set(ALICE, "type = page AND title ~ \"postgres*\"", &[P("ENG", "PostgreSQL"), P("ENG", "PostgreSQL failover runbook"), P("ENG", "PostgreSQL vacuum and bloat"), P("ENG", "PostgreSQL major version upgrade"), P("ENG", "PostgreSQL connection pool exhaustion"), P("ENG", "ADR-002: Use PostgreSQL as the primary datastore")]),
        set(ALICE, "type = blogpost AND title ~ postgresql", &[P("ENG", "PostgreSQL 16 upgrade retrospective")]),
        set(ALICE, "type = page AND title ~ \"runbooks\"", &[P("ENG", "Runbooks"), P("ENG", "PostgreSQL failover runbook"), P("ENG", "Redis cache eviction runbook"), P("ENG", "Kafka consumer lag runbook"), P("ENG", "How to write a runbook")]),
        set(ALICE, "type = page AND title ~ \"NDA\"", &[P("LEGAL", "NDAs"), P("LEGAL", "Mutual NDA template"), P("LEGAL", "NDA: Initech"), P("LEGAL", "NDA: Acme Robotics"), P("LEGAL", "NDA: Blue Harbor Capital"), P("LEGAL", "NDA: Falcon Analytics"), P("LEGAL", "NDA: Vandelay Industries")]),
        set(ALICE, "type = blogpost AND space = HR AND title != \"Summer hours 2026\"", &[P("HR", "Welcome our new People Partner"), P("HR", "Open enrollment 2026 is here")]),
        set(ALICE, "label = nda AND type = page AND title !~ \"NDA\"", &[]),
        set(ALICE, "title IN (\"Runbooks\", \"Glossary\", \"No such page\")", &[P("ENG", "Runbooks"), P("DOCS", "Glossary")]),
        // --- type and statuses ---
        set(ALICE, "type = blogpost", BLOGS_BY_AGE),
        set(FRANK, "type = blogpost", &[P("DOCS", "What is new in 4.3"), P("DOCS", "The docs site has a new look"), P("DOCS", "Writing better release notes")]),
        set(ALICE, "type IN (blogpost, attachment) AND space = LEGAL", &[P("LEGAL", "New DPA template rolled out"), A("mutual-nda-template.docx"), A("dpa-2026.docx"), A("dpa-2026-signed.pdf"), A("northwind-msa.pdf"), A("subprocessors.csv")]),
        set(ERIN, "type = attachment AND space = ENG", &[A("failover-checklist.md"), A("replication-lag.csv"), A("aws-credentials.txt"), A("architecture-overview.png"), A("service-inventory.json"), A("service-map.png"), A("incident-timeline.csv"), A("multi-region-design.pdf"), A("oncall-rotation-2026.xlsx")]),
        set(CAROL, "type = space", &[S("DOCS"), S("HR")]),
        set(ALICE, "type NOT IN (page, comment) AND space = HR", &[P("HR", "Summer hours 2026"), P("HR", "Welcome our new People Partner"), P("HR", "Open enrollment 2026 is here"), A("benefits-summary-2026.pdf"), A("employee-directory.xlsx"), A("employee-directory.csv"), A("salary-bands-2026.xlsx"), A("new-hires-2026.csv"), A("onboarding-checklist.docx"), A("code-of-conduct.pdf"), S("HR")]),
        set(ERIN, "type NOT IN (page, comment) AND space = HR", &[P("HR", "Summer hours 2026"), P("HR", "Welcome our new People Partner"), P("HR", "Open enrollment 2026 is here"), A("benefits-summary-2026.pdf"), A("employee-directory.xlsx"), A("employee-directory.csv"), A("new-hires-2026.csv"), A("onboarding-checklist.docx"), A("code-of-conduct.pdf"), S("HR")]),
        set(ALICE, "title = \"Legacy deploy process\"", &[]),
        set(ALICE, "title = \"Release notes 2023\"", &[]),
        set(ALICE, "NOT type = page AND NOT type = comment AND NOT type = attachment AND NOT type = space", BLOGS_BY_AGE),
        // --- space, space.key, space.title, space.type, personal space keys ---
        set(ALICE, "space = LEGAL AND type = page AND label = nda", &[P("LEGAL", "NDAs"), P("LEGAL", "Mutual NDA template"), P("LEGAL", "NDA: Initech"), P("LEGAL", "NDA: Acme Robotics"), P("LEGAL", "NDA: Blue Harbor Capital"), P("LEGAL", "NDA: Falcon Analytics"), P("LEGAL", "NDA: Vandelay Industries")]),
        set(ALICE, "space IN (HR, LEGAL) AND type = blogpost", &[P("HR", "Summer hours 2026"), P("HR", "Welcome our new People Partner"), P("HR", "Open enrollment 2026 is here"), P("LEGAL", "New DPA template rolled out")]),
        set(ALICE, "space NOT IN (ENG, DOCS, HR, LEGAL, EXEC) AND type = page", &[P("~", "Bob Builder"), P("~", "Notes"), P("~", "Draft: Rust migration proposal"), P("~", "Reading list"), P("~", "1:1 notes with Alice")]),
        set(FRANK, "space NOT IN (ENG, DOCS, HR, LEGAL, EXEC) AND type = page", &[]),
        set(BOB, "space = \"{personal}\" AND type = blogpost", &[P("~", "My first month on the platform team"), P("~", "Notes from RustConf")]),
        set(ERIN, "space = \"{personal}\"", &[]),
        set(ALICE, "space.title ~ \"Leadership\" AND type = blogpost", &[P("EXEC", "Q1 2026 results: a note from the CEO"), P("EXEC", "Our 2027 strategy on one page")]),
        set(ALICE, "space.type = global AND type = blogpost AND label = team", &[P("ENG", "Welcome to the platform team"), P("HR", "Welcome our new People Partner")]),
        set(BOB, "space.type = personal AND type IN (page, blogpost, space)", &[S("~"), P("~", "Bob Builder"), P("~", "Notes"), P("~", "Draft: Rust migration proposal"), P("~", "Reading list"), P("~", "1:1 notes with Alice"), P("~", "My first month on the platform team"), P("~", "Notes from RustConf")]),
        set(CAROL, "space.type = personal", &[]),
        set(ALICE, "space.key = DOCS AND type = page AND label = sso", &[P("DOCS", "Single sign-on"), P("DOCS", "Okta setup"), P("DOCS", "Microsoft Entra ID setup"), P("DOCS", "SCIM provisioning")]),
        // --- label ---
        set(ALICE, "label = drill", &[P("ENG", "Failover drill 2026-04 notes"), P("ENG", "Failover drill 2025-10 notes")]),
        set(ALICE, "label IN (drill, \"1-on-1\")", &[P("ENG", "Failover drill 2026-04 notes"), P("ENG", "Failover drill 2025-10 notes"), P("~", "1:1 notes with Alice")]),
        set(ERIN, "label IN (drill, \"1-on-1\")", &[P("ENG", "Failover drill 2026-04 notes"), P("ENG", "Failover drill 2025-10 notes")]),
        set(ALICE, "label = \"tier-1\"", &[P("ENG", "PostgreSQL failover runbook")]),
        set(ALICE, "label = runbook AND label = redis", &[P("ENG", "Redis cache eviction runbook"), P("ENG", "Redis Sentinel recovery")]),
        set(ALICE, "label = okr AND label != confidential", &[P("EXEC", "OKRs"), P("EXEC", "Company OKRs 2026 Q2"), P("EXEC", "Company OKRs 2026 Q1"), P("EXEC", "Company OKRs 2025 Q4"), P("EXEC", "Company OKRs 2025 Q3")]),
        set(ALICE, "label NOT IN (confidential, \"meeting-notes\", okr) AND space = EXEC AND type = page", &[P("EXEC", "Leadership Home"), P("EXEC", "Board meetings"), P("EXEC", "Strategy"), P("EXEC", "Competitive landscape")]),
        // --- ancestor, parent, id, content ---
        set(ALICE, "ancestor = {id:ENG/Kubernetes}", &[P("ENG", "Pod crashloop triage"), P("ENG", "TLS certificate rotation"), P("ENG", "Scaling the API deployment"), P("ENG", "Cluster upgrade checklist")]),
        set(ALICE, "ancestor = {id:ENG/Database} AND type = page", &[P("ENG", "PostgreSQL"), P("ENG", "PostgreSQL failover runbook"), P("ENG", "Failover drill 2026-04 notes"), P("ENG", "Failover drill 2025-10 notes"), P("ENG", "PostgreSQL vacuum and bloat"), P("ENG", "PostgreSQL major version upgrade"), P("ENG", "PostgreSQL connection pool exhaustion"), P("ENG", "Redis"), P("ENG", "Redis cache eviction runbook"), P("ENG", "Redis Sentinel recovery"), P("ENG", "Kafka consumer lag runbook"), P("ENG", "OpenSearch cluster red status")]),
        set(ALICE, "parent = {id:ENG/Redis} AND type = page", &[P("ENG", "Redis cache eviction runbook"), P("ENG", "Redis Sentinel recovery")]),
        set(ALICE, "ancestor IN ({id:HR/Performance improvement plans}, {id:LEGAL/Pending litigation})", &[P("HR", "PIP case notes: Engineering"), P("HR", "PIP case notes: Sales"), P("LEGAL", "Smith v. Example Corp"), P("LEGAL", "Patent claim: Acme IP Holdings")]),
        set(ERIN, "ancestor IN ({id:HR/Performance improvement plans}, {id:LEGAL/Pending litigation})", &[P("HR", "PIP case notes: Engineering"), P("HR", "PIP case notes: Sales")]),
        set(DAVE, "ancestor = {id:EXEC/Acquisition target: Project Falcon}", &[]),
        set(ERIN, "ancestor = {id:EXEC/Acquisition target: Project Falcon}", &[P("EXEC", "Falcon: due diligence findings"), P("EXEC", "Falcon: valuation model"), P("EXEC", "Falcon: integration plan")]),
        // The probe page alpha was created without a parent, so it sits at the space root too.
        set(ALICE, "ancestor != {id:ENG/Engineering Home} AND space = ENG AND type = page", &[P("ENG", "Engineering Home"), N("alpha")]),
        set(ALICE, "id = {id:DOCS/Release 4.3}", &[P("DOCS", "Release 4.3")]),
        set(BOB, "id IN ({id:DOCS/Release 4.3}, {id:HR/Salary bands 2026})", &[P("DOCS", "Release 4.3")]),
        set(CAROL, "id IN ({id:DOCS/Release 4.3}, {id:HR/Salary bands 2026})", &[P("DOCS", "Release 4.3"), P("HR", "Salary bands 2026")]),
        set(ALICE, "content = {id:ENG/Runbooks}", &[P("ENG", "Runbooks")]),
        set(ALICE, "label = drill AND id NOT IN ({id:ENG/Failover drill 2025-10 notes})", &[P("ENG", "Failover drill 2026-04 notes")]),
        // --- text and siteSearch over title, body and labels (seed secrets and probes) ---
        set(ALICE, "text ~ \"{aws_key}\"", &[P("ENG", "AWS account access")]),
        set(FRANK, "text ~ \"{aws_key}\"", &[]),
        set(ALICE, "type = comment AND text ~ \"{redis_password}\"", &[C("{redis_password}")]),
        set(ALICE, "text ~ \"quixotic\"", &[N("alpha"), N("beta"), N("remark")]),
        set(BOB, "text ~ \"quixotic\"", &[N("alpha"), N("remark")]),
        set(CAROL, "siteSearch ~ \"quixotic\"", &[N("beta")]),
        set(ALICE, "text ~ \"quixotic zephyr\"", &[N("beta")]),
        set(ALICE, "siteSearch ~ \"zephyr\"", &[N("beta"), N("gamma")]),
        set(ALICE, "text ~ \"quix*\"", &[N("alpha"), N("beta"), N("remark")]),
        set(ALICE, "text !~ \"zephyr\" AND label = cqlprobe", &[N("alpha")]),
        set(ALICE, "text ~ cqlprobe", &[N("alpha"), N("beta"), N("gamma")]),
        // --- creator, contributor, mention, macro, watcher, favourite ---
        set(BOB, "creator = currentUser() AND label = cqlprobe", &[N("alpha")]),
        set(CAROL, "creator = currentUser() AND label = cqlprobe", &[N("beta")]),
        set(ALICE, "creator IN (\"{acct:carol}\", \"{acct:dave}\") AND label = cqlprobe", &[N("beta"), N("gamma")]),
        set(ALICE, "creator != \"{acct:bob}\" AND label = cqlprobe", &[N("beta"), N("gamma")]),
        set(ALICE, "contributor = \"{acct:alice}\" AND label = cqlprobe", &[N("alpha")]),
        set(BOB, "contributor = currentUser() AND label = cqlprobe", &[N("alpha")]),
        set(ERIN, "mention = currentUser() AND label = cqlprobe", &[N("alpha")]),
        set(ALICE, "mention = \"{acct:erin}\" AND label = cqlprobe", &[N("alpha")]),
        set(ALICE, "mention = \"{acct:dave}\" AND label = cqlprobe", &[]),
        set(ALICE, "macro = toc AND label = cqlprobe", &[N("alpha")]),
        set(ALICE, "macro = code AND label = cqlprobe", &[N("gamma")]),
        set(BOB, "type = comment AND creator = currentUser() AND text ~ quixotic", &[N("remark")]),
        set(ALICE, "type = comment AND creator = currentUser() AND text ~ quixotic", &[]),
        set(ALICE, "favourite = currentUser() OR watcher = currentUser()", &[]),
        set(ALICE, "favorite != currentUser() AND label = cqlprobe", &[N("alpha"), N("beta"), N("gamma")]),
        // --- dates: absolute (seed blog post ages are fixed) and relative to now (probes) ---
        set(ALICE, "type = blogpost AND created >= \"2026-05-01\"", &BLOGS_BY_AGE[..5]),
        set(ALICE, "type = blogpost AND created < \"2025-09-01\"", &BLOGS_BY_AGE[14..]),
        set(ALICE, "type = blogpost AND created >= \"2026/05/29\"", &[P("HR", "Summer hours 2026")]),
        set(ALICE, "type = blogpost AND created >= \"2026-04-01\" AND created <= \"2026-04-30\"", &BLOGS_BY_AGE[5..8]),
        set(ALICE, "type = blogpost AND lastModified < \"2025-01-01\"", &[]),
        set(ALICE, "created > now(\"-1d\") AND type = page", &[N("alpha"), N("beta"), N("gamma")]),
        set(BOB, "created > now(\"-1d\")", &[N("alpha"), N("remark")]),
        set(ALICE, "lastModified >= now(\"-10m\") AND label = cqlprobe", &[N("alpha"), N("beta"), N("gamma")]),
        set(ALICE, "created < now(\"-1d\") AND label = cqlprobe", &[]),
        set(ALICE, "created >= startOfWeek() AND type = page", &[N("alpha"), N("beta"), N("gamma")]),
        set(ALICE, "created >= startOfMonth(\"-1M\") AND type = page", &[N("alpha"), N("beta"), N("gamma")]),
        set(ALICE, "created < startOfYear(\"-5y\")", &[]),
        set(ALICE, "lastModified > endOfYear()", &[]),
        set(ALICE, "created > now(\"+1d\")", &[]),
        set(ALICE, "type = blogpost AND created <= endOfDay()", BLOGS_BY_AGE),
        set(ALICE, "type = blogpost AND created > startOfYear(\"-50y\") AND created < endOfMonth(\"-1M\")", BLOGS_BY_AGE),
        // --- AND / OR / NOT / parentheses and precedence ---
        set(ALICE, "type = blogpost AND (space = HR OR label = gdpr)", &[P("HR", "Summer hours 2026"), P("HR", "Welcome our new People Partner"), P("HR", "Open enrollment 2026 is here"), P("LEGAL", "New DPA template rolled out")]),
        set(ALICE, "type = blogpost AND NOT (space = ENG OR space = DOCS)", &[P("HR", "Summer hours 2026"), P("HR", "Welcome our new People Partner"), P("HR", "Open enrollment 2026 is here"), P("LEGAL", "New DPA template rolled out"), P("EXEC", "Q1 2026 results: a note from the CEO"), P("EXEC", "Our 2027 strategy on one page"), P("~", "My first month on the platform team"), P("~", "Notes from RustConf")]),
        set(ALICE, "(label = drill OR label = \"tier-1\") AND NOT title ~ \"2025\"", &[P("ENG", "PostgreSQL failover runbook"), P("ENG", "Failover drill 2026-04 notes")]),
        set(ALICE, "type = blogpost AND label = announcement OR label = \"tier-1\"", &[P("ENG", "Announcing our new on-call tooling"), P("DOCS", "What is new in 4.3"), P("DOCS", "The docs site has a new look"), P("HR", "Open enrollment 2026 is here"), P("ENG", "PostgreSQL failover runbook")]),
        // --- permission filtering: the same query as different users ---
        set(ALICE, "type = page AND label = confidential AND space = HR", HR_CONFIDENTIAL),
        set(CAROL, "type = page AND label = confidential AND space = HR", HR_CONFIDENTIAL),
        set(ERIN, "type = page AND label = confidential AND space = HR", &without(HR_CONFIDENTIAL, &["Salary bands 2026"])),
        set(BOB, "type = page AND label = confidential AND space = HR", &[]),
        set(BOB, "type = page AND title ~ postmortem", &[P("ENG", "Security incident 2026-03 postmortem"), P("ENG", "Incident postmortems"), P("ENG", "2026 postmortems"), P("ENG", "2025 postmortems")]),
        set(ERIN, "type = page AND title ~ postmortem", &[P("ENG", "Incident postmortems"), P("ENG", "2026 postmortems"), P("ENG", "2025 postmortems")]),
        set(DAVE, "type = page AND space = LEGAL AND label = litigation", &[P("LEGAL", "Pending litigation"), P("LEGAL", "Smith v. Example Corp"), P("LEGAL", "Patent claim: Acme IP Holdings")]),
        set(ERIN, "type = page AND space = LEGAL AND label = litigation", &[]),
        set(DAVE, "label = confidential AND space = EXEC", &[P("EXEC", "Board"), P("EXEC", "Board deck Q1 2026"), P("EXEC", "Board deck Q4 2025"), P("EXEC", "Board deck Q3 2025"), P("EXEC", "Board minutes 2026-03-18"), P("EXEC", "Board minutes 2025-12-10"), P("EXEC", "2027 plan"), P("EXEC", "2027 plan: headcount"), P("EXEC", "2027 plan: budget"), P("EXEC", "Pricing strategy 2026"), P("EXEC", "Our 2027 strategy on one page")]),
        // --- ORDER BY ---
        ordered(ALICE, "type = blogpost AND space = ENG ORDER BY created ASC", &[P("ENG", "Welcome to the platform team"), P("ENG", "PostgreSQL 16 upgrade retrospective"), P("ENG", "How we cut CI time by 40 percent"), P("ENG", "Announcing our new on-call tooling"), P("ENG", "Engineering all-hands recap: May 2026")]),
        ordered(ALICE, "type = blogpost AND space = ENG ORDER BY created desc", &[P("ENG", "Engineering all-hands recap: May 2026"), P("ENG", "Announcing our new on-call tooling"), P("ENG", "How we cut CI time by 40 percent"), P("ENG", "PostgreSQL 16 upgrade retrospective"), P("ENG", "Welcome to the platform team")]),
        ordered(ALICE, "label = drill ORDER BY title", &[P("ENG", "Failover drill 2025-10 notes"), P("ENG", "Failover drill 2026-04 notes")]),
        ordered(ALICE, "type = blogpost AND space = DOCS ORDER BY title DESC", &[P("DOCS", "Writing better release notes"), P("DOCS", "What is new in 4.3"), P("DOCS", "The docs site has a new look")]),
        ordered(ALICE, "type = blogpost AND label = team ORDER BY space DESC", &[P("HR", "Welcome our new People Partner"), P("ENG", "Welcome to the platform team")]),
        ordered(ALICE, "label = cqlprobe ORDER BY space DESC, title ASC", &[N("gamma"), N("beta"), N("alpha")]),
        ordered(ALICE, "type = space ORDER BY title", &[S("~"), S("ENG"), S("EXEC"), S("LEGAL"), S("HR"), S("DOCS")]),
        ordered(ALICE, "type = blogpost ORDER BY lastModified DESC", BLOGS_BY_AGE),
        ordered(DAVE, "type = blogpost ORDER BY lastModified DESC", &[P("DOCS", "What is new in 4.3"), P("EXEC", "Our 2027 strategy on one page"), P("LEGAL", "New DPA template rolled out"), P("EXEC", "Q1 2026 results: a note from the CEO"), P("DOCS", "The docs site has a new look"), P("DOCS", "Writing better release notes")]),
        // --- bad queries: 400 with the parser's (or evaluator's) explanation ---
        error("type = page AND", "expected"),
        error("titel = x", "unknown field 'titel'"),
        error("type = page ORDER title", "position"),
        error("label IN ()", "empty list"),
        error("title ~ \"unterminated", "unterminated string"),
        error("created > now(\"-3x\")", "invalid offset"),
        error("creator = now()", "cannot be used with field 'creator'"),
        error("space = ENG AND (type = page", "position"),
        error("text = foo", "operator '=' cannot be used with field 'text'"),
        error("label = (a, b)", "IN"),
        error("created > \"yesterday\"", "Could not parse date 'yesterday'"),
        error("id = abc", "'abc' is not a valid id"),
    ];
    c.shrink_to_fit();
    c
}

/// Ids of the probe items the test creates.
type Probes = BTreeMap<&'static str, u64>;

async fn make_probes(h: &Harness) -> Probes {
    let erin = h.account_id(ERIN);
    let create = |who: &'static str, space: &str, title: &str, body: String| {
        let v = json!({"type": "page", "title": title, "space": {"key": space},
            "body": {"storage": {"value": body, "representation": "storage"}},
            "metadata": {"labels": [{"prefix": "global", "name": "cqlprobe"}]}});
        async move {
            let r = h
                .call(who, Method::POST, "/wiki/rest/api/content", Some(v))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.body["id"].as_str().unwrap().parse::<u64>().unwrap()
        }
    };
    let alpha_body = format!(
        "<ac:structured-macro ac:name=\"toc\"/><p>A quixotic plan for <ac:link><ri:user ri:account-id=\"{erin}\"/></ac:link>.</p>"
    );
    let alpha = create(BOB, "ENG", "CQL probe alpha", alpha_body.clone()).await;
    let edit = json!({"type": "page", "title": "CQL probe alpha", "version": {"number": 2},
        "body": {"storage": {"value": format!("{alpha_body}<p>Reviewed.</p>"), "representation": "storage"}}});
    let r = h
        .call(
            ALICE,
            Method::PUT,
            &format!("/wiki/rest/api/content/{alpha}"),
            Some(edit),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let beta = create(
        CAROL,
        "HR",
        "CQL probe beta",
        "<p>Quixotic zephyr notes.</p>".into(),
    )
    .await;
    let gamma = create(
        DAVE,
        "LEGAL",
        "CQL probe gamma",
        "<p>A zephyr clause.</p><ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[x = 1]]></ac:plain-text-body></ac:structured-macro>".into(),
    )
    .await;
    let remark = json!({"type": "comment", "container": {"id": alpha.to_string(), "type": "page"},
        "body": {"storage": {"value": "<p>A quixotic remark.</p>", "representation": "storage"}}});
    let r = h
        .call(BOB, Method::POST, "/wiki/rest/api/content", Some(remark))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let remark = r.body["id"].as_str().unwrap().parse().unwrap();
    BTreeMap::from([
        ("alpha", alpha),
        ("beta", beta),
        ("gamma", gamma),
        ("remark", remark),
    ])
}

/// Replaces `{id:SPACE/Title}`, `{acct:name}`, `{personal}`, `{aws_key}`, `{redis_password}`.
fn expand(template: &str, store: &Store) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .expect("closing brace");
        let key = &rest[open + 1..close];
        let value = if let Some(path) = key.strip_prefix("id:") {
            let (space, title) = path.split_once('/').unwrap();
            content_id(store, space, title).to_string()
        } else if let Some(name) = key.strip_prefix("acct:") {
            store
                .user_by_email(&format!("{name}@example.com"))
                .unwrap()
                .account_id
                .clone()
        } else {
            match key {
                "personal" => personal_key(store),
                "aws_key" => confluence_emulator::seed::secrets::aws_access_key_id(),
                "redis_password" => confluence_emulator::seed::secrets::redis_password(),
                other => panic!("unknown placeholder {other}"),
            }
        };
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

fn personal_key(store: &Store) -> String {
    store
        .spaces
        .values()
        .find(|s| s.space_type == SpaceType::Personal)
        .unwrap()
        .key
        .clone()
}

fn space_key(store: &Store, key: &str) -> String {
    if key == "~" {
        personal_key(store)
    } else {
        key.to_owned()
    }
}

fn content_id(store: &Store, space: &str, title: &str) -> u64 {
    let sid = store.space_by_key(&space_key(store, space)).unwrap().id;
    let found: Vec<u64> = store
        .contents
        .values()
        .filter(|c| c.space_id == sid && c.title() == title)
        .map(|c| c.id)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{space}/{title} must name exactly one page or blog post"
    );
    found[0]
}

fn resolve(exp: &[Exp], store: &Store, probes: &Probes) -> Vec<u64> {
    let mut out = Vec::new();
    for e in exp {
        match *e {
            P(space, title) => out.push(content_id(store, space, title)),
            S(key) => out.push(store.space_by_key(&space_key(store, key)).unwrap().id),
            A(name) => {
                let found: Vec<u64> = store
                    .attachments
                    .values()
                    .filter(|a| a.title == name)
                    .map(|a| a.id)
                    .collect();
                assert_eq!(found.len(), 1, "attachment {name} must be unique");
                out.push(found[0]);
            }
            C(needle) => {
                let needle = expand(needle, store);
                let found: Vec<u64> = store
                    .comments
                    .values()
                    .filter(|c| c.current().body.contains(&needle))
                    .map(|c| c.id)
                    .collect();
                assert!(!found.is_empty(), "no comment contains {needle}");
                out.extend(found);
            }
            N(name) => out.push(probes[name]),
        }
    }
    out
}

/// A readable name for an id in failure messages.
fn describe(id: u64, store: &Store) -> String {
    if let Some(c) = store.contents.get(&id) {
        return format!("{}:{}", store.spaces[&c.space_id].key, c.title());
    }
    if let Some(s) = store.spaces.get(&id) {
        return format!("space {}", s.key);
    }
    if let Some(a) = store.attachments.get(&id) {
        return format!("attachment {}", a.title);
    }
    if let Some(c) = store.comments.get(&id) {
        return format!(
            "comment {id} on {}",
            store
                .contents
                .get(&c.container_id)
                .map(|p| p.title())
                .unwrap_or("?")
        );
    }
    format!("unknown {id}")
}

/// Every result of a search, following `_links.next`.
async fn search_all(h: &Harness, who: &str, cql: &str) -> Result<Vec<u64>, (StatusCode, String)> {
    let q: String = url::form_urlencoded::byte_serialize(cql.as_bytes()).collect();
    let mut path = format!("/wiki/rest/api/search?cql={q}&limit=100");
    let mut ids = Vec::new();
    loop {
        let r = h.get(who, &path).await;
        if r.status != StatusCode::OK {
            return Err((
                r.status,
                r.body["message"].as_str().unwrap_or(&r.text).to_owned(),
            ));
        }
        for item in r.body["results"].as_array().unwrap() {
            let id = match item["content"]["id"].as_str() {
                Some(id) => id.trim_start_matches("att").parse().unwrap(),
                None => item["space"]["id"].as_u64().unwrap(),
            };
            ids.push(id);
        }
        match r.body["_links"]["next"].as_str() {
            Some(next) => path = format!("/wiki{next}"),
            None => break,
        }
    }
    Ok(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cql_table_against_the_demo_wiki() {
    let h = common::demo().await;
    let probes = make_probes(&h).await;
    let table = cases();
    assert!(table.len() >= 60, "the table has {} queries", table.len());
    let mut failures = Vec::new();
    for case in &table {
        let (cql, expected) = {
            let store = h.emulator.state.read();
            let cql = expand(case.cql, &store);
            let expected = match &case.want {
                Want::Set(e) | Want::Ordered(e) => Some(resolve(e, &store, &probes)),
                Want::Error(_) => None,
            };
            (cql, expected)
        };
        let got = search_all(&h, case.user, &cql).await;
        let store = h.emulator.state.read();
        let names = |ids: &[u64]| ids.iter().map(|i| describe(*i, &store)).collect::<Vec<_>>();
        match (&case.want, got, expected) {
            (Want::Error(fragment), Err((status, message)), _) => {
                if status != StatusCode::BAD_REQUEST || !message.contains(fragment) {
                    failures.push(format!(
                        "{cql}: expected 400 with {fragment:?}, got {status} {message:?}"
                    ));
                }
            }
            (Want::Error(fragment), Ok(ids), _) => {
                failures.push(format!(
                    "{cql}: expected 400 with {fragment:?}, got results {:?}",
                    names(&ids)
                ));
            }
            (_, Err((status, message)), _) => {
                failures.push(format!("{cql} as {}: {status} {message}", case.user))
            }
            (Want::Set(_), Ok(ids), Some(want)) => {
                let got: BTreeSet<u64> = ids.iter().copied().collect();
                let want_set: BTreeSet<u64> = want.iter().copied().collect();
                if got.len() != ids.len() {
                    failures.push(format!("{cql}: duplicate results {:?}", names(&ids)));
                }
                if got != want_set {
                    let missing: Vec<u64> = want_set.difference(&got).copied().collect();
                    let extra: Vec<u64> = got.difference(&want_set).copied().collect();
                    failures.push(format!(
                        "{cql} as {}: missing {:?}, unexpected {:?}",
                        case.user,
                        names(&missing),
                        names(&extra)
                    ));
                }
            }
            (Want::Ordered(_), Ok(ids), Some(want)) => {
                if ids != want {
                    failures.push(format!(
                        "{cql} as {}: order {:?}, wanted {:?}",
                        case.user,
                        names(&ids),
                        names(&want)
                    ));
                }
            }
            (_, Ok(_), None) => unreachable!(),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} CQL cases failed:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_search_and_paging_agree_with_search() {
    let h = common::demo().await;
    let cql: String =
        url::form_urlencoded::byte_serialize(b"type = page AND space = DOCS ORDER BY title")
            .collect();
    let all = search_all(&h, FRANK, "type = page AND space = DOCS ORDER BY title")
        .await
        .unwrap();
    assert!(all.len() > 60, "DOCS has many pages: {}", all.len());
    // Small pages through cursors give the same sequence.
    let mut paged = Vec::new();
    let mut path = format!("/wiki/rest/api/content/search?cql={cql}&limit=7");
    loop {
        let r = h.get(FRANK, &path).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        paged.extend(
            r.body["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().parse::<u64>().unwrap()),
        );
        match r.body["_links"]["next"].as_str() {
            Some(next) => path = format!("/wiki{next}"),
            None => break,
        }
    }
    assert_eq!(paged, all);
    // The archived page is not current, so it is not found.
    let store = h.emulator.state.read();
    assert!(!all.contains(&content_id(&store, "DOCS", "Release notes 2023")));
}

/// The search index follows every write: a search made before a page exists, after it is
/// created, after its body changes and after a label is added each sees the store as it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_search_sees_each_write_at_once() {
    let h = common::demo().await;
    let found = |word: &'static str| {
        let h = &h;
        async move {
            search_all(h, ALICE, &format!("text ~ \"{word}\""))
                .await
                .unwrap()
        }
    };
    assert!(found("xyzzyplugh").await.is_empty());
    let v = json!({"type": "page", "title": "Index probe", "space": {"key": "ENG"},
        "body": {"storage": {"value": "<p>An xyzzyplugh appears.</p>", "representation": "storage"}}});
    let r = h
        .call(ALICE, Method::POST, "/wiki/rest/api/content", Some(v))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id: u64 = r.body["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(found("xyzzyplugh").await, vec![id]);

    let edit = json!({"type": "page", "title": "Index probe", "version": {"number": 2},
        "body": {"storage": {"value": "<p>Now a frobnitzquux.</p>", "representation": "storage"}}});
    let r = h
        .call(
            ALICE,
            Method::PUT,
            &format!("/wiki/rest/api/content/{id}"),
            Some(edit),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(found("xyzzyplugh").await.is_empty());
    assert_eq!(found("frobnitzquux").await, vec![id]);

    let r = h
        .call(
            ALICE,
            Method::POST,
            &format!("/wiki/rest/api/content/{id}/label"),
            Some(json!([{"prefix": "global", "name": "zorkmid"}])),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(found("zorkmid").await, vec![id]);
}
