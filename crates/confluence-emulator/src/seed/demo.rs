//! The demo wiki: a small company's Confluence with page trees, history, blog posts,
//! comments, labels, attachments, restrictions and planted fake secrets.
//!
//! Everything is created in a fixed order through the store's id sequence and with the one
//! seeded generator, so the same seed number always builds the same wiki.

use super::bodies::{Cx, Domain, between, chance, pick};
use super::templates::{self, Tpl};
use super::tree::Node;
use super::{attach, epoch, planted, social, tree, tree_biz};
use crate::rng::SplitMix64;
use crate::store::model::*;
use crate::store::{NewContent, Store};
use chrono::{DateTime, Duration, Utc};

/// Pages only the listed users (and site admins) can see, with everything below them.
pub const READ_RESTRICTED: &[(&str, &str, &[&str])] = &[
    (
        "ENG",
        "Security incident 2026-03 postmortem",
        &["bob@example.com"],
    ),
    ("HR", "Salary bands 2026", &["carol@example.com"]),
    (
        "HR",
        "Performance improvement plans",
        &["carol@example.com", "erin@example.com"],
    ),
    ("LEGAL", "Pending litigation", &["dave@example.com"]),
    (
        "EXEC",
        "Acquisition target: Project Falcon",
        &["erin@example.com"],
    ),
];

/// Pages only the listed users (and site admins) may edit.
pub const UPDATE_RESTRICTED: &[(&str, &str, &[&str])] = &[
    ("ENG", "Architecture Decision Records", &["bob@example.com"]),
    ("DOCS", "Release notes", &["bob@example.com"]),
    ("HR", "Code of conduct", &["carol@example.com"]),
    ("HR", "Salary bands 2026", &["carol@example.com"]),
    ("LEGAL", "Mutual NDA template", &["dave@example.com"]),
    ("EXEC", "Company OKRs 2026 Q2", &["erin@example.com"]),
];

/// Pages that are not `current`: (space, title, status).
pub const NOT_CURRENT: &[(&str, &str, Status)] = &[
    ("ENG", "Legacy deploy process", Status::Trashed),
    ("DOCS", "Release notes 2023", Status::Archived),
];

/// Pages whose first version had another title: (space, current title, first title).
pub const RENAMED: &[(&str, &str, &str)] = &[
    (
        "ENG",
        super::secrets::PG_FAILOVER,
        "Postgres failover steps",
    ),
    ("ENG", "Escalation policy", "Escalation policy (draft)"),
    ("EXEC", "2027 plan", "2027 plan (draft)"),
];

/// The user whose personal space the demo creates.
pub const PERSONAL_SPACE_OWNER: &str = "bob@example.com";

/// A page or blog post the demo created, for the later passes (attachments, comments).
pub struct Made {
    pub id: u64,
    pub space_key: String,
    pub title: String,
    pub tpl: Tpl,
}

const MESSAGES: &[&str] = &[
    "",
    "Fixed typos",
    "Added rollback steps",
    "Updated after review",
    "Clarified the escalation path",
    "Refreshed numbers",
    "Reorganised sections",
    "Added links to related pages",
    "",
];

pub fn populate(store: &mut Store, rng: &mut SplitMix64) {
    let personal_key = add_personal_space(store);
    let mut made = Vec::new();
    let spaces: Vec<(String, Vec<Node>)> = vec![
        ("ENG".into(), tree::eng()),
        ("DOCS".into(), tree::docs()),
        ("HR".into(), tree_biz::hr()),
        ("LEGAL".into(), tree_biz::legal()),
        ("EXEC".into(), tree_biz::exec()),
        (personal_key, tree_biz::personal()),
    ];
    for (key, nodes) in &spaces {
        refresh_home(store, rng, key, nodes);
        made.extend(add_tree(store, rng, key, nodes));
    }
    made.extend(social::add_blog_posts(store, rng));
    add_attachments(store, rng, &made);
    apply_restrictions(store);
    for (space, title, status) in NOT_CURRENT {
        if let Some(id) = find(&made, space, title)
            && let Some(c) = store.contents.get_mut(&id)
        {
            c.status = *status;
        }
    }
    social::add_comments(store, rng, &made);
}

pub fn generate_pages(store: &mut Store, rng: &mut SplitMix64, count: usize) {
    super::generate::generate_pages(store, rng, count);
}

pub fn find(made: &[Made], space: &str, title: &str) -> Option<u64> {
    made.iter()
        .find(|m| m.space_key == space && m.title == title)
        .map(|m| m.id)
}

/// Account ids of users with at least write access to a space, the usual author first.
pub fn writers(store: &Store, key: &str) -> Vec<String> {
    let mut out: Vec<&User> = store
        .users
        .iter()
        .filter(|u| matches!(u.grants.get(key), Some(Access::Write | Access::Admin)))
        .collect();
    out.sort_by_key(|u| u.site_admin);
    out.into_iter().map(|u| u.account_id.clone()).collect()
}

/// Account ids of users who can see a space (site admins included).
pub fn readers(store: &Store, key: &str) -> Vec<String> {
    store
        .users
        .iter()
        .filter(|u| u.site_admin || u.grants.contains_key(key))
        .map(|u| u.account_id.clone())
        .collect()
}

/// Picks an author: the space's usual author most of the time.
pub fn author(rng: &mut SplitMix64, writers: &[String]) -> String {
    if writers.len() > 1 && chance(rng, 35) {
        writers[1 + rng.next_below(writers.len() as u64 - 1) as usize].clone()
    } else {
        writers.first().cloned().unwrap_or_default()
    }
}

pub fn uuid(rng: &mut SplitMix64) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// A moment `days` days (plus some hours) before the epoch.
pub fn days_ago(rng: &mut SplitMix64, days: u64) -> DateTime<Utc> {
    epoch() - Duration::days(days as i64) - Duration::minutes(between(rng, 0, 600) as i64)
}

/// Bob's personal space (`~` + his account id without separators), as Confluence names them.
fn add_personal_space(store: &mut Store) -> String {
    let Some(owner) = store.user_by_email(PERSONAL_SPACE_OWNER).cloned() else {
        return "~personal".to_owned();
    };
    let key: String = std::iter::once('~')
        .chain(
            owner
                .account_id
                .chars()
                .filter(|c| c.is_ascii_alphanumeric()),
        )
        .collect();
    let space_id = store.allocate_id();
    let created = epoch() - Duration::days(300);
    store.spaces.insert(
        space_id,
        Space {
            id: space_id,
            key: key.clone(),
            name: owner.display_name.clone(),
            space_type: SpaceType::Personal,
            status: "current".to_owned(),
            description: format!("{}'s personal space", owner.display_name),
            homepage_id: None,
            author_id: owner.account_id.clone(),
            created_at: created,
        },
    );
    let home = store.insert_content(NewContent {
        kind: ContentKind::Page,
        space_id,
        parent_id: None,
        title: owner.display_name.clone(),
        body: "<p>My notes, drafts and reading list.</p>".to_owned(),
        author_id: owner.account_id.clone(),
        status: Status::Current,
        at: created,
    });
    if let Some(space) = store.spaces.get_mut(&space_id) {
        space.homepage_id = Some(home);
    }
    if let Some(user) = store
        .users
        .iter_mut()
        .find(|u| u.account_id == owner.account_id)
    {
        user.grants.insert(key.clone(), Access::Admin);
    }
    key
}

/// Backdates a space to two years ago and gives its home page a real second version.
fn refresh_home(store: &mut Store, rng: &mut SplitMix64, key: &str, nodes: &[Node]) {
    let Some(space) = store.space_by_key(key).cloned() else {
        return;
    };
    let personal = space.space_type == SpaceType::Personal;
    let created = if personal {
        space.created_at
    } else {
        epoch() - Duration::days(740)
    };
    if let Some(s) = store.spaces.get_mut(&space.id) {
        s.created_at = created;
    }
    let Some(home_id) = space.homepage_id else {
        return;
    };
    let people = readers(store, key);
    let writers = writers(store, key);
    let links: Vec<String> = nodes
        .iter()
        .filter(|n| n.depth == 1)
        .map(|n| n.title.clone())
        .collect();
    let age = between(rng, 2, 60);
    let at = days_ago(rng, age);
    let cx = Cx {
        title: &space.name,
        space_key: key,
        domain: Domain::for_space(key),
        people: &people,
        links: &links,
        files: &[],
        date: at,
    };
    let body = templates::build(Tpl::Home, &cx, rng).full();
    let author = author(rng, &writers);
    if let Some(home) = store.contents.get_mut(&home_id) {
        home.created_at = created;
        if let Some(first) = home.versions.first_mut() {
            first.created_at = created;
        }
        let title = home.title().to_owned();
        home.versions.push(Version {
            number: 2,
            title,
            body,
            message: "New space overview".to_owned(),
            minor_edit: false,
            author_id: author,
            created_at: at,
        });
    }
}

/// Ages in days for every node, parents always older than their children and everything
/// younger than the space (`max_age`).
fn plan_ages(rng: &mut SplitMix64, nodes: &[Node], max_age: u64) -> Vec<u64> {
    let mut ages: Vec<u64> = nodes
        .iter()
        .map(|n| match n.age {
            Some((lo, hi)) => between(rng, lo, hi),
            None if matches!(n.tpl, Tpl::Index) => between(rng, 500, 720),
            None if chance(rng, 15) => between(rng, 1, 14),
            None => between(rng, 15, 700),
        })
        .map(|age| age.min(max_age.saturating_sub(nodes.len() as u64)))
        .collect();
    let mut parent_of = vec![None; nodes.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        stack.truncate(n.depth.saturating_sub(1));
        parent_of[i] = stack.last().copied();
        stack.push(i);
    }
    for i in (0..nodes.len()).rev() {
        if let Some(p) = parent_of[i] {
            ages[p] = ages[p].max(ages[i] + 1);
        }
    }
    ages.into_iter().map(|a| a.min(max_age)).collect()
}

fn add_tree(store: &mut Store, rng: &mut SplitMix64, key: &str, nodes: &[Node]) -> Vec<Made> {
    let Some(space) = store.space_by_key(key).cloned() else {
        return Vec::new();
    };
    let people = readers(store, key);
    let writers = writers(store, key);
    let titles: Vec<String> = nodes.iter().map(|n| n.title.clone()).collect();
    let home_created = space
        .homepage_id
        .and_then(|h| store.contents.get(&h))
        .map_or(space.created_at, |h| h.created_at);
    let max_age = (epoch() - home_created).num_days().max(1) as u64 - 1;
    let ages = plan_ages(rng, nodes, max_age);
    let mut stack: Vec<u64> = space.homepage_id.into_iter().collect();
    let mut made = Vec::new();
    for (node, age) in nodes.iter().zip(ages) {
        stack.truncate(node.depth.max(1));
        let parent = stack.last().copied();
        let created = days_ago(rng, age);
        let files = attach::names_for(key, &node.title);
        let cx = Cx {
            title: &node.title,
            space_key: key,
            domain: Domain::for_space(key),
            people: &people,
            links: &titles,
            files: &files,
            date: created,
        };
        let mut body = templates::build(node.tpl, &cx, rng);
        if let Some(extra) = planted::sections(&node.title) {
            let at = 1.min(body.sections.len());
            body.sections.splice(at..at, extra);
        }
        let first_title = RENAMED
            .iter()
            .find(|(s, t, _)| *s == key && *t == node.title)
            .map(|(_, _, old)| (*old).to_owned());
        let old = planted::old_section(&node.title);
        let forced = first_title.is_some() || old.is_some();
        let versions = version_count(rng, forced).min(body.sections.len().max(1));
        let first_author = author(rng, &writers);
        let first_body = match &old {
            // The old secret sits where the current one is (section 1).
            Some(old) => {
                let mut b = templates::Body {
                    sections: body.sections.clone(),
                    layout: body.layout,
                };
                if b.sections.len() > 1 {
                    b.sections[1] = old.clone();
                }
                b.render(2)
            }
            None => body.render(sections_at(body.sections.len(), 1, versions)),
        };
        let id = store.insert_content(NewContent {
            kind: ContentKind::Page,
            space_id: space.id,
            parent_id: parent,
            title: first_title.unwrap_or_else(|| node.title.clone()),
            body: first_body,
            author_id: first_author,
            status: Status::Current,
            at: created,
        });
        let mut at = created;
        for number in 2..=versions {
            at = later(rng, at, number == versions);
            let v = Version {
                number: number as u32,
                title: node.title.clone(),
                body: body.render(sections_at(body.sections.len(), number, versions)),
                message: pick(rng, MESSAGES).to_owned(),
                minor_edit: chance(rng, 30),
                author_id: author(rng, &writers),
                created_at: at,
            };
            if let Some(c) = store.contents.get_mut(&id) {
                c.versions.push(v);
            }
        }
        for label in node.labels.iter().copied().chain(node.tpl.label()) {
            store.add_label(id, "global", label);
        }
        stack.push(id);
        made.push(Made {
            id,
            space_key: key.to_owned(),
            title: node.title.clone(),
            tpl: node.tpl,
        });
    }
    made
}

fn version_count(rng: &mut SplitMix64, forced: bool) -> usize {
    if forced {
        return 3;
    }
    match rng.next_below(100) {
        0..55 => 1,
        55..80 => 2,
        80..93 => 3,
        _ => 4 + rng.next_below(2) as usize,
    }
}

/// How many sections version `k` of `n` shows (the last shows all).
fn sections_at(len: usize, k: usize, n: usize) -> usize {
    if n == 0 {
        return len;
    }
    (len * k).div_ceil(n).max(1)
}

/// A time after `prev`; the last edit of some pages lands in the past ten days.
fn later(rng: &mut SplitMix64, prev: DateTime<Utc>, last: bool) -> DateTime<Utc> {
    let end = epoch() - Duration::hours(1);
    if last && chance(rng, 25) {
        let recent = epoch() - Duration::hours(between(rng, 2, 240) as i64);
        if recent > prev {
            return recent;
        }
    }
    let span = (end - prev).num_minutes().max(2) as u64;
    prev + Duration::minutes(between(rng, 1, span / 2) as i64)
}

fn add_attachments(store: &mut Store, rng: &mut SplitMix64, made: &[Made]) {
    for (space, title, file) in attach::PLANNED {
        let Some(container) = find(made, space, title) else {
            continue;
        };
        let Some((author_id, created)) = store
            .contents
            .get(&container)
            .map(|c| (c.author_id.clone(), c.created_at))
        else {
            continue;
        };
        let author_name = store
            .user_by_account(&author_id)
            .map(|u| u.display_name.clone())
            .unwrap_or_default();
        let (media_type, data, comment) = attach::build(file, &author_name, rng);
        let span = (epoch() - created).num_minutes().max(2) as u64;
        let at = created + Duration::minutes(between(rng, 1, span / 2) as i64);
        let id = store.allocate_id();
        let file_id = uuid(rng);
        store.attachments.insert(
            id,
            Attachment {
                id,
                container_id: container,
                title: (*file).to_owned(),
                media_type: media_type.to_owned(),
                comment,
                status: Status::Current,
                data: bytes::Bytes::from(data),
                version: if chance(rng, 25) { 2 } else { 1 },
                author_id,
                created_at: at,
                file_id,
            },
        );
    }
}

fn apply_restrictions(store: &mut Store) {
    let accounts = |store: &Store, emails: &[&str]| -> Vec<String> {
        emails
            .iter()
            .filter_map(|e| store.user_by_email(e).map(|u| u.account_id.clone()))
            .collect()
    };
    let find_page = |store: &Store, space: &str, title: &str| -> Option<u64> {
        let space_id = store.space_by_key(space)?.id;
        store
            .contents
            .values()
            .find(|c| c.space_id == space_id && c.kind == ContentKind::Page && c.title() == title)
            .map(|c| c.id)
    };
    for (space, title, emails) in READ_RESTRICTED {
        let allowed = accounts(store, emails);
        if let Some(c) = find_page(store, space, title).and_then(|id| store.contents.get_mut(&id)) {
            c.read_restricted_to = Some(allowed);
        }
    }
    for (space, title, emails) in UPDATE_RESTRICTED {
        let allowed = accounts(store, emails);
        if let Some(c) = find_page(store, space, title).and_then(|id| store.contents.get_mut(&id)) {
            c.update_restricted_to = Some(allowed);
        }
    }
}
