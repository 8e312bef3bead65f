//! An existing mailbox arrives in a useful state: on its first sync, old conversations
//! start solved, ones the shop answered last wait on the customer, history starts no
//! service-level clock; afterwards a reply from the shop in any client moves a ticket to
//! pending and the customer's answer moves it back.

#![allow(clippy::unwrap_used)]

mod support;

use chrono::{Duration, Utc};
use support::{MailStack, list_json, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;

fn mail(id: &str, from: &str, to: &str, subject: &str, days_ago: i64, extra: &str) -> Vec<u8> {
    let date = (Utc::now() - Duration::days(days_ago)).to_rfc2822();
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n\
         Message-ID: <{id}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n"
    )
    .into_bytes()
}

fn status_of(tickets: &[serde_json::Value], customer: &str) -> (String, bool) {
    let t = tickets
        .iter()
        .find(|t| t["customer"]["email"] == customer)
        .unwrap_or_else(|| panic!("no ticket of {customer}: {tickets:?}"));
    (
        t["status"].as_str().unwrap().to_string(),
        !t["due_at"].is_null(),
    )
}

#[test]
fn history_starts_where_it_stands_and_shop_replies_from_any_client_count() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    let (c1, c2, c3, c4) = (
        "customer1@example.test",
        "customer2@example.test",
        "customer3@example.test",
        "customer4@example.test",
    );
    stack.append(
        SHOP,
        "INBOX",
        &[
            // a month old, never answered here: long settled
            mail("old@c1", c1, SHOP, "Old question", 30, ""),
            // answered from another client yesterday: waits on the customer
            mail("asked@c2", c2, SHOP, "Wrong colour", 3, ""),
            // asked yesterday, not answered: ours to answer, but history raises no alarm
            mail("open@c3", c3, SHOP, "Size exchange", 1, ""),
        ],
    );
    stack.append(
        SHOP,
        "Sent",
        &[mail(
            "reply@shop",
            SHOP,
            c2,
            "Re: Wrong colour",
            1,
            "In-Reply-To: <asked@c2>\r\n",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(status_of(&tickets, c1), ("solved".into(), false));
    assert_eq!(status_of(&tickets, c2), ("pending".into(), false));
    assert_eq!(status_of(&tickets, c3), ("new".into(), false));
    assert!(list_json(&config, &db, &["is:breaching"]).is_empty());

    // After the first sync: new mail starts the clock, and a reply written in another
    // client (found in Sent) moves the ticket to pending; the customer's answer reopens.
    stack.append(
        SHOP,
        "INBOX",
        &[mail("new@c4", c4, SHOP, "Gift wrap?", 0, "")],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(
        status_of(&list_json(&config, &db, &[]), c4),
        ("new".into(), true)
    );
    stack.append(
        SHOP,
        "Sent",
        &[mail(
            "re4@shop",
            SHOP,
            c4,
            "Re: Gift wrap?",
            0,
            "In-Reply-To: <new@c4>\r\n",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(
        status_of(&list_json(&config, &db, &[]), c4),
        ("pending".into(), false)
    );
    stack.append(
        SHOP,
        "INBOX",
        &[mail(
            "again@c4",
            c4,
            SHOP,
            "Re: Gift wrap?",
            0,
            "In-Reply-To: <re4@shop>\r\n",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(status_of(&list_json(&config, &db, &[]), c4).0, "open");
    // An automatic message from the shop (an out-of-office of its own) is not an answer.
    stack.append(
        SHOP,
        "Sent",
        &[mail(
            "auto@shop",
            SHOP,
            c4,
            "Re: Gift wrap?",
            0,
            "In-Reply-To: <again@c4>\r\nAuto-Submitted: auto-replied\r\n",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(status_of(&list_json(&config, &db, &[]), c4).0, "open");
}
