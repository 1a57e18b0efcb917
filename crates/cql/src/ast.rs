//! The CQL syntax tree.
//!
//! Shaped for two consumers: an evaluator that walks it against data, and a
//! policy engine that inspects and rewrites it. `AND`/`OR` are n-ary so a long
//! chain of clauses stays shallow (bounded recursion for hostile input) and so
//! "the list of conjuncts" is directly visible.

use std::hash::{Hash, Hasher};

use crate::field::{Field, FunctionName, Operator, SortDirection};
use crate::offset::{OffsetError, RelativeOffset, relative_offset};

/// A whole query: an optional filter plus an optional `ORDER BY`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Query {
    /// The condition; `None` only for a query that is just `ORDER BY ...`.
    pub filter: Option<Expr>,
    /// Sort keys in priority order; empty when there is no `ORDER BY`.
    pub order_by: Vec<OrderBy>,
}

impl Query {
    /// A query with this filter and no ordering.
    pub fn new(filter: Expr) -> Query {
        Query {
            filter: Some(filter),
            order_by: Vec::new(),
        }
    }

    /// ANDs `restriction` onto the filter (or makes it the filter if there is
    /// none). This is the policy-engine primitive: the result can only match
    /// a subset of what the original matched.
    pub fn restrict(&mut self, restriction: Expr) {
        self.filter = Some(match self.filter.take() {
            Some(existing) => Expr::and(existing, restriction),
            None => restriction,
        });
    }

    /// Visits every clause of the filter, left to right.
    pub fn walk(&self, f: &mut impl FnMut(&Clause)) {
        if let Some(filter) = &self.filter {
            filter.walk(f);
        }
    }

    /// Visits every clause of the filter mutably, left to right.
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Clause)) {
        if let Some(filter) = &mut self.filter {
            filter.walk_mut(f);
        }
    }
}

/// A boolean expression over clauses.
///
/// `And`/`Or` should hold at least two operands: the parser never builds
/// fewer, and the printer cannot express an empty one as valid CQL (an empty
/// `And`/`Or` prints as `()`, which fails to parse). A single operand prints
/// as that operand. Evaluators should treat an empty `And` as true and an
/// empty `Or` as false.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    /// All operands must match.
    And(Vec<Expr>),
    /// At least one operand must match.
    Or(Vec<Expr>),
    /// The operand must not match.
    Not(Box<Expr>),
    /// A single `field op value` comparison.
    Clause(Clause),
}

impl Expr {
    /// `a AND b`, flattening into an existing `And` on either side so repeated
    /// use builds one flat conjunction rather than a deep tree.
    pub fn and(a: Expr, b: Expr) -> Expr {
        let mut items = match a {
            Expr::And(items) => items,
            other => vec![other],
        };
        match b {
            Expr::And(more) => items.extend(more),
            other => items.push(other),
        }
        Expr::And(items)
    }

    /// `a OR b`, flattening like [`Expr::and`].
    pub fn or(a: Expr, b: Expr) -> Expr {
        let mut items = match a {
            Expr::Or(items) => items,
            other => vec![other],
        };
        match b {
            Expr::Or(more) => items.extend(more),
            other => items.push(other),
        }
        Expr::Or(items)
    }

    /// `NOT e`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    /// A clause expression, e.g. `Expr::clause(Field::Space, Operator::Eq, Value::text("DEV"))`.
    pub fn clause(field: Field, op: Operator, value: Value) -> Expr {
        Expr::Clause(Clause::new(field, op, value))
    }

    /// Visits every clause, left to right.
    pub fn walk(&self, f: &mut impl FnMut(&Clause)) {
        match self {
            Expr::And(items) | Expr::Or(items) => items.iter().for_each(|e| e.walk(f)),
            Expr::Not(inner) => inner.walk(f),
            Expr::Clause(c) => f(c),
        }
    }

    /// Visits every clause mutably, left to right (e.g. to rewrite values).
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Clause)) {
        match self {
            Expr::And(items) | Expr::Or(items) => items.iter_mut().for_each(|e| e.walk_mut(f)),
            Expr::Not(inner) => inner.walk_mut(f),
            Expr::Clause(c) => f(c),
        }
    }
}

impl From<Clause> for Expr {
    fn from(c: Clause) -> Expr {
        Expr::Clause(c)
    }
}

/// `field op value`.
///
/// Equality and hashing ignore [`Clause::spelling`]: `SPACE = X` and
/// `space.key = X` are the same clause.
#[derive(Debug, Clone)]
pub struct Clause {
    /// The field compared.
    pub field: Field,
    /// The comparison.
    pub op: Operator,
    /// The right-hand side; a [`Value::List`] exactly when `op.takes_list()`.
    pub value: Value,
    /// How the field was written in the source (e.g. `space.key`, `SPACE`),
    /// so printing preserves it. `None` for programmatically built clauses.
    /// Ignored by the printer unless it is a valid spelling of `field`.
    pub spelling: Option<String>,
}

impl Clause {
    /// A clause with the canonical field spelling.
    pub fn new(field: Field, op: Operator, value: Value) -> Clause {
        Clause {
            field,
            op,
            value,
            spelling: None,
        }
    }

    /// The spelling the printer uses: the recorded one if it is valid for
    /// `field`, the canonical name otherwise.
    pub fn field_spelling(&self) -> &str {
        match &self.spelling {
            Some(s) if Field::from_name(s) == Some(self.field) => s,
            _ => self.field.name(),
        }
    }
}

impl PartialEq for Clause {
    fn eq(&self, other: &Clause) -> bool {
        self.field == other.field && self.op == other.op && self.value == other.value
    }
}

impl Eq for Clause {}

impl Hash for Clause {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.field.hash(state);
        self.op.hash(state);
        self.value.hash(state);
    }
}

/// The right-hand side of a clause.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A quoted string, unquoted word or number, already unescaped.
    /// CQL does not distinguish `DEV`, `"DEV"` and `'DEV'`.
    Text(String),
    /// `(a, b, ...)` after `IN`/`NOT IN`; never nested, never empty when parsed.
    List(Vec<Value>),
    /// A function call such as `now("-4w")`.
    Function(FunctionCall),
}

impl Value {
    /// A text value.
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// A list of text values.
    pub fn text_list<I, S>(items: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Value::List(items.into_iter().map(|s| Value::Text(s.into())).collect())
    }

    /// The text, if this is a [`Value::Text`].
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar values: the elements of a list, or the value itself.
    /// Lets evaluators treat `=` and `IN` uniformly.
    pub fn scalars(&self) -> &[Value] {
        match self {
            Value::List(items) => items,
            other => std::slice::from_ref(other),
        }
    }
}

/// A function call used as a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FunctionCall {
    /// Which function.
    pub name: FunctionName,
    /// The optional argument, e.g. `-4w`. Always `None` for `currentUser()`;
    /// for date functions the parser has checked it with [`relative_offset`].
    pub arg: Option<String>,
}

impl FunctionCall {
    /// A call without argument, e.g. `currentUser()`.
    pub fn new(name: FunctionName) -> FunctionCall {
        FunctionCall { name, arg: None }
    }

    /// A call with an argument, e.g. `now("-4w")`.
    pub fn with_arg(name: FunctionName, arg: impl Into<String>) -> FunctionCall {
        FunctionCall {
            name,
            arg: Some(arg.into()),
        }
    }

    /// The parsed offset argument; `Ok(None)` when there is no argument.
    pub fn offset(&self) -> Result<Option<RelativeOffset>, OffsetError> {
        self.arg.as_deref().map(relative_offset).transpose()
    }
}

/// One `ORDER BY` key.
///
/// Equality and hashing ignore [`OrderBy::spelling`], as for [`Clause`].
#[derive(Debug, Clone)]
pub struct OrderBy {
    /// The field sorted on.
    pub field: Field,
    /// The direction; `Asc` when none was written.
    pub direction: SortDirection,
    /// How the field was written in the source; see [`Clause::spelling`].
    pub spelling: Option<String>,
}

impl OrderBy {
    /// A sort key with the canonical field spelling.
    pub fn new(field: Field, direction: SortDirection) -> OrderBy {
        OrderBy {
            field,
            direction,
            spelling: None,
        }
    }

    /// The spelling the printer uses; see [`Clause::field_spelling`].
    pub fn field_spelling(&self) -> &str {
        match &self.spelling {
            Some(s) if Field::from_name(s) == Some(self.field) => s,
            _ => self.field.name(),
        }
    }
}

impl PartialEq for OrderBy {
    fn eq(&self, other: &OrderBy) -> bool {
        self.field == other.field && self.direction == other.direction
    }
}

impl Eq for OrderBy {}

impl Hash for OrderBy {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.field.hash(state);
        self.direction.hash(state);
    }
}
