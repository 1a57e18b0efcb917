//! Property tests: printing round-trips, and no input makes the parser panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cql::{
    Clause, Expr, Field, FunctionCall, FunctionName, Operator, OrderBy, Query, SortDirection,
    Value, parse,
};
use proptest::prelude::*;
use proptest::sample::select;

/// A spelling of `field` with randomised ASCII case, or none.
fn spelling(field: Field) -> impl Strategy<Value = Option<String>> {
    let spelled = (select(field.spellings()), any::<u64>()).prop_map(|(s, bits)| {
        s.chars()
            .enumerate()
            .map(|(i, c)| {
                if bits >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect::<String>()
    });
    prop::option::of(spelled)
}

/// Text values, biased towards the characters that make quoting hard.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 0..12).prop_map(|v| v.into_iter().collect()),
        "[a-zA-Z0-9 _.~:/\"'\\\\()=!<>,*?\t\n-]{0,10}",
        "[a-zA-Z0-9_.-]{1,10}",
        select(
            &[
                "AND",
                "or",
                "Not",
                "in",
                "ORDER",
                "by",
                "asc",
                "DESC",
                "empty",
                "null",
                "now",
                "~1234",
                "~557058:3f2c-ab",
                "2024-01-01",
                "-4w",
                "",
            ][..]
        )
        .prop_map(str::to_string),
    ]
}

fn offset() -> impl Strategy<Value = String> {
    (
        select(&["", "+", "-"][..]),
        0..=cql::MAX_OFFSET_AMOUNT,
        select(&["y", "M", "w", "d", "h", "m", "Y", "W", "D", "H"][..]),
    )
        .prop_map(|(s, n, u)| format!("{s}{n}{u}"))
}

fn function(field: Field) -> BoxedStrategy<FunctionCall> {
    let date_fns: Vec<FunctionName> = FunctionName::ALL
        .into_iter()
        .filter(|f| f.is_date())
        .collect();
    if field.is_date() {
        (select(date_fns), prop::option::of(offset()))
            .prop_map(|(name, arg)| FunctionCall { name, arg })
            .boxed()
    } else {
        Just(FunctionCall::new(FunctionName::CurrentUser)).boxed()
    }
}

fn scalar(field: Field) -> BoxedStrategy<Value> {
    if field.is_date() || field.is_user() {
        prop_oneof![
            3 => text().prop_map(Value::Text),
            1 => function(field).prop_map(Value::Function),
        ]
        .boxed()
    } else {
        text().prop_map(Value::Text).boxed()
    }
}

fn clause() -> impl Strategy<Value = Clause> {
    select(&Field::ALL[..]).prop_flat_map(|field| {
        let value_for = move |op: Operator| {
            if op.takes_list() {
                prop::collection::vec(scalar(field), 1..5)
                    .prop_map(Value::List)
                    .boxed()
            } else {
                scalar(field)
            }
        };
        (
            select(field.operators()).prop_flat_map(move |op| (Just(op), value_for(op))),
            spelling(field),
        )
            .prop_map(move |((op, value), spelling)| Clause {
                field,
                op,
                value,
                spelling,
            })
    })
}

fn expr() -> impl Strategy<Value = Expr> {
    clause()
        .prop_map(Expr::Clause)
        .prop_recursive(5, 40, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..5).prop_map(Expr::And),
                prop::collection::vec(inner.clone(), 2..5).prop_map(Expr::Or),
                inner.prop_map(|e| Expr::Not(Box::new(e))),
            ]
        })
}

fn order_key() -> impl Strategy<Value = OrderBy> {
    select(&Field::ALL[..]).prop_flat_map(|field| {
        (
            select(&[SortDirection::Asc, SortDirection::Desc][..]),
            spelling(field),
        )
            .prop_map(move |(direction, spelling)| OrderBy {
                field,
                direction,
                spelling,
            })
    })
}

fn query() -> impl Strategy<Value = Query> {
    prop_oneof![
        (expr(), prop::collection::vec(order_key(), 0..3)).prop_map(|(f, order_by)| Query {
            filter: Some(f),
            order_by,
        }),
        prop::collection::vec(order_key(), 1..3).prop_map(|order_by| Query {
            filter: None,
            order_by,
        }),
    ]
}

/// Fragments of CQL, valid and not, to build near-miss queries from.
const TOKENS: &[&str] = &[
    "space",
    "space.key",
    "title",
    "text",
    "created",
    "creator",
    "label",
    "type",
    "foo",
    "=",
    "!=",
    "~",
    "!~",
    ">",
    ">=",
    "<",
    "<=",
    "IN",
    "NOT",
    "AND",
    "OR",
    "ORDER",
    "BY",
    "DESC",
    "asc",
    "(",
    ")",
    ",",
    "\"",
    "'",
    "\\",
    "DEV",
    "~1234",
    "\"a b\"",
    "'x'",
    "now",
    "now(",
    "now()",
    "currentUser()",
    "startOfDay(\"-1d\")",
    "\"-4w\"",
    "2024-01-01",
    "é",
    "!",
    "\n",
    "",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec((select(TOKENS), select(&["", " "][..])), 0..16)
        .prop_map(|parts| parts.into_iter().map(|(t, s)| format!("{t}{s}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// print -> parse gives back the same tree, and printing is stable.
    #[test]
    fn printed_ast_parses_back(q in query()) {
        let printed = q.to_string();
        let parsed = parse(&printed);
        prop_assert!(parsed.is_ok(), "{printed:?}: {:?}", parsed);
        let parsed = parsed.unwrap();
        prop_assert_eq!(&parsed, &q, "printed as {:?}", printed);
        prop_assert_eq!(parsed.to_string(), printed);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let _ = parse(&s);
    }

    /// Near-miss queries never panic; those that parse survive a round trip,
    /// and errors always point inside the input.
    #[test]
    fn token_soup_never_panics(s in token_soup()) {
        match parse(&s) {
            Ok(q) => {
                let printed = q.to_string();
                prop_assert_eq!(parse(&printed).ok(), Some(q), "{:?} printed as {:?}", s, printed);
            }
            Err(e) => {
                prop_assert!(e.position <= s.len());
                prop_assert!(s.is_char_boundary(e.position));
                prop_assert!(e.to_string().contains("at position"));
            }
        }
    }
}
