//! Evaluates parsed CQL against the store with the caller's permissions: what
//! `/rest/api/search` answers. Text matching and date values live in the `text` and `dates`
//! submodules.

mod dates;
mod index;
mod text;

pub use index::TextIndex;
pub use text::plain_text;

use crate::store::Store;
use crate::store::model::*;
use chrono::{DateTime, Utc};
use cql::{Clause, Expr, Field, FunctionName, Operator, Query, SortDirection, Value};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use thiserror::Error;

/// Something a search can return.
#[derive(Clone, Copy, Debug)]
pub enum Item<'a> {
    Content(&'a Content),
    Comment(&'a Comment),
    Attachment(&'a Attachment),
    Space(&'a Space),
}

impl Item<'_> {
    pub fn id(&self) -> u64 {
        match self {
            Item::Content(c) => c.id,
            Item::Comment(c) => c.id,
            Item::Attachment(a) => a.id,
            Item::Space(s) => s.id,
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EvalError {
    #[error("Could not parse date '{0}': use yyyy-MM-dd, yyyy/MM/dd or yyyy-MM-dd HH:mm")]
    BadDate(String),
    #[error("'{value}' is not a valid id for the field '{field}'")]
    BadId { field: String, value: String },
    #[error("the field '{0}' needs a value, not a list or function")]
    NeedsText(String),
}

/// Runs `query` for `user`, returning visible items in the query's order. `index` must have
/// been built from this state of `store`.
pub fn search<'a>(
    store: &'a Store,
    index: &TextIndex,
    user: &User,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<Vec<Item<'a>>, EvalError> {
    let eval = Evaluator {
        store,
        index,
        text_hits: RefCell::new(HashMap::new()),
        user,
        now,
    };
    let mut hits = Vec::new();
    // A query that requires words is answered from the items the index says hold them.
    let narrowed = match &query.filter {
        Some(filter) => eval.required_text_hits(filter)?,
        None => None,
    };
    let items: Box<dyn Iterator<Item = Item<'a>>> = match &narrowed {
        Some(keys) => Box::new(keys.iter().filter_map(|key| key.resolve(store))),
        None => Box::new(candidates(store)),
    };
    for item in items {
        if !eval.visible(item) {
            continue;
        }
        let keep = match &query.filter {
            Some(filter) => eval.matches(item, filter)?,
            None => true,
        };
        if keep {
            hits.push(item);
        }
    }
    if query.order_by.is_empty() {
        hits.sort_by(|a, b| {
            eval.last_modified(*b)
                .cmp(&eval.last_modified(*a))
                .then(a.id().cmp(&b.id()))
        });
    } else {
        hits.sort_by(|a, b| {
            for order in &query.order_by {
                let ord = eval.compare(*a, *b, order.field);
                let ord = if order.direction == SortDirection::Desc {
                    ord.reverse()
                } else {
                    ord
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            a.id().cmp(&b.id())
        });
    }
    Ok(hits)
}

fn candidates(store: &Store) -> impl Iterator<Item = Item<'_>> {
    let contents = store
        .contents
        .values()
        .filter(|c| c.status == Status::Current)
        .map(Item::Content);
    let comments = store
        .comments
        .values()
        .filter(|c| c.status == Status::Current)
        .map(Item::Comment);
    let attachments = store
        .attachments
        .values()
        .filter(|a| a.status == Status::Current)
        .map(Item::Attachment);
    let spaces = store.spaces.values().map(Item::Space);
    contents.chain(comments).chain(attachments).chain(spaces)
}

struct Evaluator<'a> {
    store: &'a Store,
    index: &'a TextIndex,
    /// Items matching each text query of this search, looked up once per query.
    text_hits: RefCell<HashMap<String, HashSet<index::ItemKey>>>,
    user: &'a User,
    now: DateTime<Utc>,
}

impl<'a> Evaluator<'a> {
    fn container(&self, item: Item<'a>) -> Option<&'a Content> {
        match item {
            Item::Content(c) => Some(c),
            Item::Comment(c) => self.store.contents.get(&c.container_id),
            Item::Attachment(a) => self.store.contents.get(&a.container_id),
            Item::Space(_) => None,
        }
    }

    fn visible(&self, item: Item<'a>) -> bool {
        match item {
            Item::Space(s) => self.store.can_read_space(self.user, s.id),
            other => self.container(other).is_some_and(|c| {
                c.status == Status::Current && self.store.can_read_content(self.user, c)
            }),
        }
    }

    fn space(&self, item: Item<'a>) -> Option<&'a Space> {
        match item {
            Item::Space(s) => Some(s),
            other => self
                .container(other)
                .and_then(|c| self.store.spaces.get(&c.space_id)),
        }
    }

    fn type_name(item: Item<'_>) -> &'static str {
        match item {
            Item::Content(c) => c.kind.as_str(),
            Item::Comment(_) => "comment",
            Item::Attachment(_) => "attachment",
            Item::Space(_) => "space",
        }
    }

    fn title(&self, item: Item<'a>) -> String {
        Self::title_of(self.store, item)
    }

    /// A comment is titled after its page, as in Confluence's search results.
    fn title_of(store: &Store, item: Item<'_>) -> String {
        match item {
            Item::Content(c) => c.title().to_owned(),
            Item::Comment(c) => format!(
                "Re: {}",
                store
                    .contents
                    .get(&c.container_id)
                    .map(|p| p.title())
                    .unwrap_or_default()
            ),
            Item::Attachment(a) => a.title.clone(),
            Item::Space(s) => s.name.clone(),
        }
    }

    fn body(item: Item<'_>) -> &str {
        match item {
            Item::Content(c) => &c.current().body,
            Item::Comment(c) => &c.current().body,
            Item::Attachment(a) => &a.comment,
            Item::Space(s) => &s.description,
        }
    }

    fn labels(&self, item: Item<'a>) -> Vec<&'a str> {
        match item {
            Item::Content(c) => c.labels.iter().map(|l| l.name.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    fn creator(item: Item<'_>) -> &str {
        match item {
            Item::Content(c) => &c.author_id,
            Item::Comment(c) => c
                .versions
                .first()
                .map(|v| v.author_id.as_str())
                .unwrap_or(""),
            Item::Attachment(a) => &a.author_id,
            Item::Space(s) => &s.author_id,
        }
    }

    fn contributors(item: Item<'_>) -> Vec<&str> {
        match item {
            Item::Content(c) => c.versions.iter().map(|v| v.author_id.as_str()).collect(),
            Item::Comment(c) => c.versions.iter().map(|v| v.author_id.as_str()).collect(),
            other => vec![Self::creator(other)],
        }
    }

    fn created(item: Item<'_>) -> DateTime<Utc> {
        match item {
            Item::Content(c) => c.created_at,
            Item::Comment(c) => c.created_at,
            Item::Attachment(a) => a.created_at,
            Item::Space(s) => s.created_at,
        }
    }

    fn last_modified(&self, item: Item<'_>) -> DateTime<Utc> {
        match item {
            Item::Content(c) => c.last_modified(),
            Item::Comment(c) => c.current().created_at,
            other => Self::created(other),
        }
    }

    fn compare(&self, a: Item<'a>, b: Item<'a>, field: Field) -> Ordering {
        match field {
            Field::Title => self
                .title(a)
                .to_lowercase()
                .cmp(&self.title(b).to_lowercase()),
            Field::Created => Self::created(a).cmp(&Self::created(b)),
            Field::LastModified => self.last_modified(a).cmp(&self.last_modified(b)),
            Field::Space => self
                .space(a)
                .map(|s| &s.key)
                .cmp(&self.space(b).map(|s| &s.key)),
            Field::Type => Self::type_name(a).cmp(Self::type_name(b)),
            _ => a.id().cmp(&b.id()),
        }
    }

    fn matches(&self, item: Item<'a>, expr: &Expr) -> Result<bool, EvalError> {
        match expr {
            Expr::And(parts) => {
                for part in parts {
                    if !self.matches(item, part)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Expr::Or(parts) => {
                for part in parts {
                    if self.matches(item, part)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Expr::Not(inner) => Ok(!self.matches(item, inner)?),
            Expr::Clause(clause) => self.clause(item, clause),
        }
    }

    /// Values of a clause as strings, with `currentUser()` replaced by the caller's id.
    fn strings(&self, clause: &Clause) -> Result<Vec<String>, EvalError> {
        clause
            .value
            .scalars()
            .iter()
            .map(|v| match v {
                Value::Text(t) => Ok(t.clone()),
                Value::Function(f) if f.name == FunctionName::CurrentUser => {
                    Ok(self.user.account_id.clone())
                }
                _ => Err(EvalError::NeedsText(clause.field.name().to_owned())),
            })
            .collect()
    }

    fn ids(&self, clause: &Clause) -> Result<Vec<u64>, EvalError> {
        self.strings(clause)?
            .into_iter()
            .map(|s| {
                s.trim()
                    .trim_start_matches("att")
                    .parse::<u64>()
                    .map_err(|_| EvalError::BadId {
                        field: clause.field.name().to_owned(),
                        value: s,
                    })
            })
            .collect()
    }

    fn clause(&self, item: Item<'a>, clause: &Clause) -> Result<bool, EvalError> {
        let op = clause.op;
        match clause.field {
            Field::Space => {
                let key = self.space(item).map(|s| s.key.as_str()).unwrap_or("");
                Ok(set_match(op, &[key], &self.strings(clause)?, |a, b| {
                    a.eq_ignore_ascii_case(b)
                }))
            }
            Field::SpaceTitle => {
                let name = self.space(item).map(|s| s.name.clone()).unwrap_or_default();
                self.text_clause(op, &name, clause)
            }
            Field::SpaceType => {
                let ty = self
                    .space(item)
                    .map(|s| s.space_type.as_str())
                    .unwrap_or("");
                Ok(set_match(op, &[ty], &self.strings(clause)?, |a, b| {
                    a.eq_ignore_ascii_case(b)
                }))
            }
            Field::Type => Ok(set_match(
                op,
                &[Self::type_name(item)],
                &self.strings(clause)?,
                |a, b| a.eq_ignore_ascii_case(b),
            )),
            Field::Title => {
                let title = self.title(item);
                match op {
                    Operator::Contains | Operator::NotContains => {
                        self.text_clause(op, &title, clause)
                    }
                    _ => Ok(set_match(
                        op,
                        &[title.as_str()],
                        &self.strings(clause)?,
                        |a, b| a.eq_ignore_ascii_case(b),
                    )),
                }
            }
            Field::Text | Field::SiteSearch | Field::Content
                if op != Operator::Eq
                    && op != Operator::Ne
                    && op != Operator::In
                    && op != Operator::NotIn =>
            {
                // Words come from the index (title, plain-text body and labels).
                let any = self
                    .strings(clause)?
                    .iter()
                    .any(|query| self.text_hit(item, query));
                Ok(if op.is_negative() { !any } else { any })
            }
            Field::Label => {
                let labels = self.labels(item);
                Ok(set_match(op, &labels, &self.strings(clause)?, |a, b| {
                    a.eq_ignore_ascii_case(b)
                }))
            }
            Field::Ancestor => {
                let ancestors: Vec<u64> = match self.container(item) {
                    Some(c) if matches!(item, Item::Content(_)) => {
                        self.store.ancestors(c.id).iter().map(|a| a.id).collect()
                    }
                    _ => Vec::new(),
                };
                Ok(set_match(op, &ancestors, &self.ids(clause)?, |a, b| a == b))
            }
            Field::Parent => {
                let parent: Vec<u64> = match item {
                    Item::Content(c) => c.parent_id.into_iter().collect(),
                    Item::Comment(c) => vec![c.parent_comment_id.unwrap_or(c.container_id)],
                    Item::Attachment(a) => vec![a.container_id],
                    Item::Space(_) => Vec::new(),
                };
                Ok(set_match(op, &parent, &self.ids(clause)?, |a, b| a == b))
            }
            Field::Id | Field::Content | Field::Text | Field::SiteSearch => {
                Ok(set_match(op, &[item.id()], &self.ids(clause)?, |a, b| {
                    a == b
                }))
            }
            Field::Creator => Ok(set_match(
                op,
                &[Self::creator(item)],
                &self.strings(clause)?,
                |a, b| a == b,
            )),
            Field::Contributor => Ok(set_match(
                op,
                &Self::contributors(item),
                &self.strings(clause)?,
                |a, b| a == b,
            )),
            Field::Mention => {
                let body = Self::body(item);
                let mentioned: Vec<String> = self
                    .strings(clause)?
                    .into_iter()
                    .filter(|id| body.contains(&format!("ri:account-id=\"{id}\"")))
                    .collect();
                let any = !mentioned.is_empty();
                Ok(if op.is_negative() { !any } else { any })
            }
            Field::Macro => {
                let body = Self::body(item);
                let any = self
                    .strings(clause)?
                    .iter()
                    .any(|name| body.contains(&format!("ac:name=\"{name}\"")));
                Ok(if op.is_negative() { !any } else { any })
            }
            // Nobody watches or favourites anything in the emulator.
            Field::Watcher | Field::Favourite => Ok(op.is_negative()),
            // User fields describe users (see `v1/user_search.rs`), never content.
            Field::User | Field::UserFullname => Ok(op.is_negative()),
            Field::Created => self.date_clause(op, Self::created(item), clause),
            Field::LastModified => self.date_clause(op, self.last_modified(item), clause),
        }
    }

    /// The items `expr` can match at most, when it requires words (a `text ~`-like clause,
    /// alone or in an AND): a superset of its matches taken from the index; `None` when
    /// any item could match.
    fn required_text_hits(
        &self,
        expr: &Expr,
    ) -> Result<Option<HashSet<index::ItemKey>>, EvalError> {
        match expr {
            Expr::Clause(clause)
                if clause.op == Operator::Contains
                    && matches!(
                        clause.field,
                        Field::Text | Field::SiteSearch | Field::Content
                    ) =>
            {
                let mut any = HashSet::new();
                for query in self.strings(clause)? {
                    any.extend(self.index.matching(&query));
                }
                Ok(Some(any))
            }
            Expr::And(parts) => {
                let mut narrowed: Option<HashSet<index::ItemKey>> = None;
                for part in parts {
                    if let Some(hits) = self.required_text_hits(part)? {
                        narrowed = Some(match narrowed {
                            None => hits,
                            Some(before) => before.intersection(&hits).copied().collect(),
                        });
                    }
                }
                Ok(narrowed)
            }
            _ => Ok(None),
        }
    }

    /// Whether `item` is one of the index's matches for `query`.
    fn text_hit(&self, item: Item<'_>, query: &str) -> bool {
        let key = index::ItemKey::of(item);
        let mut hits = self.text_hits.borrow_mut();
        if let Some(found) = hits.get(query) {
            return found.contains(&key);
        }
        let found = self.index.matching(query);
        let hit = found.contains(&key);
        hits.insert(query.to_owned(), found);
        hit
    }

    fn text_clause(
        &self,
        op: Operator,
        haystack: &str,
        clause: &Clause,
    ) -> Result<bool, EvalError> {
        let any = self
            .strings(clause)?
            .iter()
            .any(|query| text::text_matches(haystack, query));
        Ok(match op {
            Operator::NotContains | Operator::Ne | Operator::NotIn => !any,
            _ => any,
        })
    }

    fn date_clause(
        &self,
        op: Operator,
        value: DateTime<Utc>,
        clause: &Clause,
    ) -> Result<bool, EvalError> {
        let mut results = Vec::new();
        for v in clause.value.scalars() {
            let (start, end) = match v {
                Value::Text(t) => dates::parse_date(t)?,
                Value::Function(f) => {
                    let at = dates::resolve(self.now, f);
                    (at, at)
                }
                Value::List(_) => return Err(EvalError::NeedsText(clause.field.name().to_owned())),
            };
            results.push(match op {
                Operator::Eq | Operator::In => value >= start && value <= end,
                Operator::Ne | Operator::NotIn => value < start || value > end,
                Operator::Gt => value > end,
                Operator::Ge => value >= start,
                Operator::Lt => value < start,
                Operator::Le => value <= end,
                Operator::Contains | Operator::NotContains => false,
            });
        }
        Ok(if op.is_negative() {
            results.iter().all(|r| *r)
        } else {
            results.iter().any(|r| *r)
        })
    }
}

/// `=`/`IN` hold when any of the item's values equals any wanted value; `!=`/`NOT IN` when none does.
fn set_match<H, W>(op: Operator, have: &[H], want: &[W], eq: impl Fn(&H, &W) -> bool) -> bool {
    let any = have.iter().any(|h| want.iter().any(|w| eq(h, w)));
    if op.is_negative() { !any } else { any }
}
