//! Recursive-descent parser.
//!
//! Grammar (keywords case-insensitive):
//!
//! ```text
//! query   := [or] [ORDER BY key ("," key)*]
//! or      := and (OR and)*
//! and     := unary (AND unary)*
//! unary   := NOT unary | "(" or ")" | clause
//! clause  := field op value
//! value   := string | word | function | "(" scalar ("," scalar)* ")"
//! key     := field [ASC | DESC]
//! ```
//!
//! Recursion only happens through `NOT` and parentheses, both counted against
//! [`MAX_DEPTH`], so hostile input cannot overflow the stack.

use crate::ast::{Clause, Expr, FunctionCall, OrderBy, Query, Value};
use crate::error::{ErrorKind, ParseError};
use crate::field::{Field, FunctionName, Operator, SortDirection};
use crate::lexer::{Lexer, Mode, Token, TokenKind, is_reserved};
use crate::offset::relative_offset;
use crate::{MAX_DEPTH, MAX_LIST_LEN, MAX_QUERY_LEN};

/// Parses a CQL query.
///
/// Besides syntax this checks what Confluence would reject anyway: unknown
/// fields and functions, operators a field does not support, functions that
/// do not fit the field, and malformed date offsets.
pub fn parse(input: &str) -> Result<Query, ParseError> {
    if input.len() > MAX_QUERY_LEN {
        let mut at = MAX_QUERY_LEN;
        while !input.is_char_boundary(at) {
            at -= 1;
        }
        return Err(ParseError::new(
            ErrorKind::QueryTooLong {
                len: input.len(),
                max: MAX_QUERY_LEN,
            },
            input,
            at,
        ));
    }
    Parser {
        src: input,
        lexer: Lexer::new(input),
        depth: 0,
    }
    .query()
}

struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    depth: usize,
}

/// Hint for a stray word after a complete clause, the usual cause being an
/// unquoted multi-word value.
const QUOTE_HINT: &str = "join conditions with AND or OR, and quote values containing spaces, e.g. title ~ \"release notes\"";

impl<'a> Parser<'a> {
    fn error(&self, kind: ErrorKind, position: usize) -> ParseError {
        ParseError::new(kind, self.src, position)
    }

    fn expected(&self, expected: impl Into<String>, found: &Token<'_>) -> ParseError {
        self.expected_with_hint(expected, found, None)
    }

    fn expected_with_hint(
        &self,
        expected: impl Into<String>,
        found: &Token<'_>,
        hint: Option<String>,
    ) -> ParseError {
        let kind = ErrorKind::Expected {
            expected: expected.into(),
            found: found.describe(),
            hint,
        };
        self.error(kind, found.start)
    }

    fn next(&mut self, mode: Mode) -> Result<Token<'a>, ParseError> {
        self.lexer.next(mode)
    }

    fn peek(&self, mode: Mode) -> Result<Token<'a>, ParseError> {
        self.lexer.peek(mode)
    }

    fn query(&mut self) -> Result<Query, ParseError> {
        let first = self.peek(Mode::Name)?;
        if first.kind == TokenKind::Eof {
            return Err(self.error(ErrorKind::EmptyQuery, 0));
        }
        let filter = if first.is_keyword("ORDER") {
            None
        } else {
            Some(self.or("at the start of the query")?)
        };
        let mut order_by = Vec::new();
        let next = self.next(Mode::Name)?;
        if next.is_keyword("ORDER") {
            order_by = self.order_by()?;
        } else if next.kind == TokenKind::RParen {
            return Err(self.expected_with_hint(
                "AND, OR, ORDER BY or end of query",
                &next,
                Some("this ')' has no matching '('".to_string()),
            ));
        } else if next.kind != TokenKind::Eof {
            let hint = matches!(next.kind, TokenKind::Word(_) | TokenKind::Str(_))
                .then(|| QUOTE_HINT.to_string());
            return Err(self.expected_with_hint(
                "AND, OR, ORDER BY or end of query after a condition",
                &next,
                hint,
            ));
        }
        Ok(Query { filter, order_by })
    }

    /// `ORDER BY key, key...`; the `ORDER` keyword is already consumed.
    fn order_by(&mut self) -> Result<Vec<OrderBy>, ParseError> {
        let by = self.next(Mode::Name)?;
        if !by.is_keyword("BY") {
            return Err(self.expected("BY after ORDER", &by));
        }
        let mut keys = Vec::new();
        let mut after = "ORDER BY";
        loop {
            let tok = self.next(Mode::Name)?;
            let name = match tok.kind {
                TokenKind::Word(w) if !is_reserved(w) => w,
                _ => return Err(self.expected(format!("a field name after {after}"), &tok)),
            };
            let field = self.field(name, tok.start)?;
            let mut direction = SortDirection::Asc;
            let dir = self.peek(Mode::Name)?;
            let has_direction = dir.is_keyword("ASC") || dir.is_keyword("DESC");
            if has_direction {
                self.next(Mode::Name)?;
                if dir.is_keyword("DESC") {
                    direction = SortDirection::Desc;
                }
            }
            keys.push(OrderBy {
                field,
                direction,
                spelling: Some(name.to_string()),
            });
            let sep = self.next(Mode::Name)?;
            match sep.kind {
                TokenKind::Comma => after = "','",
                TokenKind::Eof => return Ok(keys),
                _ => {
                    let expected = if has_direction {
                        "',' or end of query in ORDER BY"
                    } else {
                        "ASC, DESC, ',' or end of query in ORDER BY"
                    };
                    return Err(self.expected_with_hint(
                        expected,
                        &sep,
                        Some("ORDER BY must come last".to_string()),
                    ));
                }
            }
        }
    }

    fn or(&mut self, context: &str) -> Result<Expr, ParseError> {
        let mut items = vec![self.and(context)?];
        while self.peek(Mode::Name)?.is_keyword("OR") {
            self.next(Mode::Name)?;
            items.push(self.and("after OR")?);
        }
        Ok(if items.len() == 1 {
            items.swap_remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self, context: &str) -> Result<Expr, ParseError> {
        let mut items = vec![self.unary(context)?];
        while self.peek(Mode::Name)?.is_keyword("AND") {
            self.next(Mode::Name)?;
            items.push(self.unary("after AND")?);
        }
        Ok(if items.len() == 1 {
            items.swap_remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn enter(&mut self, tok: &Token<'_>) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(ErrorKind::TooDeep { max: MAX_DEPTH }, tok.start));
        }
        Ok(())
    }

    fn unary(&mut self, context: &str) -> Result<Expr, ParseError> {
        let tok = self.next(Mode::Name)?;
        match tok.kind {
            TokenKind::Word(_) if tok.is_keyword("NOT") => {
                self.enter(&tok)?;
                let inner = self.unary("after NOT")?;
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner)))
            }
            TokenKind::LParen => {
                self.enter(&tok)?;
                let inner = self.or("after '('")?;
                let close = self.next(Mode::Name)?;
                if close.kind != TokenKind::RParen {
                    let hint = format!("the '(' at position {} is never closed", tok.start);
                    return Err(self.expected_with_hint("AND, OR or ')'", &close, Some(hint)));
                }
                self.depth -= 1;
                Ok(inner)
            }
            TokenKind::Word(name) if !is_reserved(name) => self.clause(name, tok.start),
            _ => Err(self.expected(
                format!("a condition (a field name, NOT or '(') {context}"),
                &tok,
            )),
        }
    }

    fn field(&self, name: &str, position: usize) -> Result<Field, ParseError> {
        Field::from_name(name)
            .ok_or_else(|| self.error(ErrorKind::UnknownField(name.to_string()), position))
    }

    fn clause(&mut self, name: &str, position: usize) -> Result<Expr, ParseError> {
        let field = self.field(name, position)?;
        let tok = self.next(Mode::Name)?;
        let op = match tok.kind {
            TokenKind::Op(op) => op,
            TokenKind::Word(_) if tok.is_keyword("IN") => Operator::In,
            TokenKind::Word(_) if tok.is_keyword("NOT") => {
                let inn = self.next(Mode::Name)?;
                if !inn.is_keyword("IN") {
                    return Err(self.expected("IN after NOT", &inn));
                }
                Operator::NotIn
            }
            _ => {
                return Err(self.expected(
                    format!(
                        "an operator (=, !=, ~, !~, >, >=, <, <=, IN, NOT IN) after field '{name}'"
                    ),
                    &tok,
                ));
            }
        };
        if !field.supports(op) {
            return Err(self.error(ErrorKind::UnsupportedOperator { field, op }, tok.start));
        }
        let value = self.value(field, op)?;
        Ok(Expr::Clause(Clause {
            field,
            op,
            value,
            spelling: Some(name.to_string()),
        }))
    }

    fn value(&mut self, field: Field, op: Operator) -> Result<Value, ParseError> {
        let tok = self.next(Mode::Value)?;
        if op.takes_list() {
            if tok.kind != TokenKind::LParen {
                return Err(self.expected_with_hint(
                    format!("a list after {op}"),
                    &tok,
                    Some(format!("write e.g. {} {op} (\"A\", \"B\")", field.name())),
                ));
            }
            return self.list(field, tok.start);
        }
        if tok.kind == TokenKind::LParen {
            return Err(self.error(ErrorKind::ListNotAllowed(op), tok.start));
        }
        self.scalar(field, tok, &format!("a value after '{op}'"))
    }

    /// The elements of `( ... )`; the `(` is already consumed.
    fn list(&mut self, field: Field, open: usize) -> Result<Value, ParseError> {
        let mut items = Vec::new();
        let first = self.next(Mode::Value)?;
        if first.kind == TokenKind::RParen {
            return Err(self.error(ErrorKind::EmptyList, open));
        }
        let mut tok = first;
        let mut expected = "a value in the list";
        loop {
            if tok.kind == TokenKind::LParen {
                return Err(self.error(ErrorKind::NestedList, tok.start));
            }
            if items.len() == MAX_LIST_LEN {
                return Err(self.error(ErrorKind::ListTooLong { max: MAX_LIST_LEN }, tok.start));
            }
            items.push(self.scalar(field, tok, expected)?);
            let sep = self.next(Mode::Value)?;
            match sep.kind {
                TokenKind::Comma => {}
                TokenKind::RParen => return Ok(Value::List(items)),
                _ => {
                    let hint = format!("the list starting at position {open} is never closed");
                    return Err(self.expected_with_hint("',' or ')' in list", &sep, Some(hint)));
                }
            }
            tok = self.next(Mode::Value)?;
            expected = "a value after ',' in list";
        }
    }

    /// A single value (not a list) starting with `tok`.
    fn scalar(
        &mut self,
        field: Field,
        tok: Token<'a>,
        expected: &str,
    ) -> Result<Value, ParseError> {
        match tok.kind {
            TokenKind::Str(s) => Ok(Value::Text(s)),
            TokenKind::Word(w) if is_reserved(w) => Err(self.expected_with_hint(
                expected,
                &tok,
                Some(format!("quote it (\"{w}\") if you mean the text")),
            )),
            TokenKind::Word(w) => {
                if self.peek(Mode::Value)?.kind == TokenKind::LParen {
                    self.function(field, w, tok.start)
                } else {
                    Ok(Value::Text(w.to_string()))
                }
            }
            _ => Err(self.expected(expected, &tok)),
        }
    }

    /// A function call; `name` is consumed, the `(` is next.
    fn function(&mut self, field: Field, name: &str, position: usize) -> Result<Value, ParseError> {
        let function = FunctionName::from_name(name)
            .ok_or_else(|| self.error(ErrorKind::UnknownFunction(name.to_string()), position))?;
        if !field.accepts_function(function) {
            return Err(self.error(ErrorKind::FunctionNotAllowed { function, field }, position));
        }
        self.next(Mode::Value)?; // the '('
        let tok = self.next(Mode::Value)?;
        let (arg, arg_pos) = match tok.kind {
            TokenKind::RParen => return Ok(Value::Function(FunctionCall::new(function))),
            TokenKind::Str(s) => (s, tok.start),
            TokenKind::Word(w) => (w.to_string(), tok.start),
            _ => {
                return Err(self.expected(
                    format!("an argument such as \"-1d\" or ')' after {function}("),
                    &tok,
                ));
            }
        };
        if !function.is_date() {
            return Err(self.error(ErrorKind::UnexpectedArgument(function), arg_pos));
        }
        if let Err(reason) = relative_offset(&arg) {
            let kind = ErrorKind::InvalidOffset {
                function,
                arg,
                reason,
            };
            return Err(self.error(kind, arg_pos));
        }
        let close = self.next(Mode::Value)?;
        match close.kind {
            TokenKind::RParen => Ok(Value::Function(FunctionCall::with_arg(function, arg))),
            TokenKind::Comma => Err(self.error(ErrorKind::TooManyArguments(function), close.start)),
            _ => Err(self.expected(format!("')' to close {function}("), &close)),
        }
    }
}
