//! The page tree: children, ancestors, descendants and a whole space's tree.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{limit, scoped_page, scoped_space};
use crate::error::ToolError;
use crate::tools::catalog::{ToolContext, ToolOutput};
use crate::tools::guard::Locator;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageIdArgs {
    pub page_id: String,
    /// Most pages to return (1-250, default 50).
    #[schemars(range(min = 1, max = 250))]
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AncestorsArgs {
    pub page_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DescendantsArgs {
    pub page_id: String,
    /// Levels below the page (1 = children only; default 2, at most 5).
    #[schemars(range(min = 1, max = 5))]
    pub depth: Option<u32>,
    /// Most pages to return (1-250, default 100).
    #[schemars(range(min = 1, max = 250))]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TreeList {
    /// The page the list is about.
    pub page_id: String,
    pub pages: Vec<TreePage>,
    /// True when more pages exist than were returned.
    pub truncated: bool,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TreePage {
    pub id: String,
    pub title: String,
    pub parent_id: Option<String>,
    /// 1 for a direct child (or, in ancestor lists, the top of the tree).
    pub depth: u32,
}

fn render_list(heading: String, pages: &[TreePage], truncated: bool) -> String {
    let mut text = heading;
    for p in pages {
        let indent = "  ".repeat(p.depth.saturating_sub(1) as usize);
        text.push_str(&format!("\n{indent}- {} (page {})", p.title, p.id));
    }
    if truncated {
        text.push_str("\n[more pages exist; raise `limit`]");
    }
    text
}

pub async fn children(ctx: ToolContext, args: PageIdArgs) -> Result<ToolOutput, ToolError> {
    let parent = scoped_page(&ctx, &args.page_id, None).await?;
    let max = limit(args.limit, 50, 250);
    // Fetch all children (up to the Confluence cap) so hidden ones do not change the count.
    let items: Vec<confluence::models::ChildPage> = ctx
        .client
        .page_children(&parent.id, confluence::PageCaps::items(2_000))
        .try_collect()
        .await?;
    let space_id = parent.space_id.clone();
    let chain = if ctx.guard.wants_ancestors() {
        ctx.guard
            .chain_of(&ctx.client, &parent.id, space_id.as_deref())
            .await?
    } else {
        Vec::new()
    };
    let items = retain_tree(&ctx, items, &space_id, |_| chain.clone()).await?;
    let truncated = items.len() > max;
    let pages: Vec<TreePage> = items
        .into_iter()
        .take(max)
        .map(|c| TreePage {
            title: c.title.unwrap_or_default(),
            parent_id: Some(parent.id.clone()),
            id: c.id,
            depth: 1,
        })
        .collect();
    let text = render_list(
        format!(
            "{} child page(s) of **{}** (page {})",
            pages.len(),
            parent.title,
            parent.id
        ),
        &pages,
        truncated,
    );
    ToolOutput::new(
        text,
        &TreeList {
            page_id: parent.id,
            pages,
            truncated,
        },
    )
}

pub async fn ancestors(ctx: ToolContext, args: AncestorsArgs) -> Result<ToolOutput, ToolError> {
    let page = scoped_page(&ctx, &args.page_id, None).await?;
    let items: Vec<confluence::models::Ancestor> = ctx
        .client
        .page_ancestors(&page.id, confluence::PageCaps::items(50))
        .try_collect()
        .await?;
    // A breadcrumb shows only ancestors the agent may see.
    let space_id = page.space_id.clone();
    let items = ctx
        .guard
        .retain_visible(&ctx.client, items, |a| {
            Some((policy::ContentType::Page, a.id.clone(), space_id.clone()))
        })
        .await?;
    // Ancestors come as ids only; a breadcrumb is useless to a model without titles.
    let mut pages = Vec::with_capacity(items.len());
    let mut parent: Option<String> = None;
    for (i, a) in items.iter().enumerate() {
        let p = ctx.client.page(&a.id, None).await?;
        pages.push(TreePage {
            id: p.id.clone(),
            title: p.title,
            parent_id: parent.replace(p.id),
            depth: i as u32 + 1,
        });
    }
    let mut text = format!(
        "Ancestors of **{}** (page {}), top first:",
        page.title, page.id
    );
    for p in &pages {
        text.push_str(&format!("\n{}. {} (page {})", p.depth, p.title, p.id));
    }
    if pages.is_empty() {
        text.push_str("\n(none: it is a top-level page)");
    }
    ToolOutput::new(
        text,
        &TreeList {
            page_id: page.id,
            pages,
            truncated: false,
        },
    )
}

pub async fn descendants(ctx: ToolContext, args: DescendantsArgs) -> Result<ToolOutput, ToolError> {
    let root = scoped_page(&ctx, &args.page_id, None).await?;
    let depth = args.depth.unwrap_or(2).clamp(1, 5);
    let max = limit(args.limit, 100, 250);
    let items: Vec<confluence::models::ChildPage> = ctx
        .client
        .page_descendants(&root.id, confluence::PageCaps::items(2_000))
        .try_collect()
        .await?;
    let items: Vec<confluence::models::ChildPage> = items
        .into_iter()
        .filter(|c| c.depth.unwrap_or(1) <= depth)
        .collect();
    let space_id = root.space_id.clone();
    let root_chain = if ctx.guard.wants_ancestors() {
        ctx.guard
            .chain_of(&ctx.client, &root.id, space_id.as_deref())
            .await?
    } else {
        Vec::new()
    };
    // Each descendant's ancestors: the root's chain, then its parents within the listing.
    let parents: HashMap<String, Option<String>> = items
        .iter()
        .map(|c| (c.id.clone(), c.parent_id.clone()))
        .collect();
    let items = retain_tree(&ctx, items, &space_id, |c| {
        let mut path = Vec::new();
        let mut at = c.parent_id.clone();
        while let Some(p) = at {
            if p == root.id || path.len() > 64 {
                break;
            }
            path.push(p.parse::<u64>().unwrap_or(0));
            at = parents.get(&p).cloned().flatten();
        }
        let mut chain = root_chain.clone();
        chain.extend(path.into_iter().rev());
        chain
    })
    .await?;
    let items = reachable(&root.id, items);
    let within: Vec<TreePage> = items
        .into_iter()
        .map(|c| TreePage {
            id: c.id,
            title: c.title.unwrap_or_default(),
            parent_id: c.parent_id,
            depth: c.depth.unwrap_or(1),
        })
        .collect();
    let truncated = within.len() > max;
    let pages = depth_first(&root.id, within, max);
    let text = render_list(
        format!(
            "{} page(s) below **{}** (page {}), {depth} level(s) deep",
            pages.len(),
            root.title,
            root.id
        ),
        &pages,
        truncated,
    );
    ToolOutput::new(
        text,
        &TreeList {
            page_id: root.id,
            pages,
            truncated,
        },
    )
}

/// Keeps the listed child pages the agent may see; `chain` gives each one's ancestors (top
/// first), derived from the listing when a rule looks at page trees.
async fn retain_tree(
    ctx: &ToolContext,
    items: Vec<confluence::models::ChildPage>,
    space_id: &Option<String>,
    chain: impl Fn(&confluence::models::ChildPage) -> Vec<u64>,
) -> Result<Vec<confluence::models::ChildPage>, ToolError> {
    let derive = ctx.guard.wants_ancestors();
    Ok(ctx
        .guard
        .retain_located(&ctx.client, items, |c| {
            Some(if derive {
                Locator::TreePage {
                    id: c.id.clone(),
                    space_id: space_id.clone(),
                    ancestors: chain(c),
                }
            } else {
                Locator::Content(policy::ContentType::Page, c.id.clone(), space_id.clone())
            })
        })
        .await?
        .into_iter()
        .map(|(c, _)| c)
        .collect())
}

/// The visible pages whose every ancestor up to `root` is visible too: a tree view never shows
/// a page under a hidden one (its parent id would give the hidden page away).
fn reachable(
    root: &str,
    mut items: Vec<confluence::models::ChildPage>,
) -> Vec<confluence::models::ChildPage> {
    items.sort_by_key(|c| c.depth.unwrap_or(1));
    let mut kept_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
    kept_ids.insert(root.to_owned());
    let mut kept = Vec::with_capacity(items.len());
    for c in items {
        if c.parent_id.as_deref().is_some_and(|p| kept_ids.contains(p)) {
            kept_ids.insert(c.id.clone());
            kept.push(c);
        }
    }
    kept
}

/// Orders pages depth-first under `root` (so an indented list reads as a tree), keeping at
/// most `max`. Pages whose parent is missing from the list are placed at the end.
fn depth_first(root: &str, pages: Vec<TreePage>, max: usize) -> Vec<TreePage> {
    let mut by_parent: HashMap<Option<String>, Vec<TreePage>> = HashMap::new();
    let ids: std::collections::HashSet<String> = pages.iter().map(|p| p.id.clone()).collect();
    let mut orphans = Vec::new();
    for p in pages {
        let parent_known = p
            .parent_id
            .as_deref()
            .is_some_and(|id| id == root || ids.contains(id));
        if parent_known {
            by_parent.entry(p.parent_id.clone()).or_default().push(p);
        } else {
            orphans.push(p);
        }
    }
    let mut out = Vec::new();
    let mut stack: Vec<TreePage> = by_parent
        .remove(&Some(root.to_owned()))
        .unwrap_or_default()
        .into_iter()
        .rev()
        .collect();
    while let Some(p) = stack.pop() {
        if out.len() >= max {
            return out;
        }
        if let Some(kids) = by_parent.remove(&Some(p.id.clone())) {
            stack.extend(kids.into_iter().rev());
        }
        out.push(p);
    }
    out.extend(orphans.into_iter().take(max.saturating_sub(out.len())));
    out
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpaceTreeArgs {
    /// The space key, e.g. `ENG`.
    pub space_key: String,
    /// Levels to show (1 = top-level pages only; default 3, at most 10).
    #[schemars(range(min = 1, max = 10))]
    pub depth: Option<u32>,
    /// Most pages to show (1-1000, default 200).
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SpaceTree {
    pub space_key: String,
    /// Pages depth-first, each with its depth (1 = top level).
    pub pages: Vec<TreePage>,
    /// True when pages were left out by `depth` or `limit`.
    pub truncated: bool,
}

pub async fn space_tree(ctx: ToolContext, args: SpaceTreeArgs) -> Result<ToolOutput, ToolError> {
    let space = scoped_space(&ctx, &args.space_key).await?;
    let depth = args.depth.unwrap_or(3).clamp(1, 10);
    let max = limit(args.limit, 200, 1000);
    let all: Vec<confluence::models::Page> = ctx
        .client
        .space_pages(
            &space.id,
            confluence::PageCaps {
                max_items: Some(5_000),
                max_pages: None,
                page_size: Some(250),
            },
        )
        .try_collect()
        .await?;
    let ids: std::collections::HashSet<&str> = all.iter().map(|p| p.id.as_str()).collect();
    // Every page of the space is here, so each page's ancestors follow from the parent links.
    let parent_of: HashMap<&str, &str> = all
        .iter()
        .filter_map(|p| Some((p.id.as_str(), p.parent_id.as_deref()?)))
        .collect();
    let chain_of = |id: &str| {
        let mut path = Vec::new();
        let mut at = parent_of.get(id).copied();
        while let Some(p) = at {
            if path.len() > 256 {
                break;
            }
            path.push(p.parse::<u64>().unwrap_or(0));
            at = parent_of.get(p).copied();
        }
        path.reverse();
        path
    };
    let space_id = Some(space.id.clone());
    let derive = ctx.guard.wants_ancestors();
    let page_ids: Vec<String> = all.iter().map(|p| p.id.clone()).collect();
    let visible: std::collections::HashSet<String> = ctx
        .guard
        .retain_located(&ctx.client, page_ids, |id| {
            Some(if derive {
                Locator::TreePage {
                    id: id.clone(),
                    space_id: space_id.clone(),
                    ancestors: chain_of(id),
                }
            } else {
                Locator::Content(policy::ContentType::Page, id.clone(), space_id.clone())
            })
        })
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut children: HashMap<Option<&str>, Vec<&confluence::models::Page>> = HashMap::new();
    for p in &all {
        let parent = p.parent_id.as_deref().filter(|id| ids.contains(id));
        children.entry(parent).or_default().push(p);
    }
    for list in children.values_mut() {
        list.sort_by_key(|p| p.position.unwrap_or(i64::MAX));
    }
    let mut pages = Vec::new();
    let mut truncated = false;
    // Hidden pages are skipped with everything below them.
    let mut stack: Vec<(&confluence::models::Page, u32)> = children
        .get(&None)
        .map(|v| v.iter().rev().map(|p| (*p, 1)).collect())
        .unwrap_or_default();
    while let Some((p, d)) = stack.pop() {
        if !visible.contains(&p.id) {
            continue;
        }
        if pages.len() >= max {
            truncated = true;
            break;
        }
        pages.push(TreePage {
            id: p.id.clone(),
            title: p.title.clone(),
            parent_id: p.parent_id.clone(),
            depth: d,
        });
        if let Some(kids) = children.get(&Some(p.id.as_str())) {
            if d < depth {
                stack.extend(kids.iter().rev().map(|k| (*k, d + 1)));
            } else {
                truncated = true;
            }
        }
    }
    let text = render_list(
        format!(
            "Page tree of space {} ({} of {} pages shown)",
            space.key,
            pages.len(),
            visible.len()
        ),
        &pages,
        truncated,
    );
    ToolOutput::new(
        text,
        &SpaceTree {
            space_key: space.key,
            pages,
            truncated,
        },
    )
}
