//! The `blogposts` toolset: list a space's blog posts, read one (any body format, windowed and
//! sectioned exactly as get_page), create, update (the version handled for the agent, a stale
//! `base_version` reported as a conflict) and delete (to the trash). Every tool checks the
//! post against the access policy (space, labels), as the pages tools do, and lists are
//! filtered item by item.

use futures_util::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ToolError;
use crate::tools::body::{self, BodyView, OutlineItem, ReadFormat, WriteFormat};
use crate::tools::catalog::{Access, ToolContext, ToolOutput, ToolSpec};
use crate::tools::pages::{hidden_if_missing, limit, scoped_space};

const TOOLSET: &str = "blogposts";

/// Every tool of the family.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec::new::<ListArgs, BlogPostList, _>(
            "list_blog_posts",
            TOOLSET,
            "List blog posts",
            "List the blog posts of a space (`space_key`), newest first, optionally only the one \
             with an exact `title`. Returns ids, titles, authors, publication dates and \
             versions, not bodies; read one with get_blog_post.",
            Access::Read,
            list,
        ),
        ToolSpec::new::<GetArgs, GetOutput, _>(
            "get_blog_post",
            TOOLSET,
            "Read a blog post",
            "Read one blog post by `blog_post_id`. The body comes as Markdown by default (or \
             storage, adf, view). Large bodies are windowed: pass `offset` (from `next_offset`) \
             to continue, `max_chars` to size the window, or `section` (a heading path) to read \
             one section. The answer lists the post's headings when the body does not fit.",
            Access::Read,
            get,
        ),
        ToolSpec::new::<CreateArgs, BlogPostSummary, _>(
            "create_blog_post",
            TOOLSET,
            "Create a blog post",
            "Publish a blog post in a space (`space_key`) with a `title` and a `body` (Markdown by \
             default, or Confluence storage XHTML with body_format=storage). Returns the new \
             post's id and version.",
            Access::Write,
            create,
        )
        .outgoing(&["title", "body"]),
        ToolSpec::new::<UpdateArgs, BlogPostSummary, _>(
            "update_blog_post",
            TOOLSET,
            "Update a blog post",
            "Replace a blog post's body and/or title. The version number is handled for you; \
             pass `base_version` (the version you read) to fail instead of overwriting someone \
             else's newer edit. Body is Markdown by default.",
            Access::Destructive,
            update,
        )
        .outgoing(&["title", "body", "version_message"]),
        ToolSpec::new::<DeleteArgs, DeleteOutput, _>(
            "delete_blog_post",
            TOOLSET,
            "Delete a blog post",
            "Move a blog post to the space's trash (it can be restored in Confluence).",
            Access::Destructive,
            delete,
        ),
    ]
}

/// A blog post without its body.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BlogPostSummary {
    pub id: String,
    pub title: String,
    /// `current`, `draft` or `trashed`.
    pub status: Option<String>,
    pub space_id: Option<String>,
    /// Account id of the author (look it up with get_user).
    pub author_id: Option<String>,
    /// When the post was published (ISO 8601).
    pub created_at: Option<String>,
    /// Version number (the next edit makes it +1).
    pub version: u64,
}

impl BlogPostSummary {
    fn of(post: &confluence::models::BlogPost) -> BlogPostSummary {
        BlogPostSummary {
            id: post.id.clone(),
            title: post.title.clone(),
            status: post.status.clone(),
            space_id: post.space_id.clone(),
            author_id: post.author_id.clone(),
            created_at: post.created_at.clone(),
            version: post.version_number(),
        }
    }

    /// `**Title** (blog post 123, version 4)`.
    fn line(&self) -> String {
        format!(
            "**{}** (blog post {}, version {})",
            self.title, self.id, self.version
        )
    }
}

/// Fetches a blog post (body in `format` if given) and checks it against the access policy.
/// Hidden and missing posts answer alike.
async fn scoped_blog_post(
    ctx: &ToolContext,
    id: &str,
    format: Option<confluence::models::BodyFormat>,
) -> Result<confluence::models::BlogPost, ToolError> {
    let what = format!("blog post {id}");
    let post = ctx
        .client
        .blogpost(id, format)
        .await
        .map_err(|e| hidden_if_missing(ctx, e, &what))?;
    ctx.guard
        .check(
            &ctx.client,
            policy::ContentType::Blogpost,
            id,
            post.space_id.as_deref(),
            &what,
        )
        .await?;
    Ok(post)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// The space key, e.g. `ENG`.
    pub space_key: String,
    /// Only the blog post with exactly this title.
    pub title: Option<String>,
    /// Most blog posts to return (1-250, default 25).
    #[schemars(range(min = 1, max = 250))]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BlogPostList {
    pub space_key: String,
    /// Newest first.
    pub blog_posts: Vec<BlogPostSummary>,
    /// True when more blog posts exist than were returned.
    pub truncated: bool,
}

async fn list(ctx: ToolContext, args: ListArgs) -> Result<ToolOutput, ToolError> {
    let space = scoped_space(&ctx, &args.space_key).await?;
    let max = limit(args.limit, 25, 250);
    let query = confluence::BlogPostQuery {
        space_id: Some(space.id.clone()),
        title: args.title.clone(),
        status: None,
        sort: Some("-created-date".to_owned()),
    };
    let caps = confluence::PageCaps {
        max_items: Some(max + 1),
        max_pages: None,
        page_size: Some((max + 1).min(250) as u32),
    };
    let posts: Vec<confluence::models::BlogPost> = ctx
        .client
        .blogposts_matching(&query, caps)
        .try_collect()
        .await?;
    let space_id = space.id.clone();
    let mut posts = ctx
        .guard
        .retain_visible(&ctx.client, posts, |p| {
            Some((
                policy::ContentType::Blogpost,
                p.id.clone(),
                Some(space_id.clone()),
            ))
        })
        .await?;
    let truncated = posts.len() > max;
    posts.truncate(max);
    let blog_posts: Vec<BlogPostSummary> = posts.iter().map(BlogPostSummary::of).collect();
    let mut text = format!(
        "{} blog post(s) in {}, newest first{}",
        blog_posts.len(),
        space.key,
        if truncated {
            " (more exist; raise `limit`)"
        } else {
            ""
        }
    );
    for p in &blog_posts {
        text.push_str(&format!(
            "\n- {}{}",
            p.line(),
            p.created_at
                .as_deref()
                .map(|d| format!(", published {}", d.get(..10).unwrap_or(d)))
                .unwrap_or_default()
        ));
    }
    ToolOutput::new(
        text,
        &BlogPostList {
            space_key: space.key,
            blog_posts,
            truncated,
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetArgs {
    /// The blog post id (from list_blog_posts or search).
    pub blog_post_id: String,
    /// Body representation (default markdown).
    pub format: Option<ReadFormat>,
    /// Character offset to start from (use `next_offset` of the previous answer).
    pub offset: Option<usize>,
    /// Characters of body to return (default: the server's response budget).
    #[schemars(range(min = 100))]
    pub max_chars: Option<usize>,
    /// Heading path of one section to return, e.g. ["Highlights"] (Markdown only).
    pub section: Option<Vec<String>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GetOutput {
    #[serde(flatten)]
    pub blog_post: BlogPostSummary,
    pub format: ReadFormat,
    pub body: BodyView,
    /// The post's headings (path, offset, size) when the body did not fit in one answer.
    pub outline: Option<Vec<OutlineItem>>,
}

async fn get(ctx: ToolContext, args: GetArgs) -> Result<ToolOutput, ToolError> {
    let format = args.format.unwrap_or_default();
    body::check_section(format, args.section.as_deref())?;
    let post = scoped_blog_post(&ctx, &args.blog_post_id, Some(format.upstream())).await?;
    let text = body::render_body(post.body.as_ref(), format)?;
    let windowed = body::windowed(
        &text,
        format,
        args.section.as_deref(),
        args.offset,
        args.max_chars,
        ctx.max_chars,
    )?;
    let summary = BlogPostSummary::of(&post);
    let md = format!(
        "# {}\nblog post {} · space id {} · published {} · version {}{}\n\n{}",
        summary.title,
        summary.id,
        summary.space_id.as_deref().unwrap_or("?"),
        summary.created_at.as_deref().unwrap_or("?"),
        summary.version,
        windowed
            .view
            .section
            .as_ref()
            .map(|p| format!(" · section {}", p.join(" > ")))
            .unwrap_or_default(),
        windowed.markdown()
    );
    ToolOutput::new(
        md,
        &GetOutput {
            blog_post: summary,
            format,
            body: windowed.view,
            outline: windowed.outline,
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateArgs {
    /// The space key, e.g. `DOCS`.
    pub space_key: String,
    /// The title.
    #[schemars(length(min = 1, max = 255))]
    pub title: String,
    /// The post's body, Markdown by default.
    pub body: String,
    /// `markdown` (default) or `storage` (Confluence XHTML).
    pub body_format: Option<WriteFormat>,
}

async fn create(ctx: ToolContext, args: CreateArgs) -> Result<ToolOutput, ToolError> {
    let space = scoped_space(&ctx, &args.space_key).await?;
    ctx.guard
        .check_new(&ctx.client, &space.key, None, policy::ContentType::Blogpost)
        .await?;
    let storage = body::to_storage(&args.body, args.body_format.unwrap_or_default())?;
    let post = ctx
        .client
        .create_blogpost(&confluence::NewBlogPost {
            space_id: space.id,
            title: args.title,
            body: storage,
        })
        .await?;
    let summary = BlogPostSummary::of(&post);
    ToolOutput::new(format!("Published {}.", summary.line()), &summary)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateArgs {
    pub blog_post_id: String,
    /// New title (default: unchanged).
    #[schemars(length(min = 1, max = 255))]
    pub title: Option<String>,
    /// New body replacing the whole current body (default: unchanged).
    pub body: Option<String>,
    /// `markdown` (default) or `storage`.
    pub body_format: Option<WriteFormat>,
    /// The version your edit is based on; if the post has moved on since, the update fails
    /// with a conflict instead of overwriting the newer edit.
    pub base_version: Option<u64>,
    /// Mark as a minor edit (watchers are not notified).
    pub minor_edit: Option<bool>,
    /// The version comment shown in the post's history.
    pub version_message: Option<String>,
}

async fn update(ctx: ToolContext, args: UpdateArgs) -> Result<ToolOutput, ToolError> {
    if args.title.is_none() && args.body.is_none() {
        return Err(ToolError::invalid(
            "/body",
            "give at least one of `title`, `body`",
        ));
    }
    let post = scoped_blog_post(&ctx, &args.blog_post_id, None).await?;
    let storage = match &args.body {
        Some(b) => Some(body::to_storage(b, args.body_format.unwrap_or_default())?),
        None => None,
    };
    let updated = ctx
        .client
        .update_blogpost(
            &post.id,
            &confluence::ContentEdit {
                title: args.title,
                body: storage,
                message: args.version_message,
                based_on_version: args.base_version,
                minor_edit: args.minor_edit.unwrap_or(false),
                parent_id: None,
            },
        )
        .await?;
    let summary = BlogPostSummary::of(&updated);
    ToolOutput::new(format!("Updated {}.", summary.line()), &summary)
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteArgs {
    pub blog_post_id: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeleteOutput {
    pub blog_post_id: String,
    pub title: String,
    /// Always `trashed`: the post can be restored from the space's trash.
    pub status: String,
}

async fn delete(ctx: ToolContext, args: DeleteArgs) -> Result<ToolOutput, ToolError> {
    let post = scoped_blog_post(&ctx, &args.blog_post_id, None).await?;
    ctx.client.delete_blogpost(&post.id, false).await?;
    let out = DeleteOutput {
        blog_post_id: post.id.clone(),
        title: post.title.clone(),
        status: "trashed".to_owned(),
    };
    ToolOutput::new(
        format!(
            "Moved **{}** (blog post {}) to the trash.",
            post.title, post.id
        ),
        &out,
    )
}
