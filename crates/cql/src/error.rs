//! Parse errors.
//!
//! Messages are written for whoever wrote the query (often an AI agent): they
//! say where, what was expected, what was found, and usually how to fix it.

use crate::field::{Field, FunctionName, Operator};
use crate::offset::OffsetError;

/// A syntax or validation error, located in the source text.
///
/// Displays as `<what> at position <byte> (column <n>)` followed by a hint
/// when one helps, e.g.
/// `expected a value after '=', found end of query at position 12 (column 13)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ParseError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Byte offset into the query.
    pub position: usize,
    /// 1-based line (queries are usually one line).
    pub line: usize,
    /// 1-based column, counted in characters within the line.
    pub column: usize,
}

impl ParseError {
    /// Builds an error at byte `position` of `src`, computing line and column.
    pub(crate) fn new(kind: ErrorKind, src: &str, position: usize) -> ParseError {
        let position = position.min(src.len());
        let before = src.get(..position).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        ParseError {
            kind,
            position,
            line,
            column,
        }
    }

    fn render(&self) -> String {
        let location = if self.line > 1 {
            format!(
                "at position {} (line {}, column {})",
                self.position, self.line, self.column
            )
        } else {
            format!("at position {} (column {})", self.position, self.column)
        };
        match self.kind.hint() {
            Some(hint) => format!("{} {location}; {hint}", self.kind),
            None => format!("{} {location}", self.kind),
        }
    }
}

/// The kinds of [`ParseError`]. The `Display` text is the part before the
/// location; [`ErrorKind::hint`] supplies advice shown after it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// Nothing but whitespace.
    #[error("empty query")]
    EmptyQuery,
    /// Longer than [`crate::MAX_QUERY_LEN`] bytes.
    #[error("query is too long ({len} bytes, the maximum is {max})")]
    QueryTooLong {
        /// Actual length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Parentheses/`NOT` nested deeper than [`crate::MAX_DEPTH`].
    #[error("query is nested too deeply (more than {max} levels of parentheses or NOT)")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// A list longer than [`crate::MAX_LIST_LEN`].
    #[error("list has too many values (the maximum is {max})")]
    ListTooLong {
        /// The limit.
        max: usize,
    },
    /// A quote with no matching closing quote.
    #[error("unterminated string starting")]
    UnterminatedString {
        /// The opening quote character.
        quote: char,
    },
    /// A backslash followed by a character that is not escapable.
    #[error("invalid escape sequence '\\{0}' in string")]
    InvalidEscape(char),
    /// A field name that is not part of CQL.
    #[error("unknown field '{0}'")]
    UnknownField(String),
    /// A function name that is not part of CQL.
    #[error("unknown function '{0}()'")]
    UnknownFunction(String),
    /// The generic "wrong token here" error.
    #[error("expected {expected}, found {found}")]
    Expected {
        /// What would have been valid, e.g. `a value after '='`.
        expected: String,
        /// What was there, e.g. `end of query` or `'AND'`.
        found: String,
        /// Optional advice.
        hint: Option<String>,
    },
    /// A field used with an operator Confluence does not support for it.
    #[error("operator '{op}' cannot be used with field '{field}'")]
    UnsupportedOperator {
        /// The field.
        field: Field,
        /// The operator.
        op: Operator,
    },
    /// A list after an operator other than `IN`/`NOT IN`.
    #[error("a list can only follow IN or NOT IN, not '{0}'")]
    ListNotAllowed(Operator),
    /// `IN ()`.
    #[error("empty list")]
    EmptyList,
    /// `IN (a, (b))`.
    #[error("lists cannot be nested")]
    NestedList,
    /// A function whose result makes no sense for the field.
    #[error("function {function}() cannot be used with field '{field}'")]
    FunctionNotAllowed {
        /// The function.
        function: FunctionName,
        /// The field.
        field: Field,
    },
    /// An argument passed to `currentUser()`.
    #[error("function {0}() takes no argument")]
    UnexpectedArgument(FunctionName),
    /// More than one argument.
    #[error("function {0}() takes at most one argument")]
    TooManyArguments(FunctionName),
    /// A date-function argument that is not an offset like `-4w`.
    #[error("invalid offset \"{arg}\" for {function}(): {reason}")]
    InvalidOffset {
        /// The function.
        function: FunctionName,
        /// The argument as written (unescaped).
        arg: String,
        /// Why it was rejected.
        reason: OffsetError,
    },
}

impl ErrorKind {
    /// Advice on how to fix the query, if there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::EmptyQuery => {
                Some("write a condition such as space = DEV AND type = page".to_string())
            }
            ErrorKind::UnterminatedString { quote } => Some(format!(
                "add the closing {quote}, and escape {quote} inside the string as \\{quote}"
            )),
            ErrorKind::InvalidEscape(_) => Some(
                "only \\\", \\', \\\\, \\n, \\t and \\r are allowed; write \\\\ for a backslash"
                    .to_string(),
            ),
            ErrorKind::UnknownField(_) => Some(format!(
                "known fields: {}",
                Field::ALL.map(Field::name).join(", ")
            )),
            ErrorKind::UnknownFunction(_) => Some(format!(
                "known functions: {}",
                FunctionName::ALL
                    .map(|f| format!("{}()", f.name()))
                    .join(", ")
            )),
            ErrorKind::Expected { hint, .. } => hint.clone(),
            ErrorKind::UnsupportedOperator { field, .. } => Some(format!(
                "'{field}' supports: {}",
                field
                    .operators()
                    .iter()
                    .map(|o| o.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
            ErrorKind::ListNotAllowed(_) => {
                Some("use IN (a, b) to match any of several values".to_string())
            }
            ErrorKind::EmptyList => Some("IN and NOT IN need at least one value".to_string()),
            ErrorKind::FunctionNotAllowed { .. } => Some(
                "date functions work with created and lastModified; currentUser() works with \
                 creator, contributor, mention, watcher, favourite and user"
                    .to_string(),
            ),
            ErrorKind::InvalidOffset { .. } => Some(
                "write an offset like \"-4w\" or \"+1d\" (units: y, M, w, d, h, m)".to_string(),
            ),
            _ => None,
        }
    }
}
