//! Attachments in v2: lists per page/blog post and site-wide, single reads and deletes.
//! Uploads and downloads are v1 (`crate::v1::attachments`), as in Confluence Cloud.
//! Attachment ids are `att<digits>` on the wire; both forms are accepted on input.

use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::{cursor_window, v2_list};
use crate::params::Params;
use crate::state::AppState;
use crate::store::Store;
use crate::store::model::{Attachment, ContentKind, Status, User};
use crate::v2::request::{encode_path_segment, iso, parse_any_id};
use axum::Router;
use axum::extract::{OriginalUri, Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

const V2: Flavor = Flavor::V2;
const SORTS: &[&str] = &[
    "created-date",
    "-created-date",
    "modified-date",
    "-modified-date",
];
const STATUSES: &[&str] = &["current", "archived", "trashed"];
/// Attachment lists default to 50 per page, unlike most v2 lists.
const DEFAULT_LIMIT: &str = "50";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/pages/{id}/attachments", get(page_attachments))
        .route("/api/v2/blogposts/{id}/attachments", get(blog_attachments))
        .route("/api/v2/attachments", get(all_attachments))
        .route(
            "/api/v2/attachments/{id}",
            get(get_attachment).delete(delete_attachment),
        )
        .route("/api/v2/attachments/{id}/labels", get(attachment_labels))
}

/// What a media type is called in Confluence's UI.
pub fn media_type_description(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "PNG Image",
        "image/jpeg" => "JPEG Image",
        "image/gif" => "GIF Image",
        "image/svg+xml" => "SVG Image",
        "application/pdf" => "PDF Document",
        "text/plain" => "Text File",
        "text/csv" => "CSV File",
        "text/markdown" => "Markdown File",
        "text/html" => "HTML Document",
        "application/json" => "JSON File",
        "application/xml" | "text/xml" => "XML File",
        "application/zip" => "Zip Archive",
        "application/msword"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            "Microsoft Word Document"
        }
        "application/vnd.ms-excel"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
            "Microsoft Excel Spreadsheet"
        }
        "application/vnd.ms-powerpoint"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            "Microsoft PowerPoint Presentation"
        }
        _ => "File",
    }
}

/// `/download/attachments/{container}/{file}?version=…`, relative to the wiki base.
pub fn download_link(a: &Attachment) -> String {
    format!(
        "/download/attachments/{}/{}?version={}&modificationDate={}&cacheVersion=1&api=v2",
        a.container_id,
        encode_path_segment(&a.title),
        a.version,
        a.created_at.timestamp_millis()
    )
}

pub fn webui_link(a: &Attachment) -> String {
    let preview = format!("/{}/{}/{}", a.container_id, a.id, a.title);
    let preview: String = url::form_urlencoded::byte_serialize(preview.as_bytes()).collect();
    format!(
        "/pages/viewpageattachments.action?pageId={}&preview={preview}",
        a.container_id
    )
}

pub fn attachment_json(store: &Store, a: &Attachment) -> Value {
    let mut v = json!({
        "id": format!("att{}", a.id),
        "status": a.status.as_str(),
        "title": a.title,
        "createdAt": iso(a.created_at),
        "mediaType": a.media_type,
        "mediaTypeDescription": media_type_description(&a.media_type),
        "comment": a.comment,
        "fileId": a.file_id,
        "fileSize": a.data.len(),
        "webuiLink": webui_link(a),
        "downloadLink": download_link(a),
        "version": version_json(a),
        "_links": { "webui": webui_link(a), "download": download_link(a) },
    });
    let key = match store.contents.get(&a.container_id).map(|c| c.kind) {
        Some(ContentKind::BlogPost) => "blogPostId",
        _ => "pageId",
    };
    v[key] = json!(a.container_id.to_string());
    v
}

fn version_json(a: &Attachment) -> Value {
    json!({
        "createdAt": iso(a.created_at),
        "message": "",
        "number": a.version,
        "minorEdit": false,
        "authorId": a.author_id,
    })
}

/// Applies the shared list filters (`status`, `mediaType`, `filename`, `sort`) and pages.
fn list(
    state: &AppState,
    uri: &Uri,
    user: &User,
    container: Option<(ContentKind, &str)>,
) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    let sort = params.choice(V2, "sort", SORTS)?;
    let statuses = params.choices(V2, "status", STATUSES)?;
    let media_type = params.get("mediaType").filter(|m| !m.is_empty());
    let filename = params.get("filename").filter(|f| !f.is_empty());
    let limit = params
        .get("limit")
        .filter(|l| !l.is_empty())
        .unwrap_or(DEFAULT_LIMIT);
    let window = cursor_window(Some(limit), params.get("cursor"))?;
    let items: Vec<Value> = {
        let store = state.read();
        let mut found: Vec<&Attachment> = match container {
            Some((kind, raw)) => {
                let id = ApiError::parse_id(V2, raw)?;
                store
                    .readable_content(user, id)
                    .filter(|c| c.kind == kind)
                    .ok_or_else(|| {
                        ApiError::not_found(
                            V2,
                            format!("No {} with id {id} was found", kind.as_str()),
                        )
                    })?;
                store.container_attachments(id)
            }
            None => store
                .attachments
                .values()
                .filter(|a| store.readable_attachment(user, a.id).is_some())
                .collect(),
        };
        found.retain(|a| {
            let status_ok = if statuses.is_empty() {
                a.status == Status::Current
            } else {
                statuses.iter().any(|s| s == a.status.as_str())
            };
            status_ok
                && media_type.is_none_or(|m| a.media_type == m)
                && filename.is_none_or(|f| a.title == f)
        });
        found.sort_by_key(|a| (a.created_at, a.id));
        if sort.as_deref().is_some_and(|s| s.starts_with('-')) {
            found.reverse();
        }
        found
            .into_iter()
            .map(|a| attachment_json(&store, a))
            .collect()
    };
    Ok(v2_list(state, uri, items, window))
}

async fn page_attachments(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, Some((ContentKind::Page, &id)))
}

async fn blog_attachments(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, Some((ContentKind::BlogPost, &id)))
}

async fn all_attachments(
    ctx: Ctx,
    State(s): State<AppState>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, None)
}

fn readable<'a>(store: &'a Store, user: &User, raw: &str) -> ApiResult<&'a Attachment> {
    let id = parse_any_id(V2, raw)?;
    store
        .readable_attachment(user, id)
        .ok_or_else(|| ApiError::not_found(V2, format!("No attachment with id {raw} was found")))
}

async fn get_attachment(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&u);
    let include_version = params.exact_flag("include-version", true)?;
    let include_versions = params.exact_flag("include-versions", false)?;
    let include_labels = params.exact_flag("include-labels", false)?;
    let include_properties = params.exact_flag("include-properties", false)?;
    let include_operations = params.exact_flag("include-operations", false)?;
    let store = s.read();
    let a = readable(&store, &ctx.user, &id)?;
    if let Some(raw) = params.get("version").filter(|v| !v.is_empty()) {
        let wanted: u32 = raw.parse().map_err(|_| {
            ApiError::bad_request(
                V2,
                format!("version must be a positive integer, got '{raw}'"),
            )
        })?;
        if wanted != a.version {
            return Err(ApiError::not_found(
                V2,
                format!("Attachment {id} has no version {wanted} available"),
            ));
        }
    }
    let mut v = attachment_json(&store, a);
    let empty = json!({ "results": [], "meta": { "hasMore": false } });
    if !include_version && let Some(obj) = v.as_object_mut() {
        obj.remove("version");
    }
    if include_versions {
        v["versions"] = json!({ "results": [version_json(a)], "meta": { "hasMore": false } });
    }
    if include_labels {
        v["labels"] = empty.clone();
    }
    if include_properties {
        v["properties"] = empty.clone();
    }
    if include_operations {
        let mut ops = vec![json!({ "operation": "read", "targetType": "attachment" })];
        let writable = store
            .contents
            .get(&a.container_id)
            .is_some_and(|c| store.can_write_content(&ctx.user, c));
        if writable {
            ops.push(json!({ "operation": "delete", "targetType": "attachment" }));
        }
        v["operations"] = json!({ "results": ops, "meta": { "hasMore": false } });
    }
    v["_links"]["base"] = json!(s.wiki_base());
    Ok(axum::Json(v).into_response())
}

/// Moves an attachment to the trash; `purge=true` then removes it for good, as in Confluence.
async fn delete_attachment(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<StatusCode> {
    let params = Params::from_uri(&u);
    let purge = params.exact_flag("purge", false)?;
    let mut store = s.write();
    let a = readable(&store, &ctx.user, &id)?;
    let (att_id, status) = (a.id, a.status);
    let writable = store
        .contents
        .get(&a.container_id)
        .is_some_and(|c| store.can_write_content(&ctx.user, c));
    if !writable {
        return Err(ApiError::forbidden(
            V2,
            "You do not have permission to delete this attachment",
        ));
    }
    match (purge, status) {
        (true, Status::Trashed) => {
            store.attachments.remove(&att_id);
        }
        (true, _) => {
            return Err(ApiError::bad_request(
                V2,
                "Only a trashed attachment can be purged; delete it first",
            ));
        }
        (false, Status::Trashed) => {
            return Err(ApiError::not_found(
                V2,
                format!("Attachment {id} is already in the trash"),
            ));
        }
        (false, _) => {
            if let Some(a) = store.attachments.get_mut(&att_id) {
                a.status = Status::Trashed;
            }
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Attachments carry no labels in the emulator; the list is empty for readable ones.
async fn attachment_labels(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    let params = Params::from_uri(&u);
    let window = params.window()?;
    readable(&s.read(), &ctx.user, &id)?;
    Ok(v2_list(&s, &u, Vec::new(), window))
}
