//! Evaluates parsed CQL against the store with the caller's permissions: what
//! `/rest/api/search` answers. Text matching is a small stand-in for Confluence's Lucene index:
//! case-insensitive terms, a trailing `*` for prefixes, and a plural-`s` fold.

use crate::store::Store;
use crate::store::model::*;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use cql::{
    Clause, Expr, Field, FunctionCall, FunctionName, Operator, Query, SortDirection, TimeUnit,
    Value,
};
use std::cmp::Ordering;
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

/// Runs `query` for `user`, returning visible items in the query's order.
pub fn search<'a>(
    store: &'a Store,
    user: &User,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<Vec<Item<'a>>, EvalError> {
    let eval = Evaluator { store, user, now };
    let mut hits = Vec::new();
    for item in candidates(store) {
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
        match item {
            Item::Content(c) => c.title().to_owned(),
            Item::Comment(_) => format!(
                "Re: {}",
                self.container(item).map(|p| p.title()).unwrap_or_default()
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
                let mut haystack = self.title(item);
                haystack.push(' ');
                haystack.push_str(&plain_text(Self::body(item)));
                for label in self.labels(item) {
                    haystack.push(' ');
                    haystack.push_str(label);
                }
                self.text_clause(op, &haystack, clause)
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
            Field::Created => self.date_clause(op, Self::created(item), clause),
            Field::LastModified => self.date_clause(op, self.last_modified(item), clause),
        }
    }

    fn text_clause(
        &self,
        op: Operator,
        haystack: &str,
        clause: &Clause,
    ) -> Result<bool, EvalError> {
        let words = tokens(haystack);
        let any = self
            .strings(clause)?
            .iter()
            .any(|query| text_matches(&words, query));
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
                Value::Text(t) => parse_date(t)?,
                Value::Function(f) => {
                    let at = self.resolve(f);
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

    /// `now()`, `startOfWeek("-1w")` … as an instant (weeks start on Monday).
    fn resolve(&self, f: &FunctionCall) -> DateTime<Utc> {
        let mut at = self.now;
        if let Ok(Some(offset)) = f.offset() {
            let n = offset.signed_amount();
            at = match offset.unit {
                TimeUnit::Year => add_months(at, n.saturating_mul(12)),
                TimeUnit::Month => add_months(at, n),
                unit => at + Duration::seconds(n.saturating_mul(unit.fixed_seconds().unwrap_or(0))),
            };
        }
        let day = at.date_naive();
        let start_of =
            |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
        let end_of =
            |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(23, 59, 59).unwrap_or_default());
        let week_start = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
        let month_start = NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap_or(day);
        let next_month = add_months(start_of(month_start), 1).date_naive();
        let year_start = NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day);
        let year_end = NaiveDate::from_ymd_opt(day.year(), 12, 31).unwrap_or(day);
        match f.name {
            FunctionName::Now | FunctionName::CurrentUser => at,
            FunctionName::StartOfDay => start_of(day),
            FunctionName::EndOfDay => end_of(day),
            FunctionName::StartOfWeek => start_of(week_start),
            FunctionName::EndOfWeek => end_of(week_start + Duration::days(6)),
            FunctionName::StartOfMonth => start_of(month_start),
            FunctionName::EndOfMonth => end_of(next_month - Duration::days(1)),
            FunctionName::StartOfYear => start_of(year_start),
            FunctionName::EndOfYear => end_of(year_end),
        }
    }
}

fn add_months(at: DateTime<Utc>, months: i64) -> DateTime<Utc> {
    let shifted = if months >= 0 {
        at.checked_add_months(chrono::Months::new(months.min(i64::from(u32::MAX)) as u32))
    } else {
        at.checked_sub_months(chrono::Months::new(
            months.unsigned_abs().min(u64::from(u32::MAX)) as u32,
        ))
    };
    shifted.unwrap_or(at)
}

/// A date value as the instant range it covers: a day, or one minute.
fn parse_date(raw: &str) -> Result<(DateTime<Utc>, DateTime<Utc>), EvalError> {
    let t = raw.trim();
    for fmt in ["%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            let start = Utc.from_utc_datetime(&dt);
            return Ok((start, start + Duration::seconds(59)));
        }
    }
    for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            let start = Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
            return Ok((start, start + Duration::seconds(86_399)));
        }
    }
    Err(EvalError::BadDate(raw.to_owned()))
}

/// `=`/`IN` hold when any of the item's values equals any wanted value; `!=`/`NOT IN` when none does.
fn set_match<H, W>(op: Operator, have: &[H], want: &[W], eq: impl Fn(&H, &W) -> bool) -> bool {
    let any = have.iter().any(|h| want.iter().any(|w| eq(h, w)));
    if op.is_negative() { !any } else { any }
}

/// Text of a storage body: tags dropped, CDATA and entities kept as text.
pub fn plain_text(storage: &str) -> String {
    let mut out = String::with_capacity(storage.len());
    let mut rest = storage;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let tail = &rest[lt..];
        if let Some(cdata) = tail.strip_prefix("<![CDATA[") {
            let end = cdata.find("]]>").unwrap_or(cdata.len());
            out.push(' ');
            out.push_str(&cdata[..end]);
            out.push(' ');
            rest = cdata.get(end + 3..).unwrap_or("");
        } else {
            let end = tail.find('>').map(|i| i + 1).unwrap_or(tail.len());
            out.push(' ');
            rest = &tail[end..];
        }
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", " ")
}

fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| fold(&w.to_lowercase()))
        .collect()
}

/// Folds simple plurals so `runbooks` finds `runbook` as Lucene's stemmer would.
fn fold(word: &str) -> String {
    if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// Every term of the query is in the text (`term*` matches as a prefix).
fn text_matches(words: &[String], query: &str) -> bool {
    let terms: Vec<(String, bool)> = query
        .split(|c: char| !(c.is_alphanumeric() || c == '*'))
        .filter(|t| !t.is_empty() && *t != "*")
        .map(|t| {
            let lower = t.to_lowercase();
            match lower.strip_suffix('*') {
                Some(prefix) => (prefix.to_owned(), true),
                None => (fold(&lower), false),
            }
        })
        .collect();
    !terms.is_empty()
        && terms.iter().all(|(term, prefix)| {
            words.iter().any(|w| {
                if *prefix {
                    w.starts_with(term.as_str())
                } else {
                    w == term
                }
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_cdata_and_drops_tags() {
        let text = plain_text(
            "<p>Hello <b>world</b></p><ac:plain-text-body><![CDATA[a < b]]></ac:plain-text-body>",
        );
        assert!(text.contains("Hello") && text.contains("world") && text.contains("a < b"));
        assert!(!text.contains("<p>"));
    }

    #[test]
    fn text_terms_prefixes_and_plurals() {
        let words = tokens("PostgreSQL failover runbooks for the database");
        assert!(text_matches(&words, "postgresql runbook"));
        assert!(text_matches(&words, "fail*"));
        assert!(!text_matches(&words, "mysql"));
        assert!(!text_matches(&words, ""));
    }

    #[test]
    fn dates_parse_to_ranges_or_explain() {
        let (start, end) = parse_date("2026-05-01").unwrap();
        assert_eq!((end - start).num_seconds(), 86_399);
        assert!(parse_date("2026/05/01 10:30").is_ok());
        assert_eq!(
            parse_date("yesterday"),
            Err(EvalError::BadDate("yesterday".into()))
        );
    }
}
