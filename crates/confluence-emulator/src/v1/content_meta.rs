//! v1 content history, versions and properties: `/rest/api/content/{id}/history`,
//! `/version`, `/version/{n}`, `/property`, `/property/{key}`.

use super::content::{Target, find};
use super::content_json::{self as cj, Lineage};
use super::json::{Renderer, V1, add_site_links};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult};
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::Version;
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rest/api/content/{id}/history", get(history))
        .route("/rest/api/content/{id}/version", get(versions))
        .route("/rest/api/content/{id}/version/{n}", get(one_version))
        .route("/rest/api/content/{id}/property", get(properties))
        .route("/rest/api/content/{id}/property/{key}", get(property))
}

/// The versions of what `raw` names, oldest first, and its id.
fn lineage_versions(target: &Target) -> (u64, Vec<Version>) {
    match target {
        Target::Content(c) => (c.id, c.versions.clone()),
        Target::Comment(c) => (c.id, c.versions.clone()),
        Target::Attachment(a) => (
            a.id,
            vec![Version {
                number: a.version,
                title: a.title.clone(),
                body: String::new(),
                message: a.comment.clone(),
                minor_edit: false,
                author_id: a.author_id.clone(),
                created_at: a.created_at,
            }],
        ),
    }
}

/// The latest update is always included: clients (atlassian-python-api) read
/// `lastUpdated.number` to compute the next version.
async fn history(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let mut paths: Vec<String> = params.all("expand");
    paths.push("lastUpdated".into());
    paths.push("previousVersion".into());
    let ex = super::json::Expand::of(&paths.iter().map(String::as_str).collect::<Vec<_>>());
    let store = state.read();
    let r = Renderer::new(&state, &store, &ctx.user);
    let target = find(&store, &ctx.user, &raw)?;
    let mut value = match &target {
        Target::Content(c) => cj::history(&r, &Lineage::of_content(c, c.version_number()), &ex),
        Target::Comment(cm) => cj::history(&r, &Lineage::of_comment(cm), &ex),
        Target::Attachment(a) => {
            let (id, versions) = lineage_versions(&target);
            let lineage = Lineage {
                id,
                versions: &versions,
                created_at: a.created_at,
                owner_id: None,
                at: a.version,
            };
            cj::history(&r, &lineage, &ex)
        }
    };
    add_site_links(&mut value, &state);
    Ok(axum::Json(value).into_response())
}

/// Newest first, as Confluence lists them.
async fn versions(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let ex = params.expand();
    let window = params.start_window(200)?;
    let store = state.read();
    let r = Renderer::new(&state, &store, &ctx.user);
    let (id, versions) = lineage_versions(&find(&store, &ctx.user, &raw)?);
    let items = versions
        .iter()
        .rev()
        .map(|v| cj::version(&r, id, v, &ex))
        .collect();
    Ok(axum::Json(crate::pagination::v1_list(&state, &uri, items, window)).into_response())
}

async fn one_version(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((raw, n)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let number: u32 = n.trim().parse().map_err(|_| {
        ApiError::bad_request(
            V1,
            format!("Version number must be a positive integer, got '{n}'"),
        )
    })?;
    let store = state.read();
    let r = Renderer::new(&state, &store, &ctx.user);
    let target = find(&store, &ctx.user, &raw)?;
    let (id, versions) = lineage_versions(&target);
    let v = versions
        .iter()
        .find(|v| v.number == number)
        .ok_or_else(|| {
            ApiError::not_found(
                V1,
                format!("Version {number} of content {id} does not exist"),
            )
        })?;
    let mut value = cj::version(&r, id, v, &params.expand());
    if params.expand().has("content")
        && let Target::Content(c) = target
    {
        value["content"] = cj::content(&r, c, Some(v), &params.expand().sub("content"), false);
    }
    add_site_links(&mut value, &state);
    Ok(axum::Json(value).into_response())
}

/// The emulator keeps no content properties, so the list is empty (after the usual
/// permission check) and every key is unknown.
async fn properties(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&uri);
    let window = params.start_window(200)?;
    {
        let store = state.read();
        find(&store, &ctx.user, &raw)?;
    }
    let body = crate::pagination::v1_list(&state, &uri, Vec::<Value>::new(), window);
    Ok(axum::Json(body).into_response())
}

async fn property(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((raw, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    let store = state.read();
    let id = match find(&store, &ctx.user, &raw)? {
        Target::Content(c) => c.id,
        Target::Comment(c) => c.id,
        Target::Attachment(a) => a.id,
    };
    Err(ApiError::not_found(
        V1,
        format!("Cannot find content property with key '{key}' on content {id}"),
    ))
}
