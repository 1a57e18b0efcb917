//! HTML to Markdown, tolerantly: real HTML is rarely well-formed XML (void elements,
//! unquoted attributes, unclosed `<p>`), so this is a small tag scanner rather than an XML
//! parser. It keeps text, headings, paragraphs, lists, links, preformatted blocks and tables;
//! scripts, styles and the document head are dropped. Linear in the input; no recursion.

use super::Extracted;
use super::Limits;
use super::table::Table;

/// Tables nested deeper than this are read as plain text (bounds the work of flattening).
const MAX_TABLE_NESTING: usize = 8;
/// List indentation stops growing here.
const MAX_LIST_INDENT: usize = 10;

/// Elements whose content is never text for a reader.
const SKIPPED: &[&str] = &[
    "script", "style", "head", "noscript", "template", "svg", "math", "iframe", "object",
];

/// Elements that start a new block (paragraph break before and after).
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "figure",
    "figcaption",
    "form",
    "fieldset",
    "address",
    "dl",
    "dt",
    "dd",
    "details",
    "summary",
    "ul",
    "ol",
    "hr",
    "body",
    "html",
    "caption",
];

struct Link {
    href: String,
    start: usize,
}

#[derive(Default)]
struct Cell {
    text: String,
}

struct Writer<'l> {
    out: String,
    limits: &'l Limits,
    /// Open tables, innermost last: rows so far, the current row, the current cell.
    tables: Vec<(Table, Vec<String>, Option<Cell>)>,
    /// List nesting: `Some(n)` for ordered lists (next number), `None` for bullets.
    lists: Vec<Option<u32>>,
    links: Vec<Link>,
    pre: usize,
    notes: Vec<String>,
    tables_done: usize,
    /// `<table>`s opened past [`MAX_TABLE_NESTING`], still to be closed.
    ignored_tables: usize,
}

impl Writer<'_> {
    /// Where text goes now: the innermost table cell, or the document.
    fn sink(&mut self) -> &mut String {
        match self.tables.last_mut() {
            Some((_, _, Some(cell))) => &mut cell.text,
            _ => &mut self.out,
        }
    }

    fn text(&mut self, raw: &str) {
        if self.pre > 0 {
            self.sink().push_str(raw);
            return;
        }
        let sink = self.sink();
        for ch in raw.chars() {
            if ch.is_whitespace() {
                let at_line_start = sink.is_empty() || sink.ends_with('\n');
                if !at_line_start && !sink.ends_with(' ') {
                    sink.push(' ');
                }
            } else {
                sink.push(ch);
            }
        }
    }

    fn block_break(&mut self) {
        let sink = self.sink();
        while sink.ends_with(' ') {
            sink.pop();
        }
        if sink.is_empty() || sink.ends_with("\n\n") {
            return;
        }
        sink.push_str(if sink.ends_with('\n') { "\n" } else { "\n\n" });
    }

    fn line_break(&mut self) {
        let sink = self.sink();
        while sink.ends_with(' ') {
            sink.pop();
        }
        if !sink.is_empty() && !sink.ends_with('\n') {
            sink.push('\n');
        }
    }

    fn open(&mut self, name: &str, attrs: &str) {
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.block_break();
                let level = usize::from(name.as_bytes()[1] - b'0');
                if self.tables.is_empty() {
                    let hashes = "#".repeat(level);
                    self.sink().push_str(&format!("{hashes} "));
                }
            }
            "br" => self.line_break(),
            "li" => {
                self.line_break();
                let depth = self.lists.len().saturating_sub(1).min(MAX_LIST_INDENT);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => "- ".to_owned(),
                };
                let indent = "  ".repeat(depth);
                self.sink().push_str(&format!("{indent}{marker}"));
            }
            "ul" | "ol" => {
                if self.lists.is_empty() {
                    self.block_break();
                } else {
                    self.line_break();
                }
                self.lists.push((name == "ol").then_some(1));
            }
            "pre" => {
                self.block_break();
                if self.tables.is_empty() {
                    self.sink().push_str("```\n");
                }
                self.pre += 1;
            }
            "a" => {
                if let Some(href) = attribute(attrs, "href")
                    && (href.starts_with("http://")
                        || href.starts_with("https://")
                        || href.starts_with("mailto:"))
                {
                    let start = self.sink().len();
                    self.links.push(Link { href, start });
                }
            }
            "img" => {
                if let Some(alt) = attribute(attrs, "alt").filter(|a| !a.trim().is_empty()) {
                    self.text(&format!("[image: {}]", alt.trim()));
                }
            }
            "table" if self.tables.len() >= MAX_TABLE_NESTING => self.ignored_tables += 1,
            "table" => {
                self.block_break();
                self.tables.push((Table::new(), Vec::new(), None));
            }
            "tr" => self.end_row(),
            "td" | "th" => {
                self.end_cell();
                if let Some((_, _, cell)) = self.tables.last_mut() {
                    *cell = Some(Cell::default());
                }
            }
            name if BLOCKS.contains(&name) => self.block_break(),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.block_break(),
            "ul" | "ol" => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.block_break();
                }
            }
            "pre" => {
                self.pre = self.pre.saturating_sub(1);
                if self.pre == 0 && self.tables.is_empty() {
                    self.line_break();
                    self.sink().push_str("```");
                }
                self.block_break();
            }
            "a" => {
                if let Some(link) = self.links.pop() {
                    let sink = self.sink();
                    if link.start <= sink.len() && sink.is_char_boundary(link.start) {
                        let text = sink.split_off(link.start);
                        let text = text.trim();
                        if text.is_empty() || text == link.href {
                            sink.push_str(&link.href);
                        } else {
                            sink.push_str(&format!("[{text}]({})", link.href));
                        }
                    }
                }
            }
            "td" | "th" => self.end_cell(),
            "tr" => self.end_row(),
            "table" if self.ignored_tables > 0 => self.ignored_tables -= 1,
            "table" => self.end_table(),
            name if BLOCKS.contains(&name) => self.block_break(),
            _ => {}
        }
    }

    fn end_cell(&mut self) {
        if let Some((_, row, cell)) = self.tables.last_mut()
            && let Some(cell) = cell.take()
        {
            row.push(cell.text.trim().to_owned());
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        let limits = *self.limits;
        if let Some((table, row, _)) = self.tables.last_mut()
            && !row.is_empty()
        {
            table.push(std::mem::take(row), &limits);
        }
    }

    fn end_table(&mut self) {
        self.end_row();
        let Some((table, _, _)) = self.tables.pop() else {
            return;
        };
        if table.is_empty() {
            return;
        }
        self.tables_done += 1;
        let (md, note) = table.render(self.limits, &format!("table {}", self.tables_done));
        self.notes.extend(note);
        if self.tables.is_empty() {
            self.block_break();
            self.out.push_str(&md);
            self.out.push('\n');
        } else {
            // A table inside a cell: its rows become lines of the outer cell.
            let flat = md
                .lines()
                .filter(|l| !l.starts_with("|---"))
                .collect::<Vec<_>>()
                .join("\n");
            self.text(" ");
            if let Some((_, _, Some(cell))) = self.tables.last_mut() {
                cell.text.push_str(&flat);
            }
        }
    }
}

/// The value of attribute `name` in a tag's attribute text (quoted or not), entities decoded.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = attrs[at + name.len()..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let rest = rest[1..].trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or_default(),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or_default(),
        };
        return Some(decode_entities(value));
    }
    None
}

/// Decodes `&name;`, `&#NN;` and `&#xHH;`; unknown references stay as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        let decoded = match end {
            Some(end) if end > 1 && rest[end..].starts_with(';') => {
                let name = &rest[1..end];
                let ch = if let Some(num) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                    u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
                } else if let Some(num) = name.strip_prefix('#') {
                    num.parse::<u32>().ok().and_then(char::from_u32)
                } else {
                    None
                };
                match ch {
                    Some(c) => Some((c.to_string(), end + 1)),
                    None => content::html_entity(name).map(|s| (s.replace('\u{a0}', " "), end + 1)),
                }
            }
            _ => None,
        };
        match decoded {
            Some((s, len)) => {
                out.push_str(&s);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// HTML as Markdown.
pub fn to_markdown(html: &str, limits: &Limits) -> Extracted {
    let mut w = Writer {
        out: String::new(),
        limits,
        tables: Vec::new(),
        lists: Vec::new(),
        links: Vec::new(),
        pre: 0,
        notes: Vec::new(),
        tables_done: 0,
        ignored_tables: 0,
    };
    let mut rest = html;
    while !rest.is_empty() {
        if w.out.len() > limits.max_output_bytes {
            break;
        }
        let Some(lt) = rest.find('<') else {
            w.text(&decode_entities(rest));
            break;
        };
        if lt > 0 {
            w.text(&decode_entities(&rest[..lt]));
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            continue;
        }
        let closing = rest[1..].starts_with('/');
        let name_start = if closing { 2 } else { 1 };
        let name_len = rest[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
            .unwrap_or(rest.len() - name_start);
        if name_len == 0 {
            // A lone `<` (as in "a < b") is text.
            w.text("<");
            rest = &rest[1..];
            continue;
        }
        let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
        let Some(gt) = tag_end(&rest[name_start + name_len..]) else {
            break; // a tag cut off at the end of the file
        };
        let attrs = &rest[name_start + name_len..name_start + name_len + gt];
        rest = &rest[name_start + name_len + gt + 1..];
        if closing {
            w.close(&name);
        } else if SKIPPED.contains(&name.as_str()) && !attrs.ends_with('/') {
            rest = skip_past_close(rest, &name);
        } else {
            w.open(&name, attrs);
        }
    }
    while !w.tables.is_empty() {
        w.end_table();
    }
    let text = w.out.trim().to_owned();
    Extracted {
        text,
        notes: w.notes,
    }
}

/// Index of the `>` that ends a tag, skipping quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The input after `</name>` (case-insensitive), or nothing when it never closes. Scans
/// without copying, so many skipped elements stay linear.
fn skip_past_close<'a>(s: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(at) = s[from..].find("</") {
        let start = from + at + 2;
        if s.get(start..start + name.len())
            .is_some_and(|c| c.eq_ignore_ascii_case(name))
        {
            let after = &s[start..];
            return after.find('>').map_or("", |e| &after[e + 1..]);
        }
        from = start;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        to_markdown(html, &Limits::default()).text
    }

    #[test]
    fn headings_paragraphs_lists_links() {
        let out = md(
            r#"<!DOCTYPE html><html><head><title>x</title><style>p{}</style></head>
            <body><h1>Runbook</h1><p>Restart the <b>api</b> &amp; check
            <a href="https://status.example.com">status</a>.<br>Then wait.
            <ul><li>one<li>two<ol><li>a</li><li>b</li></ol></ul><p>5 &lt; 6 &#x2713;&nbsp;ok
            <script>alert("no")</script></body></html>"#,
        );
        assert_eq!(
            out,
            "# Runbook\n\nRestart the api & check [status](https://status.example.com).\nThen wait.\n\n- one\n- two\n  1. a\n  2. b\n\n5 < 6 ✓ ok"
        );
    }

    #[test]
    fn tables_become_markdown_tables() {
        let out = md(
            "<table><tr><th>Host</th><th>Role</th></tr><tr><td>db-1</td><td>primary | rw</td></tr>\
                      <tr><td>db-2<td>replica</table><p>after</p>",
        );
        assert_eq!(
            out,
            "| Host | Role |\n|---|---|\n| db-1 | primary \\| rw |\n| db-2 | replica |\n\nafter"
        );
    }

    #[test]
    fn pre_keeps_whitespace() {
        let out = md("<p>Run:</p><pre>cargo  build\n  --release</pre>");
        assert_eq!(out, "Run:\n\n```\ncargo  build\n  --release\n```");
    }

    #[test]
    fn hostile_html_degrades_without_failing() {
        // Unclosed everything, stray brackets, a tag cut off at the end, deep nesting.
        let deep = "<div>".repeat(100_000) + "deep text";
        assert!(md(&deep).contains("deep text"));
        assert_eq!(md("a < b and c > d"), "a < b and c > d");
        assert_eq!(md("text <a href=\"x"), "text");
        assert_eq!(md("<script>never closed"), "");
        let nested = "<table><tr><td>".repeat(20) + "x";
        assert!(md(&nested).contains('x'));
        // Nesting past the cap reads as rows of the innermost table; cells stay bounded.
        let nested = "<table><tr><td>".repeat(100_000) + "x";
        assert!(md(&nested).len() < 200_000);
        assert_eq!(md("&bogus; &#99999999; &"), "&bogus; &#99999999; &");
    }
}
