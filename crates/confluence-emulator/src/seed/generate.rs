//! Extra generated pages (`--extra-pages`) spread over the ENG and DOCS trees, for benchmarks.
//! Built for speed: one pass to index the existing tree, then direct inserts (10,000 pages
//! well under a second in release builds).

use super::bodies::{Cx, Domain, SERVICES, between, chance, pick};
use super::demo::{author, days_ago, readers, writers};
use super::templates::{self, Tpl};
use crate::rng::SplitMix64;
use crate::store::Store;
use crate::store::model::*;
use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, HashSet};

const ENG_DOCS: &[&str] = &[
    "runbook",
    "design notes",
    "capacity plan",
    "alert reference",
    "deployment checklist",
    "troubleshooting guide",
    "SLOs",
    "migration plan",
    "load test results",
    "API notes",
    "dependency review",
    "threat model",
    "cost review",
    "retrospective",
    "on-call notes",
];

const ENG_EXTRA: &[&str] = &[
    "analytics-pipeline",
    "feature-flags",
    "identity-sync",
    "audit-log",
    "media-transcoder",
    "rate-limiter",
    "config-service",
    "invoice-renderer",
    "data-export",
    "tenant-router",
];

const FEATURES: &[&str] = &[
    "Exporting reports",
    "Custom fields",
    "Recurring tasks",
    "Time tracking",
    "Guest access",
    "Two-factor authentication",
    "Mobile app",
    "Calendar sync",
    "Dashboards",
    "Tags",
    "Bulk edit",
    "Task dependencies",
    "Milestones",
    "Workload view",
    "Forms",
    "Approvals",
    "File previews",
    "Search filters",
    "Notifications",
    "Workspace branding",
];

const DOC_KINDS: &[&str] = &[
    "overview",
    "FAQ",
    "troubleshooting",
    "for administrators",
    "best practices",
    "limits",
    "known issues",
    "setup",
    "examples",
    "reference",
];

const ASPECTS: &[&str] = &[
    "cache warm-up",
    "cold start",
    "timeouts",
    "retries",
    "schema changes",
    "backfill",
    "alerts",
    "dashboards",
    "load testing",
    "cost",
    "failover",
    "limits",
    "logging",
    "metrics",
    "tracing",
    "rollout",
    "security review",
    "access control",
    "data retention",
    "permissions",
];

/// One space the generator fills.
struct Target {
    key: String,
    space_id: u64,
    people: Vec<String>,
    writers: Vec<String>,
    titles: HashSet<String>,
    links: Vec<String>,
    /// (page id, depth below the home page, created).
    parents: Vec<(u64, usize, DateTime<Utc>)>,
}

fn target(store: &Store, key: &str) -> Option<Target> {
    let space_id = store.space_by_key(key)?.id;
    let mut titles = HashSet::new();
    let mut links = Vec::new();
    let mut parents = Vec::new();
    for c in store.contents.values().filter(|c| c.space_id == space_id) {
        titles.insert(c.title().to_owned());
        if c.kind != ContentKind::Page || c.status != Status::Current {
            continue;
        }
        let ancestors = store.ancestors(c.id);
        let restricted = c.read_restricted_to.is_some()
            || ancestors
                .iter()
                .any(|a| a.read_restricted_to.is_some() || a.status != Status::Current);
        if restricted || ancestors.len() > 4 {
            continue;
        }
        if links.len() < 200 {
            links.push(c.title().to_owned());
        }
        parents.push((c.id, ancestors.len(), c.created_at));
    }
    Some(Target {
        key: key.to_owned(),
        space_id,
        people: readers(store, key),
        writers: writers(store, key),
        titles,
        links,
        parents,
    })
}

fn title(t: &mut Target, rng: &mut SplitMix64) -> String {
    let eng = t.key == "ENG";
    let base = if eng {
        let component = if chance(rng, 60) {
            pick(rng, SERVICES)
        } else {
            pick(rng, ENG_EXTRA)
        };
        format!("{component} {}", pick(rng, ENG_DOCS))
    } else {
        format!("{} {}", pick(rng, FEATURES), pick(rng, DOC_KINDS))
    };
    let mut candidate = base.clone();
    for _ in 0..3 {
        if !t.titles.contains(&candidate) {
            break;
        }
        candidate = format!("{base}: {}", pick(rng, ASPECTS));
    }
    let mut n = 2;
    let stem = candidate.clone();
    while t.titles.contains(&candidate) {
        candidate = format!("{stem} ({n})");
        n += 1;
    }
    t.titles.insert(candidate.clone());
    candidate
}

pub fn generate_pages(store: &mut Store, rng: &mut SplitMix64, count: usize) {
    let mut targets: Vec<Target> = ["ENG", "DOCS"]
        .iter()
        .filter_map(|k| target(store, k))
        .filter(|t| !t.parents.is_empty())
        .collect();
    if targets.is_empty() || count == 0 {
        return;
    }
    let mut positions: HashMap<(u64, Option<u64>), i64> = HashMap::new();
    for c in store.contents.values() {
        let next = positions.entry((c.space_id, c.parent_id)).or_insert(0);
        *next = (*next).max(c.position + 1);
    }
    let eng_tpls = [
        Tpl::Runbook,
        Tpl::Howto,
        Tpl::Design,
        Tpl::Generic,
        Tpl::Postmortem,
        Tpl::Meeting,
        Tpl::Adr,
    ];
    let docs_tpls = [Tpl::Guide, Tpl::Faq, Tpl::ApiRef, Tpl::Generic, Tpl::Howto];
    for i in 0..count {
        let which = if targets.len() > 1 && chance(rng, 45) {
            1
        } else {
            0
        };
        let which = if i == 0 { 0 } else { which };
        let t = &mut targets[which];
        let Some(&(parent, depth, parent_at)) = rng.pick(&t.parents) else {
            continue;
        };
        let page_title = title(t, rng);
        let tpl = if t.key == "ENG" {
            *rng.pick(&eng_tpls).unwrap_or(&Tpl::Generic)
        } else {
            *rng.pick(&docs_tpls).unwrap_or(&Tpl::Generic)
        };
        let age = between(rng, 0, 700);
        let created = days_ago(rng, age)
            .max(parent_at + Duration::hours(1))
            .min(super::epoch() - Duration::minutes(1))
            .max(parent_at);
        let cx = Cx {
            title: &page_title,
            space_key: &t.key,
            domain: Domain::for_space(&t.key),
            people: &t.people,
            links: &t.links,
            files: &[],
            date: created,
        };
        let body = templates::build(tpl, &cx, rng);
        let first_author = author(rng, &t.writers);
        let mut versions = vec![Version {
            number: 1,
            title: page_title.clone(),
            body: body.full(),
            message: String::new(),
            minor_edit: false,
            author_id: first_author.clone(),
            created_at: created,
        }];
        if chance(rng, 20) && body.sections.len() > 1 {
            versions[0].body = body.render(body.sections.len() - 1);
            let span = (super::epoch() - created).num_minutes().max(2) as u64;
            versions.push(Version {
                number: 2,
                title: page_title.clone(),
                body: body.full(),
                message: "Updated".to_owned(),
                minor_edit: false,
                author_id: author(rng, &t.writers),
                created_at: created + Duration::minutes(between(rng, 1, span - 1) as i64),
            });
        }
        let id = store.allocate_id();
        let slot = positions.entry((t.space_id, Some(parent))).or_insert(0);
        let position = *slot;
        *slot += 1;
        store.contents.insert(
            id,
            Content {
                id,
                kind: ContentKind::Page,
                space_id: t.space_id,
                status: Status::Current,
                parent_id: Some(parent),
                position,
                author_id: first_author.clone(),
                owner_id: first_author,
                created_at: created,
                versions,
                labels: Vec::new(),
                read_restricted_to: None,
                update_restricted_to: None,
            },
        );
        if let Some(label) = tpl.label() {
            store.add_label(id, "global", label);
        }
        if depth < 5 && chance(rng, 25) {
            t.parents.push((id, depth + 1, created));
        }
    }
}
