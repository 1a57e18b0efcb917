//! Confluence Query Language (CQL): parser, AST and printer.
//!
//! Shared by the Confluence emulator (which evaluates the AST against its
//! data) and by gateway policy code (which inspects and rewrites queries that
//! agents send, e.g. ANDing a space restriction onto them). Hence:
//!
//! - the AST is plain public data that is easy to walk and to build;
//! - `Display` prints valid CQL that parses back to the same AST;
//! - malformed input yields a [`ParseError`] with a byte position, a column
//!   and a message saying what was expected, written for whoever wrote the
//!   query;
//! - hostile input is bounded by [`MAX_QUERY_LEN`], [`MAX_DEPTH`] and
//!   [`MAX_LIST_LEN`].
//!
//! ```
//! use cql::{Expr, Field, Operator, Value};
//!
//! let mut q = cql::parse("title ~ \"release notes\" OR label = notes ORDER BY created DESC").unwrap();
//! q.restrict(Expr::clause(Field::Space, Operator::Eq, Value::text("DEV")));
//! assert_eq!(
//!     q.to_string(),
//!     "(title ~ \"release notes\" OR label = notes) AND space = DEV ORDER BY created DESC"
//! );
//! ```
//!
//! Dates are left to evaluators: date functions keep their argument as text
//! and [`relative_offset`] turns `"-4w"` into a [`RelativeOffset`], so this
//! crate needs no date library.

mod ast;
mod error;
mod field;
mod lexer;
mod offset;
mod parser;
mod printer;

pub use ast::{Clause, Expr, FunctionCall, OrderBy, Query, Value};
pub use error::{ErrorKind, ParseError};
pub use field::{Field, FunctionName, Operator, SortDirection};
pub use offset::{MAX_OFFSET_AMOUNT, OffsetError, RelativeOffset, Sign, TimeUnit, relative_offset};
pub use parser::parse;
pub use printer::{is_plain_word, quote};

/// Longest accepted query, in bytes. Real queries are a few hundred bytes.
pub const MAX_QUERY_LEN: usize = 10_000;

/// Deepest accepted nesting of parentheses and `NOT`, which bounds recursion
/// in the parser and in anything that walks the tree.
pub const MAX_DEPTH: usize = 64;

/// Most values accepted in one `IN (...)` list.
pub const MAX_LIST_LEN: usize = 1_000;
