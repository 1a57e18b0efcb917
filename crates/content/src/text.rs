//! Plain text of everything a page holds, for DLP scanning.

use crate::Options;
use crate::dom::{Node, parse};

// Bookkeeping attributes that carry no page content.
const SKIP_ATTRS: &[&str] = &[
    "ac:schema-version",
    "ac:macro-id",
    "ac:local-id",
    "local-id",
];

/// Text, CDATA, macro names and parameters, link targets and other attribute values.
///
/// Never fails: input that does not parse (malformed, too deep, too large for the default
/// limits) is returned unchanged, so a scanner always sees at least the raw bytes.
pub fn plain_text(storage: &str) -> String {
    let Ok(nodes) = parse(storage, &Options::default()) else {
        return storage.to_string();
    };
    let mut out = String::new();
    walk(&nodes, &mut out);
    out.trim().to_string()
}

fn walk(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::CData(t) => {
                out.push('\n');
                out.push_str(t);
                out.push('\n');
            }
            Node::Element(e) => {
                for (k, v) in &e.attrs {
                    if !SKIP_ATTRS.contains(&k.as_str()) && !v.is_empty() {
                        out.push(' ');
                        out.push_str(v);
                        out.push(' ');
                    }
                }
                walk(&e.children, out);
                if matches!(
                    e.name.as_str(),
                    "p" | "li"
                        | "tr"
                        | "td"
                        | "th"
                        | "br"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "ac:parameter"
                        | "div"
                        | "pre"
                ) {
                    out.push('\n');
                }
            }
        }
    }
}
