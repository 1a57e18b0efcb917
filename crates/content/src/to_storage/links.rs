//! Links and images: the reader's target notation back to `ac:link` / `ac:image` resources,
//! web links to `<a href>`. Destinations with a scheme outside a small allow-list
//! (`javascript:`, `data:`, …) are never made live: the Markdown is kept as text.

use pulldown_cmark::LinkType;

use super::blocks::Writer;
use super::tree::{Node, is_plain, plain_text};
use crate::notation::{
    decode_name, is_simple_space_key, split_anchor, split_posting_day, split_space,
};

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Resource {
    Page {
        space: String,
        title: String,
    },
    Blog {
        space: String,
        day: Option<String>,
        title: String,
    },
    Attachment {
        file: String,
        owner: Option<Box<Resource>>,
    },
    Space(String),
    Content(String),
}

impl Resource {
    /// The text the reader shows for a link without its own body.
    fn default_text(&self) -> &str {
        match self {
            Resource::Page { title, .. } | Resource::Blog { title, .. } => title,
            Resource::Attachment { file, .. } => file,
            Resource::Space(key) => key,
            Resource::Content(id) => id,
        }
    }
}

/// A parsed `page:`/`blog:`/`attachment:`/`space:`/`content:` target or a bare `#anchor`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Target {
    pub(super) resource: Option<Resource>,
    pub(super) anchor: Option<String>,
}

pub(super) fn parse_target(dest: &str) -> Option<Target> {
    if let Some(anchor) = dest.strip_prefix('#') {
        return Some(Target {
            resource: None,
            anchor: Some(anchor.to_string()).filter(|a| !a.is_empty()),
        });
    }
    let (scheme, rest) = dest.split_once(':')?;
    // Names are encoded (see `crate::notation`), so the first `#` starts the anchor, also
    // for an attachment whose owner page follows its name.
    let (path, anchor) = split_anchor(rest);
    if scheme == "attachment" {
        let (file, owner) = match path.rsplit_once("?on=") {
            Some((file, owner)) => (file, parse_target(owner).and_then(|t| t.resource)),
            None => (path, None),
        };
        let owner = owner.filter(|o| matches!(o, Resource::Page { .. } | Resource::Blog { .. }));
        return Some(Target {
            resource: Some(Resource::Attachment {
                file: decode_name(file),
                owner: owner.map(Box::new),
            }),
            anchor: anchor.map(str::to_string),
        });
    }
    let resource = match scheme {
        "page" => {
            let (space, title) = split_space(path);
            Resource::Page {
                space: space.to_string(),
                title: decode_name(title),
            }
        }
        "blog" => {
            let (space, path) = split_space(path);
            let (day, title) = split_posting_day(path);
            Resource::Blog {
                space: space.to_string(),
                day: day.map(str::to_string),
                title: decode_name(title),
            }
        }
        "space" => Resource::Space(path.to_string()),
        "content" => Resource::Content(path.to_string()),
        _ => return None,
    };
    Some(Target {
        resource: Some(resource),
        anchor: anchor.map(str::to_string),
    })
}

/// `[[SPACE:Title#anchor]]` or `[[Title#anchor]]`.
pub(super) fn parse_wiki(dest: &str) -> Target {
    let (path, anchor) = split_anchor(dest);
    let (space, title) = match path.split_once(':') {
        Some((space, title))
            if is_simple_space_key(space) && !title.starts_with(char::is_whitespace) =>
        {
            (space, title)
        }
        _ => ("", path),
    };
    Target {
        resource: Some(Resource::Page {
            space: space.to_string(),
            title: decode_name(title),
        }),
        anchor: anchor.map(str::to_string),
    }
}

/// Schemes that are safe as live links; scheme-less (relative) URLs are allowed too.
const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "ftp", "ftps", "sftp", "tel"];

/// Judged the way browsers read URLs: tabs and newlines anywhere, and leading or trailing
/// controls and spaces, are ignored before the scheme is looked at.
pub(super) fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if cleaned[i..].starts_with(':') => {
            let scheme = cleaned[..i].to_ascii_lowercase();
            let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            // Not a valid scheme: browsers read it as a relative path.
            !valid || SAFE_SCHEMES.contains(&scheme.as_str())
        }
        _ => true,
    }
}

impl Writer<'_, '_> {
    pub(super) fn link(&mut self, link_type: LinkType, dest: &str, children: &[Node<'_>]) {
        let (target, body) = match link_type {
            LinkType::WikiLink { has_pothole } => (Some(parse_wiki(dest)), has_pothole),
            LinkType::Email => {
                let href = format!("mailto:{dest}");
                return self.web_link(&href, children);
            }
            _ => (parse_target(dest), true),
        };
        match target {
            Some(target) => self.ac_link(&target, body.then_some(children)),
            None if is_safe_url(dest) => self.web_link(dest, children),
            None => {
                let text = format!("[{}]({dest})", plain_text(children));
                self.out.text(&text);
            }
        }
    }

    fn web_link(&mut self, href: &str, children: &[Node<'_>]) {
        self.out.open("a", &[("href", href)]);
        self.link_body(children);
        self.out.close("a");
    }

    fn link_body(&mut self, children: &[Node<'_>]) {
        let outer = std::mem::replace(&mut self.in_link, true);
        self.inlines(children);
        self.in_link = outer;
    }

    fn ac_link(&mut self, target: &Target, body: Option<&[Node<'_>]>) {
        let attrs: Vec<(&str, &str)> = target
            .anchor
            .as_deref()
            .map(|a| ("ac:anchor", a))
            .into_iter()
            .collect();
        self.out.open("ac:link", &attrs);
        if let Some(resource) = &target.resource {
            self.resource(resource);
        }
        let default = target.resource.as_ref().map(Resource::default_text);
        match body {
            Some(nodes) if !nodes.is_empty() && is_plain(nodes) => {
                let text = plain_text(nodes);
                if Some(text.as_str()) != default {
                    self.out.open("ac:plain-text-link-body", &[]);
                    self.out.cdata(&text);
                    self.out.close("ac:plain-text-link-body");
                }
            }
            Some(nodes) if !nodes.is_empty() => {
                self.out.open("ac:link-body", &[]);
                self.link_body(nodes);
                self.out.close("ac:link-body");
            }
            _ => {}
        }
        self.out.close("ac:link");
    }

    fn resource(&mut self, resource: &Resource) {
        let with_space = |space: &'_ str| -> Vec<(&'static str, String)> {
            if space.is_empty() {
                vec![]
            } else {
                vec![("ri:space-key", space.to_string())]
            }
        };
        let (name, attrs) = match resource {
            Resource::Page { space, title } => {
                let mut attrs = with_space(space);
                attrs.push(("ri:content-title", title.clone()));
                ("ri:page", attrs)
            }
            Resource::Blog { space, day, title } => {
                let mut attrs = with_space(space);
                attrs.push(("ri:content-title", title.clone()));
                if let Some(day) = day {
                    attrs.push(("ri:posting-day", day.clone()));
                }
                ("ri:blog-post", attrs)
            }
            Resource::Attachment { file, owner } => {
                let attrs = [("ri:filename", file.as_str())];
                match owner {
                    Some(owner) => {
                        self.out.open("ri:attachment", &attrs);
                        self.resource(owner);
                        self.out.close("ri:attachment");
                    }
                    None => self.out.empty("ri:attachment", &attrs),
                }
                return;
            }
            Resource::Space(key) => ("ri:space", vec![("ri:space-key", key.clone())]),
            Resource::Content(id) => ("ri:content-entity", vec![("ri:content-id", id.clone())]),
        };
        let attrs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.out.empty(name, &attrs);
    }

    /// `![alt](url)` → `ri:url`, `![alt](attachment:file)` → `ri:attachment`.
    pub(super) fn image(&mut self, dest: &str, title: &str, children: &[Node<'_>]) {
        let alt = plain_text(children);
        let attachment = parse_target(dest)
            .and_then(|t| t.resource)
            .filter(|r| matches!(r, Resource::Attachment { .. }));
        if attachment.is_none() && (dest.is_empty() || !is_safe_url(dest)) {
            self.out.text(&format!("![{alt}]({dest})"));
            return;
        }
        let mut attrs = Vec::new();
        if !alt.is_empty() {
            attrs.push(("ac:alt", alt.as_str()));
        }
        if !title.is_empty() {
            attrs.push(("ac:title", title));
        }
        self.out.open("ac:image", &attrs);
        match &attachment {
            Some(resource) => self.resource(resource),
            None => self.out.empty("ri:url", &[("ri:value", dest)]),
        }
        self.out.close("ac:image");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_schemes_are_live() {
        for ok in [
            "https://x",
            "http://x",
            "mailto:a@b",
            "/wiki/x",
            "rel/x",
            "#a",
            "a b:c",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JaVa\tScRiPt:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }

    #[test]
    fn targets_parse_back() {
        let t = parse_target("attachment:d.png?on=page:DOCS/Arch").unwrap();
        assert_eq!(
            t.resource,
            Some(Resource::Attachment {
                file: "d.png".into(),
                owner: Some(Box::new(Resource::Page {
                    space: "DOCS".into(),
                    title: "Arch".into()
                }))
            })
        );
        let t = parse_target("blog:/2026/01/05/CI/CD#top").unwrap();
        assert_eq!(
            t.resource,
            Some(Resource::Blog {
                space: String::new(),
                day: Some("2026/01/05".into()),
                title: "CI/CD".into()
            })
        );
        assert_eq!(t.anchor.as_deref(), Some("top"));
        assert_eq!(parse_target("https://x"), None);
        let w = parse_wiki("ENG:C%23 guide#x");
        assert_eq!(
            w.resource,
            Some(Resource::Page {
                space: "ENG".into(),
                title: "C# guide".into()
            })
        );
        let w = parse_wiki("Runbook: prod");
        assert_eq!(
            w.resource,
            Some(Resource::Page {
                space: String::new(),
                title: "Runbook: prod".into()
            })
        );
    }
}
