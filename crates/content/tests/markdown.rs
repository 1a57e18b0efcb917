//! Exact output for the constructs where the shape matters to agents.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use content::{Options, plain_text, storage_to_markdown};

fn md(src: &str) -> String {
    storage_to_markdown(src, &Options::default()).unwrap()
}

#[test]
fn identifiers_keep_their_underscores() {
    assert_eq!(
        md("<p>set max_pool_size and DB_URL</p>"),
        "set max_pool_size and DB_URL\n"
    );
}

#[test]
fn code_is_verbatim_with_a_longer_fence() {
    let src = "<ac:structured-macro ac:name=\"code\"><ac:parameter ac:name=\"language\">md\
        </ac:parameter><ac:plain-text-body><![CDATA[a_b *c* ```]]></ac:plain-text-body>\
        </ac:structured-macro>";
    assert_eq!(md(src), "````md\na_b *c* ```\n````\n");
}

#[test]
fn mentions_use_the_resolver() {
    let names = |id: &str| (id == "u1").then(|| "Ada Lovelace".to_string());
    let opts = Options {
        users: Some(&names),
        ..Options::default()
    };
    let src = "<p>ask <ac:link><ri:user ri:account-id=\"u1\"/></ac:link></p>";
    assert_eq!(
        storage_to_markdown(src, &opts).unwrap(),
        "ask @Ada Lovelace\n"
    );
}

#[test]
fn panels_are_labelled_blockquotes() {
    let src = "<ac:structured-macro ac:name=\"warning\"><ac:rich-text-body><p>Careful</p>\
        </ac:rich-text-body></ac:structured-macro>";
    assert_eq!(md(src), "> **Warning:** Careful\n");
}

#[test]
fn unknown_macros_are_explicit_placeholders() {
    let src = "<ac:structured-macro ac:name=\"gliffy\"><ac:parameter ac:name=\"name\">net\
        </ac:parameter></ac:structured-macro>";
    assert_eq!(md(src), "[macro gliffy: name=net]\n");
}

#[test]
fn tasks_status_and_jira() {
    let src = "<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>\
        Ship <ac:structured-macro ac:name=\"jira\"><ac:parameter ac:name=\"key\">AB-1\
        </ac:parameter></ac:structured-macro> <ac:structured-macro ac:name=\"status\">\
        <ac:parameter ac:name=\"title\">Done</ac:parameter></ac:structured-macro>\
        </ac:task-body></ac:task></ac:task-list>";
    assert_eq!(md(src), "- [x] Ship AB-1 [STATUS: Done]\n");
}

#[test]
fn plain_text_holds_parameters_targets_and_cdata() {
    let src = "<p>hi <ac:link><ri:page ri:content-title=\"Secrets\"/></ac:link></p>\
        <ac:structured-macro ac:name=\"x\"><ac:parameter ac:name=\"token\">abc123\
        </ac:parameter><ac:plain-text-body><![CDATA[AKIA_KEY]]></ac:plain-text-body>\
        </ac:structured-macro>";
    let t = plain_text(src);
    for want in ["hi", "Secrets", "abc123", "AKIA_KEY", "token", "x"] {
        assert!(t.contains(want), "{want} missing from {t:?}");
    }
}

#[test]
fn page_links_keep_their_target() {
    let src = "<p><ac:link><ri:page ri:space-key=\"ENG\" ri:content-title=\"Deploy Guide\"/>\
        </ac:link> <ac:link><ri:page ri:space-key=\"ENG\" ri:content-title=\"Deploy Guide\"/>\
        <ac:plain-text-link-body><![CDATA[how to deploy]]></ac:plain-text-link-body></ac:link></p>";
    assert_eq!(
        md(src),
        "[[ENG:Deploy Guide]] [how to deploy](<page:ENG/Deploy Guide>)\n"
    );
}

#[test]
fn text_that_looks_like_block_syntax_is_escaped_once() {
    assert_eq!(md("<p>* not a bullet</p>"), "\\* not a bullet\n");
    // Each tilde is escaped: at the paragraph edge the escaper cannot see what precedes.
    assert_eq!(md("<p>~~~ not a fence</p>"), "\\~\\~\\~ not a fence\n");
    assert_eq!(md("<p>2. not a list</p>"), "2\\. not a list\n");
    assert_eq!(md("<p>5 * 3 and a_b</p>"), "5 * 3 and a_b\n");
}

#[test]
fn list_items_with_several_paragraphs_stay_separate() {
    assert_eq!(
        md("<ul><li><p>one</p><p>two</p></li><li>three</li></ul>"),
        "- one\n\n  two\n- three\n"
    );
}

#[test]
fn leading_emphasis_is_not_escaped() {
    assert_eq!(md("<p><strong>Bold</strong> start</p>"), "**Bold** start\n");
    assert_eq!(md("<p>-5 degrees</p>"), "-5 degrees\n");
    assert_eq!(md("<p>---</p>"), "\\---\n");
}
