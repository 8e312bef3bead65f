//! Ingest on an in-memory store: Message-IDs that other systems reuse, and a batch's
//! full-text entries.

use super::*;
use crate::store::Store;
use crate::worker::import::ingest_raw;

fn shop() -> AccountIdentity {
    AccountIdentity::new("shop", "SHOP", &["shop@example.test"])
}

fn mail(id: &str, from: &str, subject: &str, body: &str, extra: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: shop@example.test\r\nSubject: {subject}\r\n\
         Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <{id}>\r\n{extra}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn message_ids(store: &Store) -> Vec<(String, i64)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT message_id, ticket_id FROM messages ORDER BY id")
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn a_reused_message_id_with_other_content_is_another_message() {
    let mut store = Store::open_in_memory().expect("store");
    let form = "form-0001@shop.example";
    let first = mail(
        form,
        "anna@example.test",
        "Contact form",
        "Where is my parcel?",
        "",
    );
    let second = mail(
        form,
        "ben@example.test",
        "Contact form",
        "I want a refund.",
        "",
    );
    let out = ingest_raw(
        &mut store,
        &shop(),
        "INBOX",
        &[first.clone(), second.clone()],
    )
    .expect("ingest");
    assert!(matches!(out[0], IngestOutcome::NewTicket(_)));
    assert!(matches!(out[1], IngestOutcome::NewTicket(_)), "{out:?}");
    let ids = message_ids(&store);
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0].0, form);
    assert!(ids[1].0.starts_with(&format!("{form}#dup-")), "{ids:?}");
    let warnings: String = store
        .conn()
        .query_row("SELECT warnings_json FROM messages WHERE id = 2", [], |r| {
            r.get(0)
        })
        .expect("warnings");
    assert!(warnings.contains("same Message-ID"), "{warnings}");

    // Seen again (another folder, a resync): the same two messages, nothing new.
    let again = ingest_raw(&mut store, &shop(), "Archive", &[second, first]).expect("again");
    assert!(
        again.iter().all(|o| matches!(o, IngestOutcome::Known(_))),
        "{again:?}"
    );
    assert_eq!(message_ids(&store).len(), 2);

    // A copy with other transport headers and line endings is still the same message.
    let relayed = String::from_utf8(mail(
        form,
        "anna@example.test",
        "Contact form",
        "Where is my parcel?",
        "",
    ))
    .expect("utf-8")
    .replace("\r\n", "\n");
    let relayed = format!("Received: from relay.example\n{relayed}").into_bytes();
    let out = ingest_raw(&mut store, &shop(), "INBOX", &[relayed]).expect("relayed");
    assert!(matches!(out[0], IngestOutcome::Known(_)), "{out:?}");
    assert_eq!(message_ids(&store).len(), 2);

    // Ben answers the shop's reply to him by the reused id: he lands on his own ticket.
    let bens_ticket = message_ids(&store)[1].1;
    let reply = mail(
        "ben-2@example.test",
        "ben@example.test",
        "Re: something else",
        "Any news?",
        &format!("In-Reply-To: <{form}>\r\n"),
    );
    let out = ingest_raw(&mut store, &shop(), "INBOX", &[reply]).expect("reply");
    assert_eq!(out[0], IngestOutcome::Threaded(bens_ticket));
}

#[test]
fn odd_message_ids_are_kept_and_usable() {
    let mut store = Store::open_in_memory().expect("store");
    for id in ["00000000000000000000@mailer.example", "a@b@shop.example"] {
        let out = ingest_raw(
            &mut store,
            &shop(),
            "INBOX",
            &[mail(
                id,
                "cem@example.test",
                &format!("Order {id}"),
                "Hello",
                "",
            )],
        )
        .expect("ingest");
        let IngestOutcome::NewTicket(ticket) = out[0] else {
            panic!("{out:?}");
        };
        let reply = mail(
            &format!("re-{}", id.len()),
            "cem@example.test",
            "Re: unrelated",
            "Again",
            &format!("In-Reply-To: <{id}>\r\n"),
        );
        let out = ingest_raw(&mut store, &shop(), "INBOX", &[reply]).expect("reply");
        assert_eq!(out[0], IngestOutcome::Threaded(ticket), "{id}");
    }
    let ids = message_ids(&store);
    assert_eq!(ids[0].0, "00000000000000000000@mailer.example");
    assert_eq!(ids[2].0, "a@b@shop.example");
}

#[test]
fn a_signed_vote_is_a_rating_and_no_customer_message() {
    use crate::domain::vote::{Csat, Score, token};
    let mut store = Store::open_in_memory().expect("store");
    let asked = mail("q1@c", "anna@example.test", "Boots", "Too small.", "");
    let out = ingest_raw(&mut store, &shop(), "INBOX", &[asked]).expect("ask");
    let IngestOutcome::NewTicket(t) = out[0] else {
        panic!("{out:?}")
    };
    crate::store::ticket_ops::set_status(
        store.conn(),
        t,
        crate::domain::Status::Solved,
        "alice",
        EventSource::Cli,
    )
    .expect("solve");
    let secret = crate::store::ratings::secret(store.conn()).expect("secret");
    let good = token(&secret, t, Score::Csat(Csat::Good));
    let bad = token(&secret, t, Score::Csat(Csat::Bad));
    // the Bad token's answer edited to Good: the MAC no longer fits
    let edited = bad.replacen("-cb-", "-cg-", 1);
    let vote = mail(
        "v1@c",
        "anna@example.test",
        &format!("Re: [SHOP #{t}] Boots {good}"),
        "Anything to add? Write it here: Quick and kind\n> quoted",
        "",
    );
    let forged = mail(
        "v2@c",
        "anna@example.test",
        &format!("Re: [SHOP #{t}] Boots {edited}"),
        "",
        "",
    );
    let before: i64 = store
        .conn()
        .query_row(
            "SELECT message_count FROM tickets WHERE id = ?1",
            [t],
            |r| r.get(0),
        )
        .expect("count");
    let out = ingest_raw(&mut store, &shop(), "INBOX", &[vote]).expect("vote");
    assert_eq!(out, [IngestOutcome::Vote(t)]);
    let (status, count): (String, i64) = store
        .conn()
        .query_row(
            "SELECT status, message_count FROM tickets WHERE id = ?1",
            [t],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("ticket");
    assert_eq!((status.as_str(), count), ("solved", before), "not reopened");
    let rating = crate::store::ratings::rating(store.conn(), t)
        .expect("read")
        .expect("rated");
    assert_eq!(rating.score, Score::Csat(Csat::Good));
    assert_eq!(rating.comment.as_deref(), Some("Quick and kind"));
    let on: Option<i64> = store
        .conn()
        .query_row(
            "SELECT ticket_id FROM messages WHERE message_id = 'v1@c'",
            [],
            |r| r.get(0),
        )
        .expect("kept");
    assert_eq!(on, None, "the vote mail is kept on no ticket");

    let out = ingest_raw(&mut store, &shop(), "INBOX", &[forged]).expect("forged");
    assert_eq!(out, [IngestOutcome::Threaded(t)], "kept as ordinary mail");
    let warnings: String = store
        .conn()
        .query_row(
            "SELECT warnings_json FROM messages WHERE message_id = 'v2@c'",
            [],
            |r| r.get(0),
        )
        .expect("warnings");
    assert!(warnings.contains("vote not counted"), "{warnings}");
    let still = crate::store::ratings::rating(store.conn(), t).expect("read");
    assert_eq!(still.map(|r| r.score), Some(Score::Csat(Csat::Good)));

    // An answer in the thread whose subject still carries the token is conversation: it
    // joins the ticket (and reopens it), and the vote stands.
    let answer = mail(
        "a3@c",
        "anna@example.test",
        &format!("Re: Re: [SHOP #{t}] Boots {bad}"),
        "Still no refund.",
        "In-Reply-To: <v1@c>\r\nReferences: <v1@c>\r\n",
    );
    let out = ingest_raw(&mut store, &shop(), "INBOX", &[answer]).expect("answer");
    assert_eq!(out, [IngestOutcome::Threaded(t)]);
    let still = crate::store::ratings::rating(store.conn(), t).expect("read");
    assert_eq!(still.map(|r| r.score), Some(Score::Csat(Csat::Good)));
}

#[test]
fn a_vote_for_a_ticket_merged_since_counts_on_the_survivor() {
    use crate::domain::vote::{Score, token};
    let mut store = Store::open_in_memory().expect("store");
    let raws = [
        mail("q1@c", "anna@example.test", "Boots", "Too small.", ""),
        mail("q2@c", "anna@example.test", "Refund", "Money back?", ""),
    ];
    ingest_raw(&mut store, &shop(), "INBOX", &raws).expect("ask");
    let secret = crate::store::ratings::secret(store.conn()).expect("secret");
    let nine = token(&secret, 1, Score::Nps(9));
    crate::store::corrections::merge(store.conn(), 1, 2, "alice", EventSource::Cli).expect("merge");
    let vote = mail(
        "v1@c",
        "anna@example.test",
        &format!("Re: [SHOP #1] Boots {nine}"),
        "",
        "",
    );
    let out = ingest_raw(&mut store, &shop(), "INBOX", &[vote]).expect("vote");
    assert_eq!(out, [IngestOutcome::Vote(2)]);
    let rating = crate::store::ratings::rating(store.conn(), 2).expect("read");
    assert_eq!(rating.map(|r| r.score), Some(Score::Nps(9)));
}

fn numbered_mail(n: usize) -> Vec<u8> {
    format!(
        "From: Customer {n} <c{n}@customer.example>\r\nTo: shop@example.test\r\n\
         Subject: Refund for order {n}\r\nMessage-ID: <m{n}@customer.example>\r\n\
         Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nPlease refund order {n}, parcel {n}.\r\n"
    )
    .into_bytes()
}

/// How many segments an FTS5 index is made of, from its structure record (row 10: a
/// 4-byte cookie, an optional 4-byte version mark, then varints for the levels and
/// the segments).
fn segments(store: &Store, table: &str) -> u64 {
    let block: Vec<u8> = store
        .conn()
        .query_row(
            &format!("SELECT block FROM {table} WHERE id = 10"),
            [],
            |r| r.get(0),
        )
        .expect("structure record");
    let mut at = if block.get(4..8) == Some(&[0xff, 0, 0, 1][..]) {
        8
    } else {
        4
    };
    let mut varint = || {
        let mut v = 0u64;
        for (n, b) in block[at..].iter().enumerate() {
            if n == 8 {
                v = (v << 8) | u64::from(*b);
                at += 9;
                return v;
            }
            v = (v << 7) | u64::from(b & 0x7f);
            if b & 0x80 == 0 {
                at += n + 1;
                return v;
            }
        }
        panic!("truncated varint")
    };
    let _levels = varint();
    varint()
}

/// A batch is indexed as one FTS5 segment per index, not one per message: written a
/// message at a time, each entry was flushed as a segment of its own by the next
/// statement that opened a savepoint.
#[test]
fn a_batch_is_indexed_in_one_go_and_every_message_is_found() {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
    let raws: Vec<Vec<u8>> = (0..200).map(numbered_mail).collect();
    // no merging, which would hide how many segments were written
    for table in ["message_fts", "message_senders"] {
        for (key, value) in [("automerge", 0), ("crisismerge", 2000)] {
            store
                .conn()
                .execute(
                    &format!("INSERT INTO {table} ({table}, rank) VALUES (?1, ?2)"),
                    rusqlite::params![key, value],
                )
                .expect("merge setting");
        }
    }
    ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
    for table in ["message_fts_data", "message_senders_data"] {
        assert_eq!(segments(&store, table), 1, "{table}");
    }
    for (query, hits) in [
        ("refund", 200),
        ("from:customer.example", 200),
        ("from:c17@customer.example", 1),
    ] {
        let q = crate::domain::query::parse_query(query).expect("query");
        let ctx = crate::store::query_sql::QueryContext {
            agent: "me".into(),
            now: 0,
        };
        let plan = crate::store::query_sql::message_search(&q, &ctx, 1000);
        let found = crate::store::search::run_ids(store.conn(), &plan).expect("search");
        assert_eq!(found.len(), hits, "{query}");
    }
}

/// The shop writes its order numbers as `SD-{number}`.
fn shop_with_sd_numbers() -> AccountIdentity {
    let orders = crate::config::OrdersConfig {
        number_pattern: "SD-{number}".into(),
        ..Default::default()
    };
    AccountIdentity {
        orders: Arc::new(orders.rules().expect("rules")),
        ..shop()
    }
}

fn ticket_of(store: &Store, message_id: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT ticket_id FROM messages WHERE message_id = ?1",
            [message_id],
            |r| r.get(0),
        )
        .expect("message")
}

/// `[SD-1002]` is the shop's own order number, not another helpdesk's key: questions
/// about two orders in the same words stay two tickets, whoever asks, and a reply from a
/// client that dropped its headers finds its order's ticket by the subject.
#[test]
fn the_shops_own_order_numbers_keep_questions_apart() {
    let mut store = Store::open_in_memory().expect("store");
    let shop = shop_with_sd_numbers();
    let asked = [
        mail(
            "a1@anna",
            "anna@example.test",
            "[SD-1001] Where is my parcel?",
            "Hi",
            "",
        ),
        mail(
            "b1@ben",
            "ben@example.test",
            "[SD-1002] Where is my parcel?",
            "Hi",
            "",
        ),
        mail(
            "a2@anna",
            "anna@example.test",
            "[SD-1003] Where is my parcel?",
            "And this one?",
            "",
        ),
        // headers dropped: only the subject says which conversation it answers
        mail(
            "b2@ben",
            "ben@example.test",
            "Re: [SD-1002] Where is my parcel?",
            "Still nothing",
            "",
        ),
    ];
    let out = ingest_raw(&mut store, &shop, "INBOX", &asked).expect("ingest");
    assert!(
        out[..3]
            .iter()
            .all(|o| matches!(o, IngestOutcome::NewTicket(_))),
        "{out:?}"
    );
    let (a1, b1, a2) = (
        ticket_of(&store, "a1@anna"),
        ticket_of(&store, "b1@ben"),
        ticket_of(&store, "a2@anna"),
    );
    assert!(a1 != b1 && a1 != a2 && b1 != a2, "{out:?}");
    assert_eq!(out[3], IngestOutcome::Threaded(b1));
    let stored: String = store
        .conn()
        .query_row(
            "SELECT normalized_subject FROM tickets WHERE id = ?1",
            [b1],
            |r| r.get(0),
        )
        .expect("ticket");
    assert_eq!(stored, "[sd-1002] where is my parcel?");
}

/// A ticket stored before the account's pattern was set holds its subject normalised
/// without the order number: a header-less reply naming its order still finds it, one
/// naming another order does not.
#[test]
fn tickets_stored_before_the_pattern_still_thread() {
    let mut store = Store::open_in_memory().expect("store");
    let before = [mail(
        "a1@anna",
        "anna@example.test",
        "[SD-1001] Where is my parcel?",
        "Hi",
        "",
    )];
    ingest_raw(&mut store, &shop(), "INBOX", &before).expect("before");
    let old = ticket_of(&store, "a1@anna");
    let after = [
        mail(
            "a2@anna",
            "anna@example.test",
            "Re: [SD-1001] Where is my parcel?",
            "Well?",
            "",
        ),
        mail(
            "a3@anna",
            "anna@example.test",
            "[SD-1004] Where is my parcel?",
            "Another",
            "",
        ),
    ];
    let out = ingest_raw(&mut store, &shop_with_sd_numbers(), "INBOX", &after).expect("after");
    assert_eq!(out[0], IngestOutcome::Threaded(old));
    assert!(
        matches!(out[1], IngestOutcome::NewTicket(t) if t != old),
        "{out:?}"
    );
}

/// A Postfix bounce returning the message `original` sent to `to`.
fn bounce(id: &str, original: &str, to: &str) -> Vec<u8> {
    format!(
        "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.test (Mail Delivery System)\r\n\
         To: shop@example.test\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Date: Tue, 24 Nov 2026 11:00:00 +0000\r\nMessage-ID: <{id}>\r\n\
         Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --b\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; {to}\r\n\
         Action: failed\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n\
         From: shop@example.test\r\nTo: {to}\r\nSubject: Re: Boots\r\nMessage-ID: <{original}>\r\n\
         \r\nYour parcel is on its way.\r\n--b--\r\n"
    )
    .into_bytes()
}

#[test]
fn a_bounce_joins_the_ticket_of_the_mail_it_returns_and_bounces_never_merge() {
    let mut store = Store::open_in_memory().expect("store");
    let asked = mail("q1@anna", "anna@example.test", "Boots", "Too small.", "");
    let answered = b"From: shop@example.test\r\nTo: anna@example.test\r\nSubject: Re: Boots\r\n\
         Date: Tue, 24 Nov 2026 10:30:00 +0000\r\nMessage-ID: <reply.1@example.test>\r\n\
         In-Reply-To: <q1@anna>\r\n\r\nA bigger pair is on its way.\r\n"
        .to_vec();
    ingest_raw(&mut store, &shop(), "INBOX", &[asked, answered]).expect("ingest");
    let ticket = ticket_of(&store, "q1@anna");
    let out = ingest_raw(
        &mut store,
        &shop(),
        "INBOX",
        &[
            bounce("b1@mx", "reply.1@example.test", "anna@example.test"),
            bounce("b2@mx", "gone.2@example.test", "ben@example.test"),
            bounce("b3@mx", "gone.3@example.test", "cem@example.test"),
        ],
    )
    .expect("ingest");
    assert_eq!(out[0], IngestOutcome::Threaded(ticket), "{out:?}");
    assert_eq!(ticket_of(&store, "b1@mx"), ticket);
    // filed, it gives the ticket back to the shop (Anna has no answer) and is no one's
    // message on the clocks
    let status: String = store
        .conn()
        .query_row("SELECT status FROM tickets WHERE id = ?1", [ticket], |r| {
            r.get(0)
        })
        .expect("status");
    assert_eq!(
        status, "open",
        "the reply did not arrive: the shop's turn again"
    );
    let tagged: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM ticket_tags WHERE ticket_id = ?1 AND tag = 'bounced'",
            [ticket],
            |r| r.get(0),
        )
        .expect("tags");
    assert_eq!(tagged, 1, "found with tag:bounced");
    let records = crate::store::timeline::records(
        store.conn(),
        crate::store::timeline::Scope::Ticket(ticket),
    )
    .expect("timeline");
    let messages = records[0]
        .timeline
        .iter()
        .filter(|e| {
            matches!(
                e.change,
                crate::domain::sla::clock::TicketChange::Message(_)
            )
        })
        .count();
    assert_eq!(messages, 2, "the question and the answer, not the bounce");
    // bounces of mail we never stored start tickets of their own, one each, although
    // their sender and subject are the same
    assert!(matches!(out[1], IngestOutcome::NewTicket(_)), "{out:?}");
    assert!(matches!(out[2], IngestOutcome::NewTicket(_)), "{out:?}");
    assert_ne!(ticket_of(&store, "b2@mx"), ticket_of(&store, "b3@mx"));
    // each is about the customer the mail did not reach
    let customer_of = |id: &str| -> String {
        store
            .conn()
            .query_row(
                "SELECT a.email FROM messages m JOIN tickets t ON t.id = m.ticket_id
                   JOIN customer_addresses a ON a.customer_id = t.customer_id
                  WHERE m.message_id = ?1",
                [id],
                |r| r.get(0),
            )
            .expect("customer")
    };
    assert_eq!(customer_of("b2@mx"), "ben@example.test");
    assert_eq!(customer_of("b3@mx"), "cem@example.test");
    let why: String = store
        .conn()
        .query_row(
            "SELECT placed_json FROM messages WHERE message_id = 'b1@mx'",
            [],
            |r| r.get(0),
        )
        .expect("placed");
    assert!(why.contains("\"what\":\"reports\""), "{why}");
    let learned: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM customer_addresses a JOIN tickets t ON t.customer_id = a.customer_id
              WHERE t.id = ?1 AND a.email LIKE 'mailer-daemon@%'",
            [ticket],
            |r| r.get(0),
        )
        .expect("addresses");
    assert_eq!(learned, 0, "the mail system is no address of Anna's");
}
