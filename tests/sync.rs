//! IMAP sync against a real Dovecot: first and incremental sync, changes made by another
//! client, UIDVALIDITY reset, `sync --watch` (push and server restart), and a sync killed
//! with SIGKILL part-way.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::messages::{batch, customer_mail, customer_reply};
use support::{MailStack, list_json, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;

fn db_count(db: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open db");
    conn.query_row(sql, [], |r| r.get(0)).expect("count")
}

#[test]
fn first_then_incremental_sync() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");

    let first = customer_mail(
        1,
        "anna@customer.example",
        "Where is my order?",
        "Order 1001 is late.",
    );
    let reply = customer_reply(
        2,
        "anna@customer.example",
        "Where is my order?",
        "c1.18@customer.example",
        "Any news?",
    );
    let other = customer_mail(
        3,
        "ben@customer.example",
        "Wrong size",
        "The shoes are too small.",
    );
    stack.append(SHOP, "INBOX", &[first, other]);

    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary[0]["mailboxes"][0]["new_messages"], 2, "{out}");
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 2);

    // The database file is private to its owner.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "database mode is {mode:o}");

    // Incremental: only the new message is fetched; it threads onto Anna's ticket.
    stack.append(SHOP, "INBOX", &[reply]);
    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary[0]["mailboxes"][0]["new_messages"], 1, "{out}");
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 2);
    let anna = tickets
        .iter()
        .find(|t| t["customer"]["email"] == "anna@customer.example")
        .expect("Anna's ticket");
    assert_eq!(anna["message_count"], 2);
    let id = anna["id"].as_i64().unwrap().to_string();
    let shown: serde_json::Value =
        serde_json::from_str(&ok(shopdesk(&config, &db).args(["show", &id, "--json"]))).unwrap();
    let placed: Vec<_> = shown["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["placed_by"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(placed, ["new", "references"]);

    // Nothing changed: the resync fetches nothing and changes nothing.
    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary[0]["mailboxes"][0]["new_messages"], 0, "{out}");
    assert_eq!(db_count(&db, "SELECT count(*) FROM messages"), 3);
}

#[test]
fn flag_change_and_expunge_by_another_client() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    stack.append(SHOP, "INBOX", &batch(0, 5));
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(db_count(&db, "SELECT count(*) FROM message_locations"), 5);

    // Another client reads message 2 and deletes message 4.
    let mut other = stack.client(SHOP);
    other.select("INBOX").unwrap();
    other.uid_store("2", "+FLAGS (\\Seen \\Flagged)").unwrap();
    other.uid_store("4", "+FLAGS (\\Deleted)").unwrap();
    other.expunge().unwrap();
    other.logout().unwrap();

    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mb = &summary[0]["mailboxes"][0];
    assert_eq!(mb["expunged"], 1, "{out}");
    assert_eq!(mb["flag_changes"], 1, "{out}");
    let flags: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT flags FROM message_locations WHERE uid = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        flags.contains("\\Seen") && flags.contains("\\Flagged"),
        "{flags}"
    );
    assert_eq!(db_count(&db, "SELECT count(*) FROM message_locations"), 4);
    // The expunged message stays in its ticket's history: nothing is lost locally.
    assert_eq!(db_count(&db, "SELECT count(*) FROM messages"), 5);
}

#[test]
fn uidvalidity_reset_of_a_utf7_folder_refetches_without_duplicates() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let folder = "Ärenden/Retur";
    let config = stack.write_config(
        tmp.path(),
        &format!("folders = [\"INBOX\", \"{folder}\"]\n[accounts.auto_ack]\nenabled = true"),
    );
    let db = tmp.path().join("shop.db");
    let mails = batch(0, 4);
    stack.append(SHOP, folder, &mails);
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(db_count(&db, "SELECT count(*) FROM messages"), 4);

    // Deleting and re-creating the folder gives it a new UIDVALIDITY. It comes back with
    // a recent mail never seen here, which the refetch finds among the old.
    let mut other = stack.client(SHOP);
    let name = shopdesk::mail::imap::encode_mailbox(folder);
    other.delete(&name).unwrap();
    other.logout().unwrap();
    let unseen = format!(
        "From: customer2@example.test\r\nTo: {SHOP}\r\nSubject: Moved here\r\nDate: {}\r\n\
         Message-ID: <moved1@example.test>\r\n\r\nFiled by another client.\r\n",
        chrono::Utc::now().to_rfc2822()
    );
    let mut refiled = mails[1..].to_vec();
    refiled.push(unseen.into_bytes());
    stack.append(SHOP, folder, &refiled);

    let out = ok(shopdesk(&config, &db).args(["sync", "--json"]));
    assert!(out.contains("\"uidvalidity_reset\": true"), "{out}");
    // Same messages, once each, re-attached to their new UIDs.
    assert_eq!(db_count(&db, "SELECT count(*) FROM messages"), 5);
    assert_eq!(db_count(&db, "SELECT count(*) FROM message_locations"), 4);
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 5);
    // After a reset the folder's content is history, like at first contact: the refetch
    // acknowledges nothing.
    assert_eq!(db_count(&db, "SELECT count(*) FROM outbox"), 0);
}

/// Polls `list --json` until `pred` holds, returning how long it took.
fn wait_for(
    config: &std::path::Path,
    db: &std::path::Path,
    limit: Duration,
    pred: impl Fn(&[serde_json::Value]) -> bool,
) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if pred(&list_json(config, db, &[])) {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_applies_pushed_mail_and_survives_a_server_restart() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    stack.append(SHOP, "INBOX", &batch(0, 2));

    let log = std::fs::File::create(tmp.path().join("watch.log")).unwrap();
    let _watch = Child(
        shopdesk(&config, &db)
            .args(["sync", "--watch"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let log_text = || std::fs::read_to_string(tmp.path().join("watch.log")).unwrap_or_default();
    let first = wait_for(&config, &db, Duration::from_secs(30), |t| t.len() == 2);
    assert!(
        first.is_some(),
        "initial sync under --watch; log:\n{}",
        log_text()
    );
    eprintln!("initial sync under --watch: {first:?}");
    // Let the watcher settle into IDLE.
    std::thread::sleep(Duration::from_millis(500));

    let sent = Instant::now();
    stack.send(
        "carl@example.test",
        &[SHOP],
        &customer_mail(
            7,
            "carl@example.test",
            "Return label",
            "Please send a return label.",
        ),
    );
    let waited = wait_for(&config, &db, Duration::from_secs(10), |t| t.len() == 3);
    let log_text = || std::fs::read_to_string(tmp.path().join("watch.log")).unwrap_or_default();
    assert!(
        waited.is_some(),
        "pushed mail never arrived; log:\n{}",
        log_text()
    );
    eprintln!("SMTP accept → visible in list: {:?}", sent.elapsed());
    let restarted = Instant::now();

    // Dovecot goes away and comes back: the watcher reconnects and keeps applying mail.
    stack.restart_imap();
    stack.send(
        "dana@example.test",
        &[SHOP],
        &customer_mail(
            8,
            "dana@example.test",
            "Invoice please",
            "Can I get an invoice?",
        ),
    );
    assert!(
        wait_for(&config, &db, Duration::from_secs(30), |t| t.len() == 4).is_some(),
        "watcher did not recover after the restart; log:\n{}",
        log_text()
    );
    eprintln!("restart → mail visible again: {:?}", restarted.elapsed());
}

#[test]
fn sync_killed_midway_then_rerun_has_every_message_exactly_once() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    let total = 3000;
    stack.append(SHOP, "INBOX", &batch(0, total));

    // Kill the sync at growing delays, each run resuming the previous one's work.
    let mut seen_partial = false;
    for delay_ms in [150u64, 400, 700, 1000, 1500] {
        let mut child = shopdesk(&config, &db)
            .arg("sync")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        // kill() sends SIGKILL.
        let _ = child.kill();
        let _ = child.wait();
        if db.exists() {
            let n = db_count(&db, "SELECT count(*) FROM messages");
            assert!(n <= total as i64);
            if n > 0 && n < total as i64 {
                seen_partial = true;
            }
        }
    }
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(db_count(&db, "SELECT count(*) FROM messages"), total as i64);
    assert_eq!(
        db_count(&db, "SELECT count(*) FROM message_locations"),
        total as i64
    );
    assert_eq!(
        db_count(&db, "SELECT count(DISTINCT message_id) FROM messages"),
        total as i64
    );
    let uids: HashSet<i64> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut st = conn.prepare("SELECT uid FROM message_locations").unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(uids.len(), total);
    assert_eq!(
        db_count(&db, "SELECT sum(message_count) FROM tickets"),
        total as i64
    );
    if !seen_partial {
        eprintln!("note: no kill landed mid-batch on this machine");
    }
    let integrity: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    // The full-text indexes were loaded in bulk, through the kills: every message is
    // found by its words and its sender, and the merge settings are FTS5's own again.
    assert_eq!(
        db_count(
            &db,
            "SELECT count(*) FROM message_fts WHERE message_fts MATCH 'late'"
        ),
        total as i64
    );
    assert_eq!(
        db_count(
            &db,
            "SELECT count(*) FROM message_senders WHERE from_email LIKE '%@customer.example%'"
        ),
        total as i64
    );
    assert_eq!(
        db_count(
            &db,
            "SELECT count(*) FROM message_fts_config WHERE k = 'automerge' AND v = 4"
        ),
        1
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    for table in ["message_fts", "message_senders"] {
        conn.execute(
            &format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"),
            [],
        )
        .unwrap_or_else(|e| panic!("{table}: {e}"));
    }
}

#[test]
fn tls_and_starttls_with_the_shops_own_ca() {
    let stack = MailStack::start();
    stack.append(SHOP, "INBOX", &batch(0, 2));
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("shop.db");
    let base = stack.config_text("");
    for (port, security) in [(stack.imaps, "tls"), (stack.imap, "starttls")] {
        let text = base.replacen(
            &format!("port = {}\nsecurity = \"none\"", stack.imap),
            &format!(
                "port = {port}\nsecurity = \"{security}\"\nca_file = \"{}\"",
                stack.cert().display()
            ),
            1,
        );
        let config = tmp.path().join(format!("{security}.toml"));
        std::fs::write(&config, text).unwrap();
        ok(shopdesk(&config, &db).arg("sync"));
        assert_eq!(list_json(&config, &db, &[]).len(), 2, "{security}");
    }
}

/// Starts `shopdesk` with its stderr going to `log`, for a child that runs a while.
fn spawn_logged(cmd: &mut std::process::Command, log: &std::path::Path) -> Child {
    let err = std::fs::File::create(log).unwrap();
    Child(
        cmd.stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .expect("start shopdesk"),
    )
}

#[test]
fn two_syncs_a_watch_and_a_bulk_reply_write_one_database_at_once() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    // Tickets already, for the bulk reply to answer while the syncs write; from customers
    // of the test stack, so the replies are delivered and nothing bounces.
    let seed: Vec<_> = (0..200)
        .map(|i| {
            customer_mail(
                i,
                &format!("customer{}@example.test", 1 + i % 5),
                &format!("Question {i} about my order"),
                "Hello, when does it ship?",
            )
        })
        .collect();
    stack.append(SHOP, "INBOX", &seed);
    ok(shopdesk(&config, &db).arg("sync"));
    let total = 1700;
    stack.append(SHOP, "INBOX", &batch(200, total - 200));

    let watch_log = tmp.path().join("watch.log");
    let _watch = spawn_logged(shopdesk(&config, &db).args(["sync", "--watch"]), &watch_log);
    let syncs: Vec<_> = (0..2)
        .map(|i| {
            let log = tmp.path().join(format!("sync{i}.log"));
            (spawn_logged(shopdesk(&config, &db).arg("sync"), &log), log)
        })
        .collect();
    let bulk = run_bulk(&config, &db);
    for (mut child, log) in syncs {
        let status = child.0.wait().unwrap();
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(status.success(), "a sync failed ({status}):\n{text}");
        assert!(!text.contains("locked"), "{text}");
    }
    assert!(
        bulk.status.success(),
        "bulk-reply failed:\n{}",
        support::stderr(&bulk)
    );
    // The watcher applied its share without an error.
    assert!(
        wait_for(&config, &db, Duration::from_secs(30), |t| t.len() == total).is_some(),
        "not every message became a ticket"
    );
    let watch_text = std::fs::read_to_string(&watch_log).unwrap_or_default();
    assert!(
        !watch_text.contains("shopdesk:"),
        "watch reported:\n{watch_text}"
    );
    assert_eq!(
        db_count(&db, "SELECT count(*) FROM messages WHERE direction = 'in'"),
        total as i64
    );
    assert_eq!(
        db_count(
            &db,
            "SELECT count(DISTINCT uid) FROM message_locations l JOIN mailboxes b ON b.id = l.mailbox_id WHERE b.name = 'INBOX'"
        ),
        total as i64
    );
    assert_eq!(
        db_count(&db, "SELECT count(*) FROM outbox WHERE kind = 'reply'"),
        200,
        "one bulk reply per ticket that existed when it ran"
    );
}

fn run_bulk(config: &std::path::Path, db: &std::path::Path) -> std::process::Output {
    support::run(shopdesk(config, db).args([
        "bulk-reply",
        "--query",
        "status:new",
        "--template",
        "sizing",
        "--yes",
        "--queue-only",
        "--limit",
        "200",
    ]))
}

#[test]
fn watch_shows_new_mail_within_five_seconds_after_every_server_restart() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    stack.append(SHOP, "INBOX", &batch(0, 1));
    let log = tmp.path().join("watch.log");
    let _watch = spawn_logged(shopdesk(&config, &db).args(["sync", "--watch"]), &log);
    let stored = |n: i64| db.exists() && db_count(&db, "SELECT count(*) FROM messages") >= n;
    let wait_stored = |n: i64, limit: Duration| {
        let start = Instant::now();
        while start.elapsed() < limit {
            if stored(n) {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    };
    assert!(
        wait_stored(1, Duration::from_secs(30)).is_some(),
        "initial sync under --watch; log:\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    for round in 1..=4 {
        // The server goes away and comes back; the mail is appended once it answers again.
        stack.restart_imap();
        stack.append(SHOP, "INBOX", &batch(round, 1));
        let waited = wait_stored(1 + round as i64, Duration::from_secs(5));
        assert!(
            waited.is_some(),
            "restart {round}: the new mail was not stored within 5 s; log:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        eprintln!("restart {round}: stored after {waited:?}");
    }
}

/// Message sources the protocol reader must not mistake for protocol: lines that end
/// announcing a literal, tagged and untagged response lines, a closing parenthesis alone,
/// a bare CR, 8-bit bytes, no final line break, and one message of 100,000 lines.
/// Every one arrives byte for byte, in the server's own fetch and in what sync stores.
#[test]
fn message_sources_that_look_like_protocol_arrive_byte_for_byte() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");

    let head = |n: usize, subject: &str| {
        format!(
            "From: Anna <anna{n}@customer.example>\r\nTo: {SHOP}\r\nSubject: {subject}\r\n\
             Message-ID: <literal{n}@customer.example>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\n"
        )
    };
    let mut messages: Vec<Vec<u8>> = Vec::new();
    messages.push(
        format!(
            "{}my parcel {{5}}\r\nhello\r\n* 1 FETCH (UID 1 BODY[] {{12}}\r\nA1 OK done\r\n)\r\n\
             a0003 OK Fetch completed.\r\n~{{3}}\r\n{{0}}\r\n",
            head(1, "Order {12}")
        )
        .into_bytes(),
    );
    let mut odd = head(2, "Bytes").into_bytes();
    // (the server sends a bare LF as CRLF, so there is none here)
    odd.extend_from_slice(b"bare\rcr \xe9t\xe9 {7}\r\n)\r\n(no final break {2}");
    messages.push(odd);
    let mut long = head(3, "A long one");
    for i in 0..100_000 {
        long.push_str(&format!("line {i} {{{i}}}\r\n"));
    }
    messages.push(long.into_bytes());
    messages.push(format!("{}{{1}}\r\n", head(4, "Ends announcing")).into_bytes());
    stack.append(SHOP, "INBOX", &messages);

    let mut session = stack.client(SHOP);
    let fetched = support::mailstack::fetch_all(&mut session, "INBOX");
    assert_eq!(fetched, messages, "the server's sources, as fetched");

    ok(shopdesk(&config, &db).arg("sync"));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stored: Vec<Vec<u8>> = conn
        .prepare(
            "SELECT r.raw FROM raw_messages r JOIN message_locations l ON l.message = r.message_id
              ORDER BY l.uid",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored.len(), messages.len());
    stored.truncate(messages.len());
    assert_eq!(stored, messages, "what sync stored");
}
