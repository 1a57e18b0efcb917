//! `/api/v2/spaces`: list, get, create (site admins only), permission assignments, and the
//! pages and blog posts of one space. A space the caller holds no grant on answers 404.

use super::content::{self, Scope};
use super::json::{self, DescriptionFormat};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor, parse_json};
use crate::pagination::{v2_list, windowed};
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::editing::{NewSpace, space_operations};
use crate::store::model::{Access, ContentKind, Space, User};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/spaces", get(list).post(create))
        .route("/api/v2/spaces/{id}", get(get_one))
        .route("/api/v2/spaces/{id}/permissions", get(permissions))
        .route("/api/v2/spaces/{id}/pages", get(pages))
        .route("/api/v2/spaces/{id}/blogposts", get(blogposts))
}

fn not_found() -> ApiError {
    ApiError::not_found(Flavor::V2, "Not Found")
}

/// The space with this id if the caller holds a grant on it.
fn find<'a>(store: &'a Store, user: &User, raw_id: &str) -> ApiResult<&'a Space> {
    let id = ApiError::parse_id(Flavor::V2, raw_id)?;
    store
        .spaces
        .get(&id)
        .filter(|s| store.can_read_space(user, s.id))
        .ok_or_else(not_found)
}

fn space_value(s: &Space, description: Option<DescriptionFormat>, icon: bool) -> Value {
    let mut value = json::space(s, description);
    if icon {
        value["icon"] = json::space_icon();
    }
    value
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    params: Params,
) -> ApiResult<Response> {
    let ids = params.ids("ids")?;
    let keys = params.all("keys");
    let space_type = params.one_of(
        "type",
        &["global", "collaboration", "knowledge_base", "personal"],
    )?;
    let status = params.one_of("status", &["current", "archived"])?;
    let labels = params.all("labels");
    let sort = params
        .one_of("sort", &["id", "-id", "key", "-key", "name", "-name"])?
        .unwrap_or("id");
    let description = DescriptionFormat::parse(params.get("description-format"))?;
    let icon = params.flag("include-icon", false)?;
    let window = params.window()?;

    let store = state.read();
    let mut spaces: Vec<&Space> = store
        .spaces
        .values()
        .filter(|s| store.can_read_space(&ctx.user, s.id))
        .filter(|s| ids.is_empty() || ids.contains(&s.id))
        .filter(|s| keys.is_empty() || keys.iter().any(|k| k == &s.key))
        .filter(|s| space_type.is_none_or(|t| t == s.space_type.as_str()))
        .filter(|s| status.is_none_or(|st| st == s.status))
        // Emulated spaces carry no labels, so a label filter matches none of them.
        .filter(|_| labels.is_empty())
        .collect();
    let descending = sort.starts_with('-');
    match sort.trim_start_matches('-') {
        "key" => spaces.sort_by(|a, b| a.key.cmp(&b.key)),
        "name" => spaces.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id))),
        _ => spaces.sort_by_key(|s| s.id),
    }
    if descending {
        spaces.reverse();
    }
    let values = windowed(&spaces, window, |s| space_value(s, description, icon));
    Ok(v2_list(&state, &uri, values, window))
}

/// Every (user, operation) pair the space's grants give, as `SpacePermissionAssignment`s.
fn assignments(store: &Store, space_id: u64) -> Vec<Value> {
    let mut out = Vec::new();
    for (user, access) in store.space_members(space_id) {
        for (key, target) in space_operations(access) {
            let id = space_id
                .saturating_mul(10_000)
                .saturating_add(out.len() as u64);
            out.push(json!({
                "id": id.to_string(),
                "principal": { "type": "user", "id": user.account_id },
                "operation": { "key": key, "targetType": target },
            }));
        }
    }
    out
}

async fn get_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let description = DescriptionFormat::parse(params.get("description-format"))?;
    let icon = params.flag("include-icon", false)?;
    let include_operations = params.flag("include-operations", false)?;
    let include_permissions = params.flag("include-permissions", false)?;
    let include_labels = params.flag("include-labels", false)?;
    let include_properties = params.flag("include-properties", false)?;
    let store = state.read();
    let space = find(&store, &ctx.user, &id)?;
    let mut value = space_value(space, description, icon);
    let base = format!("/api/v2/spaces/{}", space.id);
    if include_operations {
        let access = store
            .space_access(&ctx.user, space.id)
            .unwrap_or(Access::Read);
        let ops = space_operations(access)
            .iter()
            .map(|(key, target)| json!({ "operation": key, "targetType": target }))
            .collect();
        value["operations"] = json::optional_field(ops, format!("{base}/operations"));
    }
    if include_permissions {
        let mut all = assignments(&store, space.id);
        all.truncate(50);
        value["permissions"] = json::optional_field(all, format!("{base}/permissions"));
    }
    if include_labels {
        value["labels"] = json::optional_field(Vec::new(), format!("{base}/labels"));
    }
    if include_properties {
        value["properties"] = json::optional_field(Vec::new(), format!("{base}/properties"));
    }
    Ok(Json(json::with_base(value, &state.wiki_base())).into_response())
}

async fn permissions(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let window = params.window()?;
    let store = state.read();
    let space = find(&store, &ctx.user, &id)?;
    let all = assignments(&store, space.id);
    Ok(v2_list(&state, &uri, all, window))
}

async fn pages(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    let depth = params.one_of("depth", &["all", "root"])?.unwrap_or("all");
    let root_only = depth == "root";
    space_contents(
        &state,
        &ctx,
        &uri,
        &id,
        &params,
        ContentKind::Page,
        root_only,
    )
}

async fn blogposts(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    params: Params,
) -> ApiResult<Response> {
    space_contents(
        &state,
        &ctx,
        &uri,
        &id,
        &params,
        ContentKind::BlogPost,
        false,
    )
}

/// The shared page/blog post list, scoped to one space the caller may read (404 otherwise).
fn space_contents(
    state: &AppState,
    ctx: &Ctx,
    uri: &Uri,
    raw_space_id: &str,
    params: &Params,
    kind: ContentKind,
    root_only: bool,
) -> ApiResult<Response> {
    let space_id = find(&state.read(), &ctx.user, raw_space_id)?.id;
    let scope = Scope {
        space_id: Some(space_id),
        root_only,
    };
    content::list(state, ctx, uri, params, kind, scope)
}

#[derive(Deserialize)]
struct CreateSpace {
    name: Option<String>,
    key: Option<String>,
    alias: Option<String>,
    description: Option<DescriptionRequest>,
}

#[derive(Deserialize)]
struct DescriptionRequest {
    value: Option<String>,
    representation: Option<String>,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(Flavor::V2, message)
}

/// `POST /spaces`: site admins only, as creating spaces is a global permission.
async fn create(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> ApiResult<Response> {
    let req: CreateSpace = parse_json(Flavor::V2, &body)?;
    if !ctx.user.site_admin {
        return Err(ApiError::forbidden(
            Flavor::V2,
            "You do not have permission to create spaces",
        ));
    }
    let name = req.name.unwrap_or_default().trim().to_owned();
    if name.is_empty() {
        return Err(bad("name is required"));
    }
    if name.chars().count() > 200 {
        return Err(bad("Space name cannot be longer than 200 characters"));
    }
    let key = match (req.key, req.alias) {
        (Some(key), _) if !key.trim().is_empty() => key.trim().to_owned(),
        (_, Some(alias)) if !alias.trim().is_empty() => alias
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>(),
        _ => return Err(bad("Either key or alias is required")),
    };
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(bad(format!(
            "Invalid space key '{key}': use letters and numbers only, up to 255 characters"
        )));
    }
    let key = key.to_ascii_uppercase();
    let description = match req.description {
        None => String::new(),
        Some(d) => {
            if let Some(rep) = d.representation.as_deref().filter(|r| *r != "plain") {
                return Err(bad(format!(
                    "Description representation '{rep}' is not supported; only 'plain' is"
                )));
            }
            d.value.unwrap_or_default()
        }
    };
    let mut store = state.write();
    if store.space_by_key(&key).is_some() {
        return Err(bad(format!("A space with key '{key}' already exists")));
    }
    let space_id = store.create_space(NewSpace {
        key: key.clone(),
        name,
        description,
        author_id: ctx.user.account_id.clone(),
        at: chrono::Utc::now(),
    });
    if let Some(user) = store
        .users
        .iter_mut()
        .find(|u| u.account_id == ctx.user.account_id)
    {
        user.grants.insert(key, Access::Admin);
    }
    let space = store.spaces.get(&space_id).ok_or_else(not_found)?;
    let value = json::with_base(json::space(space, None), &state.wiki_base());
    Ok((StatusCode::CREATED, Json(value)).into_response())
}
