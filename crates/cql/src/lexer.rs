//! On-demand tokenizer.
//!
//! CQL is not context-free at the character level: `~` is an operator after
//! a field (`title ~ foo`) but part of a value after an operator
//! (`space = ~1234`, a personal space key). So the parser asks for the next
//! token in a [`Mode`] that says which of the two it expects.

use crate::error::{ErrorKind, ParseError};
use crate::field::Operator;

/// What the parser expects next, which decides how `~` and word characters lex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Field names, keywords and operators.
    Name,
    /// Values: `~` and other punctuation may start or continue a word.
    Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind<'a> {
    /// An unquoted word (field name, keyword, or bare value).
    Word(&'a str),
    /// A quoted string, unescaped.
    Str(String),
    LParen,
    RParen,
    Comma,
    /// A symbolic operator (`=`, `!=`, `~`, ...). `IN`/`NOT IN` are words.
    Op(Operator),
    /// Any other character.
    Other(char),
    Eof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: TokenKind<'a>,
    /// Byte offset of the first character.
    pub start: usize,
}

impl Token<'_> {
    /// Whether this is the word `kw`, ignoring ASCII case.
    pub fn is_keyword(&self, kw: &str) -> bool {
        matches!(self.kind, TokenKind::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    /// A short description for "found ..." in error messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            TokenKind::Word(w) if is_reserved(w) => format!("keyword '{}'", w.to_uppercase()),
            TokenKind::Word(w) => format!("'{}'", truncate(w)),
            TokenKind::Str(s) => format!("string \"{}\"", truncate(s)),
            TokenKind::LParen => "'('".to_string(),
            TokenKind::RParen => "')'".to_string(),
            TokenKind::Comma => "','".to_string(),
            TokenKind::Op(op) => format!("'{op}'"),
            TokenKind::Other(c) => format!("'{c}'"),
            TokenKind::Eof => "end of query".to_string(),
        }
    }
}

/// Words with a syntactic role; they cannot be unquoted values.
pub(crate) fn is_reserved(word: &str) -> bool {
    ["AND", "OR", "NOT", "IN", "ORDER"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(word))
}

fn truncate(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push_str("...");
        t
    }
}

/// Characters of field names and keywords.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Characters of unquoted values: names plus the punctuation found in
/// personal space keys (`~557058:ab-cd`), dates, paths, emails, wildcards and
/// offsets (`+2w`).
pub(crate) fn is_value_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            '_' | '.' | '-' | '~' | ':' | '/' | '@' | '+' | '*' | '?' | '#' | '$' | '%'
        )
}

#[derive(Debug, Clone)]
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Lexer<'a> {
        Lexer { src, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn skip_whitespace(&mut self) {
        let rest = self.rest();
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
    }

    /// The next token without consuming it.
    pub fn peek(&self, mode: Mode) -> Result<Token<'a>, ParseError> {
        self.clone().next(mode)
    }

    /// Consumes and returns the next token.
    pub fn next(&mut self, mode: Mode) -> Result<Token<'a>, ParseError> {
        self.skip_whitespace();
        let start = self.pos;
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            return Ok(Token {
                kind: TokenKind::Eof,
                start,
            });
        };
        let second = rest[c.len_utf8()..].chars().next();
        let (kind, len) = match c {
            '(' => (TokenKind::LParen, 1),
            ')' => (TokenKind::RParen, 1),
            ',' => (TokenKind::Comma, 1),
            '"' | '\'' => return self.string(c),
            '=' => (TokenKind::Op(Operator::Eq), 1),
            '!' if second == Some('=') => (TokenKind::Op(Operator::Ne), 2),
            '!' if second == Some('~') => (TokenKind::Op(Operator::NotContains), 2),
            '>' if second == Some('=') => (TokenKind::Op(Operator::Ge), 2),
            '>' => (TokenKind::Op(Operator::Gt), 1),
            '<' if second == Some('=') => (TokenKind::Op(Operator::Le), 2),
            '<' => (TokenKind::Op(Operator::Lt), 1),
            '~' if mode == Mode::Name => (TokenKind::Op(Operator::Contains), 1),
            c if mode == Mode::Name && is_name_char(c) => {
                let len = rest.find(|c| !is_name_char(c)).unwrap_or(rest.len());
                (TokenKind::Word(&rest[..len]), len)
            }
            c if mode == Mode::Value && is_value_char(c) => {
                let len = rest.find(|c| !is_value_char(c)).unwrap_or(rest.len());
                (TokenKind::Word(&rest[..len]), len)
            }
            c => (TokenKind::Other(c), c.len_utf8()),
        };
        self.pos += len;
        Ok(Token { kind, start })
    }

    /// Lexes a quoted string starting at the current position.
    fn string(&mut self, quote: char) -> Result<Token<'a>, ParseError> {
        let start = self.pos;
        let mut out = String::new();
        let mut chars = self.rest().char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            if c == quote {
                self.pos = start + i + c.len_utf8();
                return Ok(Token {
                    kind: TokenKind::Str(out),
                    start,
                });
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((j, e)) = chars.next() else {
                break;
            };
            out.push(match e {
                '"' | '\'' | '\\' => e,
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                other => {
                    return Err(ParseError::new(
                        ErrorKind::InvalidEscape(other),
                        self.src,
                        start + j - 1,
                    ));
                }
            });
        }
        Err(ParseError::new(
            ErrorKind::UnterminatedString { quote },
            self.src,
            start,
        ))
    }
}
