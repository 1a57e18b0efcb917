//! Unit tests of the v2 OpenAPI response checker itself, on hand-made bodies.

mod common;

use common::Reply;
use common::schema::{
    KNOWN_MISSING, check_v2, checked_operations, compile, documented_response_schemas,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn reply(status: u16, body: Value) -> Reply {
    let text = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    Reply {
        status: StatusCode::from_u16(status).unwrap_or_else(|e| panic!("{status}: {e}")),
        headers: reqwest::header::HeaderMap::new(),
        body,
        text,
    }
}

/// The panic message of `check_v2`, or `None` when the body passes.
fn failure(method: Method, path: &str, reply: &Reply) -> Option<String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| check_v2(&method, path, reply)));
    outcome.err().map(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

fn page(id: Value, status: &str) -> Value {
    json!({
        "id": id,
        "status": status,
        "title": "Home",
        "spaceId": "10",
        "parentId": "3",
        "parentType": "page",
        "position": null,
        "authorId": "557058:aaaa",
        "ownerId": null,
        "createdAt": "2026-06-01T09:00:00.000Z",
        "version": {"createdAt": "2026-06-01T09:00:00.000Z", "message": "", "number": 1,
                    "minorEdit": false, "authorId": "557058:aaaa"},
        "body": {"storage": {"representation": "storage", "value": "<p>hi</p>"}},
        "someFieldConfluenceAddsLater": {"anything": true},
        "_links": {"webui": "/spaces/ENG/pages/1/Home", "editui": "/pages/resumedraft.action?draftId=1",
                   "tinyui": "/x/AQ", "base": "http://127.0.0.1:1/wiki"}
    })
}

#[test]
fn valid_page_passes() {
    let ok = reply(200, page(json!("1"), "current"));
    assert_eq!(
        failure(Method::GET, "/wiki/api/v2/pages/1?body-format=storage", &ok),
        None
    );
    // The OAuth gateway prefix is also recognised.
    assert_eq!(
        failure(Method::GET, "/ex/confluence/abc/wiki/api/v2/pages/1", &ok),
        None
    );
}

#[test]
fn numeric_id_fails_with_locations() {
    let bad = reply(200, page(json!(1), "current"));
    let message = failure(Method::GET, "/wiki/api/v2/pages/1", &bad).expect("must fail");
    assert!(message.contains("GET /wiki/api/v2/pages/1"), "{message}");
    assert!(message.contains("GET /pages/{id}"), "{message}");
    assert!(message.contains("/id"), "{message}");
    assert!(message.contains("string"), "{message}");
    assert!(
        message.contains("\"title\":\"Home\""),
        "body excerpt: {message}"
    );
}

#[test]
fn wrong_status_enum_fails() {
    let bad = reply(200, page(json!("1"), "published"));
    let message = failure(Method::GET, "/wiki/api/v2/pages/1", &bad).expect("must fail");
    assert!(message.contains("/status"), "{message}");
}

#[test]
fn nullable_respected_and_non_nullable_rejected() {
    let mut body = page(json!("1"), "current");
    body["position"] = json!(3);
    assert_eq!(
        failure(
            Method::GET,
            "/wiki/api/v2/pages/1",
            &reply(200, body.clone())
        ),
        None
    );
    body["title"] = Value::Null;
    assert!(failure(Method::GET, "/wiki/api/v2/pages/1", &reply(200, body)).is_some());
}

#[test]
fn list_with_bad_element_fails() {
    let good = json!({"id": "5", "status": "current", "title": "Child", "spaceId": "10",
                      "childPosition": 0});
    let list = |items: Vec<Value>| {
        reply(
            200,
            json!({"results": items, "_links": {"next": "/wiki/api/v2/pages/1/children?cursor=x"}}),
        )
    };
    let path = "/wiki/api/v2/pages/1/children?limit=2";
    assert_eq!(failure(Method::GET, path, &list(vec![good.clone()])), None);
    let mut bad = good.clone();
    bad["childPosition"] = json!("first");
    let message = failure(Method::GET, path, &list(vec![good, bad])).expect("must fail");
    assert!(message.contains("/results/1/childPosition"), "{message}");
    assert!(
        message.contains("GET /pages/{id}/children"),
        "literal segment preferred: {message}"
    );
}

#[test]
fn error_bodies() {
    let error = |status: u16| json!({"errors": [{"status": status, "code": "NOT_FOUND", "title": "Not found", "detail": null}]});
    let path = "/wiki/api/v2/pages/999";
    assert_eq!(failure(Method::GET, path, &reply(404, error(404))), None);
    // Statuses the document does not list for the operation still need the error shape.
    assert_eq!(failure(Method::GET, path, &reply(403, error(403))), None);
    assert_eq!(failure(Method::GET, path, &reply(429, error(429))), None);
    assert!(failure(Method::GET, path, &reply(404, error(400))).is_some());
    assert!(failure(Method::GET, path, &reply(404, json!({"message": "nope"}))).is_some());
    assert!(failure(Method::GET, path, &reply(404, json!({"errors": []}))).is_some());
    let mut not_json = reply(404, Value::Null);
    not_json.text = "Not Found".into();
    assert!(failure(Method::GET, path, &not_json).is_some());
}

#[test]
fn undocumented_status_and_204() {
    // DELETE /pages/{id} documents 204 only.
    assert_eq!(
        failure(
            Method::DELETE,
            "/wiki/api/v2/pages/1",
            &reply(204, Value::Null)
        ),
        None
    );
    assert!(
        failure(
            Method::DELETE,
            "/wiki/api/v2/pages/1",
            &reply(204, json!({"ok": true}))
        )
        .is_some()
    );
    assert!(
        failure(
            Method::DELETE,
            "/wiki/api/v2/pages/1",
            &reply(200, json!({}))
        )
        .is_some()
    );
    // POST /pages answers 200 in the document, not 201.
    let created = reply(201, page(json!("7"), "current"));
    let message = failure(Method::POST, "/wiki/api/v2/pages", &created).expect("must fail");
    assert!(message.contains("not documented"), "{message}");
}

#[test]
fn unknown_v2_path_panics() {
    let message = failure(
        Method::GET,
        "/wiki/api/v2/pages/1/gadgets",
        &reply(200, json!({})),
    )
    .expect("must fail");
    assert!(message.contains("KNOWN_MISSING"), "{message}");
    // An operation the document lacks on a known path also fails when it succeeds…
    assert!(
        failure(
            Method::POST,
            "/wiki/api/v2/pages/1/labels",
            &reply(200, json!({}))
        )
        .is_some()
    );
    // …but a 404/405 agrees that no such route exists.
    let mut not_found = reply(404, Value::Null);
    not_found.text = "Not Found".into();
    assert_eq!(
        failure(Method::GET, "/wiki/api/v2/nothing/here", &not_found),
        None
    );
    assert_eq!(
        failure(
            Method::POST,
            "/wiki/api/v2/pages/1/labels",
            &reply(405, Value::Null)
        ),
        None
    );
}

#[test]
fn non_v2_paths_are_ignored() {
    let anything = reply(200, json!({"results": 5}));
    assert_eq!(
        failure(Method::GET, "/wiki/rest/api/content/1", &anything),
        None
    );
}

#[test]
fn descendants_allowlist() {
    let body = json!({
        "results": [
            {"id": "5", "status": "current", "title": "A", "type": "page", "parentId": "1",
             "depth": 1, "childPosition": 0},
            {"id": "6", "status": "current", "title": "B", "type": "folder", "parentId": "5",
             "depth": 2, "childPosition": null}
        ],
        "_links": {"base": "http://127.0.0.1:1/wiki"}
    });
    let path = "/wiki/api/v2/pages/1/descendants?depth=5&limit=10";
    assert_eq!(failure(Method::GET, path, &reply(200, body.clone())), None);
    let mut bad = body.clone();
    bad["results"][1]["depth"] = json!("2");
    assert!(failure(Method::GET, path, &reply(200, bad)).is_some());
    let mut missing_title = body;
    missing_title["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("title");
    assert!(failure(Method::GET, path, &reply(200, missing_title)).is_some());

    let children = json!({
        "results": [{"id": "5", "status": "current", "title": "A", "type": "page",
                     "spaceId": "10", "childPosition": 0}],
        "_links": {}
    });
    let path = "/wiki/api/v2/pages/1/direct-children";
    assert_eq!(failure(Method::GET, path, &reply(200, children)), None);
    let error = json!({"errors": [{"status": 404, "code": "NOT_FOUND", "title": "x"}]});
    assert_eq!(failure(Method::GET, path, &reply(404, error)), None);
    assert!(KNOWN_MISSING.contains(&("get", "/pages/{id}/descendants")));
}

#[test]
fn checked_operations_are_recorded() {
    let ok = reply(200, page(json!("1"), "current"));
    check_v2(&Method::GET, "/wiki/api/v2/pages/42", &ok);
    assert!(
        checked_operations().contains(&"GET /pages/{id} -> 200".to_owned()),
        "{:?}",
        checked_operations()
    );
}

#[test]
fn every_documented_response_schema_compiles() {
    let schemas = documented_response_schemas();
    assert!(
        schemas.len() > 100,
        "only {} response schemas found",
        schemas.len()
    );
    let failures: Vec<String> = schemas
        .iter()
        .filter_map(|(operation, code, schema)| {
            compile(schema)
                .err()
                .map(|e| format!("{operation} {code}: {e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
