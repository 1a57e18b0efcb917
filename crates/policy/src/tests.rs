//! Decision semantics over a small policy shaped like the demo's.

use crate::*;

const POLICY: &str = r#"
[[rules]]
id = "support-read"
effect = "allow"
roles = ["support"]
toolsets = ["*:read"]
spaces = ["ENG", "docs"]

[[rules]]
id = "writer"
effect = "allow"
agents = ["docs-writer"]
spaces = ["DOCS", "~*"]
max_response_chars = 5000

[[rules]]
id = "no-confidential"
effect = "deny"
labels = ["confidential"]

[[rules]]
id = "no-incidents"
effect = "deny"
roles = ["support"]
under = ["100"]

[[rules]]
id = "approve-deletes"
effect = "require_approval"
actions = ["delete"]
agents = ["docs-writer"]

[[rules]]
id = "no-admin"
effect = "deny"
actions = ["admin"]
roles = ["support"]
"#;

fn policy() -> Policy {
    let file = parse_policy_file(POLICY).unwrap_or_else(|e| panic!("{e}"));
    Policy::compile(&file.rules, POLICY, &Known::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn tool(name: &'static str, action: Action) -> ToolRef<'static> {
    ToolRef {
        server: "readonly",
        name,
        toolset: "pages",
        read_only: matches!(action, Action::Read | Action::Search),
        action,
    }
}

fn id_of(p: &Policy, v: Verdict) -> Option<&str> {
    v.rule.and_then(|r| p.rule(r)).map(|r| r.id.as_str())
}

#[test]
fn decisions_follow_the_table() {
    let p = policy();
    let support_roles = vec!["support".to_owned()];
    let support = Subject {
        agent: "support-bot",
        roles: &support_roles,
    };
    let writer = Subject {
        agent: "docs-writer",
        roles: &[],
    };
    let nobody = Subject {
        agent: "stranger",
        roles: &[],
    };
    let none: Vec<String> = vec![];
    let conf = vec!["confidential".to_owned()];
    let page =
        |space: &'static str, labels: &'static [String], ancestors: &'static [u64]| Resource {
            space_key: Some(space),
            content_id: Some(7),
            ancestors,
            labels,
            content_type: Some(ContentType::Page),
            space_level: false,
        };
    let none: &'static [String] = Box::leak(none.into_boxed_slice());
    let conf: &'static [String] = Box::leak(conf.into_boxed_slice());
    let read = tool("get_page", Action::Read);
    let cases: Vec<(&Subject, ToolRef, Resource, Effect, Option<&str>)> = vec![
        (
            &support,
            read,
            page("ENG", none, &[]),
            Effect::Allow,
            Some("support-read"),
        ),
        (
            &support,
            read,
            page("eng", none, &[]),
            Effect::Allow,
            Some("support-read"),
        ),
        (
            &support,
            read,
            page("Docs", none, &[]),
            Effect::Allow,
            Some("support-read"),
        ),
        (&support, read, page("HR", none, &[]), Effect::Deny, None),
        (
            &support,
            read,
            page("\u{0415}NG", none, &[]),
            Effect::Deny,
            None,
        ),
        (
            &support,
            read,
            page("ENG", conf, &[]),
            Effect::Deny,
            Some("no-confidential"),
        ),
        (
            &support,
            read,
            page("ENG", none, &[1, 100]),
            Effect::Deny,
            Some("no-incidents"),
        ),
        (
            &support,
            tool("update_page", Action::Write),
            page("ENG", none, &[]),
            Effect::Deny,
            None,
        ),
        (
            &writer,
            tool("update_page", Action::Write),
            page("DOCS", none, &[]),
            Effect::Allow,
            Some("writer"),
        ),
        (
            &writer,
            tool("update_page", Action::Write),
            page("~BOB", none, &[]),
            Effect::Allow,
            Some("writer"),
        ),
        (
            &writer,
            tool("delete_page", Action::Delete),
            page("DOCS", none, &[]),
            Effect::RequireApproval,
            Some("approve-deletes"),
        ),
        (
            &writer,
            read,
            page("DOCS", conf, &[]),
            Effect::Deny,
            Some("no-confidential"),
        ),
        (&nobody, read, page("DOCS", none, &[]), Effect::Deny, None),
        // Listing a space: the deny rules on labels and trees wait for the items.
        (
            &support,
            read,
            Resource {
                space_level: true,
                ..page("ENG", none, &[])
            },
            Effect::Allow,
            Some("support-read"),
        ),
        (
            &support,
            read,
            Resource {
                space_level: true,
                ..page("HR", none, &[])
            },
            Effect::Deny,
            None,
        ),
    ];
    for (i, (who, t, r, effect, rule)) in cases.iter().enumerate() {
        let v = p.decide(who, t, Some(r));
        assert_eq!((v.effect, id_of(&p, v)), (*effect, *rule), "case {i}");
    }
}

#[test]
fn tool_level_verdicts_and_scopes() {
    let p = policy();
    let roles = vec!["support".to_owned()];
    let support = Subject {
        agent: "support-bot",
        roles: &roles,
    };
    let g = p.grant(&support, &tool("get_page", Action::Read));
    assert!(g.verdict.is_allow() && g.needs_labels && g.needs_ancestors && g.needs_resources);
    let scope = g.space_scope(&p);
    assert_eq!(
        scope.allowed,
        Some(vec!["ENG".to_owned(), "DOCS".to_owned()])
    );
    assert_eq!(scope.denied_labels, vec!["confidential".to_owned()]);
    // Write tools are not granted, admin ones explicitly denied.
    assert!(
        !p.grant(&support, &tool("create_page", Action::Write))
            .verdict
            .is_allow()
    );
    let admin = p.grant(&support, &tool("create_space", Action::Admin));
    assert_eq!(id_of(&p, admin.verdict), Some("no-admin"));
    // The writer's limits come from its allow rule.
    let writer = Subject {
        agent: "docs-writer",
        roles: &[],
    };
    let g = p.grant(&writer, &tool("update_page", Action::Write));
    assert_eq!(g.limits(&p).and_then(|r| r.max_response_chars), Some(5000));
    assert_eq!(g.space_scope(&p).allowed, Some(vec!["DOCS".to_owned()]));
    assert!(g.space_scope(&p).any_personal);
    // Only rules without content conditions apply to this stranger: nothing to resolve.
    let stranger = Subject {
        agent: "stranger",
        roles: &[],
    };
    let g = p.grant(&stranger, &tool("get_page", Action::Read));
    assert!(g.needs_resources, "no-confidential has a label condition");
    let e = p.explain(&writer, &tool("delete_page", Action::Delete), None);
    assert_eq!(e.rule.as_deref(), Some("approve-deletes"));
}

#[test]
fn space_level_checks_are_lenient_for_allows_only() {
    let text = r#"
[[rules]]
id = "public-only"
effect = "allow"
labels = ["public"]

[[rules]]
id = "no-attachments-in-eng"
effect = "deny"
spaces = ["ENG"]
content_types = ["attachment"]

[[rules]]
id = "under-only"
effect = "allow"
agents = ["tree-bot"]
under = ["5"]
"#;
    let file = parse_policy_file(text).unwrap_or_else(|e| panic!("{e}"));
    let p = Policy::compile(&file.rules, text, &Known::default()).unwrap_or_else(|e| panic!("{e}"));
    let who = Subject {
        agent: "a",
        roles: &[],
    };
    let t = tool("list_pages", Action::Read);
    let listing = Resource {
        space_key: Some("ENG"),
        space_level: true,
        ..Resource::default()
    };
    // Listing ENG is allowed (items are checked one by one), and the attachment deny does not
    // stop it.
    assert!(p.decide(&who, &t, Some(&listing)).is_allow());
    let public = vec!["public".to_owned()];
    let attachment = Resource {
        space_key: Some("ENG"),
        content_id: Some(9),
        labels: &public,
        content_type: Some(ContentType::Attachment),
        ..Resource::default()
    };
    let v = p.decide(&who, &t, Some(&attachment));
    assert_eq!(id_of(&p, v), Some("no-attachments-in-eng"));
    // A new top-level page (not space-level: the page to be) is outside tree-bot's subtree.
    let tree_bot = Subject {
        agent: "tree-bot",
        roles: &[],
    };
    let new_page = Resource {
        space_key: Some("ENG"),
        content_type: Some(ContentType::Page),
        ..Resource::default()
    };
    let create = tool("create_page", Action::Write);
    assert!(!p.decide(&tree_bot, &create, Some(&new_page)).is_allow());
    let under = Resource {
        ancestors: &[1, 5],
        ..new_page
    };
    assert!(p.decide(&tree_bot, &create, Some(&under)).is_allow());
}

#[test]
fn approval_only_rules_list_the_tool_and_ask() {
    let text = "[[rules]]\nid = \"ask\"\neffect = \"require_approval\"\nspaces = [\"ENG\"]\n";
    let file = parse_policy_file(text).unwrap_or_else(|e| panic!("{e}"));
    let p = Policy::compile(&file.rules, text, &Known::default()).unwrap_or_else(|e| panic!("{e}"));
    let who = Subject {
        agent: "a",
        roles: &[],
    };
    let g = p.grant(&who, &tool("get_page", Action::Read));
    assert_eq!(g.verdict.effect, Effect::RequireApproval);
    assert_eq!(id_of(&p, g.verdict), Some("ask"));
}

#[test]
fn bad_rules_are_refused() {
    for (bad, what) in [
        ("spaces = [\"ENG\u{00A0}\"]", "spaces"),
        (&format!("spaces = [\"{}\"]", "A".repeat(300)), "spaces"),
        ("under = [\"12x\"]", "under"),
        ("labels = [\"Confidential\"]", "labels"),
        ("max_response_chars = 10", "max_response_chars"),
    ] {
        let text = format!("[[rules]]\nid = \"r\"\neffect = \"allow\"\n{bad}\n");
        let file = parse_policy_file(&text).unwrap_or_else(|e| panic!("{e}"));
        let err = Policy::compile(&file.rules, &text, &Known::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(what) && err.contains("line 1"), "{err}");
    }
    let err = parse_policy_file("[[rules]]\nid = \"r\"\neffect = \"maybe\"\n")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("line 3"), "{err}");
}
