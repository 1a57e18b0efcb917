//! Block structure: paragraphs, headings, lists and task lists, tables, code, rules.

use pulldown_cmark::{CodeBlockKind, HeadingLevel, Tag};

use super::WriteOptions;
use super::tree::Node;
use super::xml::Xml;

pub(crate) struct Writer<'o, 'r> {
    pub(super) opts: &'o WriteOptions<'r>,
    pub(super) out: Xml,
    /// Inside a link body no notation is interpreted (no macros or mentions within links).
    pub(super) in_link: bool,
    next_task_id: u64,
}

fn is_block(node: &Node<'_>) -> bool {
    match node {
        Node::Rule => true,
        Node::Element(tag, _) => matches!(
            tag,
            Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::BlockQuote(_)
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::List(_)
                | Tag::Item
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::TableCell
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionList
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition
                | Tag::MetadataBlock(_)
        ),
        _ => false,
    }
}

impl<'o, 'r> Writer<'o, 'r> {
    pub(super) fn new(opts: &'o WriteOptions<'r>) -> Self {
        Self {
            opts,
            out: Xml::default(),
            in_link: false,
            next_task_id: 1,
        }
    }

    pub(super) fn finish(self) -> String {
        self.out.finish()
    }

    /// Mixed content: blocks render alone, runs of inline nodes (tight list items) inline.
    pub(super) fn blocks(&mut self, nodes: &[Node<'_>]) {
        let mut start = 0;
        for (i, node) in nodes.iter().enumerate() {
            if is_block(node) {
                self.inlines(&nodes[start..i]);
                self.block(node);
                start = i + 1;
            }
        }
        self.inlines(&nodes[start..]);
    }

    pub(super) fn block(&mut self, node: &Node<'_>) {
        let Node::Element(tag, children) = node else {
            if matches!(node, Node::Rule) {
                self.out.empty("hr", &[]);
            } else {
                self.inline(node);
            }
            return;
        };
        match tag {
            Tag::Paragraph => self.paragraph(children),
            Tag::Heading { level, .. } => {
                let name = heading_name(*level);
                self.out.open(name, &[]);
                self.inlines(children);
                self.out.close(name);
            }
            Tag::BlockQuote(kind) => self.quote(*kind, children),
            Tag::CodeBlock(kind) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.as_ref(),
                    CodeBlockKind::Indented => "",
                };
                self.code(info, &super::tree::plain_text(children));
            }
            Tag::HtmlBlock => self.html_block(children),
            Tag::List(start) => self.list(*start, children),
            Tag::Table(_) => self.table(children),
            _ => self.blocks(children),
        }
    }

    fn paragraph(&mut self, children: &[Node<'_>]) {
        if let [Node::Text(t)] = children
            && self.block_macro(t)
        {
            return;
        }
        self.out.open("p", &[]);
        self.inlines(children);
        self.out.close("p");
    }

    /// Code macro; the info string is `language title="…"` as the reader writes it.
    pub(super) fn code(&mut self, info: &str, body: &str) {
        let info = info.trim();
        let (language, rest) = if info.starts_with("title=\"") {
            ("", info)
        } else {
            info.split_once(char::is_whitespace).unwrap_or((info, ""))
        };
        let title = rest
            .trim()
            .strip_prefix("title=\"")
            .and_then(|t| t.strip_suffix('"'));
        let body = body.strip_suffix('\n').unwrap_or(body);
        self.out.open("ac:structured-macro", &[("ac:name", "code")]);
        if !language.is_empty() {
            self.parameter("language", language);
        }
        if let Some(title) = title {
            self.parameter("title", title);
        }
        self.out.open("ac:plain-text-body", &[]);
        self.out.cdata(body);
        self.out.close("ac:plain-text-body");
        self.out.close("ac:structured-macro");
    }

    pub(super) fn parameter(&mut self, name: &str, value: &str) {
        self.out
            .text_element("ac:parameter", &[("ac:name", name)], value);
    }

    /// Raw HTML is shown as text; a block of nothing but `<br>` tags keeps its line breaks.
    fn html_block(&mut self, children: &[Node<'_>]) {
        let raw = super::tree::plain_text(children);
        let raw = raw.trim_end();
        self.out.open("p", &[]);
        if raw.split_whitespace().all(super::inlines::is_br) {
            for _ in raw.split_whitespace() {
                self.out.empty("br", &[]);
            }
        } else {
            self.out.text(raw);
        }
        self.out.close("p");
    }

    /// Items with a task marker become `ac:task-list`s; other runs stay `ul`/`ol`.
    fn list(&mut self, start: Option<u64>, items: &[Node<'_>]) {
        let mut i = 0;
        while i < items.len() {
            let tasks = is_task(&items[i]);
            let run_start = i;
            while i < items.len() && is_task(&items[i]) == tasks {
                i += 1;
            }
            let run = &items[run_start..i];
            if tasks {
                self.task_list(run);
            } else {
                let number = start.map(|s| s.saturating_add(run_start as u64));
                self.plain_list(number, run);
            }
        }
    }

    fn plain_list(&mut self, number: Option<u64>, items: &[Node<'_>]) {
        let first = number.map(|n| n.to_string());
        let (name, attrs): (&str, Vec<(&str, &str)>) = match first.as_deref() {
            None => ("ul", vec![]),
            Some("1") => ("ol", vec![]),
            Some(n) => ("ol", vec![("start", n)]),
        };
        self.out.open(name, &attrs);
        for item in items {
            self.out.open("li", &[]);
            if let Node::Element(_, children) = item {
                self.blocks(children);
            }
            self.out.close("li");
        }
        self.out.close(name);
    }

    fn task_list(&mut self, items: &[Node<'_>]) {
        self.out.open("ac:task-list", &[]);
        for item in items {
            let Node::Element(_, children) = item else {
                continue;
            };
            let id = self.next_task_id.to_string();
            self.next_task_id += 1;
            self.out.open("ac:task", &[]);
            self.out.text_element("ac:task-id", &[], &id);
            let done = task_marker(item) == Some(true);
            let status = if done { "complete" } else { "incomplete" };
            self.out.text_element("ac:task-status", &[], status);
            self.out.open("ac:task-body", &[]);
            match children.split_first() {
                Some((Node::TaskMarker(_), rest)) => self.blocks(rest),
                Some((Node::Element(Tag::Paragraph, para), rest)) => {
                    self.out.open("p", &[]);
                    self.inlines(para.get(1..).unwrap_or_default());
                    self.out.close("p");
                    self.blocks(rest);
                }
                _ => self.blocks(children),
            }
            self.out.close("ac:task-body");
            self.out.close("ac:task");
        }
        self.out.close("ac:task-list");
    }

    /// The header row's cells become `th`, all others `td`.
    fn table(&mut self, children: &[Node<'_>]) {
        self.out.open("table", &[]);
        self.out.open("tbody", &[]);
        for row in children {
            let Node::Element(tag, cells) = row else {
                continue;
            };
            let cell_name = if matches!(tag, Tag::TableHead) {
                "th"
            } else {
                "td"
            };
            self.out.open("tr", &[]);
            for cell in cells {
                if let Node::Cell {
                    children,
                    source,
                    start,
                } = cell
                {
                    self.out.open(cell_name, &[]);
                    if !self.cell_blocks(children, source, *start) {
                        self.inlines(children);
                    }
                    self.out.close(cell_name);
                }
            }
            self.out.close("tr");
        }
        self.out.close("tbody");
        self.out.close("table");
    }
}

impl Writer<'_, '_> {
    /// The reader writes a cell's block content as lines joined by `<br>` (a lone list item
    /// as `- item`). When those lines parse as more than paragraphs (lists, quotes,
    /// headings), the cell gets those blocks; otherwise it keeps its inline content.
    fn cell_blocks(&mut self, children: &[Node<'_>], source: &str, start: usize) -> bool {
        let mut lines = Vec::new();
        let mut from = 0;
        for node in children {
            if let Node::Html(h, range) = node
                && super::inlines::is_br(h)
            {
                let Some(line) = source.get(from..range.start.saturating_sub(start)) else {
                    return false;
                };
                lines.push(line);
                from = range.end.saturating_sub(start);
            }
        }
        lines.push(source.get(from..).unwrap_or_default().trim_end());
        let mut markdown = String::with_capacity(source.len());
        for (i, line) in lines.iter().enumerate() {
            // GFM unescapes `\|` in cells before any inline parsing.
            let line = line.replace("\\|", "|");
            if i == 0 {
                markdown.push_str(line.trim_start());
            } else if starts_block(&line) {
                markdown.push_str("\n\n");
                markdown.push_str(&line);
            } else {
                // A break inside a paragraph or list item, not between blocks.
                markdown.push_str("<br>");
                markdown.push_str(&line);
            }
        }
        let Ok(nodes) = super::tree::build(&markdown, self.opts.max_depth) else {
            return false;
        };
        if nodes
            .iter()
            .all(|n| matches!(n, Node::Element(Tag::Paragraph, _)))
        {
            return false;
        }
        self.blocks(&nodes);
        true
    }
}

/// Whether a flattened cell line opens a block: a list item, quote or heading.
fn starts_block(line: &str) -> bool {
    let t = line.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let after_digits = &t[digits..];
    let hashes = t.chars().take_while(|&c| c == '#').count();
    ["- ", "* ", "+ ", "> "].iter().any(|m| t.starts_with(m))
        || matches!(t, "-" | "*" | "+" | ">")
        || (digits > 0 && (after_digits.starts_with(". ") || after_digits.starts_with(") ")))
        || ((1..=6).contains(&hashes) && t[hashes..].starts_with(' '))
}

fn heading_name(level: HeadingLevel) -> &'static str {
    match level {
        HeadingLevel::H1 => "h1",
        HeadingLevel::H2 => "h2",
        HeadingLevel::H3 => "h3",
        HeadingLevel::H4 => "h4",
        HeadingLevel::H5 => "h5",
        HeadingLevel::H6 => "h6",
    }
}

/// The item's task marker: first in a tight item, first in the first paragraph of a loose one.
fn task_marker(item: &Node<'_>) -> Option<bool> {
    let Node::Element(_, children) = item else {
        return None;
    };
    match children.first()? {
        Node::TaskMarker(done) => Some(*done),
        Node::Element(Tag::Paragraph, para) => match para.first()? {
            Node::TaskMarker(done) => Some(*done),
            _ => None,
        },
        _ => None,
    }
}

fn is_task(item: &Node<'_>) -> bool {
    task_marker(item).is_some()
}
