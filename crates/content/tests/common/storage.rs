//! Checks on written storage: parse it back with the crate's tree and query the result.
//! Shared by several test crates, each using a subset.
#![allow(dead_code)]

use content::Options;
use content::dom::{Element, Node, parse};

/// Parses storage, failing the test with the storage text when it is not well-formed.
pub fn parse_storage(storage: &str) -> Vec<Node> {
    if let Some(problem) = xml_problem(storage) {
        panic!("{problem}\n{storage}");
    }
    let opts = Options {
        max_depth: 4096,
        ..Options::default()
    };
    parse(storage, &opts).unwrap_or_else(|e| panic!("{e}\n{storage}"))
}

/// What the tree parser does not check: characters XML 1.0 forbids, and entity references
/// other than the five predefined ones and numeric ones (Confluence declares no others).
pub fn xml_problem(storage: &str) -> Option<String> {
    if let Some(c) = storage.chars().find(|&c| {
        matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
    }) {
        return Some(format!("illegal character {c:?}"));
    }
    let mut rest = storage;
    let mut outside_cdata = String::new();
    while let Some(start) = rest.find("<![CDATA[") {
        outside_cdata.push_str(&rest[..start]);
        let after = &rest[start + 9..];
        let end = after.find("]]>")?;
        rest = &after[end + 3..];
    }
    outside_cdata.push_str(rest);
    for (i, _) in outside_cdata.match_indices('&') {
        let tail = &outside_cdata[i + 1..];
        let name = &tail[..tail.find(';').unwrap_or(tail.len())];
        let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name.strip_prefix('#').is_some_and(|n| {
                n.chars().all(|c| c.is_ascii_digit())
                    || n.strip_prefix('x')
                        .is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
            });
        if !ok {
            return Some(format!("undeclared entity &{name};"));
        }
    }
    None
}

/// Every element named `name` below `nodes`, in document order.
pub fn find_all<'a>(nodes: &'a [Node], name: &str) -> Vec<&'a Element> {
    let mut out = Vec::new();
    let mut stack: Vec<&Node> = nodes.iter().rev().collect();
    while let Some(node) = stack.pop() {
        if let Node::Element(e) = node {
            if e.name == name {
                out.push(e);
            }
            stack.extend(e.children.iter().rev());
        }
    }
    out
}

/// The single element named `name`; fails unless there is exactly one.
pub fn only<'a>(nodes: &'a [Node], name: &str) -> &'a Element {
    let all = find_all(nodes, name);
    assert_eq!(all.len(), 1, "expected one <{name}> in {nodes:#?}");
    all[0]
}

/// Names of the element children, in order.
pub fn child_names(e: &Element) -> Vec<&str> {
    e.child_elements().map(|c| c.name.as_str()).collect()
}

/// Names of the top-level elements, in order.
pub fn top_names(nodes: &[Node]) -> Vec<&str> {
    nodes
        .iter()
        .filter_map(|n| match n {
            Node::Element(e) => Some(e.name.as_str()),
            _ => None,
        })
        .collect()
}

/// The value of the macro parameter `name`.
pub fn param(macro_el: &Element, name: &str) -> Option<String> {
    macro_el
        .child_elements()
        .find(|c| c.name == "ac:parameter" && c.attr("ac:name") == Some(name))
        .map(Element::text)
}
