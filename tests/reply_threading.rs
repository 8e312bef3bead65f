//! The threading headers of our reply name the message as the customer's client knows it:
//! a message kept under a derived id (its Message-ID was another's too) is answered by
//! the id its sender gave it, and a message that had none is answered without any.

#![allow(clippy::unwrap_used)]

mod support;

use chrono::{Duration, Utc};
use shopdesk::store::Store;
use shopdesk::store::ingest::AccountIdentity;
use shopdesk::worker::import::ingest_raw;
use support::{list_json, ok, shopdesk};

const SHOP: &str = "support@shop.test";

fn mail(from: &str, subject: &str, id: Option<&str>, body: &str) -> Vec<u8> {
    let id = id
        .map(|i| format!("Message-ID: <{i}>\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\nTo: {SHOP}\r\nSubject: {subject}\r\nDate: {}\r\n{id}\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        (Utc::now() - Duration::hours(1)).to_rfc2822()
    )
    .into_bytes()
}

/// The `reply --dry-run` mail's header lines for the ticket of `customer`.
fn reply_headers(
    config: &std::path::Path,
    db: &std::path::Path,
    body: &std::path::Path,
    customer: &str,
) -> Vec<String> {
    let tickets = list_json(config, db, &[]);
    let ticket = tickets
        .iter()
        .find(|t| t["customer"]["email"] == customer)
        .unwrap_or_else(|| panic!("a ticket of {customer}: {tickets:?}"));
    let id = ticket["id"].to_string();
    let out = ok(shopdesk(config, db)
        .args(["reply", &id, "--dry-run", "--body-file"])
        .arg(body));
    out.lines()
        .take_while(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn our_reply_answers_the_message_id_the_customer_knows() {
    let tmp = tempfile::tempdir().unwrap();
    let config = support::sla_shop::config(tmp.path());
    let db = tmp.path().join("shop.db");
    let body = tmp.path().join("body.txt");
    std::fs::write(&body, "Thank you, it is on its way.\n").unwrap();
    {
        let mut store = Store::open(&db).unwrap();
        let account = AccountIdentity::new("shop", "shop", &[SHOP]);
        let form = Some("contact-form@shop.test");
        let raws = vec![
            mail("ann@customer.test", "Boots", form, "Where are my boots?"),
            // a web form that gives every message one Message-ID
            mail("ben@customer.test", "Laces", form, "Do you sell laces?"),
            mail("cem@customer.test", "Sizes", None, "Which size is a 42?"),
        ];
        ingest_raw(&mut store, &account, "INBOX", &raws).unwrap();
    }
    let ben = reply_headers(&config, &db, &body, "ben@customer.test");
    assert!(
        ben.iter()
            .any(|l| l == "In-Reply-To: <contact-form@shop.test>"),
        "{ben:?}"
    );
    assert!(
        ben.iter()
            .any(|l| l == "References: <contact-form@shop.test>"),
        "{ben:?}"
    );
    let cem = reply_headers(&config, &db, &body, "cem@customer.test");
    assert!(cem.iter().any(|l| l.starts_with("Subject: ")), "{cem:?}");
    assert!(
        !cem.iter()
            .any(|l| l.starts_with("In-Reply-To:") || l.starts_with("References:")),
        "{cem:?}"
    );
}
