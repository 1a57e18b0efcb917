//! An independent, deliberately naive scanner of storage XHTML used to check the converter:
//! it shares no code with `content::dom`, so a parser bug cannot hide a fidelity bug.

#[derive(Default, Debug)]
pub struct Extract {
    /// (text, inside a table cell)
    pub texts: Vec<(String, bool)>,
    /// (code body, inside a table cell)
    pub codes: Vec<(String, bool)>,
    pub targets: Vec<String>,
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

pub fn extract(src: &str) -> Extract {
    let mut ex = Extract::default();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    let b = src.as_bytes();
    let in_cell = |st: &[String]| st.iter().any(|n| n == "td" || n == "th");
    while i < b.len() {
        let rest = &src[i..];
        if let Some(r) = rest.strip_prefix("<![CDATA[") {
            let end = r.find("]]>").unwrap();
            let body = r[..end].to_string();
            let top = stack.last().map(String::as_str).unwrap_or("");
            if top == "ac:plain-text-body" {
                ex.codes.push((body, in_cell(&stack)));
            } else if !stack.iter().any(|n| SKIP_TEXT_IN.contains(&n.as_str())) {
                ex.texts.push((body, in_cell(&stack)));
            }
            i += 9 + end + 3;
        } else if rest.starts_with("<!--") {
            i += rest.find("-->").unwrap() + 3;
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').unwrap();
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
                    let v = &v[..v.find('"').unwrap()];
                    ex.targets.push(decode(v));
                }
            }
            if !self_closing {
                stack.push(name);
            }
            i += j + 1;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            if !stack.iter().any(|n| SKIP_TEXT_IN.contains(&n.as_str())) {
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

/// Every problem found; empty means the Markdown is faithful to the source.
pub fn fidelity_problems(src: &str, md: &str) -> Vec<String> {
    let ex = extract(src);
    let flat = collapse(&unescape(md));
    let table_lines: Vec<String> = md
        .lines()
        .filter(|l| l.trim_start().starts_with('|'))
        .map(|l| collapse(&unescape(l)))
        .collect();
    let mut problems = Vec::new();
    for (t, cell) in &ex.texts {
        let t = collapse(t);
        if t.is_empty() {
            continue;
        }
        let ok = if *cell {
            table_lines.iter().any(|l| l.contains(&t))
        } else {
            flat.contains(&t)
        };
        if !ok {
            problems.push(format!("text missing: {t:?}"));
        }
    }
    for (code, cell) in &ex.codes {
        for line in code
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
        {
            // Outside tables, code must appear byte for byte (no escaping at all).
            let ok = if *cell {
                table_lines.iter().any(|l| l.contains(&collapse(line)))
            } else {
                md.contains(line)
            };
            if !ok {
                problems.push(format!("code line missing: {line:?}"));
            }
        }
    }
    for t in &ex.targets {
        if !flat.contains(&collapse(t)) {
            problems.push(format!("link target missing: {t:?}"));
        }
    }
    problems
}
