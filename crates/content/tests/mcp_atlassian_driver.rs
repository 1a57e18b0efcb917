//! The driver behind `compare_mcp_atlassian` (`benches/mcp_atlassian_convert.py`) works: it
//! converts a few fixtures with the venv's pinned mcp-atlassian and writes Markdown for each.
//! Needs the test venv (`bash scripts/ensure-venv.sh`, which `scripts/test.sh` runs first); it
//! fails, never skips, when the venv is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../support/mcp_atlassian.rs"]
mod mcp_atlassian;

use std::path::Path;

/// (fixture, a line the Markdown must contain, proving it is Markdown rather than echoed XHTML)
const CASES: &[(&str, &str)] = &[
    ("03-emphasis", "This is **bold**, *italic*"),
    (
        "07-links-html",
        "[the docs](https://example.com/docs?a=1&b=2)",
    ),
    ("11-table-simple", "| Alice | Lead |"),
];

fn pinned_version() -> String {
    let requirements =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/test-requirements.txt");
    std::fs::read_to_string(requirements)
        .unwrap()
        .lines()
        .find_map(|l| l.trim().strip_prefix("mcp-atlassian=="))
        .expect("scripts/test-requirements.txt pins mcp-atlassian")
        .to_string()
}

#[test]
fn driver_writes_markdown_for_each_input() {
    mcp_atlassian::venv_python().unwrap_or_else(|e| panic!("{e}"));
    let work = std::env::temp_dir().join(format!("content-driver-test-{}", std::process::id()));
    let (in_dir, out_dir) = (work.join("storage"), work.join("markdown"));
    std::fs::create_dir_all(&in_dir).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut bytes = 0;
    for (name, _) in CASES {
        let storage = std::fs::read_to_string(fixtures.join(format!("{name}.xml"))).unwrap();
        bytes += storage.len() as u64;
        std::fs::write(in_dir.join(format!("{name}.xml")), storage).unwrap();
    }

    let run = mcp_atlassian::run_driver(&in_dir, &out_dir, 2).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(run.version, pinned_version());
    assert_eq!((run.docs, run.bytes), (CASES.len(), bytes));
    assert_eq!(run.times_ns.len(), 2, "one timing per repetition");
    assert!(run.times_ns.iter().all(|&t| t > 0));
    assert!(run.errors.is_empty(), "{:?}", run.errors);
    for (name, expected) in CASES {
        let markdown = std::fs::read_to_string(out_dir.join(format!("{name}.md")))
            .unwrap_or_else(|e| panic!("no Markdown for {name}: {e}"));
        assert!(
            markdown.contains(expected) && !markdown.contains("</"),
            "{name}: {markdown:?}"
        );
    }
    std::fs::remove_dir_all(&work).unwrap();
}
