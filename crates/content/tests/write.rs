//! Markdown → storage, construct by construct. Output is checked by parsing it back into the
//! crate's tree, not by comparing strings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/storage.rs"]
mod storage;

use content::dom::{Element, Node};
use content::{Options, WriteOptions, markdown_to_storage, storage_to_markdown};
use storage::{child_names, find_all, only, param, parse_storage, top_names};

fn write(md: &str) -> Vec<Node> {
    parse_storage(&markdown_to_storage(md, &WriteOptions::default()).unwrap())
}

fn text_of(e: &Element) -> String {
    e.text()
}

#[test]
fn headings_paragraphs_and_emphasis() {
    let doc = write("# Title\n\n### Sub\n\nSome *em*, **strong**, ~~gone~~ and `a_b`.");
    assert_eq!(top_names(&doc), ["h1", "h3", "p"]);
    let p = only(&doc, "p");
    assert_eq!(child_names(p), ["em", "strong", "s", "code"]);
    assert_eq!(text_of(only(&doc, "code")), "a_b");
    assert_eq!(text_of(p), "Some em, strong, gone and a_b.");
}

#[test]
fn nested_lists_keep_their_shape_and_start() {
    let doc = write("- a\n  - b\n    1. c\n- d\n\n7. seven\n8. eight");
    assert_eq!(top_names(&doc), ["ul", "ol"]);
    let items = find_all(&doc, "li");
    assert_eq!(items.len(), 6);
    assert_eq!(child_names(items[0]), ["ul"]);
    assert_eq!(child_names(items[1]), ["ol"]);
    let ol = find_all(&doc, "ol");
    assert_eq!(ol[1].attr("start"), Some("7"));
    assert_eq!(ol[0].attr("start"), None);
}

#[test]
fn tables_have_a_header_row_of_th() {
    let doc = write("| Name | Role |\n|---|:-:|\n| Ada | *Lead* |\n| Bob |");
    let rows = find_all(&doc, "tr");
    assert_eq!(rows.len(), 3);
    assert_eq!(child_names(rows[0]), ["th", "th"]);
    assert_eq!(child_names(rows[1]), ["td", "td"]);
    assert_eq!(child_names(rows[2]), ["td", "td"]);
    assert_eq!(only(&doc, "em").text(), "Lead");
}

#[test]
fn block_content_flattened_into_cells_becomes_blocks_again() {
    let doc = write("| Steps |\n|---|\n| Intro<br>- one<br>  - nested<br>- two |\n| a<br>b |");
    let cells = find_all(&doc, "td");
    assert_eq!(child_names(cells[0]), ["p", "ul"]);
    assert_eq!(find_all(&[Node::Element(cells[0].clone())], "li").len(), 3);
    // Plain lines stay lines.
    assert_eq!(child_names(cells[1]), ["br"]);
}

#[test]
fn task_lists() {
    let doc = write("- [x] done\n- [ ] todo\n  - [ ] nested\n- plain\n- [ ] after");
    let lists = find_all(&doc, "ac:task-list");
    assert_eq!(
        lists.len(),
        3,
        "outer, nested, and the one after the plain item"
    );
    let tasks = find_all(&doc, "ac:task");
    let status: Vec<String> = tasks
        .iter()
        .map(|t| t.first_child("ac:task-status").unwrap().text())
        .collect();
    assert_eq!(
        status,
        ["complete", "incomplete", "incomplete", "incomplete"]
    );
    let body = tasks[1].first_child("ac:task-body").unwrap();
    assert_eq!(child_names(body), ["ac:task-list"]);
    // A plain item between task items stays a plain list.
    assert_eq!(top_names(&doc), ["ac:task-list", "ul", "ac:task-list"]);
    // Every task has a distinct id.
    let mut ids: Vec<String> = find_all(&doc, "ac:task-id")
        .iter()
        .map(|i| i.text())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 4);
}

#[test]
fn fenced_code_becomes_the_code_macro() {
    let md = "```yaml title=\"values.yaml\"\nkey: <v> & ]]> end\n```\n\n    indented\n";
    let doc = write(md);
    let macros = find_all(&doc, "ac:structured-macro");
    assert_eq!(macros.len(), 2);
    assert_eq!(macros[0].attr("ac:name"), Some("code"));
    assert_eq!(param(macros[0], "language").as_deref(), Some("yaml"));
    assert_eq!(param(macros[0], "title").as_deref(), Some("values.yaml"));
    let body = macros[0].first_child("ac:plain-text-body").unwrap();
    assert!(body.children.iter().all(|n| matches!(n, Node::CData(_))));
    assert_eq!(body.text(), "key: <v> & ]]> end");
    assert_eq!(param(macros[1], "language"), None);
    assert_eq!(
        macros[1].first_child("ac:plain-text-body").unwrap().text(),
        "indented"
    );
}

#[test]
fn quotes_rules_and_breaks() {
    let doc = write("> quoted\n>\n> > deeper\n\n---\n\nline one  \nline two<br>three");
    assert_eq!(top_names(&doc), ["blockquote", "hr", "p"]);
    assert_eq!(find_all(&doc, "blockquote").len(), 2);
    assert_eq!(find_all(&doc, "br").len(), 2);
}

#[test]
fn web_links_and_unsafe_schemes() {
    let doc = write(
        "[docs](https://example.com/a?b=1&c=2) <https://x.org> [mail](mailto:a@b.c) \
         [bad](javascript:alert(1)) [rel](/wiki/x)",
    );
    let hrefs: Vec<&str> = find_all(&doc, "a")
        .iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert_eq!(
        hrefs,
        [
            "https://example.com/a?b=1&c=2",
            "https://x.org",
            "mailto:a@b.c",
            "/wiki/x"
        ]
    );
    assert!(
        only(&doc, "p")
            .text()
            .contains("[bad](javascript:alert(1))")
    );
}

fn resource(link: &Element) -> (&str, Vec<(String, String)>) {
    let r = link
        .child_elements()
        .find(|c| c.name.starts_with("ri:"))
        .unwrap();
    (r.name.as_str(), r.attrs.clone())
}

fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn confluence_link_notation_becomes_ac_link() {
    let md = "[[ENG:Deploy Guide]] [[Runbook#Rollback]] [the log](<page:ENG/C%23 notes#top>) \
        [f.pdf](attachment:f.pdf) [diagram](attachment:d.png?on=page:DOCS/Arch) \
        [Welcome](<blog:HR/2026/01/05/Welcome>) [LEGAL](space:LEGAL) [c](content:123) \
        [up](#top)";
    let doc = write(md);
    let links = find_all(&doc, "ac:link");
    assert_eq!(links.len(), 9);
    assert_eq!(
        resource(links[0]),
        (
            "ri:page",
            attrs(&[
                ("ri:space-key", "ENG"),
                ("ri:content-title", "Deploy Guide")
            ])
        )
    );
    assert!(links[0].children.len() == 1, "default text needs no body");
    assert_eq!(links[1].attr("ac:anchor"), Some("Rollback"));
    assert_eq!(
        resource(links[1]),
        ("ri:page", attrs(&[("ri:content-title", "Runbook")]))
    );
    assert_eq!(links[2].attr("ac:anchor"), Some("top"));
    assert_eq!(
        resource(links[2]).1,
        attrs(&[("ri:space-key", "ENG"), ("ri:content-title", "C# notes")])
    );
    let body = links[2].first_child("ac:plain-text-link-body").unwrap();
    assert_eq!(body.text(), "the log");
    assert_eq!(
        resource(links[3]),
        ("ri:attachment", attrs(&[("ri:filename", "f.pdf")]))
    );
    let owner = links[4].first_child("ri:attachment").unwrap();
    assert_eq!(
        owner.first_child("ri:page").unwrap().attrs,
        attrs(&[("ri:space-key", "DOCS"), ("ri:content-title", "Arch")])
    );
    assert_eq!(
        resource(links[5]),
        (
            "ri:blog-post",
            attrs(&[
                ("ri:space-key", "HR"),
                ("ri:content-title", "Welcome"),
                ("ri:posting-day", "2026/01/05")
            ])
        )
    );
    assert_eq!(
        resource(links[6]),
        ("ri:space", attrs(&[("ri:space-key", "LEGAL")]))
    );
    assert_eq!(
        resource(links[7]),
        ("ri:content-entity", attrs(&[("ri:content-id", "123")]))
    );
    assert_eq!(links[8].attr("ac:anchor"), Some("top"));
    assert_eq!(child_names(links[8]), ["ac:plain-text-link-body"]);
}

#[test]
fn formatted_link_text_uses_a_rich_body() {
    let doc = write("[the *diagram*](attachment:d.png)");
    let body = only(&doc, "ac:link-body");
    assert_eq!(child_names(body), ["em"]);
}

#[test]
fn images() {
    let doc = write(
        "![Arch](attachment:arch.png) ![](https://cdn.example.com/l.svg) \
         ![x](data:text/html,hi)",
    );
    let images = find_all(&doc, "ac:image");
    assert_eq!(images.len(), 2);
    assert_eq!(images[0].attr("ac:alt"), Some("Arch"));
    assert_eq!(child_names(images[0]), ["ri:attachment"]);
    assert_eq!(
        images[1].first_child("ri:url").unwrap().attr("ri:value"),
        Some("https://cdn.example.com/l.svg")
    );
    assert!(only(&doc, "p").text().contains("![x](data:text/html,hi)"));
}

#[test]
fn labelled_quotes_become_panels_and_expand() {
    let md = "> **Info:** Read-only today.\n\n> **Note: Heads up** Tokens expire.\n>\n> - rotate\n\n\
        > **Warning:**\n>\n> | a |\n> |---|\n> | 1 |\n\n> **Panel:** plain panel\n\n\
        > **▸ Full log**\n>\n> Lines.\n\n> **Important:** stays a quote";
    let doc = write(md);
    let macros: Vec<&Element> = find_all(&doc, "ac:structured-macro");
    let names: Vec<&str> = macros.iter().map(|m| m.attr("ac:name").unwrap()).collect();
    assert_eq!(names, ["info", "note", "warning", "panel", "expand"]);
    let body = |m: &Element| m.first_child("ac:rich-text-body").unwrap().clone();
    assert_eq!(body(macros[0]).text(), "Read-only today.");
    assert_eq!(param(macros[1], "title").as_deref(), Some("Heads up"));
    assert_eq!(child_names(&body(macros[1])), ["p", "ul"]);
    assert_eq!(child_names(&body(macros[2])), ["table"]);
    assert_eq!(param(macros[4], "title").as_deref(), Some("Full log"));
    assert_eq!(only(&doc, "blockquote").text(), "Important: stays a quote");
}

#[test]
fn github_alerts_become_panels() {
    let doc =
        write("> [!TIP]\n> Use `--dry-run`.\n\n> [!CAUTION]\n> Data loss.\n\n> \\[!NOTE] literal");
    let macros = find_all(&doc, "ac:structured-macro");
    let names: Vec<&str> = macros.iter().map(|m| m.attr("ac:name").unwrap()).collect();
    assert_eq!(names, ["tip", "warning"]);
    assert_eq!(
        macros[0].first_child("ac:rich-text-body").unwrap().text(),
        "Use --dry-run."
    );
    assert_eq!(only(&doc, "blockquote").text(), "[!NOTE] literal");
}

#[test]
fn safe_macro_notations() {
    let md = "[TOC]\n\nState [STATUS: On track], [anchor: setup] [placeholder: Type here]\n\n\
        [child pages]\n\n[macro jira: jqlQuery=project in (A, B), maximumIssues=20]\n\n\
        \\[STATUS: literal] [macro html: x] [macro drawio]";
    let doc = write(md);
    assert_eq!(
        top_names(&doc),
        [
            "ac:structured-macro",
            "p",
            "ac:structured-macro",
            "ac:structured-macro",
            "p"
        ]
    );
    let macros = find_all(&doc, "ac:structured-macro");
    let names: Vec<&str> = macros.iter().map(|m| m.attr("ac:name").unwrap()).collect();
    assert_eq!(names, ["toc", "status", "anchor", "children", "jira"]);
    assert_eq!(param(macros[1], "title").as_deref(), Some("On track"));
    assert_eq!(param(macros[2], "").as_deref(), Some("setup"));
    assert_eq!(only(&doc, "ac:placeholder").text(), "Type here");
    assert_eq!(
        param(macros[4], "jqlQuery").as_deref(),
        Some("project in (A, B)")
    );
    assert_eq!(param(macros[4], "maximumIssues").as_deref(), Some("20"));
    let last = find_all(&doc, "p").pop().unwrap();
    assert_eq!(
        last.text(),
        "[STATUS: literal] [macro html: x] [macro drawio]"
    );
}

#[test]
fn mentions_need_a_resolver() {
    let resolve = |name: &str| match name {
        "Ada Lovelace" => Some("557058:ada".to_string()),
        "557058:bob" => Some("557058:bob".to_string()),
        _ => None,
    };
    let opts = WriteOptions {
        users: Some(&resolve),
        ..WriteOptions::default()
    };
    let md = "Ask @Ada Lovelace, or @557058:bob. Not @Nobody, not ops@Ada Lovelace, not `@Ada Lovelace`.";
    let doc = parse_storage(&markdown_to_storage(md, &opts).unwrap());
    let users: Vec<&str> = find_all(&doc, "ri:user")
        .iter()
        .map(|u| u.attr("ri:account-id").unwrap())
        .collect();
    assert_eq!(users, ["557058:ada", "557058:bob"]);
    let p = only(&doc, "p");
    assert!(p.text().contains("Not @Nobody, not ops@Ada Lovelace"));
    // Without a resolver every mention stays text.
    let plain = write(md);
    assert!(find_all(&plain, "ri:user").is_empty());
}

#[test]
fn raw_html_is_text_never_markup() {
    let md = "<script>alert(1)</script>\n\nInline <span onclick=\"x()\">hi</span> and \
        <ac:structured-macro ac:name=\"html\"/> &copy; &nbsp;";
    let storage = markdown_to_storage(md, &WriteOptions::default()).unwrap();
    let doc = parse_storage(&storage);
    assert_eq!(top_names(&doc), ["p", "p"]);
    assert!(find_all(&doc, "script").is_empty());
    assert!(find_all(&doc, "span").is_empty());
    assert!(find_all(&doc, "ac:structured-macro").is_empty());
    let text: String = find_all(&doc, "p").iter().map(|p| p.text()).collect();
    assert!(text.contains("<script>alert(1)</script>"));
    assert!(text.contains("<ac:structured-macro ac:name=\"html\"/>"));
    assert!(
        text.ends_with("© \u{a0}"),
        "entities decode to characters: {text}"
    );
}

#[test]
fn forbidden_characters_are_replaced() {
    let doc = write("bell\u{7} and\u{1b}[0m escape");
    assert_eq!(only(&doc, "p").text(), "bell\u{fffd} and\u{fffd}[0m escape");
}

#[test]
fn empty_input_is_empty_storage() {
    assert_eq!(
        markdown_to_storage("", &WriteOptions::default()).unwrap(),
        ""
    );
    assert_eq!(
        markdown_to_storage("\n\n  \n", &WriteOptions::default()).unwrap(),
        ""
    );
}

#[test]
fn demo_mentions_round_trip_through_display_names() {
    let store = confluence_emulator::seed::build(confluence_emulator::SeedKind::Demo, 42, 0);
    let by_id: std::collections::HashMap<String, String> = store
        .users
        .iter()
        .map(|u| (u.account_id.clone(), u.display_name.clone()))
        .collect();
    let by_name: std::collections::HashMap<String, String> = store
        .users
        .iter()
        .map(|u| (u.display_name.clone(), u.account_id.clone()))
        .collect();
    let show = |id: &str| by_id.get(id).cloned();
    let resolve = |name: &str| by_name.get(name).cloned();
    let read = Options {
        users: Some(&show),
        ..Options::default()
    };
    let write = WriteOptions {
        users: Some(&resolve),
        ..WriteOptions::default()
    };
    let mut mentions = 0;
    for c in store.contents.values() {
        let v = c.versions.last().unwrap();
        let md1 = storage_to_markdown(&v.body, &read).unwrap();
        let s2 = markdown_to_storage(&md1, &write).unwrap();
        let before = parse_storage(&v.body);
        let after = parse_storage(&s2);
        let ids = |nodes: &[Node]| -> Vec<String> {
            find_all(nodes, "ri:user")
                .iter()
                .map(|u| u.attr("ri:account-id").unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(ids(&before), ids(&after), "{}", v.title);
        mentions += ids(&after).len();
        assert_eq!(storage_to_markdown(&s2, &read).unwrap(), md1, "{}", v.title);
    }
    assert!(mentions > 50, "demo corpus has few mentions: {mentions}");
}
