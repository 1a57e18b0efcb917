//! `search`, `get_page`, `list_pages`.

use futures_util::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{PageSummary, limit, page_id_from_url, scoped_page_as, scoped_space};
use crate::error::ToolError;
use crate::tools::body::{self, BodyView, OutlineItem, ReadFormat};
use crate::tools::catalog::{ToolContext, ToolOutput};
use crate::tools::guard::Locator;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// A CQL query, e.g. `type = page AND space = ENG AND title ~ "runbook" ORDER BY lastmodified DESC`.
    /// Give either `cql` or `query`.
    pub cql: Option<String>,
    /// Plain words to look for in titles, bodies and labels (no CQL syntax needed).
    pub query: Option<String>,
    /// Only results from this space (key, e.g. `ENG`).
    pub space_key: Option<String>,
    /// Most results to return (1-50, default 10).
    #[schemars(range(min = 1, max = 50))]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchOutput {
    /// The CQL that was run (after plain-text conversion and scoping).
    pub cql: String,
    pub results: Vec<SearchHit>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchHit {
    /// Content id; pass it to get_page as `page_id`.
    pub id: Option<String>,
    /// `page`, `blogpost`, `comment`, `attachment` or `space`.
    pub content_type: Option<String>,
    pub title: String,
    pub space_key: Option<String>,
    /// Site-relative URL.
    pub url: Option<String>,
    /// A short text snippet around the match.
    pub excerpt: String,
    pub last_modified: Option<String>,
}

pub async fn search(ctx: ToolContext, args: SearchArgs) -> Result<ToolOutput, ToolError> {
    let mut query = match (&args.cql, &args.query) {
        (Some(cql_text), None) => cql::parse(cql_text)
            .map_err(|e| ToolError::invalid("/cql", format!("not valid CQL: {e}")))?,
        (None, Some(words)) if !words.trim().is_empty() => cql::Query::new(cql::Expr::clause(
            cql::Field::Text,
            cql::Operator::Contains,
            cql::Value::text(words.trim()),
        )),
        (Some(_), Some(_)) => {
            return Err(ToolError::invalid(
                "/query",
                "give either `cql` or `query`, not both",
            ));
        }
        _ => {
            return Err(ToolError::invalid(
                "/query",
                "give `cql` or a non-empty `query`",
            ));
        }
    };
    if let Some(key) = &args.space_key {
        ctx.guard.check_space_key(key)?;
        query.restrict(cql::Expr::clause(
            cql::Field::Space,
            cql::Operator::Eq,
            cql::Value::text(key.to_ascii_uppercase()),
        ));
    }
    ctx.guard.restrict_cql(&mut query)?;
    let cql_text = query.to_string();
    let max = limit(args.limit, 10, 50);
    let caps = confluence::PageCaps {
        max_items: Some(max),
        max_pages: Some(1),
        page_size: Some(max as u32),
    };
    let hits: Vec<confluence::models::SearchResult> =
        ctx.client.search(&cql_text, caps).try_collect().await?;
    // Every hit is checked again on its own (space, labels, page tree), so what the CQL
    // restriction cannot express is still enforced and hidden hits leave no trace.
    let hits = ctx
        .guard
        .retain_located(&ctx.client, hits, |r| {
            let id = r.content_id()?.to_owned();
            Some(match r.content.as_ref()?.content_type.as_deref()? {
                "page" => Locator::Content(policy::ContentType::Page, id, None),
                "blogpost" => Locator::Content(policy::ContentType::Blogpost, id, None),
                "comment" => Locator::Comment(id),
                "attachment" => Locator::Attachment(id),
                _ => return None,
            })
        })
        .await?;
    // Comment and attachment hits name their space through the page they are on.
    let results: Vec<SearchHit> = hits
        .iter()
        .map(|(r, resolved)| {
            let mut h = hit(r);
            if h.space_key.is_none() {
                h.space_key = resolved.as_ref().map(|r| r.space_key.clone());
            }
            h
        })
        .collect();
    let mut text = format!("{} result(s) for `{cql_text}`\n", results.len());
    for (i, h) in results.iter().enumerate() {
        text.push_str(&format!(
            "\n{}. **{}** — {} {}{}",
            i + 1,
            h.title,
            h.content_type.as_deref().unwrap_or("content"),
            h.id.as_deref().unwrap_or("?"),
            h.space_key
                .as_deref()
                .map(|k| format!(" in {k}"))
                .unwrap_or_default()
        ));
        if !h.excerpt.is_empty() {
            text.push_str(&format!("\n   {}", h.excerpt.replace('\n', " ")));
        }
    }
    ToolOutput::new(
        text,
        &SearchOutput {
            cql: cql_text,
            results,
        },
    )
}

fn hit(r: &confluence::models::SearchResult) -> SearchHit {
    // Space hits carry the space; content hits name it in their URL (`/spaces/ENG/pages/…`).
    let space_key = r.space.as_ref().and_then(|s| s.key.clone()).or_else(|| {
        let (_, rest) = r.url.as_deref()?.split_once("/spaces/")?;
        rest.split('/')
            .next()
            .filter(|k| !k.is_empty())
            .map(str::to_owned)
    });
    SearchHit {
        id: r.content_id().map(str::to_owned),
        content_type: r
            .content
            .as_ref()
            .and_then(|c| c.content_type.clone())
            .or_else(|| r.entity_type.clone()),
        title: unhighlight(r.title.as_deref().unwrap_or_default()),
        space_key,
        url: r.url.clone(),
        excerpt: unhighlight(r.excerpt.as_deref().unwrap_or_default()),
        last_modified: r.last_modified.clone(),
    }
}

/// Confluence marks search matches with `@@@hl@@@…@@@endhl@@@`; models need plain text.
fn unhighlight(text: &str) -> String {
    text.replace("@@@hl@@@", "").replace("@@@endhl@@@", "")
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetPageArgs {
    /// The page id (from search or a page list).
    pub page_id: Option<String>,
    /// With `title`: the page's space key.
    pub space_key: Option<String>,
    /// With `space_key`: the page's exact title.
    pub title: Option<String>,
    /// A Confluence page URL (…/pages/123/… or …?pageId=123).
    pub url: Option<String>,
    /// Body representation (default markdown).
    pub format: Option<ReadFormat>,
    /// Character offset to start from (use `next_offset` of the previous answer).
    pub offset: Option<usize>,
    /// Characters of body to return (default: the server's response budget).
    #[schemars(range(min = 100))]
    pub max_chars: Option<usize>,
    /// Heading path of one section to return, e.g. ["Deployment", "Rollback"] (Markdown only).
    pub section: Option<Vec<String>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GetPageOutput {
    #[serde(flatten)]
    pub page: PageSummary,
    pub format: ReadFormat,
    pub body: BodyView,
    /// The page's headings (path, offset, size) when the body did not fit in one answer.
    pub outline: Option<Vec<OutlineItem>>,
}

/// Which page an argument set names (id, URL, or space + title), and how a not-found
/// answer names it (never by an id the agent did not give).
async fn resolve_page_id(
    ctx: &ToolContext,
    args: &GetPageArgs,
) -> Result<(String, String), ToolError> {
    if let Some(id) = &args.page_id {
        return Ok((id.clone(), format!("page {id}")));
    }
    if let Some(url) = &args.url {
        let id = page_id_from_url(url).ok_or_else(|| {
            ToolError::invalid("/url", "no page id in this URL (expected …/pages/<id>/…)")
        })?;
        let what = format!("page {id}");
        return Ok((id, what));
    }
    match (&args.space_key, &args.title) {
        (Some(key), Some(title)) => {
            let space = scoped_space(ctx, key).await?;
            let query = confluence::PageQuery {
                space_id: Some(space.id),
                title: Some(title.clone()),
                ..confluence::PageQuery::default()
            };
            let pages: Vec<confluence::models::Page> = ctx
                .client
                .pages(&query, confluence::PageCaps::items(1))
                .try_collect()
                .await?;
            let what = format!("page titled \"{title}\" in space {key}");
            match pages.first() {
                Some(p) => Ok((p.id.clone(), what)),
                None => Err(ctx.guard.hidden(&what)),
            }
        }
        _ => Err(ToolError::invalid(
            "/page_id",
            "give `page_id`, `url`, or both `space_key` and `title`",
        )),
    }
}

pub async fn get_page(ctx: ToolContext, args: GetPageArgs) -> Result<ToolOutput, ToolError> {
    let (id, what) = resolve_page_id(&ctx, &args).await?;
    let format = args.format.unwrap_or_default();
    body::check_section(format, args.section.as_deref())?;
    let page = scoped_page_as(&ctx, &id, Some(format.upstream()), &what).await?;
    let text = body::render(&page, format)?;
    let windowed = body::windowed(
        &text,
        format,
        args.section.as_deref(),
        args.offset,
        args.max_chars,
        ctx.max_chars,
    )?;
    let summary = PageSummary::of(&page);
    let md = format!(
        "# {}\npage {} · space id {} · version {}{}\n\n{}",
        summary.title,
        summary.id,
        summary.space_id.as_deref().unwrap_or("?"),
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
        &GetPageOutput {
            page: summary,
            format,
            body: windowed.view,
            outline: windowed.outline,
        },
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListPagesArgs {
    /// The space key, e.g. `ENG`.
    pub space_key: String,
    /// Only the page with exactly this title.
    pub title: Option<String>,
    /// `current` (default), `archived`, `draft` or `trashed`.
    pub status: Option<String>,
    /// Most pages to return (1-250, default 25).
    #[schemars(range(min = 1, max = 250))]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PageList {
    pub pages: Vec<PageSummary>,
    /// True when more pages exist than were returned.
    pub truncated: bool,
}

pub async fn list_pages(ctx: ToolContext, args: ListPagesArgs) -> Result<ToolOutput, ToolError> {
    let space = scoped_space(&ctx, &args.space_key).await?;
    let max = limit(args.limit, 25, 250);
    let query = confluence::PageQuery {
        space_id: Some(space.id.clone()),
        title: args.title.clone(),
        status: args.status.clone(),
        body_format: None,
    };
    let caps = confluence::PageCaps {
        max_items: Some(max + 1),
        max_pages: None,
        page_size: Some((max + 1).min(250) as u32),
    };
    let pages: Vec<confluence::models::Page> = ctx.client.pages(&query, caps).try_collect().await?;
    let space_id = space.id.clone();
    let mut pages = ctx
        .guard
        .retain_visible(&ctx.client, pages, |p| {
            Some((
                policy::ContentType::Page,
                p.id.clone(),
                Some(space_id.clone()),
            ))
        })
        .await?;
    let truncated = pages.len() > max;
    pages.truncate(max);
    let pages: Vec<PageSummary> = pages.iter().map(PageSummary::of).collect();
    let mut text = format!(
        "{} page(s) in {}{}",
        pages.len(),
        space.key,
        if truncated {
            " (more exist; raise `limit`)"
        } else {
            ""
        }
    );
    for p in &pages {
        text.push_str(&format!("\n- {}", p.line()));
    }
    ToolOutput::new(text, &PageList { pages, truncated })
}
