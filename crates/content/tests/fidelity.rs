//! Fidelity: every text node, code body, link target and table cell of each source appears in
//! its Markdown — over the fixture corpus and the emulator's demo pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use content::{Options, storage_to_markdown};

fn fixtures() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The scanner itself: each category is recognised, and an item is only "found" when present.
#[test]
fn scanner_sorts_items_into_categories_and_flags_what_is_dropped() {
    use common::Category;
    let src = "<p>Intro <ac:link><ri:page ri:content-title=\"Runbook\"/></ac:link></p>\
        <table><tr><td>cell one</td></tr></table>\
        <ac:structured-macro ac:name=\"code\"><ac:plain-text-body><![CDATA[let a_b = 1;\n]]>\
        </ac:plain-text-body></ac:structured-macro>";
    let summary = |md: &str| {
        let mut found: Vec<(Category, String, bool)> = common::check(src, md)
            .into_iter()
            .map(|i| (i.category, i.expected.clone(), i.found()))
            .collect();
        found.sort();
        found
    };
    assert_eq!(
        summary(""),
        vec![
            (Category::Text, "Intro".into(), false),
            (Category::Code, "let a_b = 1;\n".into(), false),
            (Category::LinkTarget, "Runbook".into(), false),
            (Category::TableCell, "cell one".into(), false),
        ]
    );
    // Text on a non-table line does not count for a cell; escaped code does not count as code.
    let lossy = "Intro [[Runbook]]\ncell one\n\nlet a\\_b = 1;\n";
    assert_eq!(
        summary(lossy),
        vec![
            (Category::Text, "Intro".into(), true),
            (Category::Code, "let a_b = 1;\n".into(), false),
            (Category::LinkTarget, "Runbook".into(), true),
            (Category::TableCell, "cell one".into(), false),
        ]
    );
    let faithful = "Intro [[Runbook]]\n\n| cell one |\n\n```\nlet a_b = 1;\n```\n";
    assert!(common::fidelity_problems(src, faithful).is_empty());
}

#[test]
fn corpus_has_at_least_40_fixtures() {
    assert!(fixtures().len() >= 40);
}

#[test]
fn fixtures_are_faithful() {
    let mut failures = Vec::new();
    for (name, src) in fixtures() {
        let md = storage_to_markdown(&src, &Options::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let problems = common::fidelity_problems(&src, &md);
        if !problems.is_empty() {
            failures.push(format!("{name}:\n{md}\n{problems:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn demo_pages_convert_and_are_faithful() {
    let store = confluence_emulator::seed::build(confluence_emulator::SeedKind::Demo, 42, 0);
    let mut failures = Vec::new();
    let mut count = 0;
    for c in store.contents.values() {
        for v in &c.versions {
            count += 1;
            match storage_to_markdown(&v.body, &Options::default()) {
                Ok(md) => {
                    let problems = common::fidelity_problems(&v.body, &md);
                    if !problems.is_empty() {
                        failures.push(format!("{}: {problems:#?}", v.title));
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", v.title)),
            }
        }
    }
    assert!(count > 100, "demo corpus unexpectedly small: {count}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Guards the size target reported by `cargo run -p content --example size_report`.
#[test]
fn demo_corpus_markdown_is_at_most_45_percent_of_storage() {
    let store = confluence_emulator::seed::build(confluence_emulator::SeedKind::Demo, 42, 0);
    let names: std::collections::HashMap<String, String> = store
        .users
        .iter()
        .map(|u| (u.account_id.clone(), u.display_name.clone()))
        .collect();
    let resolver = |id: &str| names.get(id).cloned();
    let opts = Options {
        users: Some(&resolver),
        ..Options::default()
    };
    let (mut s, mut m) = (0, 0);
    for c in store.contents.values() {
        let v = c.versions.last().unwrap();
        s += content::estimate_tokens(&v.body);
        m += content::estimate_tokens(&storage_to_markdown(&v.body, &opts).unwrap());
    }
    let ratio = m as f64 / s as f64;
    assert!(ratio <= 0.45, "ratio {ratio:.3}");
}
