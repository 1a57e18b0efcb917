//! Read-only view of page restrictions (v1; v2 has no restriction endpoints). Only the
//! restrictions set directly on the content are listed, as in Confluence; inherited ones
//! still apply to reads.

use super::json::user_json;
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::{Window, start_window};
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::{Content, User};
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const V1: Flavor = Flavor::V1;
const OPERATIONS: &[&str] = &["read", "update"];
const DEFAULT_LIMIT: &str = "100";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rest/api/content/{id}/restriction", get(all))
        .route(
            "/rest/api/content/{id}/restriction/byOperation",
            get(by_operation),
        )
        .route(
            "/rest/api/content/{id}/restriction/byOperation/{operation}",
            get(for_operation),
        )
        .route(
            "/rest/api/content/{id}/restriction/byOperation/{operation}/user",
            get(user_is_restricted),
        )
}

fn readable<'a>(store: &'a Store, user: &User, raw: &str) -> ApiResult<&'a Content> {
    let id = ApiError::parse_id(V1, raw)?;
    store
        .readable_content(user, id)
        .ok_or_else(|| ApiError::not_found(V1, format!("No content with id {id} found")))
}

fn operation(raw: &str) -> ApiResult<&'static str> {
    OPERATIONS
        .iter()
        .find(|o| **o == raw)
        .copied()
        .ok_or_else(|| {
            ApiError::bad_request(
                V1,
                format!("Unsupported operation '{raw}'; use read or update"),
            )
        })
}

fn restricted_ids<'a>(content: &'a Content, op: &str) -> &'a [String] {
    let list = match op {
        "read" => &content.read_restricted_to,
        _ => &content.update_restricted_to,
    };
    list.as_deref().unwrap_or_default()
}

/// One operation's `ContentRestriction` with a window of its users.
fn restriction_json(
    store: &Store,
    base: &str,
    content: &Content,
    op: &str,
    window: Window,
) -> Value {
    let users: Vec<Value> = restricted_ids(content, op)
        .iter()
        .filter_map(|id| store.user_by_account(id))
        .map(|u| user_json(base, u))
        .collect();
    let total = users.len();
    let page: Vec<Value> = users
        .into_iter()
        .skip(window.offset)
        .take(window.limit)
        .collect();
    let size = page.len();
    json!({
        "operation": op,
        "restrictions": {
            "user": { "results": page, "start": window.offset, "limit": window.limit, "size": size, "totalSize": total },
            "group": { "results": [], "start": 0, "limit": window.limit, "size": 0 },
        },
        "_expandable": { "content": format!("/rest/api/content/{}", content.id) },
        "_links": {
            "self": format!("{base}/rest/api/content/{}/restriction/byOperation/{op}", content.id),
            "base": base,
            "context": "/wiki",
        },
    })
}

fn window(uri: &axum::http::Uri) -> ApiResult<Window> {
    let params = Params::from_uri(uri);
    let limit = params
        .get("limit")
        .filter(|l| !l.is_empty())
        .unwrap_or(DEFAULT_LIMIT);
    start_window(params.get("start"), Some(limit), 200)
}

/// Changes whenever the set of restricted accounts changes, as the UI's hash does.
fn restrictions_hash(content: &Content) -> String {
    let mut hasher = Sha256::new();
    for op in OPERATIONS {
        hasher.update(op.as_bytes());
        for id in restricted_ids(content, op) {
            hasher.update(b"\0");
            hasher.update(id.as_bytes());
        }
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn all(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<axum::Json<Value>> {
    let window = window(&u)?;
    let base = s.wiki_base();
    let store = s.read();
    let content = readable(&store, &ctx.user, &id)?;
    let results: Vec<Value> = OPERATIONS
        .iter()
        .map(|op| restriction_json(&store, &base, content, op, window))
        .collect();
    Ok(axum::Json(json!({
        "results": results,
        "start": window.offset,
        "limit": window.limit,
        "size": OPERATIONS.len(),
        "restrictionsHash": restrictions_hash(content),
        "_links": {
            "base": base,
            "context": "/wiki",
            "self": format!("{base}/rest/api/content/{}/restriction", content.id),
        },
    })))
}

async fn by_operation(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<axum::Json<Value>> {
    let window = window(&u)?;
    let base = s.wiki_base();
    let store = s.read();
    let content = readable(&store, &ctx.user, &id)?;
    let mut out = serde_json::Map::new();
    for op in OPERATIONS {
        out.insert(
            (*op).to_owned(),
            restriction_json(&store, &base, content, op, window),
        );
    }
    Ok(axum::Json(Value::Object(out)))
}

async fn for_operation(
    ctx: Ctx,
    State(s): State<AppState>,
    Path((id, op)): Path<(String, String)>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<axum::Json<Value>> {
    let op = operation(&op)?;
    let window = window(&u)?;
    let base = s.wiki_base();
    let store = s.read();
    let content = readable(&store, &ctx.user, &id)?;
    Ok(axum::Json(restriction_json(
        &store, &base, content, op, window,
    )))
}

/// 200 when the account is named in the operation's restriction, 404 when not.
async fn user_is_restricted(
    ctx: Ctx,
    State(s): State<AppState>,
    Path((id, op)): Path<(String, String)>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<StatusCode> {
    let op = operation(&op)?;
    let params = Params::from_uri(&u);
    let account = params
        .get("accountId")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::bad_request(V1, "accountId is required"))?;
    let store = s.read();
    let content = readable(&store, &ctx.user, &id)?;
    if restricted_ids(content, op).iter().any(|a| a == account) {
        Ok(StatusCode::OK)
    } else {
        Err(ApiError::not_found(
            V1,
            format!(
                "Account {account} is not in the {op} restriction of content {}",
                content.id
            ),
        ))
    }
}
