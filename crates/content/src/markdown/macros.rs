//! Macros, `ac:link` and `ac:image`: every target and parameter is kept in the output.

use super::escape::{escape_bracketed, escape_text, link_dest};
use super::{Renderer, quote};
use crate::dom::{Element, Node};
use crate::notation::{encode_name, is_simple_space_key, join_space};

const INLINE: &[&str] = &["status", "jira", "anchor"];

fn name(e: &Element) -> &str {
    e.attr("ac:name").unwrap_or("")
}

pub(crate) fn is_inline(e: &Element) -> bool {
    INLINE.contains(&name(e))
}

/// The target of an `ri:` resource as (destination, default link text); the notation is
/// described in [`crate::notation`].
pub(crate) fn resource_target(r: &Element) -> (String, String) {
    let a = |k: &str| r.attr(k).unwrap_or("").to_string();
    match r.name.as_str() {
        "ri:page" => {
            let title = a("ri:content-title");
            let path = encode_name(&title);
            (
                format!("page:{}", join_space(&a("ri:space-key"), &path)),
                title,
            )
        }
        "ri:blog-post" => {
            let title = a("ri:content-title");
            let day = a("ri:posting-day");
            let path = if day.is_empty() {
                encode_name(&title)
            } else {
                format!("{day}/{}", encode_name(&title))
            };
            (
                format!("blog:{}", join_space(&a("ri:space-key"), &path)),
                title,
            )
        }
        "ri:attachment" => {
            let file = a("ri:filename");
            let owner = r
                .first_child("ri:page")
                .or_else(|| r.first_child("ri:blog-post"));
            let name = encode_name(&file);
            let dest = match owner {
                Some(p) => {
                    let (owner_dest, _) = resource_target(p);
                    format!("attachment:{name}?on={owner_dest}")
                }
                None => format!("attachment:{name}"),
            };
            (dest, file)
        }
        "ri:url" => (a("ri:value"), a("ri:value")),
        "ri:space" => (format!("space:{}", a("ri:space-key")), a("ri:space-key")),
        "ri:content-entity" => (
            format!("content:{}", a("ri:content-id")),
            a("ri:content-id"),
        ),
        _ => {
            let v = r.attrs.first().map(|(_, v)| v.clone()).unwrap_or_default();
            (format!("{}:{v}", r.name.trim_start_matches("ri:")), v)
        }
    }
}

impl Renderer<'_, '_> {
    pub(crate) fn link(&self, e: &Element) -> String {
        let body = if let Some(p) = e.first_child("ac:plain-text-link-body") {
            escape_bracketed(&p.text())
        } else if let Some(b) = e.first_child("ac:link-body") {
            self.link_text(&b.children).trim().to_string()
        } else {
            String::new()
        };
        let anchor = e.attr("ac:anchor").filter(|a| !a.is_empty());
        let Some(res) = e.child_elements().find(|c| c.name.starts_with("ri:")) else {
            let dest = anchor.map(|a| format!("#{a}")).unwrap_or_default();
            return if body.is_empty() {
                dest
            } else {
                format!("[{body}]({})", link_dest(&dest))
            };
        };
        if res.name == "ri:user" {
            let id = ["ri:account-id", "ri:userkey", "ri:username"]
                .iter()
                .find_map(|k| res.attr(k))
                .unwrap_or("unknown");
            let shown = self.opts.users.and_then(|u| u.display_name(id));
            let mention = format!("@{}", escape_text(shown.as_deref().unwrap_or(id)));
            return if body.is_empty() || body == mention {
                mention
            } else {
                format!("{mention} ({body})")
            };
        }
        let (mut dest, default_text) = resource_target(res);
        let default_body = body.is_empty() || body == escape_bracketed(&default_text);
        // A page link showing its own title would repeat the title; the wiki form says it once.
        if res.name == "ri:page" && default_body {
            let space = res.attr("ri:space-key").unwrap_or("");
            if let Some(wiki) = wiki_link(space, &default_text, anchor) {
                return wiki;
            }
        }
        if let Some(a) = anchor {
            dest.push('#');
            dest.push_str(a);
        }
        let text = if body.is_empty() {
            escape_bracketed(&default_text)
        } else {
            body
        };
        format!("[{text}]({})", link_dest(&dest))
    }

    pub(crate) fn image(&self, e: &Element) -> String {
        let alt = e
            .attr("ac:alt")
            .or_else(|| e.attr("ac:title"))
            .unwrap_or("");
        let dest = e
            .child_elements()
            .find(|c| c.name.starts_with("ri:"))
            .map(|r| resource_target(r).0)
            .unwrap_or_default();
        let mut out = format!("![{}]({})", escape_bracketed(alt), link_dest(&dest));
        if let Some(c) = e.first_child("ac:caption") {
            out.push(' ');
            out.push_str(self.inlines(&c.children).trim());
        }
        out
    }

    /// Parameters in document order, as Markdown: text is escaped (`]` too, as values sit in
    /// bracketed notations), links render as links.
    fn params(&self, e: &Element) -> Vec<(String, String)> {
        e.child_elements()
            .filter(|c| c.name == "ac:parameter")
            .map(|p| {
                let key = p.attr("ac:name").unwrap_or("").to_string();
                let has_el = p.children.iter().any(|n| matches!(n, Node::Element(_)));
                let val = if has_el {
                    self.inlines(&p.children).trim().to_string()
                } else {
                    escape_bracketed(p.text().trim())
                };
                (key, val)
            })
            .collect()
    }

    pub(crate) fn macro_inline(&self, e: &Element) -> String {
        let params = self.params(e);
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        match name(e) {
            "status" => format!("[STATUS: {}]", get("title").unwrap_or("")),
            "jira" => match get("key") {
                Some(k) => k.to_string(),
                None => placeholder("jira", &params),
            },
            "anchor" => format!("[anchor: {}]", get("").unwrap_or("")),
            _ => placeholder(name(e), &params),
        }
    }

    pub(crate) fn macro_block(&self, e: &Element) -> String {
        let params = self.params(e);
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let plain = e.first_child("ac:plain-text-body").map(Element::text);
        let rich = e
            .first_child("ac:rich-text-body")
            .map(|b| self.blocks(&b.children, "\n\n"))
            .unwrap_or_default();
        let title = get("title").filter(|t| !t.is_empty());
        match name(e) {
            "code" => {
                // The info string is not Markdown text: it takes the raw values.
                let mut info = raw_param(e, "language").unwrap_or_default();
                if let Some(t) = raw_param(e, "title").filter(|t| !t.is_empty()) {
                    info.push_str(&format!(" title=\"{t}\""));
                }
                self.code_block(&info, plain.as_deref().unwrap_or(""))
            }
            "noformat" => self.code_block("", plain.as_deref().unwrap_or("")),
            kind @ ("info" | "note" | "warning" | "tip" | "panel") => {
                let label = match (kind, title) {
                    ("panel", Some(t)) => format!("**{t}:**"),
                    (_, Some(t)) => format!("**{}: {t}**", cap(kind)),
                    _ => format!("**{}:**", cap(kind)),
                };
                // Text continues on the label's line; other blocks start after a blank line.
                let joined = if starts_with_words(&rich) {
                    format!("{label} {rich}")
                } else if rich.is_empty() {
                    label
                } else {
                    format!("{label}\n\n{rich}")
                };
                quote(&joined)
            }
            "expand" => {
                let head = format!("**▸ {}**", title.unwrap_or("Details"));
                if rich.is_empty() {
                    quote(&head)
                } else {
                    quote(&format!("{head}\n\n{rich}"))
                }
            }
            "toc" => "[TOC]".to_string(),
            "children" => "[child pages]".to_string(),
            // Containers whose body is ordinary page content.
            "excerpt" | "details" | "section" | "column" | "div" | "center" if !rich.is_empty() => {
                rich
            }
            n if is_inline(e) => {
                let _ = n;
                self.macro_inline(e)
            }
            n => {
                let mut out = placeholder(n, &params);
                if let Some(p) = plain.filter(|p| !p.trim().is_empty()) {
                    out.push('\n');
                    out.push_str(&self.code_block("", &p));
                }
                if !rich.is_empty() {
                    out.push_str("\n\n");
                    out.push_str(&rich);
                }
                out
            }
        }
    }
}

/// `[[SPACE:Title#anchor]]`, when it reads back unambiguously: the title is not empty, has no
/// bracket, pipe, backtick, backslash or line break, no edge whitespace, and the `:` can only be the
/// space key's.
fn wiki_link(space: &str, title: &str, anchor: Option<&str>) -> Option<String> {
    let awkward = |s: &str| s.contains(['[', ']', '|', '`', '\\', '\n']) || s.trim() != s;
    let space_ok = if space.is_empty() {
        !title.contains(':')
    } else {
        is_simple_space_key(space)
    };
    if title.is_empty() || awkward(title) || anchor.is_some_and(awkward) || !space_ok {
        return None;
    }
    let mut wiki = if space.is_empty() {
        encode_name(title)
    } else {
        format!("{space}:{}", encode_name(title))
    };
    if let Some(a) = anchor {
        wiki.push('#');
        wiki.push_str(a);
    }
    Some(format!("[[{wiki}]]"))
}

/// Paragraph text that can follow a label on its line (not a list item like `1. x`).
fn starts_with_words(md: &str) -> bool {
    let digits = md.chars().take_while(char::is_ascii_digit).count();
    let after_digits = &md[digits..];
    let list_item =
        digits > 0 && (after_digits.starts_with(". ") || after_digits.starts_with(") "));
    md.starts_with(char::is_alphanumeric) && !list_item
}

/// A parameter's raw text (not Markdown-escaped).
fn raw_param(e: &Element, key: &str) -> Option<String> {
    e.child_elements()
        .find(|c| c.name == "ac:parameter" && c.attr("ac:name") == Some(key))
        .map(|p| p.text().trim().to_string())
}

fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `[macro NAME: k=v, …]` — an explicit marker so nothing is silently dropped.
fn placeholder(name: &str, params: &[(String, String)]) -> String {
    let name = if name.is_empty() { "unnamed" } else { name };
    if params.is_empty() {
        return format!("[macro {name}]");
    }
    let ps: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            if k.is_empty() {
                v.clone()
            } else {
                format!("{k}={v}")
            }
        })
        .collect();
    format!("[macro {name}: {}]", ps.join(", "))
}
