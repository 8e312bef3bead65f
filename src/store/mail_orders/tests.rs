use super::*;
use crate::domain::order::OrderStatus;
use crate::store::Store;
use crate::store::ingest::{AccountIdentity, IngestOutcome};
use crate::worker::import::ingest_raw;

const SHOP: &str = "shop@example.test";

fn mail(id: &str, from: &str, to: &str, date: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn tickets(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn notifications_update_orders_and_make_no_ticket() {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &[SHOP]);
    let raws = vec![
        mail(
            "n1@shopify.com",
            "Nordic Boots <mailer@shopify.com>",
            "anna@example.com",
            "Mon, 16 Nov 2026 10:00:00 +0000",
            "Order #1001 confirmed",
            "Thank you for your purchase! Order summary: 1 × Winter boot",
        ),
        mail(
            "n2@shopify.com",
            "Nordic Boots <mailer@shopify.com>",
            "anna@example.com",
            "Tue, 17 Nov 2026 10:00:00 +0000",
            "A shipment from order #1001 is on the way",
            "UPS tracking number: 1Z5R89390357567127",
        ),
        // The same subject from a customer is a customer's question.
        mail(
            "c1@example.com",
            "Anna <anna@example.com>",
            SHOP,
            "Wed, 18 Nov 2026 10:00:00 +0000",
            "Order #1001 confirmed?",
            "Is my order #1001 confirmed? And where is order 10030?",
        ),
    ];
    let out = ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
    assert_eq!(out[0], IngestOutcome::OrderMail);
    assert_eq!(out[1], IngestOutcome::OrderMail);
    assert!(matches!(out[2], IngestOutcome::NewTicket(_)), "{out:?}");
    assert_eq!(tickets(&store), 1);

    let order = crate::store::orders::by_number(store.conn(), "1001")
        .expect("read")
        .expect("the notification made the order");
    assert_eq!(order.email, "anna@example.com");
    assert_eq!(order.status, OrderStatus::Shipped);
    assert_eq!(order.tracking_number.as_deref(), Some("1Z5R89390357567127"));
    assert_eq!(order.carrier.as_deref(), Some("UPS"));
    assert_eq!(order.source, crate::domain::order::OrderSource::Mail);

    // Seen again (another folder): nothing changes, still no ticket.
    let again = ingest_raw(&mut store, &account, "Archive", &raws[..2]).expect("again");
    assert_eq!(
        again,
        vec![IngestOutcome::OrderMail, IngestOutcome::OrderMail]
    );
    assert_eq!(tickets(&store), 1);

    let IngestOutcome::NewTicket(ticket) = out[2] else {
        return;
    };
    let found = ticket_order(store.conn(), ticket).expect("order");
    assert_eq!(found.map(|o| o.number), Some("1001".to_string()));
    let ids: Vec<i64> = store
        .conn()
        .prepare("SELECT id FROM messages ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("ids");
    let mentions = for_messages(store.conn(), &ids).expect("mentions");
    let customer = mentions.get(&ids[2]).expect("customer mail");
    assert_eq!(customer.orders, vec!["1001", "10030"]);
    let shipment = mentions.get(&ids[1]).expect("shipment");
    assert_eq!(shipment.tracking[0].carrier_id.as_deref(), Some("ups"));
}

/// The newest mail that names a known order decides; an unknown number does not.
#[test]
fn the_ticket_order_is_the_newest_known_one_named() {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &[SHOP]);
    for n in ["1001", "1002"] {
        crate::store::orders::add(
            store.conn(),
            &crate::store::orders::NewOrder {
                number: n,
                customer_email: "ben@example.com",
                customer_name: None,
                status: "placed",
                total_cents: None,
                currency: None,
                placed_at: 1_790_000_000,
                shipped_at: None,
                carrier: None,
                tracking_number: None,
                tracking_url: None,
            },
        )
        .expect("order");
    }
    let first = mail(
        "b1@example.com",
        "ben@example.com",
        SHOP,
        "Mon, 16 Nov 2026 10:00:00 +0000",
        "Where is my order?",
        "My order #1001 has not come.",
    );
    let out = ingest_raw(&mut store, &account, "INBOX", &[first]).expect("first");
    let IngestOutcome::NewTicket(ticket) = out[0] else {
        panic!("{out:?}");
    };
    let number = |store: &Store| {
        ticket_order(store.conn(), ticket)
            .expect("read")
            .map(|o| o.number)
    };
    assert_eq!(number(&store).as_deref(), Some("1001"));

    let reply = |id: &str, date: &str, body: &str| {
        format!(
            "From: ben@example.com\r\nTo: {SHOP}\r\nSubject: Re: Where is my order?\r\n\
             Date: {date}\r\nMessage-ID: <{id}>\r\nIn-Reply-To: <b1@example.com>\r\n\r\n{body}\r\n"
        )
        .into_bytes()
    };
    let second = reply(
        "b2@example.com",
        "Tue, 17 Nov 2026 10:00:00 +0000",
        "Sorry, I meant order #1002.",
    );
    ingest_raw(&mut store, &account, "INBOX", &[second]).expect("second");
    assert_eq!(number(&store).as_deref(), Some("1002"));

    // A number no order has does not take the ticket's order away.
    let third = reply(
        "b3@example.com",
        "Wed, 18 Nov 2026 10:00:00 +0000",
        "Or was it order #9999?",
    );
    ingest_raw(&mut store, &account, "INBOX", &[third]).expect("third");
    assert_eq!(number(&store).as_deref(), Some("1002"));
}

/// Mail stored before numbers were kept is read for them by `backfill`, once.
#[test]
fn mail_stored_before_the_upgrade_is_read_for_its_numbers() {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &[SHOP]);
    let raws = vec![
        mail(
            "old1@example.com",
            "ben@example.com",
            SHOP,
            "Mon, 16 Nov 2026 10:00:00 +0000",
            "Where is my order?",
            "My order #1001 has not come.\n\nOn Monday you wrote:\n> your order #7777 is placed",
        ),
        mail(
            "old2@example.com",
            "eva@example.com",
            SHOP,
            "Mon, 16 Nov 2026 11:00:00 +0000",
            "Hello",
            "Nothing to see here.",
        ),
    ];
    ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
    let before: Vec<(i64, String)> = store
        .conn()
        .prepare("SELECT message, number FROM message_orders ORDER BY message, position")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("mentions");
    assert_eq!(before.len(), 1, "{before:?}");
    // As a database from before migration 0008 has it: nothing recorded, all pending.
    store
        .conn()
        .execute_batch(
            "DELETE FROM message_orders; DELETE FROM message_tracking;
             INSERT INTO message_orders_pending SELECT id FROM messages;",
        )
        .expect("downgrade");
    let tx = store.write().expect("tx");
    let rules = crate::store::ingest::default_order_rules();
    assert_eq!(backfill(&tx, "other", &rules, 10).expect("other"), 0);
    assert_eq!(backfill(&tx, "shop", &rules, 1).expect("first"), 1);
    assert_eq!(backfill(&tx, "shop", &rules, 10).expect("rest"), 1);
    assert_eq!(backfill(&tx, "shop", &rules, 10).expect("done"), 0);
    tx.commit().expect("commit");
    let after: Vec<(i64, String)> = store
        .conn()
        .prepare("SELECT message, number FROM message_orders ORDER BY message, position")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("mentions");
    assert_eq!(after, before, "the same numbers, the quoted one left out");
}

/// What a template quotes: the customer's order the mail names exactly, not one whose
/// number is part of it.
#[test]
fn replies_quote_the_order_named_exactly() {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &[SHOP]);
    for (n, placed) in [("10030", 1_790_000_000), ("1003", 1_790_500_000)] {
        crate::store::orders::add(
            store.conn(),
            &crate::store::orders::NewOrder {
                number: n,
                customer_email: "ben@example.com",
                customer_name: None,
                status: "placed",
                total_cents: None,
                currency: None,
                placed_at: placed,
                shipped_at: None,
                carrier: None,
                tracking_number: None,
                tracking_url: None,
            },
        )
        .expect("order");
    }
    let raw = mail(
        "q@example.com",
        "ben@example.com",
        SHOP,
        "Mon, 16 Nov 2026 10:00:00 +0000",
        "Where is it?",
        "My order #10030 has not come.",
    );
    let out = ingest_raw(&mut store, &account, "INBOX", &[raw]).expect("ingest");
    let IngestOutcome::NewTicket(ticket) = out[0] else {
        panic!("{out:?}");
    };
    let customer: i64 = store
        .conn()
        .query_row(
            "SELECT customer_id FROM tickets WHERE id = ?1",
            [ticket],
            |r| r.get(0),
        )
        .expect("customer");
    let facts = crate::store::reply_facts::order_for(store.conn(), ticket, customer)
        .expect("read")
        .map(|o| o.number);
    assert_eq!(facts.as_deref(), Some("10030"));
}
