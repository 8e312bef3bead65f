//! Bad input, as a user would meet it: wrong password, unreachable host, TLS name
//! mismatch, a bad config line, a bad query, a 25 MB attachment, a 50 MB body and HTML
//! nested 100,000 levels deep. Each gives one clear line, a non-zero exit where the command
//! failed, and loses nothing.

#![allow(clippy::unwrap_used)]

mod support;

use support::messages::customer_mail;
use support::{MailStack, run, shopdesk, stderr};

const SHOP: &str = support::mailstack::SHOP;

/// The config for the stack with one line of the imap table changed.
fn config_with(
    stack: &MailStack,
    dir: &std::path::Path,
    from: &str,
    to: &str,
) -> std::path::PathBuf {
    let text = stack.config_text("");
    assert!(text.contains(from), "config has {from}");
    let path = dir.join("config.toml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

fn one_line(s: &str) -> &str {
    let lines: Vec<_> = s.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line of error, got:\n{s}");
    lines[0]
}

#[test]
fn wrong_password_unreachable_host_and_tls_mismatch() {
    // A certificate for another name, placed before start so the stack keeps it.
    let stack = MailStack::start_with(|dir| MailStack::make_certs(dir, "DNS:mail.other.test"));
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(1, "a@customer.example", "Hi there", "x")],
    );
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("shop.db");

    // Wrong password: authentication refused, exit 1, one line naming the account.
    let config = config_with(
        &stack,
        tmp.path(),
        "password_env = \"SHOPDESK_TEST_PASSWORD\"",
        "password_env = \"WRONG_PASSWORD\"",
    );
    let o = run(shopdesk(&config, &db)
        .arg("sync")
        .env("WRONG_PASSWORD", "nope"));
    assert_eq!(o.status.code(), Some(1));
    let line = one_line(&stderr(&o)).to_string();
    assert!(
        line.contains("shop") && line.to_lowercase().contains("auth"),
        "{line}"
    );

    // Unreachable host: a closed port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = config_with(
        &stack,
        tmp.path(),
        &format!("port = {}", stack.imap),
        &format!("port = {closed}"),
    );
    let o = run(shopdesk(&config, &db).arg("sync"));
    assert_eq!(o.status.code(), Some(1));
    let line = one_line(&stderr(&o)).to_string();
    assert!(line.contains(&format!("127.0.0.1:{closed}")), "{line}");

    // TLS with a certificate for another name: refused, and the message says why.
    let cert = stack.cert();
    let config = config_with(
        &stack,
        tmp.path(),
        &format!("port = {}\nsecurity = \"none\"", stack.imap),
        &format!(
            "port = {}\nsecurity = \"tls\"\nca_file = \"{}\"",
            stack.imaps,
            cert.display()
        ),
    );
    let o = run(shopdesk(&config, &db).arg("sync"));
    assert_eq!(o.status.code(), Some(1));
    let line = one_line(&stderr(&o)).to_string();
    assert!(
        line.contains("not valid for the name '127.0.0.1'"),
        "{line}"
    );
    assert!(line.contains("127.0.0.1"), "{line}");

    // None of it touched the cache; a correct run then gets the mail.
    let config = stack.write_config(tmp.path(), "");
    let o = run(shopdesk(&config, &db).arg("sync"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(support::list_json(&config, &db, &[]).len(), 1);
}

#[test]
fn bad_config_line_names_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        "agent = \"alice\"\n[[accounts]]\nname = \"shop\"\nemail = \"s@example.test\"\n[accounts.imap]\nhost = \"h\"\nport = 143\nsecurity = \"startls\"\nuser = \"u\"\n",
    )
    .unwrap();
    let o = run(shopdesk(&config, &tmp.path().join("db")).arg("sync"));
    assert_ne!(o.status.code(), Some(0));
    let err = stderr(&o);
    let line = err.lines().next().unwrap_or_default();
    assert!(line.contains("config.toml:8:"), "{err}");
    assert!(err.contains("startls") || err.contains("security"), "{err}");
    assert!(err.contains("starttls"), "valid values named: {err}");
    // No database was created for a config that did not load.
    assert!(!tmp.path().join("db").exists());
}

#[test]
fn bad_query_points_at_the_bad_part_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config.toml");
    std::fs::write(&config, "agent = \"alice\"\n").unwrap();
    let db = tmp.path().join("db");
    let o = run(shopdesk(&config, &db).args(["list", "stauts:open"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("stauts"), "{err}");
    assert!(err.contains('^'), "caret under the bad part: {err}");
    let o = run(shopdesk(&config, &db).args(["search", "\"unterminated"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_25_mb_attachment_is_synced_and_listed() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    let payload = vec![b'A'; 25 * 1024 * 1024 / 4 * 3];
    let b64 = base64_lines(&payload);
    let raw = format!(
        "From: Big <big@customer.example>\r\nTo: {SHOP}\r\nSubject: Photos of the damage\r\n\
         Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <big1@customer.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe parcel arrived broken, see photos.\r\n\
         --b1\r\nContent-Type: application/zip; name=\"photos.zip\"\r\n\
         Content-Disposition: attachment; filename=\"photos.zip\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{b64}--b1--\r\n"
    );
    stack.append(SHOP, "INBOX", &[raw.into_bytes()]);
    let o = run(shopdesk(&config, &db).arg("sync"));
    assert!(o.status.success(), "{}", stderr(&o));
    let tickets = support::list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1);
    let id = tickets[0]["id"].to_string();
    let shown = support::ok(shopdesk(&config, &db).args(["show", &id]));
    assert!(shown.contains("The parcel arrived broken"), "{shown}");
    assert!(shown.contains("photos.zip"), "{shown}");
}

#[test]
fn a_50_mb_body_and_deeply_nested_html_sync_in_one_batch() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    let head = |n: usize, subject: &str, content_type: &str| {
        format!(
            "From: Customer {n} <c{n}@customer.example>\r\nTo: {SHOP}\r\nSubject: {subject}\r\n\
             Date: Tue, 24 Nov 2026 10:0{n}:00 +0000\r\nMessage-ID: <h{n}@customer.example>\r\n\
             MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n"
        )
    };
    let mut long = head(1, "Long story", "text/plain; charset=utf-8").into_bytes();
    while long.len() < 50 * 1024 * 1024 {
        long.extend_from_slice(b"It all started when the parcel did not arrive, again.\r\n");
    }
    let depth = 100_000;
    let nested = format!(
        "{}{}Where is my order?{}",
        head(2, "Nested", "text/html; charset=utf-8"),
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let plain = customer_mail(3, "c3@customer.example", "Plain", "Just a question.");
    stack.append(SHOP, "INBOX", &[long.clone(), nested.into_bytes(), plain]);

    let started = std::time::Instant::now();
    let o = run(shopdesk(&config, &db).args(["sync", "--json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_str(&support::stdout(&o)).unwrap();
    assert_eq!(summary[0]["mailboxes"][0]["new_messages"], 3, "{summary}");
    eprintln!(
        "sync of 3 messages, {} MB: {:?}",
        long.len() >> 20,
        started.elapsed()
    );

    let tickets = support::list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 3);
    let show = |subject: &str| -> serde_json::Value {
        let t = tickets.iter().find(|t| t["subject"] == subject).unwrap();
        let id = t["id"].to_string();
        let out = support::ok(shopdesk(&config, &db).args(["show", &id, "--json"]));
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["messages"][0].clone()
    };
    let m = show("Long story");
    let text = m["text"].as_str().unwrap();
    assert!(text.starts_with("It all started"), "{text:.80}");
    assert!(text.len() <= shopdesk::mail::parse::budget::MAX_TEXT_BYTES);
    assert_eq!(
        m["warnings"],
        serde_json::json!(["text cut at 1 MiB; the raw source keeps the whole message"])
    );
    let m = show("Nested");
    assert_eq!(m["text"], "Where is my order?");
    assert_eq!(
        m["warnings"],
        serde_json::json!([
            "HTML nested more than 256 levels deep; its text is shown without layout"
        ])
    );
    assert_eq!(show("Plain")["text"], "Just a question.");

    // The raw source is kept whole; the text row (which the contentless full-text row
    // is folded from) is not 50 MB.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (raw, text): (i64, i64) = conn
        .query_row(
            "SELECT length(r.raw), length(CAST(m.text AS BLOB))
               FROM messages m JOIN raw_messages r ON r.message_id = m.id
              WHERE m.subject = 'Long story'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(raw as usize, long.len());
    assert!(text <= 1 << 20, "text {text}");

    // The batch committed with its cursor: the next sync has nothing to fetch.
    let out = support::ok(shopdesk(&config, &db).args(["sync", "--json"]));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary[0]["mailboxes"][0]["new_messages"], 0, "{out}");
}

fn base64_lines(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 38);
    for (i, c) in data.chunks(3).enumerate() {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(T[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
        if i % 19 == 18 {
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    out
}

#[test]
fn a_failing_password_cmd_keeps_its_stderr_out_of_errors_and_the_outbox() {
    let stack = MailStack::start();
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(1, "a@customer.example", "Hi there", "x")],
    );
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("shop.db");
    // What a password manager might print on failure: part of a secret.
    let failing = "password_cmd = \"echo 'gpg: bad passphrase hunter2-SECRET' >&2; exit 7\"";
    let expected = "password_cmd for account 'shop' failed (exit 7)";
    let env_line = "password_env = \"SHOPDESK_TEST_PASSWORD\"";

    // IMAP: sync fails with one line that names the account and the exit code only.
    let config = config_with(&stack, tmp.path(), env_line, failing);
    let o = run(shopdesk(&config, &db).arg("sync"));
    assert_eq!(o.status.code(), Some(1));
    let line = one_line(&stderr(&o)).to_string();
    assert!(line.contains(expected), "{line}");
    assert!(!line.contains("hunter2"), "{line}");

    // SMTP: the reply stays queued, and neither the error shown nor the one stored in the
    // outbox holds what the command printed.
    let text = stack.config_text("");
    let at = text.rfind(env_line).unwrap();
    let smtp_failing = format!("{}{failing}{}", &text[..at], &text[at + env_line.len()..]);
    std::fs::write(&config, smtp_failing).unwrap();
    support::ok(shopdesk(&config, &db).arg("sync"));
    let id = support::list_json(&config, &db, &[])[0]["id"].to_string();
    let body = tmp.path().join("body.txt");
    std::fs::write(&body, "We are on it.\n").unwrap();
    let o = run(shopdesk(&config, &db)
        .args(["reply", &id, "--body-file"])
        .arg(&body));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(expected), "{}", stderr(&o));
    assert!(!stderr(&o).contains("hunter2"), "{}", stderr(&o));
    let errors: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT group_concat(coalesce(last_error, ''), ' | ') FROM outbox",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(errors.contains(expected), "{errors}");
    assert!(!errors.contains("hunter2"), "{errors}");
}

#[test]
fn a_query_of_a_thousand_terms_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config.toml");
    std::fs::write(&config, "agent = \"alice\"\n").unwrap();
    let db = tmp.path().join("shop.db");
    // A ticket, so that every part of a plan is evaluated.
    let account = shopdesk::store::ingest::AccountIdentity {
        name: "shop".into(),
        tag: "SHOP".into(),
        addresses: vec![SHOP.into()],
        sla: None,
        sync: Default::default(),
        orders: shopdesk::store::ingest::default_order_rules(),
    };
    let mut store = shopdesk::store::Store::open(&db).unwrap();
    shopdesk::worker::import::ingest_raw(
        &mut store,
        &account,
        "INBOX",
        &[customer_mail(
            1,
            "anna@customer.example",
            "Where is my order?",
            "Late.",
        )],
    )
    .unwrap();
    drop(store);

    let many: Vec<String> = (0..1000).map(|i| format!("-tag:t{i}")).collect();
    for command in ["list", "search"] {
        let o = run(shopdesk(&config, &db).arg(command).arg("--").args(&many));
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with(
                "shopdesk: bad query: too many terms (1000): a query may have at most 200"
            ),
            "{command}: {err}"
        );
        // A single term too long for SQLite to compare is a usage error too.
        let long = format!("from:{}", "a".repeat(60_000));
        let o = run(shopdesk(&config, &db).arg(command).arg(&long));
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("shopdesk: bad query: too large for the database"),
            "{command}: {}",
            &stderr(&o)[..200.min(stderr(&o).len())]
        );
    }
}
