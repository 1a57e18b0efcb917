//! The conversion corpus shared by the benchmark and the converter comparison: the fixture
//! files and the latest version of every content item of the emulator's demo wiki (seed 42).

use std::path::Path;

/// One storage document: a file-name-safe name and its storage XHTML.
pub struct Doc {
    pub name: String,
    pub storage: String,
}

/// `tests/fixtures/*.xml`, sorted by name, each named `fx-<stem>`.
pub fn fixtures() -> std::io::Result<Vec<Doc>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut docs = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "xml") {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            docs.push(Doc {
                name: format!("fx-{stem}"),
                storage: std::fs::read_to_string(&path)?,
            });
        }
    }
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(docs)
}

/// The current version of every page and blog post of the demo wiki, named
/// `demo-<id>-<title slug>`, in id order.
pub fn demo_pages() -> Vec<Doc> {
    let store = confluence_emulator::seed::build(confluence_emulator::SeedKind::Demo, 42, 0);
    store
        .contents
        .values()
        .map(|content| {
            let current = content.current();
            Doc {
                name: format!("demo-{:04}-{}", content.id, slug(&current.title)),
                storage: current.body.clone(),
            }
        })
        .collect()
}

fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut slug = words.join("-");
    slug.truncate(40);
    slug
}

/// Total size in bytes (the unit of every throughput figure).
pub fn total_bytes(docs: &[Doc]) -> usize {
    docs.iter().map(|d| d.storage.len()).sum()
}
