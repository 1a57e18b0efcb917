//! `list_comments` and `get_comment`: threads with their replies.

use base64::Engine;
use futures_util::{StreamExt, TryStreamExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    CommentFormat, CommentOut, ContainerOut, Kind, Target, comment_container, find_comment,
    scoped_container,
};
use crate::error::ToolError;
use crate::tools::catalog::{ToolContext, ToolOutput};

/// A body in a list is cut here; get_comment returns it whole.
const LIST_BODY_CHARS: usize = 2_000;
/// Replies shown per thread, and how deep replies to replies are followed.
const MAX_REPLIES: usize = 100;
const MAX_REPLY_DEPTH: usize = 5;
/// Threads whose replies are fetched at the same time.
const REPLY_FETCHES: usize = 4;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// The page whose comments to list. Give this or `blog_post_id`.
    pub page_id: Option<String>,
    /// The blog post whose comments to list.
    pub blog_post_id: Option<String>,
    /// Only `footer` or only `inline` comments (default: both, footer comments first).
    pub kind: Option<Kind>,
    /// Body representation: `markdown` (default) or `storage`.
    pub format: Option<CommentFormat>,
    /// Include each thread's replies (default true).
    pub include_replies: Option<bool>,
    /// Most threads (top-level comments) to return (1-50, default 10).
    #[schemars(range(min = 1, max = 50))]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous answer, to continue the same listing.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CommentList {
    pub container: ContainerOut,
    /// Top-level comments, each with its replies.
    pub comments: Vec<CommentThread>,
    /// Pass as `cursor` (with the same page or blog post and `kind`) for more; null at the end.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CommentThread {
    #[serde(flatten)]
    pub comment: CommentOut,
    /// Replies, oldest first per parent; each names its parent in `parent_comment_id`.
    pub replies: Vec<CommentOut>,
    /// True when the thread has more replies than were returned.
    pub replies_truncated: bool,
}

/// Where a listing continues: the container, which kind is being listed, and Confluence's own
/// cursor within that kind. Opaque to the agent.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Cursor {
    container: String,
    kind: Kind,
    upstream: Option<String>,
}

impl Cursor {
    fn encode(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    fn decode(raw: &str) -> Result<Cursor, ToolError> {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(raw.trim())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| {
                ToolError::invalid(
                    "/cursor",
                    "not a cursor from list_comments; leave it out to start from the beginning",
                )
            })
    }
}

pub async fn list(ctx: ToolContext, args: ListArgs) -> Result<ToolOutput, ToolError> {
    let target = Target::from_args(args.page_id.as_deref(), args.blog_post_id.as_deref())?;
    let container = scoped_container(&ctx, &target, &target.describe()).await?;
    let kinds: &[Kind] = match args.kind {
        Some(Kind::Footer) => &[Kind::Footer],
        Some(Kind::Inline) => &[Kind::Inline],
        None => &[Kind::Footer, Kind::Inline],
    };
    let (mut phase, mut upstream) = match args.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => (0, None),
        Some(raw) => {
            let cursor = Cursor::decode(raw)?;
            let phase = kinds.iter().position(|k| *k == cursor.kind);
            match phase {
                Some(phase) if cursor.container == container.id => (phase, cursor.upstream),
                _ => {
                    return Err(ToolError::invalid(
                        "/cursor",
                        "this cursor belongs to another listing; pass the same page or blog \
                         post and `kind` as the call that returned it",
                    ));
                }
            }
        }
    };
    let max = crate::tools::pages::limit(args.limit, 10, 50);
    let format = args.format.unwrap_or_default();
    let upstream_target = container.target();
    let mut top: Vec<(Kind, confluence::models::Comment)> = Vec::new();
    let mut next_cursor = None;
    while let Some(kind) = kinds.get(phase).copied() {
        let room = max - top.len();
        if room == 0 {
            next_cursor = Some(Cursor {
                container: container.id.clone(),
                kind,
                upstream,
            });
            break;
        }
        let page = ctx
            .client
            .comments_page(
                kind.upstream(),
                &upstream_target,
                Some(confluence::models::BodyFormat::Storage),
                room as u32,
                upstream.as_deref(),
            )
            .await?;
        top.extend(page.results.into_iter().take(room).map(|c| (kind, c)));
        match page.next_cursor {
            Some(next) => upstream = Some(next),
            None => {
                phase += 1;
                upstream = None;
            }
        }
    }
    let include_replies = args.include_replies.unwrap_or(true);
    let comments: Vec<CommentThread> = futures_util::stream::iter(top)
        .map(|(kind, c)| {
            let ctx = &ctx;
            async move {
                let (replies, replies_truncated) = if include_replies {
                    replies_of(ctx, kind, &c.id, format, LIST_BODY_CHARS).await?
                } else {
                    (Vec::new(), false)
                };
                Ok::<_, ToolError>(CommentThread {
                    comment: CommentOut::of(kind, &c, format, LIST_BODY_CHARS, None),
                    replies,
                    replies_truncated,
                })
            }
        })
        .buffered(REPLY_FETCHES)
        .try_collect()
        .await?;
    let next_cursor = next_cursor.map(|c| c.encode());
    let replies: usize = comments.iter().map(|t| t.replies.len()).sum();
    let mut text = format!(
        "{} comment thread(s){} on {}",
        comments.len(),
        if include_replies {
            format!(
                " with {replies} repl{}",
                if replies == 1 { "y" } else { "ies" }
            )
        } else {
            String::new()
        },
        container.line()
    );
    for thread in &comments {
        text.push_str("\n\n");
        text.push_str(&thread.comment.markdown(2));
        for reply in &thread.replies {
            text.push_str("\n\n");
            text.push_str(&reply.markdown(3));
        }
        if thread.replies_truncated {
            text.push_str(&format!(
                "\n\n[more replies; get_comment with comment_id={} lists them]",
                thread.comment.id
            ));
        }
    }
    if let Some(cursor) = &next_cursor {
        text.push_str(&format!(
            "\n\n[More comments may follow: call list_comments again with the same arguments and \
             cursor=\"{cursor}\"]"
        ));
    }
    ToolOutput::new(
        text,
        &CommentList {
            container,
            comments,
            next_cursor,
        },
    )
}

/// The replies below a comment, breadth first, each level oldest first; and whether some were
/// left out (more than [`MAX_REPLIES`], or deeper than [`MAX_REPLY_DEPTH`]).
async fn replies_of(
    ctx: &ToolContext,
    kind: Kind,
    root_id: &str,
    format: CommentFormat,
    max_body_chars: usize,
) -> Result<(Vec<CommentOut>, bool), ToolError> {
    let mut out: Vec<CommentOut> = Vec::new();
    let mut level = vec![root_id.to_owned()];
    for _ in 0..MAX_REPLY_DEPTH {
        let mut next_level = Vec::new();
        for parent in &level {
            let room = MAX_REPLIES - out.len();
            let children: Vec<confluence::models::Comment> = ctx
                .client
                .comment_replies(
                    kind.upstream(),
                    parent,
                    Some(confluence::models::BodyFormat::Storage),
                    confluence::PageCaps::items(room + 1),
                )
                .try_collect()
                .await?;
            if children.len() > room {
                out.extend(
                    children
                        .iter()
                        .take(room)
                        .map(|c| reply_out(kind, c, parent, format, max_body_chars)),
                );
                return Ok((out, true));
            }
            for c in &children {
                out.push(reply_out(kind, c, parent, format, max_body_chars));
                next_level.push(c.id.clone());
            }
        }
        if next_level.is_empty() {
            return Ok((out, false));
        }
        level = next_level;
    }
    // Deeper replies exist only if the last level has children; say so rather than ask.
    Ok((out, !level.is_empty()))
}

fn reply_out(
    kind: Kind,
    c: &confluence::models::Comment,
    parent: &str,
    format: CommentFormat,
    max_body_chars: usize,
) -> CommentOut {
    let mut out = CommentOut::of(kind, c, format, max_body_chars, None);
    // Replies carry their thread's anchor; the thread's first comment already shows it.
    out.text_selection = None;
    if out.parent_comment_id.is_none() {
        out.parent_comment_id = Some(parent.to_owned());
    }
    out
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetArgs {
    pub comment_id: String,
    /// `footer` or `inline`; detected when left out.
    pub kind: Option<Kind>,
    /// Body representation: `markdown` (default) or `storage`.
    pub format: Option<CommentFormat>,
    /// Include the replies below it (default true).
    pub include_replies: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CommentDetail {
    #[serde(flatten)]
    pub comment: CommentOut,
    /// The page or blog post the comment is on.
    pub container: ContainerOut,
    pub replies: Vec<CommentOut>,
    /// True when there are more replies than were returned.
    pub replies_truncated: bool,
}

pub async fn get(ctx: ToolContext, args: GetArgs) -> Result<ToolOutput, ToolError> {
    let (kind, found) = find_comment(&ctx, &args.comment_id, args.kind).await?;
    let container = comment_container(&ctx, kind, &found, args.kind).await?;
    let format = args.format.unwrap_or_default();
    let comment = CommentOut::of(kind, &found, format, ctx.max_chars, None);
    let (replies, replies_truncated) = if args.include_replies.unwrap_or(true) {
        replies_of(&ctx, kind, &found.id, format, LIST_BODY_CHARS).await?
    } else {
        (Vec::new(), false)
    };
    let mut text = format!("On {}\n\n{}", container.line(), comment.markdown(1));
    for reply in &replies {
        text.push_str("\n\n");
        text.push_str(&reply.markdown(2));
    }
    if replies_truncated {
        text.push_str("\n\n[more replies exist than are shown; read them in Confluence]");
    }
    ToolOutput::new(
        text,
        &CommentDetail {
            comment,
            container,
            replies,
            replies_truncated,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            container: "65780".into(),
            kind: Kind::Inline,
            upstream: Some("ZW11OjU".into()),
        };
        let back = Cursor::decode(&c.encode()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, c);
        assert!(Cursor::decode("not a cursor").is_err());
        assert!(Cursor::decode("").is_err());
    }
}
