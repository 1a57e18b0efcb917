//! Views over the emulator's demo corpus: per page its size, its headings, its largest
//! section, and how many windows of 2,000 characters it takes. Run:
//! `cargo run -p content --example views_report`

use confluence_emulator::SeedKind;
use content::{Options, outline, storage_to_markdown, window};

const WINDOW_CHARS: usize = 2_000;

fn main() {
    let store = confluence_emulator::seed::build(SeedKind::Demo, 42, 0);
    println!(
        "{:>7} {:>8} {:>8} {:>7}  title / largest section",
        "chars", "headings", "largest", "windows"
    );
    let (mut pages, mut with_headings) = (0usize, 0usize);
    for c in store.contents.values() {
        let Some(v) = c.versions.last() else { continue };
        let Ok(md) = storage_to_markdown(&v.body, &Options::default()) else {
            println!("ERROR converting {}", v.title);
            continue;
        };
        pages += 1;
        let entries = outline(&md);
        if !entries.is_empty() {
            with_headings += 1;
        }
        let largest = entries.iter().max_by_key(|e| e.chars);
        let mut windows = 0;
        let mut offset = Some(0);
        while let Some(at) = offset {
            windows += 1;
            offset = window(&md, at, WINDOW_CHARS).next_offset;
        }
        println!(
            "{:>7} {:>8} {:>8} {:>7}  {} / {}",
            md.chars().count(),
            entries.len(),
            largest.map_or(0, |e| e.chars),
            windows,
            v.title,
            largest.map_or(String::new(), |e| e.path.join(" > "))
        );
    }
    println!("{pages} pages, {with_headings} with headings");
}
