//! Blog posts and comments (footer, inline with anchors, replies) of the demo wiki.

use super::bodies::{Cx, Domain, between, chance, emoticon, mention, pick};
use super::demo::{Made, author, days_ago, readers, uuid, writers};
use super::templates::{self, Tpl};
use super::{epoch, secrets};
use crate::rng::SplitMix64;
use crate::store::model::*;
use crate::store::{NewContent, Store};
use chrono::{DateTime, Duration, Utc};

/// (space key, or `~` for the personal space; title; days ago; labels).
const BLOGS: &[(&str, &str, u64, &[&str])] = &[
    (
        "ENG",
        "Announcing our new on-call tooling",
        12,
        &["on-call", "announcement"],
    ),
    (
        "ENG",
        "How we cut CI time by 40 percent",
        48,
        &["ci", "performance"],
    ),
    (
        "ENG",
        "PostgreSQL 16 upgrade retrospective",
        95,
        &["postgres", "retrospective"],
    ),
    (
        "ENG",
        "Engineering all-hands recap: May 2026",
        4,
        &["all-hands"],
    ),
    ("ENG", "Welcome to the platform team", 210, &["team"]),
    (
        "DOCS",
        "What is new in 4.3",
        8,
        &["release-notes", "announcement"],
    ),
    (
        "DOCS",
        "The docs site has a new look",
        130,
        &["announcement"],
    ),
    (
        "DOCS",
        "Writing better release notes",
        300,
        &["style-guide"],
    ),
    (
        "HR",
        "Open enrollment 2026 is here",
        160,
        &["benefits", "announcement"],
    ),
    ("HR", "Welcome our new People Partner", 70, &["team"]),
    ("HR", "Summer hours 2026", 2, &["policy"]),
    ("LEGAL", "New DPA template rolled out", 40, &["dpa", "gdpr"]),
    (
        "EXEC",
        "Q1 2026 results: a note from the CEO",
        60,
        &["results"],
    ),
    (
        "EXEC",
        "Our 2027 strategy on one page",
        15,
        &["strategy", "confidential"],
    ),
    (
        "~",
        "My first month on the platform team",
        280,
        &["personal"],
    ),
    ("~", "Notes from RustConf", 240, &["rust", "conference"]),
];

pub fn add_blog_posts(store: &mut Store, rng: &mut SplitMix64) -> Vec<Made> {
    let personal = store
        .spaces
        .values()
        .find(|s| s.space_type == SpaceType::Personal)
        .map(|s| s.key.clone())
        .unwrap_or_default();
    let mut made = Vec::new();
    for (space, title, age, labels) in BLOGS {
        let key = if *space == "~" {
            personal.clone()
        } else {
            (*space).to_owned()
        };
        let Some(space_id) = store.space_by_key(&key).map(|s| s.id) else {
            continue;
        };
        let people = readers(store, &key);
        let writers = writers(store, &key);
        let at = days_ago(rng, *age);
        let cx = Cx {
            title,
            space_key: &key,
            domain: Domain::for_space(&key),
            people: &people,
            links: &[],
            files: &[],
            date: at,
        };
        let body = templates::build(Tpl::Blog, &cx, rng).full();
        let id = store.insert_content(NewContent {
            kind: ContentKind::BlogPost,
            space_id,
            parent_id: None,
            title: (*title).to_owned(),
            body,
            author_id: author(rng, &writers),
            status: Status::Current,
            at,
        });
        for label in labels.iter().copied().chain(std::iter::once("blog")) {
            store.add_label(id, "global", label);
        }
        made.push(Made {
            id,
            space_key: key,
            title: (*title).to_owned(),
            tpl: Tpl::Blog,
        });
    }
    made
}

const FOOTER: &[&str] = &[
    "Thanks, this saved me during last night's incident.",
    "Is this still accurate after the migration?",
    "I updated the numbers in the table.",
    "Can we link the dashboard from here?",
    "+1, let's review this in the next sync.",
    "Added a note about the rollback step.",
    "Who owns this page now?",
    "Great write-up, very clear.",
    "We should move this into the onboarding material.",
    "The second step failed for me on staging, any ideas?",
];

const INLINE: &[&str] = &[
    "Should this be a warning?",
    "Typo here?",
    "Which version does this apply to?",
    "Source for this number?",
    "This changed last quarter.",
    "Can we be more specific here?",
    "I think this is outdated.",
];

const REPLIES: &[&str] = &[
    "Good catch, fixed.",
    "Yes, still accurate.",
    "Done.",
    "I will follow up with the team.",
    "Agreed.",
    "Thanks for flagging!",
];

struct NewComment<'a> {
    kind: CommentKind,
    container: u64,
    parent: Option<u64>,
    title: &'a str,
    body: String,
    author: String,
    at: DateTime<Utc>,
    inline: Option<InlineAnchor>,
}

fn insert_comment(store: &mut Store, rng: &mut SplitMix64, new: NewComment) -> u64 {
    let id = store.allocate_id();
    let mut versions = vec![Version {
        number: 1,
        title: format!("Re: {}", new.title),
        body: new.body.clone(),
        message: String::new(),
        minor_edit: false,
        author_id: new.author.clone(),
        created_at: new.at,
    }];
    if chance(rng, 10) {
        versions.push(Version {
            number: 2,
            title: format!("Re: {}", new.title),
            body: new.body.replace("</p>", " (edited)</p>"),
            message: String::new(),
            minor_edit: false,
            author_id: new.author,
            created_at: new.at + Duration::minutes(between(rng, 1, 90) as i64),
        });
    }
    store.comments.insert(
        id,
        Comment {
            id,
            kind: new.kind,
            container_id: new.container,
            parent_comment_id: new.parent,
            status: Status::Current,
            created_at: new.at,
            versions,
            inline: new.inline,
        },
    );
    id
}

/// A time after `after` and before the epoch.
fn after(rng: &mut SplitMix64, after: DateTime<Utc>) -> DateTime<Utc> {
    let span = (epoch() - after).num_minutes().max(2) as u64;
    after + Duration::minutes(between(rng, 1, span - 1) as i64)
}

fn comment_text(rng: &mut SplitMix64, list: &[&str], people: &[String]) -> String {
    let text = pick(rng, list);
    match rng.pick(people) {
        Some(p) if chance(rng, 25) => format!("<p>{} {text}</p>", mention(p)),
        _ if chance(rng, 15) => format!("<p>{text} {}</p>", emoticon(rng)),
        _ => format!("<p>{text}</p>"),
    }
}

pub fn add_comments(store: &mut Store, rng: &mut SplitMix64, made: &[Made]) {
    let planted: Vec<String> = secrets::planted().into_iter().map(|p| p.value).collect();
    for m in made {
        let Some(content) = store.contents.get(&m.id) else {
            continue;
        };
        if content.status != Status::Current {
            continue;
        }
        let created = content.created_at;
        let people: Vec<String> = store
            .users
            .iter()
            .filter(|u| store.can_read_content(u, content))
            .map(|u| u.account_id.clone())
            .collect();
        let planted_redis = m.space_key == "ENG" && m.title == secrets::REDIS_RUNBOOK;
        if planted_redis || chance(rng, 40) {
            for i in 0..between(rng, 1, 3) {
                let body = if planted_redis && i == 0 {
                    format!(
                        "<p>Heads up: the CLI needs <code>password={}</code> since the last rotation.</p>",
                        secrets::redis_password()
                    )
                } else {
                    comment_text(rng, FOOTER, &people)
                };
                let at = after(rng, created);
                let author = rng.pick(&people).cloned().unwrap_or_default();
                let id = insert_comment(
                    store,
                    rng,
                    NewComment {
                        kind: CommentKind::Footer,
                        container: m.id,
                        parent: None,
                        title: &m.title,
                        body,
                        author,
                        at,
                        inline: None,
                    },
                );
                let thread = Thread {
                    kind: CommentKind::Footer,
                    container: m.id,
                    title: &m.title,
                    people: &people,
                    inline: None,
                };
                add_replies(store, rng, &thread, id, at);
            }
        }
        if m.tpl != Tpl::Blog && chance(rng, 22) {
            for _ in 0..between(rng, 1, 2) {
                add_inline(store, rng, m, &people, created, &planted);
            }
        }
    }
}

/// What replies in one comment thread share.
struct Thread<'a> {
    kind: CommentKind,
    container: u64,
    title: &'a str,
    people: &'a [String],
    inline: Option<InlineAnchor>,
}

fn add_replies(
    store: &mut Store,
    rng: &mut SplitMix64,
    thread: &Thread,
    parent: u64,
    at: DateTime<Utc>,
) {
    if !chance(rng, 40) {
        return;
    }
    for _ in 0..between(rng, 1, 2) {
        let body = comment_text(rng, REPLIES, thread.people);
        let when = after(rng, at);
        let author = rng.pick(thread.people).cloned().unwrap_or_default();
        insert_comment(
            store,
            rng,
            NewComment {
                kind: thread.kind,
                container: thread.container,
                parent: Some(parent),
                title: thread.title,
                body,
                author,
                at: when,
                inline: thread.inline.clone(),
            },
        );
    }
}

fn add_inline(
    store: &mut Store,
    rng: &mut SplitMix64,
    m: &Made,
    people: &[String],
    created: DateTime<Utc>,
    planted: &[String],
) {
    let Some(body) = store.contents.get(&m.id).map(|c| c.current().body.clone()) else {
        return;
    };
    let Some((start, end)) = anchor_span(&body, rng) else {
        return;
    };
    let selection = body[start..end].to_owned();
    let marker_ref = uuid(rng);
    let new_body = format!(
        "{}<ac:inline-comment-marker ac:ref=\"{marker_ref}\">{selection}</ac:inline-comment-marker>{}",
        &body[..start],
        &body[end..]
    );
    // A marker must never split a planted value: DLP tests look for them verbatim.
    if planted
        .iter()
        .any(|v| body.contains(v.as_str()) && !new_body.contains(v.as_str()))
    {
        return;
    }
    let match_count = new_body.matches(selection.as_str()).count() as u32;
    let match_index = body[..start].matches(selection.as_str()).count() as u32;
    if let Some(c) = store.contents.get_mut(&m.id)
        && let Some(v) = c.versions.last_mut()
    {
        v.body = new_body;
    }
    let anchor = InlineAnchor {
        text_selection: selection,
        match_count,
        match_index,
        marker_ref,
        resolution_status: if chance(rng, 40) { "resolved" } else { "open" }.to_owned(),
    };
    let at = after(rng, created);
    let body = comment_text(rng, INLINE, people);
    let author = rng.pick(people).cloned().unwrap_or_default();
    let id = insert_comment(
        store,
        rng,
        NewComment {
            kind: CommentKind::Inline,
            container: m.id,
            parent: None,
            title: &m.title,
            body,
            author,
            at,
            inline: Some(anchor.clone()),
        },
    );
    let thread = Thread {
        kind: CommentKind::Inline,
        container: m.id,
        title: &m.title,
        people,
        inline: Some(anchor),
    };
    add_replies(store, rng, &thread, id, at);
}

/// Byte range of 2 to 5 whole words inside the plain text that directly follows a `<p>`,
/// so the selection is visible text and wrapping it in a marker keeps the XML well-formed.
pub fn anchor_span(body: &str, rng: &mut SplitMix64) -> Option<(usize, usize)> {
    let mut runs = Vec::new();
    let mut from = 0;
    while let Some(pos) = body[from..].find("<p>") {
        let start = from + pos + 3;
        let len = body[start..].find('<').unwrap_or(body.len() - start);
        let run = &body[start..start + len];
        if run.len() >= 20 && !run.contains('&') {
            runs.push((start, start + len));
        }
        from = start;
    }
    let &(run_start, run_end) = rng.pick(&runs)?;
    let run = &body[run_start..run_end];
    let words: Vec<(usize, usize)> = word_spans(run);
    if words.len() < 2 {
        return None;
    }
    let n = (between(rng, 2, 5) as usize).min(words.len());
    let first = rng.next_below((words.len() - n + 1) as u64) as usize;
    Some((
        run_start + words[first].0,
        run_start + words[first + n - 1].1,
    ))
}

fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}
