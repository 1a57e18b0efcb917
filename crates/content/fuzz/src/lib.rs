//! Invariants the fuzz targets check on top of "never panics". Kept in a library so that a
//! new target (for example Markdown → storage) can reuse them.

use content::{outline, section, window};

/// Window budgets derived from the input, so the fuzzer explores small and large ones. Each
/// window call scans the document, so paging costs O(n²/budget): the smallest budget grows
/// with the document to keep executions fast (about eight windows).
pub fn budgets(total_chars: usize, seed: u8) -> [usize; 3] {
    [
        1 + usize::from(seed % 8) + total_chars / 8,
        200 + usize::from(seed) * 8,
        20_000,
    ]
}

/// Resolving a path scans the document; a few dozen entries exercise it well enough.
const SECTIONS_CHECKED: usize = 40;

/// Paging with `window` covers the document exactly once, moves forward and respects the
/// budget; the outline's sections tile the document and every path resolves.
pub fn check_views(md: &str, seed: u8) {
    let total = md.chars().count();
    for max_chars in budgets(total, seed) {
        let mut joined = String::with_capacity(md.len());
        let mut offset = 0;
        loop {
            let w = window(md, offset, max_chars);
            let len = w.text.chars().count();
            assert!(len <= max_chars, "window of {len} over {max_chars}");
            assert_eq!(w.end - w.offset, len);
            assert_eq!(w.remaining, total - w.end);
            joined.push_str(w.text);
            match w.next_offset {
                Some(next) => {
                    assert!(next == w.end && len > 0, "no progress at {offset}");
                    offset = next;
                }
                None => break,
            }
        }
        assert_eq!(joined, md, "windows do not reassemble the document");
    }
    let past = window(md, total + 1 + usize::from(seed), 10);
    assert!(past.text.is_empty() && past.next_offset.is_none() && past.hint.is_some());

    let entries = outline(md);
    let mut at = entries
        .iter()
        .find(|e| e.path.len() == 1)
        .map_or(total, |e| e.offset);
    for top in entries.iter().filter(|e| e.path.len() == 1) {
        assert_eq!(top.offset, at, "top-level sections leave a gap or overlap");
        at += top.chars;
    }
    assert_eq!(at, total, "top-level sections do not reach the end");
    for e in entries.iter().take(SECTIONS_CHECKED).chain(entries.last()) {
        let path: Vec<&str> = e.path.iter().map(String::as_str).collect();
        match section(md, &path) {
            Ok(s) => {
                let first = entries.iter().find(|o| o.path == e.path);
                assert_eq!(Some(s.offset), first.map(|f| f.offset), "{path:?}");
                assert_eq!(s.end - s.offset, s.text.chars().count());
            }
            Err(err) => panic!("outline path {path:?} does not resolve: {err}"),
        }
    }
}
