//! Hostile input: limits, malformed XML and arbitrary strings never panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use content::{ContentError, Options, plain_text, storage_to_markdown};
use proptest::prelude::*;

#[test]
fn deep_nesting_is_a_clear_error() {
    let deep = "<div>".repeat(10_000) + &"</div>".repeat(10_000);
    let err = storage_to_markdown(&deep, &Options::default()).unwrap_err();
    assert!(
        matches!(err, ContentError::TooDeep { limit: 256, .. }),
        "{err}"
    );
    // Within the limit it converts.
    let ok = "<div>".repeat(200) + "x" + &"</div>".repeat(200);
    assert_eq!(
        storage_to_markdown(&ok, &Options::default()).unwrap(),
        "x\n"
    );
}

#[test]
fn oversized_input_is_rejected() {
    let opts = Options {
        max_input_bytes: 100,
        ..Options::default()
    };
    let err = storage_to_markdown(&"<p>a</p>".repeat(50), &opts).unwrap_err();
    assert_eq!(
        err,
        ContentError::TooLarge {
            size: 400,
            limit: 100
        }
    );
}

#[test]
fn malformed_xml_reports_a_position() {
    let src = "<p>fine</p><p>broken</strong>";
    match storage_to_markdown(src, &Options::default()).unwrap_err() {
        ContentError::Malformed { position, message } => {
            assert!(position > 0 && position as usize <= src.len(), "{position}");
            assert!(!message.is_empty());
        }
        other => panic!("unexpected {other}"),
    }
    for bad in [
        "<p>unclosed",
        "<p a=\"1>x</p>",
        "</p>",
        "<![CDATA[x",
        "</cs-root><p>x</p>",
    ] {
        let r = storage_to_markdown(bad, &Options::default());
        assert!(
            matches!(r, Err(ContentError::Malformed { .. })),
            "{bad}: {r:?}"
        );
    }
}

#[test]
fn unknown_entities_are_kept_literally() {
    let md = storage_to_markdown("<p>a &bogus; b</p>", &Options::default()).unwrap();
    assert!(md.contains("&bogus;"), "{md}");
}

#[test]
fn plain_text_falls_back_to_raw_input_when_malformed() {
    assert_eq!(plain_text("<p>secret=hunter2"), "<p>secret=hunter2");
}

#[test]
fn long_runs_of_markup_characters_are_linear() {
    let src = format!("<p>{}</p>", "_*~".repeat(200_000));
    let start = std::time::Instant::now();
    let md = storage_to_markdown(&src, &Options::default()).unwrap();
    assert!(md.len() > 600_000);
    assert!(start.elapsed().as_secs() < 10);
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,400}") {
        let _ = storage_to_markdown(&s, &Options::default());
        let _ = plain_text(&s);
    }

    #[test]
    fn tag_soup_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("<p>"), Just("</p>"), Just("<ul><li>"), Just("</li></ul>"), Just("<table><tr><td>"),
        Just("</td></tr></table>"), Just("<ac:structured-macro ac:name=\"code\">"),
        Just("</ac:structured-macro>"), Just("<![CDATA[```x]]>"), Just("&nbsp;"), Just("&#0;"),
        Just("<ac:link><ri:page ri:content-title=\"T\"/></ac:link>"), Just("text_with_under"),
        Just("*"), Just("<br/>"), Just("<ac:task-list><ac:task>"), Just("</ac:task></ac:task-list>"),
    ], 0..40)) {
        let s: String = parts.concat();
        let _ = storage_to_markdown(&s, &Options::default());
        let _ = plain_text(&s);
    }
}

#[test]
fn deep_but_allowed_nesting_renders_without_overflowing_the_stack() {
    for (open, close) in [
        ("<ul><li>", "</li></ul>"),
        ("<blockquote>", "</blockquote>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<strong>", "</strong>"),
        (
            "<ac:structured-macro ac:name=\"info\"><ac:rich-text-body>",
            "</ac:rich-text-body></ac:structured-macro>",
        ),
    ] {
        let levels = 250 / (open.matches('<').count());
        let src = open.repeat(levels) + "deep" + &close.repeat(levels);
        let md = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || storage_to_markdown(&src, &Options::default()))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert!(md.contains("deep"), "{open}");
    }
}

#[test]
fn dangling_ampersands_are_text() {
    let md = storage_to_markdown("<p>AT&T & co</p>", &Options::default()).unwrap();
    assert_eq!(md, "AT&T & co\n");
}

#[test]
fn doctype_entities_are_never_expanded() {
    let src = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><p>&b;</p>";
    let md = storage_to_markdown(src, &Options::default()).unwrap();
    assert!(md.contains("&b;") && md.len() < 40, "{md}");
}
