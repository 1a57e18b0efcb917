//! Spaces, pages and blog posts over real HTTP against the emulator, in the site style and
//! the OAuth gateway style.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ALICE, Style, space_id};
use confluence::models::{BodyFormat, body_text};
use confluence::{
    BlogPostQuery, Client, ContentEdit, Error, NewBlogPost, NewPage, NewSpace, PageCaps, PageQuery,
    SpaceQuery, SpaceUpdate, collect,
};

async fn new_page(c: &Client, space: &str, title: &str, parent: Option<&str>) -> String {
    c.create_page(&NewPage {
        space_id: space.to_owned(),
        title: title.to_owned(),
        body: format!("<p>{title} body</p>"),
        parent_id: parent.map(str::to_owned),
        draft: false,
    })
    .await
    .expect("create page")
    .id
}

async fn spaces(style: Style) {
    let h = common::empty().await;
    let c = h.client(style, ALICE).await;
    let all = collect(c.spaces(&SpaceQuery::default(), PageCaps::default()))
        .await
        .unwrap();
    assert!(all.iter().any(|s| s.key == "ENG"), "{all:?}");
    let eng = c.space_by_key("ENG").await.unwrap();
    let again = c.space(&eng.id).await.unwrap();
    assert_eq!(again.key, "ENG");
    let only = collect(c.spaces(
        &SpaceQuery {
            keys: vec!["DOCS".into()],
            ..SpaceQuery::default()
        },
        PageCaps::default(),
    ))
    .await
    .unwrap();
    assert_eq!(only.len(), 1);
    // Page by page with cursors gives the same spaces in the same order as the stream.
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = c
            .spaces_page(&SpaceQuery::default(), 2, cursor.as_deref())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        paged.extend(page.items.into_iter().map(|s| s.key));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let streamed: Vec<String> = all.iter().map(|s| s.key.clone()).collect();
    assert_eq!(paged, streamed);
    let perms = collect(c.space_permissions(&eng.id, PageCaps::default()))
        .await
        .unwrap();
    assert!(!perms.is_empty());
    let key = if style == Style::Site { "NEWS" } else { "NEWO" };
    let created = c
        .create_space(&NewSpace {
            key: key.into(),
            name: "New space".into(),
            description: Some("made by a test".into()),
        })
        .await
        .unwrap();
    assert_eq!(created.key, key);
    assert_eq!(c.space(&created.id).await.unwrap().name, "New space");

    let updated = c
        .update_space(
            key,
            &SpaceUpdate {
                name: Some("Renamed space".into()),
                description: Some("now described".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated["name"], "Renamed space");
    assert_eq!(c.space(&created.id).await.unwrap().name, "Renamed space");
    // Bob writes in ENG but does not administer it.
    let bob = h.client(style, "bob@example.com").await;
    let refused = bob
        .update_space(
            "ENG",
            &SpaceUpdate {
                name: Some("Mine".into()),
                description: None,
            },
        )
        .await;
    assert!(
        matches!(refused, Err(Error::Forbidden { .. })),
        "{refused:?}"
    );
    assert!(matches!(
        bob.delete_space("ENG").await,
        Err(Error::Forbidden { .. })
    ));

    c.delete_space(key).await.unwrap();
    assert!(matches!(
        c.space(&created.id).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spaces_site() {
    spaces(Style::Site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spaces_oauth() {
    spaces(Style::OAuth).await;
}

async fn pages(style: Style) {
    let h = common::empty().await;
    let c = h.client(style, ALICE).await;
    let eng = space_id(&c, "ENG").await;
    let root = new_page(&c, &eng, "Root", None).await;
    let child = new_page(&c, &eng, "Child", Some(&root)).await;
    let grandchild = new_page(&c, &eng, "Grandchild", Some(&child)).await;
    let other = new_page(&c, &eng, "Other", Some(&root)).await;

    // Every body format.
    for format in BodyFormat::ALL {
        let p = c.page(&child, Some(format)).await.unwrap();
        assert!(
            p.body
                .as_ref()
                .is_some_and(|b| b.contains_key(format.as_str())),
            "{format:?}: {p:?}"
        );
    }
    let p = c.page(&child, Some(BodyFormat::Storage)).await.unwrap();
    assert_eq!(
        body_text(p.body.as_ref(), BodyFormat::Storage),
        Some("<p>Child body</p>")
    );
    assert_eq!(p.parent_id.as_deref(), Some(root.as_str()));

    // Lists, tree.
    let listed = collect(c.pages(
        &PageQuery {
            space_id: Some(eng.clone()),
            title: Some("Child".into()),
            ..PageQuery::default()
        },
        PageCaps::default(),
    ))
    .await
    .unwrap();
    assert_eq!(listed.len(), 1);
    let in_space = collect(c.space_pages(&eng, PageCaps::default()))
        .await
        .unwrap();
    assert!(in_space.iter().any(|p| p.id == grandchild));
    let children = collect(c.page_children(&root, PageCaps::default()))
        .await
        .unwrap();
    let ids: Vec<_> = children.iter().map(|p| p.id.clone()).collect();
    assert_eq!(ids, vec![child.clone(), other.clone()]);
    let ancestors = collect(c.page_ancestors(&grandchild, PageCaps::default()))
        .await
        .unwrap();
    assert!(ancestors.iter().any(|a| a.id == root));
    assert_eq!(ancestors.last().map(|a| a.id.clone()), Some(child.clone()));
    let descendants = collect(c.page_descendants(&root, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(descendants.len(), 3);

    // Update, versions, historical body.
    let updated = c
        .update_page(
            &child,
            &ContentEdit {
                body: Some("<p>second</p>".into()),
                message: Some("edit".into()),
                based_on_version: Some(1),
                ..ContentEdit::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.version_number(), 2);
    assert_eq!(updated.title, "Child");
    let versions = collect(c.page_versions(&child, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    let v1 = c
        .page_at_version(&child, 1, BodyFormat::Storage)
        .await
        .unwrap();
    assert_eq!(
        body_text(v1.body.as_ref(), BodyFormat::Storage),
        Some("<p>Child body</p>")
    );

    // Move, then delete.
    let moved = c.move_page(&grandchild, &other).await.unwrap();
    assert_eq!(moved.parent_id.as_deref(), Some(other.as_str()));
    assert_eq!(
        body_text(
            c.page(&grandchild, Some(BodyFormat::Storage))
                .await
                .unwrap()
                .body
                .as_ref(),
            BodyFormat::Storage
        ),
        Some("<p>Grandchild body</p>"),
        "a move keeps the body"
    );
    c.delete_page(&grandchild, false).await.unwrap();
    // Trashed pages are hidden from a plain get; purging removes them for good.
    assert!(matches!(
        c.page(&grandchild, None).await,
        Err(Error::NotFound { .. })
    ));
    c.delete_page(&grandchild, true).await.unwrap();
    assert!(matches!(
        c.page(&grandchild, None).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_site() {
    pages(Style::Site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_oauth() {
    pages(Style::OAuth).await;
}

async fn pagination(style: Style) {
    let h = common::empty().await;
    let c = h.client(style, ALICE).await;
    let docs = space_id(&c, "DOCS").await;
    let mut made = Vec::new();
    for i in 0..7 {
        made.push(new_page(&c, &docs, &format!("Paged {i}"), None).await);
    }
    let query = PageQuery {
        space_id: Some(docs.clone()),
        ..PageQuery::default()
    };
    let caps = PageCaps {
        page_size: Some(2),
        ..PageCaps::default()
    };
    let all = collect(c.pages(&query, caps)).await.unwrap();
    for id in &made {
        assert!(all.iter().any(|p| &p.id == id), "missing {id}");
    }
    assert!(all.len() >= 7);
    let first_five = collect(c.pages(
        &query,
        PageCaps {
            max_items: Some(5),
            ..caps
        },
    ))
    .await
    .unwrap();
    assert_eq!(first_five.len(), 5);
    let two_pages = collect(c.pages(
        &query,
        PageCaps {
            max_pages: Some(2),
            ..caps
        },
    ))
    .await
    .unwrap();
    assert_eq!(two_pages.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_site() {
    pagination(Style::Site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_oauth() {
    pagination(Style::OAuth).await;
}

async fn blogposts(style: Style) {
    let h = common::empty().await;
    let c = h.client(style, ALICE).await;
    let eng = space_id(&c, "ENG").await;
    let post = c
        .create_blogpost(&NewBlogPost {
            space_id: eng.clone(),
            title: "Release notes".into(),
            body: "<p>v1</p>".into(),
        })
        .await
        .unwrap();
    let got = c
        .blogpost(&post.id, Some(BodyFormat::Storage))
        .await
        .unwrap();
    assert_eq!(
        body_text(got.body.as_ref(), BodyFormat::Storage),
        Some("<p>v1</p>")
    );
    let in_space = collect(c.blogposts(Some(&eng), PageCaps::default()))
        .await
        .unwrap();
    assert!(in_space.iter().any(|b| b.id == post.id));
    let everywhere = collect(c.blogposts(None, PageCaps::default()))
        .await
        .unwrap();
    assert!(everywhere.iter().any(|b| b.id == post.id));
    let titled = collect(c.blogposts_matching(
        &BlogPostQuery {
            space_id: Some(eng.clone()),
            title: Some("Release notes".into()),
            sort: Some("-created-date".into()),
            ..BlogPostQuery::default()
        },
        PageCaps::default(),
    ))
    .await
    .unwrap();
    assert_eq!(
        titled.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        vec![post.id.as_str()]
    );
    let updated = c
        .update_blogpost(
            &post.id,
            &ContentEdit {
                title: Some("Release notes 2".into()),
                body: Some("<p>v2</p>".into()),
                ..ContentEdit::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.version_number(), 2);
    let versions = collect(c.blogpost_versions(&post.id, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    let old = c
        .blogpost_at_version(&post.id, 1, BodyFormat::Storage)
        .await
        .unwrap();
    assert_eq!(
        body_text(old.body.as_ref(), BodyFormat::Storage),
        Some("<p>v1</p>")
    );
    c.delete_blogpost(&post.id, false).await.unwrap();
    c.delete_blogpost(&post.id, true).await.unwrap();
    assert!(matches!(
        c.blogpost(&post.id, None).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blogposts_site() {
    blogposts(Style::Site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blogposts_oauth() {
    blogposts(Style::OAuth).await;
}
