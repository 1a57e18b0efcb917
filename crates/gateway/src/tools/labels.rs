//! The `labels` toolset: read the labels of a page, blog post or attachment, add labels to a
//! page or blog post, and remove one. The content is checked against the access
//! policy (attachments on their page) before anything is read or changed. Labels are text written into Confluence, so the
//! pipeline's DLP inspects them first; a label that held a secret comes back redacted and is
//! refused here with a clear reason.

use futures_util::TryStreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ToolError;
use crate::tools::catalog::{Access, ToolContext, ToolOutput, ToolSpec};
use crate::tools::pages::limit;

const TOOLSET: &str = "labels";

/// Every tool of the family.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec::new::<GetArgs, LabelsOutput, _>(
            "get_labels",
            TOOLSET,
            "Read labels",
            "List the labels of a page, blog post or attachment (`content_id`; ids starting \
             with `att` are attachments). Find content by label with search, e.g. \
             cql `label = \"runbook\"`.",
            Access::Read,
            get_labels,
        ),
        ToolSpec::new::<AddArgs, LabelsOutput, _>(
            "add_labels",
            TOOLSET,
            "Add labels",
            "Add one or more labels to a page or blog post. Labels are single words: no spaces \
             (join words with `-` or `_`), none of : ; , . ? & [ ] ( ) # ^ * @ ! / \\ < > \" ', \
             at most 255 characters; Confluence stores them in lower case. Labels already on \
             the content are kept. Returns all labels afterwards.",
            Access::Write,
            add_labels,
        )
        .outgoing(&["labels"])
        .idempotent(true),
        ToolSpec::new::<RemoveArgs, LabelsOutput, _>(
            "remove_label",
            TOOLSET,
            "Remove a label",
            "Remove one label from a page or blog post. Returns the labels that remain.",
            Access::Destructive,
            remove_label,
        )
        .idempotent(true),
    ]
}

/// What carries the labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContentType {
    Page,
    Blogpost,
    Attachment,
}

impl ContentType {
    fn as_str(self) -> &'static str {
        match self {
            ContentType::Page => "page",
            ContentType::Blogpost => "blogpost",
            ContentType::Attachment => "attachment",
        }
    }

    fn target(self) -> confluence::LabelTarget {
        match self {
            ContentType::Page => confluence::LabelTarget::Page,
            ContentType::Blogpost => confluence::LabelTarget::BlogPost,
            ContentType::Attachment => confluence::LabelTarget::Attachment,
        }
    }
}

/// Content whose labels can change through this toolset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EditableType {
    Page,
    Blogpost,
}

impl From<EditableType> for ContentType {
    fn from(t: EditableType) -> ContentType {
        match t {
            EditableType::Page => ContentType::Page,
            EditableType::Blogpost => ContentType::Blogpost,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetArgs {
    /// The id of the page, blog post or attachment (attachment ids start with `att`).
    #[schemars(length(min = 1, max = 64))]
    pub content_id: String,
    /// What the id names (default: an attachment for `att…` ids, else a page, else a blog post).
    pub content_type: Option<ContentType>,
    /// Most labels to return (1-250, default 100).
    #[schemars(range(min = 1, max = 250))]
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddArgs {
    /// The id of the page or blog post.
    #[schemars(length(min = 1, max = 64))]
    pub content_id: String,
    /// `page` or `blogpost` (default: a page, else a blog post). Attachments' labels can only
    /// be read (get_labels).
    pub content_type: Option<EditableType>,
    /// The labels to add, e.g. ["runbook", "team-payments"].
    #[schemars(length(min = 1, max = 50))]
    pub labels: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveArgs {
    /// The id of the page or blog post.
    #[schemars(length(min = 1, max = 64))]
    pub content_id: String,
    /// `page` or `blogpost` (default: a page, else a blog post). Attachments' labels can only
    /// be read (get_labels).
    pub content_type: Option<EditableType>,
    /// The label to remove (as get_labels shows it).
    #[schemars(length(min = 1, max = 255))]
    pub label: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LabelsOutput {
    pub content_id: String,
    /// `page`, `blogpost` or `attachment`.
    pub content_type: ContentType,
    pub title: String,
    /// The content's labels (after the change, for add_labels and remove_label).
    pub labels: Vec<LabelInfo>,
    /// True when the content has more labels than were returned.
    pub truncated: bool,
    /// The labels this call added (add_labels, as stored: lower case).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// The label this call removed (remove_label).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LabelInfo {
    pub name: String,
    /// `global` for ordinary labels; `my` and `team` are personal and team labels.
    pub prefix: Option<String>,
    pub id: String,
}

impl LabelInfo {
    fn of(label: &confluence::models::Label) -> LabelInfo {
        LabelInfo {
            name: label.name.clone(),
            prefix: label.prefix.clone(),
            id: label.id.clone(),
        }
    }
}

/// Labelled content, found and checked against the access policy.
struct Located {
    id: String,
    kind: ContentType,
    title: String,
}

/// Finds the content `id` names (trying a page, then a blog post, when the type is not given)
/// and fails unless the access policy lets the agent use it (attachments are checked on
/// their page or blog post). Hidden and missing content answer alike.
async fn locate(
    ctx: &ToolContext,
    id: &str,
    kind: Option<ContentType>,
) -> Result<Located, ToolError> {
    let given = kind;
    let kind = kind.unwrap_or(if id.starts_with("att") {
        ContentType::Attachment
    } else {
        ContentType::Page
    });
    let what = match (given, kind) {
        (None, ContentType::Page) => format!("page or blog post {id}"),
        (_, k) => format!("{} {id}", k.as_str()),
    };
    let hide = |e: confluence::Error| crate::tools::pages::hidden_if_missing(ctx, e, &what);
    let (kind, title, container, space_id) = match kind {
        ContentType::Page => match ctx.client.page(id, None).await {
            Ok(page) => (
                ContentType::Page,
                page.title,
                (policy::ContentType::Page, page.id),
                page.space_id,
            ),
            Err(confluence::Error::NotFound { .. }) if given.is_none() => {
                let post = ctx.client.blogpost(id, None).await.map_err(hide)?;
                (
                    ContentType::Blogpost,
                    post.title,
                    (policy::ContentType::Blogpost, post.id),
                    post.space_id,
                )
            }
            Err(e) => return Err(hide(e)),
        },
        ContentType::Blogpost => {
            let post = ctx.client.blogpost(id, None).await.map_err(hide)?;
            (
                ContentType::Blogpost,
                post.title,
                (policy::ContentType::Blogpost, post.id),
                post.space_id,
            )
        }
        ContentType::Attachment => {
            let attachment = ctx.client.attachment(id).await.map_err(hide)?;
            // Attachments do not name their space; their page or blog post does.
            let container = match (&attachment.page_id, &attachment.blog_post_id) {
                (Some(page), _) => (policy::ContentType::Page, page.clone()),
                (None, Some(post)) => (policy::ContentType::Blogpost, post.clone()),
                (None, None) => return Err(ctx.guard.hidden(&what)),
            };
            (ContentType::Attachment, attachment.title, container, None)
        }
    };
    let as_type = match kind {
        ContentType::Attachment => Some(policy::ContentType::Attachment),
        _ => None,
    };
    ctx.guard
        .check_as(
            &ctx.client,
            container.0,
            &container.1,
            space_id.as_deref(),
            as_type,
            &what,
        )
        .await?;
    Ok(Located {
        id: id.to_owned(),
        kind,
        title,
    })
}

/// The content's labels, at most `max`, and whether more exist.
async fn current_labels(
    ctx: &ToolContext,
    content: &Located,
    max: usize,
) -> Result<(Vec<LabelInfo>, bool), ToolError> {
    let caps = confluence::PageCaps {
        max_items: Some(max + 1),
        max_pages: None,
        page_size: Some((max + 1).min(250) as u32),
    };
    let mut labels: Vec<confluence::models::Label> = ctx
        .client
        .labels(content.kind.target(), &content.id, caps)
        .try_collect()
        .await?;
    let truncated = labels.len() > max;
    labels.truncate(max);
    Ok((labels.iter().map(LabelInfo::of).collect(), truncated))
}

fn names(labels: &[LabelInfo]) -> String {
    if labels.is_empty() {
        "none".to_owned()
    } else {
        labels
            .iter()
            .map(|l| format!("`{}`", l.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn describe(content: &Located) -> String {
    format!(
        "{} **{}** ({})",
        content.kind.as_str(),
        content.title,
        content.id
    )
}

pub async fn get_labels(ctx: ToolContext, args: GetArgs) -> Result<ToolOutput, ToolError> {
    let content = locate(&ctx, &args.content_id, args.content_type).await?;
    let (labels, truncated) = current_labels(&ctx, &content, limit(args.limit, 100, 250)).await?;
    let mut text = format!("Labels of {}: {}", describe(&content), names(&labels));
    if truncated {
        text.push_str(" (more exist; raise `limit`)");
    }
    ToolOutput::new(
        text,
        &LabelsOutput {
            content_id: content.id,
            content_type: content.kind,
            title: content.title,
            labels,
            truncated,
            added: Vec::new(),
            removed: None,
        },
    )
}

/// Checks one requested label as Confluence would, naming the offending argument.
fn checked_label(field: &str, raw: &str) -> Result<String, ToolError> {
    // DLP ran before this tool: a label that held a secret or personal data now carries its
    // redaction marker, which is no valid label. Say why instead of blaming a character.
    if raw.contains("[REDACTED:") || raw.contains('‹') {
        return Err(ToolError::invalid(
            field,
            "this label contained data that data loss prevention removed (a secret or personal \
             data); labels cannot carry such data, choose another label",
        ));
    }
    confluence::normalize_label(raw).map_err(|e| {
        ToolError::invalid(field, format!("'{}' is not a valid label: {e}", raw.trim()))
    })
}

pub async fn add_labels(ctx: ToolContext, args: AddArgs) -> Result<ToolOutput, ToolError> {
    let mut wanted: Vec<String> = Vec::new();
    for (i, raw) in args.labels.iter().enumerate() {
        let label = checked_label(&format!("/labels/{i}"), raw)?;
        if !wanted.contains(&label) {
            wanted.push(label);
        }
    }
    let lowered = args
        .labels
        .iter()
        .any(|l| l.trim() != l.trim().to_lowercase());
    let content = locate(&ctx, &args.content_id, args.content_type.map(Into::into)).await?;
    let names_to_add: Vec<&str> = wanted.iter().map(String::as_str).collect();
    ctx.client.add_labels(&content.id, &names_to_add).await?;
    ctx.guard.cache().forget(&content.id);
    let (labels, truncated) = current_labels(&ctx, &content, 250).await?;
    let added: Vec<String> = wanted;
    let text = format!(
        "Added {} to {}{}. Labels now: {}",
        added
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", "),
        describe(&content),
        if lowered {
            " (Confluence stores labels in lower case)"
        } else {
            ""
        },
        names(&labels)
    );
    ToolOutput::new(
        text,
        &LabelsOutput {
            content_id: content.id,
            content_type: content.kind,
            title: content.title,
            labels,
            truncated,
            added,
            removed: None,
        },
    )
}

pub async fn remove_label(ctx: ToolContext, args: RemoveArgs) -> Result<ToolOutput, ToolError> {
    let label = checked_label("/label", &args.label)?;
    let content = locate(&ctx, &args.content_id, args.content_type.map(Into::into)).await?;
    ctx.client
        .remove_label(&content.id, &label)
        .await
        .map_err(|e| match e {
            confluence::Error::NotFound { .. } => ToolError::NotFound(format!(
                "the label '{label}' is not on {} {} (get_labels lists its labels)",
                content.kind.as_str(),
                content.id
            )),
            other => other.into(),
        })?;
    ctx.guard.cache().forget(&content.id);
    let (labels, truncated) = current_labels(&ctx, &content, 250).await?;
    let text = format!(
        "Removed `{label}` from {}. Labels now: {}",
        describe(&content),
        names(&labels)
    );
    ToolOutput::new(
        text,
        &LabelsOutput {
            content_id: content.id,
            content_type: content.kind,
            title: content.title,
            labels,
            truncated,
            added: Vec::new(),
            removed: Some(label),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<String, ToolError>) -> String {
        result.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn labels_are_checked_with_clear_reasons() {
        assert_eq!(
            checked_label("/labels/0", " Release-Notes ").ok(),
            Some("release-notes".to_owned())
        );
        let spaces = message(checked_label("/labels/1", "two words"));
        assert!(
            spaces.contains("/labels/1") && spaces.contains("cannot contain spaces"),
            "{spaces}"
        );
        let long = message(checked_label("/labels/0", &"x".repeat(256)));
        assert!(long.contains("at most 255 characters"), "{long}");
        let redacted = message(checked_label("/labels/0", "[REDACTED:github-pat]"));
        assert!(redacted.contains("data loss prevention"), "{redacted}");
    }
}
