//! Block quotes. A quote whose first paragraph opens with the reader's bold label becomes the
//! macro it came from: `> **Info:** …` (also Note, Warning, Tip, Panel), `> **Note: Title** …`,
//! and `> **▸ Title**` for expand. GitHub alerts (`> [!TIP]`) become panels too. Any other
//! quote stays a `blockquote`.

use pulldown_cmark::{BlockQuoteKind, Tag};

use super::blocks::Writer;
use super::tree::{Node, Text, is_plain, plain_text};

const PANELS: &[&str] = &["info", "note", "warning", "tip", "panel"];
pub(crate) const EXPAND_MARK: &str = "▸ ";

#[derive(Debug, PartialEq, Eq)]
struct Label {
    macro_name: String,
    title: Option<String>,
}

fn parse_label(label: &str) -> Option<Label> {
    if let Some(title) = label.strip_prefix(EXPAND_MARK) {
        return Some(Label {
            macro_name: "expand".into(),
            title: Some(title.to_string()).filter(|t| !t.is_empty()),
        });
    }
    let panel = |kind: &str| {
        let name = kind.to_lowercase();
        let capitalised = kind.chars().next().is_some_and(char::is_uppercase);
        (PANELS.contains(&name.as_str()) && capitalised).then_some(name)
    };
    if let Some(macro_name) = label.strip_suffix(':').and_then(panel) {
        return Some(Label {
            macro_name,
            title: None,
        });
    }
    let (kind, title) = label.split_once(": ")?;
    // The reader writes a titled panel as `**Title:**`, never `**Panel: Title**`.
    if kind == "Panel" || title.is_empty() {
        return None;
    }
    Some(Label {
        macro_name: panel(kind)?,
        title: Some(title.to_string()),
    })
}

impl Writer<'_, '_> {
    pub(super) fn quote(&mut self, alert: Option<BlockQuoteKind>, children: &[Node<'_>]) {
        if let Some(alert) = alert {
            let macro_name = match alert {
                BlockQuoteKind::Note => "note",
                BlockQuoteKind::Tip => "tip",
                BlockQuoteKind::Important => "info",
                BlockQuoteKind::Warning | BlockQuoteKind::Caution => "warning",
            };
            self.out
                .open("ac:structured-macro", &[("ac:name", macro_name)]);
            self.out.open("ac:rich-text-body", &[]);
            self.blocks(children);
            self.out.close("ac:rich-text-body");
            self.out.close("ac:structured-macro");
            return;
        }
        let Some((label, first_rest, rest)) = split_label(children) else {
            self.out.open("blockquote", &[]);
            self.blocks(children);
            self.out.close("blockquote");
            return;
        };
        self.out
            .open("ac:structured-macro", &[("ac:name", &label.macro_name)]);
        if let Some(title) = &label.title {
            self.parameter("title", title);
        }
        self.out.open("ac:rich-text-body", &[]);
        if !first_rest.is_empty() {
            self.out.open("p", &[]);
            self.inlines(&first_rest);
            self.out.close("p");
        }
        self.blocks(rest);
        self.out.close("ac:rich-text-body");
        self.out.close("ac:structured-macro");
    }
}

/// (label, rest of the first paragraph, remaining blocks) when the quote opens with a label.
fn split_label<'n, 'a>(children: &'n [Node<'a>]) -> Option<(Label, Vec<Node<'a>>, &'n [Node<'a>])> {
    let (Node::Element(Tag::Paragraph, para), rest) = children.split_first()? else {
        return None;
    };
    let (Node::Element(Tag::Strong, strong), after) = para.split_first()? else {
        return None;
    };
    if !is_plain(strong) {
        return None;
    }
    let label = parse_label(&plain_text(strong))?;
    let first_rest = match after.split_first() {
        None => Vec::new(),
        Some((Node::SoftBreak | Node::HardBreak, tail)) => tail.to_vec(),
        Some((Node::Text(t), tail)) if t.text.starts_with(' ') => {
            let mut v = vec![Node::Text(t.without_first_char())];
            v.extend(tail.iter().cloned());
            v
        }
        Some(_) => return None,
    };
    Some((label, first_rest, rest))
}

impl Text {
    fn without_first_char(&self) -> Text {
        let skip = self.text.chars().next().map_or(0, char::len_utf8);
        Text {
            text: self.text[skip..].to_string(),
            literal_brackets: self
                .literal_brackets
                .iter()
                .filter(|&&i| i >= skip)
                .map(|i| i - skip)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(name: &str, title: Option<&str>) -> Option<Label> {
        Some(Label {
            macro_name: name.into(),
            title: title.map(str::to_string),
        })
    }

    #[test]
    fn labels_are_recognised_strictly() {
        assert_eq!(parse_label("Info:"), label("info", None));
        assert_eq!(
            parse_label("Note: Heads up"),
            label("note", Some("Heads up"))
        );
        assert_eq!(parse_label("Panel:"), label("panel", None));
        assert_eq!(parse_label("▸ Log"), label("expand", Some("Log")));
        assert_eq!(parse_label("Panel: x"), None);
        assert_eq!(parse_label("Tip: ends:"), label("tip", Some("ends:")));
        assert_eq!(parse_label("Contacts:"), None);
        assert_eq!(parse_label("info:"), None);
        assert_eq!(parse_label("Important"), None);
    }
}
