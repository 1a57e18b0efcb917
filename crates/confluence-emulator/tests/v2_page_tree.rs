//! REST v2 page trees over real HTTP: children, ancestors, descendants, moves, trash and
//! purge, and what per-user permissions and read restrictions hide or protect.

// Helpers outside #[test] fns (here and in the shared harness) unwrap too; clippy.toml only
// covers the test fns themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod v2_util;

use reqwest::{Method, StatusCode};
use serde_json::json;
use v2_util::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tree_endpoints_moves_and_cycles() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    let a = id(&create_page(&h, BOB, &eng, "A", None).await);
    let b = id(&create_page(&h, BOB, &eng, "B", Some(&a)).await);
    let c = id(&create_page(&h, BOB, &eng, "C", Some(&b)).await);
    let home = h.get(BOB, &format!("/wiki/api/v2/spaces/{eng}")).await.body["homepageId"]
        .as_str()
        .unwrap()
        .to_owned();

    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{c}/ancestors"))
        .await;
    assert_eq!(
        r.body["results"],
        json!([{"id": home, "type": "page"}, {"id": a, "type": "page"}, {"id": b, "type": "page"}])
    );
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{c}/ancestors?limit=1"))
        .await;
    assert_eq!(
        ids(&r),
        vec![b.clone()],
        "the nearest ancestors when limited"
    );

    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{a}/descendants"))
        .await;
    let results = r.body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["depth"], 1);
    assert_eq!(results[1]["depth"], 2);
    assert_eq!(results[1]["parentId"], b.as_str());
    assert_eq!(results[1]["type"], "page");
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{a}/descendants?depth=1"))
        .await;
    assert_eq!(ids(&r), vec![b.clone()]);
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{a}/descendants?depth=9"))
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{a}/direct-children"))
        .await;
    assert_eq!(r.body["results"][0]["type"], "page");
    assert_eq!(ids(&r), vec![b.clone()]);

    // Moving A below C would make a cycle.
    let put = |title: &str, parent: &str, n: i64| {
        json!({"id": a, "status": "current", "title": title, "parentId": parent,
               "body": {"representation": "storage", "value": "<p>A</p>"}, "version": {"number": n}})
    };
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{a}"),
            Some(put("A", &c, 2)),
        )
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{a}"),
            Some(put("A", &a, 2)),
        )
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    // Moving C up to the home page is fine.
    let r = h
        .call(BOB, Method::PUT, &format!("/wiki/api/v2/pages/{c}"), Some(json!({"id": c, "status": "current", "title": "C",
            "parentId": home, "body": {"representation": "storage", "value": ""}, "version": {"number": 2}})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["parentId"], home.as_str());
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{b}/children"))
        .await;
    assert_eq!(ids(&r), Vec::<String>::new());
    // Moving across spaces is refused.
    let docs = space_id(&h, "DOCS").await;
    let d = id(&create_page(&h, BOB, &docs, "In docs", None).await);
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{a}"),
            Some(put("A", &d, 2)),
        )
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);

    // root-level pages have no parent; parentId with root-level is refused.
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/pages?root-level=true",
            Some(json!({"spaceId": eng, "title": "Top"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body.get("parentId").is_none());
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/pages?root-level=true",
            Some(json!({"spaceId": eng, "title": "T2", "parentId": a})),
        )
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h
        .get(BOB, &format!("/wiki/api/v2/spaces/{eng}/pages?depth=root"))
        .await;
    assert_eq!(
        r.body["results"].as_array().unwrap().len(),
        2,
        "home page and Top"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trash_restore_and_purge() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    let parent = id(&create_page(&h, BOB, &eng, "Doomed", None).await);
    let child = id(&create_page(&h, BOB, &eng, "Orphan", Some(&parent)).await);
    let r = h
        .call(
            BOB,
            Method::DELETE,
            &format!("/wiki/api/v2/pages/{parent}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_v2_error(
        &h.get(BOB, &format!("/wiki/api/v2/pages/{parent}")).await,
        StatusCode::NOT_FOUND,
    );
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{parent}?status=trashed"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "trashed");
    assert!(
        !ids(&h
            .get(BOB, &format!("/wiki/api/v2/pages?space-id={eng}"))
            .await)
        .contains(&parent)
    );
    assert_eq!(
        ids(&h
            .get(
                BOB,
                &format!("/wiki/api/v2/pages?space-id={eng}&status=trashed")
            )
            .await),
        vec![parent.clone()]
    );
    // Its child moved up to the trashed page's parent, so it stays in the tree.
    let r = h
        .get(BOB, &format!("/wiki/api/v2/pages/{child}/ancestors"))
        .await;
    assert_eq!(r.body["results"].as_array().unwrap().len(), 1);

    let r = h
        .call(
            BOB,
            Method::DELETE,
            &format!("/wiki/api/v2/pages/{parent}"),
            None,
        )
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    let r = h
        .call(
            BOB,
            Method::DELETE,
            &format!("/wiki/api/v2/pages/{child}?purge=true"),
            None,
        )
        .await;
    assert_v2_error(&r, StatusCode::BAD_REQUEST);
    // Purging needs space admin: bob only has write on ENG.
    let r = h
        .call(
            BOB,
            Method::DELETE,
            &format!("/wiki/api/v2/pages/{parent}?purge=true"),
            None,
        )
        .await;
    assert_v2_error(&r, StatusCode::FORBIDDEN);

    // Restore, trash again, purge as admin.
    let restore = json!({"id": parent, "status": "current", "title": "Doomed", "body": {"representation": "storage", "value": ""}, "version": {"number": 2}});
    let r = h
        .call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{parent}"),
            Some(restore),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "current");
    assert_eq!(
        h.call(
            BOB,
            Method::DELETE,
            &format!("/wiki/api/v2/pages/{parent}"),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let r = h
        .call(
            ALICE,
            Method::DELETE,
            &format!("/wiki/api/v2/pages/{parent}?purge=true"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_v2_error(
        &h.get(
            ALICE,
            &format!("/wiki/api/v2/pages/{parent}?status=trashed"),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(
        h.get(
            ALICE,
            &format!("/wiki/api/v2/pages?space-id={eng}&status=trashed")
        )
        .await
        .body["results"],
        json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permissions_hide_and_protect_pages() {
    let h = common::empty().await;
    let eng = space_id(&h, "ENG").await;
    let docs = space_id(&h, "DOCS").await;
    let secret = id(&create_page(&h, BOB, &eng, "Eng only", None).await);
    let p = id(&create_page(&h, ALICE, &docs, "Public", None).await);
    let hidden = id(&create_page(&h, ALICE, &docs, "Restricted", Some(&p)).await);
    let below = id(&create_page(&h, ALICE, &docs, "Below restricted", Some(&hidden)).await);
    let open = id(&create_page(&h, ALICE, &docs, "Open sibling", Some(&p)).await);
    {
        let mut store = h.emulator.state.write();
        let content = store
            .contents
            .get_mut(&hidden.parse::<u64>().unwrap())
            .unwrap();
        content.read_restricted_to = Some(vec![h.account_id(CAROL)]);
    }

    // Frank: no ENG grant, DOCS read, not on the restriction.
    for path in [
        format!("/wiki/api/v2/pages/{secret}"),
        format!("/wiki/api/v2/pages/{secret}/children"),
        format!("/wiki/api/v2/pages/{secret}/ancestors"),
        format!("/wiki/api/v2/pages/{secret}/descendants"),
        format!("/wiki/api/v2/pages/{secret}/versions"),
        format!("/wiki/api/v2/pages/{secret}/versions/1"),
        format!("/wiki/api/v2/pages/{hidden}"),
        format!("/wiki/api/v2/pages/{below}"),
        format!("/wiki/api/v2/pages/{below}/ancestors"),
        format!("/wiki/api/v2/spaces/{eng}/pages"),
    ] {
        assert_v2_error(&h.get(FRANK, &path).await, StatusCode::NOT_FOUND);
    }
    let listed = collect(&h, FRANK, "/wiki/api/v2/pages?limit=250", false).await;
    assert!(listed.contains(&p) && listed.contains(&open));
    for absent in [&secret, &hidden, &below] {
        assert!(!listed.contains(absent), "{absent} listed for frank");
    }
    let by_id = h
        .get(
            FRANK,
            &format!("/wiki/api/v2/pages?id={secret},{hidden},{open}"),
        )
        .await;
    assert_eq!(ids(&by_id), vec![open.clone()]);
    assert_eq!(
        ids(&h
            .get(FRANK, &format!("/wiki/api/v2/pages/{p}/children"))
            .await),
        vec![open.clone()]
    );
    assert_eq!(
        ids(&h
            .get(FRANK, &format!("/wiki/api/v2/pages/{p}/descendants"))
            .await),
        vec![open.clone()]
    );
    // Carol is on the restriction and sees the whole subtree.
    assert_eq!(
        ids(&h
            .get(CAROL, &format!("/wiki/api/v2/pages/{p}/descendants"))
            .await),
        vec![hidden.clone(), open.clone(), below.clone()]
    );
    assert_eq!(
        h.get(CAROL, &format!("/wiki/api/v2/pages/{below}"))
            .await
            .status,
        StatusCode::OK
    );
    // Bob (DOCS write) does not.
    assert_v2_error(
        &h.get(BOB, &format!("/wiki/api/v2/pages/{hidden}")).await,
        StatusCode::NOT_FOUND,
    );

    // Writes: readable but not writable → 403; unreadable → 404.
    let edit = |pid: &str| json!({"id": pid, "status": "current", "title": "X", "body": {"representation": "storage", "value": ""}, "version": {"number": 2}});
    assert_v2_error(
        &h.call(
            FRANK,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{open}"),
            Some(edit(&open)),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    assert_v2_error(
        &h.call(
            FRANK,
            Method::DELETE,
            &format!("/wiki/api/v2/pages/{open}"),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    assert_v2_error(
        &h.call(
            FRANK,
            Method::POST,
            "/wiki/api/v2/pages",
            Some(json!({"spaceId": docs, "title": "F"})),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    assert_v2_error(
        &h.call(
            FRANK,
            Method::POST,
            "/wiki/api/v2/pages",
            Some(json!({"spaceId": eng, "title": "F"})),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.call(
            FRANK,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{secret}"),
            Some(edit(&secret)),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.call(
            FRANK,
            Method::DELETE,
            &format!("/wiki/api/v2/pages/{secret}"),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    assert_v2_error(
        &h.call(
            BOB,
            Method::PUT,
            &format!("/wiki/api/v2/pages/{hidden}"),
            Some(edit(&hidden)),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    // A restricted parent is not a valid parent for someone who cannot see it.
    let r = h
        .call(
            BOB,
            Method::POST,
            "/wiki/api/v2/pages",
            Some(json!({"spaceId": docs, "title": "Sneaky", "parentId": hidden})),
        )
        .await;
    assert_v2_error(&r, StatusCode::NOT_FOUND);
}
