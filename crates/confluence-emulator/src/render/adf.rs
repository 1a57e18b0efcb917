//! Storage XHTML to Atlassian Document Format: paragraphs, headings, lists, code blocks,
//! tables, panels, expands and task lists with their text and marks; other macros become
//! `extension` nodes, as Confluence's own conversion does.

use super::xhtml::{Element, Node};
use super::{heading_level, macro_param};
use serde_json::{Value, json};

pub fn document(nodes: &[Node]) -> Value {
    json!({ "type": "doc", "version": 1, "content": blocks(nodes) })
}

/// Macros that sit inside a line of text rather than forming a block.
fn inline_macro(name: &str) -> bool {
    matches!(name, "status" | "jira" | "anchor")
}

fn is_block(e: &Element) -> bool {
    match e.name.as_str() {
        "p" | "ul" | "ol" | "pre" | "blockquote" | "hr" | "table" | "div" | "section"
        | "ac:task-list" | "ac:layout" | "ac:layout-section" | "ac:layout-cell"
        | "ac:rich-text-body" => true,
        "ac:structured-macro" | "ac:macro" => {
            !inline_macro(&e.attr("ac:name").unwrap_or("").to_ascii_lowercase())
        }
        name => heading_level(name).is_some(),
    }
}

fn blocks(nodes: &[Node]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut pending = Vec::new();
    for node in nodes {
        match node {
            Node::Text(t) => text(t, &[], &mut pending),
            Node::Element(e) if is_block(e) => {
                flush(&mut pending, &mut out);
                block(e, &mut out);
            }
            Node::Element(e) => inline(e, &[], &mut pending),
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Loose inline content between blocks becomes a paragraph, unless it is only whitespace.
fn flush(pending: &mut Vec<Value>, out: &mut Vec<Value>) {
    let content = tidy(std::mem::take(pending));
    if !content.is_empty() {
        out.push(json!({ "type": "paragraph", "content": content }));
    }
}

/// Blocks, or one empty paragraph where ADF requires content (list items, table cells).
fn non_empty_blocks(nodes: &[Node]) -> Vec<Value> {
    let content = blocks(nodes);
    if content.is_empty() {
        vec![json!({ "type": "paragraph", "content": [] })]
    } else {
        content
    }
}

fn inlines(nodes: &[Node], marks: &[Value]) -> Vec<Value> {
    let mut out = Vec::new();
    for node in nodes {
        match node {
            Node::Text(t) => text(t, marks, &mut out),
            Node::Element(e) => inline(e, marks, &mut out),
        }
    }
    tidy(out)
}

fn block(e: &Element, out: &mut Vec<Value>) {
    let name = e.name.as_str();
    if let Some(level) = heading_level(name) {
        out.push(json!({ "type": "heading", "attrs": { "level": level }, "content": inlines(&e.children, &[]) }));
        return;
    }
    match name {
        "p" => out.push(json!({ "type": "paragraph", "content": inlines(&e.children, &[]) })),
        "ul" | "ol" => {
            let items: Vec<Value> = e
                .children_named("li")
                .map(|li| json!({ "type": "listItem", "content": non_empty_blocks(&li.children) }))
                .collect();
            if name == "ul" {
                out.push(json!({ "type": "bulletList", "content": items }));
            } else {
                out.push(
                    json!({ "type": "orderedList", "attrs": { "order": 1 }, "content": items }),
                );
            }
        }
        "pre" => out.push(code_block(None, &e.text())),
        "blockquote" => {
            out.push(json!({ "type": "blockquote", "content": non_empty_blocks(&e.children) }))
        }
        "hr" => out.push(json!({ "type": "rule" })),
        "table" => out.push(table(e)),
        "ac:task-list" => out.push(task_list(e)),
        "ac:structured-macro" | "ac:macro" => macro_block(e, out),
        _ => out.extend(blocks(&e.children)),
    }
}

fn code_block(language: Option<String>, code: &str) -> Value {
    let content = if code.is_empty() {
        json!([])
    } else {
        json!([{ "type": "text", "text": code }])
    };
    match language {
        Some(lang) => {
            json!({ "type": "codeBlock", "attrs": { "language": lang }, "content": content })
        }
        None => json!({ "type": "codeBlock", "content": content }),
    }
}

fn table(e: &Element) -> Value {
    let mut rows = Vec::new();
    let mut row_elements: Vec<&Element> = e.children_named("tr").collect();
    for section in ["thead", "tbody", "tfoot"] {
        for part in e.children_named(section) {
            row_elements.extend(part.children_named("tr"));
        }
    }
    for tr in row_elements {
        let cells: Vec<Value> = tr
            .children
            .iter()
            .filter_map(|n| match n {
                Node::Element(c) if c.name == "th" || c.name == "td" => {
                    let kind = if c.name == "th" { "tableHeader" } else { "tableCell" };
                    Some(json!({ "type": kind, "attrs": {}, "content": non_empty_blocks(&c.children) }))
                }
                _ => None,
            })
            .collect();
        if !cells.is_empty() {
            rows.push(json!({ "type": "tableRow", "content": cells }));
        }
    }
    json!({ "type": "table", "attrs": { "isNumberColumnEnabled": false, "layout": "default" }, "content": rows })
}

fn task_list(e: &Element) -> Value {
    let items: Vec<Value> = e
        .children_named("ac:task")
        .enumerate()
        .map(|(i, task)| {
            let id = task.child("ac:task-id").map(Element::text).unwrap_or_else(|| (i + 1).to_string());
            let done = task.child("ac:task-status").map(Element::text).as_deref() == Some("complete");
            let body = task.child("ac:task-body").map(|b| inlines(&b.children, &[])).unwrap_or_default();
            json!({ "type": "taskItem", "attrs": { "localId": id, "state": if done { "DONE" } else { "TODO" } }, "content": body })
        })
        .collect();
    json!({ "type": "taskList", "attrs": { "localId": "" }, "content": items })
}

fn macro_block(e: &Element, out: &mut Vec<Value>) {
    let name = e.attr("ac:name").unwrap_or("").to_ascii_lowercase();
    let rich = e.child("ac:rich-text-body");
    match name.as_str() {
        "code" | "noformat" => {
            let code = e
                .child("ac:plain-text-body")
                .map(Element::text)
                .unwrap_or_default();
            out.push(code_block(macro_param(e, "language"), &code));
        }
        "info" | "note" | "warning" | "tip" | "panel" => {
            let panel_type = match name.as_str() {
                "tip" => "success",
                "panel" => "info",
                other => other,
            };
            let content = rich
                .map(|r| non_empty_blocks(&r.children))
                .unwrap_or_else(|| non_empty_blocks(&[]));
            out.push(json!({ "type": "panel", "attrs": { "panelType": panel_type }, "content": content }));
        }
        "expand" => {
            let content = rich
                .map(|r| non_empty_blocks(&r.children))
                .unwrap_or_else(|| non_empty_blocks(&[]));
            let title = macro_param(e, "title").unwrap_or_default();
            out.push(json!({ "type": "expand", "attrs": { "title": title }, "content": content }));
        }
        _ => {
            let params: serde_json::Map<String, Value> = e
                .children_named("ac:parameter")
                .map(|p| {
                    (
                        p.attr("ac:name").unwrap_or("").to_owned(),
                        json!({ "value": p.text() }),
                    )
                })
                .collect();
            let attrs = json!({
                "extensionType": "com.atlassian.confluence.macro.core",
                "extensionKey": name,
                "parameters": { "macroParams": params },
            });
            match rich {
                Some(r) => out.push(json!({ "type": "bodiedExtension", "attrs": attrs, "content": non_empty_blocks(&r.children) })),
                None => out.push(json!({ "type": "extension", "attrs": attrs })),
            }
        }
    }
}

fn with_mark(marks: &[Value], mark: Value) -> Vec<Value> {
    let mut out = marks.to_vec();
    if !out.iter().any(|m| m["type"] == mark["type"]) {
        out.push(mark);
    }
    out
}

fn text(t: &str, marks: &[Value], out: &mut Vec<Value>) {
    if t.is_empty() {
        return;
    }
    if marks.is_empty() {
        out.push(json!({ "type": "text", "text": t }));
    } else {
        out.push(json!({ "type": "text", "text": t, "marks": marks }));
    }
}

fn inline(e: &Element, marks: &[Value], out: &mut Vec<Value>) {
    let mark = |kind: &str| with_mark(marks, json!({ "type": kind }));
    let children = |m: &[Value], out: &mut Vec<Value>| {
        for node in &e.children {
            match node {
                Node::Text(t) => text(t, m, out),
                Node::Element(c) => inline(c, m, out),
            }
        }
    };
    match e.name.as_str() {
        "strong" | "b" => children(&mark("strong"), out),
        "em" | "i" => children(&mark("em"), out),
        "u" => children(&mark("underline"), out),
        "s" | "del" | "strike" => children(&mark("strike"), out),
        "code" | "tt" => children(&mark("code"), out),
        "sub" | "sup" => {
            let kind = e.name.as_str();
            children(
                &with_mark(
                    marks,
                    json!({ "type": "subsup", "attrs": { "type": kind } }),
                ),
                out,
            );
        }
        "a" => {
            let href = e.attr("href").unwrap_or("");
            children(
                &with_mark(marks, json!({ "type": "link", "attrs": { "href": href } })),
                out,
            );
        }
        "br" => out.push(json!({ "type": "hardBreak" })),
        "ri:user" => out.push(mention(e)),
        "ac:link" => {
            if let Some(user) = e.child("ri:user") {
                out.push(mention(user));
                return;
            }
            let label = e
                .child("ac:link-body")
                .or_else(|| e.child("ac:plain-text-link-body"))
                .map(Element::text)
                .or_else(|| {
                    e.child("ri:page")
                        .and_then(|p| p.attr("ri:content-title"))
                        .or_else(|| e.child("ri:attachment").and_then(|a| a.attr("ri:filename")))
                        .or_else(|| e.child("ri:url").and_then(|u| u.attr("ri:value")))
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            text(&label, marks, out);
        }
        "ac:emoticon" => {
            let name = e.attr("ac:name").unwrap_or("smile");
            let fallback = e.attr("ac:emoji-fallback").unwrap_or(name);
            out.push(json!({ "type": "emoji", "attrs": { "shortName": format!(":{name}:"), "text": fallback } }));
        }
        "ac:structured-macro" | "ac:macro" => match e
            .attr("ac:name")
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str()
        {
            "status" => {
                let color = match macro_param(e, "colour").unwrap_or_default().as_str() {
                    "Green" => "green",
                    "Red" => "red",
                    "Yellow" => "yellow",
                    "Blue" => "blue",
                    "Purple" => "purple",
                    _ => "neutral",
                };
                let title = macro_param(e, "title").unwrap_or_default();
                out.push(json!({ "type": "status", "attrs": { "text": title, "color": color, "localId": "" } }));
            }
            "jira" => text(&macro_param(e, "key").unwrap_or_default(), marks, out),
            _ => text(&e.text(), marks, out),
        },
        "ac:placeholder" | "ac:parameter" | "ac:image" | "ac:task-id" | "ac:task-status" => {}
        _ => children(marks, out),
    }
}

fn mention(user: &Element) -> Value {
    let id = user
        .attr("ri:account-id")
        .or_else(|| user.attr("ri:userkey"))
        .unwrap_or("");
    json!({ "type": "mention", "attrs": { "id": id, "text": format!("@{id}") } })
}

/// HTML whitespace rules for inline runs: collapse runs, trim the ends, drop empty text.
fn tidy(nodes: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(nodes.len());
    let mut last_space = true;
    for mut node in nodes {
        if let Some(t) = node
            .get("text")
            .and_then(Value::as_str)
            .filter(|_| node["type"] == "text")
        {
            let mut collapsed = String::with_capacity(t.len());
            for c in t.chars() {
                if c.is_ascii_whitespace() {
                    if !last_space {
                        collapsed.push(' ');
                    }
                    last_space = true;
                } else {
                    collapsed.push(c);
                    last_space = false;
                }
            }
            if collapsed.is_empty() {
                continue;
            }
            node["text"] = json!(collapsed);
        } else {
            last_space = node["type"] == "hardBreak";
        }
        out.push(node);
    }
    if let Some(last) = out.last_mut()
        && let Some(t) = last.get("text").and_then(Value::as_str)
    {
        let trimmed = t.trim_end_matches(' ').to_owned();
        if trimmed.is_empty() {
            out.pop();
        } else {
            last["text"] = json!(trimmed);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::xhtml::parse;

    fn doc(storage: &str) -> Value {
        document(&parse(storage))
    }

    #[test]
    fn converts_common_blocks() {
        let d = doc(
            "<h1>Title</h1>\n<p>Some <em>text</em> here.</p>\n<ul><li><p>one</p></li><li>two<ol><li>nested</li></ol></li></ul><table><tbody><tr><th>H</th></tr><tr><td>c</td></tr></tbody></table>",
        );
        let types: Vec<&str> = d["content"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["type"].as_str().unwrap())
            .collect();
        assert_eq!(types, ["heading", "paragraph", "bulletList", "table"]);
        assert_eq!(d["content"][0]["attrs"]["level"], 1);
        assert_eq!(d["content"][1]["content"][1]["marks"][0]["type"], "em");
        assert_eq!(
            d["content"][2]["content"][1]["content"][1]["type"],
            "orderedList"
        );
        assert_eq!(
            d["content"][3]["content"][0]["content"][0]["type"],
            "tableHeader"
        );
    }

    #[test]
    fn macros_become_code_panels_and_extensions() {
        let d = doc(
            r#"<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">sql</ac:parameter><ac:plain-text-body><![CDATA[SELECT 1;]]></ac:plain-text-body></ac:structured-macro><ac:structured-macro ac:name="warning"><ac:rich-text-body><p>Hot</p></ac:rich-text-body></ac:structured-macro><ac:structured-macro ac:name="toc"/><p>state <ac:structured-macro ac:name="status"><ac:parameter ac:name="title">done</ac:parameter></ac:structured-macro></p>"#,
        );
        assert_eq!(d["content"][0]["type"], "codeBlock");
        assert_eq!(d["content"][0]["attrs"]["language"], "sql");
        assert_eq!(d["content"][0]["content"][0]["text"], "SELECT 1;");
        assert_eq!(d["content"][1]["attrs"]["panelType"], "warning");
        assert_eq!(d["content"][2]["type"], "extension");
        assert_eq!(d["content"][3]["content"][1]["type"], "status");
    }

    #[test]
    fn whitespace_between_blocks_is_dropped() {
        let d = doc("<p>  a\n  b </p>\n\n<p></p>");
        assert_eq!(d["content"][0]["content"][0]["text"], "a b");
        assert_eq!(d["content"].as_array().unwrap().len(), 2);
    }
}
