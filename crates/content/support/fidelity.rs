//! An independent, deliberately naive scanner of storage XHTML used to check converters: it
//! shares no code with `content::dom` (or anything else in the crate), so a parser bug cannot
//! hide a fidelity bug. It lives outside `src/` and is included with `#[path]` by the tests and
//! by the `compare_mcp_atlassian` example, which scores another project's converter with it too.
//!
//! The rule it checks: every text node, code body, link target and table cell of the source
//! appears in the Markdown (text compared with whitespace collapsed and backslash escapes
//! removed; code outside tables compared byte for byte, line by line).

/// What kind of source item a [`Item`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// A text node outside tables.
    Text,
    /// The body of a `code`/`noformat` macro (`ac:plain-text-body`), in or out of tables.
    Code,
    /// A link, image, attachment, user or space target (`href`, `ri:*` attributes).
    LinkTarget,
    /// A text node inside a table cell: it must appear on a Markdown table row.
    TableCell,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Text,
        Category::Code,
        Category::LinkTarget,
        Category::TableCell,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Category::Text => "text nodes",
            Category::Code => "code bodies",
            Category::LinkTarget => "link targets",
            Category::TableCell => "table cells",
        }
    }
}

/// One expected source item and whether the Markdown kept it.
#[derive(Clone, Debug)]
pub struct Item {
    pub category: Category,
    /// The item as expected (whitespace-collapsed text; a code body as written).
    pub expected: String,
    /// `None` when found; otherwise what was not found (for code, the first missing line).
    pub missing: Option<String>,
    /// For link targets, the attribute that held it (`href`, `ri:content-title`, …).
    pub attribute: Option<&'static str>,
}

impl Item {
    pub fn found(&self) -> bool {
        self.missing.is_none()
    }
}

#[derive(Default, Debug)]
pub struct Extract {
    /// (text, inside a table cell)
    pub texts: Vec<(String, bool)>,
    /// (code body, inside a table cell)
    pub codes: Vec<(String, bool)>,
    /// (attribute, target)
    pub targets: Vec<(&'static str, String)>,
}

const TARGET_ATTRS: &[&str] = &[
    "ri:content-title",
    "ri:filename",
    "ri:value",
    "ri:space-key",
    "ri:account-id",
    "ri:userkey",
    "ri:posting-day",
    "href",
    "src",
];
// Bookkeeping whose text is not page content (parameters are checked by plain_text instead).
const SKIP_TEXT_IN: &[&str] = &[
    "ac:parameter",
    "ac:task-id",
    "ac:task-status",
    "ac:task-uuid",
];

pub fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e < 12);
        let Some(end) = end else {
            out.push('&');
            rest = after;
            continue;
        };
        let name = &after[..end];
        let rep: Option<String> = match name {
            "amp" => Some("&".into()),
            "lt" => Some("<".into()),
            "gt" => Some(">".into()),
            "quot" => Some("\"".into()),
            "apos" => Some("'".into()),
            "nbsp" => Some(" ".into()),
            "eacute" => Some("é".into()),
            "mdash" => Some("—".into()),
            "ndash" => Some("–".into()),
            "rarr" => Some("→".into()),
            "hellip" => Some("…".into()),
            "copy" => Some("©".into()),
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from),
            n if n.starts_with('#') => n[1..]
                .parse::<u32>()
                .ok()
                .and_then(char::from_u32)
                .map(String::from),
            _ => None,
        };
        match rep {
            Some(r) => {
                out.push_str(&r);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Scans well-formed storage XHTML; an unterminated construct simply runs to the end.
pub fn extract(src: &str) -> Extract {
    let mut ex = Extract::default();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    let in_cell = |st: &[String]| st.iter().any(|n| n == "td" || n == "th");
    let skipped = |st: &[String]| st.iter().any(|n| SKIP_TEXT_IN.contains(&n.as_str()));
    while i < src.len() {
        let rest = &src[i..];
        if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").unwrap_or(r.len());
            let body = r[..end].to_string();
            let top = stack.last().map(String::as_str).unwrap_or("");
            if top == "ac:plain-text-body" {
                ex.codes.push((body, in_cell(&stack)));
            } else if !skipped(&stack) {
                ex.texts.push((body, in_cell(&stack)));
            }
            i += 9 + end + 3;
        } else if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').unwrap_or(r.len());
            let name = r[..end].trim();
            while let Some(top) = stack.pop() {
                if top == name {
                    break;
                }
            }
            i += 2 + end + 1;
        } else if rest.starts_with('<') {
            // Find the tag end, skipping quoted attribute values.
            let mut j = 1;
            let mut quote: Option<u8> = None;
            while j < rest.len() {
                let c = rest.as_bytes()[j];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    None => {}
                }
                j += 1;
            }
            let tag = &rest[1..j];
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().unwrap_or("").to_string();
            for attr in TARGET_ATTRS {
                let pat = format!(" {attr}=\"");
                if let Some(p) = tag.find(&pat) {
                    let v = &tag[p + pat.len()..];
                    let v = &v[..v.find('"').unwrap_or(v.len())];
                    ex.targets.push((*attr, decode(v)));
                }
            }
            if !self_closing {
                stack.push(name);
            }
            i += j + 1;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            if !skipped(&stack) {
                ex.texts.push((decode(&rest[..end]), in_cell(&stack)));
            }
            i += end;
        }
    }
    ex
}

pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown with backslash escapes removed, for comparing text (never code).
pub fn unescape(md: &str) -> String {
    let mut out = String::new();
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Every expected item of `src`, each marked found or missing in `md`.
pub fn check(src: &str, md: &str) -> Vec<Item> {
    let ex = extract(src);
    let flat = collapse(&unescape(md));
    let table_lines: Vec<String> = md
        .lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .map(|l| collapse(&unescape(l)))
        .collect();
    let on_table_row = |needle: &str| table_lines.iter().any(|l| l.contains(needle));
    let mut items = Vec::new();
    for (text, cell) in &ex.texts {
        let text = collapse(text);
        if text.is_empty() {
            continue;
        }
        let (category, found) = if *cell {
            (Category::TableCell, on_table_row(&text))
        } else {
            (Category::Text, flat.contains(&text))
        };
        items.push(Item {
            category,
            missing: (!found).then(|| text.clone()),
            expected: text,
            attribute: None,
        });
    }
    for (code, cell) in &ex.codes {
        let mut lines = code
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .peekable();
        if lines.peek().is_none() {
            continue;
        }
        // Outside tables, code must appear byte for byte (no escaping at all).
        let missing = lines.find(|line| {
            if *cell {
                !on_table_row(&collapse(line))
            } else {
                !md.contains(line)
            }
        });
        items.push(Item {
            category: Category::Code,
            expected: code.clone(),
            missing: missing.map(str::to_string),
            attribute: None,
        });
    }
    for (attribute, target) in &ex.targets {
        let target = collapse(target);
        if target.is_empty() {
            continue;
        }
        let found = flat.contains(&target);
        items.push(Item {
            category: Category::LinkTarget,
            missing: (!found).then(|| target.clone()),
            expected: target,
            attribute: Some(attribute),
        });
    }
    items
}

/// Every problem found; empty means the Markdown is faithful to the source.
pub fn fidelity_problems(src: &str, md: &str) -> Vec<String> {
    check(src, md)
        .into_iter()
        .filter_map(|item| {
            let missing = item.missing?;
            Some(match item.category {
                Category::Code => format!("code line missing: {missing:?}"),
                Category::LinkTarget => format!("link target missing: {missing:?}"),
                Category::Text | Category::TableCell => format!("text missing: {missing:?}"),
            })
        })
        .collect()
}
