//! The `comments` toolset: footer and inline comments on pages and blog posts. Reading
//! ([`read`]: threads with their replies, one comment) and writing ([`write`]: footer
//! comments and replies, inline comments on a text selection, edits and resolution,
//! deletion). Every call checks the comment's page or blog post against the access policy first;
//! hidden comments answer "not found", like missing ones.

mod read;
mod selection;
mod write;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ToolError;
use crate::tools::catalog::{Access, ToolContext, ToolSpec};

const TOOLSET: &str = "comments";

/// Every tool of the family.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec::new::<read::ListArgs, read::CommentList, _>(
            "list_comments",
            TOOLSET,
            "List comments",
            "List the comments of a page (`page_id`) or blog post (`blog_post_id`): footer \
             comments and inline comments (those anchored to highlighted text, with the text \
             and whether they are open or resolved), each with its replies (linked by \
             `parent_comment_id`). Bodies come as Markdown by default. Pass `kind` for one kind \
             only; when `next_cursor` is set, call again with it as `cursor` for more.",
            Access::Read,
            read::list,
        ),
        ToolSpec::new::<read::GetArgs, read::CommentDetail, _>(
            "get_comment",
            TOOLSET,
            "Read a comment",
            "Read one comment by `comment_id` (footer or inline, detected unless `kind` is \
             given), with its page or blog post, its full body (Markdown by default) and its \
             replies.",
            Access::Read,
            read::get,
        ),
        ToolSpec::new::<write::AddArgs, write::CommentResult, _>(
            "add_comment",
            TOOLSET,
            "Add a comment",
            "Add a footer comment to a page (`page_id`) or blog post (`blog_post_id`), or reply \
             to a comment with `parent_comment_id` (footer or inline; the reply joins that \
             thread). The body is Markdown by default (or storage XHTML with \
             body_format=storage). To comment on specific text of a page, use \
             add_inline_comment.",
            Access::Write,
            write::add,
        )
        .outgoing(&["body"]),
        ToolSpec::new::<write::AddInlineArgs, write::InlineResult, _>(
            "add_inline_comment",
            TOOLSET,
            "Comment on page text",
            "Add an inline comment anchored to text of a page: `text_selection` is the exact \
             text to highlight as readers see it (plain words from one paragraph, without \
             Markdown markup). When the text occurs more than once, `match_index` picks the \
             occurrence (0 = first, the default); the answer says how many there are.",
            Access::Write,
            write::add_inline,
        )
        .outgoing(&["body"]),
        ToolSpec::new::<write::UpdateArgs, write::CommentResult, _>(
            "update_comment",
            TOOLSET,
            "Edit a comment",
            "Replace a comment's body, and/or resolve (`resolved: true`) or reopen (`false`) an \
             inline comment thread. The version number is handled for you; pass `base_version` \
             (the version you read) to fail instead of overwriting a newer edit. Only the \
             comment's author or a space admin may change its body; anyone who can read the \
             page may resolve or reopen.",
            Access::Destructive,
            write::update,
        )
        .outgoing(&["body", "version_message"]),
        ToolSpec::new::<write::DeleteArgs, write::DeleteOutput, _>(
            "delete_comment",
            TOOLSET,
            "Delete a comment",
            "Delete a comment and its replies permanently (Confluence keeps no trash for \
             comments). Only the comment's author or a space admin may delete it.",
            Access::Destructive,
            write::delete,
        ),
    ]
}

/// Footer comments sit below a page; inline comments are anchored to highlighted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Footer,
    Inline,
}

impl Kind {
    fn upstream(self) -> confluence::CommentKind {
        match self {
            Kind::Footer => confluence::CommentKind::Footer,
            Kind::Inline => confluence::CommentKind::Inline,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Kind::Footer => "footer",
            Kind::Inline => "inline",
        }
    }
}

/// How comment bodies are returned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommentFormat {
    /// Compact Markdown converted from storage format (default).
    #[default]
    Markdown,
    /// Confluence storage XHTML, exactly as stored.
    Storage,
}

/// The page or blog post a comment belongs to.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ContainerOut {
    pub id: String,
    /// `page` or `blogpost`.
    pub kind: String,
    pub title: String,
    pub space_id: Option<String>,
}

impl ContainerOut {
    fn of_page(page: &confluence::models::Page) -> ContainerOut {
        ContainerOut {
            id: page.id.clone(),
            kind: "page".to_owned(),
            title: page.title.clone(),
            space_id: page.space_id.clone(),
        }
    }

    /// `**Title** (page 123)`.
    fn line(&self) -> String {
        format!("**{}** ({} {})", self.title, self.kind, self.id)
    }

    fn target(&self) -> confluence::CommentContainer {
        match self.kind.as_str() {
            "blogpost" => confluence::CommentContainer::BlogPost(self.id.clone()),
            _ => confluence::CommentContainer::Page(self.id.clone()),
        }
    }
}

/// One comment as the agent sees it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CommentOut {
    /// Comment id; pass it to get_comment, update_comment, delete_comment or as
    /// `parent_comment_id` to add_comment.
    pub id: String,
    pub kind: Kind,
    /// Set on replies: the comment this one answers.
    pub parent_comment_id: Option<String>,
    /// Version number (each edit makes it +1).
    pub version: u64,
    /// Account id of whoever wrote the current version (the author unless it was edited
    /// by someone else).
    pub author_id: Option<String>,
    /// When the current version was written.
    pub date: Option<String>,
    pub format: CommentFormat,
    pub body: String,
    /// True when `body` was cut to fit the answer; get_comment returns it whole.
    pub body_truncated: bool,
    /// Inline comments: the highlighted page text the thread is about.
    pub text_selection: Option<String>,
    /// Inline comments: `open`, `reopened`, `resolved` or `dangling` (its text is gone).
    pub resolution_status: Option<String>,
    /// Site-relative link to the comment in Confluence.
    pub url: Option<String>,
}

impl CommentOut {
    /// Converts a Confluence comment fetched with a storage body. `fallback_storage` is used
    /// when the answer carries no body (a create or update response may omit it).
    fn of(
        kind: Kind,
        c: &confluence::models::Comment,
        format: CommentFormat,
        max_body_chars: usize,
        fallback_storage: Option<&str>,
    ) -> CommentOut {
        let storage =
            confluence::models::body_text(c.body.as_ref(), confluence::models::BodyFormat::Storage)
                .or(fallback_storage)
                .unwrap_or("");
        let full = match format {
            CommentFormat::Storage => storage.to_owned(),
            // One malformed comment must not fail a whole list: fall back to its text.
            CommentFormat::Markdown => {
                content::storage_to_markdown(storage, &content::Options::default())
                    .unwrap_or_else(|_| content::plain_text(storage))
            }
        };
        let (body, body_truncated) = cut(full, max_body_chars);
        let property = |key: &str| {
            c.properties
                .as_ref()
                .and_then(|p| p.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let version = c.version.as_ref();
        CommentOut {
            id: c.id.clone(),
            kind,
            parent_comment_id: c.parent_comment_id.clone(),
            version: c.version_number(),
            author_id: version.and_then(|v| v.author_id.clone()),
            date: version.and_then(|v| v.created_at.clone()),
            format,
            body,
            body_truncated,
            text_selection: property("inlineOriginalSelection")
                .or_else(|| property("inline-original-selection")),
            resolution_status: c.resolution_status.clone(),
            url: c
                .links
                .as_ref()
                .and_then(|l| l.get("webui"))
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        }
    }

    /// A Markdown block: a heading line, then the body.
    fn markdown(&self, heading_level: usize) -> String {
        let hashes = "#".repeat(heading_level.clamp(1, 6));
        let what = match (self.kind, &self.parent_comment_id) {
            (_, Some(parent)) => format!("Reply {} to {parent}", self.id),
            (Kind::Footer, None) => format!("Footer comment {}", self.id),
            (Kind::Inline, None) => format!("Inline comment {}", self.id),
        };
        let mut head = format!("{hashes} {what}");
        if self.parent_comment_id.is_none()
            && let Some(selection) = &self.text_selection
        {
            head.push_str(&format!(" on \"{selection}\""));
        }
        if self.parent_comment_id.is_none()
            && let Some(status) = &self.resolution_status
        {
            head.push_str(&format!(" · {status}"));
        }
        head.push_str(&format!(
            " · v{} · {} · {}",
            self.version,
            self.author_id.as_deref().unwrap_or("?"),
            short_date(self.date.as_deref().unwrap_or(""))
        ));
        let mut out = format!("{head}\n\n{}", self.body.trim_end());
        if self.body_truncated {
            out.push_str(&format!(
                "\n\n[body cut; get_comment with comment_id={} returns it whole]",
                self.id
            ));
        }
        out
    }
}

/// `2024-11-13T14:09:00.000Z` as `2024-11-13 14:09`: minutes are enough to read a thread.
fn short_date(iso: &str) -> String {
    match (iso.get(..10), iso.get(11..16)) {
        (Some(day), Some(time)) if iso.as_bytes().get(10) == Some(&b'T') => format!("{day} {time}"),
        _ => iso.to_owned(),
    }
}

/// `text` cut to at most `max` characters (at a char boundary), and whether it was cut.
fn cut(text: String, max: usize) -> (String, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (text[..at].to_owned(), true),
        None => (text, false),
    }
}

/// What the agent named a comment's container by.
enum Target {
    Page(String),
    BlogPost(String),
}

impl Target {
    /// Exactly one of `page_id`, `blog_post_id`.
    fn from_args(page_id: Option<&str>, blog_post_id: Option<&str>) -> Result<Target, ToolError> {
        match (page_id, blog_post_id) {
            (Some(p), None) => Ok(Target::Page(p.to_owned())),
            (None, Some(b)) => Ok(Target::BlogPost(b.to_owned())),
            (Some(_), Some(_)) => Err(ToolError::invalid(
                "/blog_post_id",
                "give either `page_id` or `blog_post_id`, not both",
            )),
            (None, None) => Err(ToolError::invalid(
                "/page_id",
                "give `page_id` (a page) or `blog_post_id` (a blog post)",
            )),
        }
    }

    /// Where Confluence says a comment lives.
    fn of_comment(c: &confluence::models::Comment) -> Option<Target> {
        match (&c.page_id, &c.blog_post_id) {
            (Some(p), _) => Some(Target::Page(p.clone())),
            (None, Some(b)) => Some(Target::BlogPost(b.clone())),
            (None, None) => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Target::Page(id) => format!("page {id}"),
            Target::BlogPost(id) => format!("blog post {id}"),
        }
    }
}

/// The page or blog post, if it exists and the access policy lets the agent use it (for a
/// comment: `as_comment`). `what` names what the agent asked about, for the not-found answer
/// (so it never learns a hidden id); hidden and missing containers answer alike.
async fn scoped_container(
    ctx: &ToolContext,
    target: &Target,
    what: &str,
) -> Result<ContainerOut, ToolError> {
    let hide = |e: confluence::Error| crate::tools::pages::hidden_if_missing(ctx, e, what);
    let (out, space_id, kind, id) = match target {
        Target::Page(id) => {
            let page = ctx.client.page(id, None).await.map_err(hide)?;
            (
                ContainerOut::of_page(&page),
                page.space_id,
                policy::ContentType::Page,
                id,
            )
        }
        Target::BlogPost(id) => {
            let post = ctx.client.blogpost(id, None).await.map_err(hide)?;
            let out = ContainerOut {
                id: post.id,
                kind: "blogpost".to_owned(),
                title: post.title,
                space_id: post.space_id.clone(),
            };
            (out, post.space_id, policy::ContentType::Blogpost, id)
        }
    };
    ctx.guard
        .check_as(
            &ctx.client,
            kind,
            id,
            space_id.as_deref(),
            Some(policy::ContentType::Comment),
            what,
        )
        .await?;
    Ok(out)
}

/// How a comment the agent asked for is named in not-found answers: the same words whether
/// it is missing, of another kind, or on content the agent may not see.
fn comment_what(id: &str, kind: Option<Kind>) -> String {
    match kind {
        Some(k) => format!(
            "{} comment {id} (if it is another kind of comment, leave out `kind`)",
            k.word()
        ),
        None => format!("comment {id}"),
    }
}

/// A comment by id, trying footer then inline unless the kind is given.
async fn find_comment(
    ctx: &ToolContext,
    id: &str,
    kind: Option<Kind>,
) -> Result<(Kind, confluence::models::Comment), ToolError> {
    let storage = Some(confluence::models::BodyFormat::Storage);
    let kinds: &[Kind] = match kind {
        Some(Kind::Footer) => &[Kind::Footer],
        Some(Kind::Inline) => &[Kind::Inline],
        None => &[Kind::Footer, Kind::Inline],
    };
    for k in kinds {
        match ctx.client.comment(k.upstream(), id, storage).await {
            Ok(c) => return Ok((*k, c)),
            Err(confluence::Error::NotFound { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ctx.guard.hidden(&comment_what(id, kind)))
}

/// The container of a comment, checked against the policy. Replies may not name their page;
/// their thread's root does. `requested` is the kind the agent named (for the answer's words).
async fn comment_container(
    ctx: &ToolContext,
    kind: Kind,
    comment: &confluence::models::Comment,
    requested: Option<Kind>,
) -> Result<ContainerOut, ToolError> {
    let what = comment_what(&comment.id, requested);
    let mut current = comment.clone();
    for _ in 0..20 {
        if let Some(target) = Target::of_comment(&current) {
            return scoped_container(ctx, &target, &what).await;
        }
        let Some(parent) = current.parent_comment_id.clone() else {
            break;
        };
        current = ctx
            .client
            .comment(kind.upstream(), &parent, None)
            .await
            .map_err(|e| crate::tools::pages::hidden_if_missing(ctx, e, &what))?;
    }
    Err(ctx.guard.hidden(&what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shortened_for_reading() {
        assert_eq!(short_date("2024-11-13T14:09:00.000Z"), "2024-11-13 14:09");
        assert_eq!(short_date("yesterday"), "yesterday");
        assert_eq!(short_date(""), "");
    }

    #[test]
    fn bodies_are_cut_on_characters() {
        assert_eq!(cut("héllo".to_owned(), 2), ("hé".to_owned(), true));
        assert_eq!(cut("héllo".to_owned(), 5), ("héllo".to_owned(), false));
        assert_eq!(cut(String::new(), 0), (String::new(), false));
    }

    #[test]
    fn inline_properties_and_links_are_read() {
        let c: confluence::models::Comment = serde_json::from_value(serde_json::json!({
            "id": "7",
            "pageId": "1",
            "version": {"number": 2, "authorId": "a1", "createdAt": "2024-01-01T00:00:00.000Z"},
            "body": {"storage": {"representation": "storage", "value": "<p>Is <strong>this</strong> right?</p>"}},
            "resolutionStatus": "open",
            "properties": {"inlineOriginalSelection": "the text"},
            "_links": {"webui": "/spaces/DOCS/pages/1/T?focusedCommentId=7"}
        }))
        .unwrap_or_default();
        let out = CommentOut::of(Kind::Inline, &c, CommentFormat::Markdown, 1000, None);
        assert_eq!(out.body.trim(), "Is **this** right?");
        assert_eq!(out.text_selection.as_deref(), Some("the text"));
        assert_eq!(out.resolution_status.as_deref(), Some("open"));
        assert_eq!(out.version, 2);
        assert!(
            out.markdown(2)
                .starts_with("## Inline comment 7 on \"the text\" · open · v2")
        );
    }
}
