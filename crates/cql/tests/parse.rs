//! Parsing and printing of valid queries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cql::{
    Clause, Expr, Field, FunctionCall, FunctionName, Operator, OrderBy, Query, SortDirection,
    Value, parse,
};

fn clause(q: &str) -> Clause {
    match parse(q).unwrap().filter.unwrap() {
        Expr::Clause(c) => c,
        other => panic!("expected a clause, got {other:?}"),
    }
}

fn filter(q: &str) -> Expr {
    parse(q).unwrap().filter.unwrap()
}

fn c(field: Field, op: Operator, value: &str) -> Expr {
    Expr::clause(field, op, Value::text(value))
}

/// Parses, prints, and checks both the print and that it re-parses equal.
fn assert_prints(input: &str, printed: &str) {
    let q = parse(input).unwrap();
    assert_eq!(q.to_string(), printed, "printing {input:?}");
    assert_eq!(parse(printed).unwrap(), q, "re-parsing {printed:?}");
}

#[test]
fn every_field_spelling_parses_case_insensitively() {
    let cases = [
        ("space", Field::Space),
        ("space.key", Field::Space),
        ("SPACE.KEY", Field::Space),
        ("space.title", Field::SpaceTitle),
        ("space.type", Field::SpaceType),
        ("type", Field::Type),
        ("title", Field::Title),
        ("text", Field::Text),
        ("siteSearch", Field::SiteSearch),
        ("sitesearch", Field::SiteSearch),
        ("label", Field::Label),
        ("ancestor", Field::Ancestor),
        ("parent", Field::Parent),
        ("id", Field::Id),
        ("ID", Field::Id),
        ("content", Field::Content),
        ("creator", Field::Creator),
        ("contributor", Field::Contributor),
        ("mention", Field::Mention),
        ("watcher", Field::Watcher),
        ("favourite", Field::Favourite),
        ("favorite", Field::Favourite),
        ("created", Field::Created),
        ("lastModified", Field::LastModified),
        ("LASTMODIFIED", Field::LastModified),
        ("macro", Field::Macro),
        ("user", Field::User),
        ("user.accountid", Field::User),
        ("user.accountId", Field::User),
        ("user.fullname", Field::UserFullname),
        ("user.fullName", Field::UserFullname),
    ];
    for (name, field) in cases {
        let op = field.operators()[0];
        let value = if op.takes_list() { "(x)" } else { "x" };
        let cl = clause(&format!("{name} {} {value}", op.as_str()));
        assert_eq!(cl.field, field, "{name}");
        assert_eq!(cl.spelling.as_deref(), Some(name));
        assert_eq!(cl.field_spelling(), name, "printer keeps the spelling");
    }
    // Every field is reachable by its canonical name.
    for field in Field::ALL {
        assert_eq!(Field::from_name(field.name()), Some(field));
    }
}

#[test]
fn every_operator() {
    let cases = [
        ("title = x", Operator::Eq),
        ("title != x", Operator::Ne),
        ("title ~ x", Operator::Contains),
        ("title !~ x", Operator::NotContains),
        ("created > x", Operator::Gt),
        ("created >= x", Operator::Ge),
        ("created < x", Operator::Lt),
        ("created <= x", Operator::Le),
        ("title IN (x)", Operator::In),
        ("title in (x)", Operator::In),
        ("title NOT IN (x)", Operator::NotIn),
        ("title not In (x)", Operator::NotIn),
    ];
    for (q, op) in cases {
        assert_eq!(clause(q).op, op, "{q}");
    }
}

#[test]
fn operators_without_spaces() {
    assert_eq!(clause("title~foo").op, Operator::Contains);
    assert_eq!(clause("title!~foo").op, Operator::NotContains);
    assert_eq!(clause("created>=2024-01-01").op, Operator::Ge);
    assert_eq!(
        clause("created<2024-01-01").value,
        Value::text("2024-01-01")
    );
    assert_eq!(clause("label IN(a,b)").value, Value::text_list(["a", "b"]));
}

#[test]
fn personal_space_keys() {
    let cl = clause("space = ~1234");
    assert_eq!(cl.op, Operator::Eq);
    assert_eq!(cl.value, Value::text("~1234"));
    // `=~` is `=` followed by a value starting with `~`.
    assert_eq!(clause("space=~1234").value, Value::text("~1234"));
    assert_eq!(
        clause("space = \"~557058:3f2c\"").value,
        Value::text("~557058:3f2c")
    );
    assert_eq!(
        clause("space = ~557058:3f2c-ab12").value,
        Value::text("~557058:3f2c-ab12")
    );
    assert_eq!(
        clause("space IN (~1234, DEV, '~557058:x')").value,
        Value::text_list(["~1234", "DEV", "~557058:x"])
    );
    assert_prints("space = ~1234", "space = \"~1234\"");
}

#[test]
fn values_quoting_and_escapes() {
    assert_eq!(clause("title = \"a b\"").value, Value::text("a b"));
    assert_eq!(clause("title = 'a b'").value, Value::text("a b"));
    assert_eq!(
        clause(r#"title = "say \"hi\"""#).value,
        Value::text("say \"hi\"")
    );
    assert_eq!(clause(r"title = 'it\'s'").value, Value::text("it's"));
    assert_eq!(
        clause(r#"title = 'say "hi"'"#).value,
        Value::text("say \"hi\"")
    );
    assert_eq!(clause(r#"title = "a\\b""#).value, Value::text("a\\b"));
    assert_eq!(clause(r#"title = "a\nb\tc""#).value, Value::text("a\nb\tc"));
    assert_eq!(clause("title = \"\"").value, Value::text(""));
    assert_eq!(clause("title = \"AND\"").value, Value::text("AND"));
    assert_eq!(clause("title = \"日本語\"").value, Value::text("日本語"));
    assert_eq!(clause("title = café").value, Value::text("café"));
    assert_eq!(clause("id = 12345").value, Value::text("12345"));
    assert_eq!(clause("title ~ win*").value, Value::text("win*"));
    assert_eq!(clause("creator = a@b.com").value, Value::text("a@b.com"));
    assert_eq!(
        clause("created > 2024/09/01").value,
        Value::text("2024/09/01")
    );

    assert_prints("title = DEV", "title = DEV");
    assert_prints("title = 'DEV'", "title = DEV");
    assert_prints("title = 2024-01-01", "title = 2024-01-01");
    assert_prints("title = \"a b\"", "title = \"a b\"");
    assert_prints(r#"title = 'say "hi"'"#, r#"title = "say \"hi\"""#);
    assert_prints(r#"title = "a\\b""#, r#"title = "a\\b""#);
    assert_prints("title = \"and\"", "title = \"and\"");
    assert_prints("title = \"desc\"", "title = \"desc\"");
    assert_prints("title = \"\"", "title = \"\"");
    assert_prints("title = \"x\ny\"", "title = \"x\\ny\"");
    assert_prints("title ~ win*", "title ~ \"win*\"");
}

#[test]
fn quote_helpers() {
    assert_eq!(cql::quote(r#"a"b\c"#), r#""a\"b\\c""#);
    assert!(cql::is_plain_word("DEV-1.2_x"));
    assert!(!cql::is_plain_word("or"));
    assert!(!cql::is_plain_word(""));
    assert!(!cql::is_plain_word("a b"));
    assert!(!cql::is_plain_word("~1"));
    assert!(!cql::is_plain_word("-4w"));
}

#[test]
fn lists() {
    assert_eq!(
        clause("label IN (\"A\", B, 'c')").value,
        Value::text_list(["A", "B", "c"])
    );
    assert_eq!(
        clause("creator NOT IN (currentUser(), bob)").value,
        Value::List(vec![
            Value::Function(FunctionCall::new(FunctionName::CurrentUser)),
            Value::text("bob"),
        ])
    );
    assert_prints("label in ( a ,b,'c d' )", "label IN (a, b, \"c d\")");
    let v = clause("label IN (a, b)").value;
    assert_eq!(v.scalars().len(), 2);
    assert_eq!(Value::text("a").scalars(), &[Value::text("a")]);
}

#[test]
fn every_function() {
    for f in FunctionName::ALL {
        let (field, arg) = if f.is_date() {
            ("created", "\"-1d\"")
        } else {
            ("creator", "")
        };
        let q = format!("{field} = {}({arg})", f.name());
        let cl = clause(&q);
        let Value::Function(call) = &cl.value else {
            panic!("{q}: not a function");
        };
        assert_eq!(call.name, f);
        assert_eq!(call.arg.as_deref(), f.is_date().then_some("-1d"));
        assert_eq!(
            parse(&cl.to_string()).unwrap().filter.unwrap(),
            Expr::Clause(cl)
        );
    }
}

#[test]
fn function_names_and_arguments() {
    let date = |q: &str| match clause(q).value {
        Value::Function(call) => call,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        date("created > now()"),
        FunctionCall::new(FunctionName::Now)
    );
    assert_eq!(
        date("created > NOW('-4w')"),
        FunctionCall::with_arg(FunctionName::Now, "-4w")
    );
    assert_eq!(
        date("created > startofday(-1d)"),
        FunctionCall::with_arg(FunctionName::StartOfDay, "-1d")
    );
    assert_eq!(
        date("lastModified < endOfMonth(\"+2w\")"),
        FunctionCall::with_arg(FunctionName::EndOfMonth, "+2w")
    );
    assert_eq!(
        date("created >= startOfYear ( \"-3M\" )"),
        FunctionCall::with_arg(FunctionName::StartOfYear, "-3M")
    );
    let call = date("created > now(\"-3M\")");
    let off = call.offset().unwrap().unwrap();
    assert_eq!(off.signed_amount(), -3);
    assert_eq!(off.unit, cql::TimeUnit::Month);
    assert_eq!(date("created > now()").offset(), Ok(None));
    assert_prints(
        "created > now(-4w) and creator = CURRENTUSER()",
        "created > now(\"-4w\") AND creator = currentUser()",
    );
}

#[test]
fn relative_offsets() {
    use cql::{OffsetError, RelativeOffset, Sign, TimeUnit, relative_offset};
    let ok = |s: &str, sign, amount, unit| {
        assert_eq!(
            relative_offset(s),
            Ok(RelativeOffset { sign, amount, unit }),
            "{s}"
        );
    };
    ok("-4w", Sign::Minus, 4, TimeUnit::Week);
    ok("+2d", Sign::Plus, 2, TimeUnit::Day);
    ok("3M", Sign::Plus, 3, TimeUnit::Month);
    ok("-1y", Sign::Minus, 1, TimeUnit::Year);
    ok("12h", Sign::Plus, 12, TimeUnit::Hour);
    ok("-30m", Sign::Minus, 30, TimeUnit::Minute);
    ok("-1D", Sign::Minus, 1, TimeUnit::Day);
    assert_eq!(relative_offset(""), Err(OffsetError::Empty));
    assert_eq!(relative_offset("-"), Err(OffsetError::MissingAmount));
    assert_eq!(relative_offset("w"), Err(OffsetError::MissingAmount));
    assert_eq!(relative_offset("4"), Err(OffsetError::MissingUnit));
    assert_eq!(
        relative_offset("4x"),
        Err(OffsetError::UnknownUnit("x".into()))
    );
    assert_eq!(
        relative_offset("4dd"),
        Err(OffsetError::UnknownUnit("dd".into()))
    );
    assert_eq!(relative_offset("- 4d"), Err(OffsetError::MissingAmount));
    assert_eq!(
        relative_offset("99999999999d"),
        Err(OffsetError::AmountTooLarge)
    );
    let off = relative_offset("-2d").unwrap();
    assert_eq!(off.fixed_seconds(), Some(-2 * 86_400));
    assert_eq!(off.to_string(), "-2d");
    assert_eq!(relative_offset("1M").unwrap().fixed_seconds(), None);
    for unit in TimeUnit::ALL {
        assert_eq!(TimeUnit::from_char(unit.as_char()), Some(unit));
    }
}

#[test]
fn precedence_not_and_or() {
    let a = || c(Field::Title, Operator::Eq, "a");
    let b = || c(Field::Title, Operator::Eq, "b");
    let cc = || c(Field::Title, Operator::Eq, "c");
    assert_eq!(
        filter("title = a OR title = b AND title = c"),
        Expr::Or(vec![a(), Expr::And(vec![b(), cc()])])
    );
    assert_eq!(
        filter("title = a AND title = b OR title = c"),
        Expr::Or(vec![Expr::And(vec![a(), b()]), cc()])
    );
    assert_eq!(
        filter("NOT title = a AND title = b"),
        Expr::And(vec![Expr::not(a()), b()])
    );
    assert_eq!(
        filter("not (title = a or title = b)"),
        Expr::not(Expr::Or(vec![a(), b()]))
    );
    assert_eq!(
        filter("(title = a OR title = b) AND title = c"),
        Expr::And(vec![Expr::Or(vec![a(), b()]), cc()])
    );
    assert_eq!(
        filter("title = a and title = b and title = c"),
        Expr::And(vec![a(), b(), cc()])
    );
    assert_eq!(
        filter("(title = a AND title = b) AND title = c"),
        Expr::And(vec![Expr::And(vec![a(), b()]), cc()])
    );
    assert_eq!(filter("((title = a))"), a());
    assert_eq!(filter("NOT NOT title = a"), Expr::not(Expr::not(a())));
}

#[test]
fn printing_parenthesises_only_where_needed() {
    assert_prints(
        "title = a or title = b and title = c",
        "title = a OR (title = b AND title = c)",
    );
    assert_prints(
        "(title = a or title = b) and title = c",
        "(title = a OR title = b) AND title = c",
    );
    assert_prints(
        "NOT (title = a AND title = b)",
        "NOT (title = a AND title = b)",
    );
    assert_prints("NOT title = a AND title = b", "NOT title = a AND title = b");
    assert_prints(
        "(title = a AND title = b) AND title = c",
        "(title = a AND title = b) AND title = c",
    );
    assert_prints(
        "title = a OR (title = b OR title = c)",
        "title = a OR (title = b OR title = c)",
    );
    assert_prints("Space.Key = DEV", "Space.Key = DEV");
}

#[test]
fn order_by() {
    let q = parse("space = DEV ORDER BY created DESC, title asc, lastmodified").unwrap();
    assert_eq!(
        q.order_by,
        vec![
            OrderBy::new(Field::Created, SortDirection::Desc),
            OrderBy::new(Field::Title, SortDirection::Asc),
            OrderBy::new(Field::LastModified, SortDirection::Asc),
        ]
    );
    assert_eq!(
        q.to_string(),
        "space = DEV ORDER BY created DESC, title, lastmodified"
    );
    let only = parse("order by created desc").unwrap();
    assert_eq!(only.filter, None);
    assert_eq!(only.to_string(), "ORDER BY created DESC");
    assert_prints("ORDER BY favorite", "ORDER BY favorite");
    assert_prints("(title ~ x) order by id", "title ~ x ORDER BY id");
}

#[test]
fn builders_walk_and_restrict() {
    let mut q = parse("title ~ x OR label = y").unwrap();
    q.restrict(c(Field::Space, Operator::Eq, "DEV"));
    assert_eq!(q.to_string(), "(title ~ x OR label = y) AND space = DEV");
    q.restrict(c(Field::Type, Operator::Eq, "page"));
    // Flattened: one conjunction, not a nested tree.
    assert_eq!(
        q.to_string(),
        "(title ~ x OR label = y) AND space = DEV AND type = page"
    );
    let mut fields = Vec::new();
    q.walk(&mut |cl| fields.push(cl.field));
    assert_eq!(
        fields,
        [Field::Title, Field::Label, Field::Space, Field::Type]
    );

    q.walk_mut(&mut |cl| {
        if cl.field == Field::Label {
            cl.value = Value::text("z");
        }
    });
    assert!(q.to_string().contains("label = z"));

    let mut order_only = parse("ORDER BY created").unwrap();
    order_only.restrict(c(Field::Space, Operator::Eq, "DEV"));
    assert_eq!(order_only.to_string(), "space = DEV ORDER BY created");

    let built = Query::new(Expr::or(
        Expr::not(c(Field::Label, Operator::Eq, "draft")),
        Expr::or(
            c(Field::Title, Operator::Contains, "a"),
            c(Field::Title, Operator::Contains, "b"),
        ),
    ));
    assert_eq!(
        built.to_string(),
        "NOT label = draft OR title ~ a OR title ~ b"
    );
    assert_eq!(parse(&built.to_string()).unwrap(), built);
    assert_eq!(
        Expr::from(Clause::new(Field::Id, Operator::Eq, Value::text("1"))).to_string(),
        "id = 1"
    );
}

#[test]
fn spelling_is_cosmetic() {
    assert_eq!(filter("space.key = DEV"), filter("SPACE = DEV"));
    assert_eq!(filter("favorite = bob"), filter("favourite = bob"));
    let mut cl = clause("space.key = DEV");
    cl.spelling = Some("title".into()); // not a spelling of `space`: ignored
    assert_eq!(cl.to_string(), "space = DEV");
}

#[test]
fn degenerate_trees_print_something() {
    let single = Expr::And(vec![c(Field::Id, Operator::Eq, "1")]);
    assert_eq!(single.to_string(), "id = 1");
    assert_eq!(Expr::Or(vec![]).to_string(), "()");
    assert!(parse("()").is_err());
}

#[test]
fn whitespace_and_long_chains() {
    assert_prints("  \n\ttitle\n=\tx\r\n ", "title = x");
    let chain = vec!["id=1"; 1000].join(" AND ");
    let Expr::And(items) = filter(&chain) else {
        panic!("not an And");
    };
    assert_eq!(items.len(), 1000);
    let deep = format!(
        "{}id = 1{}",
        "(".repeat(cql::MAX_DEPTH),
        ")".repeat(cql::MAX_DEPTH)
    );
    assert_eq!(filter(&deep), c(Field::Id, Operator::Eq, "1"));
    let nots = format!("{}id = 1", "NOT ".repeat(cql::MAX_DEPTH));
    assert!(parse(&nots).is_ok());
    let list = format!("id IN ({})", vec!["1"; cql::MAX_LIST_LEN].join(","));
    assert!(parse(&list).is_ok());
}
