//! Malformed queries: position and message of the error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cql::{
    ErrorKind, Field, FunctionName, MAX_DEPTH, MAX_LIST_LEN, MAX_QUERY_LEN, Operator, parse,
};

/// (query, expected byte position, fragment the message must contain)
const BAD: &[(&str, usize, &str)] = &[
    // empty
    ("", 0, "empty query"),
    ("   \t ", 0, "empty query"),
    // missing values
    (
        "space = ",
        8,
        "expected a value after '=', found end of query",
    ),
    ("title ~", 7, "expected a value after '~'"),
    ("space = AND type = page", 8, "found keyword 'AND'"),
    ("space = )", 8, "expected a value after '=', found ')'"),
    ("space = [DEV]", 8, "found '['"),
    // missing or bad operators
    ("space", 5, "expected an operator"),
    ("space DEV", 6, "after field 'space', found 'DEV'"),
    ("space == DEV", 7, "expected a value after '=', found '='"),
    ("space ! DEV", 6, "found '!'"),
    ("space NOT DEV", 10, "expected IN after NOT"),
    (
        "space ~ DEV",
        6,
        "operator '~' cannot be used with field 'space'",
    ),
    (
        "text = foo",
        5,
        "operator '=' cannot be used with field 'text'",
    ),
    (
        "created IN (a)",
        8,
        "operator 'IN' cannot be used with field 'created'",
    ),
    ("label > a", 6, "supports: = != IN NOT IN"),
    // IN / lists
    ("space IN DEV", 9, "expected a list after IN, found 'DEV'"),
    (
        "space IN \"DEV\"",
        9,
        "expected a list after IN, found string \"DEV\"",
    ),
    ("space NOT IN DEV", 13, "expected a list after NOT IN"),
    (
        "space = (DEV, TEST)",
        8,
        "a list can only follow IN or NOT IN, not '='",
    ),
    ("space IN ()", 9, "empty list"),
    (
        "space IN (DEV,)",
        14,
        "expected a value after ',' in list, found ')'",
    ),
    (
        "space IN (DEV TEST)",
        14,
        "expected ',' or ')' in list, found 'TEST'",
    ),
    (
        "space IN (DEV",
        13,
        "list starting at position 9 is never closed",
    ),
    ("space IN (DEV, (TEST))", 15, "lists cannot be nested"),
    (
        "space IN (, DEV)",
        10,
        "expected a value in the list, found ','",
    ),
    // strings
    (
        "title = \"abc",
        8,
        "unterminated string starting at position 8",
    ),
    ("title = 'abc\"", 8, "add the closing '"),
    ("title = \"a\\qb\"", 10, "invalid escape sequence '\\q'"),
    ("title = \"abc\\", 8, "unterminated string"),
    // unknown field / function
    ("foo = bar", 0, "unknown field 'foo'"),
    ("space = DEV AND sapce = X", 16, "unknown field 'sapce'"),
    (
        "\"space\" = DEV",
        0,
        "expected a condition (a field name, NOT or '(') at the start",
    ),
    (
        "created > yesterday()",
        10,
        "unknown function 'yesterday()'",
    ),
    (
        "created > now(\"-4x\")",
        14,
        "invalid offset \"-4x\" for now(): 'x' is not a time unit",
    ),
    ("created > now(\"\")", 14, "the offset is empty"),
    ("created > now(-1d, +2d)", 17, "takes at most one argument"),
    ("created > now(\"-1d\"", 19, "expected ')' to close now("),
    (
        "creator = currentUser(\"x\")",
        22,
        "currentUser() takes no argument",
    ),
    (
        "space = currentUser()",
        8,
        "function currentUser() cannot be used with field 'space'",
    ),
    (
        "creator = now()",
        10,
        "function now() cannot be used with field 'creator'",
    ),
    (
        "created > now(,)",
        14,
        "expected an argument such as \"-1d\" or ')' after now(",
    ),
    // boolean structure
    (
        "space = DEV AND",
        15,
        "expected a condition (a field name, NOT or '(') after AND, found end of query",
    ),
    ("space = DEV OR", 14, "after OR, found end of query"),
    (
        "space = DEV AND OR type = page",
        16,
        "after AND, found keyword 'OR'",
    ),
    ("NOT", 3, "after NOT, found end of query"),
    (
        "AND space = DEV",
        0,
        "at the start of the query, found keyword 'AND'",
    ),
    ("(space = DEV", 12, "the '(' at position 0 is never closed"),
    ("((space = DEV)", 14, "expected AND, OR or ')'"),
    ("space = DEV)", 11, "this ')' has no matching '('"),
    ("()", 1, "after '(', found ')'"),
    (
        "space = DEV type = page",
        12,
        "join conditions with AND or OR",
    ),
    ("title = release notes", 16, "found 'notes'"),
    (
        "space = DEV AND ORDER BY created",
        16,
        "after AND, found keyword 'ORDER'",
    ),
    // ORDER BY
    (
        "ORDER BY",
        8,
        "expected a field name after ORDER BY, found end of query",
    ),
    ("space = DEV ORDER created", 18, "expected BY after ORDER"),
    ("space = DEV ORDER BY", 20, "a field name after ORDER BY"),
    (
        "space = DEV ORDER BY created,",
        29,
        "a field name after ','",
    ),
    ("space = DEV ORDER BY bogus", 21, "unknown field 'bogus'"),
    (
        "space = DEV ORDER BY created DESC AND x = y",
        34,
        "ORDER BY must come last",
    ),
    (
        "ORDER BY created sideways",
        17,
        "expected ASC, DESC, ',' or end of query in ORDER BY",
    ),
];

#[test]
fn malformed_queries() {
    assert!(BAD.len() >= 25);
    let mut failures = Vec::new();
    for &(query, position, fragment) in BAD {
        match parse(query) {
            Ok(q) => failures.push(format!("{query:?}: parsed as {q:?}")),
            Err(e) => {
                let msg = e.to_string();
                if e.position != position || !msg.contains(fragment) {
                    failures.push(format!(
                        "{query:?}: got position {} message {msg:?}; want position {position} containing {fragment:?}",
                        e.position
                    ));
                }
                assert!(
                    msg.contains(&format!("at position {}", e.position)),
                    "{msg}"
                );
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn message_format() {
    let e = parse("space = DEV AND title =").unwrap_err();
    assert_eq!(
        e.to_string(),
        "expected a value after '=', found end of query at position 23 (column 24)"
    );
    let e = parse("title = \"abc").unwrap_err();
    assert_eq!(
        e.to_string(),
        "unterminated string starting at position 8 (column 9); add the closing \", and escape \" inside the string as \\\""
    );
    let e = parse("foo = 1").unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownField("foo".into()));
    assert!(
        e.to_string()
            .starts_with("unknown field 'foo' at position 0 (column 1); known fields: space, ")
    );
}

#[test]
fn columns_count_characters_and_lines() {
    // "é" is two bytes but one column.
    let e = parse("title = \"é\" AND").unwrap_err();
    assert_eq!((e.position, e.line, e.column), (16, 1, 16));
    let e = parse("space = DEV\nAND bogus = 1").unwrap_err();
    assert_eq!((e.position, e.line, e.column), (16, 2, 5));
    assert!(e.to_string().contains("(line 2, column 5)"));
}

#[test]
fn structured_kinds() {
    let kind = |q: &str| parse(q).unwrap_err().kind;
    assert_eq!(
        kind("space ~ x"),
        ErrorKind::UnsupportedOperator {
            field: Field::Space,
            op: Operator::Contains
        }
    );
    assert_eq!(
        kind("space = now()"),
        ErrorKind::FunctionNotAllowed {
            function: FunctionName::Now,
            field: Field::Space
        }
    );
    assert_eq!(kind("x IN ()"), ErrorKind::UnknownField("x".into()));
    assert_eq!(kind("id IN ()"), ErrorKind::EmptyList);
    assert_eq!(
        kind("title = 'x"),
        ErrorKind::UnterminatedString { quote: '\'' }
    );
}

#[test]
fn limits() {
    let long = format!("title = \"{}\"", "a".repeat(MAX_QUERY_LEN));
    let e = parse(&long).unwrap_err();
    assert!(matches!(
        e.kind,
        ErrorKind::QueryTooLong {
            max: MAX_QUERY_LEN,
            ..
        }
    ));
    assert_eq!(e.position, MAX_QUERY_LEN);
    // Multi-byte text across the limit must not split a character.
    let long = "é".repeat(MAX_QUERY_LEN);
    assert!(matches!(
        parse(&long).unwrap_err().kind,
        ErrorKind::QueryTooLong { .. }
    ));

    let deep = format!(
        "{}id = 1{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let e = parse(&deep).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep { max: MAX_DEPTH });
    assert_eq!(e.position, MAX_DEPTH);

    // Far beyond the limit: an error, not a stack overflow.
    let e = parse(&"(".repeat(MAX_QUERY_LEN)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep { max: MAX_DEPTH });
    let e = parse(&"NOT ".repeat(MAX_QUERY_LEN / 4)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooDeep { max: MAX_DEPTH });
    let mixed = "NOT (".repeat(MAX_DEPTH);
    assert_eq!(
        parse(&mixed).unwrap_err().kind,
        ErrorKind::TooDeep { max: MAX_DEPTH }
    );

    let list = format!("id IN ({})", vec!["1"; MAX_LIST_LEN + 1].join(","));
    let e = parse(&list).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ListTooLong { max: MAX_LIST_LEN });
}
