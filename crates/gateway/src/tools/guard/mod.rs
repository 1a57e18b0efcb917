//! Policy enforcement inside tools: each call carries a [`Guard`] built from the agent's
//! [`policy::ToolGrant`] for this tool and server. Tools use it to
//! - check a space key an agent names ([`Guard::check_space_key`]);
//! - resolve content by id to its space key, ancestors, labels and type through a short-TTL
//!   cache shared by every call through the connection ([`ResourceCache`]), and check it
//!   ([`Guard::check`]); comments, attachments and versions are checked through their page or
//!   blog post;
//! - filter list results item by item ([`Guard::retain_visible`]) so hidden items leave no
//!   count or title behind;
//! - narrow CQL before it runs ([`Guard::restrict_cql`]); results are filtered afterwards too.
//!
//! Hidden content answers "not found" in the same words whether it exists or not (a
//! Confluence 404 during resolution gives the same text as a policy denial), so an agent
//! cannot probe for ids in spaces it may not see.

mod cache;
mod cql;

use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use policy::{ContentType, Effect, Policy, Resource, SpaceScope, ToolGrant, Verdict};

use crate::error::ToolError;

pub use cache::{RESOURCE_TTL, Resolved, ResourceCache};

/// Lists resolve this many items at once.
const RESOLVE_CONCURRENCY: usize = 8;

/// A list item to check: content by id (with its space id when known), or a comment or
/// attachment, checked on its page or blog post.
pub enum Locator {
    Content(ContentType, String, Option<String>),
    /// A page of a tree listing whose ancestor ids (top first) the listing already knows.
    TreePage {
        id: String,
        space_id: Option<String>,
        ancestors: Vec<u64>,
    },
    Comment(String),
    Attachment(String),
}

/// The page or blog post a comment is on (footer or inline; replies through their thread).
async fn comment_container(
    client: &confluence::Client,
    id: &str,
) -> Result<Option<(ContentType, String)>, confluence::Error> {
    for kind in [
        confluence::CommentKind::Footer,
        confluence::CommentKind::Inline,
    ] {
        let mut current = match client.comment(kind, id, None).await {
            Ok(c) => c,
            Err(confluence::Error::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        for _ in 0..20 {
            if let Some(p) = &current.page_id {
                return Ok(Some((ContentType::Page, p.clone())));
            }
            if let Some(b) = &current.blog_post_id {
                return Ok(Some((ContentType::Blogpost, b.clone())));
            }
            let Some(parent) = current.parent_comment_id.clone() else {
                break;
            };
            current = client.comment(kind, &parent, None).await?;
        }
        return Ok(None);
    }
    Ok(None)
}
/// The policy as one call sees it.
#[derive(Clone)]
pub struct Guard {
    policy: Arc<Policy>,
    grant: Arc<ToolGrant>,
    scope: Arc<SpaceScope>,
    cache: Arc<ResourceCache>,
    tool: &'static str,
}

impl Guard {
    pub fn new(
        policy: Arc<Policy>,
        grant: Arc<ToolGrant>,
        cache: Arc<ResourceCache>,
        tool: &'static str,
    ) -> Guard {
        let scope = Arc::new(grant.space_scope(&policy));
        Guard {
            policy,
            grant,
            scope,
            cache,
            tool,
        }
    }

    pub fn cache(&self) -> &ResourceCache {
        &self.cache
    }

    /// The spaces some allow rule names, in rule order; `None` when some rule allows any
    /// space (or every personal space, which no key list can express).
    pub fn allowed_keys(&self) -> Option<&[String]> {
        if self.scope.any_personal {
            return None;
        }
        self.scope.allowed.as_deref()
    }

    /// "the spaces this agent may use: ENG, DOCS" or "this agent's access policy".
    pub fn scope_text(&self) -> String {
        match &self.scope.allowed {
            Some(keys) => {
                let mut keys = keys.clone();
                if self.scope.any_personal {
                    keys.push("personal spaces".into());
                }
                format!("the spaces this agent may use: {}", keys.join(", "))
            }
            None => "what this agent's access policy allows".to_owned(),
        }
    }

    /// The error for content the agent may not see (phrased like Confluence's invisible 404,
    /// the same whether or not the content exists).
    pub fn hidden(&self, what: &str) -> ToolError {
        ToolError::NotFound(format!("{what} (or it is outside {})", self.scope_text()))
    }

    fn rule_id(&self, v: Verdict) -> String {
        v.rule
            .and_then(|r| self.policy.rule(r))
            .map_or_else(|| "default deny".to_owned(), |r| format!("rule '{}'", r.id))
    }

    /// Turns a resource decision into the tool's answer.
    fn enforce(&self, v: Verdict, what: &str) -> Result<(), ToolError> {
        match v.effect {
            Effect::Allow => Ok(()),
            Effect::RequireApproval => Err(ToolError::ApprovalRequired(format!(
                "{} on {what} needs a human's approval ({})",
                self.tool,
                self.rule_id(v)
            ))),
            Effect::Deny => Err(self.hidden(what)),
        }
    }

    fn decide(&self, resource: &Resource<'_>) -> Verdict {
        self.grant.decide(&self.policy, resource)
    }

    /// The decision for a space named by key: the space itself (`as_space`: get, update,
    /// delete it) or a space-level check (listing or searching in it; each item is checked
    /// afterwards, see [`policy::Resource::space_level`]).
    pub fn decide_space_key(&self, key: &str, as_space: bool) -> Verdict {
        self.decide(&Resource {
            space_key: Some(key),
            content_type: as_space.then_some(ContentType::Space),
            space_level: !as_space,
            ..Resource::default()
        })
    }

    /// Fails unless the agent may create content of `kind` in space `key`, under `parent`
    /// when given (already checked itself): the new content is decided as it will be, with
    /// the parent's ancestors, so a rule limited to a page tree cannot be escaped by creating
    /// at the top of the space.
    pub async fn check_new(
        &self,
        client: &confluence::Client,
        key: &str,
        parent: Option<&str>,
        kind: ContentType,
    ) -> Result<(), ToolError> {
        let what = format!("space {key}");
        if !self.grant.needs_resources {
            return self.enforce(self.grant.verdict, &what);
        }
        let mut ancestors = Vec::new();
        if let Some(parent) = parent {
            let resolved = match self.resolve(client, ContentType::Page, parent, None).await {
                Ok(r) => r,
                Err(confluence::Error::NotFound { .. }) => {
                    return Err(self.hidden(&format!("page {parent}")));
                }
                Err(e) => return Err(e.into()),
            };
            ancestors.extend(resolved.ancestors.iter().flatten().copied());
            ancestors.push(resolved.id);
        }
        let v = self.decide(&Resource {
            space_key: Some(key),
            ancestors: &ancestors,
            content_type: Some(kind),
            ..Resource::default()
        });
        self.enforce(v, &what)
    }

    /// Fails unless the agent may use space `key` with this tool. Keys outside ASCII or
    /// longer than Confluence allows are refused as arguments.
    pub fn check_space_key(&self, key: &str) -> Result<(), ToolError> {
        policy::normalize_space_key(key)
            .map_err(|e| ToolError::invalid("/space_key", e.to_string()))?;
        self.enforce(self.decide_space_key(key, false), &format!("space {key}"))
    }

    /// Fails unless the agent may use the space itself (get, permissions, update, delete).
    pub fn check_space(&self, key: &str) -> Result<(), ToolError> {
        policy::normalize_space_key(key)
            .map_err(|e| ToolError::invalid("/space_key", e.to_string()))?;
        self.enforce(self.decide_space_key(key, true), &format!("space {key}"))
    }

    /// A new space's key must be one the policy allows; the refusal names the rule.
    pub fn check_new_space(&self, key: &str) -> Result<(), ToolError> {
        policy::normalize_space_key(key).map_err(|e| ToolError::invalid("/key", e.to_string()))?;
        let v = self.decide_space_key(key, true);
        match v.effect {
            Effect::Allow => Ok(()),
            Effect::RequireApproval => self.enforce(v, &format!("space {key}")),
            Effect::Deny => Err(ToolError::Forbidden(format!(
                "this agent may create spaces only with a key its policy allows ({}); {key} is not one ({})",
                self.scope_text(),
                self.rule_id(v)
            ))),
        }
    }

    /// Whether a space (as a list item) may be shown.
    pub fn space_visible(&self, key: &str) -> bool {
        policy::normalize_space_key(key).is_ok() && self.decide_space_key(key, true).is_allow()
    }

    /// Resolves content (a page or blog post) by id: its space key, labels and, when a rule
    /// looks at page trees, its ancestors. `space_id` skips a lookup when the caller knows it.
    pub async fn resolve(
        &self,
        client: &confluence::Client,
        kind: ContentType,
        id: &str,
        space_id: Option<&str>,
    ) -> Result<Arc<Resolved>, confluence::Error> {
        self.resolve_hinted(client, kind, id, space_id, None).await
    }

    /// [`Guard::resolve`] with the page's ancestors already known (tree listings derive them
    /// from the tree), which saves a request per page.
    async fn resolve_hinted(
        &self,
        client: &confluence::Client,
        kind: ContentType,
        id: &str,
        space_id: Option<&str>,
        ancestors_hint: Option<&[u64]>,
    ) -> Result<Arc<Resolved>, confluence::Error> {
        let Ok(numeric) = id.parse::<u64>() else {
            return Err(confluence::Error::NotFound {
                message: format!("no content {id}"),
            });
        };
        let needs_ancestors = self.grant.needs_ancestors && kind == ContentType::Page;
        let needs_labels = self.grant.needs_labels;
        if let Some(hit) = self.cache.fresh(numeric)
            && hit.content_type == kind
            && (!needs_ancestors || hit.ancestors.is_some())
            && (!needs_labels || hit.labels.is_some())
        {
            return Ok(hit);
        }
        let space_id = match space_id {
            Some(s) => s.to_owned(),
            None => match kind {
                ContentType::Blogpost => client.blogpost(id, None).await?.space_id,
                _ => client.page(id, None).await?.space_id,
            }
            .ok_or_else(|| confluence::Error::NotFound {
                message: format!("content {id} has no space"),
            })?,
        };
        let space_key = self.cache.space_key(client, &space_id).await?;
        let target = match kind {
            ContentType::Blogpost => confluence::LabelTarget::BlogPost,
            _ => confluence::LabelTarget::Page,
        };
        let labels = if needs_labels {
            let list: Vec<confluence::models::Label> = client
                .labels(target, id, confluence::PageCaps::items(500))
                .try_collect()
                .await?;
            Some(list.into_iter().map(|l| l.name.to_lowercase()).collect())
        } else {
            None
        };
        let ancestors = if let (true, Some(known)) = (needs_ancestors, ancestors_hint) {
            Some(known.to_vec())
        } else if needs_ancestors {
            let list: Vec<confluence::models::Ancestor> = client
                .page_ancestors(id, confluence::PageCaps::items(250))
                .try_collect()
                .await?;
            Some(list.iter().filter_map(|a| a.id.parse().ok()).collect())
        } else {
            None
        };
        let resolved = Arc::new(Resolved {
            id: numeric,
            content_type: kind,
            space_key,
            labels,
            ancestors,
        });
        self.cache.store(resolved.clone());
        Ok(resolved)
    }

    /// The decision for resolved content, seen as `as_type` (a comment or attachment is
    /// decided on its container's space, labels and tree).
    pub fn decide_resolved(&self, r: &Resolved, as_type: Option<ContentType>) -> Verdict {
        self.decide(&Resource {
            space_key: Some(&r.space_key),
            content_id: Some(r.id),
            ancestors: r.ancestors.as_deref().unwrap_or(&[]),
            labels: r.labels.as_deref().unwrap_or(&[]),
            content_type: Some(as_type.unwrap_or(r.content_type)),
            space_level: false,
        })
    }

    /// Resolves and checks content; `what` names it in the not-found answer. A Confluence 404
    /// answers exactly like a denial.
    pub async fn check(
        &self,
        client: &confluence::Client,
        kind: ContentType,
        id: &str,
        space_id: Option<&str>,
        what: &str,
    ) -> Result<(), ToolError> {
        self.check_as(client, kind, id, space_id, None, what).await
    }

    /// [`Guard::check`] for a comment or attachment on that content (`as_type`).
    pub async fn check_as(
        &self,
        client: &confluence::Client,
        kind: ContentType,
        id: &str,
        space_id: Option<&str>,
        as_type: Option<ContentType>,
        what: &str,
    ) -> Result<(), ToolError> {
        if !self.grant.needs_resources {
            // No rule for this call looks at content: every resource gets the tool's verdict.
            return self.enforce(self.grant.verdict, what);
        }
        let resolved = match self.resolve(client, kind, id, space_id).await {
            Ok(r) => r,
            Err(confluence::Error::NotFound { .. }) => return Err(self.hidden(what)),
            Err(e) => return Err(e.into()),
        };
        self.enforce(self.decide_resolved(&resolved, as_type), what)
    }

    /// Keeps the items the agent may see. `locate` gives each item's kind, id and (if known)
    /// space id; items that cannot be resolved (gone, invisible) are dropped too.
    pub async fn retain_visible<T>(
        &self,
        client: &confluence::Client,
        items: Vec<T>,
        locate: impl Fn(&T) -> Option<(ContentType, String, Option<String>)>,
    ) -> Result<Vec<T>, ToolError> {
        Ok(self
            .retain_located(client, items, |item| {
                locate(item).map(|(kind, id, space_id)| Locator::Content(kind, id, space_id))
            })
            .await?
            .into_iter()
            .map(|(item, _)| item)
            .collect())
    }

    /// [`Guard::retain_visible`] for items that may be comments or attachments (search hits):
    /// those are checked on their page or blog post.
    /// Each kept item comes with what it resolved to (its container for comments and
    /// attachments), unless no rule looks at content (then nothing is resolved).
    pub async fn retain_located<T>(
        &self,
        client: &confluence::Client,
        items: Vec<T>,
        locate: impl Fn(&T) -> Option<Locator>,
    ) -> Result<Vec<(T, Option<Arc<Resolved>>)>, ToolError> {
        if !self.grant.needs_resources {
            return Ok(if self.grant.verdict.is_allow() {
                items.into_iter().map(|item| (item, None)).collect()
            } else {
                Vec::new()
            });
        }
        let located: Vec<_> = items.iter().map(&locate).collect();
        let verdicts: Vec<Result<Option<Arc<Resolved>>, ToolError>> =
            futures_util::stream::iter(located)
                .map(|loc| async move {
                    let Some(loc) = loc else {
                        return Ok(None);
                    };
                    match self.locate(client, &loc).await {
                        Ok(Some((r, as_type))) => {
                            Ok(self.decide_resolved(&r, as_type).is_allow().then_some(r))
                        }
                        Ok(None)
                        | Err(
                            confluence::Error::NotFound { .. }
                            | confluence::Error::Forbidden { .. },
                        ) => Ok(None),
                        Err(e) => Err(e.into()),
                    }
                })
                .buffered(RESOLVE_CONCURRENCY)
                .collect()
                .await;
        let mut kept = Vec::with_capacity(items.len());
        for (item, visible) in items.into_iter().zip(verdicts) {
            if let Some(r) = visible? {
                kept.push((item, Some(r)));
            }
        }
        Ok(kept)
    }

    /// The ancestors (top first) and id of a page the agent may already see, from the cache
    /// when a rule needed them (else empty): the start of its children's ancestor chains.
    pub async fn chain_of(
        &self,
        client: &confluence::Client,
        id: &str,
        space_id: Option<&str>,
    ) -> Result<Vec<u64>, ToolError> {
        if !self.grant.needs_ancestors {
            return Ok(Vec::new());
        }
        let r = self
            .resolve(client, ContentType::Page, id, space_id)
            .await?;
        let mut chain = r.ancestors.clone().unwrap_or_default();
        chain.push(r.id);
        Ok(chain)
    }

    /// Whether a listing should derive ancestor chains (some rule looks at page trees).
    pub fn wants_ancestors(&self) -> bool {
        self.grant.needs_ancestors && self.grant.needs_resources
    }

    /// Resolves what a locator names to its container's resource (and the type to decide as).
    async fn locate(
        &self,
        client: &confluence::Client,
        loc: &Locator,
    ) -> Result<Option<(Arc<Resolved>, Option<ContentType>)>, confluence::Error> {
        let (container, as_type) = match loc {
            Locator::Content(kind, id, space_id) => {
                let r = self.resolve(client, *kind, id, space_id.as_deref()).await?;
                return Ok(Some((r, None)));
            }
            Locator::TreePage {
                id,
                space_id,
                ancestors,
            } => {
                let r = self
                    .resolve_hinted(
                        client,
                        ContentType::Page,
                        id,
                        space_id.as_deref(),
                        Some(ancestors),
                    )
                    .await?;
                return Ok(Some((r, None)));
            }
            Locator::Comment(id) => (comment_container(client, id).await?, ContentType::Comment),
            Locator::Attachment(id) => {
                let a = client.attachment(id).await?;
                let container = a
                    .page_id
                    .map(|p| (ContentType::Page, p))
                    .or(a.blog_post_id.map(|b| (ContentType::Blogpost, b)));
                (container, ContentType::Attachment)
            }
        };
        let Some((kind, id)) = container else {
            return Ok(None);
        };
        let r = self.resolve(client, kind, &id, None).await?;
        Ok(Some((r, Some(as_type))))
    }
}
