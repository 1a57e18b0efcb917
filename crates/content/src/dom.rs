//! A minimal owned tree of a storage fragment, built with size and depth limits.

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::{ContentError, Options, entities};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
    /// CDATA bodies are kept apart from text: they are verbatim code/plain-text bodies.
    CData(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Element {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn child_elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    pub fn first_child(&self, name: &str) -> Option<&Element> {
        self.child_elements().find(|e| e.name == name)
    }

    /// All text and CDATA below this element, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        collect_text(&self.children, &mut out);
        out
    }
}

fn collect_text(nodes: &[Node], out: &mut String) {
    for n in nodes {
        match n {
            Node::Text(t) | Node::CData(t) => out.push_str(t),
            Node::Element(e) => collect_text(&e.children, out),
        }
    }
}

// Fragments are not single-rooted and use undeclared prefixes; a wrapper fixes both.
const OPEN: &str = "<cs-root xmlns:ac=\"http://atlassian.com/content\" \
    xmlns:ri=\"http://atlassian.com/resource/identifier\" xmlns:at=\"http://atlassian.com/template\">";
const CLOSE: &str = "</cs-root>";

/// Parses a storage fragment into its top-level nodes.
pub fn parse(storage: &str, opts: &Options) -> Result<Vec<Node>, ContentError> {
    if storage.len() > opts.max_input_bytes {
        return Err(ContentError::TooLarge {
            size: storage.len(),
            limit: opts.max_input_bytes,
        });
    }
    let storage = crate::normalize_newlines(storage);
    let wrapped = format!("{OPEN}{storage}{CLOSE}");
    let offset = OPEN.len() as u64;
    let pos = |p: u64| p.saturating_sub(offset);
    let mut reader = Reader::from_str(&wrapped);
    // A bare `&` (as in "AT&T") is common in hand-edited bodies; keep it as text.
    reader.config_mut().allow_dangling_amp = true;
    let malformed = |p: u64, m: String| ContentError::Malformed {
        position: pos(p),
        message: m,
    };
    // stack[0] is the wrapper; the wrapper's own events are skipped via depth tracking.
    let mut stack: Vec<Element> = Vec::new();
    let mut done: Option<Vec<Node>> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| malformed(reader.error_position(), e.to_string()))?;
        if done.is_some() && !matches!(ev, Event::Eof) {
            let msg = "content after the end of the fragment".to_string();
            return Err(malformed(reader.buffer_position(), msg));
        }
        match ev {
            Event::Start(s) | Event::Empty(s) if stack.len() > opts.max_depth => {
                let _ = s;
                return Err(ContentError::TooDeep {
                    limit: opts.max_depth,
                    position: pos(reader.buffer_position()),
                });
            }
            Event::Start(s) => stack.push(element(&s, &reader)?),
            Event::Empty(s) => {
                let el = element(&s, &reader)?;
                push(&mut stack, Node::Element(el));
            }
            Event::End(_) => {
                if let Some(el) = stack.pop() {
                    if stack.is_empty() {
                        done = Some(el.children);
                    } else {
                        push(&mut stack, Node::Element(el));
                    }
                }
            }
            Event::Text(t) => push_text(&mut stack, &t),
            Event::CData(c) => push(&mut stack, Node::CData(c.into_inner().into_owned())),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match entities::resolve(&r) {
                        Some(s) => s.to_string(),
                        // Unknown entity: keep it literally rather than lose it.
                        None => format!("&{};", &*r),
                    },
                    Err(e) => return Err(malformed(reader.buffer_position(), e.to_string())),
                };
                push_text(&mut stack, &resolved);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    done.ok_or_else(|| malformed(reader.buffer_position(), "unexpected end of input".into()))
}

fn element(
    s: &quick_xml::events::BytesStart,
    reader: &Reader<&[u8]>,
) -> Result<Element, ContentError> {
    let mut attrs = Vec::new();
    for a in s.attributes() {
        let a = a.map_err(|e| ContentError::Malformed {
            position: reader.buffer_position().saturating_sub(OPEN.len() as u64),
            message: e.to_string(),
        })?;
        let value = a
            .normalized_value_with(XmlVersion::Implicit1_0, 4, entities::resolve)
            .map(|v| v.into_owned())
            // Undecodable attribute: keep the raw text (best effort, nothing dropped).
            .unwrap_or_else(|_| a.value.to_string());
        attrs.push((a.key.0.to_string(), value));
    }
    Ok(Element {
        name: s.name().0.to_string(),
        attrs,
        children: Vec::new(),
    })
}

fn push(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        top.children.push(node);
    }
}

fn push_text(stack: &mut [Element], t: &str) {
    if let Some(top) = stack.last_mut() {
        if let Some(Node::Text(prev)) = top.children.last_mut() {
            prev.push_str(t);
        } else {
            top.children.push(Node::Text(t.to_string()));
        }
    }
}
