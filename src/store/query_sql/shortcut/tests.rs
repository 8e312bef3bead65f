//! Every shortcut against the full plan on a generated mailbox: the same messages in the
//! same order, for every query kind and page size, with ties of score and of date at the
//! edge of the page.

use super::*;
use crate::domain::query::parse_query;
use crate::store::ingest::AccountIdentity;
use crate::store::query_sql::{MessageOrder, QueryContext, message_search, message_search_in};
use crate::store::{Store, search};
use crate::worker::import::ingest_raw;

const BODIES: &[&str] = &[
    "I want a refund for my order.",
    "I want a refund for my order.",
    "Refund please. Refund now. The refund is late.",
    "Where is my order? It has been two weeks.",
    "Hello, where is my order? Where is my order number 10023?",
    "The shoes are too small, I want to exchange them.",
    "Siparişim nerede? İade etmek istiyorum.",
    "你好，我想退货，谢谢。",
    "我想退货。退货地址是什么？",
    "Out of office: I am away until Monday.",
    "Refunded twice? I only wanted one refund, where is my order",
];

const SENDERS: &[&str] = &[
    "Anna Berg <anna.berg@gmail.example.com>",
    "Joanna Smith <jo@shop.example>",
    "Hanna <hanna@gmail.example.com>",
    "Ben <ben@gmail.example.com>",
    "\"Anna-Lena\" <al@web.example.de>",
];

/// A mailbox of `n` messages: bodies and senders repeat (equal scores), dates repeat in
/// threes (equal dates), and every seventh sender is a customer of their own.
fn mailbox(n: usize) -> Store {
    mailbox_of(n, BODIES)
}

fn mailbox_of(n: usize, bodies: &[&str]) -> Store {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
    let mut seed: u64 = 7;
    let mut next = move |m: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        usize::try_from(seed >> 33).expect("fits") % m
    };
    let raws: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            let from = if i % 7 == 0 {
                format!("Customer <c{i}@web.example.de>")
            } else {
                SENDERS[next(SENDERS.len())].to_string()
            };
            let body = bodies[next(bodies.len())];
            let at = chrono::DateTime::from_timestamp(1_790_000_000 + (i as i64 / 3) * 3600, 0)
                .expect("date");
            format!(
                "From: {from}\r\nTo: Shop <shop@example.test>\r\nSubject: Question {}\r\nDate: {}\r\nMessage-ID: <g{i}@test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
                i % 5,
                at.to_rfc2822()
            )
            .into_bytes()
        })
        .collect();
    ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
    store
}

fn ctx() -> QueryContext {
    QueryContext {
        agent: "alice".into(),
        now: 1_800_000_000,
    }
}

const QUERIES: &[&str] = &[
    "refund",
    "ref",
    "\"where is my order\"",
    "where order",
    "siparisim",
    "退货",
    "退",
    "nothing-like-this",
    "from:anna",
    "from:gmail.example.com",
    "from:c14@web.example.de",
    "from:c10",
    "from:example",
    "from:zz-nobody",
];

/// The answer with the shortcut, and whether the shortcut gave it.
fn both(store: &Store, plan: &SqlPlan) -> (Vec<i64>, Vec<i64>, bool) {
    let full = search::run_full_ids(store.conn(), plan).expect("full");
    let fast = search::run_ids(store.conn(), plan).expect("fast");
    let answered = plan
        .shortcut
        .as_ref()
        .is_some_and(|s| run_shortcut_for_test(store, s).is_some());
    (full, fast, answered)
}

fn run_shortcut_for_test(store: &Store, shortcut: &Shortcut) -> Option<Vec<i64>> {
    search::try_shortcut(store.conn(), shortcut).expect("shortcut")
}

#[test]
fn shortcuts_answer_as_the_full_plan_does() {
    let store = mailbox(700);
    for order in [MessageOrder::Best, MessageOrder::Newest] {
        let mut answered = std::collections::BTreeSet::new();
        for query in QUERIES {
            let q = parse_query(query).expect("query");
            for limit in [0, 1, 2, 3, 5, 8, 13, 50, 120, 1000] {
                let plan = message_search_in(&q, &ctx(), limit, order);
                assert!(plan.shortcut.is_some(), "{query}: no shortcut");
                let (full, fast, by_shortcut) = both(&store, &plan);
                assert_eq!(fast, full, "{query} limit {limit} {order:?}");
                if by_shortcut {
                    answered.insert(*query);
                }
            }
        }
        // every kind is answered by its shortcut at some page size, not only by the fallback
        for query in QUERIES {
            assert!(
                answered.contains(query),
                "{query} {order:?}: shortcut never answered"
            );
        }
    }
}

/// Newest first is by date, and between messages of one date by the one stored first,
/// whatever the text's score; text or not.
#[test]
fn newest_first_is_by_date_then_first_stored() {
    let store = mailbox(300);
    for query in ["refund", "\"where is my order\"", "退货", "from:anna"] {
        let q = parse_query(query).expect("query");
        let all = message_search_in(&q, &ctx(), 10_000, MessageOrder::Newest);
        let found = search::run_ids(store.conn(), &all).expect("all");
        assert!(found.len() > 3, "{query}");
        let mut dated: Vec<(i64, i64)> = found
            .iter()
            .map(|id| {
                let date: i64 = store
                    .conn()
                    .query_row("SELECT date FROM messages WHERE id = ?", [id], |r| r.get(0))
                    .expect("date");
                (-date, *id)
            })
            .collect();
        dated.sort_unstable();
        let want: Vec<i64> = dated.into_iter().map(|(_, id)| id).collect();
        assert_eq!(found, want, "{query}");
        // the same set as best first, only in another order
        let mut best =
            search::run_ids(store.conn(), &message_search(&q, &ctx(), 10_000)).expect("best");
        best.sort_unstable();
        let mut newest = found.clone();
        newest.sort_unstable();
        assert_eq!(newest, best, "{query}");
    }
}

#[test]
fn each_way_of_the_newest_shortcut_agrees() {
    let store = mailbox(400);
    for query in [
        "refund",
        "ref",
        "\"where is my order\"",
        "退",
        "siparisim",
        "nothing-like-this",
    ] {
        let q = parse_query(query).expect("query");
        for limit in [1, 2, 10, 50, 300, 1000] {
            let plan = message_search_in(&q, &ctx(), limit, MessageOrder::Newest);
            let full = search::run_full_ids(store.conn(), &plan).expect("full");
            let shortcut = plan.shortcut.as_ref().expect("shortcut");
            let (dates, walk) = search::newest_ways(store.conn(), shortcut).expect("ways");
            assert_eq!(dates, Some(full.clone()), "{query} limit {limit}: dates");
            assert_eq!(walk, Some(full), "{query} limit {limit}: walk");
        }
    }
}

/// Which way a newest-first text search takes: the walk when matches are dense enough
/// that meeting `limit` of them is shorter than reading them all.
#[test]
fn the_walk_is_taken_when_matches_are_many() {
    #[rustfmt::skip]
    let cases = [
        // limit, matches, messages, walk
        (50, 28_000, 100_000, true),   // a common word
        (50, 2_800, 10_000, true),
        (50, 50, 100_000, false),      // a rare one: read 50 rows, not the whole index
        (50, 0, 100_000, false),
        (50, 10, 10, true),            // everything matches: the walk stops at once
        (1000, 300, 100_000, false),
        (1, 30, 100_000, false),
        (50, 400, 100_000, false),     // about where the two ways cost the same
        (50, 600, 100_000, true),
        (1, 2_000, 100_000, true),
    ];
    for (limit, matches, messages, walk) in cases {
        assert_eq!(
            walk_pays(limit, matches, messages),
            walk,
            "limit {limit}, {matches} of {messages}"
        );
    }
}

#[test]
fn each_way_of_the_sender_shortcut_agrees() {
    let store = mailbox(400);
    for query in [
        "from:anna",
        "from:gmail.example.com",
        "from:c21@web",
        "from:web.example",
        "from:hanna@",
    ] {
        let q = parse_query(query).expect("query");
        for limit in [1, 10, 50, 300] {
            let plan = message_search(&q, &ctx(), limit);
            let full = search::run_full_ids(store.conn(), &plan).expect("full");
            let shortcut = plan.shortcut.as_ref().expect("shortcut");
            let mut by_window = 0;
            for (cap, window) in [(0, 1), (5, 20), (100, 100), (1000, 400)] {
                let (rare, newest) =
                    search::sender_ways(store.conn(), shortcut, cap, window).expect("ways");
                // from candidates: the whole answer, or none when there are too many
                match rare {
                    Some(rare) => assert_eq!(rare, full, "{query} limit {limit} cap {cap}"),
                    None => assert!(cap < 400, "{query}: {cap}"),
                }
                // from the newest: the answer whenever the window held enough
                match newest {
                    Some(newest) => {
                        assert_eq!(newest, full, "{query} limit {limit} window {window}");
                        by_window += 1;
                    }
                    None => assert!(window < 400 || full.len() < limit, "{query}: {window}"),
                }
            }
            assert!(by_window > 0 || full.len() < limit, "{query} limit {limit}");
        }
    }
}

/// More messages tie at the edge of the page than the text index keeps past it: every
/// match of that score is read.
#[test]
fn a_tie_longer_than_the_room_kept_is_read_whole() {
    let store = mailbox_of(3 * TIE_ROOM, &["A refund, please.", "Refund refund."]);
    let q = parse_query("refund").expect("query");
    for limit in [1, 2, 50, TIE_ROOM, TIE_ROOM + 1, 3 * TIE_ROOM] {
        let plan = message_search(&q, &ctx(), limit);
        let (full, fast, answered) = both(&store, &plan);
        assert_eq!(fast, full, "limit {limit}");
        assert!(answered, "limit {limit}");
    }
}

/// A text-index entry whose message row is gone (no writer leaves one, but the index is
/// not a foreign key): the shortcut hands over to the full plan rather than guess.
#[test]
fn an_index_entry_without_its_message_falls_back() {
    let store = mailbox(60);
    store
        .conn()
        .execute(
            "INSERT INTO message_fts (rowid, subject, body, names) VALUES (999999, 'refund', 'refund refund', '')",
            [],
        )
        .expect("orphan");
    let q = parse_query("refund").expect("query");
    let plan = message_search(&q, &ctx(), 5);
    let shortcut = plan.shortcut.as_ref().expect("shortcut");
    assert!(run_shortcut_for_test(&store, shortcut).is_none());
    let (full, fast, _) = both(&store, &plan);
    assert_eq!(fast, full);
    assert!(!fast.contains(&999_999));
    // newest first walks or reads messages, so the entry is never met
    let plan = message_search_in(&q, &ctx(), 5, MessageOrder::Newest);
    let shortcut = plan.shortcut.as_ref().expect("shortcut");
    let (dates, walk) = search::newest_ways(store.conn(), shortcut).expect("ways");
    let full = search::run_full_ids(store.conn(), &plan).expect("full");
    assert_eq!(dates, Some(full.clone()));
    assert_eq!(walk, Some(full));
}

/// A message id far past what the mailbox's size explains: the walk's bit set is not
/// made, and the answer comes from the matches' dates or the full plan.
#[test]
fn an_id_past_the_walks_bound_is_still_found() {
    let store = mailbox(60);
    let id: i64 = 1 << 27;
    let conn = store.conn();
    conn.execute(
        "INSERT INTO messages (id, account, message_id, direction, date, placed_by, created_at)
         VALUES (?1, 'shop', 'far@test', 'in', 1900000000, 'new', 0)",
        [id],
    )
    .expect("far message");
    conn.execute(
        "INSERT INTO message_fts (rowid, subject, body, names) VALUES (?1, 'refund', 'refund', '')",
        [id],
    )
    .expect("far entry");
    let q = parse_query("refund").expect("query");
    let plan = message_search_in(&q, &ctx(), 5, MessageOrder::Newest);
    let shortcut = plan.shortcut.as_ref().expect("shortcut");
    let (dates, walk) = search::newest_ways(conn, shortcut).expect("ways");
    assert_eq!(walk, None);
    let full = search::run_full_ids(conn, &plan).expect("full");
    assert_eq!(full[0], id, "the newest");
    assert_eq!(dates, Some(full.clone()));
    assert_eq!(search::run_ids(conn, &plan).expect("fast"), full);
}

#[test]
fn searches_with_other_conditions_have_no_shortcut() {
    for query in [
        "refund lang:en",
        "refund -late",
        "from:anna refund",
        "-from:anna",
        "from:an",
        "from:anna status:open",
        "",
    ] {
        let q = parse_query(query).expect("query");
        for order in [MessageOrder::Best, MessageOrder::Newest] {
            let plan = message_search_in(&q, &ctx(), 50, order);
            assert!(plan.shortcut.is_none(), "{query} {order:?}");
        }
    }
}
