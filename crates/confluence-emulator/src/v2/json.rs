//! v2 wire shapes of spaces, pages, blog posts, versions and bodies, following the schemas of
//! Atlassian's OpenAPI document (`SpaceBulk`, `PageSingle`, `BlogPostBulk`, `Version`, ...).
//! Every v2 endpoint that returns one of these builds it here, so the shapes cannot drift.

use crate::errors::{ApiError, ApiResult, Flavor};
use crate::render;
use crate::store::Store;
use crate::store::model::{Content, ContentKind, Space, Version};
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

/// A body representation a client may ask for with `body-format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    Storage,
    AtlasDocFormat,
    View,
    ExportView,
    StyledView,
    AnonymousExportView,
    Editor,
}

impl BodyFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            BodyFormat::Storage => "storage",
            BodyFormat::AtlasDocFormat => "atlas_doc_format",
            BodyFormat::View => "view",
            BodyFormat::ExportView => "export_view",
            BodyFormat::StyledView => "styled_view",
            BodyFormat::AnonymousExportView => "anonymous_export_view",
            BodyFormat::Editor => "editor",
        }
    }

    /// `body-format` of a single-entity read (`PrimaryBodyRepresentationSingle`).
    pub fn parse_single(raw: Option<&str>) -> ApiResult<Option<BodyFormat>> {
        Self::parse(raw, true)
    }

    /// `body-format` of a list (`PrimaryBodyRepresentation`: storage or atlas_doc_format only).
    pub fn parse_bulk(raw: Option<&str>) -> ApiResult<Option<BodyFormat>> {
        Self::parse(raw, false)
    }

    fn parse(raw: Option<&str>, single: bool) -> ApiResult<Option<BodyFormat>> {
        let format = match raw {
            None | Some("") => return Ok(None),
            Some("storage") => BodyFormat::Storage,
            Some("atlas_doc_format") => BodyFormat::AtlasDocFormat,
            Some("view") if single => BodyFormat::View,
            Some("export_view") if single => BodyFormat::ExportView,
            Some("styled_view") if single => BodyFormat::StyledView,
            Some("anonymous_export_view") if single => BodyFormat::AnonymousExportView,
            Some("editor") if single => BodyFormat::Editor,
            Some(other) => {
                let allowed = if single {
                    "storage, atlas_doc_format, view, export_view, anonymous_export_view, styled_view, editor"
                } else {
                    "storage, atlas_doc_format"
                };
                return Err(ApiError::bad_request(
                    Flavor::V2,
                    format!(
                        "Invalid value '{other}' for 'body-format'; expected one of: {allowed}"
                    ),
                ));
            }
        };
        Ok(Some(format))
    }
}

/// `description-format` of spaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptionFormat {
    Plain,
    View,
}

impl DescriptionFormat {
    pub fn parse(raw: Option<&str>) -> ApiResult<Option<DescriptionFormat>> {
        match raw {
            None | Some("") => Ok(None),
            Some("plain") => Ok(Some(DescriptionFormat::Plain)),
            Some("view") => Ok(Some(DescriptionFormat::View)),
            Some(other) => Err(ApiError::bad_request(
                Flavor::V2,
                format!(
                    "Invalid value '{other}' for 'description-format'; expected one of: plain, view"
                ),
            )),
        }
    }
}

/// RFC 3339 with milliseconds and `Z`, as Confluence writes every v2 date.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The `Version` object embedded in pages and blog posts.
pub fn version(v: &Version) -> Value {
    json!({
        "createdAt": timestamp(v.created_at),
        "message": v.message,
        "number": v.number,
        "minorEdit": v.minor_edit,
        "authorId": v.author_id,
    })
}

/// `{"<format>": {"representation": …, "value": …}}` for a storage body.
pub fn body(storage: &str, format: BodyFormat) -> Value {
    let value = match format {
        BodyFormat::Storage | BodyFormat::Editor => storage.to_owned(),
        BodyFormat::AtlasDocFormat => render::storage_to_adf(storage),
        BodyFormat::View
        | BodyFormat::ExportView
        | BodyFormat::StyledView
        | BodyFormat::AnonymousExportView => render::storage_to_view(storage),
    };
    let mut out = Map::new();
    out.insert(
        format.as_str().to_owned(),
        json!({ "representation": format.as_str(), "value": value }),
    );
    Value::Object(out)
}

/// A page or blog post at its current version (`PageBulk`/`PageSingle`, `BlogPost…`).
pub fn content(store: &Store, c: &Content, body_format: Option<BodyFormat>) -> Value {
    content_at(store, c, c.current(), body_format)
}

/// A page at its current version; same as [`content`] for pages.
pub fn page(store: &Store, c: &Content, body_format: Option<BodyFormat>) -> Value {
    content(store, c, body_format)
}

/// A blog post at its current version; same as [`content`] for blog posts.
pub fn blogpost(store: &Store, c: &Content, body_format: Option<BodyFormat>) -> Value {
    content(store, c, body_format)
}

/// A page or blog post as it was at version `shown` (status `historical` when not current).
pub fn content_at(
    store: &Store,
    c: &Content,
    shown: &Version,
    body_format: Option<BodyFormat>,
) -> Value {
    let status = if shown.number < c.version_number() {
        "historical"
    } else {
        c.status.as_str()
    };
    let mut out = Map::new();
    out.insert("id".into(), json!(c.id.to_string()));
    out.insert("status".into(), json!(status));
    out.insert("title".into(), json!(shown.title));
    out.insert("spaceId".into(), json!(c.space_id.to_string()));
    if c.kind == ContentKind::Page {
        if let Some(parent) = c.parent_id {
            out.insert("parentId".into(), json!(parent.to_string()));
            out.insert("parentType".into(), json!("page"));
        }
        out.insert("position".into(), json!(c.position));
    }
    out.insert("authorId".into(), json!(c.author_id));
    if c.kind == ContentKind::Page {
        out.insert("ownerId".into(), json!(c.owner_id));
        out.insert("lastOwnerId".into(), Value::Null);
    }
    out.insert("createdAt".into(), json!(timestamp(c.created_at)));
    out.insert("version".into(), version(shown));
    if let Some(format) = body_format {
        out.insert("body".into(), body(&shown.body, format));
    }
    out.insert("_links".into(), content_links(store, c, &shown.title));
    Value::Object(out)
}

/// `_links` of a page or blog post: `webui`, `editui` and `tinyui`, relative to `/wiki`.
pub fn content_links(store: &Store, c: &Content, title: &str) -> Value {
    let key = store
        .spaces
        .get(&c.space_id)
        .map(|s| s.key.as_str())
        .unwrap_or("");
    let slug: String = url::form_urlencoded::byte_serialize(title.as_bytes()).collect();
    let webui = match c.kind {
        ContentKind::Page => format!("/spaces/{key}/pages/{}/{slug}", c.id),
        ContentKind::BlogPost => format!(
            "/spaces/{key}/blog/{}/{}/{slug}",
            c.created_at.format("%Y/%m/%d"),
            c.id
        ),
    };
    json!({
        "webui": webui,
        "editui": format!("/pages/resumedraft.action?draftId={}", c.id),
        "tinyui": tiny_link(c.id),
    })
}

/// Confluence's short `/x/...` link: the id's little-endian bytes in URL-safe base64.
pub fn tiny_link(id: u64) -> String {
    let bytes = id.to_le_bytes();
    let len = bytes.iter().rposition(|b| *b != 0).map_or(1, |i| i + 1);
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes[..len]);
    format!("/x/{encoded}")
}

/// Adds `_links.base` to a single-entity response, as Confluence does.
pub fn with_base(mut value: Value, base: &str) -> Value {
    if let Some(links) = value.get_mut("_links").and_then(Value::as_object_mut) {
        links.insert("base".into(), json!(base));
    } else if let Some(obj) = value.as_object_mut() {
        obj.insert("_links".into(), json!({ "base": base }));
    }
    value
}

/// One item of `/pages/{id}/versions` or `/blogposts/{id}/versions` (`PageVersion`).
pub fn content_version(c: &Content, v: &Version, body_format: Option<BodyFormat>) -> Value {
    let mut out = version(v);
    let mut entity = json!({ "id": c.id.to_string(), "title": v.title });
    if let Some(format) = body_format {
        entity["body"] = body(&v.body, format);
    }
    let key = match c.kind {
        ContentKind::Page => "page",
        ContentKind::BlogPost => "blogpost",
    };
    out[key] = entity;
    out
}

/// `/pages/{id}/versions/{n}` (`DetailedVersion`).
pub fn detailed_version(c: &Content, v: &Version) -> Value {
    let mut out = json!({
        "number": v.number,
        "authorId": v.author_id,
        "message": v.message,
        "createdAt": timestamp(v.created_at),
        "minorEdit": v.minor_edit,
        "contentTypeModified": false,
        "collaborators": [v.author_id],
    });
    if v.number > 1 {
        out["prevVersion"] = json!(v.number - 1);
    }
    if v.number < c.version_number() {
        out["nextVersion"] = json!(v.number + 1);
    }
    out
}

/// A space (`SpaceBulk`), with its description when `description-format` asked for one.
pub fn space(s: &Space, description: Option<DescriptionFormat>) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(s.id.to_string()));
    out.insert("key".into(), json!(s.key));
    out.insert("name".into(), json!(s.name));
    out.insert("type".into(), json!(s.space_type.as_str()));
    out.insert("status".into(), json!(s.status));
    out.insert("authorId".into(), json!(s.author_id));
    out.insert("createdAt".into(), json!(timestamp(s.created_at)));
    if let Some(home) = s.homepage_id {
        out.insert("homepageId".into(), json!(home.to_string()));
    }
    if let Some(format) = description {
        let (name, value) = match format {
            DescriptionFormat::Plain => ("plain", s.description.clone()),
            DescriptionFormat::View => (
                "view",
                format!("<p>{}</p>", render::escape_text(&s.description)),
            ),
        };
        out.insert(
            "description".into(),
            json!({ name: { "representation": name, "value": value } }),
        );
    }
    out.insert(
        "_links".into(),
        json!({ "webui": format!("/spaces/{}", s.key) }),
    );
    Value::Object(out)
}

/// The default icon every emulated space has (`include-icon=true`).
pub fn space_icon() -> Value {
    json!({
        "path": "/images/logo/default-space-logo.svg",
        "apiDownloadLink": "/download/attachments/default-space-logo.svg",
    })
}

/// `ChildPage` of `/pages/{id}/children`.
pub fn child_page(c: &Content) -> Value {
    json!({
        "id": c.id.to_string(),
        "status": c.status.as_str(),
        "title": c.title(),
        "spaceId": c.space_id.to_string(),
        "childPosition": c.position,
    })
}

/// An item of `/pages/{id}/direct-children`: a child page with its `type`.
pub fn direct_child(c: &Content) -> Value {
    let mut out = child_page(c);
    out["type"] = json!("page");
    out
}

/// `Ancestor`: only the id and type, as Confluence answers.
pub fn ancestor(c: &Content) -> Value {
    json!({ "id": c.id.to_string(), "type": "page" })
}

/// An item of `/pages/{id}/descendants`, `depth` 1 being a direct child.
pub fn descendant(c: &Content, depth: usize) -> Value {
    let mut out = json!({
        "id": c.id.to_string(),
        "status": c.status.as_str(),
        "title": c.title(),
        "type": "page",
        "depth": depth,
        "childPosition": c.position,
    });
    if let Some(parent) = c.parent_id {
        out["parentId"] = json!(parent.to_string());
    }
    out
}

/// `{results, meta, _links}` of an `include-*` field on a single entity.
pub fn optional_field(results: Vec<Value>, self_link: String) -> Value {
    json!({
        "results": results,
        "meta": { "hasMore": false, "cursor": "" },
        "_links": { "self": self_link },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_have_millis_and_z() {
        let t = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        assert_eq!(timestamp(t), "2026-06-01T09:00:00.000Z");
    }

    #[test]
    fn body_formats_parse_by_context() {
        assert_eq!(
            BodyFormat::parse_single(Some("view")).ok(),
            Some(Some(BodyFormat::View))
        );
        assert!(BodyFormat::parse_bulk(Some("view")).is_err());
        assert!(BodyFormat::parse_bulk(Some("wiki")).is_err());
        assert_eq!(BodyFormat::parse_bulk(None).ok(), Some(None));
    }

    #[test]
    fn tiny_links_are_short_and_url_safe() {
        let link = tiny_link(65_600);
        assert!(link.starts_with("/x/"));
        assert!(!link.contains('='));
        assert!(!link.contains('+'));
    }
}
