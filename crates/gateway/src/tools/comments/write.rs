//! `add_comment`, `add_inline_comment`, `update_comment`, `delete_comment`. The pipeline has
//! already run DLP over the outgoing bodies; these functions check the policy, convert and send.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    CommentFormat, CommentOut, ContainerOut, Kind, Target, comment_container, find_comment,
    scoped_container, selection,
};
use crate::error::ToolError;
use crate::tools::body::{self, WriteFormat};
use crate::tools::catalog::{ToolContext, ToolOutput};

#[derive(Debug, Serialize, JsonSchema)]
pub struct CommentResult {
    #[serde(flatten)]
    pub comment: CommentOut,
    /// The page or blog post the comment is on.
    pub container: ContainerOut,
}

impl CommentResult {
    fn output(self, verb: &str) -> Result<ToolOutput, ToolError> {
        let text = format!(
            "{verb} on {}:\n\n{}",
            self.container.line(),
            self.comment.markdown(2)
        );
        ToolOutput::new(text, &self)
    }
}

/// What an answer to a write shows of the comment: Markdown of what Confluence stored.
fn written(
    ctx: &ToolContext,
    kind: Kind,
    c: &confluence::models::Comment,
    sent: &str,
) -> CommentOut {
    CommentOut::of(kind, c, CommentFormat::Markdown, ctx.max_chars, Some(sent))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddArgs {
    /// The page to comment on.
    pub page_id: Option<String>,
    /// The blog post to comment on.
    pub blog_post_id: Option<String>,
    /// Reply to this comment (footer or inline) instead of starting a new thread.
    pub parent_comment_id: Option<String>,
    /// The comment, Markdown by default.
    #[schemars(length(min = 1))]
    pub body: String,
    /// `markdown` (default) or `storage` (Confluence XHTML).
    pub body_format: Option<WriteFormat>,
}

pub async fn add(ctx: ToolContext, args: AddArgs) -> Result<ToolOutput, ToolError> {
    if args.body.trim().is_empty() {
        return Err(ToolError::invalid("/body", "the comment is empty"));
    }
    let named = match (&args.page_id, &args.blog_post_id) {
        (None, None) => None,
        (page, blog) => Some(Target::from_args(page.as_deref(), blog.as_deref())?),
    };
    let Some(parent_id) = &args.parent_comment_id else {
        let target = named.ok_or_else(|| {
            ToolError::invalid(
                "/page_id",
                "give `page_id` or `blog_post_id` (a new comment), or `parent_comment_id` (a reply)",
            )
        })?;
        let container = scoped_container(&ctx, &target, &target.describe()).await?;
        let storage = body::to_storage(&args.body, args.body_format.unwrap_or_default())?;
        let created = ctx
            .client
            .create_footer_comment(&container.target(), &storage)
            .await?;
        let comment = written(&ctx, Kind::Footer, &created, &storage);
        return CommentResult { comment, container }.output("Added footer comment");
    };
    let (kind, parent) = find_comment(&ctx, parent_id, None).await?;
    let container = comment_container(&ctx, kind, &parent, None).await?;
    if let Some(target) = &named {
        let (id, kind_word) = match target {
            Target::Page(id) => (id, "page"),
            Target::BlogPost(id) => (id, "blogpost"),
        };
        if *id != container.id || kind_word != container.kind {
            return Err(ToolError::invalid(
                "/parent_comment_id",
                format!(
                    "comment {parent_id} is on {} {}, not on {}; leave out `page_id`/`blog_post_id` \
                     when replying",
                    container.kind,
                    container.id,
                    target.describe()
                ),
            ));
        }
    }
    let storage = body::to_storage(&args.body, args.body_format.unwrap_or_default())?;
    let reply = ctx
        .client
        .reply_to_comment(kind.upstream(), &parent.id, &storage)
        .await?;
    let mut comment = written(&ctx, kind, &reply, &storage);
    if comment.parent_comment_id.is_none() {
        comment.parent_comment_id = Some(parent.id.clone());
    }
    comment.text_selection = None;
    CommentResult { comment, container }.output(&format!(
        "Replied to {} comment {}",
        kind.word(),
        parent.id
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddInlineArgs {
    /// The page whose text to comment on.
    pub page_id: String,
    /// The exact text to highlight, as readers see it on the page (plain words within one
    /// paragraph, list item or table cell; no Markdown markup).
    #[schemars(length(min = 1, max = 1000))]
    pub text_selection: String,
    /// Which occurrence to highlight when the text occurs more than once: 0 = the first
    /// (default), 1 = the second, …
    pub match_index: Option<u32>,
    /// The comment, Markdown by default.
    #[schemars(length(min = 1))]
    pub body: String,
    /// `markdown` (default) or `storage` (Confluence XHTML).
    pub body_format: Option<WriteFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct InlineResult {
    #[serde(flatten)]
    pub comment: CommentOut,
    pub container: ContainerOut,
    /// How often the selected text occurs on the page.
    pub match_count: u32,
    /// Which occurrence was highlighted (0 = the first).
    pub match_index: u32,
}

pub async fn add_inline(ctx: ToolContext, args: AddInlineArgs) -> Result<ToolOutput, ToolError> {
    if args.body.trim().is_empty() {
        return Err(ToolError::invalid("/body", "the comment is empty"));
    }
    let page = crate::tools::pages::scoped_page(
        &ctx,
        &args.page_id,
        Some(confluence::models::BodyFormat::Storage),
    )
    .await?;
    let container = ContainerOut::of_page(&page);
    let page_storage =
        confluence::models::body_text(page.body.as_ref(), confluence::models::BodyFormat::Storage)
            .unwrap_or("");
    let text = selection::visible_text(page_storage);
    let count = selection::occurrences(&text, &args.text_selection);
    if count == 0 {
        return Err(ToolError::invalid(
            "/text_selection",
            selection::not_found_hint(&text, &args.text_selection),
        ));
    }
    let match_count = u32::try_from(count).unwrap_or(u32::MAX);
    let match_index = args.match_index.unwrap_or(0);
    if match_index >= match_count {
        return Err(ToolError::invalid(
            "/match_index",
            format!(
                "the text occurs {match_count} time(s) on the page; pass 0 to {}",
                match_count - 1
            ),
        ));
    }
    let storage = body::to_storage(&args.body, args.body_format.unwrap_or_default())?;
    let anchor = confluence::InlineAnchor {
        text: args.text_selection.clone(),
        match_count,
        match_index,
    };
    let created = ctx
        .client
        .create_inline_comment(&container.target(), &anchor, &storage)
        .await?;
    let mut comment = written(&ctx, Kind::Inline, &created, &storage);
    comment
        .text_selection
        .get_or_insert_with(|| args.text_selection.clone());
    let mut text = format!(
        "Added inline comment on {} (occurrence {} of {}):\n\n{}",
        container.line(),
        match_index + 1,
        match_count,
        comment.markdown(2)
    );
    if match_count > 1 && args.match_index.is_none() {
        text.push_str(&format!(
            "\n\n[The text occurs {match_count} times; this comment is on the first. Pass \
             `match_index` to choose another.]"
        ));
    }
    ToolOutput::new(
        text,
        &InlineResult {
            comment,
            container,
            match_count,
            match_index,
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    pub comment_id: String,
    /// `footer` or `inline`; detected when left out.
    pub kind: Option<Kind>,
    /// The new body replacing the current one (default: unchanged).
    pub body: Option<String>,
    /// `markdown` (default) or `storage`.
    pub body_format: Option<WriteFormat>,
    /// Inline comment threads only: `true` resolves the thread, `false` reopens it.
    pub resolved: Option<bool>,
    /// The version your edit is based on; if the comment has moved on since, the update
    /// fails with a conflict instead of overwriting the newer edit.
    pub base_version: Option<u64>,
    /// A note stored with the new version.
    pub version_message: Option<String>,
}

pub async fn update(ctx: ToolContext, args: UpdateArgs) -> Result<ToolOutput, ToolError> {
    if args.body.is_none() && args.resolved.is_none() {
        return Err(ToolError::invalid(
            "/body",
            "give `body` (new text) and/or `resolved` (inline comments)",
        ));
    }
    if args.body.as_deref().is_some_and(|b| b.trim().is_empty()) {
        return Err(ToolError::invalid(
            "/body",
            "the comment would be empty; use delete_comment to remove it",
        ));
    }
    let (kind, current) = find_comment(&ctx, &args.comment_id, args.kind).await?;
    let container = comment_container(&ctx, kind, &current, args.kind).await?;
    if args.resolved.is_some() {
        if kind != Kind::Inline {
            return Err(ToolError::invalid(
                "/resolved",
                "only inline comments can be resolved or reopened",
            ));
        }
        if let Some(root) = &current.parent_comment_id {
            return Err(ToolError::invalid(
                "/resolved",
                format!("this is a reply; resolve the thread's first comment ({root}) instead"),
            ));
        }
    }
    let version = current.version_number();
    if let Some(base) = args.base_version
        && base != version
    {
        return Err(ToolError::Confluence(confluence::Error::Conflict {
            message: format!("comment {} is at version {version}", current.id),
            current_version: Some(version),
            attempted_version: Some(base),
        }));
    }
    let storage = match &args.body {
        Some(b) => Some(body::to_storage(b, args.body_format.unwrap_or_default())?),
        // Resolving alone writes no new version, as in Confluence's own UI.
        None => None,
    };
    let edited = ctx
        .client
        .edit_comment(
            kind.upstream(),
            &current.id,
            &confluence::CommentEdit {
                based_on_version: version,
                storage: storage.clone(),
                message: args.version_message,
                resolved: args.resolved,
            },
        )
        .await?;
    let current_storage = confluence::models::body_text(
        current.body.as_ref(),
        confluence::models::BodyFormat::Storage,
    );
    let sent = storage.as_deref().or(current_storage).unwrap_or("");
    let comment = written(&ctx, kind, &edited, sent);
    let verb = match args.resolved {
        Some(true) => "Resolved",
        Some(false) => "Reopened",
        None => "Updated",
    };
    CommentResult { comment, container }.output(&format!(
        "{verb} {} comment {}",
        kind.word(),
        current.id
    ))
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteArgs {
    pub comment_id: String,
    /// `footer` or `inline`; detected when left out.
    pub kind: Option<Kind>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeleteOutput {
    pub comment_id: String,
    pub kind: Kind,
    /// The page or blog post it was on.
    pub container: ContainerOut,
    /// Always `deleted`: comments are removed for good, replies included.
    pub status: String,
}

pub async fn delete(ctx: ToolContext, args: DeleteArgs) -> Result<ToolOutput, ToolError> {
    let (kind, current) = find_comment(&ctx, &args.comment_id, args.kind).await?;
    let container = comment_container(&ctx, kind, &current, args.kind).await?;
    ctx.client
        .delete_comment(kind.upstream(), &current.id)
        .await?;
    let text = format!(
        "Deleted {} comment {} (and any replies) from {}.",
        kind.word(),
        current.id,
        container.line()
    );
    ToolOutput::new(
        text,
        &DeleteOutput {
            comment_id: current.id,
            kind,
            container,
            status: "deleted".to_owned(),
        },
    )
}
