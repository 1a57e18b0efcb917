//! The demo seed's structure: a realistic, deterministic wiki with spaces, trees, history,
//! comments, labels, attachments and restrictions. Planted secrets, body quality and the
//! served wiki are in seed_content.rs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod seed_support;

use confluence_emulator::SeedKind;
use confluence_emulator::seed::{self, demo};
use confluence_emulator::store::model::*;
use seed_support::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};

#[test]
fn demo_has_spaces_pages_and_blog_posts() {
    let store = demo_store();
    assert!(
        store.spaces.len() >= 6,
        "five global spaces and a personal one"
    );
    for key in ["ENG", "DOCS", "HR", "LEGAL", "EXEC"] {
        assert_eq!(
            store.space_by_key(key).unwrap().space_type,
            SpaceType::Global
        );
    }
    let personal: Vec<&Space> = store
        .spaces
        .values()
        .filter(|s| s.space_type == SpaceType::Personal)
        .collect();
    assert_eq!(personal.len(), 1);
    assert!(
        personal[0].key.starts_with("~557058"),
        "{}",
        personal[0].key
    );
    assert!(personal[0].homepage_id.is_some());
    let bob = user(&store, demo::PERSONAL_SPACE_OWNER);
    assert_eq!(bob.grants.get(&personal[0].key), Some(&Access::Admin));

    let pages = current_pages(&store);
    assert!(pages.len() >= 300, "{} pages", pages.len());
    let blogs: Vec<&Content> = store
        .contents
        .values()
        .filter(|c| c.kind == ContentKind::BlogPost)
        .collect();
    assert!(blogs.len() >= 12, "{} blog posts", blogs.len());
    let blog_spaces: BTreeSet<u64> = blogs.iter().map(|b| b.space_id).collect();
    assert!(blog_spaces.len() >= 4);
    assert!(blogs.iter().all(|b| b.parent_id.is_none()));

    // Titles are unique per space, as Confluence requires.
    let mut seen = HashSet::new();
    for c in store
        .contents
        .values()
        .filter(|c| c.kind == ContentKind::Page)
    {
        assert!(
            seen.insert((c.space_id, c.title().to_owned())),
            "duplicate title {}",
            c.title()
        );
    }
    // Every page but the home pages has a parent in its own space.
    for c in &pages {
        let home = store.spaces[&c.space_id].homepage_id;
        if home != Some(c.id) {
            let parent = store
                .contents
                .get(&c.parent_id.expect("parent"))
                .expect("parent exists");
            assert_eq!(parent.space_id, c.space_id);
        }
    }
    // Notable titles other tests rely on.
    for (key, title) in [
        ("ENG", "PostgreSQL failover runbook"),
        ("ENG", "ADR-012: Move search to OpenSearch"),
        ("ENG", "On-call handbook"),
        ("DOCS", "Release 4.3"),
        ("DOCS", "Template variables reference"),
        ("HR", "Employee directory"),
        ("LEGAL", "Data Processing Agreement (DPA)"),
        ("EXEC", "2027 plan"),
    ] {
        page(&store, key, title);
    }
    assert!(store.contents.values().any(|c| c.status == Status::Trashed));
    assert!(
        store
            .contents
            .values()
            .any(|c| c.status == Status::Archived)
    );
}

#[test]
fn demo_trees_are_deep_and_history_is_real() {
    let store = demo_store();
    let depth = |c: &Content| store.ancestors(c.id).len();
    for key in ["ENG", "DOCS"] {
        let sid = space_id(&store, key);
        let max = current_pages(&store)
            .into_iter()
            .filter(|c| c.space_id == sid)
            .map(depth)
            .max()
            .unwrap();
        assert!(max >= 4, "{key} depth {max}");
    }
    let multi: Vec<&Content> = store
        .contents
        .values()
        .filter(|c| c.versions.len() > 1)
        .collect();
    assert!(multi.len() >= 50, "{} pages with history", multi.len());
    for c in &multi {
        for (i, v) in c.versions.iter().enumerate() {
            assert_eq!(v.number as usize, i + 1);
        }
        assert!(
            c.versions
                .windows(2)
                .all(|w| w[0].created_at <= w[1].created_at)
        );
    }
    assert!(
        multi
            .iter()
            .any(|c| c.versions.windows(2).any(|w| w[0].body != w[1].body))
    );
    assert!(
        multi
            .iter()
            .any(|c| c.versions.iter().any(|v| !v.message.is_empty()))
    );
    assert!(multi.iter().any(|c| {
        let authors: HashSet<&str> = c.versions.iter().map(|v| v.author_id.as_str()).collect();
        authors.len() > 1
    }));
    let renamed = page(&store, "ENG", "PostgreSQL failover runbook");
    assert_eq!(renamed.versions[0].title, "Postgres failover steps");
    let authors: HashSet<&str> = store
        .contents
        .values()
        .map(|c| c.author_id.as_str())
        .collect();
    assert!(authors.len() >= 4, "{} authors", authors.len());
    let epoch = seed::epoch();
    assert!(
        store
            .contents
            .values()
            .all(|c| c.last_modified() <= epoch && c.created_at <= c.last_modified())
    );
    assert!(
        store
            .contents
            .values()
            .any(|c| c.created_at < epoch - chrono::Duration::days(600))
    );
    assert!(
        store
            .contents
            .values()
            .filter(|c| c.last_modified() > epoch - chrono::Duration::days(7))
            .count()
            >= 10
    );
    // Children are never older than their parents.
    for c in store.contents.values() {
        if let Some(p) = c.parent_id.and_then(|p| store.contents.get(&p)) {
            assert!(
                p.created_at <= c.created_at,
                "{} older than its parent",
                c.title()
            );
        }
    }
}

#[test]
fn demo_has_every_comment_kind() {
    let store = demo_store();
    let count = |kind: CommentKind, reply: bool| {
        store
            .comments
            .values()
            .filter(|c| c.kind == kind && c.parent_comment_id.is_some() == reply)
            .count()
    };
    assert!(count(CommentKind::Footer, false) >= 30);
    assert!(count(CommentKind::Footer, true) >= 10);
    assert!(count(CommentKind::Inline, false) >= 20);
    assert!(count(CommentKind::Inline, true) >= 5);
    let mut resolved = 0;
    for c in store.comments.values() {
        let container = store.contents.get(&c.container_id).expect("container");
        assert!(c.created_at >= container.created_at);
        if let Some(parent) = c.parent_comment_id {
            assert_eq!(store.comments[&parent].container_id, c.container_id);
        }
        if c.kind == CommentKind::Inline && c.parent_comment_id.is_none() {
            let anchor = c.inline.as_ref().expect("inline anchor");
            let body = &container.current().body;
            assert!(
                body.contains(&anchor.text_selection),
                "selection {:?}",
                anchor.text_selection
            );
            assert!(body.contains(&format!("ac:ref=\"{}\"", anchor.marker_ref)));
            assert!(anchor.match_index < anchor.match_count);
            if anchor.resolution_status == "resolved" {
                resolved += 1;
            }
        }
        // Commenters can see what they comment on.
        let author = store
            .user_by_account(&c.current().author_id)
            .expect("author");
        assert!(store.can_read_content(author, container));
    }
    assert!(resolved >= 3);
    // Comments mention real users.
    assert!(
        store
            .comments
            .values()
            .any(|c| c.current().body.contains("ri:account-id"))
    );
}

#[test]
fn demo_labels() {
    let store = demo_store();
    let labelled = |name: &str| -> Vec<&Content> {
        store
            .contents
            .values()
            .filter(|c| c.labels.iter().any(|l| l.name == name))
            .collect()
    };
    for key in ["HR", "LEGAL", "EXEC"] {
        let sid = space_id(&store, key);
        assert!(
            labelled("confidential")
                .iter()
                .filter(|c| c.space_id == sid)
                .count()
                >= 2,
            "{key}"
        );
    }
    for name in [
        "runbook",
        "adr",
        "policy",
        "release-notes",
        "howto",
        "postmortem",
        "meeting-notes",
        "okr",
        "nda",
    ] {
        assert!(!labelled(name).is_empty(), "label {name}");
    }
    // One id per label name.
    let mut ids: BTreeMap<&str, u64> = BTreeMap::new();
    for c in store.contents.values() {
        for l in &c.labels {
            assert_eq!(*ids.entry(&l.name).or_insert(l.id), l.id);
        }
    }
}

#[test]
fn demo_attachments_are_real_files() {
    let store = demo_store();
    let by_type = |media: &str| -> Vec<&Attachment> {
        store
            .attachments
            .values()
            .filter(|a| a.media_type == media)
            .collect()
    };
    for media in [
        "text/plain",
        "text/markdown",
        "text/csv",
        "application/json",
        "image/png",
    ] {
        assert!(!by_type(media).is_empty(), "{media}");
    }
    let pdfs = by_type("application/pdf");
    assert!(pdfs.len() >= 3);
    pdfs.iter().for_each(|a| check_pdf(&a.data));
    let docx = by_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert!(!docx.is_empty());
    for a in docx {
        assert!(a.title.ends_with(".docx"));
        let parts = unzip(&a.data);
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
        ] {
            assert!(parts.contains_key(part), "{part}");
        }
        assert!(String::from_utf8_lossy(&parts["word/document.xml"]).contains("<w:t"));
    }
    let xlsx = by_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(!xlsx.is_empty());
    for a in xlsx {
        let parts = unzip(&a.data);
        for part in [
            "[Content_Types].xml",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/worksheets/sheet1.xml",
        ] {
            assert!(parts.contains_key(part), "{part}");
        }
    }
    for a in by_type("image/png") {
        assert!(a.data.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
    for a in by_type("application/json") {
        serde_json::from_slice::<serde_json::Value>(&a.data).expect("valid json");
    }
    // Pages show their attachments (links or images) in the body.
    let user_guide = page(&store, "LEGAL", "Mutual NDA template");
    assert!(
        user_guide
            .current()
            .body
            .contains("ri:filename=\"mutual-nda-template.docx\"")
    );
    let ids: HashSet<&str> = store
        .attachments
        .values()
        .map(|a| a.file_id.as_str())
        .collect();
    assert_eq!(ids.len(), store.attachments.len());
}

#[test]
fn demo_restrictions() {
    let store = demo_store();
    for (key, title, emails) in demo::READ_RESTRICTED {
        let c = page(&store, key, title);
        let allowed = c.read_restricted_to.as_ref().expect("read restricted");
        assert_eq!(allowed.len(), emails.len());
        for email in *emails {
            assert!(
                store.can_read_content(user(&store, email), c),
                "{email} reads {title}"
            );
        }
    }
    for (key, title, emails) in demo::UPDATE_RESTRICTED {
        let c = page(&store, key, title);
        assert!(c.update_restricted_to.is_some());
        for email in *emails {
            assert!(
                store.can_write_content(user(&store, email), c),
                "{email} edits {title}"
            );
        }
    }
    let can = |email: &str, key: &str, title: &str| {
        store.can_read_content(user(&store, email), page(&store, key, title))
    };
    // Space access is not enough for restricted pages, nor for what lies below them.
    assert!(!can("erin@example.com", "HR", "Salary bands 2026"));
    assert!(can("carol@example.com", "HR", "Salary bands 2026"));
    assert!(can("alice@example.com", "HR", "Salary bands 2026"));
    assert!(!can(
        "dave@example.com",
        "EXEC",
        "Acquisition target: Project Falcon"
    ));
    assert!(!can("dave@example.com", "EXEC", "Falcon: valuation model"));
    assert!(can("erin@example.com", "EXEC", "Falcon: valuation model"));
    assert!(can("dave@example.com", "EXEC", "2027 plan"));
    assert!(!can("erin@example.com", "LEGAL", "Smith v. Example Corp"));
    assert!(can("dave@example.com", "LEGAL", "Smith v. Example Corp"));
    assert!(!can(
        "erin@example.com",
        "ENG",
        "Security incident 2026-03 postmortem"
    ));
    assert!(can("carol@example.com", "HR", "PIP case notes: Sales"));
    assert!(can("erin@example.com", "HR", "PIP case notes: Sales"));
    assert!(!can("frank@example.com", "ENG", "Runbooks"));
    assert!(can("frank@example.com", "DOCS", "Release 4.3"));
    // Update restriction: bob may edit the ADR index, erin (reader) may not.
    let adr = page(&store, "ENG", "Architecture Decision Records");
    assert!(!store.can_write_content(user(&store, "erin@example.com"), adr));
}

#[test]
fn demo_is_deterministic() {
    let a = fingerprint(&seed::build(SeedKind::Demo, 42, 0));
    let b = fingerprint(&seed::build(SeedKind::Demo, 42, 0));
    let c = fingerprint(&seed::build(SeedKind::Demo, 43, 0));
    assert_eq!(a, b);
    assert_ne!(a, c);
    let x = fingerprint(&seed::build(SeedKind::Demo, 7, 300));
    let y = fingerprint(&seed::build(SeedKind::Demo, 7, 300));
    assert_eq!(x, y);
}

#[test]
fn generate_pages_adds_exactly_n_fast() {
    let base = current_pages(&demo_store()).len();
    let started = std::time::Instant::now();
    let big = seed::build(SeedKind::Demo, 42, 10_000);
    let elapsed = started.elapsed();
    assert_eq!(current_pages(&big).len(), base + 10_000);
    // Debug builds are several times slower than release; this still catches quadratic work.
    assert!(elapsed < std::time::Duration::from_secs(8), "{elapsed:?}");
    let eng = space_id(&big, "ENG");
    let docs = space_id(&big, "DOCS");
    let demo_ids: HashSet<u64> = demo_store().contents.keys().copied().collect();
    let generated: Vec<&Content> = big
        .contents
        .values()
        .filter(|c| !demo_ids.contains(&c.id))
        .collect();
    assert_eq!(generated.len(), 10_000);
    assert!(
        generated
            .iter()
            .all(|c| c.space_id == eng || c.space_id == docs)
    );
    assert!(generated.iter().filter(|c| c.space_id == docs).count() > 2_000);
    // Generated pages hang off unrestricted parts of the trees, some several levels down.
    let admin_free = user(&big, "bob@example.com");
    assert!(
        generated
            .iter()
            .all(|c| big.can_read_content(admin_free, c))
    );
    assert!(generated.iter().any(|c| big.ancestors(c.id).len() >= 5));
    let mut seen = HashSet::new();
    for c in big
        .contents
        .values()
        .filter(|c| c.kind == ContentKind::Page)
    {
        assert!(
            seen.insert((c.space_id, c.title().to_owned())),
            "duplicate {}",
            c.title()
        );
    }

    // The empty seed gets them too, under the home pages.
    let empty = seed::build(SeedKind::Empty, 1, 25);
    assert_eq!(current_pages(&empty).len(), 5 + 25);
}
