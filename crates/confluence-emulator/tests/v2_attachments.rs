//! Attachments: v1 multipart upload (XSRF header, versions, size limit), v2 lists and reads,
//! downloads byte for byte, deletes, permissions and bad input.
// Tests may unwrap: a panic is a test failure. The harness helpers count as test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod store_fixtures;

use common::{Harness, Reply};
use confluence_emulator::{EmulatorConfig, SeedKind};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use store_fixtures::*;

/// One file of a multipart upload: name, media type (guessed when `None`), bytes.
type File<'a> = (&'a str, Option<&'a str>, &'a [u8]);

fn form(files: &[File<'_>], comment: Option<&str>) -> Form {
    let mut form = Form::new();
    for (name, mime, data) in files {
        let mut part = Part::bytes(data.to_vec()).file_name((*name).to_owned());
        if let Some(m) = mime {
            part = part.mime_str(m).unwrap();
        }
        form = form.part("file", part);
    }
    if let Some(c) = comment {
        form = form.text("comment", c.to_owned());
    }
    form.text("minorEdit", "true")
}

/// Sends a multipart request, with the XSRF opt-out header unless `xsrf` is false.
async fn send(
    h: &Harness,
    email: &str,
    method: Method,
    path: &str,
    form: Form,
    xsrf: bool,
) -> Reply {
    let (user, token) = h.basic(email);
    let mut req = h
        .http
        .request(method, format!("{}{path}", h.site()))
        .basic_auth(user, Some(token))
        .multipart(form);
    if xsrf {
        req = req.header("X-Atlassian-Token", "no-check");
    }
    common::read(req.send().await.unwrap()).await
}

fn attach_path(id: u64) -> String {
    format!("/wiki/rest/api/content/{id}/child/attachment")
}

/// The common case: POST one file to a page.
async fn upload(h: &Harness, email: &str, id: u64, file: File<'_>) -> Reply {
    send(
        h,
        email,
        Method::POST,
        &attach_path(id),
        form(&[file], None),
        true,
    )
    .await
}

async fn raw_get(h: &Harness, email: &str, path: &str) -> reqwest::Response {
    let (user, token) = h.basic(email);
    let req = h
        .http
        .get(format!("{}{path}", h.site()))
        .basic_auth(user, Some(token));
    req.send().await.unwrap()
}

async fn download_status(h: &Harness, email: &str, path: &str) -> StatusCode {
    raw_get(h, email, path).await.status()
}

fn first_id(r: &Reply) -> String {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["results"][0]["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_list_read_and_download() {
    let h = common::empty().await;
    let pid = page(&h, "DOCS", "Guide");
    let data: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let files = [("diagram one.png", Some("image/png"), data.as_slice())];
    let r = send(
        &h,
        BOB,
        Method::POST,
        &attach_path(pid),
        form(&files, Some("first cut")),
        true,
    )
    .await;
    let att = first_id(&r);
    assert_eq!(r.body["size"], 1);
    let v1 = &r.body["results"][0];
    assert!(att.starts_with("att"), "{att}");
    assert_eq!(
        (v1["type"].as_str(), v1["title"].as_str()),
        (Some("attachment"), Some("diagram one.png"))
    );
    assert_eq!(v1["extensions"]["fileSize"], 5000);
    assert_eq!(v1["extensions"]["mediaType"], "image/png");
    assert_eq!(v1["metadata"]["comment"], "first cut");
    assert_eq!(v1["container"]["id"], pid.to_string());
    assert_eq!(v1["version"]["number"], 1);
    assert_eq!(v1["version"]["by"]["accountId"], h.account_id(BOB));

    // v2: on the page, by id (with or without "att"), site-wide.
    let list = h
        .get(FRANK, &format!("/wiki/api/v2/pages/{pid}/attachments"))
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let a = &list.body["results"][0];
    assert_eq!(
        (a["id"].as_str(), a["pageId"].as_str()),
        (Some(att.as_str()), Some(pid.to_string().as_str()))
    );
    assert_eq!(
        (a["mediaType"].as_str(), a["mediaTypeDescription"].as_str()),
        (Some("image/png"), Some("PNG Image"))
    );
    assert_eq!(
        (a["fileSize"].as_u64(), a["status"].as_str()),
        (Some(5000), Some("current"))
    );
    assert_eq!(
        (a["comment"].as_str(), a["version"]["number"].as_u64()),
        (Some("first cut"), Some(1))
    );
    assert!(!a["fileId"].as_str().unwrap().is_empty());
    let download = a["downloadLink"].as_str().unwrap().to_owned();
    assert!(
        download.starts_with(&format!("/download/attachments/{pid}/diagram%20one.png?")),
        "{download}"
    );
    assert_eq!(a["_links"]["download"], download);
    for id in [att.as_str(), att.trim_start_matches("att")] {
        let one = h
            .get(FRANK, &format!("/wiki/api/v2/attachments/{id}"))
            .await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.text);
        assert_eq!(one.body["id"], att);
        assert!(
            one.body["_links"]["base"]
                .as_str()
                .unwrap()
                .ends_with("/wiki")
        );
    }
    let url = format!("/wiki/api/v2/attachments/{att}");
    let rich = h
        .get(
            FRANK,
            &format!("{url}?include-labels=true&include-versions=true&include-version=false"),
        )
        .await;
    assert!(rich.body.get("version").is_none());
    assert_eq!(rich.body["labels"]["results"], Value::Array(vec![]));
    assert_eq!(rich.body["versions"]["results"][0]["number"], 1);
    assert_eq!(
        h.get(FRANK, &format!("{url}?version=1")).await.status,
        StatusCode::OK
    );
    get_fails(&h, FRANK, &format!("{url}?version=2"), 404).await;
    assert_eq!(
        field(&h.get(FRANK, "/wiki/api/v2/attachments").await, "title"),
        vec!["diagram one.png"]
    );
    assert_eq!(
        h.get(FRANK, &format!("{url}/labels")).await.status,
        StatusCode::OK
    );

    // Downloads: the v2 downloadLink (relative to the wiki base) and the v1 endpoint.
    for path in [
        format!("/wiki{download}"),
        format!("{}/{att}/download", attach_path(pid)),
    ] {
        let resp = raw_get(&h, FRANK, &path).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(resp.headers()["content-type"], "image/png");
        assert_eq!(resp.headers()["content-length"], "5000");
        assert_eq!(resp.bytes().await.unwrap().to_vec(), data);
    }
    // Through the OAuth gateway too.
    let token = h.oauth_login(FRANK).await;
    let gateway = format!("{}/wiki{download}", h.emulator.info.oauth_api_base_url);
    let resp = h
        .http
        .get(gateway)
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap().to_vec(), data);

    let v1_list = h.get(FRANK, &attach_path(pid)).await;
    assert_eq!(field(&v1_list, "title"), vec!["diagram one.png"]);
    assert_eq!(v1_list.body["size"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xsrf_duplicates_and_new_versions() {
    let h = common::empty().await;
    let pid = page(&h, "ENG", "Runbook");
    let path = attach_path(pid);
    let hello: File<'_> = ("a.txt", None, b"hello");
    let r = send(&h, BOB, Method::POST, &path, form(&[hello], None), false).await;
    v1_error(&r, 403);
    assert!(r.text.contains("XSRF check failed"), "{}", r.text);

    let r = upload(&h, BOB, pid, hello).await;
    let att = first_id(&r);
    assert_eq!(
        r.body["results"][0]["extensions"]["mediaType"],
        "text/plain"
    );
    // Same name again: POST refuses, PUT makes version 2 of the same attachment.
    v1_error(&upload(&h, BOB, pid, ("a.txt", None, b"again")).await, 400);
    let r = send(
        &h,
        BOB,
        Method::PUT,
        &path,
        form(&[("a.txt", None, b"hello, world")], None),
        true,
    )
    .await;
    assert_eq!(first_id(&r), att);
    assert_eq!(r.body["results"][0]["version"]["number"], 2);
    let v2 = h.get(BOB, &format!("/wiki/api/v2/attachments/{att}")).await;
    assert_eq!(
        (
            v2.body["version"]["number"].as_u64(),
            v2.body["fileSize"].as_u64()
        ),
        (Some(2), Some(12))
    );
    let bytes = raw_get(&h, BOB, &format!("{path}/{att}/download"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"hello, world");
    assert_eq!(
        download_status(&h, BOB, &format!("{path}/{att}/download?version=1")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download_status(&h, BOB, &format!("{path}/{att}/download?version=7")).await,
        StatusCode::BAD_REQUEST
    );
    // PUT with a new name creates a new attachment.
    let r = send(
        &h,
        BOB,
        Method::PUT,
        &path,
        form(&[("b.json", None, b"{}")], None),
        true,
    )
    .await;
    assert_eq!(r.body["results"][0]["version"]["number"], 1);
    assert_eq!(
        r.body["results"][0]["extensions"]["mediaType"],
        "application/json"
    );
    // Data replacement by id.
    let data_path = format!("{path}/{att}/data");
    v1_error(
        &send(
            &h,
            BOB,
            Method::POST,
            &data_path,
            form(&[("a.txt", None, b"3")], None),
            false,
        )
        .await,
        403,
    );
    let r = send(
        &h,
        BOB,
        Method::POST,
        &data_path,
        form(&[("a.txt", None, b"third")], None),
        true,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["version"]["number"], 3);
    // Several files at once, comments paired in order; the same name twice is refused.
    let two = form(&[("c.csv", None, b"a,b"), ("d.md", None, b"# d")], None);
    assert_eq!(
        send(&h, BOB, Method::POST, &path, two, true).await.body["size"],
        2
    );
    let dup = form(&[("e.txt", None, b"1"), ("e.txt", None, b"2")], None);
    v1_error(&send(&h, BOB, Method::POST, &path, dup, true).await, 400);
    let one_comment_two_files = form(
        &[("f.txt", None, b"1"), ("g.txt", None, b"2")],
        Some("only one"),
    );
    v1_error(
        &send(&h, BOB, Method::POST, &path, one_comment_two_files, true).await,
        400,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachment_filters_pagination_and_delete() {
    let h = common::empty().await;
    let pid = page(&h, "DOCS", "Files");
    let post_id = blog(&h, "DOCS", "Post");
    for (name, mime) in [
        ("1.png", "image/png"),
        ("2.pdf", "application/pdf"),
        ("3.png", "image/png"),
        ("4.txt", "text/plain"),
        ("5.png", "image/png"),
    ] {
        first_id(&upload(&h, BOB, pid, (name, Some(mime), name.as_bytes())).await);
    }
    first_id(&upload(&h, BOB, post_id, ("blog.png", Some("image/png"), b"x")).await);

    let list = format!("/wiki/api/v2/pages/{pid}/attachments");
    let (all, pages) = collect_v2(&h, FRANK, &format!("{list}?limit=2")).await;
    let titles: Vec<&str> = all.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(
        (titles, pages),
        (vec!["1.png", "2.pdf", "3.png", "4.txt", "5.png"], 3)
    );
    let titles = |r: Reply| field(&r, "title");
    assert_eq!(
        titles(h.get(FRANK, &format!("{list}?mediaType=image/png")).await),
        vec!["1.png", "3.png", "5.png"]
    );
    assert_eq!(
        titles(h.get(FRANK, &format!("{list}?filename=2.pdf")).await),
        vec!["2.pdf"]
    );
    assert_eq!(
        titles(
            h.get(FRANK, &format!("{list}?sort=-created-date&limit=1"))
                .await
        ),
        vec!["5.png"]
    );
    assert_eq!(
        titles(
            h.get(FRANK, &format!("{}?filename=4.txt", attach_path(pid)))
                .await
        ),
        vec!["4.txt"]
    );
    let v1_pngs = h
        .get(
            FRANK,
            &format!("{}?mediaType=image/png&limit=2", attach_path(pid)),
        )
        .await;
    assert!(
        v1_pngs.body["_links"]["next"]
            .as_str()
            .unwrap()
            .contains("start=2")
    );
    assert_eq!(titles(v1_pngs), vec!["1.png", "3.png"]);
    let blog_list = h
        .get(
            FRANK,
            &format!("/wiki/api/v2/blogposts/{post_id}/attachments"),
        )
        .await;
    assert_eq!(field(&blog_list, "blogPostId"), vec![post_id.to_string()]);
    assert!(blog_list.body["results"][0].get("pageId").is_none());
    get_fails(
        &h,
        FRANK,
        &format!("/wiki/api/v2/pages/{post_id}/attachments"),
        404,
    )
    .await;
    assert_eq!(
        results(
            &h.get(FRANK, "/wiki/api/v2/attachments?mediaType=image/png")
                .await
        )
        .len(),
        4
    );

    // Delete: readers may not; writers trash; purge removes a trashed attachment.
    let att = first_id(&h.get(FRANK, &format!("{list}?filename=4.txt")).await);
    let url = format!("/wiki/api/v2/attachments/{att}");
    v2_error(&delete(&h, FRANK, &url).await, 403);
    v2_error(&delete(&h, BOB, &format!("{url}?purge=true")).await, 400);
    assert_eq!(delete(&h, BOB, &url).await.status, StatusCode::NO_CONTENT);
    v2_error(&delete(&h, BOB, &url).await, 404);
    assert_eq!(h.get(FRANK, &url).await.body["status"], "trashed");
    assert!(!titles(h.get(FRANK, &list).await).contains(&"4.txt".to_owned()));
    assert_eq!(
        titles(h.get(FRANK, &format!("{list}?status=trashed")).await),
        vec!["4.txt"]
    );
    assert_eq!(
        download_status(
            &h,
            FRANK,
            &format!("/wiki/download/attachments/{pid}/4.txt")
        )
        .await,
        StatusCode::NOT_FOUND
    );
    // The name is free again once the old file is trashed.
    first_id(&upload(&h, BOB, pid, ("4.txt", None, b"new")).await);
    assert_eq!(
        delete(&h, BOB, &format!("{url}?purge=true")).await.status,
        StatusCode::NO_CONTENT
    );
    get_fails(&h, BOB, &url, 404).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachment_permissions() {
    let h = common::empty().await;
    let eng = page(&h, "ENG", "Eng");
    let docs = page(&h, "DOCS", "Docs");
    let eng_att = first_id(&upload(&h, BOB, eng, ("eng.txt", None, b"eng")).await);
    // Frank reads DOCS only: may not upload there, sees nothing of ENG.
    v1_error(&upload(&h, FRANK, docs, ("f.txt", None, b"f")).await, 403);
    v1_error(&upload(&h, FRANK, eng, ("f.txt", None, b"f")).await, 404);
    get_fails(
        &h,
        FRANK,
        &format!("/wiki/api/v2/pages/{eng}/attachments"),
        404,
    )
    .await;
    get_fails(
        &h,
        FRANK,
        &format!("/wiki/api/v2/attachments/{eng_att}"),
        404,
    )
    .await;
    get_fails(&h, FRANK, &attach_path(eng), 404).await;
    v2_error(
        &delete(&h, FRANK, &format!("/wiki/api/v2/attachments/{eng_att}")).await,
        404,
    );
    for path in [
        format!("{}/{eng_att}/download", attach_path(eng)),
        format!("/wiki/download/attachments/{eng}/eng.txt"),
    ] {
        assert_eq!(
            download_status(&h, FRANK, &path).await,
            StatusCode::NOT_FOUND
        );
    }
    assert!(results(&h.get(FRANK, "/wiki/api/v2/attachments").await).is_empty());

    // A read restriction hides a DOCS page's files from frank but not from bob or alice.
    let docs_att = first_id(&upload(&h, BOB, docs, ("d.txt", None, b"d")).await);
    let url = format!("/wiki/api/v2/attachments/{docs_att}");
    assert_eq!(h.get(FRANK, &url).await.status, StatusCode::OK);
    restrict_read(&h, docs, &[BOB]);
    get_fails(&h, FRANK, &url, 404).await;
    assert_eq!(
        download_status(
            &h,
            FRANK,
            &format!("/wiki/download/attachments/{docs}/d.txt")
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(h.get(BOB, &url).await.status, StatusCode::OK);
    assert_eq!(
        results(&h.get(ALICE, "/wiki/api/v2/attachments").await).len(),
        2
    );
    // An update restriction leaves reads alone but blocks uploads and deletes.
    let locked = page(&h, "DOCS", "Locked");
    let locked_att = first_id(&upload(&h, BOB, locked, ("y.txt", None, b"y")).await);
    restrict_update(&h, locked, &[ALICE]);
    v1_error(&upload(&h, BOB, locked, ("x.txt", None, b"x")).await, 403);
    v2_error(
        &delete(&h, BOB, &format!("/wiki/api/v2/attachments/{locked_att}")).await,
        403,
    );
    first_id(&upload(&h, ALICE, locked, ("x.txt", None, b"x")).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachment_bad_input_and_size_limit() {
    let h = common::start_with(EmulatorConfig {
        seed: SeedKind::Empty,
        rate_limit_rps: 0.0,
        max_body_bytes: 4096,
        ..EmulatorConfig::default()
    })
    .await;
    let pid = page(&h, "ENG", "Small");
    let big = vec![7u8; 2 * 1024 * 1024];
    v1_error(&upload(&h, BOB, pid, ("big.bin", None, &big)).await, 413);
    assert!(h.emulator.state.read().attachments.is_empty());
    let ok = upload(&h, BOB, pid, ("small.bin", None, &[1, 2, 3])).await;
    let att = first_id(&ok);
    assert_eq!(
        ok.body["results"][0]["extensions"]["mediaType"],
        "application/octet-stream"
    );

    // Not multipart, no file part, bad ids.
    let (user, token) = h.basic(BOB);
    let url = format!("{}{}", h.site(), attach_path(pid));
    let not_multipart = h
        .http
        .post(&url)
        .basic_auth(user, Some(token))
        .header("X-Atlassian-Token", "no-check")
        .header("content-type", "application/json")
        .body("{}");
    v1_error(
        &common::read(not_multipart.send().await.unwrap()).await,
        400,
    );
    let no_file = Form::new().text("comment", "no file");
    v1_error(
        &send(&h, BOB, Method::POST, &attach_path(pid), no_file, true).await,
        400,
    );
    v1_error(&upload(&h, BOB, 0, ("a.txt", None, b"a")).await, 404);
    let bad_id = "/wiki/rest/api/content/abc/child/attachment";
    v1_error(
        &send(
            &h,
            BOB,
            Method::POST,
            bad_id,
            form(&[("a.txt", None, b"a")], None),
            true,
        )
        .await,
        400,
    );
    get_fails(&h, BOB, "/wiki/api/v2/attachments/xyz", 400).await;
    get_fails(&h, BOB, "/wiki/api/v2/attachments/att999999", 404).await;
    get_fails(&h, BOB, "/wiki/api/v2/attachments?status=bogus", 400).await;
    get_fails(&h, BOB, "/wiki/api/v2/attachments?cursor=nope", 400).await;
    get_fails(
        &h,
        BOB,
        &format!("/wiki/api/v2/pages/{pid}/attachments?sort=name"),
        400,
    )
    .await;
    get_fails(
        &h,
        BOB,
        &format!("/wiki/api/v2/attachments/{att}?version=x"),
        400,
    )
    .await;
    get_fails(&h, BOB, &format!("{}?start=x", attach_path(pid)), 400).await;
    assert_eq!(
        download_status(&h, BOB, &format!("{}/{att}/download", attach_path(0))).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        download_status(
            &h,
            BOB,
            &format!("/wiki/download/attachments/{pid}/missing.bin")
        )
        .await,
        StatusCode::NOT_FOUND
    );
}
