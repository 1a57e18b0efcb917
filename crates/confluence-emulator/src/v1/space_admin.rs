//! v1 space administration: `PUT` and `DELETE /rest/api/space/{key}` (v2 has no equivalent).
//! Only space admins (and site admins) may change or delete a space.

use super::json::{Expand, Renderer, no_space};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor, parse_json};
use crate::state::AppState;
use crate::store::model::Access;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new().route("/rest/api/space/{key}", put(update).delete(delete))
}

#[derive(Deserialize)]
struct PlainText {
    value: String,
}

#[derive(Deserialize)]
struct Description {
    plain: PlainText,
}

#[derive(Deserialize)]
struct SpaceUpdate {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<Description>,
}

/// The space id when the caller administers it; 404 when they cannot see it, 403 otherwise.
fn administered(state: &AppState, ctx: &Ctx, key: &str) -> ApiResult<u64> {
    let store = state.read();
    let space = store
        .space_by_key(key)
        .filter(|s| store.can_read_space(&ctx.user, s.id))
        .ok_or_else(|| no_space(key))?;
    if store.space_access(&ctx.user, space.id) != Some(Access::Admin) {
        return Err(ApiError::forbidden(
            Flavor::V1,
            format!("You need space admin permission on {key} to change or delete it"),
        ));
    }
    Ok(space.id)
}

async fn update(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(key): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let space_id = administered(&state, &ctx, &key)?;
    let change: SpaceUpdate = parse_json(Flavor::V1, &body)?;
    if change.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::bad_request(
            Flavor::V1,
            "A space name cannot be empty",
        ));
    }
    let mut store = state.write();
    if let Some(space) = store.spaces.get_mut(&space_id) {
        if let Some(name) = change.name {
            space.name = name.trim().to_owned();
        }
        if let Some(description) = change.description {
            space.description = description.plain.value;
        }
    }
    let Some(space) = store.spaces.get(&space_id) else {
        return Err(no_space(&key));
    };
    let renderer = Renderer {
        state: &state,
        store: &store,
        viewer: &ctx.user,
    };
    Ok(
        axum::Json(renderer.space(space, &Expand::of(&["description.plain", "homepage"])))
            .into_response(),
    )
}

/// Confluence deletes a space in a long-running task and answers 202 with its id; here the
/// space and everything in it are gone when the answer arrives.
async fn delete(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> ApiResult<Response> {
    let space_id = administered(&state, &ctx, &key)?;
    let mut store = state.write();
    store.spaces.remove(&space_id);
    let removed: Vec<u64> = store
        .contents
        .values()
        .filter(|c| c.space_id == space_id)
        .map(|c| c.id)
        .collect();
    store.contents.retain(|_, c| c.space_id != space_id);
    store
        .comments
        .retain(|_, c| !removed.contains(&c.container_id));
    store
        .attachments
        .retain(|_, a| !removed.contains(&a.container_id));
    let task_id = store.allocate_id();
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(json!({
            "ari": format!("ari:cloud:confluence::longtask/{task_id}"),
            "id": task_id.to_string(),
            "links": { "status": format!("/rest/api/longtask/{task_id}") },
        })),
    )
        .into_response())
}
