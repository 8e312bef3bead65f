//! `customer EMAIL [--json]`, `customer note`, `customer merge` and `customer unmerge` as
//! scripts call them, on tickets synced from the test Dovecot and orders imported from a
//! generic export: the JSON contract, options in every position, exit codes 0/1/2.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use support::messages::customer_mail;
use support::{MailStack, ok, run, shopdesk, stderr, stdout};

const SHOP: &str = support::mailstack::SHOP;
const ANNA: &str = "anna@example.test";
const WORK: &str = "anna.work@example.test";

/// Anna writes from two addresses (two customers until merged), Bo from one; Anna's
/// orders are on both addresses.
fn shop(stack: &MailStack, dir: &Path) -> (PathBuf, PathBuf) {
    let config = stack.write_config(dir, "");
    let db = dir.join("shop.db");
    stack.append(
        SHOP,
        "INBOX",
        &[
            customer_mail(1, ANNA, "Where is my order?", "Order 1001, please."),
            customer_mail(2, WORK, "Invoice", "An invoice for 1002, please."),
            customer_mail(3, "bo@example.test", "Hello", "A question."),
        ],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let orders = dir.join("orders.csv");
    std::fs::write(
        &orders,
        format!(
            "number,email,status,created_at,total,currency,tracking_number,items\n\
             1001,{ANNA},shipped,2026-11-20,49.90,EUR,1Z5R89390357567127,1 x Trail shoes\n\
             1002,{WORK},paid,2026-11-22,12.00,EUR,,2 x Socks\n"
        ),
    )
    .unwrap();
    ok(shopdesk(&config, &db)
        .arg("orders")
        .arg("import")
        .arg(&orders));
    (config, db)
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn keys(v: &serde_json::Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn customer(config: &Path, db: &Path, email: &str) -> serde_json::Value {
    json(&ok(shopdesk(config, db).args(["customer", email, "--json"])))
}

fn ticket_subjects(c: &serde_json::Value) -> Vec<&str> {
    let mut s: Vec<&str> = c["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap())
        .collect();
    s.sort_unstable();
    s
}

#[test]
fn customer_history_as_json_with_options_anywhere() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(&stack, tmp.path());
    let lines = [
        vec!["customer", ANNA, "--json"],
        vec!["customer", "--json", ANNA],
        vec!["customer", "--json", "Anna@Example.TEST"],
    ];
    let mut seen = Vec::new();
    for args in lines {
        seen.push(json(&ok(shopdesk(&config, &db).args(&args))));
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    let c = &seen[0];
    assert_eq!(
        keys(c),
        [
            "addresses",
            "email",
            "language",
            "name",
            "note",
            "orders",
            "tickets"
        ]
    );
    assert_eq!(c["email"], ANNA);
    assert_eq!(c["name"], "Customer 1");
    assert_eq!(c["addresses"], serde_json::json!([ANNA]));
    let t = &c["tickets"][0];
    assert_eq!(keys(t), ["id", "status", "subject", "updated_at"]);
    assert_eq!(t["subject"], "Where is my order?");
    assert_eq!(t["status"], "new");
    let orders = c["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "only this address's orders before a merge");
    assert_eq!(orders[0]["number"], "1001");
    assert_eq!(orders[0]["carrier"], "UPS");
    assert_eq!(
        orders[0]["tracking_url"],
        "https://www.ups.com/track?tracknum=1Z5R89390357567127"
    );

    // People get the same in lines.
    let text = ok(shopdesk(&config, &db).args(["customer", ANNA]));
    assert!(text.contains("Where is my order?"), "{text}");
    assert!(
        text.contains("#1001") && text.contains("49.90 EUR"),
        "{text}"
    );

    // Unknown customer, no address, unknown option: usage errors.
    for args in [
        vec!["customer", "nobody@example.test"],
        vec!["customer", "--json", "nobody@example.test"],
        vec!["customer"],
        vec!["customer", ANNA, "--jsn"],
    ] {
        let o = run(shopdesk(&config, &db).args(&args));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
    let o = run(shopdesk(&config, &db).args(["customer", "nobody@example.test"]));
    assert!(
        stderr(&o).contains("no customer nobody@example.test"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn merge_note_and_unmerge() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(&stack, tmp.path());

    let o = run(shopdesk(&config, &db).args(["customer", "merge", ANNA, WORK]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 address and 1 ticket"),
        "{}",
        stderr(&o)
    );
    for email in [ANNA, WORK] {
        let c = customer(&config, &db, email);
        assert_eq!(c["addresses"], serde_json::json!([WORK, ANNA]));
        assert_eq!(ticket_subjects(&c), ["Invoice", "Where is my order?"]);
        let numbers: Vec<&str> = c["orders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["number"].as_str().unwrap())
            .collect();
        assert_eq!(
            numbers,
            ["1002", "1001"],
            "newest first, from both addresses"
        );
    }
    // Twice is an error; a stranger is a usage error.
    let o = run(shopdesk(&config, &db).args(["customer", "merge", ANNA, WORK]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("one customer already"),
        "{}",
        stderr(&o)
    );
    let o = run(shopdesk(&config, &db).args(["customer", "merge", ANNA, "x@example.test"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(shopdesk(&config, &db).args(["customer", "merge", ANNA]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // The note, with its words in any position around the address.
    ok(shopdesk(&config, &db).args(["customer", "note", WORK, "prefers", "e-mail"]));
    assert_eq!(customer(&config, &db, ANNA)["note"], "prefers e-mail");
    ok(shopdesk(&config, &db).args(["customer", "note", "--clear", ANNA]));
    assert!(customer(&config, &db, ANNA)["note"].is_null());
    for args in [
        vec!["customer", "note", ANNA],
        vec!["customer", "note", "nobody@example.test", "hi"],
    ] {
        let o = run(shopdesk(&config, &db).args(&args));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }

    // The merge is undone; once.
    let o = run(shopdesk(&config, &db).args(["customer", "unmerge", ANNA, WORK]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        ticket_subjects(&customer(&config, &db, ANNA)),
        ["Where is my order?"]
    );
    let work = customer(&config, &db, WORK);
    assert_eq!(ticket_subjects(&work), ["Invoice"]);
    assert_eq!(work["addresses"], serde_json::json!([WORK]));
    let o = run(shopdesk(&config, &db).args(["customer", "unmerge", ANNA, WORK]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("was not merged"), "{}", stderr(&o));
}
