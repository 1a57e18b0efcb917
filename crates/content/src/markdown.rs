//! Renders the storage tree as compact GFM Markdown.
//!
//! Principles: keep every text node, code body and link target; escape only characters that
//! would change Markdown meaning where they stand (so `snake_case` stays intact); never escape
//! inside code.

use crate::dom::{Element, Node, parse};
use crate::{ContentError, Options};

mod escape;
mod inline_join;
mod macros;

use inline_join::{InlineJoiner, emphasis_bit, emphasis_marker, is_code, merge_adjacent_emphasis};

use escape::{
    code_span, escape_bracketed, escape_line_start, escape_text, fence, is_autolink, link_dest,
};

/// Converts a storage fragment to Markdown.
pub fn storage_to_markdown(storage: &str, opts: &Options) -> Result<String, ContentError> {
    let nodes = parse(storage, opts)?;
    let renderer = Renderer {
        opts,
        in_cell: std::cell::Cell::new(false),
        in_link_text: std::cell::Cell::new(false),
        open_emphasis: std::cell::Cell::new(0),
    };
    let mut out = renderer.blocks(&nodes, "\n\n");
    if !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

pub(crate) struct Renderer<'a, 'b> {
    pub(crate) opts: &'a Options<'b>,
    /// Inside a table cell, code cannot be fenced; it becomes one code span per line.
    pub(crate) in_cell: std::cell::Cell<bool>,
    /// Inside link text every `]` is escaped: literal `[` always are, so a bare `]` would
    /// close the text early.
    pub(crate) in_link_text: std::cell::Cell<bool>,
    /// Emphasis kinds open around the current inline, one bit per marker. Emphasis nested in
    /// its own kind adds nothing and cannot be written back unambiguously (`*a*b**`), so it
    /// renders as its content.
    pub(crate) open_emphasis: std::cell::Cell<u8>,
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "pre",
    "blockquote",
    "hr",
    "div",
    "section",
    "ac:layout",
    "ac:layout-section",
    "ac:layout-cell",
    "ac:task-list",
    "ac:rich-text-body",
    "ac:adf-extension",
];

fn is_block(n: &Node) -> bool {
    match n {
        Node::Element(e) if e.name == "ac:structured-macro" || e.name == "ac:macro" => {
            !macros::is_inline(e)
        }
        Node::Element(e) => BLOCK_TAGS.contains(&e.name.as_str()),
        _ => false,
    }
}

impl Renderer<'_, '_> {
    /// Renders mixed content: runs of inline nodes become paragraphs, blocks render alone.
    pub(crate) fn blocks(&self, nodes: &[Node], sep: &str) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut run: Vec<&Node> = Vec::new();
        // (ordered, alternate markers) of the list just rendered, if the last part is a list.
        let mut prev_list: Option<(bool, bool)> = None;
        for n in nodes {
            if is_block(n) {
                if self.flush(&mut run, &mut parts) {
                    prev_list = None;
                }
                if let Node::Element(e) = n {
                    let kind = list_kind(e);
                    // Adjacent lists of one kind would merge in Markdown: alternate markers.
                    let alt =
                        matches!((kind, prev_list), (Some(k), Some((pk, pa))) if k == pk && !pa);
                    let b = match e.name.as_str() {
                        "ul" | "ol" => self.list(e, alt),
                        "ac:task-list" => self.tasks(e, alt),
                        _ => self.block(e),
                    };
                    if !b.trim().is_empty() {
                        parts.push(b);
                        prev_list = kind.map(|k| (k, alt));
                    }
                }
            } else {
                run.push(n);
            }
        }
        self.flush(&mut run, &mut parts);
        parts.join(sep)
    }

    /// Renders a run of inline nodes as one paragraph; true when it produced one.
    fn flush(&self, run: &mut Vec<&Node>, parts: &mut Vec<String>) -> bool {
        if run.is_empty() {
            return false;
        }
        let text = self.inlines(run.drain(..));
        let text = trim_breaks(&text);
        if text.is_empty() {
            return false;
        }
        parts.push(escape_line_start(text));
        true
    }

    fn block(&self, e: &Element) -> String {
        match e.name.as_str() {
            "p" => escape_line_start(trim_breaks(&self.inlines(e.children.iter()))),
            h if heading_level(h).is_some() => {
                let level = heading_level(h).unwrap_or(1);
                let text = self.inlines(e.children.iter());
                let text = escape_closing_hashes(trim_breaks(&text));
                format!("{} {}", "#".repeat(level), text)
            }
            "ul" | "ol" => self.list(e, false),
            "table" => self.table(e),
            "pre" => self.code_block("", &e.text()),
            "blockquote" => quote(&self.blocks(&e.children, "\n\n")),
            "hr" => "---".to_string(),
            "ac:task-list" => self.tasks(e, false),
            "ac:structured-macro" | "ac:macro" => self.macro_block(e),
            _ => self.blocks(&e.children, "\n\n"),
        }
    }

    /// Fenced code, or per-line code spans inside table cells where fences cannot live.
    pub(crate) fn code_block(&self, info: &str, body: &str) -> String {
        if self.in_cell.get() {
            body.lines()
                .filter(|l| !l.trim().is_empty())
                .map(code_span)
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            fence(info, body)
        }
    }

    /// `alt` switches to `*` / `1)` markers, which start a new list in Markdown.
    fn list(&self, e: &Element, alt: bool) -> String {
        let ordered = e.name == "ol";
        let start = e
            .attr("start")
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(1);
        let mut items = Vec::new();
        let mut n = start;
        for child in &e.children {
            let body = match child {
                Node::Element(li) if li.name == "li" => {
                    // Several paragraphs need blank lines or they would merge into one.
                    let paras = li.child_elements().filter(|c| c.name == "p").count();
                    self.blocks(&li.children, if paras > 1 { "\n\n" } else { "\n" })
                }
                Node::Element(_) => self.blocks(std::slice::from_ref(child), "\n"),
                Node::Text(t) | Node::CData(t) if t.trim().is_empty() => continue,
                other => self.blocks(std::slice::from_ref(other), "\n"),
            };
            // An empty item shows nothing, and a bare `-` under a line would read as a
            // heading underline.
            if body.trim().is_empty() {
                continue;
            }
            let marker = match (ordered, alt) {
                (true, false) => format!("{n}. "),
                (true, true) => format!("{n}) "),
                (false, false) => "- ".to_string(),
                (false, true) => "* ".to_string(),
            };
            n += 1;
            items.push(indent(&marker, &body));
        }
        items.join("\n")
    }

    fn tasks(&self, e: &Element, alt: bool) -> String {
        let mut items = Vec::new();
        for task in e.child_elements().filter(|t| t.name == "ac:task") {
            let done = task
                .first_child("ac:task-status")
                .is_some_and(|s| s.text().trim() == "complete");
            let body = task
                .first_child("ac:task-body")
                .map(|b| self.blocks(&b.children, "\n"))
                .unwrap_or_default();
            let bullet = if alt { '*' } else { '-' };
            let check = if done { 'x' } else { ' ' };
            items.push(indent(&format!("{bullet} [{check}] "), &body));
        }
        items.join("\n")
    }

    fn table(&self, e: &Element) -> String {
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut trs = Vec::new();
        collect_rows(e, &mut trs);
        for tr in trs {
            let mut row = Vec::new();
            for cell in tr
                .child_elements()
                .filter(|c| c.name == "td" || c.name == "th")
            {
                let mut text = self.cell(cell);
                // Header cells are bold already; `**` around a whole header adds nothing.
                if cell.name == "th" {
                    let inner = text.strip_prefix("**").and_then(|t| t.strip_suffix("**"));
                    if let Some(inner) = inner.filter(|i| !i.contains("**")) {
                        text = inner.to_string();
                    }
                }
                row.push(text);
                let span = cell.attr("colspan").and_then(|s| s.parse::<usize>().ok());
                for _ in 1..span.unwrap_or(1).min(64) {
                    row.push(String::new());
                }
            }
            rows.push(row);
        }
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return String::new();
        }
        let mut out = String::new();
        for (i, row) in rows.iter().enumerate() {
            out.push('|');
            for c in 0..cols {
                out.push(' ');
                out.push_str(row.get(c).map(String::as_str).unwrap_or(""));
                out.push_str(" |");
            }
            out.push('\n');
            if i == 0 {
                out.push('|');
                out.push_str(&"---|".repeat(cols));
                out.push('\n');
            }
        }
        out.truncate(out.trim_end().len());
        out
    }

    /// Block content in a cell is flattened onto one line with `<br>` so GFM keeps the table.
    fn cell(&self, cell: &Element) -> String {
        let outer = self.in_cell.replace(true);
        let body = self.blocks(&cell.children, "\n");
        self.in_cell.set(outer);
        body.lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("<br>")
            .replace('|', "\\|")
    }

    /// Inline content with HTML whitespace collapsing.
    pub(crate) fn inlines<'n>(&self, nodes: impl IntoIterator<Item = &'n Node>) -> String {
        let mut joiner = InlineJoiner::new(self.in_cell.get());
        // Adjacent code elements become one span: `` `a``b` `` would read back as one anyway.
        let mut code = String::new();
        for n in merge_adjacent_emphasis(nodes) {
            if let Node::Element(e) = &*n
                && is_code(e)
            {
                code.push_str(&e.text());
                continue;
            }
            if !code.is_empty() {
                joiner.push(&code_span(&std::mem::take(&mut code)), None);
            }
            match &*n {
                Node::Text(t) | Node::CData(t) => joiner.push(&self.escape(&collapse(t)), None),
                Node::Element(e) => {
                    let open = self.open_emphasis.get();
                    let marker = emphasis_marker(&e.name).filter(|m| open & emphasis_bit(m) == 0);
                    joiner.push(&self.inline(e), marker);
                }
            }
        }
        if !code.is_empty() {
            joiner.push(&code_span(&code), None);
        }
        joiner.finish()
    }

    /// Text as Markdown; in link text `]` is escaped too.
    pub(crate) fn escape(&self, text: &str) -> String {
        if self.in_link_text.get() {
            escape_bracketed(text)
        } else {
            escape_text(text)
        }
    }

    /// Inline content rendered as the text of a link.
    pub(crate) fn link_text(&self, nodes: &[Node]) -> String {
        let outer = self.in_link_text.replace(true);
        let text = self.inlines(nodes);
        self.in_link_text.set(outer);
        text
    }

    /// An emphasis element, or just its content when the same kind is already open.
    fn emphasis(&self, e: &Element) -> String {
        let Some(marker) = emphasis_marker(&e.name) else {
            return self.inlines(&e.children);
        };
        let bit = emphasis_bit(marker);
        let outer = self.open_emphasis.get();
        if outer & bit != 0 {
            return self.inlines(&e.children);
        }
        self.open_emphasis.set(outer | bit);
        let inner = self.inlines(&e.children);
        self.open_emphasis.set(outer);
        wrap(marker, &inner)
    }

    fn inline(&self, e: &Element) -> String {
        match e.name.as_str() {
            "strong" | "b" | "em" | "i" | "s" | "del" | "strike" => self.emphasis(e),
            "code" | "kbd" | "samp" | "tt" => code_span(&e.text()),
            "br" => "<br>".to_string(),
            "a" => {
                let text = self.link_text(&e.children);
                match e.attr("href") {
                    Some(href)
                        if (text.trim().is_empty() || text.trim() == href) && is_autolink(href) =>
                    {
                        format!("<{href}>")
                    }
                    Some(href) if text.trim().is_empty() => {
                        format!("[{}]({})", escape_bracketed(href), link_dest(href))
                    }
                    Some(href) => format!("[{}]({})", text.trim(), link_dest(href)),
                    None => text,
                }
            }
            "img" => {
                let alt = escape_bracketed(e.attr("alt").unwrap_or(""));
                format!("![{alt}]({})", link_dest(e.attr("src").unwrap_or("")))
            }
            "time" => {
                let text = collapse(&e.text()).trim().to_string();
                match e.attr("datetime") {
                    Some(d) if text.is_empty() || text == d => d.to_string(),
                    Some(d) => format!("{} ({d})", self.escape(&text)),
                    None => self.escape(&text),
                }
            }
            "ac:emoticon" => match e.attr("ac:emoji-fallback") {
                Some(f) if !f.is_empty() => f.to_string(),
                _ => format!(":{}:", e.attr("ac:name").unwrap_or("emoticon")),
            },
            "ac:link" => self.link(e),
            "ac:image" => self.image(e),
            "ac:placeholder" => {
                format!(
                    "[placeholder: {}]",
                    escape_bracketed(collapse(&e.text()).trim())
                )
            }
            "ac:structured-macro" | "ac:macro" => {
                if macros::is_inline(e) {
                    self.macro_inline(e)
                } else {
                    self.macro_block(e).lines().collect::<Vec<_>>().join("<br>")
                }
            }
            n if n.starts_with("ri:") => macros::resource_target(e).0,
            n if BLOCK_TAGS.contains(&n) => {
                let b = self.blocks(&e.children, "\n");
                b.lines().collect::<Vec<_>>().join("<br>")
            }
            _ => self.inlines(&e.children),
        }
    }
}

/// Lists and task lists that would continue one another when adjacent: Some(ordered).
fn list_kind(e: &Element) -> Option<bool> {
    match e.name.as_str() {
        "ol" => Some(true),
        "ul" | "ac:task-list" => Some(false),
        _ => None,
    }
}

fn heading_level(name: &str) -> Option<usize> {
    let level = name.strip_prefix('h')?.parse::<usize>().ok()?;
    (1..=6).contains(&level).then_some(level)
}

/// Rows sit directly in the table or in thead/tbody/tfoot; document order is kept.
fn collect_rows<'e>(el: &'e Element, out: &mut Vec<&'e Element>) {
    for c in el.child_elements() {
        match c.name.as_str() {
            "tr" => out.push(c),
            "thead" | "tbody" | "tfoot" => collect_rows(c, out),
            _ => {}
        }
    }
}

/// A heading ending in ` #` (or only `#`) would lose it as a closing sequence.
fn escape_closing_hashes(text: &str) -> String {
    let body = text.trim_end_matches('#');
    let closing =
        text.len() > body.len() && (body.is_empty() || body.ends_with(char::is_whitespace));
    if closing {
        format!("{body}\\{}", &text[body.len()..])
    } else {
        text.to_string()
    }
}

/// Trims whitespace and line breaks at a block's edges, where they show nothing.
fn trim_breaks(s: &str) -> &str {
    let mut t = s.trim();
    loop {
        let next = t.strip_prefix("<br>").or_else(|| {
            // `\<br>` is the literal text, not a break.
            t.strip_suffix("<br>").filter(|rest| {
                let backslashes = rest.chars().rev().take_while(|&c| c == '\\').count();
                backslashes % 2 == 0
            })
        });
        match next.map(str::trim) {
            Some(n) => t = n,
            None => return t,
        }
    }
}

fn collapse(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut ws = false;
    for c in t.chars() {
        if c.is_whitespace() {
            ws = true;
        } else {
            if ws {
                out.push(' ');
            }
            ws = false;
            out.push(c);
        }
    }
    if ws {
        out.push(' ');
    }
    out
}

/// Emphasis markers must hug the text, so edge whitespace moves outside them.
fn wrap(marker: &str, inner: &str) -> String {
    let t = inner.trim();
    if t.is_empty() {
        return inner.to_string();
    }
    let lead = if inner.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let trail = if inner.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    format!("{lead}{marker}{t}{marker}{trail}")
}

pub(crate) fn quote(body: &str) -> String {
    body.lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn indent(marker: &str, body: &str) -> String {
    let pad = " ".repeat(marker.len().min(4));
    let mut out = String::new();
    for (i, line) in body.lines().enumerate() {
        if i == 0 {
            out.push_str(marker);
        } else {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(line);
    }
    if out.is_empty() {
        out.push_str(marker.trim_end());
    }
    out
}
