//! The demo seed's content: planted fake secrets where the list says, well-formed rich
//! bodies, and the seeded wiki as its server serves it over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod seed_support;

use confluence_emulator::SeedKind;
use confluence_emulator::seed::{self, secrets};
use confluence_emulator::store::Store;
use confluence_emulator::store::model::*;
use secrets::{Location, SecretKind};
use seed_support::*;
use std::collections::{BTreeSet, HashSet};

#[test]
fn demo_planted_secrets_are_where_the_list_says() {
    for seed_number in [42, 1, 2, 3] {
        planted_secrets_hold(&seed::build(SeedKind::Demo, seed_number, 0));
    }
}

fn planted_secrets_hold(store: &Store) {
    let planted = secrets::planted();
    let kinds: BTreeSet<SecretKind> = planted.iter().map(|p| p.kind).collect();
    assert_eq!(kinds.len(), 18, "every kind planted");
    for p in &planted {
        let c = page(store, p.space_key, p.page_title);
        let found = match &p.location {
            Location::Body => c.current().body.contains(&p.value),
            Location::OldVersion => {
                !c.current().body.contains(&p.value)
                    && c.versions.iter().any(|v| v.body.contains(&p.value))
            }
            Location::Comment => store
                .comments
                .values()
                .any(|k| k.container_id == c.id && k.current().body.contains(&p.value)),
            Location::Attachment(name) => store.attachments.values().any(|a| {
                a.container_id == c.id
                    && a.title == *name
                    && a.data
                        .windows(p.value.len())
                        .any(|w| w == p.value.as_bytes())
            }),
        };
        assert!(found, "{:?} {:?} on {}", p.kind, p.location, p.page_title);
        let v = p.value.as_str();
        match p.kind {
            SecretKind::CardNumber => assert!(luhn_ok(v), "luhn {v}"),
            SecretKind::Iban => assert!(iban_ok(v), "iban {v}"),
            SecretKind::UsSsn => {
                let area: u32 = v[..3].parse().unwrap();
                assert!(area != 0 && area != 666 && area < 900, "{v}");
                assert!(&v[4..6] != "00" && &v[7..] != "0000");
            }
            SecretKind::AwsAccessKeyId => {
                assert!(v.len() == 20 && v.starts_with("AKIA") && v != "AKIAIOSFODNN7EXAMPLE");
                assert!(
                    v.chars()
                        .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
                );
            }
            SecretKind::AwsSecretAccessKey => assert_eq!(v.len(), 40),
            SecretKind::GithubToken => {
                assert!(v.starts_with("ghp_") && v.len() == 40);
                assert!(v[4..].chars().all(|c| c.is_ascii_alphanumeric()));
            }
            SecretKind::StripeLiveKey => assert!(v.starts_with("sk_live_") && v.len() >= 32),
            SecretKind::OpenAiKey => assert!(v.starts_with("sk-proj-") && v.contains("T3BlbkFJ")),
            SecretKind::Jwt => assert_eq!(v.split('.').count(), 3),
            SecretKind::PrivateKeyPem => {
                assert!(v.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
                assert!(v.ends_with("-----END RSA PRIVATE KEY-----"));
            }
            SecretKind::SlackWebhook => {
                assert!(v.starts_with("https://hooks.slack.com/services/T"))
            }
            SecretKind::PostgresUrl => assert!(v.starts_with("postgres") && v.contains(":5432/")),
            SecretKind::UkNino => {
                let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                assert_eq!(compact.len(), 9);
                assert!(!"DFIQUV".contains(&compact[..1]) && !"DFIQUVO".contains(&compact[1..2]));
            }
            _ => {}
        }
    }
    let pages = secrets::planted_pages();
    assert!(
        pages
            .iter()
            .any(|(s, t, k)| *s == "HR" && *t == secrets::PAYROLL && k.contains(&SecretKind::Iban))
    );
}

#[test]
fn checker_rejects_broken_xml() {
    assert!(well_formed("<p>a<strong>b</strong></p><br/>").is_ok());
    assert!(well_formed("<p>a</strong>").is_err());
    assert!(well_formed("<p>&nbsp;</p>").is_err());
    assert!(well_formed("<p x=1>a</p>").is_err());
    assert!(well_formed("<p><![CDATA[</p>]]></p>").is_ok());
}

#[test]
fn demo_bodies_are_well_formed_and_rich() {
    let store = seed::build(SeedKind::Demo, 42, 200);
    let mut all = String::new();
    for c in store.contents.values() {
        for v in &c.versions {
            if let Err(e) = well_formed(&v.body) {
                panic!("{} v{}: {e}\n{}", v.title, v.number, v.body);
            }
        }
        all.push_str(&c.current().body);
    }
    for c in store.comments.values() {
        for v in &c.versions {
            well_formed(&v.body).unwrap_or_else(|e| panic!("comment {}: {e}", c.id));
        }
    }
    for needle in [
        "<h2>",
        "<strong>",
        "<em>",
        "<code>",
        "<ul>",
        "<ol>",
        "<table",
        "<th>",
        "<td><ul>",
        "ac:name=\"code\"",
        "<![CDATA[",
        "ac:name=\"noformat\"",
        "ac:name=\"info\"",
        "ac:name=\"note\"",
        "ac:name=\"warning\"",
        "ac:name=\"tip\"",
        "ac:name=\"expand\"",
        "ac:name=\"status\"",
        "<ac:task-list>",
        "<ac:task-status>complete</ac:task-status>",
        "<ri:user ri:account-id=",
        "<ri:page ri:space-key=",
        "<ri:attachment ri:filename=",
        "<ac:image",
        "<ri:url ri:value=",
        "ac:name=\"jira\"",
        "ac:name=\"key\"",
        "<ac:layout>",
        "ac:type=\"two_equal\"",
        "ac:name=\"toc\"",
        "ac:name=\"children\"",
        "<ac:emoticon",
        "<time datetime=",
        "<ac:inline-comment-marker",
    ] {
        assert!(all.contains(needle), "no body uses {needle}");
    }
    // Mentions point at real seed users, page links at real pages.
    let accounts: HashSet<&str> = store.users.iter().map(|u| u.account_id.as_str()).collect();
    for part in all.split("ri:account-id=\"").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        assert!(accounts.contains(id), "mention of unknown {id}");
    }
    for part in all.split("<ri:page ri:space-key=\"").skip(1) {
        let key = &part[..part.find('"').unwrap()];
        let title_at = part.find("ri:content-title=\"").unwrap() + 18;
        let title = &part[title_at..title_at + part[title_at..].find('"').unwrap()];
        let title = title.replace("&amp;", "&").replace("&quot;", "\"");
        let sid = space_id(&store, key);
        assert!(
            store
                .contents
                .values()
                .any(|c| c.space_id == sid && c.title() == title),
            "link to {key}/{title}"
        );
    }
    // Bodies vary: no two current page bodies are the same.
    let bodies: HashSet<&str> = current_pages(&store)
        .iter()
        .map(|c| c.current().body.as_str())
        .collect();
    assert_eq!(bodies.len(), current_pages(&store).len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_server_serves_the_seeded_wiki() {
    let h = common::demo().await;
    let expected = fingerprint(&seed::build(SeedKind::Demo, 42, 0));
    assert_eq!(
        fingerprint(&h.emulator.state.read()),
        expected,
        "served store is the seed-42 demo"
    );
    let info: serde_json::Value = h
        .http
        .get(format!("{}/__admin/info", h.site()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bob = info["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "bob@example.com")
        .unwrap();
    let personal: Vec<&String> = bob["grants"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with('~'))
        .collect();
    assert_eq!(personal.len(), 1);
    assert_eq!(bob["grants"][personal[0].as_str()], "admin");
}

/// Follows `_links.next` and returns every result of a v2 list.
async fn list_all(h: &common::Harness, email: &str, first: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut path = first.to_owned();
    loop {
        let reply = h.get(email, &path).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        out.extend(reply.body["results"].as_array().unwrap().iter().cloned());
        match reply.body["_links"]["next"].as_str() {
            Some(next) => path = next.to_owned(),
            None => return out,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_over_http_respects_restrictions_and_serves_bodies() {
    let h = common::demo().await;
    let (salary, falcon_child, failover, personal_key) = {
        let store = h.emulator.state.read();
        let personal = store
            .spaces
            .values()
            .find(|s| s.space_type == SpaceType::Personal)
            .unwrap();
        (
            page(&store, "HR", "Salary bands 2026").id,
            page(&store, "EXEC", "Falcon: valuation model").id,
            page(&store, "ENG", secrets::PG_FAILOVER).id,
            personal.key.clone(),
        )
    };
    let pages = list_all(&h, "alice@example.com", "/wiki/api/v2/pages?limit=250").await;
    assert!(pages.len() >= 300, "{} pages", pages.len());
    let blogs = list_all(&h, "alice@example.com", "/wiki/api/v2/blogposts?limit=100").await;
    assert!(blogs.len() >= 12);
    // Frank (DOCS reader) sees only DOCS pages.
    let docs_id = h
        .emulator
        .state
        .read()
        .space_by_key("DOCS")
        .unwrap()
        .id
        .to_string();
    let franks = list_all(&h, "frank@example.com", "/wiki/api/v2/pages?limit=250").await;
    assert!(!franks.is_empty() && franks.iter().all(|p| p["spaceId"] == docs_id.as_str()));

    let status = |email: &'static str, id: u64| {
        let h = &h;
        async move {
            h.get(email, &format!("/wiki/api/v2/pages/{id}"))
                .await
                .status
        }
    };
    assert_eq!(status("erin@example.com", salary).await, 404);
    assert_eq!(status("carol@example.com", salary).await, 200);
    assert_eq!(status("dave@example.com", falcon_child).await, 404);
    assert_eq!(status("erin@example.com", falcon_child).await, 200);

    for format in ["storage", "view", "atlas_doc_format"] {
        let reply = h
            .get(
                "bob@example.com",
                &format!("/wiki/api/v2/pages/{failover}?body-format={format}"),
            )
            .await;
        assert_eq!(reply.status, 200, "{format}: {}", reply.text);
        let value = reply.body["body"][format]["value"]
            .as_str()
            .unwrap_or_default();
        assert!(!value.is_empty(), "{format} body");
        if format == "storage" {
            assert!(value.contains(&secrets::postgres_urls()[0]));
        }
    }
    let versions = h
        .get(
            "bob@example.com",
            &format!("/wiki/api/v2/pages/{failover}/versions"),
        )
        .await;
    assert_eq!(versions.status, 200);
    assert!(versions.body["results"].as_array().unwrap().len() >= 3);

    let spaces = list_all(&h, "bob@example.com", "/wiki/api/v2/spaces?limit=250").await;
    let personal = spaces
        .iter()
        .find(|s| s["key"] == personal_key.as_str())
        .expect("personal space listed");
    assert_eq!(personal["type"], "personal");
    assert!(
        spaces.iter().all(|s| s["key"] != "HR"),
        "bob has no HR access"
    );
}
