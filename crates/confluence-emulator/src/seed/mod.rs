//! Seed data: who the users are, which spaces exist, and (for `demo`) a realistic wiki.
//! Everything is derived from the seed number, so a given `--seed-rng` always builds the same
//! site (ids, tokens, trees and bodies).

use crate::config::SeedKind;
use crate::rng::SplitMix64;
use crate::store::Store;
use crate::store::model::*;
use chrono::{DateTime, TimeZone, Utc};
use std::collections::BTreeMap;

/// The demo site's spaces: key, name, description.
pub const SPACES: &[(&str, &str, &str)] = &[
    (
        "ENG",
        "Engineering",
        "Runbooks, architecture and on-call for the platform team",
    ),
    (
        "DOCS",
        "Product Documentation",
        "Customer-facing guides and release notes",
    ),
    (
        "HR",
        "People Team",
        "Policies, benefits and employee records",
    ),
    ("LEGAL", "Legal", "Contracts, NDAs and compliance"),
    ("EXEC", "Leadership", "Plans, board material and strategy"),
];

/// A seed user: email, display name, site admin, space grants.
type SeedUser = (
    &'static str,
    &'static str,
    bool,
    &'static [(&'static str, Access)],
);

const USERS: &[SeedUser] = &[
    ("alice@example.com", "Alice Admin", true, &[]),
    (
        "bob@example.com",
        "Bob Builder",
        false,
        &[("ENG", Access::Write), ("DOCS", Access::Write)],
    ),
    (
        "carol@example.com",
        "Carol People",
        false,
        &[("HR", Access::Admin), ("DOCS", Access::Read)],
    ),
    (
        "dave@example.com",
        "Dave Counsel",
        false,
        &[
            ("LEGAL", Access::Write),
            ("EXEC", Access::Read),
            ("DOCS", Access::Read),
        ],
    ),
    (
        "erin@example.com",
        "Erin Chief",
        false,
        &[
            ("EXEC", Access::Admin),
            ("ENG", Access::Read),
            ("DOCS", Access::Read),
            ("HR", Access::Read),
            ("LEGAL", Access::Read),
        ],
    ),
    (
        "frank@example.com",
        "Frank Contractor",
        false,
        &[("DOCS", Access::Read)],
    ),
];

/// The fixed date the demo wiki's history is laid out before, so dates are reproducible.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
}

pub fn build(kind: SeedKind, seed: u64, extra_pages: usize) -> Store {
    let mut rng = SplitMix64::new(seed);
    let mut store = Store::new();
    add_users(&mut store, &mut rng);
    add_spaces(&mut store);
    match kind {
        SeedKind::Empty => {}
        SeedKind::Demo => demo::populate(&mut store, &mut rng),
    }
    if extra_pages > 0 {
        demo::generate_pages(&mut store, &mut rng, extra_pages);
    }
    store
}

fn add_users(store: &mut Store, rng: &mut SplitMix64) {
    for (email, name, admin, grants) in USERS {
        let account_id = format!(
            "557058:{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            rng.next_u64() as u32,
            rng.next_u64() as u16,
            rng.next_u64() as u16,
            rng.next_u64() as u16,
            rng.next_u64() & 0xffff_ffff_ffff
        );
        let mut grant_map: BTreeMap<String, Access> =
            grants.iter().map(|(k, a)| ((*k).to_owned(), *a)).collect();
        if *admin {
            for (key, _, _) in SPACES {
                grant_map.insert((*key).to_owned(), Access::Admin);
            }
        }
        store.users.push(User {
            account_id,
            email: (*email).to_owned(),
            display_name: (*name).to_owned(),
            api_token: format!("ATATT3xFfGF0{}", rng.alphanumeric(40)),
            grants: grant_map,
            site_admin: *admin,
        });
    }
}

/// Every seed has the five spaces, each with an (almost empty) home page.
fn add_spaces(store: &mut Store) {
    let author = store
        .users
        .first()
        .map(|u| u.account_id.clone())
        .unwrap_or_default();
    for (key, name, description) in SPACES {
        let space_id = store.allocate_id();
        store.spaces.insert(
            space_id,
            Space {
                id: space_id,
                key: (*key).to_owned(),
                name: (*name).to_owned(),
                space_type: SpaceType::Global,
                status: "current".to_owned(),
                description: (*description).to_owned(),
                homepage_id: None,
                author_id: author.clone(),
                created_at: epoch() - chrono::Duration::days(400),
            },
        );
        let home = store.insert_content(crate::store::NewContent {
            kind: ContentKind::Page,
            space_id,
            parent_id: None,
            title: format!("{name} Home"),
            body: format!("<h1>{name}</h1><p>{description}.</p>"),
            author_id: author.clone(),
            status: Status::Current,
            at: epoch() - chrono::Duration::days(400),
        });
        if let Some(space) = store.spaces.get_mut(&space_id) {
            space.homepage_id = Some(home);
        }
    }
}

mod attach;
mod bodies;
pub mod demo;
pub mod files;
mod generate;
mod planted;
pub mod secrets;
mod social;
mod templates;
mod tree;
mod tree_biz;
