//! Bounded views: windows, sections and the outline, on hand-written documents, on arbitrary
//! text (property tests) and on the emulator's converted demo pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use confluence_emulator::SeedKind;
use content::{
    Options, OutlineEntry, ViewError, estimate_tokens, outline, section, storage_to_markdown,
    window,
};
use proptest::prelude::*;

/// Characters `[start, end)` of `md`.
fn chars(md: &str, start: usize, end: usize) -> String {
    md.chars().skip(start).take(end - start).collect()
}

/// Whether the line starting at character `at` opens or closes fenced code (as the views'
/// scanner would say, approximated: a run of three backticks or tildes).
fn starts_fence_line(md: &str, at: usize) -> bool {
    let line: String = md.chars().skip(at).take_while(|&c| c != '\n').collect();
    let body = line.trim_start();
    let starts_line = at == 0 || md.chars().nth(at - 1) == Some('\n');
    starts_line && (body.starts_with("```") || body.starts_with("~~~"))
}

/// Pages through `md` and checks every window; returns how many windows it took.
fn check_windows(md: &str, max_chars: usize) -> usize {
    let total = md.chars().count();
    let budget = max_chars.max(1);
    let mut joined = String::new();
    let mut offset = 0;
    let mut count = 0;
    loop {
        let w = window(md, offset, max_chars);
        count += 1;
        assert_eq!(w.offset, offset);
        assert_eq!(w.total_chars, total);
        let len = w.text.chars().count();
        assert_eq!(w.end - w.offset, len);
        assert!(len <= budget, "window of {len} > {budget}");
        assert_eq!(w.remaining, total - w.end);
        assert_eq!(w.tokens, estimate_tokens(w.text));
        assert_eq!(w.text, chars(md, w.offset, w.end));
        joined.push_str(w.text);
        match w.next_offset {
            Some(next) => {
                assert_eq!(next, w.end);
                assert!(len > 0, "no progress at {offset}");
                let hint = w.hint.as_deref().unwrap();
                assert!(
                    hint.ends_with(&format!("call again with offset={next}")),
                    "{hint}"
                );
                // At most a fifth short, unless the cut was moved before a fence line.
                if len < budget - budget / 5 {
                    assert!(
                        starts_fence_line(md, w.end),
                        "short window at {offset}: {len}"
                    );
                }
                offset = next;
            }
            None => {
                assert_eq!(w.end, total);
                assert_eq!(w.hint, None);
                break;
            }
        }
    }
    assert_eq!(joined, md);
    count
}

/// The preamble and top-level sections tile the document; within each section its own text
/// and its direct subsections tile it; every path resolves back to its section.
fn check_outline(md: &str) -> Vec<OutlineEntry> {
    let total = md.chars().count();
    let entries = outline(md);
    let tile = |start: usize, end: usize, parts: &[&OutlineEntry]| {
        let mut at = parts.first().map_or(end, |p| p.offset);
        assert!(start <= at);
        for p in parts {
            assert_eq!(p.offset, at, "gap or overlap before {:?}", p.path);
            at += p.chars;
        }
        assert_eq!(at, end);
    };
    let roots: Vec<&OutlineEntry> = entries.iter().filter(|e| e.path.len() == 1).collect();
    tile(0, total, &roots);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.tokens, e.chars.div_ceil(4));
        assert_eq!(e.path.last(), Some(&e.title));
        let kids: Vec<&OutlineEntry> = entries[i + 1..]
            .iter()
            .take_while(|k| k.offset < e.offset + e.chars)
            .filter(|k| k.path.len() == e.path.len() + 1)
            .collect();
        tile(e.offset, e.offset + e.chars, &kids);
        let path: Vec<&str> = e.path.iter().map(String::as_str).collect();
        let s = section(md, &path).unwrap();
        // Duplicate paths resolve to the first; otherwise to exactly this entry.
        let first = entries.iter().find(|o| o.path == e.path).unwrap();
        assert_eq!(
            (s.offset, s.end),
            (first.offset, first.offset + first.chars)
        );
        assert_eq!(s.text, chars(md, s.offset, s.end));
        assert_eq!(s.tokens, estimate_tokens(s.text));
    }
    entries
}

#[test]
fn a_short_document_is_one_window() {
    let w = window("# Title\n\nbody\n", 0, 100);
    assert_eq!(w.text, "# Title\n\nbody\n");
    assert_eq!(
        (w.end, w.remaining, w.next_offset, w.hint),
        (14, 0, None, None)
    );
    let empty = window("", 0, 10);
    assert_eq!((empty.text, empty.total_chars, empty.hint), ("", 0, None));
}

#[test]
fn cuts_prefer_paragraph_breaks_then_lines() {
    let para = format!("{}\n", "x".repeat(29));
    let md = format!("{para}\n{para}\n{para}\n{para}");
    // 100 characters reach into the fourth paragraph, which starts at 93.
    let w = window(&md, 0, 100);
    assert_eq!(w.end, 93);
    assert!(w.text.ends_with("\n\n"));
    // Without blank lines the last line break inside the budget wins.
    let lines = format!("{para}{para}{para}{para}");
    assert_eq!(window(&lines, 0, 100).end, 90);
    // A paragraph break too far back (more than a fifth short) is not used.
    let md = format!("{para}\n{}", "y".repeat(200));
    assert_eq!(window(&md, 0, 100).end, 100);
}

#[test]
fn a_heading_start_is_a_good_cut() {
    let md = format!("{}\n## Next\n{}", "a".repeat(85), "b".repeat(100));
    let w = window(&md, 0, 100);
    assert_eq!(w.end, 86);
    assert!(w.text.ends_with("a\n"));
}

#[test]
fn hard_cuts_never_split_characters() {
    let md = "日本語🦀é".repeat(100);
    let w = window(&md, 3, 7);
    assert_eq!(w.text, "🦀é日本語🦀é");
    assert_eq!(w.next_offset, Some(10));
    assert_eq!(check_windows(&md, 7), 500usize.div_ceil(7));
}

#[test]
fn the_hint_uses_thousands_separators() {
    let md = "z".repeat(32_345);
    let w = window(&md, 0, 20_000);
    assert_eq!(
        w.hint.as_deref(),
        Some("12,345 more characters; call again with offset=20000")
    );
}

#[test]
fn a_fence_line_is_never_cut() {
    let md = format!(
        "{}\n```{}\ncode\n```\n",
        "p".repeat(50),
        "very-long-info-string-".repeat(5)
    );
    // The hard cut at 100 would fall inside the opening line: the window stops before it.
    let w = window(&md, 0, 100);
    assert_eq!(w.end, 51);
    assert!(w.next_offset.is_some());
    assert!(window(&md, 51, 100).text.starts_with("```very"));
    // An opening line longer than the budget at the window's start is cut (no other way on).
    let w = window(&md, 51, 20);
    assert_eq!(w.end, 71);
}

#[test]
fn a_window_does_not_end_on_an_opening_fence() {
    let md = format!("{}\n```rust\n{}\n```\n", "a".repeat(88), "c".repeat(50));
    // Lines end at 89 (before the fence) and 97 (after "```rust"): 89 is chosen.
    assert_eq!(window(&md, 0, 100).end, 89);
}

#[test]
fn past_the_end_is_an_empty_window_that_says_so() {
    let w = window("abc", 10, 5);
    assert_eq!((w.text, w.offset, w.end, w.remaining), ("", 10, 10, 0));
    assert_eq!(w.next_offset, None);
    let hint = w.hint.unwrap();
    assert!(
        hint.contains("past the end") && hint.contains("offset=0"),
        "{hint}"
    );
    let at_end = window("abc", 3, 5);
    assert_eq!((at_end.text, at_end.hint), ("", None));
}

#[test]
fn a_zero_budget_still_moves_forward() {
    assert_eq!(check_windows("ab\ncd", 0), 5);
}

#[test]
fn headings_in_code_and_escaped_hashes_are_not_in_the_outline() {
    let md = "# Real\n\n\\# escaped\n\n```bash\n# comment\n```\n\n~~~\n## also code\n~~~\n";
    let o = check_outline(md);
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].chars, md.chars().count());
    assert!(matches!(
        section(md, &["comment"]),
        Err(ViewError::SectionNotFound { .. })
    ));
}

fn markdownish() -> impl Strategy<Value = String> {
    let pieces = vec![
        "# ", "## ", "### ", "#", "```", "```rust", "~~~", "\n", "\n\n", "\r\n", "    ", "words",
        "Title", "é", "日本", "🦀", "\\#", "`", "- ", "\u{b}", "\u{a0}", "TITLE",
    ];
    proptest::collection::vec(proptest::sample::select(pieces), 0..120).prop_map(|p| p.concat())
}

proptest! {
    #[test]
    fn windows_cover_markdownish_text_exactly_once(md in markdownish(), max in 1usize..80) {
        check_windows(&md, max);
    }

    #[test]
    fn windows_cover_arbitrary_text_exactly_once(md in "(?s).{0,300}", max in 0usize..50) {
        check_windows(&md, max);
    }

    #[test]
    fn any_offset_is_safe(md in markdownish(), offset in 0usize..2000, max in 0usize..100) {
        let w = window(&md, offset, max);
        prop_assert_eq!(w.text, chars(&md, offset.min(w.total_chars), w.end.min(w.total_chars)));
    }

    #[test]
    fn outline_sections_tile_markdownish_text(md in markdownish()) {
        check_outline(&md);
    }

    #[test]
    fn outline_sections_tile_arbitrary_text(md in "(?s)[#` \n~a-cé]{0,200}") {
        check_outline(&md);
    }

    #[test]
    fn missing_sections_list_real_alternatives(md in markdownish(), name in "[a-z]{1,8}") {
        let entries = outline(&md);
        match section(&md, &[&name]) {
            Ok(s) => prop_assert!(entries.iter().any(|e| e.offset == s.offset)),
            Err(ViewError::SectionNotFound { parent, available, .. }) => {
                prop_assert!(parent.is_empty());
                let roots: Vec<String> = entries
                    .iter()
                    .filter(|e| e.path.len() == 1)
                    .map(|e| e.title.clone())
                    .collect();
                prop_assert_eq!(available, roots);
            }
            Err(other) => prop_assert!(false, "{other}"),
        }
    }
}

/// Every demo page of the emulator, converted as the gateway would.
fn demo_pages() -> Vec<(String, String)> {
    let store = confluence_emulator::seed::build(SeedKind::Demo, 42, 0);
    store
        .contents
        .values()
        .filter_map(|c| c.versions.last())
        .map(|v| {
            let md = storage_to_markdown(&v.body, &Options::default()).unwrap();
            (v.title.clone(), md)
        })
        .collect()
}

#[test]
fn views_hold_on_the_demo_corpus() {
    let pages = demo_pages();
    assert!(pages.len() > 10, "{}", pages.len());
    let mut with_headings = 0;
    for (title, md) in &pages {
        let entries = check_outline(md);
        if !entries.is_empty() {
            with_headings += 1;
        }
        let total = md.chars().count();
        for max in [50, 200, 1000, total.max(1)] {
            let count = check_windows(md, max);
            assert!(count >= total.div_ceil(max), "{title}");
        }
    }
    assert!(with_headings > 0, "no demo page has headings");
    // All pages as one long document, paged as a gateway would.
    let all: String = pages.iter().map(|(_, md)| md.as_str()).collect();
    let windows = check_windows(&all, 20_000);
    assert!(windows >= all.chars().count().div_ceil(20_000));
}

#[test]
fn a_demo_page_can_be_read_section_by_section() {
    let pages = demo_pages();
    let (title, md) = pages
        .iter()
        .max_by_key(|(_, md)| outline(md).len())
        .unwrap();
    let entries = outline(md);
    assert!(entries.len() >= 2, "{title}: {entries:?}");
    let first = &entries[0];
    let path: Vec<String> = first.path.iter().map(|t| t.to_uppercase()).collect();
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    let s = section(md, &path).unwrap();
    assert!(s.text.starts_with('#'), "{}", s.text);
    assert_eq!(s.text.chars().count(), first.chars);
    let err = section(md, &["no such heading anywhere"]).unwrap_err();
    assert!(
        err.to_string().contains(&format!("\"{}\"", first.title)),
        "{err}"
    );
}
