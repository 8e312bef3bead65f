//! Mail that arrives out of the order it was written: a sync stores INBOX before Sent, so
//! the shop's answer can arrive after the customer's next message, and a customer's
//! message can be delayed past the answer to it. The ticket ends where it would have, had
//! everything arrived in the order of its Date, and a replay of the log agrees.

#![allow(clippy::unwrap_used)]

mod support;

use chrono::{DateTime, Duration, Utc};
use shopdesk::domain::sla::{BusinessHours, add_business_time};
use shopdesk::store::Store;
use shopdesk::store::replay::{rebuild, ticket_states};
use support::{MailStack, list_json, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;
const ANNA: &str = "anna@customer.example";

fn mail(id: &str, from: &str, to: &str, subject: &str, at: DateTime<Utc>, extra: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {}\r\n\
         Message-ID: <{id}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n",
        at.to_rfc2822()
    )
    .into_bytes()
}

/// A mailbox synced once while empty, so what follows is new mail, not history.
fn shop(stack: &MailStack, dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let config = stack.write_config(dir, "");
    let db = dir.join("shop.db");
    ok(shopdesk(&config, &db).arg("sync"));
    (config, db)
}

/// The due time of a clock started at `t`: the default eight business hours.
fn due_from(t: At) -> Option<At> {
    Some(add_business_time(
        t,
        Duration::hours(8),
        &BusinessHours::default(),
    ))
}

/// `h` hours ago, in whole seconds as a Date header has it.
fn hours_ago(h: i64) -> DateTime<Utc> {
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    now - Duration::hours(h)
}

/// Anna's one ticket: its status, due time and first response.
fn anna(config: &std::path::Path, db: &std::path::Path) -> (String, Option<At>, Option<At>) {
    let tickets = list_json(config, db, &[]);
    let [t] = tickets.as_slice() else {
        panic!("one ticket: {tickets:?}");
    };
    assert_eq!(t["customer"]["email"], ANNA);
    let time = |v: &serde_json::Value| {
        v.as_str()
            .map(|s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc))
    };
    (
        t["status"].as_str().unwrap().to_string(),
        time(&t["due_at"]),
        time(&t["first_response_at"]),
    )
}

type At = DateTime<Utc>;

fn rfc3339(t: At) -> Option<At> {
    Some(t)
}

/// The tickets a replay of the database's log rebuilds are the tickets it holds.
fn replay_agrees(db: &std::path::Path) {
    let original = ticket_states(Store::open(db).unwrap().conn()).unwrap();
    let mut rebuilt = Store::open_in_memory().unwrap();
    rebuild(&mut rebuilt, db).unwrap();
    assert_eq!(ticket_states(rebuilt.conn()).unwrap(), original);
}

/// The customer asks (A), the shop answers from another client (R, in Sent), the customer
/// answers that (B): one sync stores A, B, then R. R answered A, not B: the ticket is
/// open, answered at R, its clock running from B.
#[test]
fn an_answer_synced_after_the_customers_next_message_leaves_it_waiting() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(&stack, tmp.path());
    let (a, r, b) = (hours_ago(3), hours_ago(2), hours_ago(1));
    stack.append(
        SHOP,
        "INBOX",
        &[
            mail("a@customer", ANNA, SHOP, "Where is my parcel?", a, ""),
            mail(
                "b@customer",
                ANNA,
                SHOP,
                "Re: Where is my parcel?",
                b,
                "In-Reply-To: <r@shop>\r\nReferences: <a@customer> <r@shop>\r\n",
            ),
        ],
    );
    stack.append(
        SHOP,
        "Sent",
        &[mail(
            "r@shop",
            SHOP,
            ANNA,
            "Re: Where is my parcel?",
            r,
            "In-Reply-To: <a@customer>\r\n",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(anna(&config, &db), ("open".into(), due_from(b), rfc3339(r)));
    replay_agrees(&db);
}

/// The shop answered (R) before the customer's delayed message (X, written before R) was
/// synced: X was answered already and moves nothing; her answer to R does.
#[test]
fn a_customer_message_older_than_the_answer_moves_nothing() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(&stack, tmp.path());
    let (a, x, r) = (hours_ago(3), hours_ago(2), hours_ago(1));
    let question = mail("a@customer", ANNA, SHOP, "Gift wrap?", a, "");
    stack.append(SHOP, "INBOX", &[question]);
    let answer = "In-Reply-To: <a@customer>\r\n";
    stack.append(
        SHOP,
        "Sent",
        &[mail("r@shop", SHOP, ANNA, "Re: Gift wrap?", r, answer)],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(anna(&config, &db), ("pending".into(), None, rfc3339(r)));

    let also = "In-Reply-To: <a@customer>\r\n";
    stack.append(
        SHOP,
        "INBOX",
        &[mail("x@customer", ANNA, SHOP, "Re: Gift wrap?", x, also)],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(anna(&config, &db), ("pending".into(), None, rfc3339(r)));

    // Her answer to the reply reopens, even from a computer whose clock is hours behind:
    // it names the reply, so it was written after it.
    let behind = hours_ago(5);
    let again = "In-Reply-To: <r@shop>\r\n";
    stack.append(
        SHOP,
        "INBOX",
        &[mail(
            "c@customer",
            ANNA,
            SHOP,
            "Re: Gift wrap?",
            behind,
            again,
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(anna(&config, &db), ("open".into(), due_from(r), rfc3339(r)));
    replay_agrees(&db);
}
