//! Exactly once, under concurrency and faults, through the real Postfix into Dovecot: a
//! watcher and a paced bulk sending at once, a sender killed while a large message is on
//! the wire, a cancel during a bulk.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use shopdesk::mail::parse::parse_message;
use support::messages::customer_mail;
use support::{MailStack, list_json, ok, run, setup, shopdesk, stderr};

const SHOP: &str = support::mailstack::SHOP;

/// `n` questions, as tickets, from the stack's five customers in turn (the first five
/// tickets are one per customer); returns the customers who asked.
fn customers_asking(stack: &MailStack, config: &Path, db: &Path, n: usize) -> Vec<String> {
    let who = |i: usize| format!("customer{}@example.test", i % 5 + 1);
    let mails: Vec<Vec<u8>> = (0..n)
        .map(|i| {
            customer_mail(
                i,
                &who(i),
                &format!("Where is order {i}?"),
                "Has it shipped?",
            )
        })
        .collect();
    stack.append(SHOP, "INBOX", &mails);
    ok(shopdesk(config, db).arg("sync"));
    assert_eq!(list_json(config, db, &[]).len(), n);
    (0..n.min(5)).map(who).collect()
}

/// Message-IDs in each customer's INBOX once `expected` mails have arrived in all (or the
/// time is up), after a pause for stragglers that would be duplicates.
fn delivered(
    stack: &MailStack,
    customers: &[String],
    expected: usize,
) -> HashMap<String, Vec<String>> {
    let deadline = Instant::now() + Duration::from_secs(30);
    for c in customers {
        let left = deadline.saturating_duration_since(Instant::now());
        stack.wait_for_mail(c, "INBOX", expected, left);
    }
    std::thread::sleep(Duration::from_secs(2));
    customers
        .iter()
        .map(|c| {
            let ids = stack
                .wait_for_mail(c, "INBOX", 0, Duration::ZERO)
                .iter()
                .filter_map(|raw| parse_message(raw).message_id)
                .collect();
            (c.clone(), ids)
        })
        .collect()
}

fn sent_copies(stack: &MailStack) -> Vec<String> {
    let mut shop = stack.client(SHOP);
    let ids = support::mailstack::fetch_all(&mut shop, "Sent")
        .iter()
        .filter_map(|raw| parse_message(raw).message_id)
        .collect();
    let _ = shop.logout();
    ids
}

fn outbox_rows(config: &Path, db: &Path) -> Vec<serde_json::Value> {
    serde_json::from_str(&ok(
        shopdesk(config, db).args(["outbox", "list", "--all", "--json"])
    ))
    .unwrap()
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_watcher_and_a_paced_bulk_send_every_reply_once() {
    let stack = MailStack::start();
    let (_tmp, config, db) = setup(&stack, "");
    let customers = customers_asking(&stack, &config, &db, 30);
    let watcher = shopdesk(&config, &db)
        .args(["sync", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let bulk = run(shopdesk(&config, &db).args([
        "bulk-reply",
        "--query",
        "status:new",
        "--template",
        "sizing",
        "--rate",
        "300/min",
        "--yes",
    ]));
    let took = started.elapsed();
    assert!(bulk.status.success(), "{}", stderr(&bulk));
    assert!(stderr(&bulk).contains("30 sent"), "{}", stderr(&bulk));
    // 30 at 300 a minute: the pace holds whoever sends (six seconds, less the first).
    assert!(took >= Duration::from_secs(5), "{took:?}");
    let got = delivered(&stack, &customers, 6);
    stop(watcher);
    let mut all: Vec<&String> = got.values().flatten().collect();
    for (c, ids) in &got {
        assert_eq!(ids.len(), 6, "{c} got {ids:?}");
    }
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 30, "every reply once");
    let mut sent = sent_copies(&stack);
    sent.sort();
    let before = sent.len();
    sent.dedup();
    assert_eq!((before, sent.len()), (30, 30), "one Sent copy each");
    for row in outbox_rows(&config, &db) {
        assert_eq!(row["state"], "sent", "{row}");
    }
}

#[test]
fn a_sender_killed_while_a_large_reply_is_on_the_wire_delivers_it_once() {
    let stack = MailStack::start();
    let (tmp, config, db) = setup(&stack, "");
    let customers = customers_asking(&stack, &config, &db, 1);
    let ticket = list_json(&config, &db, &[])[0]["id"].to_string();
    // 20 MB of attachment keeps the content on the wire long enough to be cut off.
    let big = tmp.path().join("catalogue.bin");
    let noise: Vec<u8> = (0..20_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&big, noise).unwrap();
    ok(shopdesk(&config, &db).args([
        "reply",
        &ticket,
        "--template",
        "sizing",
        "--attach",
        big.to_str().unwrap(),
        "--queue-only",
    ]));

    let mut cut_mid_content = 0;
    for attempt in 0..4 {
        let mut flusher = shopdesk(&config, &db)
            .args(["outbox", "flush"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill it once the content is going out and before the server has all of it.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut killed = false;
        while Instant::now() < deadline && flusher.try_wait().unwrap().is_none() {
            if wire_marks(&db) == Some((true, false)) {
                let _ = flusher.kill();
                killed = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = flusher.wait();
        if killed {
            cut_mid_content += 1;
        } else {
            eprintln!("attempt {attempt}: the flush finished before it could be cut off");
            break;
        }
    }
    assert!(cut_mid_content > 0, "never caught the content on the wire");
    ok(shopdesk(&config, &db).args(["outbox", "flush"]));
    let got = delivered(&stack, &customers, 1);
    assert_eq!(got[&customers[0]].len(), 1, "{got:?}");
    assert_eq!(sent_copies(&stack).len(), 1);
    let rows = outbox_rows(&config, &db);
    assert_eq!(rows[0]["state"], "sent");
    assert!(rows[0]["attempts"].as_i64().unwrap() > 1, "{}", rows[0]);
}

/// (content going out, content and dot out) of the only outbox row, read from the database
/// as the test's own observer.
fn wire_marks(db: &Path) -> Option<(bool, bool)> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.query_row(
        "SELECT data_at IS NOT NULL, content_at IS NOT NULL FROM outbox ORDER BY id LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .ok()
}

#[test]
fn a_cancel_during_a_bulk_holds_and_a_late_one_says_so() {
    let stack = MailStack::start();
    let (_tmp, config, db) = setup(&stack, "");
    let customers = customers_asking(&stack, &config, &db, 4);
    // One a second: the last rows are still waiting while the first are out.
    let bulk = shopdesk(&config, &db)
        .args([
            "bulk-reply",
            "--query",
            "status:new",
            "--template",
            "sizing",
            "--rate",
            "60/min",
            "--yes",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first reply to be out, then cancel the last one and try the first.
    let deadline = Instant::now() + Duration::from_secs(20);
    let rows = loop {
        let rows = outbox_rows(&config, &db);
        if rows.len() == 4 && rows[0]["state"] == "sent" {
            break rows;
        }
        assert!(
            Instant::now() < deadline,
            "the bulk did not start: {rows:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let last = rows[3]["id"].to_string();
    let first = rows[0]["id"].to_string();
    let cancel = run(shopdesk(&config, &db).args(["outbox", "cancel", &last]));
    assert!(cancel.status.success(), "{}", stderr(&cancel));
    let late = run(shopdesk(&config, &db).args(["outbox", "cancel", &first]));
    assert_eq!(late.status.code(), Some(1), "{}", stderr(&late));
    assert!(stderr(&late).contains("too late"), "{}", stderr(&late));

    let out = bulk.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("3 sent"), "{err}");
    let cancelled_customer = rows[3]["recipients"][0].as_str().unwrap();
    let answered: Vec<String> = customers
        .iter()
        .filter(|c| c.as_str() != cancelled_customer)
        .cloned()
        .collect();
    assert_eq!(answered.len(), 3);
    for (c, ids) in delivered(&stack, &answered, 1) {
        assert_eq!(ids.len(), 1, "{c}: {ids:?}");
    }
    let none = stack.wait_for_mail(cancelled_customer, "INBOX", 0, Duration::ZERO);
    assert!(none.is_empty(), "the cancelled reply went out");
    let states: Vec<String> = outbox_rows(&config, &db)
        .iter()
        .map(|r| r["state"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(states, ["sent", "sent", "sent", "cancelled"]);
}

#[test]
fn replies_go_out_over_implicit_tls_and_starttls_with_the_shops_own_ca() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("shop.db");
    let plain = stack.write_config(tmp.path(), "");
    let customers = customers_asking(&stack, &plain, &db, 2);
    let base = stack.config_text("");
    let plain_smtp = format!("port = {}\nsecurity = \"none\"", stack.smtp);
    assert!(base.contains(&plain_smtp), "{base}");
    let tickets = list_json(&plain, &db, &[]);
    for (i, (port, security)) in [(stack.smtps, "tls"), (stack.smtp, "starttls")]
        .into_iter()
        .enumerate()
    {
        let text = base.replacen(
            &plain_smtp,
            &format!(
                "port = {port}\nsecurity = \"{security}\"\nca_file = \"{}\"",
                stack.cert().display()
            ),
            1,
        );
        let config = tmp.path().join(format!("{security}.toml"));
        std::fs::write(&config, text).unwrap();
        let ticket = tickets[i]["id"].to_string();
        let o = run(shopdesk(&config, &db).args(["reply", &ticket, "--template", "sizing"]));
        assert!(o.status.success(), "{security}: {}", stderr(&o));
    }
    let got = delivered(&stack, &customers, 1);
    for (c, ids) in &got {
        assert_eq!(ids.len(), 1, "{c}: {ids:?}");
    }
}

#[test]
fn a_permanent_refusal_is_not_retried_until_asked() {
    let stack = MailStack::start();
    let (_tmp, config, db) = setup(&stack, "");
    // A customer the server does not know: Postfix refuses the recipient for good.
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            "nobody@example.test",
            "Hello?",
            "Is anyone there?",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let ticket = list_json(&config, &db, &[])[0]["id"].to_string();
    let o = run(shopdesk(&config, &db).args(["reply", &ticket, "--template", "sizing"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let row = &outbox_rows(&config, &db)[0];
    assert_eq!(
        (row["state"].as_str(), row["permanent"].as_bool()),
        (Some("failed"), Some(true)),
        "{row}"
    );
    let id = row["id"].to_string();
    // The reply says it waits for `outbox retry`, not that a flush retries it.
    let said = stderr(&o);
    assert!(said.contains("refused by the server: 550"), "{said}");
    assert!(
        said.contains(&format!("run `shopdesk outbox retry {id}`")),
        "{said}"
    );
    assert!(!said.contains("outbox flush"), "{said}");
    let listed = ok(shopdesk(&config, &db).args(["outbox", "list"]));
    assert!(
        listed.contains("refused") && listed.contains("outbox retry"),
        "{listed}"
    );

    // A flush leaves it alone; `outbox retry` makes it due, and the next flush tries once.
    ok(shopdesk(&config, &db).args(["outbox", "flush"]));
    assert_eq!(outbox_rows(&config, &db)[0]["attempts"], 1);
    ok(shopdesk(&config, &db).args(["outbox", "retry", &id]));
    let o = run(shopdesk(&config, &db).args(["outbox", "flush"]));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(outbox_rows(&config, &db)[0]["attempts"], 2);
    // Only a failed reply can be retried; an unknown one is a usage error.
    let o = run(shopdesk(&config, &db).args(["outbox", "retry", "999"]));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_reply_delivered_but_not_yet_filed_counts_as_sent_and_is_filed_later() {
    let stack = MailStack::start();
    let (tmp, good, db) = setup(&stack, "");
    let customers = customers_asking(&stack, &good, &db, 1);
    let ticket = list_json(&good, &db, &[])[0]["id"].to_string();
    // A Sent folder the server does not have: the APPEND fails after delivery.
    let broken = tmp.path().join("broken.toml");
    std::fs::write(&broken, stack.config_text("sent_folder = \"Nowhere\"")).unwrap();
    let o = run(shopdesk(&broken, &db).args(["reply", &ticket, "--template", "sizing"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not filed in Sent yet"),
        "{}",
        stderr(&o)
    );
    let listed = ok(shopdesk(&broken, &db).args(["outbox", "list"]));
    assert!(listed.contains("filing"), "{listed}");
    // The next flush with the folder back files the copy, and sends nothing again.
    ok(shopdesk(&good, &db).args(["outbox", "flush"]));
    let got = delivered(&stack, &customers, 1);
    assert_eq!(got[&customers[0]].len(), 1, "{got:?}");
    assert_eq!(sent_copies(&stack).len(), 1);
    assert_eq!(outbox_rows(&good, &db)[0]["state"], "sent");
}

/// The stack's config with a password the SMTP server turns down (IMAP keeps the good one).
fn wrong_smtp_password(stack: &MailStack, dir: &Path) -> std::path::PathBuf {
    let text = stack.config_text("");
    let good = "password_env = \"SHOPDESK_TEST_PASSWORD\"\n";
    let at = text.rfind(good).unwrap();
    let text = format!(
        "{}password = \"not-the-password\"\n{}",
        &text[..at],
        &text[at + good.len()..]
    );
    let path = dir.join("wrong-smtp.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The stack's config with an SMTP port nothing listens on: a failure that passes.
fn closed_smtp_port(stack: &MailStack, dir: &Path) -> std::path::PathBuf {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let text = stack.config_text("");
    let smtp = format!("port = {}\n", stack.smtp);
    let at = text.rfind(&smtp).unwrap();
    let text = format!("{}port = {port}\n{}", &text[..at], &text[at + smtp.len()..]);
    let path = dir.join("closed-smtp.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_reply_not_sent_says_what_becomes_of_it() {
    let stack = MailStack::start();
    let (tmp, config, db) = setup(&stack, "");
    customers_asking(&stack, &config, &db, 2);
    let tickets: Vec<String> = list_json(&config, &db, &[])
        .iter()
        .map(|t| t["id"].to_string())
        .collect();

    // A refused sign-in: the reply waits for the account to be fixed.
    let wrong = wrong_smtp_password(&stack, tmp.path());
    let o = run(shopdesk(&wrong, &db).args(["reply", &tickets[0], "--template", "sizing"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains(&format!("reply to #{} stays queued", tickets[0]))
            && said.contains("SMTP sign-in refused for shop: 535")
            && said.contains("password or token"),
        "{said}"
    );
    assert!(!said.contains("outbox retry"), "{said}");
    let row = outbox_rows(&config, &db)[0]["id"].to_string();
    assert!(
        said.contains(&format!("waiting: #{} (outbox {row});", tickets[0])),
        "{said}"
    );

    // No server to reach: tried again by itself.
    let closed = closed_smtp_port(&stack, tmp.path());
    let o = run(shopdesk(&closed, &db).args(["reply", &tickets[1], "--template", "sizing"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(
        said.contains(&format!("reply to #{} is queued", tickets[1]))
            && said.contains("retried with a growing wait"),
        "{said}"
    );
    assert!(
        !said.contains("refused by the server") && !said.contains("outbox retry"),
        "{said}"
    );
    for row in outbox_rows(&config, &db) {
        assert_eq!(
            (&row["state"], &row["permanent"]),
            (&"failed".into(), &false.into()),
            "{row}"
        );
    }
}

#[test]
fn a_bulk_reply_met_by_a_refused_sign_in_says_so_once() {
    let stack = MailStack::start();
    let (tmp, config, db) = setup(&stack, "");
    customers_asking(&stack, &config, &db, 3);
    let wrong = wrong_smtp_password(&stack, tmp.path());
    let o = run(shopdesk(&wrong, &db).args([
        "bulk-reply",
        "--query",
        "status:new",
        "--template",
        "sizing",
        "--yes",
    ]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let said: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("shopdesk:") && l.contains("SMTP sign-in refused"))
        .collect();
    assert_eq!(said.len(), 1, "{err}");
    assert!(
        said[0].starts_with("shopdesk: 3 replies stay queued: SMTP sign-in refused for shop: 535"),
        "{err}"
    );
    assert!(
        !err.contains("not tried") && !err.contains("outbox #"),
        "{err}"
    );
    assert!(err.contains("0 sent, 3 queued for retry"), "{err}");
    let rows = outbox_rows(&config, &db);
    assert!(rows.iter().all(|r| r["state"] != "sent"));
    assert_eq!(waiting_named(&err), waiting_rows(&rows), "{err}");
}

/// The replies a refused sign-in leaves waiting, as `reply`, `bulk-reply` and `outbox
/// flush` name them: `#ticket (outbox id)`, sorted.
fn waiting_named(stderr: &str) -> Vec<String> {
    let lines: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("shopdesk: waiting: "))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    let list = lines[0].split(';').next().unwrap();
    let mut named: Vec<String> = list.split(", ").map(str::to_string).collect();
    named.sort();
    named
}

/// Every row not sent, named as `waiting_named` names it.
fn waiting_rows(rows: &[serde_json::Value]) -> Vec<String> {
    let mut named: Vec<String> = rows
        .iter()
        .filter(|r| r["state"] != "sent")
        .map(|r| format!("#{} (outbox {})", r["ticket_id"], r["id"]))
        .collect();
    named.sort();
    named
}

#[test]
fn a_refused_sign_in_keeps_the_replies_queued_and_stops_the_flush() {
    let stack = MailStack::start();
    let (tmp, config, db) = setup(&stack, "");
    let customers = customers_asking(&stack, &config, &db, 3);
    for t in list_json(&config, &db, &[]) {
        let id = t["id"].to_string();
        ok(shopdesk(&config, &db).args(["reply", &id, "--template", "sizing", "--queue-only"]));
    }
    let wrong = wrong_smtp_password(&stack, tmp.path());
    let o = run(shopdesk(&wrong, &db).args(["outbox", "flush"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    // One line, the account's, with the server's words; not one per reply. Then the
    // replies it leaves waiting, named as `reply` and `bulk-reply` name them.
    let said: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("shopdesk:") && l.contains("SMTP sign-in refused"))
        .collect();
    assert_eq!(said.len(), 1, "{err}");
    assert!(
        said[0].starts_with("shopdesk: 3 replies stay queued: SMTP sign-in refused for shop: 535"),
        "{err}"
    );
    assert!(!err.contains("outbox #"), "{err}");
    let rows = outbox_rows(&config, &db);
    assert_eq!(waiting_named(&err), waiting_rows(&rows), "{err}");
    let attempts: i64 = rows.iter().map(|r| r["attempts"].as_i64().unwrap()).sum();
    assert_eq!(
        attempts, 1,
        "the flush stopped at the first refusal: {rows:?}"
    );
    for row in &rows {
        assert_eq!(row["permanent"], false, "{row}");
        assert_ne!(row["state"], "sent", "{row}");
    }
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r["state"] == "failed")
        .map(|r| r["id"].to_string())
        .collect();
    let queued: Vec<String> = rows
        .iter()
        .filter(|r| r["state"] == "queued")
        .map(|r| r["id"].to_string())
        .collect();
    assert_eq!((failed.len(), queued.len()), (1, 2), "{rows:?}");
    assert!(
        rows.iter().any(|r| r["last_error"]
            .as_str()
            .is_some_and(|e| e.starts_with("SMTP sign-in refused for shop: 535"))),
        "{rows:?}"
    );

    // `retry` takes several IDs: an unknown one changes nothing (exit 2); one that is not
    // failed is said (exit 1) while the failed one is retried.
    let o = run(shopdesk(&config, &db).args(["outbox", "retry", &failed[0], "999"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        outbox_rows(&config, &db)
            .iter()
            .filter(|r| r["state"] == "failed")
            .count(),
        1
    );
    // the same ID twice is one retry, not a second one that finds it no longer failed
    ok(shopdesk(&config, &db).args(["outbox", "retry", &failed[0], &failed[0]]));
    let o = run(shopdesk(&config, &db).args(["outbox", "retry", &queued[0], &failed[0]]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("not failed"), "{}", stderr(&o));
    assert!(
        outbox_rows(&config, &db)
            .iter()
            .all(|r| r["state"] == "queued")
    );

    // `--json` carries the same rows as data: the one the refusal was met on first.
    let o = run(shopdesk(&wrong, &db).args(["outbox", "flush", "--json"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        report["sign_in_refused"]
            .as_str()
            .is_some_and(|e| e.starts_with("SMTP sign-in refused for shop: 535")),
        "{report}"
    );
    let waiting = report["waiting_on_sign_in"].as_array().unwrap();
    let tried: Vec<bool> = waiting
        .iter()
        .map(|w| w["tried"].as_bool().unwrap())
        .collect();
    assert_eq!(tried, [true, false, false], "{report}");
    let mut named: Vec<String> = waiting
        .iter()
        .map(|w| format!("#{} (outbox {})", w["ticket_id"], w["outbox_id"]))
        .collect();
    named.sort();
    assert_eq!(named, waiting_rows(&outbox_rows(&config, &db)), "{report}");
    assert_eq!(report["failed"][0][0], waiting[0]["outbox_id"], "{report}");
    ok(shopdesk(&config, &db).args(["outbox", "retry", "--all-failed"]));

    // `--all-failed` wherever it stands among the options.
    let (c, d) = (config.to_str().unwrap(), db.to_str().unwrap());
    let lines: [&[&str]; 3] = [
        &["--config", c, "--db", d, "outbox", "retry", "--all-failed"],
        &["outbox", "retry", "--all-failed", "--db", d, "--config", c],
        &["--db", d, "outbox", "--config", c, "retry", "--all-failed"],
    ];
    for args in &lines {
        run(shopdesk(&wrong, &db).args(["outbox", "flush"]));
        assert_eq!(
            outbox_rows(&config, &db)
                .iter()
                .filter(|r| r["state"] == "failed")
                .count(),
            1
        );
        let o = run(std::process::Command::new(support::shopdesk_bin())
            .env_remove("SHOPDESK_CONFIG")
            .env_remove("SHOPDESK_DB")
            .args(*args));
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("will be tried again now"), "{args:?}");
        assert!(
            outbox_rows(&config, &db)
                .iter()
                .all(|r| r["state"] == "queued"),
            "{args:?}"
        );
    }
    let o = run(shopdesk(&config, &db).args(["outbox", "retry", "--all-failed", "7"]));
    assert_eq!(o.status.code(), Some(2), "IDs or --all-failed, not both");

    // With the password fixed every reply goes out once.
    ok(shopdesk(&config, &db).args(["outbox", "flush"]));
    for (c, ids) in delivered(&stack, &customers, 1) {
        assert_eq!(ids.len(), 1, "{c}: {ids:?}");
    }
    assert!(
        outbox_rows(&config, &db)
            .iter()
            .all(|r| r["state"] == "sent")
    );
}
