use chrono::TimeZone;

use super::*;
use crate::domain::order::{OrderPatch, OrderSource, OrderStatus};
use crate::store::Store;
use crate::store::ingest::AccountIdentity;
use crate::store::{reply_facts, ticket_ops};
use crate::worker::import::ingest_raw;

const CLI: EventSource = EventSource::Cli;

fn mail(n: usize, from: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nSubject: {subject}\r\nMessage-ID: <c{n}@x>\r\nDate: Tue, 24 Nov 2026 10:{n:02}:00 +0000\r\n\r\nHello\r\n"
    )
    .into_bytes()
}

fn order(number: &str, email: &str, day: u32) -> OrderPatch {
    OrderPatch {
        number: number.into(),
        email: Some(email.into()),
        status: Some(OrderStatus::Shipped),
        created_at: Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).single(),
        total_cents: Some(4990),
        currency: Some("EUR".into()),
        ..OrderPatch::default()
    }
}

/// Anna writes from two addresses (two customers so far), Bo from one; Anna has two
/// orders, one per address.
fn shop() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
    let raws = [
        mail(1, "Anna Berg <anna@example.test>", "Where is my order?"),
        mail(2, "anna.work@example.test", "Invoice please"),
        mail(3, "anna.work@example.test", "Wrong size"),
        mail(4, "Bo <bo@example.test>", "Hello"),
    ];
    ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
    let tx = store.write().expect("tx");
    crate::store::orders::apply(
        &tx,
        &[
            order("1001", "anna@example.test", 1),
            order("1002", "anna.work@example.test", 5),
        ],
        OrderSource::Generic,
        Utc::now(),
    )
    .expect("orders");
    tx.commit().expect("commit");
    store
}

fn ticket_ids(info: &CustomerInfo) -> Vec<TicketId> {
    let mut ids: Vec<TicketId> = info.tickets.iter().map(|t| t.id).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn merge_joins_addresses_tickets_and_orders_and_unmerge_takes_them_back() {
    let store = shop();
    let c = store.conn();
    let before = history(c, "anna.work@example.test")
        .expect("read")
        .expect("known");
    assert_eq!(ticket_ids(&before), [2, 3]);
    assert_eq!(before.name, None);

    let moved = merge(
        c,
        "ANNA@example.test",
        "anna.work@example.test",
        "alice",
        CLI,
    )
    .expect("merge");
    assert_eq!(moved.addresses, ["anna.work@example.test"]);
    assert_eq!(moved.tickets, [2, 3]);
    let anna = history(c, "anna.work@example.test")
        .expect("read")
        .expect("known");
    assert_eq!(anna.name.as_deref(), Some("Anna Berg"));
    assert_eq!(
        anna.addresses,
        ["anna.work@example.test", "anna@example.test"]
    );
    assert_eq!(ticket_ids(&anna), [1, 2, 3]);
    let numbers: Vec<&str> = anna.orders.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(
        numbers,
        ["1002", "1001"],
        "every address's orders, newest first"
    );
    let logged: i64 = c
        .query_row(
            "SELECT count(*) FROM ticket_events WHERE kind = 'customer_merge' AND agent = 'alice'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(logged, 2, "one change per moved ticket");

    // Merging them again, or a stranger, is refused and changes nothing.
    assert!(matches!(
        merge(
            c,
            "anna@example.test",
            "anna.work@example.test",
            "alice",
            CLI
        ),
        Err(StoreError::CustomerMerge(_))
    ));
    assert!(matches!(
        merge(c, "anna@example.test", "nobody@example.test", "alice", CLI),
        Err(StoreError::NoCustomer(_))
    ));
    assert!(matches!(
        unmerge(c, "anna@example.test", "bo@example.test", "alice", CLI),
        Err(StoreError::CustomerMerge(_))
    ));

    let back = unmerge(
        c,
        "anna@example.test",
        "anna.work@example.test",
        "alice",
        CLI,
    )
    .expect("unmerge");
    assert_eq!((back.addresses.len(), back.tickets.len()), (1, 2));
    assert_eq!(
        ticket_ids(&history(c, "anna@example.test").expect("r").expect("k")),
        [1]
    );
    let work = history(c, "anna.work@example.test").expect("r").expect("k");
    assert_eq!(ticket_ids(&work), [2, 3]);
    assert_eq!(work.addresses, ["anna.work@example.test"]);
    // Undone once: there is nothing left to undo.
    assert!(matches!(
        unmerge(
            c,
            "anna@example.test",
            "anna.work@example.test",
            "alice",
            CLI
        ),
        Err(StoreError::CustomerMerge(_))
    ));
}

/// Merges and their undo are in the log as typed changes, and a replay of it gives the
/// same tickets and the same customers' addresses.
#[test]
fn merges_replay_onto_an_empty_database() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("shop.db");
    let mut store = Store::open(&db).expect("store");
    let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
    let raws = [
        mail(1, "anna@example.test", "Where is my order?"),
        mail(2, "anna.work@example.test", "Invoice please"),
        mail(3, "bo@example.test", "Hello"),
    ];
    ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
    let c = store.conn();
    merge(
        c,
        "anna@example.test",
        "anna.work@example.test",
        "alice",
        CLI,
    )
    .expect("merge");
    unmerge(
        c,
        "anna@example.test",
        "anna.work@example.test",
        "alice",
        CLI,
    )
    .expect("undo");
    merge(c, "bo@example.test", "anna.work@example.test", "alice", CLI).expect("merge");
    let state = |c: &Connection| {
        let tickets = crate::store::replay::ticket_states(c).expect("tickets");
        let addresses: Vec<(String, i64)> = c
            .prepare("SELECT email, customer_id FROM customer_addresses ORDER BY email")
            .expect("p")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("rows");
        (tickets, addresses)
    };
    let original = state(c);
    assert_eq!(
        original.0[1].customer, original.0[2].customer,
        "Bo has ticket 2"
    );
    let kinds: Vec<&str> = crate::store::replay::recorded(c)
        .expect("log")
        .iter()
        .map(|r| r.change.kind())
        .filter(|k| k.starts_with("customer_"))
        .collect();
    assert_eq!(
        kinds,
        ["customer_merge", "customer_unmerge", "customer_merge"]
    );
    drop(store);
    let mut rebuilt = Store::open_in_memory().expect("empty");
    crate::store::replay::rebuild(&mut rebuilt, &db).expect("replay");
    assert_eq!(state(rebuilt.conn()), original);
}

#[test]
fn notes_and_addresses_only_orders_know() {
    let store = shop();
    let c = store.conn();
    set_note(c, "Bo@example.test", Some("prefers phone calls")).expect("note");
    let bo = history(c, "bo@example.test").expect("r").expect("k");
    assert_eq!(bo.notes.as_deref(), Some("prefers phone calls"));
    set_note(c, "bo@example.test", None).expect("cleared");
    assert_eq!(
        history(c, "bo@example.test").expect("r").expect("k").notes,
        None
    );
    assert!(matches!(
        set_note(c, "nobody@example.test", Some("x")),
        Err(StoreError::NoCustomer(_))
    ));
    assert!(history(c, "nobody@example.test").expect("r").is_none());
}

#[test]
fn the_agent_links_a_ticket_to_another_of_the_customers_orders() {
    let store = shop();
    let c = store.conn();
    merge(
        c,
        "anna@example.test",
        "anna.work@example.test",
        "alice",
        CLI,
    )
    .expect("merge");
    let number = |t| {
        reply_facts::order_for(c, t, 1)
            .expect("read")
            .map(|o| o.number)
    };
    assert_eq!(number(1).as_deref(), Some("1002"), "the newest by default");
    ticket_ops::link_order(c, 1, Some("#1001"), "alice", CLI).expect("link");
    assert_eq!(number(1).as_deref(), Some("1001"));
    assert_eq!(number(2).as_deref(), Some("1002"), "only that ticket");
    ticket_ops::link_order(c, 1, None, "alice", CLI).expect("unlink");
    assert_eq!(number(1).as_deref(), Some("1002"));
    assert!(matches!(
        ticket_ops::link_order(c, 1, Some("9999"), "alice", CLI),
        Err(StoreError::NoOrder(_))
    ));
}
