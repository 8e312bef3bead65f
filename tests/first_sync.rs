//! A first sync killed part-way and run again, against a real Dovecot: what the resumed
//! run reports and what it acknowledges. Mail that was in the mailbox when shopdesk first
//! met it is history, however many runs the first sync takes.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{MailStack, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;
/// Two batches of up to 1,000, the second nearly as large, so a kill lands between them;
/// below the 2,000 from which a first sync loads its indexes in bulk.
const TOTAL: usize = 1900;

/// A customer mail dated now, from a sender of its own (no per-sender limit applies).
fn recent_mail(n: usize, from: &str) -> Vec<u8> {
    format!(
        "From: Customer {n} <{from}>\r\nTo: Shop <{SHOP}>\r\nSubject: Question {n} about my order\r\n\
         Date: {date}\r\nMessage-ID: <recent{n}@customer.example>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nHello, where is order {n}?\r\n",
        date = chrono::Utc::now().to_rfc2822(),
    )
    .into_bytes()
}

fn stored(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .and_then(|c| c.query_row("SELECT count(*) FROM messages", [], |r| r.get(0)))
        .unwrap_or(0)
}

/// Starts a first sync and kills it (SIGKILL) as soon as it has stored a batch; returns
/// how many messages it stored.
fn kill_first_sync_part_way(config: &Path, db: &Path) -> i64 {
    let mut child = shopdesk(config, db)
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !db.exists() || stored(db) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the first batch was never stored"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "sync ended before any batch"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let n = stored(db);
    assert!(
        n > 0 && n < TOTAL as i64,
        "the kill must land part-way: {n} of {TOTAL} stored"
    );
    n
}

fn mailbox_report(out: &str) -> serde_json::Value {
    let summary: serde_json::Value = serde_json::from_str(out).unwrap();
    summary[0]["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mailbox"] == "INBOX")
        .cloned()
        .unwrap()
}

fn acknowledgements(config: &Path, db: &Path) -> Vec<serde_json::Value> {
    let out = ok(shopdesk(config, db).args(["outbox", "list", "--all", "--json"]));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    rows.into_iter()
        .filter(|r| r["kind"] == "auto_ack")
        .collect()
}

#[test]
fn interrupted_first_sync_with_auto_ack_acknowledges_no_old_mail() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "[accounts.auto_ack]\nenabled = true");
    let db = tmp.path().join("shop.db");
    let backlog: Vec<_> = (0..TOTAL)
        .map(|i| recent_mail(i, &format!("buyer{i}@customer.example")))
        .collect();
    stack.append(SHOP, "INBOX", &backlog);

    let first = kill_first_sync_part_way(&config, &db);
    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    let inbox = mailbox_report(&out);
    assert_eq!(inbox["new_messages"], TOTAL as i64 - first, "{out}");
    assert_eq!(stored(&db), TOTAL as i64);
    // The resumed run answered none of the backlog, recent as it is.
    let acks = acknowledgements(&config, &db);
    assert!(
        acks.is_empty(),
        "{} acknowledgements of old mail, the first: {}",
        acks.len(),
        acks[0]
    );

    // Mail that arrives now is news: acknowledged, once.
    stack.append(
        SHOP,
        "INBOX",
        &[recent_mail(TOTAL, "customer1@example.test")],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    ok(shopdesk(&config, &db).arg("sync"));
    let acks = acknowledgements(&config, &db);
    assert_eq!(acks.len(), 1, "{acks:?}");
    assert_eq!(
        acks[0]["recipients"][0], "customer1@example.test",
        "{acks:?}"
    );
    let delivered = stack.wait_for_mail(
        "customer1@example.test",
        "INBOX",
        1,
        Duration::from_secs(20),
    );
    assert_eq!(
        delivered.len(),
        1,
        "the acknowledgement reached the customer"
    );
}

#[test]
fn resumed_first_sync_reports_only_real_flag_changes() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    let backlog: Vec<_> = (0..TOTAL)
        .map(|i| recent_mail(i, &format!("buyer{}@customer.example", i % 7)))
        .collect();
    stack.append(SHOP, "INBOX", &backlog);

    kill_first_sync_part_way(&config, &db);
    // What the killed run stored comes back from the server unchanged: no flag changes.
    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    assert_eq!(mailbox_report(&out)["flag_changes"], 0, "{out}");

    // One real change is reported as one.
    let mut other = stack.client(SHOP);
    other.select("INBOX").unwrap();
    other.uid_store("3", "+FLAGS (\\Seen)").unwrap();
    other.logout().unwrap();
    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    assert_eq!(mailbox_report(&out)["flag_changes"], 1, "{out}");
    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    assert_eq!(mailbox_report(&out)["flag_changes"], 0, "{out}");
}
