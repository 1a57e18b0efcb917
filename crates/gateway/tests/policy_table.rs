//! The access policy, table-driven, against the real demo binary (gateway + emulator over
//! HTTP): each row is an agent, a server, a tool and arguments, what the call must end in, and
//! which strings (titles, ids, bodies of hidden content) must not appear anywhere in the
//! answer, text or structured. Fixtures come from the emulator's own REST API (as Alice, a site
//! admin), never from the gateway. The demo policy (src/demo.rs) gives support-bot ENG and DOCS
//! read-only without `confidential` pages or ENG's "Team meetings" subtree, docs-writer DOCS
//! (deleting the space needs approval), the auditor everything read-only, space-admin the
//! spaces toolset plus reads. Rows include the bypass attempts of the policy issue: widening
//! CQL (`OR space = HR`, `NOT space = ENG`, ancestor/content/id/parent clauses), siteSearch
//! and text matches in hidden spaces, comment/attachment/version ids of hidden pages,
//! `confidential` pages through search and trees, moves across spaces, uploads to hidden
//! pages, odd-case, look-alike and overlong space keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{DemoProcess, call, http, text_of};
use serde_json::{Value, json};

/// The emulator as Alice: the ground truth for fixtures and for "nothing changed".
struct Emu {
    http: reqwest::Client,
    base: String,
    email: String,
    token: String,
}

impl Emu {
    fn new(info: &Value) -> Emu {
        let emu = &info["emulator"];
        let alice = emu["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "alice@example.com")
            .unwrap();
        Emu {
            http: http(),
            base: format!("{}/wiki", emu["site_url"].as_str().unwrap()),
            email: alice["email"].as_str().unwrap().to_owned(),
            token: alice["api_token"].as_str().unwrap().to_owned(),
        }
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .basic_auth(&self.email, Some(&self.token))
            .query(query)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap()
    }

    /// (id, title) of every CQL hit, as Confluence answers it.
    async fn cql(&self, cql: &str) -> Vec<(String, String)> {
        let v = self
            .get("/rest/api/search", &[("cql", cql), ("limit", "200")])
            .await;
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["content"]["id"].as_str().unwrap_or_default().to_owned(),
                    r["content"]["title"]
                        .as_str()
                        .or(r["title"].as_str())
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
            .collect()
    }

    async fn page(&self, space: &str, title: &str) -> String {
        let hits = self
            .cql(&format!(
                "type = page AND space = {space} AND title = \"{title}\""
            ))
            .await;
        hits.first()
            .unwrap_or_else(|| panic!("no page {title} in {space}"))
            .0
            .clone()
    }

    async fn add_label(&self, id: &str, label: &str) {
        let resp = self
            .http
            .post(format!("{}/rest/api/content/{id}/label", self.base))
            .basic_auth(&self.email, Some(&self.token))
            .json(&json!([{"prefix": "global", "name": label}]))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "label {id}: {}", resp.status());
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Ok,
    NotFound,
    Forbidden,
    Approval,
    Invalid,
    /// A JSON-RPC error (no tool result) whose message contains this.
    Rpc(&'static str),
}

struct Case {
    agent: &'static str,
    server: &'static str,
    tool: &'static str,
    args: Value,
    expect: Expect,
    /// Must not appear anywhere in the answer.
    hide: Vec<String>,
    /// Must appear in the answer.
    show: Vec<String>,
    /// Every search hit / listed space must be in one of these spaces.
    only_spaces: Option<&'static [&'static str]>,
}

fn case(agent: &'static str, tool: &'static str, args: Value, expect: Expect) -> Case {
    let server = match agent {
        "docs-writer" | "space-admin" => "readwrite",
        _ => "readonly",
    };
    Case {
        agent,
        server,
        tool,
        args,
        expect,
        hide: Vec::new(),
        show: Vec::new(),
        only_spaces: None,
    }
}

impl Case {
    fn hide(mut self, s: &[&str]) -> Case {
        self.hide.extend(s.iter().map(|s| (*s).to_owned()));
        self
    }
    fn show(mut self, s: &[&str]) -> Case {
        self.show.extend(s.iter().map(|s| (*s).to_owned()));
        self
    }
    fn only(mut self, spaces: &'static [&'static str]) -> Case {
        self.only_spaces = Some(spaces);
        self
    }
}

const SB: &str = "support-bot";
const DW: &str = "docs-writer";
const AU: &str = "auditor";
const SA: &str = "space-admin";
const ENG_DOCS: &[&str] = &["ENG", "DOCS"];
const NOWHERE: &str = "999999991";

/// Ids and titles the table needs, read from the emulator.
struct Fixtures {
    hr_page: String,
    hr_policies: String,
    hr_conf: String,
    hr_xlsx: String,
    hr_comment: String,
    hr_comment_page: String,
    hr_blog: String,
    hr_blog_title: String,
    exec_page: String,
    runbook: String,
    runbook_csv: String,
    cicd: String,
    legacy: String,
    team: String,
    team_root: String,
    sync_page: String,
    sync_title: String,
    docs_page: String,
    docs_conf: String,
    user_guide: String,
    personal_key: String,
    personal_page: String,
}

async fn fixtures(emu: &Emu) -> Fixtures {
    let hr_page = emu.page("HR", "Code of conduct").await;
    let hr_policies = emu.page("HR", "Policies").await;
    let hr_conf = emu.page("HR", "Salary bands 2026").await;
    let hr_xlsx = emu
        .cql("type = attachment AND space = HR AND title = \"salary-bands-2026.xlsx\"")
        .await[0]
        .0
        .clone();
    let comment = emu
        .cql("type = comment AND space = HR")
        .await
        .into_iter()
        .map(|c| c.0)
        .collect::<Vec<_>>();
    // A footer comment of an HR page (the first footer comment search finds).
    let mut footer = Value::Null;
    for id in &comment {
        let resp = emu
            .http
            .get(format!("{}/api/v2/footer-comments/{id}", emu.base))
            .basic_auth(&emu.email, Some(&emu.token))
            .send()
            .await
            .unwrap();
        if resp.status().is_success() {
            footer = resp.json().await.unwrap();
            if footer["pageId"].is_string() {
                break;
            }
        }
    }
    let comment = footer["id"]
        .as_str()
        .expect("an HR footer comment")
        .to_owned();
    let hr_blog = emu.cql("type = blogpost AND space = HR").await[0].clone();
    let team = emu.page("ENG", "Team meetings").await;
    let sync = emu.cql(&format!("type = page AND parent = {team}")).await[0].clone();
    let personal = emu.get("/api/v2/spaces", &[("type", "personal")]).await;
    let personal_key = personal["results"][0]["key"].as_str().unwrap().to_owned();
    let personal_page = emu
        .cql(&format!("type = page AND space = \"{personal_key}\""))
        .await[0]
        .0
        .clone();
    let f = Fixtures {
        hr_page,
        hr_policies,
        hr_conf,
        hr_xlsx,
        hr_comment: comment,
        hr_comment_page: footer["pageId"].as_str().unwrap_or_default().to_owned(),
        hr_blog: hr_blog.0,
        hr_blog_title: hr_blog.1,
        exec_page: emu.cql("type = page AND space = EXEC").await[0].0.clone(),
        runbook: emu.page("ENG", "PostgreSQL failover runbook").await,
        runbook_csv: String::new(),
        cicd: emu.page("ENG", "CI/CD").await,
        legacy: emu.page("ENG", "Build cache troubleshooting").await,
        team,
        team_root: emu.page("ENG", "Team").await,
        sync_page: sync.0,
        sync_title: sync.1,
        docs_page: emu.page("DOCS", "FAQ").await,
        docs_conf: emu.page("DOCS", "Glossary").await,
        user_guide: emu.page("DOCS", "User Guide").await,
        personal_key,
        personal_page,
    };
    let csv = emu
        .cql("type = attachment AND space = ENG AND title = \"replication-lag.csv\"")
        .await[0]
        .0
        .clone();
    // Two pages in allowed spaces become confidential, so trees and searches must drop them.
    emu.add_label(&f.legacy, "confidential").await;
    emu.add_label(&f.docs_conf, "confidential").await;
    Fixtures {
        runbook_csv: csv,
        ..f
    }
}

fn table(f: &Fixtures) -> Vec<Case> {
    let hr = "Code of conduct";
    let salary = "Salary bands 2026";
    let legacy = "Build cache troubleshooting";
    let glossary = "Glossary";
    let team = "Team meetings";
    let sync = f.sync_title.as_str();
    let blog = f.hr_blog_title.as_str();
    let long_key = "E".repeat(300);
    vec![
        // --- support-bot: reads by id, key, URL and title ---
        case(SB, "get_page", json!({"page_id": f.runbook}), Expect::Ok)
            .show(&["PostgreSQL failover runbook"]),
        case(SB, "get_page", json!({"page_id": f.hr_page}), Expect::NotFound).hide(&[hr]),
        case(SB, "get_page", json!({"page_id": NOWHERE}), Expect::NotFound),
        case(SB, "get_page", json!({"page_id": f.hr_conf}), Expect::NotFound).hide(&[salary]),
        case(SB, "get_page", json!({"page_id": f.exec_page}), Expect::NotFound),
        case(SB, "get_page", json!({"page_id": f.legacy}), Expect::NotFound).hide(&[legacy]),
        case(SB, "get_page", json!({"page_id": f.docs_conf}), Expect::NotFound).hide(&[glossary]),
        case(SB, "get_page", json!({"page_id": f.team}), Expect::NotFound).hide(&[team]),
        case(SB, "get_page", json!({"page_id": f.sync_page}), Expect::NotFound).hide(&[sync]),
        case(SB, "get_page", json!({"page_id": f.personal_page}), Expect::NotFound),
        case(SB, "get_page", json!({"space_key": "HR", "title": hr}), Expect::NotFound)
            .hide(&[&f.hr_page]),
        case(SB, "get_page", json!({"space_key": "ENG", "title": legacy}), Expect::NotFound)
            .hide(&[&f.legacy]),
        case(SB, "get_page", json!({"space_key": "hr", "title": hr}), Expect::NotFound)
            .hide(&[&f.hr_page]),
        case(SB, "get_page", json!({"space_key": "\u{0415}NG", "title": "PostgreSQL failover runbook"}), Expect::Invalid),
        case(SB, "get_page", json!({"url": format!("https://x.atlassian.net/wiki/spaces/HR/pages/{}/x", f.hr_page)}), Expect::NotFound).hide(&[hr]),
        // --- trees ---
        case(SB, "get_page_children", json!({"page_id": f.cicd}), Expect::Ok)
            .show(&["Release process"])
            .hide(&[legacy, &f.legacy]),
        case(SB, "get_page_children", json!({"page_id": f.team_root}), Expect::Ok)
            .show(&["Team charter"])
            .hide(&[team, &f.team]),
        case(SB, "get_page_children", json!({"page_id": f.hr_policies}), Expect::NotFound).hide(&[hr]),
        case(SB, "get_page_children", json!({"page_id": f.team}), Expect::NotFound).hide(&[sync]),
        case(SB, "get_page_descendants", json!({"page_id": f.team_root, "depth": 3}), Expect::Ok)
            .show(&["Team charter"])
            .hide(&[team, sync, &f.team, &f.sync_page]),
        case(SB, "get_page_descendants", json!({"page_id": f.cicd}), Expect::Ok)
            .hide(&[legacy, &f.legacy]),
        case(SB, "get_page_descendants", json!({"page_id": f.hr_policies}), Expect::NotFound).hide(&[hr]),
        case(SB, "get_space_page_tree", json!({"space_key": "ENG", "depth": 5, "limit": 1000}), Expect::Ok)
            .show(&["PostgreSQL failover runbook"])
            .hide(&[legacy, team, sync, &f.legacy, &f.team]),
        case(SB, "get_space_page_tree", json!({"space_key": "DOCS", "depth": 5, "limit": 1000}), Expect::Ok)
            .show(&["User Guide"])
            .hide(&[glossary, &f.docs_conf]),
        case(SB, "get_space_page_tree", json!({"space_key": "HR"}), Expect::NotFound).hide(&[hr]),
        case(SB, "get_page_ancestors", json!({"page_id": f.sync_page}), Expect::NotFound).hide(&[team]),
        case(SB, "get_page_ancestors", json!({"page_id": f.runbook}), Expect::Ok).show(&["Runbooks"]),
        case(SB, "list_pages", json!({"space_key": "ENG", "limit": 250}), Expect::Ok)
            .hide(&[legacy, team, &f.legacy]),
        case(SB, "list_pages", json!({"space_key": "DOCS", "limit": 250}), Expect::Ok)
            .show(&["User Guide"])
            .hide(&[glossary]),
        case(SB, "list_pages", json!({"space_key": "HR"}), Expect::NotFound).hide(&[hr]),
        case(SB, "list_pages", json!({"space_key": "Hr"}), Expect::NotFound).hide(&[hr]),
        case(SB, "list_pages", json!({"space_key": "\u{0415}NG"}), Expect::Invalid),
        case(SB, "list_pages", json!({"space_key": "ＥＮＧ"}), Expect::Invalid),
        case(SB, "list_pages", json!({"space_key": long_key}), Expect::Invalid),
        case(SB, "list_pages", json!({"space_key": "~*"}), Expect::Invalid),
        case(SB, "list_pages", json!({"space_key": f.personal_key}), Expect::NotFound),
        // --- search: CQL that tries to widen the scope ---
        case(SB, "search", json!({"cql": "space = HR", "limit": 50}), Expect::Ok).hide(&[hr, salary]).only(ENG_DOCS),
        case(SB, "search", json!({"cql": "type = page OR space = HR", "limit": 50}), Expect::Ok).hide(&[hr, salary]).only(ENG_DOCS),
        case(SB, "search", json!({"cql": "title ~ \"policy\" OR space = HR", "limit": 50}), Expect::Ok).hide(&[hr]).only(ENG_DOCS),
        case(SB, "search", json!({"cql": "NOT space = ENG", "limit": 50}), Expect::Ok).hide(&[hr, salary]).only(&["DOCS"]),
        case(SB, "search", json!({"cql": "space != ENG AND space != DOCS", "limit": 50}), Expect::Ok).hide(&[hr, salary]).only(&[]),
        case(SB, "search", json!({"cql": "space IN (ENG, HR) AND title ~ \"salary\""}), Expect::Ok).hide(&[salary]).only(ENG_DOCS),
        case(SB, "search", json!({"cql": format!("ancestor = {}", f.hr_policies)}), Expect::Ok).hide(&[hr]).only(&[]),
        case(SB, "search", json!({"cql": format!("id = {}", f.hr_page)}), Expect::Ok).hide(&[hr]).only(&[]),
        case(SB, "search", json!({"cql": format!("content = {}", f.hr_page)}), Expect::Ok).hide(&[hr]).only(&[]),
        case(SB, "search", json!({"cql": format!("parent = {}", f.hr_policies)}), Expect::Ok).hide(&[hr]).only(&[]),
        case(SB, "search", json!({"cql": format!("id IN ({}, {})", f.hr_page, f.runbook)}), Expect::Ok).hide(&[hr]).show(&["PostgreSQL failover runbook"]),
        case(SB, "search", json!({"cql": "siteSearch ~ \"salary bands\"", "limit": 50}), Expect::Ok).hide(&[salary]).only(ENG_DOCS),
        case(SB, "search", json!({"cql": "text ~ \"payroll\"", "limit": 50}), Expect::Ok).hide(&[salary, "Payroll calendar 2026"]).only(ENG_DOCS),
        case(SB, "search", json!({"query": "code of conduct", "limit": 50}), Expect::Ok).hide(&[&f.hr_page]).only(ENG_DOCS),
        // Visible pages may mention the hidden page's title in their text; the page itself must not
        // come back.
        case(SB, "search", json!({"query": "build cache troubleshooting", "limit": 50}), Expect::Ok).hide(&[&f.legacy]),
        case(SB, "search", json!({"cql": format!("title = \"{legacy}\"")}), Expect::Ok).hide(&[&f.legacy]).only(&[]),
        case(SB, "search", json!({"cql": "label = confidential", "limit": 50}), Expect::Ok).hide(&[legacy, glossary, salary]).only(&[]),
        case(SB, "search", json!({"cql": "label = confidential OR label = runbook", "limit": 50}), Expect::Ok).hide(&[legacy, glossary, salary]).only(ENG_DOCS),
        case(SB, "search", json!({"cql": "label != runbook OR space = HR", "limit": 50}), Expect::Ok).hide(&[hr, salary, legacy]).only(ENG_DOCS),
        case(SB, "search", json!({"cql": format!("parent = {}", f.team)}), Expect::Ok).hide(&[sync]).only(&[]),
        case(SB, "search", json!({"cql": format!("ancestor = {}", f.team)}), Expect::Ok).hide(&[sync]).only(&[]),
        case(SB, "search", json!({"cql": format!("space = \"{}\"", f.personal_key)}), Expect::Ok).only(&[]),
        case(SB, "search", json!({"cql": "space.type = personal"}), Expect::Ok).only(&[]),
        case(SB, "search", json!({"cql": "space = \"ＨＲ\""}), Expect::Ok).only(&[]),
        case(SB, "search", json!({"cql": "type = space"}), Expect::Invalid),
        case(SB, "search", json!({"cql": "type IN (page, space)"}), Expect::Invalid),
        case(SB, "search", json!({"cql": "type = comment AND space = HR"}), Expect::Ok).hide(&[&f.hr_comment]).only(&[]),
        case(SB, "search", json!({"cql": "type = attachment AND space = HR"}), Expect::Ok).hide(&[&f.hr_xlsx, "salary-bands-2026.xlsx"]).only(&[]),
        case(SB, "search", json!({"cql": "type = attachment", "limit": 50}), Expect::Ok).hide(&[&f.hr_xlsx, "salary-bands-2026.xlsx"]),
        case(SB, "search", json!({"cql": "type = comment", "limit": 50}), Expect::Ok).hide(&[&f.hr_comment]),
        case(SB, "search", json!({"cql": format!("type = blogpost AND title = \"{blog}\"")}), Expect::Ok).hide(&[&f.hr_blog]).only(&[]),
        case(SB, "search", json!({"cql": "space = ENG", "space_key": "HR"}), Expect::NotFound),
        case(SB, "search", json!({"query": "salary", "space_key": "hr"}), Expect::NotFound).hide(&[salary]),
        case(SB, "search", json!({"query": "salary", "space_key": "ＨＲ"}), Expect::Invalid),
        case(SB, "search", json!({"query": "runbook", "space_key": "eng"}), Expect::Ok).only(&["ENG"]),
        // --- comments, attachments, versions, labels of hidden pages ---
        case(SB, "get_comment", json!({"comment_id": f.hr_comment}), Expect::NotFound).hide(&[&f.hr_comment_page]),
        case(SB, "get_comment", json!({"comment_id": f.hr_comment, "kind": "footer"}), Expect::NotFound).hide(&[&f.hr_comment_page]),
        case(SB, "get_comment", json!({"comment_id": NOWHERE}), Expect::NotFound),
        case(SB, "list_comments", json!({"page_id": f.hr_comment_page}), Expect::NotFound).hide(&[&f.hr_comment]),
        case(SB, "list_comments", json!({"page_id": f.legacy}), Expect::NotFound),
        case(SB, "get_attachment", json!({"attachment_id": f.hr_xlsx}), Expect::NotFound).hide(&["salary-bands-2026.xlsx", &f.hr_conf]),
        case(SB, "read_attachment", json!({"attachment_id": f.hr_xlsx}), Expect::NotFound).hide(&["salary-bands-2026.xlsx"]),
        case(SB, "list_attachments", json!({"page_id": f.hr_conf}), Expect::NotFound).hide(&["salary-bands-2026.xlsx"]),
        case(SB, "get_attachment", json!({"attachment_id": f.runbook_csv}), Expect::Ok).show(&["replication-lag.csv"]),
        case(SB, "get_page_versions", json!({"page_id": f.hr_page}), Expect::NotFound).hide(&[hr]),
        case(SB, "get_page_version", json!({"page_id": f.hr_page, "version": 1}), Expect::NotFound).hide(&[hr]),
        case(SB, "diff_page_versions", json!({"page_id": f.hr_page, "from_version": 1}), Expect::NotFound).hide(&[hr]),
        case(SB, "get_page_version", json!({"page_id": f.legacy, "version": 1}), Expect::NotFound).hide(&[legacy]),
        case(SB, "get_page_versions", json!({"page_id": f.runbook}), Expect::Ok),
        case(SB, "get_labels", json!({"content_id": f.hr_page}), Expect::NotFound).hide(&[hr]),
        case(SB, "get_labels", json!({"content_id": f.legacy}), Expect::NotFound).hide(&[legacy]),
        case(SB, "get_labels", json!({"content_id": f.hr_xlsx}), Expect::NotFound).hide(&["salary-bands-2026.xlsx"]),
        case(SB, "get_labels", json!({"content_id": f.runbook}), Expect::Ok).show(&["runbook"]),
        case(SB, "get_blog_post", json!({"blog_post_id": f.hr_blog}), Expect::NotFound).hide(&[blog]),
        case(SB, "list_blog_posts", json!({"space_key": "HR"}), Expect::NotFound).hide(&[blog]),
        case(SB, "get_page_restrictions", json!({"content_id": f.hr_page}), Expect::NotFound).hide(&[hr]),
        case(SB, "get_page_restrictions", json!({"content_id": f.hr_blog}), Expect::NotFound).hide(&[blog]),
        // --- spaces ---
        case(SB, "list_spaces", json!({"limit": 250}), Expect::Ok).show(&["ENG", "DOCS"]).only(ENG_DOCS),
        case(SB, "list_spaces", json!({"space_type": "personal"}), Expect::Ok).hide(&[&f.personal_key]).only(&[]),
        case(SB, "get_space", json!({"space_key": "HR"}), Expect::NotFound),
        case(SB, "get_space", json!({"space_key": "hR"}), Expect::NotFound),
        case(SB, "get_space", json!({"space_key": "ENG"}), Expect::Ok).show(&["ENG"]),
        case(SB, "get_space", json!({"space_key": f.personal_key}), Expect::NotFound),
        case(SB, "get_space_permissions", json!({"space_key": "HR"}), Expect::NotFound),
        case(SB, "search_users", json!({"query": "alice"}), Expect::Ok),
        // --- the read-only server offers no writes; policy-hidden tools look unknown ---
        case(SB, "create_page", json!({"space_key": "ENG", "title": "x", "body": "x"}), Expect::Rpc("not available on server 'readonly'")),
        case(SA, "create_page", json!({"space_key": "DOCS", "title": "x", "body": "x"}), Expect::Rpc("Unknown tool 'create_page'")),
        case(SA, "add_comment", json!({"page_id": f.docs_page, "body": "x"}), Expect::Rpc("Unknown tool 'add_comment'")),
        case(SA, "no_such_tool", json!({}), Expect::Rpc("Unknown tool 'no_such_tool'")),
        // --- docs-writer: writes stay in DOCS and off confidential pages ---
        case(DW, "get_page", json!({"page_id": f.docs_page}), Expect::Ok).show(&["FAQ"]),
        case(DW, "get_page", json!({"page_id": f.runbook}), Expect::NotFound),
        case(DW, "get_page_children", json!({"page_id": f.user_guide}), Expect::Ok),
        case(DW, "search", json!({"cql": "space = ENG", "limit": 50}), Expect::Ok).only(&[]),
        case(DW, "search", json!({"cql": "space = ENG OR space = DOCS", "limit": 50}), Expect::Ok).hide(&[glossary]).only(&["DOCS"]),
        case(DW, "create_page", json!({"space_key": "HR", "title": "Policy probe 1", "body": "x"}), Expect::NotFound),
        case(DW, "create_page", json!({"space_key": "DOCS", "title": "Policy probe 2", "body": "x", "parent_id": f.hr_page}), Expect::NotFound).hide(&[hr]),
        case(DW, "create_page", json!({"space_key": "DOCS", "title": "Policy probe 3", "body": "x", "parent_id": f.docs_conf}), Expect::NotFound).hide(&[glossary]),
        case(DW, "create_page", json!({"space_key": "docs\u{200b}", "title": "Policy probe 4", "body": "x"}), Expect::Invalid),
        case(DW, "create_page", json!({"space_key": "DOCS", "title": "Policy allowed 1", "body": "x", "parent_id": f.user_guide}), Expect::Ok),
        case(DW, "create_blog_post", json!({"space_key": "DOCS", "title": "Policy allowed 2", "body": "x"}), Expect::Ok),
        case(DW, "list_pages", json!({"space_key": "DOCS", "limit": 250}), Expect::Ok).show(&["Policy allowed 1"]).hide(&[glossary]),
        case(DW, "move_page", json!({"page_id": f.docs_page, "parent_id": f.hr_page}), Expect::NotFound).hide(&[hr]),
        case(DW, "move_page", json!({"page_id": f.hr_page, "parent_id": f.user_guide}), Expect::NotFound).hide(&[hr]),
        case(DW, "move_page", json!({"page_id": f.runbook, "parent_id": f.user_guide}), Expect::NotFound),
        case(DW, "move_page", json!({"page_id": f.docs_conf, "parent_id": f.user_guide}), Expect::NotFound).hide(&[glossary]),
        case(DW, "update_page", json!({"page_id": f.docs_page, "parent_id": f.hr_page}), Expect::NotFound).hide(&[hr]),
        case(DW, "update_page", json!({"page_id": f.hr_page, "title": "Taken over"}), Expect::NotFound).hide(&[hr]),
        case(DW, "update_page", json!({"page_id": f.docs_conf, "body": "overwritten"}), Expect::NotFound).hide(&[glossary]),
        case(DW, "update_page_section", json!({"page_id": f.hr_page, "section": ["Scope"], "body": "x"}), Expect::NotFound),
        case(DW, "delete_page", json!({"page_id": f.hr_page}), Expect::NotFound).hide(&[hr]),
        case(DW, "upload_attachment", json!({"page_id": f.hr_page, "file_name": "probe.txt", "content_base64": "cHJvYmU="}), Expect::NotFound),
        case(DW, "upload_attachment", json!({"page_id": f.docs_conf, "file_name": "probe.txt", "content_base64": "cHJvYmU="}), Expect::NotFound),
        case(DW, "delete_attachment", json!({"attachment_id": f.hr_xlsx}), Expect::NotFound).hide(&["salary-bands-2026.xlsx"]),
        case(DW, "add_comment", json!({"page_id": f.hr_page, "body": "probe"}), Expect::NotFound),
        case(DW, "add_comment", json!({"parent_comment_id": f.hr_comment, "body": "probe"}), Expect::NotFound),
        case(DW, "update_comment", json!({"comment_id": f.hr_comment, "body": "probe"}), Expect::NotFound),
        case(DW, "delete_comment", json!({"comment_id": f.hr_comment}), Expect::NotFound),
        case(DW, "add_labels", json!({"content_id": f.hr_page, "labels": ["probe"]}), Expect::NotFound),
        case(DW, "remove_label", json!({"content_id": f.docs_conf, "label": "confidential"}), Expect::NotFound).hide(&[glossary]),
        case(DW, "create_blog_post", json!({"space_key": "ENG", "title": "Policy probe 5", "body": "x"}), Expect::NotFound),
        case(DW, "update_blog_post", json!({"blog_post_id": f.hr_blog, "title": "Taken over"}), Expect::NotFound).hide(&[blog]),
        case(DW, "create_space", json!({"key": "ELSEWHERE", "name": "Not mine"}), Expect::Forbidden).show(&["ELSEWHERE", "DOCS"]),
        case(DW, "delete_space", json!({"space_key": "ENG"}), Expect::NotFound),
        case(DW, "delete_space", json!({"space_key": "DOCS"}), Expect::Approval).show(&["writer-space-deletion-needs-approval"]),
        // --- the auditor reads everything (the confidential rule does not name it) ---
        case(AU, "get_page", json!({"page_id": f.hr_conf}), Expect::Ok).show(&[salary]),
        case(AU, "get_attachment", json!({"attachment_id": f.hr_xlsx}), Expect::Ok).show(&["salary-bands-2026.xlsx"]),
        case(AU, "search", json!({"cql": "label = confidential AND space = HR", "limit": 50}), Expect::Ok).show(&[salary]),
        case(AU, "get_page", json!({"page_id": f.sync_page}), Expect::Ok).show(&[sync]),
        case(AU, "list_spaces", json!({"limit": 250}), Expect::Ok).show(&["HR", "ENG"]),
        case(AU, "search", json!({"cql": "type = space"}), Expect::Invalid),
        // --- space-admin ---
        case(SA, "list_spaces", json!({"limit": 250}), Expect::Ok).show(&["HR"]),
        case(SA, "get_page", json!({"page_id": f.hr_page}), Expect::Ok).show(&[hr]),
        case(SA, "get_space", json!({"space_key": "HR"}), Expect::Ok).show(&["HR"]),
    ]
}

/// Whether `needle` occurs in `hay`; an id (digits, or `att` + digits) only counts when it is
/// not part of a longer number.
fn contains_token(hay: &str, needle: &str) -> bool {
    let numeric = needle
        .trim_start_matches("att")
        .bytes()
        .all(|b| b.is_ascii_digit());
    if !numeric {
        return hay.contains(needle);
    }
    hay.match_indices(needle).any(|(at, _)| {
        let before = hay[..at].bytes().next_back();
        let after = hay[at + needle.len()..].bytes().next();
        !before.is_some_and(|b| b.is_ascii_digit()) && !after.is_some_and(|b| b.is_ascii_digit())
    })
}

/// Every search hit's or listed space's key.
fn spaces_in(result: &Value) -> Vec<String> {
    let s = &result["structuredContent"];
    let mut keys = Vec::new();
    for list in ["results", "spaces"] {
        if let Some(items) = s[list].as_array() {
            for item in items {
                let key = item["space_key"].as_str().or(item["key"].as_str());
                keys.push(key.unwrap_or("?").to_owned());
            }
        }
    }
    keys
}

fn outcome(result: &Value) -> Result<Expect, String> {
    if let Some(err) = result.get("error") {
        return Err(err["message"].as_str().unwrap_or_default().to_owned());
    }
    if result["isError"] != true {
        return Ok(Expect::Ok);
    }
    let text = text_of(result);
    Ok(if text.starts_with("Not found") {
        Expect::NotFound
    } else if text.starts_with("Forbidden") {
        Expect::Forbidden
    } else if text.starts_with("Approval required") {
        Expect::Approval
    } else if text.starts_with("Invalid argument") {
        Expect::Invalid
    } else {
        return Err(format!("unexpected tool error: {text}"));
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_table_over_the_demo() {
    let demo = DemoProcess::start();
    let info = &demo.info.0;
    let emu = Emu::new(info);
    let f = fixtures(&emu).await;
    let http = http();
    let cases = table(&f);
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let mut failures = Vec::new();
    let mut leaks = 0;
    for (i, c) in cases.iter().enumerate() {
        let url = demo.info.url(c.server);
        let key = demo.info.key(c.agent);
        let result = call(&http, &url, &key, c.tool, c.args.clone()).await;
        let whole = result.to_string();
        let label = format!("#{i} {} {} {}", c.agent, c.tool, c.args);
        match (outcome(&result), c.expect) {
            (Ok(got), want) if got == want => {}
            (Err(message), Expect::Rpc(want)) if message.contains(want) => {}
            (got, want) => failures.push(format!(
                "{label}: expected {want:?}, got {got:?}: {}",
                text_of(&result).chars().take(300).collect::<String>()
            )),
        }
        for hidden in &c.hide {
            if !hidden.is_empty() && contains_token(&whole, hidden) {
                leaks += 1;
                failures.push(format!("{label}: LEAK of {hidden:?}"));
            }
        }
        for shown in &c.show {
            if !whole.contains(shown.as_str()) {
                failures.push(format!("{label}: {shown:?} missing"));
            }
        }
        if let Some(allowed) = c.only_spaces {
            for key in spaces_in(&result) {
                if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&key)) {
                    leaks += 1;
                    failures.push(format!("{label}: LEAK: an item of space {key}"));
                }
            }
        }
    }

    // Hidden and missing content answer in the same words (no existence oracle).
    let ro = demo.info.url("readonly");
    let bot = demo.info.key(SB);
    for (tool, arg, hidden) in [
        ("get_page", "page_id", &f.hr_page),
        ("get_comment", "comment_id", &f.hr_comment),
        ("get_blog_post", "blog_post_id", &f.hr_blog),
        ("get_attachment", "attachment_id", &f.hr_xlsx),
        ("get_page_versions", "page_id", &f.legacy),
    ] {
        let a = text_of(&call(&http, &ro, &bot, tool, json!({ arg: hidden })).await);
        let b = text_of(&call(&http, &ro, &bot, tool, json!({ arg: NOWHERE })).await);
        if a.replace(hidden.as_str(), "ID") != b.replace(NOWHERE, "ID") {
            failures.push(format!("{tool}: hidden and missing differ: {a:?} vs {b:?}"));
        }
    }

    // Refused writes changed nothing in Confluence.
    for n in 1..=5 {
        let made = emu.cql(&format!("title = \"Policy probe {n}\"")).await;
        if !made.is_empty() {
            failures.push(format!("Policy probe {n} was created: {made:?}"));
        }
    }
    let hr_page = emu.get(&format!("/api/v2/pages/{}", f.hr_page), &[]).await;
    if hr_page["title"] != "Code of conduct" || hr_page["status"] != "current" {
        failures.push(format!("the HR page changed: {hr_page}"));
    }
    let faq = emu
        .get(&format!("/api/v2/pages/{}", f.docs_page), &[])
        .await;
    let docs_conf = emu
        .get(&format!("/api/v2/pages/{}", f.docs_conf), &[])
        .await;
    if faq["parentId"] == json!(f.hr_page) || docs_conf["parentId"] == json!(f.user_guide) {
        failures.push("a page was moved across the policy".into());
    }
    let labels = emu
        .get(&format!("/api/v2/pages/{}/labels", f.docs_conf), &[])
        .await
        .to_string();
    if !labels.contains("confidential") {
        failures.push("the confidential label was removed".into());
    }
    let files = emu
        .get(&format!("/api/v2/pages/{}/attachments", f.hr_page), &[])
        .await
        .to_string();
    if files.contains("probe.txt") {
        failures.push("a file was uploaded to a hidden page".into());
    }
    let docs_space = emu.get("/api/v2/spaces", &[("keys", "DOCS")]).await;
    if docs_space["results"]
        .as_array()
        .is_none_or(|r| r.is_empty())
    {
        failures.push("DOCS was deleted without approval".into());
    }

    assert!(
        failures.is_empty(),
        "{} of {} cases failed ({leaks} leaks):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!("{} policy cases passed, 0 leaks", cases.len());
}

/// `tools/list` and calls agree: every listed tool is callable, and every tool the policy
/// hides answers exactly like an unknown tool.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_list_and_hidden_tools_agree() {
    let demo = DemoProcess::start();
    let http = http();
    let rw = demo.info.url("readwrite");
    let key = demo.info.key(SA);
    let (_, _, listed) = common::rpc(
        &http,
        &rw,
        Some(&key),
        &json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    )
    .await;
    let names: Vec<String> = listed["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"create_space".to_owned()) && names.contains(&"get_page".to_owned()));
    assert!(!names.contains(&"create_page".to_owned()), "{names:?}");
    let unknown = call(&http, &rw, &key, "made_up_tool", json!({})).await;
    let hidden = call(&http, &rw, &key, "create_page", json!({})).await;
    assert_eq!(
        unknown["error"]["message"]
            .as_str()
            .unwrap()
            .replace("made_up_tool", "X"),
        hidden["error"]["message"]
            .as_str()
            .unwrap()
            .replace("create_page", "X"),
    );
    assert_eq!(unknown["error"]["code"], hidden["error"]["code"]);
}
