//! Reads shared by pages and blog posts (`/pages`, `/blogposts` and their `/versions`): the
//! two resources differ only in a few fields, so one implementation serves both and they
//! cannot drift apart. Writes are in [`super::content_write`].

use super::json::{self, BodyFormat};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::{v2_list, windowed};
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::{Access, Content, ContentKind, Status, User};
use axum::Json;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(crate) fn not_found() -> ApiError {
    ApiError::not_found(Flavor::V2, "Not Found")
}

pub(crate) fn noun(kind: ContentKind) -> &'static str {
    match kind {
        ContentKind::Page => "page",
        ContentKind::BlogPost => "blog post",
    }
}

/// The page or blog post with this id if the caller may read it; 404 otherwise, so that
/// content the caller cannot see is indistinguishable from content that does not exist.
pub(crate) fn find<'a>(
    store: &'a Store,
    user: &User,
    kind: ContentKind,
    raw_id: &str,
) -> ApiResult<&'a Content> {
    let id = ApiError::parse_id(Flavor::V2, raw_id)?;
    store
        .readable_content(user, id)
        .filter(|c| c.kind == kind)
        .ok_or_else(not_found)
}

/// Which space a list is scoped to, and for pages whether only top-level pages count.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope {
    pub space_id: Option<u64>,
    pub root_only: bool,
}

/// `sort` values of page lists (`PageSortOrder`); label content lists take the same.
pub(crate) const PAGE_SORTS: &[&str] = &[
    "id",
    "-id",
    "created-date",
    "-created-date",
    "modified-date",
    "-modified-date",
    "title",
    "-title",
];
/// Blog post lists cannot sort by title.
const BLOG_POST_SORTS: &[&str] = PAGE_SORTS.split_at(6).0;

/// `GET /pages`, `/blogposts`, `/spaces/{id}/pages` and `/spaces/{id}/blogposts`.
pub(crate) fn list(
    state: &AppState,
    ctx: &Ctx,
    uri: &Uri,
    params: &Params,
    kind: ContentKind,
    scope: Scope,
) -> ApiResult<Response> {
    let (statuses, sorts): (&[&str], &[&str]) = match kind {
        ContentKind::Page => (&["current", "archived", "deleted", "trashed"], PAGE_SORTS),
        ContentKind::BlogPost => (&["current", "deleted", "trashed"], BLOG_POST_SORTS),
    };
    let ids = params.ids("id")?;
    let space_ids = params.ids("space-id")?;
    let mut wanted_status: Vec<Status> = params
        .list_of("status", statuses)?
        .into_iter()
        .filter_map(Status::parse)
        .collect();
    if params.get("status").is_none() {
        wanted_status = match kind {
            ContentKind::Page => vec![Status::Current, Status::Archived],
            ContentKind::BlogPost => vec![Status::Current],
        };
    }
    let title = params.get("title");
    let sort = params.one_of("sort", sorts)?.unwrap_or("id");
    let body_format = BodyFormat::parse_bulk(params.get("body-format"))?;
    let window = params.window()?;

    let store = state.read();
    let user = &ctx.user;
    let mut items: Vec<&Content> = store
        .contents
        .values()
        .filter(|c| c.kind == kind && wanted_status.contains(&c.status))
        .filter(|c| ids.is_empty() || ids.contains(&c.id))
        .filter(|c| space_ids.is_empty() || space_ids.contains(&c.space_id))
        .filter(|c| scope.space_id.is_none_or(|s| s == c.space_id))
        .filter(|c| !scope.root_only || c.parent_id.is_none())
        .filter(|c| title.is_none_or(|t| c.title() == t))
        .filter(|c| store.can_read_content(user, c))
        .collect();
    sort_contents(&mut items, sort);
    let values = windowed(&items, window, |c| json::content(&store, c, body_format));
    Ok(v2_list(state, uri, values, window))
}

fn sort_contents(items: &mut [&Content], sort: &str) {
    let descending = sort.starts_with('-');
    match sort.trim_start_matches('-') {
        "created-date" => items.sort_by_key(|c| (c.created_at, c.id)),
        "modified-date" => items.sort_by_key(|c| (c.last_modified(), c.id)),
        "title" => items.sort_by(|a, b| a.title().cmp(b.title()).then(a.id.cmp(&b.id))),
        _ => items.sort_by_key(|c| c.id),
    }
    if descending {
        items.reverse();
    }
}

/// `GET /pages/{id}` and `GET /blogposts/{id}`.
pub(crate) fn get(
    state: &AppState,
    ctx: &Ctx,
    params: &Params,
    kind: ContentKind,
    raw_id: &str,
) -> ApiResult<Response> {
    let body_format = BodyFormat::parse_single(params.get("body-format"))?;
    let get_draft = params.flag("get-draft", false)?;
    let allowed: &[&str] = match kind {
        ContentKind::Page => &[
            "current",
            "archived",
            "trashed",
            "deleted",
            "historical",
            "draft",
        ],
        ContentKind::BlogPost => &["current", "trashed", "deleted", "historical", "draft"],
    };
    let status_filter = params.list_of("status", allowed)?;
    let version_number = params.integer("version")?;
    let include_version = params.flag("include-version", true)?;
    let include_labels = params.flag("include-labels", false)?;
    let include_versions = params.flag("include-versions", false)?;
    let include_operations = params.flag("include-operations", false)?;
    let include_properties = params.flag("include-properties", false)?;
    let include_likes = params.flag("include-likes", false)?;
    let include_favorited = params.flag("include-favorited-by-current-user-status", false)?;

    let store = state.read();
    let content = find(&store, &ctx.user, kind, raw_id)?;
    let mut visible: Vec<&str> = if status_filter.is_empty() {
        vec!["current", "archived"]
    } else {
        status_filter
    };
    if get_draft {
        visible.push("draft");
    }
    if !visible.contains(&content.status.as_str()) {
        return Err(not_found());
    }
    let shown = match version_number {
        None => content.current(),
        Some(n) => content
            .versions
            .iter()
            .find(|v| i64::from(v.number) == n)
            .ok_or_else(not_found)?,
    };
    let mut value = json::content_at(&store, content, shown, body_format);
    let base = format!("/api/v2/{}s/{}", kind.as_str(), content.id);
    if !include_version && let Some(obj) = value.as_object_mut() {
        obj.remove("version");
    }
    if include_labels {
        let labels = content
            .labels
            .iter()
            .map(|l| json!({ "id": l.id.to_string(), "name": l.name, "prefix": l.prefix }))
            .collect();
        value["labels"] = json::optional_field(labels, format!("{base}/labels"));
    }
    if include_versions {
        let versions = content
            .versions
            .iter()
            .rev()
            .take(50)
            .map(json::version)
            .collect();
        value["versions"] = json::optional_field(versions, format!("{base}/versions"));
    }
    if include_operations {
        value["operations"] = json::optional_field(
            operations(&store, &ctx.user, content),
            format!("{base}/operations"),
        );
    }
    if include_properties {
        value["properties"] = json::optional_field(Vec::new(), format!("{base}/properties"));
    }
    if include_likes {
        value["likes"] = json::optional_field(Vec::new(), format!("{base}/likes/users"));
    }
    if include_favorited {
        value["isFavoritedByCurrentUser"] = json!(false);
    }
    Ok(Json(json::with_base(value, &state.wiki_base())).into_response())
}

/// What the caller may do with this content, as `Operation` objects.
fn operations(store: &Store, user: &User, c: &Content) -> Vec<Value> {
    let target = c.kind.as_str();
    let mut ops = vec![json!({ "operation": "read", "targetType": target })];
    if store.can_write_content(user, c) {
        ops.push(json!({ "operation": "update", "targetType": target }));
        ops.push(json!({ "operation": "delete", "targetType": target }));
    }
    if store.space_access(user, c.space_id) == Some(Access::Admin) {
        ops.push(json!({ "operation": "purge", "targetType": target }));
    }
    ops
}

/// `GET /pages/{id}/versions` and `GET /blogposts/{id}/versions`: newest first by default.
pub(crate) fn versions(
    state: &AppState,
    ctx: &Ctx,
    uri: &Uri,
    params: &Params,
    kind: ContentKind,
    raw_id: &str,
) -> ApiResult<Response> {
    let body_format = BodyFormat::parse_bulk(params.get("body-format"))?;
    let sort = params
        .one_of("sort", &["modified-date", "-modified-date"])?
        .unwrap_or("-modified-date");
    let window = params.window()?;
    let store = state.read();
    let content = find(&store, &ctx.user, kind, raw_id)?;
    let mut list: Vec<_> = content.versions.iter().collect();
    if sort == "-modified-date" {
        list.reverse();
    }
    let values = windowed(&list, window, |v| {
        json::content_version(content, v, body_format)
    });
    Ok(v2_list(state, uri, values, window))
}

/// `GET /pages/{id}/versions/{n}` and the blog post equivalent.
pub(crate) fn version_detail(
    state: &AppState,
    ctx: &Ctx,
    kind: ContentKind,
    raw_id: &str,
    raw_number: &str,
) -> ApiResult<Response> {
    let number: u32 = raw_number.trim().parse().map_err(|_| {
        ApiError::bad_request(
            Flavor::V2,
            format!("Provided value {{{raw_number}}} for 'version-number' is not the correct type. Expected type is integer"),
        )
    })?;
    let store = state.read();
    let content = find(&store, &ctx.user, kind, raw_id)?;
    let version = content
        .versions
        .iter()
        .find(|v| v.number == number)
        .ok_or_else(not_found)?;
    Ok(Json(json::detailed_version(content, version)).into_response())
}
