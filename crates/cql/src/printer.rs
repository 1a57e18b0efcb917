//! Printing the AST back to CQL.
//!
//! The output parses back to an equal AST (`parse(&q.to_string()) == Ok(q)`
//! for every tree the parser can produce), which is what lets a gateway parse,
//! rewrite and forward a query. To be safe against injection when values come
//! from elsewhere, anything but a plain identifier, number or date is quoted.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::{Clause, Expr, FunctionCall, OrderBy, Query, Value};

/// Words the printer always quotes: the parser's keywords plus JQL-style
/// reserved words Confluence may treat specially.
const QUOTED_WORDS: &[&str] = &[
    "AND", "OR", "NOT", "IN", "ORDER", "BY", "ASC", "DESC", "EMPTY", "NULL", "IS",
];

/// Whether `s` can be printed without quotes: starts with an ASCII letter or
/// digit, continues with those or `_`, `.` and `-`, and is not a reserved word.
pub fn is_plain_word(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !QUOTED_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// Writes `s` as a double-quoted CQL string, escaping `"`, `\` and line breaks.
pub fn write_quoted(f: &mut impl Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

/// `s` as a double-quoted CQL string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    // Writing to a String cannot fail.
    let _ = write_quoted(&mut out, s);
    out
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(filter) = &self.filter {
            filter.fmt(f)?;
            if !self.order_by.is_empty() {
                f.write_char(' ')?;
            }
        }
        if !self.order_by.is_empty() {
            f.write_str("ORDER BY ")?;
            for (i, key) in self.order_by.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                key.fmt(f)?;
            }
        }
        Ok(())
    }
}

impl Display for OrderBy {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.field_spelling())?;
        if self.direction == crate::SortDirection::Desc {
            f.write_str(" DESC")?;
        }
        Ok(())
    }
}

/// How tightly an expression binds; children that bind less tightly than
/// their context need parentheses.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Context {
    Top,
    InOr,
    InAnd,
    InNot,
}

fn write_expr(f: &mut Formatter<'_>, e: &Expr, ctx: Context) -> fmt::Result {
    match e {
        Expr::Clause(c) => c.fmt(f),
        Expr::Not(inner) => {
            f.write_str("NOT ")?;
            write_expr(f, inner, Context::InNot)
        }
        Expr::And(items) | Expr::Or(items) if items.len() == 1 => write_expr(f, &items[0], ctx),
        Expr::And(items) => {
            // `(a AND b) AND c` keeps its grouping so the printed form
            // re-parses to the same tree; an And inside an Or is
            // parenthesised for readability.
            let paren = ctx != Context::Top;
            write_joined(f, items, " AND ", Context::InAnd, paren)
        }
        Expr::Or(items) => {
            let paren = ctx != Context::Top;
            write_joined(f, items, " OR ", Context::InOr, paren)
        }
    }
}

fn write_joined(
    f: &mut Formatter<'_>,
    items: &[Expr],
    sep: &str,
    ctx: Context,
    paren: bool,
) -> fmt::Result {
    if paren || items.is_empty() {
        f.write_char('(')?;
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_expr(f, item, ctx)?;
    }
    if paren || items.is_empty() {
        f.write_char(')')?;
    }
    Ok(())
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_expr(f, self, Context::Top)
    }
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.field_spelling(), self.op, self.value)
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) if is_plain_word(s) => f.write_str(s),
            Value::Text(s) => write_quoted(f, s),
            Value::List(items) => {
                f.write_char('(')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.fmt(f)?;
                }
                f.write_char(')')
            }
            Value::Function(call) => call.fmt(f),
        }
    }
}

impl Display for FunctionCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        if let Some(arg) = &self.arg {
            write_quoted(f, arg)?;
        }
        f.write_char(')')
    }
}
