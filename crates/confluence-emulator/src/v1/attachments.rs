//! v1 attachments: the list, multipart upload (new file, or new version with PUT), data
//! replacement and downloads (`/rest/api/.../download` and the `/download/attachments/...`
//! links v2's `downloadLink` points to). Uploads need `X-Atlassian-Token: no-check`, as
//! Confluence's XSRF protection requires of every multipart POST.

mod upload;

use super::content::readable_content;
use super::json::user_json;
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult, Flavor};
use crate::pagination::{Window, start_window, v1_list};
use crate::params::Params;
use crate::state::AppState;
use crate::store::model::{Attachment, Content, User};
use crate::store::{NewAttachment, Store};
use crate::v2::attachments::{download_link, media_type_description, webui_link};
use crate::v2::request::{encode_path_segment, iso, parse_any_id};
use axum::Router;
use axum::body::Body;
use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::{HeaderValue, Uri, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

const V1: Flavor = Flavor::V1;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/rest/api/content/{id}/child/attachment",
            get(list).post(create).put(create_or_update),
        )
        .route(
            "/rest/api/content/{id}/child/attachment/{att}/data",
            post(update_data),
        )
        .route(
            "/rest/api/content/{id}/child/attachment/{att}/download",
            get(download_by_id),
        )
        .route(
            "/download/attachments/{id}/{filename}",
            get(download_by_name),
        )
}

fn content<'a>(store: &'a Store, user: &User, raw: &str, write: bool) -> ApiResult<&'a Content> {
    readable_content(store, user, raw, write.then_some("add attachments to"))
}

/// An attachment in v1's `Content` shape (`type: attachment`).
pub fn v1_attachment_json(store: &Store, base: &str, a: &Attachment) -> Value {
    let by = match store.user_by_account(&a.author_id) {
        Some(u) => user_json(base, u),
        None => json!({ "type": "unknown", "accountId": a.author_id }),
    };
    let container = store.contents.get(&a.container_id).map(|c| {
        json!({
            "id": c.id.to_string(),
            "type": c.kind.as_str(),
            "status": c.status.as_str(),
            "title": c.title(),
            "_links": { "self": format!("{base}/rest/api/content/{}", c.id) },
        })
    });
    json!({
        "id": format!("att{}", a.id),
        "type": "attachment",
        "status": a.status.as_str(),
        "title": a.title,
        "version": {
            "by": by,
            "when": iso(a.created_at),
            "message": "",
            "number": a.version,
            "minorEdit": false,
        },
        "container": container,
        "metadata": {
            "mediaType": a.media_type,
            "comment": a.comment,
            "_expandable": { "currentuser": "", "properties": "", "frontend": "", "editorHtml": "" },
        },
        "extensions": {
            "mediaType": a.media_type,
            "fileSize": a.data.len(),
            "comment": a.comment,
            "mediaTypeDescription": media_type_description(&a.media_type),
            "fileId": a.file_id,
        },
        "_expandable": { "childTypes": "", "space": "", "history": "", "ancestors": "" },
        "_links": {
            "webui": webui_link(a),
            "download": download_link(a),
            "self": format!("{base}/rest/api/content/att{}", a.id),
        },
    })
}

async fn list(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<axum::Json<Value>> {
    let params = Params::from_uri(&u);
    let window = start_window(params.get("start"), params.get("limit"), 200)?;
    let filename = params.get("filename").filter(|f| !f.is_empty());
    let media_type = params.get("mediaType").filter(|m| !m.is_empty());
    let base = s.wiki_base();
    let items = {
        let store = s.read();
        let content_id = content(&store, &ctx.user, &id, false)?.id;
        store
            .container_attachments(content_id)
            .into_iter()
            .filter(|a| a.status == crate::store::model::Status::Current)
            .filter(|a| filename.is_none_or(|f| a.title == f))
            .filter(|a| media_type.is_none_or(|m| a.media_type == m))
            .map(|a| v1_attachment_json(&store, &base, a))
            .collect()
    };
    Ok(axum::Json(v1_list(&s, &u, items, window)))
}

/// POST adds new files only; PUT also turns a same-named upload into a new version.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    CreateOrUpdate,
}

async fn create(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
    request: Request,
) -> ApiResult<axum::Json<Value>> {
    store_upload(Mode::Create, &ctx, &s, &id, &u, request).await
}

async fn create_or_update(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
    request: Request,
) -> ApiResult<axum::Json<Value>> {
    store_upload(Mode::CreateOrUpdate, &ctx, &s, &id, &u, request).await
}

async fn store_upload(
    mode: Mode,
    ctx: &Ctx,
    s: &AppState,
    id: &str,
    uri: &Uri,
    request: Request,
) -> ApiResult<axum::Json<Value>> {
    let checks = upload::check_xsrf(request.headers())
        .and_then(|()| content(&s.read(), &ctx.user, id, true).map(|_| ()));
    // Permissions are checked again under the write lock below.
    let upload = upload::receive(s, request, checks).await?;
    let base = s.wiki_base();
    let mut store = s.write();
    let content_id = content(&store, &ctx.user, id, true)?.id;
    let mut names = std::collections::BTreeSet::new();
    for f in &upload.files {
        if !names.insert(f.name.as_str()) {
            return Err(ApiError::bad_request(
                V1,
                format!("The file name {} is given twice", f.name),
            ));
        }
        if mode == Mode::Create && store.attachment_named(content_id, &f.name).is_some() {
            return Err(ApiError::bad_request(
                V1,
                format!(
                    "Cannot add a new attachment with same file name as an existing attachment: {}",
                    f.name
                ),
            ));
        }
    }
    let now = chrono::Utc::now();
    let mut ids = Vec::new();
    for (i, f) in upload.files.into_iter().enumerate() {
        let new = NewAttachment {
            container_id: content_id,
            title: f.name,
            media_type: f.media_type,
            comment: upload.comments.get(i).cloned().unwrap_or_default(),
            data: f.data,
            author_id: ctx.user.account_id.clone(),
            at: now,
        };
        let existing = store.attachment_named(content_id, &new.title).map(|a| a.id);
        match existing {
            Some(att) => {
                store.replace_attachment_data(att, new);
                ids.push(att);
            }
            None => ids.push(store.insert_attachment(new)),
        }
    }
    let items: Vec<Value> = ids
        .iter()
        .filter_map(|i| store.attachments.get(i))
        .map(|a| v1_attachment_json(&store, &base, a))
        .collect();
    let window = Window {
        offset: 0,
        limit: items.len().max(1),
    };
    Ok(axum::Json(v1_list(s, uri, items, window)))
}

/// An attachment of content `raw_content`, readable by the caller.
fn attachment_of<'a>(
    store: &'a Store,
    user: &User,
    raw_content: &str,
    raw_att: &str,
) -> ApiResult<&'a Attachment> {
    let content_id = content(store, user, raw_content, false)?.id;
    let att = parse_any_id(V1, raw_att)?;
    store
        .attachments
        .get(&att)
        .filter(|a| a.container_id == content_id)
        .ok_or_else(|| {
            ApiError::not_found(
                V1,
                format!("No attachment {raw_att} on content {content_id}"),
            )
        })
}

async fn update_data(
    ctx: Ctx,
    State(s): State<AppState>,
    Path((id, att)): Path<(String, String)>,
    request: Request,
) -> ApiResult<axum::Json<Value>> {
    let checks = upload::check_xsrf(request.headers()).and_then(|()| {
        let store = s.read();
        attachment_of(&store, &ctx.user, &id, &att)?;
        content(&store, &ctx.user, &id, true).map(|_| ())
    });
    let mut upload = upload::receive(&s, request, checks).await?;
    if upload.files.len() != 1 {
        return Err(ApiError::bad_request(
            V1,
            "Exactly one file is expected when updating attachment data",
        ));
    }
    let base = s.wiki_base();
    let mut store = s.write();
    content(&store, &ctx.user, &id, true)?;
    let current = attachment_of(&store, &ctx.user, &id, &att)?;
    let (att_id, title, container_id) = (current.id, current.title.clone(), current.container_id);
    let (file, comment) = (upload.files.remove(0), upload.comments.pop());
    store.replace_attachment_data(
        att_id,
        NewAttachment {
            container_id,
            title,
            media_type: file.media_type,
            comment: comment.unwrap_or_default(),
            data: file.data,
            author_id: ctx.user.account_id.clone(),
            at: chrono::Utc::now(),
        },
    );
    let a = store
        .attachments
        .get(&att_id)
        .ok_or_else(|| ApiError::not_found(V1, format!("No attachment {att}")))?;
    Ok(axum::Json(v1_attachment_json(&store, &base, a)))
}

/// The file's bytes with its media type, length and name.
fn file_response(a: &Attachment, uri: &Uri) -> ApiResult<Response> {
    let params = Params::from_uri(uri);
    if let Some(raw) = params.get("version").filter(|v| !v.is_empty()) {
        let wanted: u32 = raw.parse().map_err(|_| {
            ApiError::bad_request(
                V1,
                format!("version must be a positive integer, got '{raw}'"),
            )
        })?;
        if wanted > a.version || wanted == 0 {
            return Err(ApiError::bad_request(
                V1,
                format!(
                    "Attachment has no version {wanted}; the latest is {}",
                    a.version
                ),
            ));
        }
        if wanted != a.version {
            return Err(ApiError::not_found(
                V1,
                format!("Version {wanted} of this attachment is no longer stored"),
            ));
        }
    }
    let mut response = Response::new(Body::from(a.data.clone()));
    let headers = response.headers_mut();
    let media = HeaderValue::from_str(&a.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, media);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(a.data.len()));
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        encode_path_segment(&a.title)
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

async fn download_by_id(
    ctx: Ctx,
    State(s): State<AppState>,
    Path((id, att)): Path<(String, String)>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    let store = s.read();
    file_response(attachment_of(&store, &ctx.user, &id, &att)?, &u)
}

async fn download_by_name(
    ctx: Ctx,
    State(s): State<AppState>,
    Path((id, filename)): Path<(String, String)>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    let store = s.read();
    let content_id = content(&store, &ctx.user, &id, false)?.id;
    let a = store
        .attachment_named(content_id, &filename)
        .ok_or_else(|| {
            ApiError::not_found(
                V1,
                format!("No attachment named {filename} on content {content_id}"),
            )
        })?;
    file_response(a, &u)
}
