//! v1 content labels: list, add and remove. v2 cannot change labels, so every client that
//! labels pages comes through here. Reading needs read access; changing needs write access
//! (404 when the page is invisible, 403 when it is read-only to the caller).

use super::content::readable_content;
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor, parse_json};
use crate::pagination::{start_window, v1_list};
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::{Content, Label, User};
use crate::v2::request::body_bytes;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{StatusCode, Uri};
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::{Value, json};

const V1: Flavor = Flavor::V1;
const PREFIXES: &[&str] = &["global", "my", "team"];
/// Characters Confluence refuses in label names.
const FORBIDDEN: &[char] = &[
    ':', ';', ',', '.', '?', '&', '[', ']', '(', ')', '#', '^', '*', '@', '!', '/', '\\', '<', '>',
    '"', '\'',
];
const MAX_LABEL_LEN: usize = 255;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/rest/api/content/{id}/label",
            get(list_labels).post(add_labels).delete(remove_label_query),
        )
        .route(
            "/rest/api/content/{id}/label/{label}",
            delete(remove_label_path),
        )
}

pub fn v1_label_json(label: &Label) -> Value {
    json!({
        "prefix": label.prefix,
        "name": label.name,
        "id": label.id.to_string(),
        "label": label.name,
    })
}

/// The content, if the caller can see it; with `write`, also 403 unless they may edit it.
fn content<'a>(store: &'a Store, user: &User, raw: &str, write: bool) -> ApiResult<&'a Content> {
    readable_content(store, user, raw, write.then_some("edit labels on"))
}

/// A v1 label list; `paged` reads `start`/`limit` (default 200) from the request.
fn labels_body(state: &AppState, uri: &Uri, labels: &[Label], paged: bool) -> ApiResult<Value> {
    let params = Params::from_uri(uri);
    let (start, limit) = match paged {
        true => (
            params.get("start"),
            params.get("limit").filter(|l| !l.is_empty()),
        ),
        false => (None, None),
    };
    let prefix = params.get("prefix").filter(|p| !p.is_empty());
    if let Some(p) = prefix
        && !PREFIXES.contains(&p)
    {
        return Err(ApiError::bad_request(
            V1,
            format!("Invalid label prefix '{p}'"),
        ));
    }
    let window = start_window(start, Some(limit.unwrap_or("200")), 200)?;
    let items = labels
        .iter()
        .filter(|l| prefix.is_none_or(|p| l.prefix == p))
        .map(v1_label_json)
        .collect();
    Ok(v1_list(state, uri, items, window))
}

async fn list_labels(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<axum::Json<Value>> {
    let labels = content(&s.read(), &ctx.user, &id, false)?.labels.clone();
    labels_body(&s, &u, &labels, true).map(axum::Json)
}

#[derive(Deserialize)]
struct LabelIn {
    prefix: Option<String>,
    name: Option<String>,
}

/// One label or a list of them, as the v1 API accepts both.
#[derive(Deserialize)]
#[serde(untagged)]
enum LabelsIn {
    Many(Vec<LabelIn>),
    One(LabelIn),
}

/// Checks a requested label and gives back `(prefix, lowercased name)`.
fn validate(label: &LabelIn) -> ApiResult<(String, String)> {
    let prefix = label
        .prefix
        .as_deref()
        .unwrap_or("global")
        .trim()
        .to_lowercase();
    if !PREFIXES.contains(&prefix.as_str()) {
        return Err(ApiError::bad_request(
            V1,
            format!("Invalid label prefix '{prefix}'"),
        ));
    }
    let name = label
        .name
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    if name.is_empty() {
        return Err(ApiError::bad_request(V1, "A label name is required"));
    }
    if name.chars().count() > MAX_LABEL_LEN {
        return Err(ApiError::bad_request(
            V1,
            format!("Label names can be at most {MAX_LABEL_LEN} characters"),
        ));
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || FORBIDDEN.contains(&c))
    {
        return Err(ApiError::bad_request(
            V1,
            format!(
                "Label '{name}' contains an invalid character; labels cannot contain spaces or any of :;,.?&[]()#^*@!/\\<>\"'"
            ),
        ));
    }
    Ok((prefix, name))
}

async fn add_labels(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<axum::Json<Value>> {
    let bytes = body_bytes(V1, body)?;
    let wanted = match parse_json::<LabelsIn>(V1, &bytes)? {
        LabelsIn::Many(list) => list,
        LabelsIn::One(one) => vec![one],
    };
    if wanted.is_empty() {
        return Err(ApiError::bad_request(V1, "At least one label is required"));
    }
    let checked = wanted.iter().map(validate).collect::<ApiResult<Vec<_>>>()?;
    let labels = {
        let mut store = s.write();
        let content_id = content(&store, &ctx.user, &id, true)?.id;
        for (prefix, name) in &checked {
            store.add_label(content_id, prefix, name);
        }
        store
            .contents
            .get(&content_id)
            .map(|c| c.labels.clone())
            .unwrap_or_default()
    };
    labels_body(&s, &u, &labels, false).map(axum::Json)
}

fn remove(state: &AppState, user: &User, raw: &str, name: Option<&str>) -> ApiResult<StatusCode> {
    let name = name
        .map(|n| n.trim().to_lowercase())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::bad_request(V1, "The name of the label to remove is required"))?;
    if name.contains('/') {
        return Err(ApiError::bad_request(V1, "Label names cannot contain '/'"));
    }
    let mut store = state.write();
    let content_id = content(&store, user, raw, true)?.id;
    match store.remove_label(content_id, &name) {
        Some(true) => Ok(StatusCode::NO_CONTENT),
        _ => Err(ApiError::not_found(
            V1,
            format!("Label '{name}' is not on content {content_id}"),
        )),
    }
}

async fn remove_label_query(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<StatusCode> {
    let params = Params::from_uri(&u);
    remove(&s, &ctx.user, &id, params.get("name"))
}

async fn remove_label_path(
    ctx: Ctx,
    State(s): State<AppState>,
    Path((id, label)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    remove(&s, &ctx.user, &id, Some(&label))
}
