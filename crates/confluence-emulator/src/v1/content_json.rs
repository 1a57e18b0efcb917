//! v1 content shapes: pages, blog posts, comments and attachments with Confluence's `expand`
//! handling (what is not expanded is listed under `_expandable` with the link to fetch it).

mod history;

pub use history::{Lineage, history, version};

use super::json::{Expand, Renderer, date, tiny_link};
use crate::render;
use crate::store::model::*;
use serde_json::{Map, Value, json};

/// Collects fields and the `_expandable` entries for the ones not asked for.
struct Obj<'e> {
    out: Map<String, Value>,
    expandable: Map<String, Value>,
    ex: &'e Expand,
}

impl<'e> Obj<'e> {
    fn new(ex: &'e Expand) -> Obj<'e> {
        Obj {
            out: Map::new(),
            expandable: Map::new(),
            ex,
        }
    }

    fn set(&mut self, key: &str, value: Value) {
        self.out.insert(key.to_owned(), value);
    }

    /// Expands `key` with `build` when asked for, else records `link` under `_expandable`.
    fn field(&mut self, key: &str, link: String, build: impl FnOnce(&Expand) -> Option<Value>) {
        if self.ex.has(key) {
            if let Some(v) = build(&self.ex.sub(key)) {
                self.out.insert(key.to_owned(), v);
            }
        } else {
            self.expandable.insert(key.to_owned(), json!(link));
        }
    }

    fn finish(mut self, links: Value) -> Value {
        self.out
            .insert("_expandable".into(), Value::Object(self.expandable));
        self.out.insert("_links".into(), links);
        Value::Object(self.out)
    }
}

/// The part of the page path after the id: the title with `+` for spaces.
fn slug(title: &str) -> String {
    url::form_urlencoded::byte_serialize(title.as_bytes()).collect()
}

/// The web UI path of a page or blog post.
pub fn webui(r: &Renderer, c: &Content) -> String {
    let key = r
        .store
        .spaces
        .get(&c.space_id)
        .map(|s| s.key.as_str())
        .unwrap_or("");
    match c.kind {
        ContentKind::Page => format!("/spaces/{key}/pages/{}/{}", c.id, slug(c.title())),
        ContentKind::BlogPost => format!(
            "/spaces/{key}/blog/{}/{}/{}",
            c.created_at.format("%Y/%m/%d"),
            c.id,
            slug(c.title())
        ),
    }
}

/// A body in the representations asked for under `body`.
pub fn body(storage: &str, id: u64, ex: &Expand) -> Value {
    let mut out = Map::new();
    let mut expandable = Map::new();
    for rep in [
        "storage",
        "view",
        "export_view",
        "styled_view",
        "anonymous_export_view",
        "editor",
        "editor2",
        "atlas_doc_format",
        "dynamic",
    ] {
        if !ex.has(rep) {
            expandable.insert(rep.into(), json!(""));
            continue;
        }
        let value = match rep {
            "storage" | "editor" | "editor2" => storage.to_owned(),
            "atlas_doc_format" => render::storage_to_adf(storage),
            _ => render::storage_to_view(storage),
        };
        out.insert(
            rep.into(),
            json!({
                "value": value,
                "representation": rep,
                "embeddedContent": [],
                "_expandable": {"content": format!("/rest/api/content/{id}")},
            }),
        );
    }
    out.insert("_expandable".into(), Value::Object(expandable));
    Value::Object(out)
}

fn label_list(labels: &[Label]) -> Value {
    let results: Vec<Value> = labels
        .iter()
        .map(|l| json!({"prefix": l.prefix, "name": l.name, "id": l.id.to_string(), "label": l.name}))
        .collect();
    json!({"results": results, "start": 0, "limit": 200, "size": labels.len()})
}

fn restriction_list(r: &Renderer, id: u64, op: &str, accounts: Option<&Vec<String>>) -> Value {
    let users: Vec<Value> = accounts
        .map(|a| a.iter().map(|acc| r.user(acc)).collect())
        .unwrap_or_default();
    let size = users.len();
    json!({
        "operation": op,
        "restrictions": {
            "user": {"results": users, "start": 0, "limit": 200, "size": size},
            "group": {"results": [], "start": 0, "limit": 200, "size": 0},
        },
        "_expandable": {"content": format!("/rest/api/content/{id}")},
        "_links": {"self": r.api(&format!("/content/{id}/restriction/byOperation/{op}"))},
    })
}

/// A listing inside an expanded object (`children.page`, `descendants.comment`).
fn inline_list(r: &Renderer, results: Vec<Value>, self_path: &str) -> Value {
    let size = results.len();
    json!({"results": results, "start": 0, "limit": 25, "size": size, "_links": {"self": r.api(self_path)}})
}

/// Comments on a page the viewer can see: top-level only unless `all`.
pub fn comments_of<'s>(r: &Renderer<'s>, container_id: u64, all: bool) -> Vec<&'s Comment> {
    let mut out: Vec<&Comment> = r
        .store
        .comments
        .values()
        .filter(|c| {
            c.container_id == container_id
                && c.status == Status::Current
                && (all || c.parent_comment_id.is_none())
        })
        .collect();
    out.sort_by_key(|c| (c.created_at, c.id));
    out
}

pub fn attachments_of<'s>(r: &Renderer<'s>, container_id: u64) -> Vec<&'s Attachment> {
    r.store
        .attachments
        .values()
        .filter(|a| a.container_id == container_id && a.status == Status::Current)
        .collect()
}

/// `children` or `descendants` of a page or blog post, with the types asked for.
pub fn offspring(r: &Renderer, c: &Content, ex: &Expand, all: bool) -> Value {
    let id = c.id;
    let which = if all { "descendant" } else { "child" };
    let mut obj = Obj::new(ex);
    if c.kind == ContentKind::Page {
        obj.field(
            "page",
            format!("/rest/api/content/{id}/{which}/page"),
            |sub| {
                let pages: Vec<Value> = if all {
                    r.store
                        .descendants(id, usize::MAX)
                        .into_iter()
                        .filter(|(p, _)| r.store.can_read_content(r.viewer, p))
                        .map(|(p, _)| content(r, p, None, sub, false))
                        .collect()
                } else {
                    r.store
                        .children(id)
                        .into_iter()
                        .filter(|p| r.store.can_read_content(r.viewer, p))
                        .map(|p| content(r, p, None, sub, false))
                        .collect()
                };
                Some(inline_list(
                    r,
                    pages,
                    &format!("/content/{id}/{which}/page"),
                ))
            },
        );
    }
    obj.field(
        "attachment",
        format!("/rest/api/content/{id}/{which}/attachment"),
        |sub| {
            let items = attachments_of(r, id)
                .into_iter()
                .map(|a| attachment(r, a, sub, false))
                .collect();
            Some(inline_list(
                r,
                items,
                &format!("/content/{id}/{which}/attachment"),
            ))
        },
    );
    obj.field(
        "comment",
        format!("/rest/api/content/{id}/{which}/comment"),
        |sub| {
            let items = comments_of(r, id, all)
                .into_iter()
                .map(|cm| comment(r, cm, sub, false))
                .collect();
            Some(inline_list(
                r,
                items,
                &format!("/content/{id}/{which}/comment"),
            ))
        },
    );
    obj.finish(json!({"self": r.api(&format!("/content/{id}/{which}"))}))
}

/// A page or blog post, at `at` (a historical version) or its current version.
pub fn content(r: &Renderer, c: &Content, at: Option<&Version>, ex: &Expand, top: bool) -> Value {
    let id = c.id;
    let v = at.unwrap_or_else(|| c.current());
    let historical = v.number != c.version_number();
    let space = r.store.spaces.get(&c.space_id);
    let key = space.map(|s| s.key.clone()).unwrap_or_default();
    let mut obj = Obj::new(ex);
    obj.set("id", json!(id.to_string()));
    obj.set("type", json!(c.kind.as_str()));
    let status = if historical {
        "historical"
    } else {
        c.status.as_str()
    };
    obj.set("status", json!(status));
    obj.set("title", json!(v.title));
    obj.set("macroRenderedOutput", json!({}));
    obj.field("childTypes", String::new(), |_| {
        let has_pages = !r.store.children(id).is_empty();
        let has_att = !attachments_of(r, id).is_empty();
        let has_com = !comments_of(r, id, false).is_empty();
        Some(json!({
            "attachment": {"value": has_att, "_links": {"self": r.api(&format!("/content/{id}/child/attachment"))}},
            "comment": {"value": has_com, "_links": {"self": r.api(&format!("/content/{id}/child/comment"))}},
            "page": {"value": has_pages, "_links": {"self": r.api(&format!("/content/{id}/child/page"))}},
        }))
    });
    obj.field("container", format!("/rest/api/space/{key}"), |sub| {
        space.map(|s| r.space(s, sub))
    });
    obj.field("metadata", String::new(), |sub| {
        let mut m = Obj::new(sub);
        m.field("labels", String::new(), |_| Some(label_list(&c.labels)));
        m.field("properties", String::new(), |_| Some(json!({})));
        m.field("currentuser", String::new(), |_| Some(json!({})));
        m.field("frontend", String::new(), |_| Some(json!({})));
        m.field("likes", String::new(), |_| Some(json!({"count": 0})));
        let mut out = m.finish(Value::Null);
        if let Some(o) = out.as_object_mut() {
            o.remove("_links");
        }
        Some(out)
    });
    obj.field("operations", String::new(), |_| {
        let mut ops = vec![json!({"operation": "read", "targetType": c.kind.as_str()})];
        if r.store.can_write_content(r.viewer, c) {
            ops.push(json!({"operation": "update", "targetType": c.kind.as_str()}));
            ops.push(json!({"operation": "delete", "targetType": c.kind.as_str()}));
        }
        Some(Value::Array(ops))
    });
    obj.field("children", format!("/rest/api/content/{id}/child"), |sub| {
        Some(offspring(r, c, sub, false))
    });
    obj.field(
        "restrictions",
        format!("/rest/api/content/{id}/restriction/byOperation"),
        |_| {
            Some(json!({
                "read": restriction_list(r, id, "read", c.read_restricted_to.as_ref()),
                "update": restriction_list(r, id, "update", c.update_restricted_to.as_ref()),
                "_expandable": {},
                "_links": {"self": r.api(&format!("/content/{id}/restriction/byOperation"))},
            }))
        },
    );
    obj.field(
        "history",
        format!("/rest/api/content/{id}/history"),
        |sub| Some(history(r, &Lineage::of_content(c, v.number), sub)),
    );
    obj.field("ancestors", String::new(), |sub| {
        let list: Vec<Value> = match c.kind {
            ContentKind::Page => r
                .store
                .ancestors(id)
                .into_iter()
                .map(|a| content(r, a, None, sub, false))
                .collect(),
            ContentKind::BlogPost => Vec::new(),
        };
        Some(Value::Array(list))
    });
    obj.field("body", String::new(), |sub| Some(body(&v.body, id, sub)));
    obj.field("version", String::new(), |sub| Some(version(r, id, v, sub)));
    obj.field(
        "descendants",
        format!("/rest/api/content/{id}/descendant"),
        |sub| Some(offspring(r, c, sub, true)),
    );
    obj.field("space", format!("/rest/api/space/{key}"), |sub| {
        space.map(|s| r.space(s, sub))
    });
    obj.field("schedulePublishDate", String::new(), |_| None);
    obj.field("schedulePublishInfo", String::new(), |_| None);
    let extensions = match c.kind {
        ContentKind::Page => json!({"position": c.position}),
        ContentKind::BlogPost => json!({}),
    };
    obj.set("extensions", extensions);
    let webui = webui(r, c);
    let mut links = json!({
        "webui": webui,
        "editui": format!("/pages/resumedraft.action?draftId={id}"),
        "edituiv2": format!("/spaces/{key}/pages/edit-v2/{id}"),
        "tinyui": tiny_link(id),
        "self": r.api(&format!("/content/{id}")),
    });
    if top {
        add_top_links(r, &mut links);
    }
    obj.finish(links)
}

fn add_top_links(r: &Renderer, links: &mut Value) {
    links["base"] = json!(r.base());
    links["context"] = json!("/wiki");
    links["collection"] = json!("/rest/api/content");
}

/// A footer or inline comment.
pub fn comment(r: &Renderer, cm: &Comment, ex: &Expand, top: bool) -> Value {
    let id = cm.id;
    let container = r.store.contents.get(&cm.container_id);
    let space = container.and_then(|c| r.store.spaces.get(&c.space_id));
    let key = space.map(|s| s.key.clone()).unwrap_or_default();
    let v = cm.current();
    let mut obj = Obj::new(ex);
    obj.set("id", json!(id.to_string()));
    obj.set("type", json!("comment"));
    obj.set("status", json!(cm.status.as_str()));
    let title = container
        .map(|c| format!("Re: {}", c.title()))
        .unwrap_or_else(|| v.title.clone());
    obj.set("title", json!(title));
    obj.set("macroRenderedOutput", json!({}));
    obj.field("childTypes", String::new(), |_| Some(json!({})));
    obj.field(
        "container",
        format!("/rest/api/content/{}", cm.container_id),
        |sub| container.map(|c| content(r, c, None, sub, false)),
    );
    obj.field("metadata", String::new(), |_| {
        Some(json!({"_expandable": {"currentuser": "", "properties": "", "frontend": "", "labels": "", "likes": ""}}))
    });
    obj.field("operations", String::new(), |_| {
        Some(json!([{"operation": "read", "targetType": "comment"}]))
    });
    obj.field("children", format!("/rest/api/content/{id}/child"), |sub| {
        let mut o = Obj::new(sub);
        o.field(
            "comment",
            format!("/rest/api/content/{id}/child/comment"),
            |s| {
                let replies: Vec<Value> = r
                    .store
                    .comments
                    .values()
                    .filter(|c| c.parent_comment_id == Some(id) && c.status == Status::Current)
                    .map(|c| comment(r, c, s, false))
                    .collect();
                Some(inline_list(
                    r,
                    replies,
                    &format!("/content/{id}/child/comment"),
                ))
            },
        );
        Some(o.finish(json!({"self": r.api(&format!("/content/{id}/child"))})))
    });
    obj.field(
        "restrictions",
        format!("/rest/api/content/{id}/restriction/byOperation"),
        |_| None,
    );
    obj.field(
        "history",
        format!("/rest/api/content/{id}/history"),
        |sub| Some(history(r, &Lineage::of_comment(cm), sub)),
    );
    obj.field("ancestors", String::new(), |sub| {
        Some(Value::Array(
            r.store
                .comment_ancestors(id)
                .into_iter()
                .map(|a| comment(r, a, sub, false))
                .collect(),
        ))
    });
    obj.field("body", String::new(), |sub| Some(body(&v.body, id, sub)));
    obj.field("version", String::new(), |sub| Some(version(r, id, v, sub)));
    obj.field(
        "descendants",
        format!("/rest/api/content/{id}/descendant"),
        |_| None,
    );
    obj.field("space", format!("/rest/api/space/{key}"), |sub| {
        space.map(|s| r.space(s, sub))
    });
    let extensions = match (&cm.kind, &cm.inline) {
        (CommentKind::Inline, Some(anchor)) => json!({
            "location": "inline",
            "inlineProperties": {"originalSelection": anchor.text_selection, "markerRef": anchor.marker_ref},
            "resolution": {"status": anchor.resolution_status, "lastModifier": r.user(&v.author_id), "lastModifiedDate": date(v.created_at)},
        }),
        (CommentKind::Inline, None) => json!({"location": "inline"}),
        (CommentKind::Footer, _) => json!({"location": "footer"}),
    };
    obj.set("extensions", extensions);
    let webui = container
        .map(|c| format!("{}?focusedCommentId={id}#comment-{id}", webui(r, c)))
        .unwrap_or_default();
    let mut links = json!({"webui": webui, "self": r.api(&format!("/content/{id}"))});
    if top {
        add_top_links(r, &mut links);
    }
    obj.finish(links)
}

/// An attachment (`att<id>` in v1).
pub fn attachment(r: &Renderer, a: &Attachment, ex: &Expand, top: bool) -> Value {
    let container = r.store.contents.get(&a.container_id);
    let space = container.and_then(|c| r.store.spaces.get(&c.space_id));
    let key = space.map(|s| s.key.clone()).unwrap_or_default();
    let cid = a.container_id;
    let mut obj = Obj::new(ex);
    obj.set("id", json!(format!("att{}", a.id)));
    obj.set("type", json!("attachment"));
    obj.set("status", json!(a.status.as_str()));
    obj.set("title", json!(a.title));
    obj.set("macroRenderedOutput", json!({}));
    obj.set(
        "metadata",
        json!({"mediaType": a.media_type, "comment": a.comment, "_expandable": {"currentuser": "", "properties": "", "frontend": "", "labels": ""}}),
    );
    let v = Version {
        number: a.version,
        title: a.title.clone(),
        body: String::new(),
        message: String::new(),
        minor_edit: false,
        author_id: a.author_id.clone(),
        created_at: a.created_at,
    };
    obj.set("version", version(r, a.id, &v, &ex.sub("version")));
    obj.field("container", format!("/rest/api/content/{cid}"), |sub| {
        container.map(|c| content(r, c, None, sub, false))
    });
    obj.field("space", format!("/rest/api/space/{key}"), |sub| {
        space.map(|s| r.space(s, sub))
    });
    obj.field("history", format!("/rest/api/content/att{}/history", a.id), |_| {
        Some(json!({"latest": true, "createdBy": r.user(&a.author_id), "createdDate": date(a.created_at)}))
    });
    obj.set(
        "extensions",
        json!({
            "mediaType": a.media_type,
            "fileSize": a.data.len(),
            "comment": a.comment,
            "mediaTypeDescription": media_description(&a.media_type),
            "fileId": a.file_id,
            "collectionName": format!("contentId-{cid}"),
        }),
    );
    let title = slug(&a.title);
    let mut links = json!({
        "webui": format!("/pages/viewpageattachments.action?pageId={cid}&preview=%2F{cid}%2Fatt{}%2F{title}", a.id),
        "download": format!("/download/attachments/{cid}/{title}?version={}&modificationDate={}&api=v2", a.version, a.created_at.timestamp_millis()),
        "self": r.api(&format!("/content/att{}", a.id)),
    });
    if top {
        add_top_links(r, &mut links);
    }
    obj.finish(links)
}

fn media_description(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "PDF Document",
        t if t.starts_with("image/") => "Image",
        t if t.starts_with("text/") => "Text File",
        _ => "File",
    }
}
