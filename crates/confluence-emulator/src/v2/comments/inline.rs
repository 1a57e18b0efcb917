//! What only inline comments have: routes, anchoring to a text selection of the page, and
//! resolving/reopening.

use super::history::{version_detail, versions};
use super::write::{create, delete, update};
use super::{Scope, V2, get_one, list};
use crate::auth::Ctx;
use crate::errors::{ApiError, ApiResult};
use crate::render::xhtml::{self, Node};
use crate::state::AppState;
use crate::store::model::{Comment, CommentKind, Content, ContentKind, InlineAnchor};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

pub const RESOLUTIONS: &[&str] = &["resolved", "open", "dangling", "reopened"];
const K: CommentKind = CommentKind::Inline;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/pages/{id}/inline-comments", get(page_inline))
        .route("/api/v2/blogposts/{id}/inline-comments", get(blog_inline))
        .route(
            "/api/v2/inline-comments",
            get(all_inline).post(create_inline),
        )
        .route(
            "/api/v2/inline-comments/{id}",
            get(get_inline).put(update_inline).delete(delete_inline),
        )
        .route(
            "/api/v2/inline-comments/{id}/children",
            get(inline_children),
        )
        .route(
            "/api/v2/inline-comments/{id}/versions",
            get(inline_versions),
        )
        .route(
            "/api/v2/inline-comments/{id}/versions/{number}",
            get(inline_version),
        )
}

async fn page_inline(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, K, Scope::On(ContentKind::Page, &id))
}

async fn blog_inline(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, K, Scope::On(ContentKind::BlogPost, &id))
}

async fn all_inline(
    ctx: Ctx,
    State(s): State<AppState>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, K, Scope::All)
}

async fn inline_children(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    list(&s, &u, &ctx.user, K, Scope::Replies(&id))
}

async fn get_inline(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    get_one(&s, &u, &ctx.user, K, &id)
}

async fn create_inline(
    ctx: Ctx,
    State(s): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    create(&s, &ctx.user, K, body)
}

async fn update_inline(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    update(&s, &ctx.user, K, &id, body)
}

async fn delete_inline(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    delete(&s, &ctx.user, K, &id)
}

async fn inline_versions(
    ctx: Ctx,
    State(s): State<AppState>,
    Path(id): Path<String>,
    OriginalUri(u): OriginalUri,
) -> ApiResult<Response> {
    versions(&s, &u, &ctx.user, K, &id)
}

async fn inline_version(
    ctx: Ctx,
    State(s): State<AppState>,
    Path((id, n)): Path<(String, String)>,
) -> ApiResult<Response> {
    version_detail(&s, &ctx.user, K, &id, &n)
}

/// `inlineCommentProperties` of a create request.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineProps {
    text_selection: Option<String>,
    text_selection_match_count: Option<i64>,
    text_selection_match_index: Option<i64>,
}

/// Anchors a new top-level inline comment to an occurrence of the selected text in the page,
/// rejecting selections the page does not contain, as Confluence does.
pub fn anchor_for(content: &Content, props: Option<&InlineProps>) -> ApiResult<InlineAnchor> {
    let props = props.ok_or_else(|| {
        ApiError::bad_request(
            V2,
            "inlineCommentProperties are required for a top-level inline comment",
        )
    })?;
    let selection = props
        .text_selection
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(V2, "inlineCommentProperties.textSelection is required")
        })?;
    let text = storage_text(&content.current().body);
    let found = text.matches(selection).count();
    if found == 0 {
        return Err(ApiError::bad_request(
            V2,
            format!("The text selection '{selection}' was not found in the content"),
        ));
    }
    let index = props.text_selection_match_index.unwrap_or(0);
    let count = props.text_selection_match_count.unwrap_or(found as i64);
    if count != found as i64 {
        return Err(ApiError::bad_request(
            V2,
            format!("textSelectionMatchCount is {count} but the selection occurs {found} times"),
        ));
    }
    if index < 0 || index >= count {
        return Err(ApiError::bad_request(
            V2,
            "textSelectionMatchIndex must be at least 0 and less than textSelectionMatchCount",
        ));
    }
    Ok(InlineAnchor {
        text_selection: selection.to_owned(),
        match_count: u32::try_from(count).unwrap_or(u32::MAX),
        match_index: u32::try_from(index).unwrap_or(0),
        marker_ref: uuid::Uuid::new_v4().to_string(),
        resolution_status: "open".to_owned(),
    })
}

/// The resolution status a `resolved: true|false` update leads to. Only a thread's root can be
/// resolved, and a dangling comment (its text is gone) cannot be updated.
pub fn next_resolution(comment: &Comment, resolved: bool) -> ApiResult<&'static str> {
    let anchor = comment.inline.as_ref().ok_or_else(|| {
        ApiError::bad_request(V2, "Only top-level inline comments can be resolved")
    })?;
    Ok(match (anchor.resolution_status.as_str(), resolved) {
        ("dangling", _) => {
            return Err(ApiError::bad_request(
                V2,
                "A dangling inline comment cannot be updated",
            ));
        }
        (_, true) => "resolved",
        ("resolved", false) => "reopened",
        ("reopened", false) => "reopened",
        (_, false) => "open",
    })
}

/// The text a reader sees in storage XHTML, which is what an inline comment's selection is
/// matched against: text nodes (code bodies included, entities decoded), not macro parameters
/// or other markup. Blocks are separated by a line break, so a selection never runs from one
/// paragraph into the next.
pub fn storage_text(storage: &str) -> String {
    let mut out = String::with_capacity(storage.len());
    visible_text(&xhtml::parse(storage), &mut out);
    out
}

fn visible_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if e.name == "ac:parameter" => {}
            Node::Element(e) => {
                visible_text(&e.children, out);
                if is_block(&e.name) && !out.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "li"
            | "td"
            | "th"
            | "tr"
            | "br"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "div"
            | "blockquote"
            | "ac:plain-text-body"
            | "ac:rich-text-body"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_text_drops_tags_and_decodes_entities() {
        assert_eq!(
            storage_text("<p>Fish &amp; <strong>chips</strong></p><p>x</p>"),
            "Fish & chips\nx\n"
        );
    }

    #[test]
    fn storage_text_keeps_code_and_drops_macro_parameters() {
        let storage = "<ac:structured-macro ac:name=\"code\">\
            <ac:parameter ac:name=\"title\">Deploy script</ac:parameter>\
            <ac:plain-text-body><![CDATA[make deploy && echo done]]></ac:plain-text-body>\
            </ac:structured-macro><p>end</p>";
        let text = storage_text(storage);
        assert!(text.contains("make deploy && echo done"), "{text:?}");
        assert!(!text.contains("Deploy script"), "{text:?}");
        assert!(!storage_text("<p>one</p><p>two</p>").contains("onetwo"));
    }
}
