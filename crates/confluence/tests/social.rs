//! Comments, labels, attachments, users, restrictions and CQL search over real HTTP, in the
//! site style and the OAuth gateway style. Through the OAuth gateway the emulator answers
//! every v1 `/rest/api/content/...` call with 410, so label writes, uploads and restrictions
//! are expected to be `Gone` there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{ALICE, Style, space_id};
use confluence::models::{BodyFormat, body_text};
use confluence::{
    Client, CommentContainer, CommentEdit, CommentKind, Error, InlineAnchor, LabelTarget,
    NewAttachment, NewPage, PageCaps, collect,
};

async fn page(c: &Client, title: &str, body: &str) -> String {
    let eng = space_id(c, "ENG").await;
    c.create_page(&NewPage {
        space_id: eng,
        title: title.into(),
        body: body.into(),
        ..NewPage::default()
    })
    .await
    .unwrap()
    .id
}

async fn comments(style: Style) {
    let h = common::empty().await;
    let c = h.client(style, ALICE).await;
    let pid = page(&c, "Discussed", "<p>The quick brown fox</p>").await;
    let on = CommentContainer::Page(pid.clone());
    let footer = c.create_footer_comment(&on, "<p>first</p>").await.unwrap();
    let reply = c
        .reply_to_comment(CommentKind::Footer, &footer.id, "<p>reply</p>")
        .await
        .unwrap();
    assert_eq!(reply.parent_comment_id.as_deref(), Some(footer.id.as_str()));
    let inline = c
        .create_inline_comment(
            &on,
            &InlineAnchor {
                text: "brown".into(),
                match_count: 1,
                match_index: 0,
            },
            "<p>which brown?</p>",
        )
        .await
        .unwrap();
    let inline_reply = c
        .reply_to_comment(CommentKind::Inline, &inline.id, "<p>dark</p>")
        .await
        .unwrap();

    let footers = collect(c.comments(CommentKind::Footer, &on, None, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(footers.len(), 1);
    let inlines = collect(c.comments(CommentKind::Inline, &on, None, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(inlines.len(), 1);
    let replies = collect(c.comment_replies(
        CommentKind::Footer,
        &footer.id,
        Some(BodyFormat::Storage),
        PageCaps::default(),
    ))
    .await
    .unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!(
        body_text(replies[0].body.as_ref(), BodyFormat::Storage),
        Some("<p>reply</p>")
    );
    let inline_replies =
        collect(c.comment_replies(CommentKind::Inline, &inline.id, None, PageCaps::default()))
            .await
            .unwrap();
    assert_eq!(inline_replies[0].id, inline_reply.id);

    // Paging on demand: one page at a time, resuming from Confluence's cursor.
    let second = c.create_footer_comment(&on, "<p>second</p>").await.unwrap();
    let first_page = c
        .comments_page(CommentKind::Footer, &on, None, 1, None)
        .await
        .unwrap();
    assert_eq!(first_page.results.len(), 1);
    assert_eq!(first_page.results[0].id, footer.id);
    let cursor = first_page.next_cursor.expect("a cursor to the second page");
    let second_page = c
        .comments_page(CommentKind::Footer, &on, None, 1, Some(&cursor))
        .await
        .unwrap();
    assert_eq!(second_page.results[0].id, second.id);
    assert_eq!(second_page.next_cursor, None);

    // Resolving needs no version; a body edit carries its message.
    let resolved = c
        .edit_comment(
            CommentKind::Inline,
            &inline.id,
            &CommentEdit {
                resolved: Some(true),
                ..CommentEdit::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(resolved.resolution_status.as_deref(), Some("resolved"));
    assert_eq!(resolved.version_number(), inline.version_number());
    let edited = c
        .edit_comment(
            CommentKind::Inline,
            &inline.id,
            &CommentEdit {
                based_on_version: inline.version_number(),
                storage: Some("<p>which brown, exactly?</p>".into()),
                message: Some("clearer".into()),
                resolved: Some(false),
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.version_number(), inline.version_number() + 1);
    assert_eq!(edited.resolution_status.as_deref(), Some("reopened"));
    assert_eq!(
        edited.version.as_ref().and_then(|v| v.message.as_deref()),
        Some("clearer")
    );
    assert!(matches!(
        c.edit_comment(CommentKind::Footer, &footer.id, &CommentEdit::default())
            .await,
        Err(Error::Invalid { .. })
    ));

    let got = c
        .comment(CommentKind::Footer, &footer.id, Some(BodyFormat::Storage))
        .await
        .unwrap();
    let updated = c
        .update_comment(
            CommentKind::Footer,
            &footer.id,
            got.version_number(),
            "<p>edited</p>",
        )
        .await
        .unwrap();
    assert_eq!(updated.version_number(), got.version_number() + 1);
    let stale = c
        .update_comment(
            CommentKind::Footer,
            &footer.id,
            got.version_number(),
            "<p>lost?</p>",
        )
        .await;
    assert!(matches!(stale, Err(Error::Conflict { .. })), "{stale:?}");
    c.delete_comment(CommentKind::Inline, &inline_reply.id)
        .await
        .unwrap();
    c.delete_comment(CommentKind::Footer, &reply.id)
        .await
        .unwrap();
    assert!(matches!(
        c.comment(CommentKind::Footer, &reply.id, None).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_site() {
    comments(Style::Site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_oauth() {
    comments(Style::OAuth).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_site() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let pid = page(&c, "Labelled", "<p>x</p>").await;
    let after = c.add_labels(&pid, &["alpha", "Beta"]).await.unwrap();
    assert_eq!(after.len(), 2);
    let listed = collect(c.labels(LabelTarget::Page, &pid, PageCaps::default()))
        .await
        .unwrap();
    let mut names: Vec<_> = listed.iter().map(|l| l.name.clone()).collect();
    names.sort();
    assert_eq!(names, vec!["alpha", "beta"]);
    c.remove_label(&pid, "alpha").await.unwrap();
    let listed = collect(c.labels(LabelTarget::Page, &pid, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(matches!(
        c.add_labels(&pid, &["two words"]).await,
        Err(Error::Invalid { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_oauth() {
    let h = common::empty().await;
    let site = h.site_client(ALICE);
    let pid = page(&site, "Labelled", "<p>x</p>").await;
    site.add_labels(&pid, &["gamma"]).await.unwrap();
    let c = h.oauth_client(ALICE).await;
    let listed = collect(c.labels(LabelTarget::Page, &pid, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(listed[0].name, "gamma");
    // Label writes are v1 content endpoints: gone through the OAuth gateway.
    assert!(matches!(
        c.add_labels(&pid, &["delta"]).await,
        Err(Error::Gone { .. })
    ));
    assert!(matches!(
        c.remove_label(&pid, "gamma").await,
        Err(Error::Gone { .. })
    ));
}

fn file(name: &str, data: &'static [u8]) -> NewAttachment {
    NewAttachment {
        file_name: name.into(),
        media_type: "text/plain".into(),
        data: bytes::Bytes::from_static(data),
        comment: Some("uploaded by a test".into()),
        minor_edit: false,
    }
}

async fn attachments_read_and_delete(c: &Client, pid: &str) {
    let list = collect(c.attachments(pid, false, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    let notes = list.iter().find(|a| a.title == "notes.txt").unwrap();
    let got = c.attachment(&notes.id).await.unwrap();
    assert_eq!(got.file_size, Some(11));
    let download = c.download_attachment(&got, 1024).await.unwrap();
    assert_eq!(&download.data[..], b"hello world");
    let capped = c.download_attachment(&got, 5).await;
    assert!(matches!(capped, Err(Error::Invalid { .. })), "{capped:?}");
    // The cap holds even when the size is not declared up front.
    let mut undeclared = got.clone();
    undeclared.file_size = None;
    assert!(matches!(
        c.download_attachment(&undeclared, 5).await,
        Err(Error::Invalid { .. })
    ));
    c.delete_attachment(&notes.id).await.unwrap();
    let list = collect(c.attachments(pid, false, PageCaps::default()))
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_site() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let pid = page(&c, "With files", "<p>x</p>").await;
    let up = c
        .upload_attachment(&pid, &file("notes.txt", b"hello world"))
        .await
        .unwrap();
    assert_eq!(up[0].title, "notes.txt");
    c.upload_attachment(&pid, &file("other.txt", b"second"))
        .await
        .unwrap();
    attachments_read_and_delete(&c, &pid).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_oauth() {
    let h = common::empty().await;
    let site = h.site_client(ALICE);
    let pid = page(&site, "With files", "<p>x</p>").await;
    site.upload_attachment(&pid, &file("notes.txt", b"hello world"))
        .await
        .unwrap();
    site.upload_attachment(&pid, &file("other.txt", b"second"))
        .await
        .unwrap();
    let c = h.oauth_client(ALICE).await;
    // The upload is a v1 content endpoint: gone through the OAuth gateway.
    assert!(matches!(
        c.upload_attachment(&pid, &file("third.txt", b"3")).await,
        Err(Error::Gone { .. })
    ));
    attachments_read_and_delete(&c, &pid).await;
}

async fn users(style: Style) {
    let h = common::empty().await;
    let c = h.client(style, ALICE).await;
    let bob = h.account_id("bob@example.com");
    let carol = h.account_id("carol@example.com");
    let found = c.users(&[&bob, &carol, "no-such-account"]).await.unwrap();
    assert_eq!(found.len(), 2);
    let one = c.user(&bob).await.unwrap();
    assert!(one.display_name.is_some());
    assert!(matches!(
        c.user("no-such-account").await,
        Err(Error::NotFound { .. })
    ));

    // By name: user CQL on v1 search, which the OAuth gateway still serves.
    let hits = collect(c.search_users("user.fullname ~ \"bob\"", PageCaps::default()))
        .await
        .unwrap();
    let ids: Vec<&str> = hits
        .iter()
        .filter_map(|h| h.user.as_ref())
        .map(|u| u.account_id.as_str())
        .collect();
    assert_eq!(ids, vec![bob.as_str()]);
    assert_eq!(hits[0].title.as_deref(), Some("Bob Builder"));
    let everyone = collect(c.search_users(
        "type = user",
        PageCaps {
            page_size: Some(2),
            ..PageCaps::default()
        },
    ))
    .await
    .unwrap();
    assert_eq!(everyone.len(), 6, "all pages of results are followed");
    assert!(matches!(
        collect(c.search_users("space = ENG", PageCaps::default())).await,
        Err(Error::Invalid { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_site() {
    users(Style::Site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_oauth() {
    users(Style::OAuth).await;
}

async fn search(style: Style) {
    let h = common::empty().await;
    let site = h.site_client(ALICE);
    for i in 0..5 {
        page(&site, &format!("Zebra report {i}"), "<p>zebra stripes</p>").await;
    }
    let c = h.client(style, ALICE).await;
    let hits = collect(c.search(
        "type = page AND title ~ \"zebra\"",
        PageCaps {
            page_size: Some(2),
            ..PageCaps::default()
        },
    ))
    .await
    .unwrap();
    assert_eq!(hits.len(), 5, "{hits:?}");
    assert!(hits.iter().all(|h| h.content_id().is_some()));
    let capped = collect(c.search("type = page AND title ~ \"zebra\"", PageCaps::items(3)))
        .await
        .unwrap();
    assert_eq!(capped.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_site() {
    search(Style::Site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_oauth() {
    search(Style::OAuth).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restrictions_both_styles() {
    let h = common::empty().await;
    let c = h.site_client(ALICE);
    let pid = page(&c, "Open page", "<p>x</p>").await;
    let r = c.restrictions(&pid).await.unwrap();
    let ops: Vec<_> = r.iter().map(|r| r.operation.clone()).collect();
    assert!(ops.contains(&"read".to_owned()) && ops.contains(&"update".to_owned()));
    assert!(r.iter().all(|r| r.restrictions.user.results.is_empty()));
    let oauth = h.oauth_client(ALICE).await;
    assert!(matches!(
        oauth.restrictions(&pid).await,
        Err(Error::Gone { .. })
    ));
}
