//! Queries end to end: raw mail through the real parse and ingest path into an in-memory
//! store, then the compiled plans run against SQLite's FTS5.

use super::*;
use crate::domain::query::parse_query;
use crate::store::ingest::AccountIdentity;
use crate::store::{Store, search};
use crate::worker::import::ingest_raw;

fn mail(n: u32, from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: Shop <shop@example.test>\r\nSubject: {subject}\r\nDate: Tue, {n:02} Nov 2026 10:00:00 +0000\r\nMessage-ID: <m{n}@test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn store() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
    let raws = vec![
        mail(
            1,
            "Ayşe Yılmaz <ayse@example.tr>",
            "Siparişim nerede?",
            "Merhaba, siparişim #10023 hâlâ gelmedi. Kargo takip numarası çalışmıyor. İade etmek istiyorum, teşekkürler.",
        ),
        mail(
            2,
            "Åsa Öberg <asa@example.se>",
            "Var är min beställning?",
            "Hej! Jag väntar på paketet. Leveransen är sen.",
        ),
        mail(
            3,
            "Иван <ivan@example.ru>",
            "Где мой заказ",
            "Здравствуйте, ЗАКАЗ не пришёл.",
        ),
        mail(
            4,
            "王小明 <wang@example.cn>",
            "退货申请",
            "你好，我想退货，谢谢。",
        ),
        mail(
            5,
            "Anna Berg <anna@gmail.com>",
            "Wrong size",
            "The shoes are too small, I want to exchange them for size 39.",
        ),
        mail(
            6,
            "Ben <ben@example.com>",
            "Where is my order?",
            "Out of office: I am away. Where is my order 10023?",
        ),
    ];
    ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
    let conn = store.conn();
    conn.execute(
        "UPDATE tickets SET owner = 'alice' WHERE subject = 'Wrong size'",
        [],
    )
    .expect("owner");
    conn.execute(
        "UPDATE tickets SET status = 'pending' WHERE subject LIKE 'Where%'",
        [],
    )
    .expect("status");
    conn.execute(
        "INSERT INTO ticket_tags (ticket_id, tag) SELECT id, 'wismo' FROM tickets WHERE subject LIKE 'Where%' OR subject LIKE 'Sip%'",
        [],
    )
    .expect("tags");
    conn.execute(
        "UPDATE tickets SET due_at = 1 WHERE subject = '退货申请'",
        [],
    )
    .expect("due");
    store
}

fn ctx() -> QueryContext {
    QueryContext {
        agent: "alice".into(),
        now: 1_800_000_000,
    }
}

fn subjects(store: &Store, query: &str) -> Vec<String> {
    let q = parse_query(query).expect("query");
    let ids = search::run_ids(store.conn(), &ticket_query(&q, &ctx(), 100, 0)).expect("run");
    let mut out: Vec<String> = ids
        .iter()
        .map(|id| {
            store
                .conn()
                .query_row("SELECT subject FROM tickets WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .expect("subject")
        })
        .collect();
    out.sort();
    out
}

fn hits(store: &Store, query: &str) -> usize {
    let q = parse_query(query).expect("query");
    search::run_ids(store.conn(), &message_search(&q, &ctx(), 100))
        .expect("run")
        .len()
}

#[test]
fn finds_words_in_every_language() {
    let s = store();
    let cases: &[(&str, &[&str])] = &[
        ("siparisim", &["Siparişim nerede?"]),
        ("SİPARİŞİM", &["Siparişim nerede?"]),
        ("iade", &["Siparişim nerede?"]),
        ("yilmaz", &["Siparişim nerede?"]),
        ("bestallning", &["Var är min beställning?"]),
        ("leveransen", &["Var är min beställning?"]),
        ("oberg", &["Var är min beställning?"]),
        ("заказ", &["Где мой заказ"]),
        ("退货", &["退货申请"]),
        ("想退货", &["退货申请"]),
        ("申请", &["退货申请"]),
        ("王小明", &["退货申请"]),
        ("\"too small\"", &["Wrong size"]),
        ("\"small too\"", &[]),
        ("10023", &["Siparişim nerede?", "Where is my order?"]),
        ("order:#10023", &["Siparişim nerede?", "Where is my order?"]),
        ("where -\"out of office\"", &[]),
        ("shoes -exchange", &[]),
        ("size", &["Wrong size"]),
        ("sipar", &["Siparişim nerede?"]),
        ("beställ", &["Var är min beställning?"]),
        ("退", &["退货申请"]),
    ];
    for (q, want) in cases {
        assert_eq!(subjects(&s, q), *want, "{q}");
    }
}

#[test]
fn filters() {
    let s = store();
    let cases: &[(&str, &[&str])] = &[
        ("from:@gmail.com", &["Wrong size"]),
        ("from:anna", &["Wrong size"]),
        ("from:\"anna berg\"", &["Wrong size"]),
        ("-from:@example", &["Wrong size"]),
        (
            "to:shop@example.test status:pending",
            &["Where is my order?"],
        ),
        ("status:pending", &["Where is my order?"]),
        ("-status:new", &["Where is my order?"]),
        ("tag:wismo", &["Siparişim nerede?", "Where is my order?"]),
        ("tag:wismo -status:pending", &["Siparişim nerede?"]),
        ("owner:me", &["Wrong size"]),
        ("owner:ALICE", &["Wrong size"]),
        ("is:mine", &["Wrong size"]),
        ("is:breaching", &["退货申请"]),
        // every ticket is normal until an agent says otherwise
        (
            "priority:normal tag:wismo -status:pending",
            &["Siparişim nerede?"],
        ),
        ("priority:urgent", &[]),
        ("lang:ru", &["Где мой заказ"]),
        ("lang:sv", &["Var är min beställning?"]),
        ("after:2026-11-05", &["Where is my order?", "Wrong size"]),
        ("before:2026-11-02", &["Siparişim nerede?"]),
        ("after:3650d before:2000-01-01", &[]),
    ];
    for (q, want) in cases {
        assert_eq!(subjects(&s, q), *want, "{q}");
    }
    assert_eq!(subjects(&s, "owner:none").len(), 5);
    assert_eq!(subjects(&s, "-owner:none").len(), 1);
    assert_eq!(subjects(&s, "").len(), 6);
}

#[test]
fn message_search_ranks_and_filters() {
    let s = store();
    assert_eq!(hits(&s, "siparisim"), 1);
    assert_eq!(hits(&s, "10023 from:ben"), 1);
    assert_eq!(hits(&s, "lang:tr"), 1);
    assert_eq!(hits(&s, "after:2026-11-04"), 3);
    assert_eq!(hits(&s, "退货"), 1);
}

/// `order:` is a number the mail names, exactly: 1003 is not 10030, nor a price or a
/// date that happens to hold the digits.
#[test]
fn order_numbers_match_exactly() {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
    let raws = vec![
        mail(1, "a@example.com", "Late", "Where is my order #1003?"),
        mail(2, "b@example.com", "Also late", "Where is my order #10030?"),
        mail(
            3,
            "c@example.com",
            "Invoice",
            "I paid 1003 EUR for order SKU1003.",
        ),
        mail(
            4,
            "d@example.com",
            "Two",
            "Order 1003 came, order #2001 did not.",
        ),
    ];
    ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
    let cases: &[(&str, &[&str])] = &[
        ("order:1003", &["Late", "Two"]),
        ("order:#1003", &["Late", "Two"]),
        ("order:10030", &["Also late"]),
        ("order:100", &[]),
        ("-order:1003", &["Also late", "Invoice"]),
        ("order:2001 order:1003", &["Two"]),
    ];
    for (q, want) in cases {
        assert_eq!(subjects(&store, q), *want, "{q}");
    }
    assert_eq!(hits(&store, "order:1003"), 2);
    assert_eq!(hits(&store, "order:10030 from:b@"), 1);
}

#[test]
fn hostile_input_is_only_ever_a_value() {
    let s = store();
    for q in [
        "' OR 1=1 --",
        "\"; DROP TABLE tickets; --\"",
        "from:\"x' OR '1'='1\"",
        "NEAR(a b) OR * subject:x",
        "\"a\" OR \"b\"",
        "%",
        "from:%",
        "tag:_",
        "\\",
        "-",
    ] {
        let parsed = parse_query(q);
        if let Ok(parsed) = parsed {
            let ids = search::run_ids(s.conn(), &ticket_query(&parsed, &ctx(), 100, 0));
            assert!(ids.is_ok(), "{q}: {ids:?}");
            let ids = search::run_ids(s.conn(), &message_search(&parsed, &ctx(), 100));
            assert!(ids.is_ok(), "{q}: {ids:?}");
        }
    }
    assert!(subjects(&s, "from:%").is_empty());
    let n: i64 = s
        .conn()
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 6);
}

#[test]
fn counts_match_lists() {
    let s = store();
    let q = parse_query("tag:wismo").expect("q");
    let n = search::run_count(s.conn(), &ticket_count(&q, &ctx())).expect("count");
    assert_eq!(n, 2);
}

#[test]
fn plans_sqlite_finds_too_large_are_usage_errors() {
    let s = store();
    // Past SQLite's expression depth: more terms than the parser lets through.
    let deep = Query {
        terms: (0..1000)
            .map(|i| Term {
                negated: false,
                kind: TermKind::Tag(format!("t{i}")),
                span: 0..1,
            })
            .collect(),
    };
    // A LIKE pattern longer than SQLite compares.
    let long = parse_query(&format!("from:{}", "a".repeat(60_000))).expect("one term");
    for (name, q) in [("deep", &deep), ("long", &long)] {
        for plan in [
            ticket_query(q, &ctx(), 100, 0),
            message_search(q, &ctx(), 100),
        ] {
            let e = search::run_ids(s.conn(), &plan).expect_err(name);
            assert!(e.is_usage(), "{name}: {e}");
            assert!(
                e.to_string().starts_with("bad query: too large"),
                "{name}: {e}"
            );
        }
    }
    // An ordinary failure stays a database error.
    let broken = SqlPlan {
        sql: "SELECT id FROM no_such_table".into(),
        params: Vec::new(),
        shortcut: None,
    };
    let e = search::run_ids(s.conn(), &broken).expect_err("no table");
    assert!(!e.is_usage(), "{e}");
}

/// The plan builder adds select, order and page to the filter, and drops nothing: every
/// placeholder has its parameter, in order.
#[test]
fn plans_are_built_from_the_filter() {
    let newest = |limit, offset| Select::Ids {
        order: Order::NewestFirst,
        limit,
        offset,
    };
    let oldest = |limit, offset| Select::Ids {
        order: Order::OldestFirst,
        limit,
        offset,
    };
    let text = |s: &str| Value::Text(s.into());
    let int = Value::Integer;
    #[rustfmt::skip]
    let cases: Vec<(&str, Select, &str, Vec<Value>)> = vec![
        ("", Select::Count, "SELECT count(*) FROM tickets t WHERE t.merged_into IS NULL", vec![]),
        ("", newest(10, 5),
         "SELECT t.id FROM tickets t WHERE t.merged_into IS NULL ORDER BY t.updated_at DESC, t.id DESC LIMIT ? OFFSET ?",
         vec![int(10), int(5)]),
        ("status:open", Select::Count,
         "SELECT count(*) FROM tickets t WHERE t.merged_into IS NULL AND (t.status = ?)", vec![text("open")]),
        ("status:open", oldest(3, 0),
         "SELECT t.id FROM tickets t WHERE t.merged_into IS NULL AND (t.status = ?) ORDER BY t.updated_at ASC, t.id ASC LIMIT ? OFFSET ?",
         vec![text("open"), int(3), int(0)]),
        ("tag:a -owner:me", newest(usize::MAX, 0),
         "SELECT t.id FROM tickets t WHERE t.merged_into IS NULL AND (t.id IN (SELECT g.ticket_id FROM ticket_tags g WHERE g.tag = ?)) AND NOT COALESCE((t.owner = ?), 0) ORDER BY t.updated_at DESC, t.id DESC LIMIT ? OFFSET ?",
         vec![text("a"), text("alice"), int(i64::MAX), int(0)]),
    ];
    for (query, select, sql, params) in cases {
        let plan = ticket_plan(&parse_query(query).expect("query"), &ctx(), select);
        assert_eq!(plan.sql, sql, "{query} {select:?}");
        assert_eq!(plan.params, params, "{query} {select:?}");
    }
    for query in [
        "",
        "refund",
        "from:anna status:new",
        "size -tag:x is:breaching after:3d",
        "退货 owner:me",
    ] {
        let q = parse_query(query).expect("query");
        let filter = ticket_filter(&q, &ctx());
        for select in [Select::Count, newest(5, 1), oldest(5, 1)] {
            let plan = ticket_plan(&q, &ctx(), select);
            assert!(
                plan.sql.contains(&filter.where_clause),
                "{query} {select:?}"
            );
            assert_eq!(
                plan.sql.matches('?').count(),
                plan.params.len(),
                "{query} {select:?}: {}",
                plan.sql
            );
            assert_eq!(
                plan.params[..filter.params.len()],
                filter.params[..],
                "{query}"
            );
        }
    }
}

/// Counts agree with the lists, and the oldest-first list is the newest-first one turned
/// round, for every filter.
#[test]
fn counts_and_both_orders_agree_with_the_list() {
    let s = store();
    for query in [
        "",
        "tag:wismo",
        "-status:new",
        "owner:none",
        "order:#10023",
        "status:closed",
    ] {
        let q = parse_query(query).expect("query");
        let ids = |order| {
            let select = Select::Ids {
                order,
                limit: 100,
                offset: 0,
            };
            search::run_ids(s.conn(), &ticket_plan(&q, &ctx(), select)).expect("ids")
        };
        let newest = ids(Order::NewestFirst);
        let mut oldest = ids(Order::OldestFirst);
        oldest.reverse();
        assert_eq!(oldest, newest, "{query}");
        let count = search::run_count(s.conn(), &ticket_count(&q, &ctx())).expect("count");
        assert_eq!(count, newest.len(), "{query}");
    }
}

#[test]
fn the_sender_index_changes_speed_not_answers() {
    let mut s = store();
    let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
    // Enough mail that a value matching a few senders is rare (found by its trigrams) and
    // one matching many is common (found by reading the newest mail): both ways are asked.
    let mut more: Vec<Vec<u8>> = (0..300)
        .map(|i| {
            mail(
                100 + i,
                &format!("Customer {i} <customer{i}@bulk.example>"),
                "Hello",
                "A question.",
            )
        })
        .collect();
    more.extend([
        mail(
            7,
            "John Doe <john_doe@example.org>",
            "Invoice",
            "Please send the invoice.",
        ),
        mail(
            8,
            "Jo <johnxdoe@example.org>",
            "Receipt",
            "A receipt, please.",
        ),
        mail(
            9,
            "\"100% Cotton\" <shop%40@example.net>",
            "Percent",
            "Odd sender.",
        ),
        mail(
            10,
            "ANNA BERG <ANNA.B@Example.COM>",
            "Again",
            "Loud sender.",
        ),
    ]);
    ingest_raw(&mut s, &account, "INBOX", &more).expect("ingest");
    let senders: Vec<(i64, String, String, i64)> = s
        .conn()
        .prepare(
            "SELECT id, coalesce(from_email, ''), coalesce(from_name, ''), ticket_id FROM messages",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let addresses: Vec<(String, i64)> = s
        .conn()
        .prepare(
            "SELECT ca.email, t.id FROM customer_addresses ca JOIN tickets t ON t.customer_id = ca.customer_id",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let values = [
        "anna",
        "ANNA",
        "an",
        "a",
        "john_doe",
        "_",
        "%",
        "100%",
        "@example.org",
        "example.c",
        "öberg",
        "Öberg",
        "王小明",
        "BERG",
        "o\"brien",
        "berg <",
        "doe@",
        "zz-nobody",
        "customer1",
        "bulk.example",
        "customer299@",
    ];
    for v in values {
        // LIKE '%v%' as SQLite compares: ASCII letters in either case.
        let like = |text: &str| text.to_ascii_lowercase().contains(&v.to_ascii_lowercase());
        let matching: Vec<_> = senders
            .iter()
            .filter(|(_, email, name, _)| like(email) || like(name))
            .collect();
        let want: Vec<i64> = matching.iter().map(|(id, ..)| *id).collect();
        let mut want_tickets: Vec<i64> = matching
            .iter()
            .map(|(.., ticket)| *ticket)
            .chain(addresses.iter().filter(|(a, _)| like(a)).map(|(_, t)| *t))
            .collect();
        want_tickets.sort_unstable();
        want_tickets.dedup();
        let q = Query {
            terms: vec![Term {
                negated: false,
                kind: TermKind::From(v.to_string()),
                span: 0..1,
            }],
        };
        let mut got = search::run_ids(s.conn(), &message_search(&q, &ctx(), 1000)).expect("run");
        got.sort_unstable();
        assert_eq!(got, want, "from:{v}");
        let mut tickets =
            search::run_ids(s.conn(), &ticket_query(&q, &ctx(), 1000, 0)).expect("run");
        tickets.sort_unstable();
        assert_eq!(tickets, want_tickets, "list from:{v}");
        let negated = Query {
            terms: vec![Term {
                negated: true,
                ..q.terms[0].clone()
            }],
        };
        let others = search::run_ids(s.conn(), &message_search(&negated, &ctx(), 1000))
            .expect("run")
            .len();
        assert_eq!(got.len() + others, senders.len(), "-from:{v}");
    }
}
