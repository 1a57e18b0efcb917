//! Sections by heading: the outline of a document and the selection of one section by path.

use super::lines::{LineKind, heading_title, lines};
use super::tokens_for_chars;

/// One heading of the outline and the size of its section (subsections included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlineEntry {
    pub level: usize,
    pub title: String,
    /// Titles from the outermost enclosing heading down to this one; pass it to [`section`].
    pub path: Vec<String>,
    /// Character offset of the heading line.
    pub offset: usize,
    /// Characters from the heading line to the next heading of the same or a higher level.
    pub chars: usize,
    pub tokens: usize,
}

/// A section: its heading line and everything up to the next heading of the same or a higher
/// level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    pub text: &'a str,
    pub level: usize,
    /// The headings' titles as written in the document (the request may differ in case).
    pub path: Vec<String>,
    pub offset: usize,
    pub end: usize,
    pub tokens: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    #[error("no heading path given")]
    EmptyPath,
    /// `missing` was not found under `parent` (empty: at the top of the document); `available`
    /// lists what could be asked for instead.
    #[error("{}", not_found_message(parent, missing, available))]
    SectionNotFound {
        parent: Vec<String>,
        missing: String,
        available: Vec<String>,
    },
}

fn not_found_message(parent: &[String], missing: &str, available: &[String]) -> String {
    let place = if parent.is_empty() {
        "at the top level".to_string()
    } else {
        format!("under \"{}\"", parent.join(" > "))
    };
    let options = if available.is_empty() {
        if parent.is_empty() {
            "the document has no headings".to_string()
        } else {
            "it has no subheadings".to_string()
        }
    } else {
        let quoted: Vec<String> = available.iter().map(|t| format!("\"{t}\"")).collect();
        format!("available: {}", quoted.join(", "))
    };
    format!("no heading \"{missing}\" {place}; {options}")
}

/// A heading with its place in the tree.
struct Heading {
    level: usize,
    title: String,
    start: usize,
    end: usize,
    /// The same extent in bytes, for slicing.
    start_byte: usize,
    end_byte: usize,
    /// Index of the nearest preceding heading with a lower level.
    parent: Option<usize>,
}

/// Headings outside fenced code, each with its section's extent and its parent.
fn headings(md: &str) -> Vec<Heading> {
    let mut found: Vec<Heading> = Vec::new();
    let mut total = 0;
    for line in lines(md) {
        total = line.next_char;
        if let LineKind::Heading { level } = line.kind {
            found.push(Heading {
                level,
                title: heading_title(line.text),
                start: line.start_char,
                end: 0,
                start_byte: line.start_byte,
                end_byte: 0,
                parent: None,
            });
        }
    }
    // Sections end where a heading of the same or higher level starts; parents are what
    // remains open when a heading starts.
    let mut open: Vec<usize> = Vec::new();
    for i in 0..found.len() {
        while let Some(&top) = open.last() {
            if found[top].level < found[i].level {
                break;
            }
            found[top].end = found[i].start;
            found[top].end_byte = found[i].start_byte;
            open.pop();
        }
        found[i].parent = open.last().copied();
        open.push(i);
    }
    for i in open {
        found[i].end = total;
        found[i].end_byte = md.len();
    }
    found
}

/// Direct subheadings of `parent`, in document order.
fn children(all: &[Heading], parent: usize) -> impl Iterator<Item = usize> + '_ {
    (parent + 1..all.len())
        .take_while(move |&i| all[i].start < all[parent].end)
        .filter(move |&i| all[i].parent == Some(parent))
}

/// How well heading `index` (with its ancestors) matches the requested path, best first:
/// 0 = the whole path from the top, spelled exactly; 1 = from the top, ignoring case and
/// spacing; 2 = the path merely ends so, exactly; 3 = ends so, ignoring case and spacing.
/// `None` if it does not match at all.
fn match_rank(
    all: &[Heading],
    normalized: &[String],
    index: usize,
    requested: &[&str],
    wanted: &[String],
) -> Option<u8> {
    let mut node = Some(index);
    let mut exact = true;
    for (name, raw) in wanted.iter().zip(requested).rev() {
        match node {
            Some(i) if normalized[i] == *name => {
                exact &= all[i].title == raw.trim();
                node = all[i].parent;
            }
            _ => return None,
        }
    }
    let anchored = node.is_none();
    Some(match (anchored, exact) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    })
}

fn path_of(all: &[Heading], mut index: usize) -> Vec<String> {
    let mut path = vec![all[index].title.clone()];
    while let Some(parent) = all[index].parent {
        path.push(all[parent].title.clone());
        index = parent;
    }
    path.reverse();
    path
}

/// Every heading outside fenced code, in document order, with the size of its section.
///
/// The text before the first heading plus the top-level sections tile the document, and
/// within a section its own text plus its direct subsections tile it.
pub fn outline(md: &str) -> Vec<OutlineEntry> {
    let all = headings(md);
    (0..all.len())
        .map(|i| {
            let h = &all[i];
            OutlineEntry {
                level: h.level,
                title: h.title.clone(),
                path: path_of(&all, i),
                offset: h.start,
                chars: h.end - h.start,
                tokens: tokens_for_chars(h.end - h.start),
            }
        })
        .collect()
}

/// Case-insensitive, with surrounding whitespace trimmed and inner runs collapsed.
fn normalize(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Selects a section by heading path: `["Deployment", "Rollback"]` is the "Rollback" heading
/// directly under "Deployment". Each element must be a direct subheading of the previous one;
/// the first may name a heading at any level, so a path need not start at the document's top,
/// but a path from the top (as [`outline`] gives it) is preferred over one that merely ends
/// the same way, and exact spelling over a match ignoring case and spacing. Among equal
/// candidates the first in document order wins.
pub fn section<'a>(md: &'a str, heading_path: &[&str]) -> Result<Section<'a>, ViewError> {
    let wanted: Vec<String> = heading_path.iter().map(|t| normalize(t)).collect();
    let (Some((first, rest)), Some(first_requested)) = (wanted.split_first(), heading_path.first())
    else {
        return Err(ViewError::EmptyPath);
    };
    let first_requested = first_requested.trim();
    let all = headings(md);
    let normalized: Vec<String> = all.iter().map(|h| normalize(&h.title)).collect();
    // Best rank first, then document order: a path as the outline gives it finds its heading.
    let found = (0..all.len())
        .filter_map(|i| match_rank(&all, &normalized, i, heading_path, &wanted).map(|r| (r, i)))
        .min()
        .map(|(_, i)| i);
    if let Some(found) = found {
        let h = &all[found];
        return Ok(Section {
            text: md.get(h.start_byte..h.end_byte).unwrap_or_default(),
            level: h.level,
            path: path_of(&all, found),
            offset: h.start,
            end: h.end,
            tokens: tokens_for_chars(h.end - h.start),
        });
    }
    // Explain the deepest partial match: what exists where the path stopped matching.
    let mut best_failure: Option<(usize, usize)> = None; // (matched depth, parent index)
    for start in (0..all.len()).filter(|&i| normalized[i] == *first) {
        let mut current = start;
        let mut depth = 1;
        for name in rest {
            match children(&all, current).find(|&c| normalized[c] == *name) {
                Some(child) => {
                    current = child;
                    depth += 1;
                }
                None => break,
            }
        }
        if best_failure.is_none_or(|(d, _)| depth > d) {
            best_failure = Some((depth, current));
        }
    }
    Err(match best_failure {
        Some((depth, parent)) => ViewError::SectionNotFound {
            parent: path_of(&all, parent),
            missing: heading_path.get(depth).map_or("", |t| t.trim()).to_string(),
            available: children(&all, parent)
                .map(|c| all[c].title.clone())
                .collect(),
        },
        None => ViewError::SectionNotFound {
            parent: Vec::new(),
            missing: first_requested.to_string(),
            available: all
                .iter()
                .filter(|h| h.parent.is_none())
                .map(|h| h.title.clone())
                .collect(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "intro\n\n# Guide\n\ntext\n\n## Deployment\n\nsteps\n\n### Rollback\n\n\
        undo\n\n```sh\n# not a heading\n```\n\n### Verify\n\ncheck\n\n## FAQ\n\nq\n\n# Appendix\n";

    #[test]
    fn outline_lists_headings_with_paths_and_sizes() {
        let o = outline(DOC);
        let titles: Vec<_> = o.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Guide",
                "Deployment",
                "Rollback",
                "Verify",
                "FAQ",
                "Appendix"
            ]
        );
        assert_eq!(o[2].path, ["Guide", "Deployment", "Rollback"]);
        assert_eq!(o[5].path, ["Appendix"]);
        let rollback = &o[2];
        let text: String = DOC
            .chars()
            .skip(rollback.offset)
            .take(rollback.chars)
            .collect();
        assert!(text.starts_with("### Rollback\n"), "{text}");
        assert!(text.ends_with("```\n\n"), "{text}");
        assert_eq!(rollback.tokens, rollback.chars.div_ceil(4));
    }

    #[test]
    fn section_by_path_is_case_insensitive_and_trimmed() {
        let s = section(DOC, &[" deployment ", "ROLLBACK"]).unwrap();
        assert_eq!(s.path, ["Guide", "Deployment", "Rollback"]);
        assert_eq!(s.level, 3);
        assert!(s.text.starts_with("### Rollback\n\nundo"));
        assert!(s.text.contains("# not a heading"));
        assert!(!s.text.contains("Verify"));
        assert_eq!(s.end - s.offset, s.text.chars().count());
    }

    #[test]
    fn a_section_includes_its_subsections() {
        let s = section(DOC, &["Guide", "Deployment"]).unwrap();
        assert!(s.text.contains("### Verify") && !s.text.contains("## FAQ"));
        let last = section(DOC, &["appendix"]).unwrap();
        assert_eq!(last.text, "# Appendix\n");
    }

    #[test]
    fn not_found_lists_the_headings_at_that_level() {
        let err = section(DOC, &["Deployment", "Rollforward"]).unwrap_err();
        assert_eq!(
            err,
            ViewError::SectionNotFound {
                parent: vec!["Guide".into(), "Deployment".into()],
                missing: "Rollforward".into(),
                available: vec!["Rollback".into(), "Verify".into()],
            }
        );
        assert_eq!(
            err.to_string(),
            "no heading \"Rollforward\" under \"Guide > Deployment\"; \
             available: \"Rollback\", \"Verify\""
        );
        let top = section(DOC, &["Nope"]).unwrap_err().to_string();
        assert_eq!(
            top,
            "no heading \"Nope\" at the top level; available: \"Guide\", \"Appendix\""
        );
        let leaf = section(DOC, &["Verify", "x"]).unwrap_err().to_string();
        assert!(leaf.ends_with("it has no subheadings"), "{leaf}");
        assert_eq!(section(DOC, &[]), Err(ViewError::EmptyPath));
        assert!(
            section("no headings here", &["a"])
                .unwrap_err()
                .to_string()
                .ends_with("the document has no headings")
        );
    }

    #[test]
    fn duplicate_titles_resolve_through_their_parents() {
        let md = "# A\n## Notes\none\n# B\n## Notes\ntwo\n";
        assert_eq!(
            section(md, &["B", "Notes"]).unwrap().text,
            "## Notes\ntwo\n"
        );
        assert_eq!(section(md, &["Notes"]).unwrap().text, "## Notes\none\n");
    }

    #[test]
    fn a_path_can_match_through_a_later_duplicate() {
        let md = "# A\n## Notes\n# A\n## Notes\n### X\nx\n";
        assert_eq!(
            section(md, &["A", "Notes", "X"]).unwrap().text,
            "### X\nx\n"
        );
    }

    #[test]
    fn a_full_path_beats_a_partial_one() {
        let md = "# X\n## A\nnested\n# A\ntop\n";
        assert_eq!(section(md, &["A"]).unwrap().text, "# A\ntop\n");
        assert_eq!(section(md, &["x", "a"]).unwrap().text, "## A\nnested\n");
        let md = "# X\n## A\nnested\n";
        assert_eq!(section(md, &["A"]).unwrap().path, ["X", "A"]);
    }

    #[test]
    fn exact_spelling_wins_over_a_case_insensitive_match() {
        let md = "# Notes\na\n# NOTES\nb\n# Other  notes\nc\n";
        assert_eq!(section(md, &["NOTES"]).unwrap().text, "# NOTES\nb\n");
        assert_eq!(section(md, &["notes"]).unwrap().text, "# Notes\na\n");
        assert_eq!(
            section(md, &["other notes"]).unwrap().path,
            ["Other  notes"]
        );
        // Found by fuzzing: a trailing vertical tab is whitespace in titles as in requests.
        let md = "# Crates\u{b}\none\n# Crates\ntwo\n";
        assert_eq!(outline(md)[0].title, "Crates");
        assert_eq!(
            section(md, &["Crates"]).unwrap().text,
            "# Crates\u{b}\none\n"
        );
    }

    #[test]
    fn skipped_levels_still_nest() {
        let md = "# A\n### deep\nx\n## mid\ny\n";
        let o = outline(md);
        assert_eq!(o[1].path, ["A", "deep"]);
        assert_eq!(o[2].path, ["A", "mid"]);
        assert_eq!(section(md, &["A", "deep"]).unwrap().text, "### deep\nx\n");
    }

    #[test]
    fn a_lower_level_heading_first_is_still_top_level() {
        let md = "## early\nx\n# Main\ny\n";
        let o = outline(md);
        assert_eq!((o[0].path.len(), o[0].chars), (1, "## early\nx\n".len()));
        assert_eq!(o[1].path, ["Main"]);
    }
}
