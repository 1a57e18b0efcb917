//! Comment version history: the list and one version's details.

use super::{V2, comment, parse_version_number, version_json};
use crate::errors::{ApiError, ApiResult};
use crate::pagination::v2_list;
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::{CommentKind, User, Version};
use crate::v2::request::{BULK_FORMATS, body_json};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(super) fn versions(
    state: &AppState,
    uri: &Uri,
    user: &User,
    kind: CommentKind,
    raw: &str,
) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    let format = params.choice(V2, "body-format", BULK_FORMATS)?;
    let sort = params.choice(V2, "sort", &["modified-date", "-modified-date"])?;
    let window = params.window()?;
    let items: Vec<Value> = {
        let store = state.read();
        let c = comment(&store, user, raw, kind)?;
        let mut all: Vec<&Version> = c.versions.iter().collect();
        if sort.as_deref() != Some("modified-date") {
            all.reverse();
        }
        all.into_iter()
            .map(|v| {
                let mut out = version_json(v);
                out["comment"] = json!({
                    "id": c.id.to_string(),
                    "title": v.title,
                    "body": body_json(&v.body, format.as_deref()),
                });
                out
            })
            .collect()
    };
    Ok(v2_list(state, uri, items, window))
}

pub(super) fn version_detail(
    state: &AppState,
    user: &User,
    kind: CommentKind,
    raw: &str,
    n: &str,
) -> ApiResult<Response> {
    let n = parse_version_number(n)?;
    let store = state.read();
    let c = comment(&store, user, raw, kind)?;
    let v =
        c.versions.iter().find(|v| v.number == n).ok_or_else(|| {
            ApiError::not_found(V2, format!("Comment {} has no version {n}", c.id))
        })?;
    let mut out = version_json(v);
    out["contentTypeModified"] = json!(false);
    out["collaborators"] = json!([v.author_id]);
    if n > 1 {
        out["prevVersion"] = json!(n - 1);
    }
    if c.versions.iter().any(|x| x.number == n + 1) {
        out["nextVersion"] = json!(n + 1);
    }
    Ok(axum::Json(out).into_response())
}
