use super::*;

fn kinds(input: &str) -> Vec<(bool, TermKind)> {
    parse_query(input)
        .unwrap_or_else(|e| panic!("{input}: {e}"))
        .terms
        .into_iter()
        .map(|t| (t.negated, t.kind))
        .collect()
}

#[test]
fn parses_table() {
    use TermKind::*;
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    let cases: Vec<(&str, Vec<(bool, TermKind)>)> = vec![
        ("", vec![]),
        ("   ", vec![]),
        ("refund", vec![(false, Word("refund".into()))]),
        (
            "where is",
            vec![(false, Word("where".into())), (false, Word("is".into()))],
        ),
        (
            "\"where is my\"",
            vec![(false, Phrase("where is my".into()))],
        ),
        ("-spam", vec![(true, Word("spam".into()))]),
        (
            "-\"out of office\"",
            vec![(true, Phrase("out of office".into()))],
        ),
        ("from:Anna", vec![(false, From("anna".into()))]),
        ("from:@gmail.com", vec![(false, From("@gmail.com".into()))]),
        (
            "from:\"Anna Berg\"",
            vec![(false, From("anna berg".into()))],
        ),
        (
            "to:support@shop.example",
            vec![(false, To("support@shop.example".into()))],
        ),
        (
            "status:open",
            vec![(false, Status(crate::domain::Status::Open))],
        ),
        (
            "STATUS:Pending",
            vec![(false, Status(crate::domain::Status::Pending))],
        ),
        (
            "-status:solved",
            vec![(true, Status(crate::domain::Status::Solved))],
        ),
        (
            "priority:Urgent",
            vec![(false, Priority(crate::domain::Priority::Urgent))],
        ),
        (
            "-priority:low",
            vec![(true, Priority(crate::domain::Priority::Low))],
        ),
        ("tag:WISMO", vec![(false, Tag("wismo".into()))]),
        ("owner:me", vec![(false, Owner(super::Owner::Me))]),
        ("owner:none", vec![(false, Owner(super::Owner::Nobody))]),
        (
            "owner:bob",
            vec![(false, Owner(super::Owner::Agent("bob".into())))],
        ),
        ("order:#10023", vec![(false, Order("10023".into()))]),
        ("lang:SV", vec![(false, Lang("sv".into()))]),
        (
            "before:2026-11-01",
            vec![(false, Before(DateSpec::Day(d("2026-11-01"))))],
        ),
        ("after:7d", vec![(false, After(DateSpec::Ago(7 * 86_400)))]),
        ("after:24h", vec![(false, After(DateSpec::Ago(86_400)))]),
        ("after:2w", vec![(false, After(DateSpec::Ago(14 * 86_400)))]),
        ("after:today", vec![(false, After(DateSpec::Today))]),
        ("is:breaching", vec![(false, Is(Flag::Breaching))]),
        ("is:approaching", vec![(false, Is(Flag::Approaching))]),
        ("-is:Approaching", vec![(true, Is(Flag::Approaching))]),
        ("-is:unanswered", vec![(true, Is(Flag::Unanswered))]),
        ("is:repeat", vec![(false, Is(Flag::Repeat))]),
        ("-IS:Repeat", vec![(true, Is(Flag::Repeat))]),
        ("10:30", vec![(false, Word("10:30".into()))]),
        (
            "退货 siparişim",
            vec![
                (false, Word("退货".into())),
                (false, Word("siparişim".into())),
            ],
        ),
        (
            "' OR 1=1 --",
            vec![
                (false, Word("'".into())),
                (false, Word("OR".into())),
                (false, Word("1=1".into())),
                (true, Word("-".into())),
            ],
        ),
    ];
    assert!(cases.len() >= 25);
    for (input, want) in cases {
        assert_eq!(kinds(input), want, "{input:?}");
    }
}

#[test]
fn errors_point_at_the_bad_part() {
    let cases: &[(&str, &str, &str)] = &[
        ("stauts:open", "did you mean `status:`", "^^^^^^"),
        ("status:opne", "unknown status `opne`", "       ^^^^"),
        (
            "priority:asap",
            "use low, normal, high or urgent",
            "         ^^^^",
        ),
        ("refund \"out of", "unterminated quote", "       ^^^^^^^"),
        ("after:lastweek", "bad date", "      ^^^^^^^^"),
        ("tag:", "needs a value", "^^^^"),
        ("a - b", "must be followed", "  ^"),
        (
            "is:brerching",
            "did you mean `is:breaching`",
            "   ^^^^^^^^^",
        ),
        ("lang:swedish", "two-letter", "     ^^^^^^^"),
        ("is:repaet", "did you mean `is:repeat`", "   ^^^^^^"),
        (
            "is:aproaching",
            "did you mean `is:approaching`",
            "   ^^^^^^^^^^",
        ),
        ("https://x.example", "unknown field `https`", "^^^^^"),
    ];
    for (input, message, caret) in cases {
        let e = parse_query(input).expect_err(input);
        assert!(e.message.contains(message), "{input}: {}", e.message);
        let rendered = e.render_caret(input);
        let caret_line = rendered.lines().nth(1).unwrap_or_default();
        assert_eq!(&caret_line[2..], *caret, "{input}: {rendered}");
    }
}

#[test]
fn term_count_is_capped() {
    let terms = |n: usize| {
        (0..n)
            .map(|i| format!("tag:t{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        parse_query(&terms(MAX_TERMS))
            .expect("at the limit")
            .terms
            .len(),
        MAX_TERMS
    );
    let input = terms(1000);
    let e = parse_query(&input).expect_err("past the limit");
    assert_eq!(
        e.message,
        format!("too many terms (1000): a query may have at most {MAX_TERMS}")
    );
    // The caret starts at the first term past the limit.
    assert!(input[e.span.clone()].starts_with(&format!("tag:t{MAX_TERMS} ")));
    // Blank space is no term.
    let spaced = format!("{}{}", " ".repeat(5000), terms(3));
    assert_eq!(parse_query(&spaced).expect("spaces").terms.len(), 3);
}

#[test]
fn caret_counts_terminal_columns() {
    let input = "退货 stauts:x";
    let e = parse_query(input).expect_err("bad");
    assert_eq!(e.render_caret(input).lines().nth(1), Some("       ^^^^^^"));
}

#[test]
fn relative_dates_resolve() {
    let now = 1_795_510_800; // 2026-11-24 09:00 UTC
    assert_eq!(DateSpec::Today.resolve(now), 1_795_478_400);
    assert_eq!(DateSpec::Yesterday.resolve(now), 1_795_392_000);
    assert_eq!(DateSpec::Ago(3600).resolve(now), now - 3600);
}
