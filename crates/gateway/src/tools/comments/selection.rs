//! Where an inline comment's text selection occurs. Confluence anchors an inline comment to
//! the `match_index`-th of `match_count` occurrences of the selected text in what readers see,
//! so the gateway counts occurrences in the page's visible text before asking: a selection
//! that is not there gets a clear answer instead of Confluence's bare 400.

use content::dom::Node;

/// The text readers see in a storage body: text and code bodies, not macro parameters or
/// attributes. Blocks end with a line break, so no selection runs across two paragraphs.
pub fn visible_text(storage: &str) -> String {
    let mut out = String::with_capacity(storage.len());
    match content::dom::parse(storage, &content::Options::default()) {
        Ok(nodes) => walk(&nodes, &mut out),
        // Storage Confluence accepted but our parser does not: strip the tags instead.
        Err(_) => strip_tags(storage, &mut out),
    }
    out
}

fn walk(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) | Node::CData(t) => out.push_str(t),
            Node::Element(e) if e.name == "ac:parameter" => {}
            Node::Element(e) => {
                walk(&e.children, out);
                if is_block(&e.name) && !out.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "td"
            | "th"
            | "tr"
            | "br"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "div"
            | "blockquote"
            | "ac:plain-text-body"
            | "ac:rich-text-body"
    )
}

fn strip_tags(storage: &str, out: &mut String) {
    let mut in_tag = false;
    for ch in storage.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
}

/// How often `selection` occurs in `text` (non-overlapping, as Confluence counts).
pub fn occurrences(text: &str, selection: &str) -> usize {
    if selection.is_empty() {
        return 0;
    }
    text.matches(selection).count()
}

/// Why a selection matched nothing, phrased for the agent.
pub fn not_found_hint(text: &str, selection: &str) -> String {
    let mut hint = format!(
        "the text \"{}\" does not occur on the page",
        short(selection)
    );
    if text.to_lowercase().contains(&selection.to_lowercase()) {
        hint.push_str(" as written, though it does with different capitalisation: copy it exactly");
    } else if selection.contains(['*', '`', '[', ']', '_', '#']) {
        hint.push_str(
            "; leave out Markdown markup (`**`, backticks, link brackets): select the words as \
             readers see them",
        );
    } else if selection.contains('\n') {
        hint.push_str("; a selection must lie within one paragraph, list item or table cell");
    } else {
        hint.push_str(
            "; copy the words exactly from the page (get_page), within one paragraph; a \
             shorter selection is easier to match",
        );
    }
    hint
}

/// The selection as echoed in an error: bounded, on one line.
fn short(selection: &str) -> String {
    let one_line = selection.replace('\n', " ");
    match one_line.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_is_what_readers_see() {
        let storage = "<p>Fish &amp; <strong>chips</strong> <a href=\"https://x.test/chips\">menu</a></p>\
            <ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"title\">Deploy script</ac:parameter>\
            <ac:plain-text-body><![CDATA[make deploy]]></ac:plain-text-body></ac:structured-macro>\
            <p>one</p><p>two</p>";
        let text = visible_text(storage);
        assert_eq!(occurrences(&text, "Fish & chips menu"), 1);
        assert_eq!(occurrences(&text, "make deploy"), 1);
        assert_eq!(occurrences(&text, "Deploy script"), 0);
        assert_eq!(occurrences(&text, "x.test"), 0);
        assert_eq!(occurrences(&text, "onetwo"), 0);
        assert_eq!(occurrences(&text, ""), 0);
        assert_eq!(occurrences("a deploy, a deploy", "deploy"), 2);
    }

    #[test]
    fn hints_say_what_went_wrong() {
        let text = visible_text("<p>Rotate the keys monthly.</p>");
        assert!(not_found_hint(&text, "rotate the Keys").contains("capitalisation"));
        assert!(not_found_hint(&text, "**Rotate**").contains("Markdown"));
        assert!(not_found_hint(&text, "nothing like it").contains("exactly"));
        assert!(not_found_hint(&text, &"x".repeat(500)).len() < 400);
    }
}
