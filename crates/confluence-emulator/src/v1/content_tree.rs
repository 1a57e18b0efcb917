//! v1 children and descendants: `/rest/api/content/{id}/child[/{type}]` and
//! `/rest/api/content/{id}/descendant[/{type}]` (pages, comments, attachments).

use super::content::{Target, find};
use super::content_json::{self as cj};
use super::json::{Expand, Renderer, V1, add_site_links};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult};
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::*;
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rest/api/content/{id}/child", get(child_all))
        .route("/rest/api/content/{id}/child/{kind}", get(child_of_type))
        .route("/rest/api/content/{id}/descendant", get(descendant_all))
        .route(
            "/rest/api/content/{id}/descendant/{kind}",
            get(descendant_of_type),
        )
}

/// Custom content types clients ask for that the emulator never has any of.
const EMPTY_TYPES: &[&str] = &["folder", "whiteboard", "database", "embed"];

async fn child_all(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    overview(&ctx, &state, &raw, &uri, false)
}

async fn descendant_all(
    ctx: Ctx,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    overview(&ctx, &state, &raw, &uri, true)
}

/// `/child` and `/descendant` without a type: the types as `_expandable` links, expanded
/// with `expand=page,comment,attachment`.
fn overview(ctx: &Ctx, state: &AppState, raw: &str, uri: &Uri, all: bool) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    let store = state.read();
    let r = Renderer::new(state, &store, &ctx.user);
    let value = match find(&store, &ctx.user, raw)? {
        Target::Content(c) => cj::offspring(&r, c, &params.expand(), all),
        Target::Comment(cm) => {
            let which = if all { "descendant" } else { "child" };
            json!({
                "_expandable": {"attachment": format!("/rest/api/content/{}/{which}/attachment", cm.id), "comment": format!("/rest/api/content/{}/{which}/comment", cm.id)},
                "_links": {"self": r.api(&format!("/content/{}/{which}", cm.id))},
            })
        }
        Target::Attachment(a) => json!({
            "_expandable": {"comment": format!("/rest/api/content/att{}/child/comment", a.id)},
            "_links": {"self": r.api(&format!("/content/att{}/child", a.id))},
        }),
    };
    let mut value = value;
    add_site_links(&mut value, state);
    Ok(axum::Json(value).into_response())
}

async fn child_of_type(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((raw, kind)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    typed(&ctx, &state, &raw, &kind, &uri, false)
}

async fn descendant_of_type(
    ctx: Ctx,
    State(state): State<AppState>,
    Path((raw, kind)): Path<(String, String)>,
    OriginalUri(uri): OriginalUri,
) -> ApiResult<Response> {
    typed(&ctx, &state, &raw, &kind, &uri, true)
}

fn typed(
    ctx: &Ctx,
    state: &AppState,
    raw: &str,
    kind: &str,
    uri: &Uri,
    all: bool,
) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    let ex = params.expand();
    let window = params.start_window(200)?;
    let store = state.read();
    let r = Renderer::new(state, &store, &ctx.user);
    let target = find(&store, &ctx.user, raw)?;
    let items: Vec<Value> = match (kind, &target) {
        ("page", Target::Content(c)) => pages(&r, c, all, &params, &ex),
        ("comment", _) => comments(&r, &target, all, &params, &ex)?,
        ("attachment", Target::Content(c)) => {
            let mut containers = vec![c.id];
            if all {
                containers.extend(
                    store
                        .descendants(c.id, usize::MAX)
                        .into_iter()
                        .filter(|(p, _)| store.can_read_content(&ctx.user, p))
                        .map(|(p, _)| p.id),
                );
            }
            let filename = params.get("filename");
            let media = params.get("mediaType");
            containers
                .into_iter()
                .flat_map(|id| cj::attachments_of(&r, id))
                .filter(|a| filename.is_none_or(|f| a.title == f))
                .filter(|a| media.is_none_or(|m| a.media_type == m))
                .map(|a| cj::attachment(&r, a, &ex, false))
                .collect()
        }
        ("page" | "attachment", _) => Vec::new(),
        (k, _) if EMPTY_TYPES.contains(&k) => Vec::new(),
        (other, _) => {
            return Err(ApiError::bad_request(
                V1,
                format!("Unknown child type '{other}': use page, comment or attachment"),
            ));
        }
    };
    Ok(axum::Json(crate::pagination::v1_list(state, uri, items, window)).into_response())
}

/// Child pages in sibling order, or all descendants (`depth=root` limits them to children).
fn pages(r: &Renderer, c: &Content, all: bool, params: &Params, ex: &Expand) -> Vec<Value> {
    let depth_root = params
        .get("depth")
        .is_some_and(|d| d.eq_ignore_ascii_case("root"));
    let list: Vec<&Content> = if all && !depth_root {
        r.store
            .descendants(c.id, usize::MAX)
            .into_iter()
            .map(|(p, _)| p)
            .collect()
    } else {
        r.store.children(c.id)
    };
    list.into_iter()
        .filter(|p| r.store.can_read_content(r.viewer, p))
        .map(|p| cj::content(r, p, None, ex, false))
        .collect()
}

/// Comments on a page (top-level unless `depth=all` or a descendant listing), or replies to a
/// comment; `location=footer|inline|resolved` filters.
fn comments(
    r: &Renderer,
    target: &Target,
    all: bool,
    params: &Params,
    ex: &Expand,
) -> ApiResult<Vec<Value>> {
    let depth_all = all
        || params
            .get("depth")
            .is_some_and(|d| d.eq_ignore_ascii_case("all"));
    let locations = params.all("location");
    for l in &locations {
        if !matches!(l.as_str(), "footer" | "inline" | "resolved") {
            return Err(ApiError::bad_request(
                V1,
                format!("Unknown comment location '{l}': use footer, inline or resolved"),
            ));
        }
    }
    let located = |cm: &Comment| {
        locations.is_empty()
            || locations.iter().any(|l| match l.as_str() {
                "footer" => cm.kind == CommentKind::Footer,
                "inline" => cm.kind == CommentKind::Inline,
                _ => cm
                    .inline
                    .as_ref()
                    .is_some_and(|a| a.resolution_status == "resolved"),
            })
    };
    let list: Vec<&Comment> = match target {
        Target::Content(c) => cj::comments_of(r, c.id, depth_all),
        Target::Comment(parent) => {
            let mut out: Vec<&Comment> = r
                .store
                .comments
                .values()
                .filter(|cm| {
                    cm.status == Status::Current
                        && if depth_all {
                            r.store
                                .comment_ancestors(cm.id)
                                .iter()
                                .any(|a| a.id == parent.id)
                        } else {
                            cm.parent_comment_id == Some(parent.id)
                        }
                })
                .collect();
            out.sort_by_key(|cm| (cm.created_at, cm.id));
            out
        }
        Target::Attachment(_) => Vec::new(),
    };
    Ok(list
        .into_iter()
        .filter(|cm| located(cm))
        .map(|cm| cj::comment(r, cm, ex, false))
        .collect())
}
