//! The service-level digest against the real Postfix and Dovecot: a ticket past its first
//! reply target, `sync` twice, and the owner's mailbox holds exactly one digest naming it.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use serde_json::Value;
use shopdesk::mail::parse::parse_message;
use support::sla_shop::{always_open, mail};
use support::{MailStack, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;
const OWNER: &str = "customer5@example.test";

#[test]
fn sync_mails_one_digest_per_period_with_the_breached_ticket() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            r#"{}
[sla]
digest_to = "{OWNER}"
digest_every = "1d"

{}"#,
            stack.config_text(""),
            always_open("1h"),
        ),
    )
    .unwrap();
    let db = tmp.path().join("shop.db");
    let outbox = || -> Vec<Value> {
        let text = ok(shopdesk(&config, &db).args(["outbox", "list", "--all", "--json"]));
        serde_json::from_str::<Value>(&text)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "digest")
            .cloned()
            .collect()
    };
    // nothing late yet: no digest at all
    ok(shopdesk(&config, &db).arg("sync"));
    assert!(outbox().is_empty());
    stack.append(
        SHOP,
        "INBOX",
        &[mail(
            "late@customer.test",
            SHOP,
            "Broken zipper",
            "zipper@customer.test",
            None,
            Utc::now() - Duration::hours(2),
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    ok(shopdesk(&config, &db).arg("sync"));
    let rows = outbox();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["state"], "sent", "{row}");
    assert_eq!(row["ticket_id"], Value::Null, "{row}");
    assert_eq!(row["recipients"], serde_json::json!([OWNER]), "{row}");
    assert_eq!(row["subject"], "shopdesk: 1 breached, 0 approaching");
    let inbox = stack.wait_for_mail(OWNER, "INBOX", 1, StdDuration::from_secs(20));
    // delivery is asynchronous: give a second copy time to show up, were there one
    std::thread::sleep(StdDuration::from_secs(1));
    let inbox = if inbox.len() == 1 {
        stack.wait_for_mail(OWNER, "INBOX", 2, StdDuration::from_millis(500))
    } else {
        inbox
    };
    assert_eq!(inbox.len(), 1, "exactly one digest");
    let raw = String::from_utf8_lossy(&inbox[0]);
    assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
    let digest = parse_message(&inbox[0]);
    assert_eq!(digest.subject, "shopdesk: 1 breached, 0 approaching");
    assert!(digest.text.contains("Breached:"), "{}", digest.text);
    assert!(digest.text.contains("Broken zipper"), "{}", digest.text);
    assert!(digest.text.contains("first reply due"), "{}", digest.text);
    assert!(digest.text.contains("(standard)"), "{}", digest.text);
    // The digest is kept, on no ticket: the queues hold the customer's ticket alone.
    let tickets = support::list_json(&config, &db, &["status:pending"]);
    assert!(
        tickets.is_empty(),
        "the digest opened a ticket: {tickets:?}"
    );
    assert_eq!(support::list_json(&config, &db, &[]).len(), 1);
}
