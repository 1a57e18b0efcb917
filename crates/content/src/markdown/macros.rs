//! Macros, `ac:link` and `ac:image`: every target and parameter is kept in the output.

use super::escape::{escape_text, link_dest};
use super::{Renderer, quote};
use crate::dom::{Element, Node};

const INLINE: &[&str] = &["status", "jira", "anchor"];

fn name(e: &Element) -> &str {
    e.attr("ac:name").unwrap_or("")
}

pub(crate) fn is_inline(e: &Element) -> bool {
    INLINE.contains(&name(e))
}

/// The target of an `ri:` resource as (destination, default link text).
pub(crate) fn resource_target(r: &Element) -> (String, String) {
    let a = |k: &str| r.attr(k).unwrap_or("").to_string();
    let with_space = |space: String, title: String| {
        if space.is_empty() {
            title
        } else {
            format!("{space}/{title}")
        }
    };
    match r.name.as_str() {
        "ri:page" => {
            let title = a("ri:content-title");
            (
                format!("page:{}", with_space(a("ri:space-key"), title.clone())),
                title,
            )
        }
        "ri:blog-post" => {
            let title = a("ri:content-title");
            let day = a("ri:posting-day");
            let path = if day.is_empty() {
                title.clone()
            } else {
                format!("{day}/{title}")
            };
            (
                format!("blog:{}", with_space(a("ri:space-key"), path)),
                title,
            )
        }
        "ri:attachment" => {
            let file = a("ri:filename");
            let owner = r
                .first_child("ri:page")
                .or_else(|| r.first_child("ri:blog-post"));
            let dest = match owner {
                Some(p) => {
                    let (owner_dest, _) = resource_target(p);
                    format!("attachment:{file}?on={owner_dest}")
                }
                None => format!("attachment:{file}"),
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
            escape_text(&p.text())
        } else if let Some(b) = e.first_child("ac:link-body") {
            self.inlines(&b.children).trim().to_string()
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
        if let Some(a) = anchor {
            dest.push('#');
            dest.push_str(a);
        }
        let default_body = body.is_empty() || body == escape_text(&default_text);
        // A page link showing its own title would repeat the title; the wiki form says it once.
        if res.name == "ri:page" && default_body && !default_text.contains([']', '\n']) {
            let wiki = dest
                .strip_prefix("page:")
                .unwrap_or(&dest)
                .replacen('/', ":", 1);
            let wiki = if res.attr("ri:space-key").is_some_and(|k| !k.is_empty()) {
                wiki
            } else {
                dest.strip_prefix("page:").unwrap_or(&dest).to_string()
            };
            return format!("[[{wiki}]]");
        }
        let text = if body.is_empty() {
            escape_text(&default_text)
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
        let mut out = format!("![{}]({})", escape_text(alt), link_dest(&dest));
        if let Some(c) = e.first_child("ac:caption") {
            out.push(' ');
            out.push_str(self.inlines(&c.children).trim());
        }
        out
    }

    /// Parameters in document order; values holding links render as links.
    fn params(&self, e: &Element) -> Vec<(String, String)> {
        e.child_elements()
            .filter(|c| c.name == "ac:parameter")
            .map(|p| {
                let key = p.attr("ac:name").unwrap_or("").to_string();
                let has_el = p.children.iter().any(|n| matches!(n, Node::Element(_)));
                let val = if has_el {
                    self.inlines(&p.children)
                } else {
                    p.text()
                };
                (key, val.trim().to_string())
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
                let mut info = get("language").unwrap_or("").to_string();
                if let Some(t) = title {
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
                let joined = if rich.starts_with(|c: char| c.is_alphanumeric()) {
                    format!("{label} {rich}")
                } else if rich.is_empty() {
                    label
                } else {
                    format!("{label}\n{rich}")
                };
                quote(&joined)
            }
            "expand" => {
                let head = format!("**▸ {}**", title.unwrap_or("Details"));
                if rich.is_empty() {
                    head
                } else {
                    format!("{head}\n\n{rich}")
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
