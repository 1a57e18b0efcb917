//! Size report: Markdown tokens / storage tokens across the emulator's demo corpus.
//!
//! Tokens are estimated as characters / 4 (`content::estimate_tokens`); the ratio is what
//! matters, and it is insensitive to the exact tokenizer. Run:
//! `cargo run -p content --example size_report`

use confluence_emulator::SeedKind;
use content::{Options, estimate_tokens, storage_to_markdown};

fn main() {
    let store = confluence_emulator::seed::build(SeedKind::Demo, 42, 0);
    // Mentions resolve to display names, as an agent-facing server would do.
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
    let (mut storage_total, mut md_total, mut failures) = (0usize, 0usize, 0usize);
    println!("{:>8} {:>8} {:>6}  title", "storage", "markdown", "ratio");
    for c in store.contents.values() {
        let Some(v) = c.versions.last() else { continue };
        match storage_to_markdown(&v.body, &opts) {
            Ok(md) => {
                let (s, m) = (estimate_tokens(&v.body), estimate_tokens(&md));
                storage_total += s;
                md_total += m;
                let ratio = if s == 0 { 0.0 } else { m as f64 / s as f64 };
                println!("{s:>8} {m:>8} {ratio:>6.3}  {}", v.title);
            }
            Err(e) => {
                failures += 1;
                println!("ERROR {}: {e}", v.title);
            }
        }
    }
    let overall = md_total as f64 / storage_total.max(1) as f64;
    println!(
        "overall: {md_total} Markdown tokens / {storage_total} storage tokens = {overall:.3} \
         (target <= 0.45; tokens = chars/4; {failures} failures)"
    );
}
