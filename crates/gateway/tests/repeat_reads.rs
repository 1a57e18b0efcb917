//! Reading the same large page again and again, as agents do: the gateway memoizes the
//! storage → Markdown conversion and the DLP scans of long texts (`gateway::memo`). These tests
//! check over real HTTP that a repeat still gets exactly what a first read gets: a new version
//! is seen at once, each agent's space scope and DLP profile still apply, and the result is
//! the same whichever agent warmed the memo.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{call, http, text_of};
use serde_json::{Value, json};

/// The emulator's REST API as a user of the demo wiki (to create and edit pages directly).
struct Wiki {
    http: reqwest::Client,
    site: String,
    email: String,
    token: String,
}

impl Wiki {
    fn as_user(info: &common::DemoInfo, email: &str) -> Wiki {
        let emulator = &info.0["emulator"];
        let user = emulator["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap();
        Wiki {
            http: http(),
            site: emulator["site_url"].as_str().unwrap().to_owned(),
            email: email.to_owned(),
            token: user["api_token"].as_str().unwrap().to_owned(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Value {
        let resp = req
            .basic_auth(&self.email, Some(&self.token))
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        resp.json().await.unwrap()
    }

    async fn space_id(&self, key: &str) -> String {
        let url = format!("{}/wiki/api/v2/spaces?keys={key}", self.site);
        let spaces = self.send(self.http.get(url)).await;
        spaces["results"][0]["id"].as_str().unwrap().to_owned()
    }

    async fn create(&self, space: &str, title: &str, storage: &str) -> String {
        let body = json!({"spaceId": self.space_id(space).await, "status": "current",
            "title": title, "body": {"representation": "storage", "value": storage}});
        let url = format!("{}/wiki/api/v2/pages", self.site);
        let created = self.send(self.http.post(url).json(&body)).await;
        created["id"].as_str().unwrap().to_owned()
    }

    async fn update(&self, id: &str, title: &str, storage: &str, version: u64) {
        let body = json!({"id": id, "status": "current", "title": title,
            "body": {"representation": "storage", "value": storage},
            "version": {"number": version}});
        let url = format!("{}/wiki/api/v2/pages/{id}", self.site);
        self.send(self.http.put(url).json(&body)).await;
    }
}

/// A storage body well above the memo thresholds, with `marker` in its last paragraph.
fn long_storage(marker: &str, extra: &str) -> String {
    let mut s = String::new();
    for i in 0..40 {
        s.push_str(&format!(
            "<h2>Step {i}</h2><p>Drain the node, check the <strong>replication lag</strong> \
             and wait for the alerts to clear before the next step.</p>"
        ));
    }
    s.push_str(&format!("<p>{marker} {extra}</p>"));
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_version_is_seen_at_once() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let (http, ro, bot) = (http(), info.url("readonly"), info.key("support-bot"));
    let wiki = Wiki::as_user(&info, "alice@example.com");
    let title = "Repeat reads: versions";
    let id = wiki
        .create("ENG", title, &long_storage("first-edition", ""))
        .await;

    for _ in 0..3 {
        let page = call(&http, &ro, &bot, "get_page", json!({"page_id": id})).await;
        assert_eq!(page["isError"], false, "{page}");
        assert!(text_of(&page).contains("first-edition"));
        assert_eq!(page["structuredContent"]["version"], 1);
    }

    wiki.update(&id, title, &long_storage("second-edition", ""), 2)
        .await;
    let page = call(&http, &ro, &bot, "get_page", json!({"page_id": id})).await;
    let text = text_of(&page);
    assert!(text.contains("second-edition"), "{text}");
    assert!(!text.contains("first-edition"), "{text}");
    assert_eq!(page["structuredContent"]["version"], 2);
    let body = page["structuredContent"]["body"]["content"]
        .as_str()
        .unwrap();
    assert!(body.contains("second-edition") && !body.contains("first-edition"));

    // Going back to the first body (version 3) gives the first body's Markdown again.
    wiki.update(&id, title, &long_storage("first-edition", ""), 3)
        .await;
    let page = call(&http, &ro, &bot, "get_page", json!({"page_id": id})).await;
    assert!(text_of(&page).contains("first-edition"));
    assert_eq!(page["structuredContent"]["version"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_repeat_gets_its_agents_scope_and_dlp() {
    let demo = common::demo_in_process().await;
    let info = common::info_of(&demo);
    let (http, ro) = (http(), info.url("readonly"));
    let (bot, auditor) = (info.key("support-bot"), info.key("auditor"));
    let wiki = Wiki::as_user(&info, "alice@example.com");
    let token = format!("{}{}", "ghp_", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
    let storage = long_storage("deploy-token", &format!("export GITHUB_TOKEN={token}"));
    let eng = wiki.create("ENG", "Repeat reads: secrets", &storage).await;
    // The same body in HR, outside support-bot's spaces.
    let hr = wiki.create("HR", "Repeat reads: HR copy", &storage).await;

    // The auditor reads the HR copy first, so its conversion is already memoized...
    let seen = call(&http, &ro, &auditor, "get_page", json!({"page_id": hr})).await;
    assert_eq!(
        seen["isError"], true,
        "strict DLP blocks the secret: {seen}"
    );
    assert!(text_of(&seen).contains("Blocked by data loss prevention"));
    // ...and support-bot still cannot read it, however often it asks.
    for _ in 0..2 {
        let hidden = call(&http, &ro, &bot, "get_page", json!({"page_id": hr})).await;
        assert_eq!(hidden["isError"], true);
        assert!(text_of(&hidden).contains("outside the spaces this agent may use"));
    }

    // The ENG copy, alternately as support-bot (default DLP: redact) and as the auditor
    // (strict: secrets block the call): each read gets its own agent's policy.
    for _ in 0..3 {
        let page = call(&http, &ro, &bot, "get_page", json!({"page_id": eng})).await;
        assert_eq!(page["isError"], false, "{page}");
        let text = text_of(&page);
        assert!(!text.contains(&token), "the token reached the agent");
        assert!(text.contains("[REDACTED:"), "{text}");
        assert!(text.contains("deploy-token"));
        let structured = page["structuredContent"].to_string();
        assert!(!structured.contains(&token), "the token reached the agent");
        assert!(structured.contains("[REDACTED:"));

        let blocked = call(&http, &ro, &auditor, "get_page", json!({"page_id": eng})).await;
        assert_eq!(blocked["isError"], true, "{blocked}");
        assert!(!blocked.to_string().contains(&token));
    }

    // Structured-only and text-only answers are inspected the same way.
    for format in ["structured", "text"] {
        let page = call(
            &http,
            &ro,
            &bot,
            "get_page",
            json!({"page_id": eng, "outputFormat": format}),
        )
        .await;
        assert_eq!(page["isError"], false, "{page}");
        assert!(!page.to_string().contains(&token), "{format}: token leaked");
    }
}
