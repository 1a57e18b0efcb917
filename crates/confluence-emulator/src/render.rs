//! Body representations other than storage: `view` (HTML as Confluence renders it, macros
//! expanded into plain HTML) and `atlas_doc_format` (ADF JSON). Approximations of what
//! Confluence produces, close enough that clients asking for them get a body they can use.

mod adf;
pub mod xhtml;

use xhtml::{Element, Node};

/// Storage XHTML to rendered-view HTML (macros to their visible HTML).
pub fn storage_to_view(storage: &str) -> String {
    let nodes = xhtml::parse(storage);
    let mut headings = Vec::new();
    collect_headings(&nodes, &mut headings);
    let mut out = String::with_capacity(storage.len() + storage.len() / 4);
    View {
        headings: &headings,
        out: &mut out,
    }
    .nodes(&nodes);
    out
}

/// Storage XHTML to an ADF document (serialized JSON string, as the v2 API returns it).
pub fn storage_to_adf(storage: &str) -> String {
    adf::document(&xhtml::parse(storage)).to_string()
}

/// Escapes text for HTML element content.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for a double-quoted HTML attribute value.
pub fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}

/// The value of a macro's `<ac:parameter ac:name="...">`.
pub(crate) fn macro_param(e: &Element, name: &str) -> Option<String> {
    e.children_named("ac:parameter")
        .find(|p| p.attr("ac:name") == Some(name))
        .map(Element::text)
}

fn collect_headings(nodes: &[Node], out: &mut Vec<(u8, String)>) {
    for node in nodes {
        if let Node::Element(e) = node {
            if let Some(level) = heading_level(&e.name) {
                out.push((level, e.text()));
            } else {
                collect_headings(&e.children, out);
            }
        }
    }
}

pub(crate) fn heading_level(name: &str) -> Option<u8> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn void(name: &str) -> bool {
    matches!(name, "br" | "hr" | "img" | "col" | "input" | "wbr")
}

struct View<'a> {
    headings: &'a [(u8, String)],
    out: &'a mut String,
}

impl View<'_> {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            match node {
                Node::Text(t) => self.out.push_str(&escape_text(t)),
                Node::Element(e) => self.element(e),
            }
        }
    }

    fn element(&mut self, e: &Element) {
        match e.name.as_str() {
            "ac:structured-macro" | "ac:macro" => self.macro_view(e),
            "ac:link" => self.link(e),
            "ac:image" => self.image(e),
            "ac:emoticon" => {
                let name = e.attr("ac:name").unwrap_or("smile");
                let text = e.attr("ac:emoji-fallback").unwrap_or(name);
                self.push(&format!(
                    "<span class=\"emoticon emoticon-{}\">{}</span>",
                    escape_attr(name),
                    escape_text(text)
                ));
            }
            "ac:task-list" => self.wrap("<ul class=\"inline-task-list\">", e, "</ul>"),
            "ac:task" => {
                let done =
                    e.child("ac:task-status").map(Element::text).as_deref() == Some("complete");
                self.push(if done {
                    "<li class=\"checked\">"
                } else {
                    "<li>"
                });
                if let Some(body) = e.child("ac:task-body") {
                    self.nodes(&body.children);
                }
                self.push("</li>");
            }
            "ac:inline-comment-marker" => {
                let reference = e.attr("ac:ref").unwrap_or("");
                self.push(&format!(
                    "<span class=\"inline-comment-marker\" data-ref=\"{}\">",
                    escape_attr(reference)
                ));
                self.nodes(&e.children);
                self.push("</span>");
            }
            "ac:layout" => self.wrap("<div class=\"contentLayout2\">", e, "</div>"),
            "ac:layout-section" => self.wrap("<div class=\"columnLayout\">", e, "</div>"),
            "ac:layout-cell" => self.wrap(
                "<div class=\"cell normal\"><div class=\"innerCell\">",
                e,
                "</div></div>",
            ),
            "ri:user" => self.user(e, None),
            "ac:placeholder" | "ac:parameter" | "ac:task-id" | "ac:task-status" => {}
            name if name.contains(':') => self.nodes(&e.children),
            name => {
                self.out.push('<');
                self.out.push_str(name);
                for (k, v) in &e.attrs {
                    self.push(&format!(" {}=\"{}\"", k, escape_attr(v)));
                }
                if void(name) {
                    self.push(" />");
                } else {
                    self.out.push('>');
                    self.nodes(&e.children);
                    self.push(&format!("</{name}>"));
                }
            }
        }
    }

    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn wrap(&mut self, open: &str, e: &Element, close: &str) {
        self.push(open);
        self.nodes(&e.children);
        self.push(close);
    }

    fn rich_body(&mut self, e: &Element) {
        if let Some(body) = e.child("ac:rich-text-body") {
            self.nodes(&body.children);
        } else if let Some(body) = e.child("ac:plain-text-body") {
            self.push(&format!("<pre>{}</pre>", escape_text(&body.text())));
        }
    }

    fn macro_view(&mut self, e: &Element) {
        let name = e.attr("ac:name").unwrap_or("").to_ascii_lowercase();
        let title = macro_param(e, "title");
        match name.as_str() {
            "code" | "noformat" => {
                let language = macro_param(e, "language").unwrap_or_else(|| "text".into());
                let code = e
                    .child("ac:plain-text-body")
                    .map(Element::text)
                    .unwrap_or_default();
                self.push(&format!(
                    "<div class=\"code panel pdl conf-macro output-block\" data-macro-name=\"{name}\"><div class=\"codeContent panelContent pdl\"><pre class=\"syntaxhighlighter-pre\" data-syntaxhighlighter-params=\"brush: {}; gutter: false; theme: Confluence\">{}</pre></div></div>",
                    escape_attr(&language),
                    escape_text(&code)
                ));
            }
            "info" | "note" | "warning" | "tip" => {
                let class = if name == "info" {
                    "information"
                } else {
                    name.as_str()
                };
                self.push(&format!(
                    "<div class=\"confluence-information-macro confluence-information-macro-{class} conf-macro output-block\" data-macro-name=\"{name}\">"
                ));
                if let Some(t) = &title {
                    self.push(&format!("<p class=\"title\">{}</p>", escape_text(t)));
                }
                self.push("<div class=\"confluence-information-macro-body\">");
                self.rich_body(e);
                self.push("</div></div>");
            }
            "panel" => {
                self.push(
                    "<div class=\"panel conf-macro output-block\" data-macro-name=\"panel\">",
                );
                if let Some(t) = &title {
                    self.push(&format!(
                        "<div class=\"panelHeader\"><b>{}</b></div>",
                        escape_text(t)
                    ));
                }
                self.push("<div class=\"panelContent\">");
                self.rich_body(e);
                self.push("</div></div>");
            }
            "expand" => {
                let t = title.unwrap_or_else(|| "Click here to expand...".into());
                self.push(&format!(
                    "<div class=\"expand-container conf-macro output-block\" data-macro-name=\"expand\"><div class=\"expand-control\"><span class=\"expand-control-text\">{}</span></div><div class=\"expand-content\">",
                    escape_text(&t)
                ));
                self.rich_body(e);
                self.push("</div></div>");
            }
            "status" => {
                let lozenge = match macro_param(e, "colour").unwrap_or_default().as_str() {
                    "Green" => "success",
                    "Red" => "error",
                    "Yellow" => "current",
                    "Blue" => "complete",
                    _ => "default",
                };
                self.push(&format!(
                    "<span class=\"status-macro aui-lozenge aui-lozenge-{lozenge} conf-macro output-inline\" data-macro-name=\"status\">{}</span>",
                    escape_text(&title.unwrap_or_default().to_uppercase())
                ));
            }
            "toc" => {
                self.push(
                    "<div class=\"toc-macro conf-macro output-block\" data-macro-name=\"toc\"><ul>",
                );
                for (level, text) in self.headings {
                    self.push(&format!(
                        "<li class=\"toc-level-{level}\"><a href=\"#{}\">{}</a></li>",
                        escape_attr(&text.replace(' ', "")),
                        escape_text(text)
                    ));
                }
                self.push("</ul></div>");
            }
            "jira" => {
                let key = macro_param(e, "key").unwrap_or_default();
                self.push(&format!(
                    "<span class=\"confluence-jim-macro jira-issue conf-macro output-inline\" data-jira-key=\"{}\" data-macro-name=\"jira\">{}</span>",
                    escape_attr(&key),
                    escape_text(&key)
                ));
            }
            "anchor" => {
                let anchor = macro_param(e, "").unwrap_or_default();
                self.push(&format!(
                    "<span class=\"confluence-anchor-link\" id=\"{}\"></span>",
                    escape_attr(&anchor)
                ));
            }
            _ => {
                self.push(&format!(
                    "<div class=\"conf-macro output-block\" data-macro-name=\"{}\">",
                    escape_attr(&name)
                ));
                self.rich_body(e);
                self.push("</div>");
            }
        }
    }

    fn link(&mut self, e: &Element) {
        let anchor = e
            .attr("ac:anchor")
            .map(|a| format!("#{a}"))
            .unwrap_or_default();
        if let Some(user) = e.child("ri:user") {
            return self.user(user, Some(e));
        }
        let (href, default_text) =
            if let Some(page) = e.child("ri:page").or_else(|| e.child("ri:blog-post")) {
                let title = page.attr("ri:content-title").unwrap_or("");
                let slug: String = url::form_urlencoded::byte_serialize(title.as_bytes()).collect();
                let href = match page.attr("ri:space-key") {
                    Some(key) => format!("/wiki/display/{key}/{slug}"),
                    None => format!("/wiki/display/{slug}"),
                };
                (href, title.to_owned())
            } else if let Some(att) = e.child("ri:attachment") {
                let name = att.attr("ri:filename").unwrap_or("");
                (
                    format!("/wiki/download/attachments/{name}"),
                    name.to_owned(),
                )
            } else if let Some(url) = e.child("ri:url") {
                let value = url.attr("ri:value").unwrap_or("");
                (value.to_owned(), value.to_owned())
            } else {
                (String::new(), String::new())
            };
        self.push(&format!(
            "<a href=\"{}{}\">",
            escape_attr(&href),
            escape_attr(&anchor)
        ));
        if let Some(body) = e.child("ac:link-body") {
            self.nodes(&body.children);
        } else if let Some(body) = e.child("ac:plain-text-link-body") {
            self.push(&escape_text(&body.text()));
        } else {
            self.push(&escape_text(&default_text));
        }
        self.push("</a>");
    }

    fn user(&mut self, user: &Element, link: Option<&Element>) {
        let account = user
            .attr("ri:account-id")
            .or_else(|| user.attr("ri:userkey"))
            .unwrap_or("");
        let text = link
            .and_then(|l| {
                l.child("ac:plain-text-link-body")
                    .or_else(|| l.child("ac:link-body"))
            })
            .map(Element::text)
            .unwrap_or_else(|| format!("@{account}"));
        self.push(&format!(
            "<a class=\"confluence-userlink user-mention\" data-account-id=\"{}\" href=\"/wiki/people/{}\">{}</a>",
            escape_attr(account),
            escape_attr(account),
            escape_text(&text)
        ));
    }

    fn image(&mut self, e: &Element) {
        let src = if let Some(att) = e.child("ri:attachment") {
            format!(
                "/wiki/download/attachments/{}",
                att.attr("ri:filename").unwrap_or("")
            )
        } else {
            e.child("ri:url")
                .and_then(|u| u.attr("ri:value"))
                .unwrap_or("")
                .to_owned()
        };
        let mut tag = format!(
            "<img class=\"confluence-embedded-image\" src=\"{}\"",
            escape_attr(&src)
        );
        for (attr, html) in [
            ("ac:alt", "alt"),
            ("ac:width", "width"),
            ("ac:height", "height"),
            ("ac:title", "title"),
        ] {
            if let Some(v) = e.attr(attr) {
                tag.push_str(&format!(" {html}=\"{}\"", escape_attr(v)));
            }
        }
        tag.push_str(" />");
        self.push(&tag);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_expands_macros_to_plain_html() {
        let html = storage_to_view(
            r#"<h2>Intro</h2><ac:structured-macro ac:name="toc"/><ac:structured-macro ac:name="info"><ac:rich-text-body><p>Careful &amp; calm</p></ac:rich-text-body></ac:structured-macro><ac:structured-macro ac:name="code"><ac:parameter ac:name="language">rust</ac:parameter><ac:plain-text-body><![CDATA[if a < b {}]]></ac:plain-text-body></ac:structured-macro><p><ac:link><ri:page ri:space-key="ENG" ri:content-title="Run book"/></ac:link></p>"#,
        );
        assert!(!html.contains("ac:"), "{html}");
        assert!(html.contains("<p>Careful &amp; calm</p>"));
        assert!(html.contains("if a &lt; b {}"));
        assert!(html.contains("brush: rust"));
        assert!(html.contains("href=\"/wiki/display/ENG/Run+book\">Run book</a>"));
        assert!(html.contains("toc-level-2"));
    }

    #[test]
    fn random_fragments_never_panic() {
        const PIECES: &[&str] = &[
            "<p>",
            "</p>",
            "<ul><li>",
            "</li>",
            "</ul>",
            "<table><tr><td>",
            "</td></tr></table>",
            "<ac:structured-macro ac:name=\"code\">",
            "<ac:structured-macro ac:name=\"info\">",
            "<ac:rich-text-body>",
            "</ac:rich-text-body>",
            "</ac:structured-macro>",
            "<ac:plain-text-body><![CDATA[",
            "]]>",
            "<ac:link><ri:page ri:content-title=\"T\"/>",
            "</ac:link>",
            "<br>",
            "<b>",
            "</i>",
            "&amp;",
            "&#x1F600;",
            "&#xFFFFFFFF;",
            "é",
            "<",
            ">",
            "\"",
            "'",
            "<!--",
            "-->",
            "<h2>",
            "</h2>",
            "<a href='x",
            " text ",
            "\n",
            "<ac:task-list><ac:task><ac:task-body>",
            "</ac:task-body></ac:task></ac:task-list>",
        ];
        let mut rng = crate::rng::SplitMix64::new(7);
        for _ in 0..2_000 {
            let mut input = String::new();
            for _ in 0..rng.next_below(40) {
                input.push_str(rng.pick(PIECES).copied().unwrap_or(""));
            }
            let _ = storage_to_view(&input);
            let adf: serde_json::Value = serde_json::from_str(&storage_to_adf(&input)).unwrap();
            assert_eq!(adf["type"], "doc", "{input}");
        }
    }

    #[test]
    fn adf_is_a_json_doc() {
        let adf: serde_json::Value =
            serde_json::from_str(&storage_to_adf("<p>Hi <strong>there</strong></p>")).unwrap();
        assert_eq!(adf["type"], "doc");
        assert_eq!(adf["version"], 1);
        assert_eq!(adf["content"][0]["type"], "paragraph");
        assert_eq!(
            adf["content"][0]["content"][1]["marks"][0]["type"],
            "strong"
        );
    }
}
