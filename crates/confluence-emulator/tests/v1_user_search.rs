//! User search over real HTTP: `GET /rest/api/search/user` with user CQL (`user.fullname ~`,
//! `user` / `user.accountid`, `type = user`), its v1 search-page shape, paging, refusal of
//! content fields, and both auth styles.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod v1_util;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use v1_util::*;

fn names(r: &common::Reply) -> Vec<String> {
    r.body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user"]["displayName"].as_str().unwrap().to_owned())
        .collect()
}

async fn search(h: &common::Harness, cql: &str) -> common::Reply {
    h.get(
        FRANK,
        &format!("/wiki/rest/api/search/user?cql={}", enc(cql)),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_name_fragments_find_users_by_word_prefix() {
    let h = common::empty().await;
    let r = search(&h, "user.fullname ~ \"bob\"").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(names(&r), vec!["Bob Builder"]);
    let hit = &r.body["results"][0];
    // The documented required fields of a SearchResult, and the user object.
    for key in [
        "breadcrumbs",
        "entityType",
        "excerpt",
        "iconCssClass",
        "lastModified",
        "title",
        "url",
    ] {
        assert!(hit.get(key).is_some(), "result lacks {key}: {hit}");
    }
    assert_eq!(hit["entityType"], "user");
    assert_eq!(hit["title"], "Bob Builder");
    let bob = h.account_id(BOB);
    assert_eq!(hit["user"]["accountId"], Value::from(bob.clone()));
    assert_eq!(hit["user"]["type"], "known");
    assert_eq!(hit["url"], Value::from(format!("/people/{bob}")));
    for key in [
        "start",
        "limit",
        "size",
        "totalSize",
        "cqlQuery",
        "searchDuration",
    ] {
        assert!(r.body.get(key).is_some(), "envelope lacks {key}");
    }
    assert_eq!(r.body["cqlQuery"], "user.fullname ~ \"bob\"");

    // Any word of the name, any case, several words; not the middle of a word.
    assert_eq!(
        names(&search(&h, "user.fullname ~ BUILD").await),
        vec!["Bob Builder"]
    );
    assert_eq!(
        names(&search(&h, "user.fullname ~ \"ca pe\"").await),
        vec!["Carol People"]
    );
    assert!(names(&search(&h, "user.fullname ~ uilder").await).is_empty());
    // OR, NOT and account ids; results sorted by name.
    assert_eq!(
        names(&search(&h, "user.fullname ~ erin OR user.fullname ~ dave").await),
        vec!["Dave Counsel", "Erin Chief"]
    );
    let carol = h.account_id(CAROL);
    assert_eq!(
        names(&search(&h, &format!("user.accountid = \"{carol}\"")).await),
        vec!["Carol People"]
    );
    assert_eq!(
        names(&search(&h, &format!("user IN (\"{carol}\", \"{bob}\")")).await),
        vec!["Bob Builder", "Carol People"]
    );
    assert_eq!(
        names(&search(&h, "user = currentUser()").await),
        vec!["Frank Contractor"]
    );
    let all = search(&h, "type = user").await;
    assert_eq!(all.body["totalSize"], 6);
    let not_bob = search(&h, "type = user AND NOT user.fullname ~ bob").await;
    assert_eq!(not_bob.body["totalSize"], 5);
    assert!(!names(&not_bob).contains(&"Bob Builder".to_owned()));
    assert!(names(&search(&h, "type = page").await).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_refusals_and_the_oauth_gateway() {
    let h = common::empty().await;
    let first = h
        .get(ALICE, "/wiki/rest/api/search/user?cql=type%3Duser&limit=4")
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body["size"], 4);
    assert_eq!(first.body["totalSize"], 6);
    let next = first.body["_links"]["next"].as_str().unwrap();
    assert!(next.starts_with("/rest/api/search/user?"), "{next}");
    let second = h.get(ALICE, &format!("/wiki{next}")).await;
    assert_eq!(second.body["size"], 2);
    assert_eq!(second.body["start"], 4);
    assert!(second.body["_links"].get("next").is_none());
    let mut all = names(&first);
    all.extend(names(&second));
    all.dedup();
    assert_eq!(all.len(), 6);

    v1_error(
        &h.get(ALICE, "/wiki/rest/api/search/user").await,
        StatusCode::BAD_REQUEST,
        "cql",
    );
    v1_error(
        &h.get(
            ALICE,
            &format!("/wiki/rest/api/search/user?cql={}", enc("user.fullname ~")),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "Could not parse cql",
    );
    v1_error(
        &h.get(
            ALICE,
            &format!("/wiki/rest/api/search/user?cql={}", enc("space = ENG")),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "'space' cannot be used to search users",
    );

    // User search is a search endpoint, not a content one: it stays up through the gateway.
    let token = h.oauth_login(ERIN).await;
    let r = h
        .call_oauth(
            token["access_token"].as_str().unwrap(),
            Method::GET,
            &format!(
                "/wiki/rest/api/search/user?cql={}",
                enc("user.fullname ~ erin")
            ),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(names(&r), vec!["Erin Chief"]);
}
