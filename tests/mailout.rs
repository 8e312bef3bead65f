//! Mail out through the real Postfix into Dovecot: replies, their threading, the Sent copy,
//! the durable outbox when SMTP is down, SIGKILL during delivery, bulk replies.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use shopdesk::mail::parse::parse_message;
use support::messages::customer_mail;
use support::{MailStack, list_json, ok, run, setup, shopdesk, stderr, stdout};

const SHOP: &str = support::mailstack::SHOP;

fn ticket_of(config: &std::path::Path, db: &std::path::Path, email: &str) -> String {
    let tickets = list_json(config, db, &[&format!("from:{email}")]);
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    tickets[0]["id"].to_string()
}

#[test]
fn reply_reaches_the_customer_threads_back_and_is_filed_in_sent() {
    let stack = MailStack::start();
    let (_tmp, config, db) = setup(&stack, "html_replies = true");
    let customer = "customer1@example.test";
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            customer,
            "Wrong size",
            "The shoes are too small.",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let id = ticket_of(&config, &db, customer);

    // Dry run: the whole mail, nothing sent.
    let dry = ok(shopdesk(&config, &db).args(["reply", &id, "--template", "sizing", "--dry-run"]));
    assert!(
        dry.contains(&format!("Subject: Re: [SHOP #{id}] Wrong size")),
        "{dry}"
    );
    assert!(
        dry.contains("In-Reply-To: <c1.10@customer.example>"),
        "{dry}"
    );

    let o = run(shopdesk(&config, &db).args([
        "reply",
        &id,
        "--template",
        "sizing",
        "--status",
        "pending",
    ]));
    assert!(o.status.success(), "{}", stderr(&o));

    let inbox = stack.wait_for_mail(customer, "INBOX", 1, Duration::from_secs(20));
    assert_eq!(inbox.len(), 1, "one reply delivered");
    let got = parse_message(&inbox[0]);
    assert_eq!(got.subject, format!("Re: [SHOP #{id}] Wrong size"));
    assert_eq!(got.in_reply_to, ["c1.10@customer.example"]);
    assert_eq!(got.references, ["c1.10@customer.example"]);
    assert!(got.text.starts_with("Hi Customer,"), "{}", got.text);
    assert_eq!(got.from.as_ref().map(|a| a.email.as_str()), Some(SHOP));
    let raw = String::from_utf8_lossy(&inbox[0]);
    assert!(
        raw.contains("multipart/alternative") && raw.contains("text/html"),
        "{raw}"
    );

    let mut s = stack.client(SHOP);
    let sent = support::mailstack::fetch_all(&mut s, "Sent");
    assert_eq!(sent.len(), 1, "one copy in Sent");
    assert_eq!(parse_message(&sent[0]).message_id, got.message_id);
    // The customer's message is flagged \Answered for other mail clients.
    s.select("INBOX").unwrap();
    let flags = s.uid_fetch("1", "FLAGS").unwrap();
    assert!(flags.iter().any(|f| {
        f.flags()
            .iter()
            .any(|fl| matches!(fl, imap::types::Flag::Answered))
    }));
    let _ = s.logout();

    let shown: serde_json::Value =
        serde_json::from_str(&ok(shopdesk(&config, &db).args(["show", &id, "--json"]))).unwrap();
    assert_eq!(shown["status"], "pending");
    assert!(shown["first_response_at"].is_string());
    assert_eq!(shown["messages"].as_array().unwrap().len(), 2);

    // The customer answers from a client that drops threading headers: the token threads it.
    let answer = format!(
        "From: Customer <{customer}>\r\nTo: {SHOP}\r\nSubject: Re: [SHOP #{id}] Wrong size\r\nDate: Tue, 24 Nov 2026 12:00:00 +0000\r\nMessage-ID: <answer1@customer.example>\r\n\r\nSize 42 please.\r\n"
    );
    stack.send(customer, &[SHOP], answer.as_bytes());
    stack.wait_for_mail(SHOP, "INBOX", 2, Duration::from_secs(20));
    ok(shopdesk(&config, &db).arg("sync"));
    let shown: serde_json::Value =
        serde_json::from_str(&ok(shopdesk(&config, &db).args(["show", &id, "--json"]))).unwrap();
    let msgs = shown["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 3, "{shown}");
    let answer = msgs
        .iter()
        .find(|m| m["message_id"] == "answer1@customer.example")
        .expect("the customer's answer is on the ticket");
    assert_eq!(answer["placed_by"], "token");
    assert_eq!(shown["status"], "open", "a customer reply reopens");
    // Our reply's Sent copy attached to the same message, not a new one.
    assert_eq!(list_json(&config, &db, &[]).len(), 1);
}

#[test]
fn smtp_down_keeps_the_reply_queued_and_delivers_it_once_later() {
    let stack = MailStack::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("shop.db");
    let good = stack.write_config(tmp.path(), "");
    let text = stack.config_text("").replacen(
        &format!("port = {}", stack.smtp),
        &format!("port = {closed}"),
        1,
    );
    let down = tmp.path().join("down.toml");
    std::fs::write(&down, text).unwrap();
    let customer = "customer2@example.test";
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(2, customer, "Refund?", "Where is my refund?")],
    );
    ok(shopdesk(&good, &db).arg("sync"));
    let id = ticket_of(&good, &db, customer);

    let body = tmp.path().join("body.txt");
    std::fs::write(&body, "Your refund was sent today.").unwrap();
    let o = run(shopdesk(&down, &db)
        .args(["reply", &id, "--body-file"])
        .arg(&body));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("queued") && err.contains(&format!("127.0.0.1:{closed}")),
        "{err}"
    );
    let listed = ok(shopdesk(&down, &db).args(["outbox", "list"]));
    assert!(
        listed.contains("failed") && listed.contains("error"),
        "{listed}"
    );

    // Still down: another flush fails again, nothing is delivered.
    let o = run(shopdesk(&down, &db).args(["outbox", "flush"]));
    assert_eq!(o.status.code(), Some(1));
    // Back up: delivered once; flushing again sends nothing more.
    ok(shopdesk(&good, &db).args(["outbox", "flush"]));
    ok(shopdesk(&good, &db).args(["outbox", "flush"]));
    std::thread::sleep(Duration::from_secs(2));
    let inbox = stack.wait_for_mail(customer, "INBOX", 1, Duration::from_secs(20));
    assert_eq!(inbox.len(), 1);
    assert!(
        ok(shopdesk(&good, &db).args(["outbox", "list"]))
            .trim()
            .is_empty()
    );
}

#[test]
fn bulk_reply_killed_at_varied_moments_delivers_every_reply_and_repeats_only_after_a_cut() {
    let stack = MailStack::start();
    let (tmp, config, db) = setup(&stack, "");
    let customers: Vec<String> = (1..=5)
        .map(|i| format!("customer{i}@example.test"))
        .collect();
    let mut mails = Vec::new();
    for round in 0..4 {
        for (i, c) in customers.iter().enumerate() {
            let n = round * 10 + i;
            mails.push(customer_mail(
                n,
                c,
                &format!("Where is order {n}?"),
                "Has it shipped?",
            ));
        }
    }
    stack.append(SHOP, "INBOX", &mails);
    ok(shopdesk(&config, &db).arg("sync"));
    assert_eq!(list_json(&config, &db, &[]).len(), 20);

    let dry = ok(shopdesk(&config, &db).args([
        "bulk-reply",
        "--query",
        "status:new",
        "--template",
        "sizing",
        "--dry-run",
        "--json",
    ]));
    let dry: serde_json::Value = serde_json::from_str(&dry).unwrap();
    assert_eq!(dry["would_send"].as_array().unwrap().len(), 20);

    let mut kills = 0;
    for delay in [60u64, 150, 300, 500] {
        let mut child = shopdesk(&config, &db)
            .args([
                "bulk-reply",
                "--query",
                "status:new",
                "--template",
                "sizing",
                "--yes",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        if child.try_wait().unwrap().is_none() {
            kills += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let mut flusher = shopdesk(&config, &db)
            .args(["outbox", "flush"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay / 2));
        let _ = flusher.kill();
        let _ = flusher.wait();
    }
    eprintln!("{kills} bulk runs killed mid-way");
    // Finish whatever is left, then run the bulk reply again: nothing is sent twice.
    ok(shopdesk(&config, &db).args(["outbox", "flush"]));
    let again = run(shopdesk(&config, &db).args([
        "bulk-reply",
        "--query",
        "status:new",
        "--template",
        "sizing",
        "--yes",
    ]));
    let again_err = stderr(&again);
    assert!(
        again_err.contains("0 sent") || again_err.contains("nothing to send"),
        "{again_err}"
    );
    ok(shopdesk(&config, &db).args(["outbox", "flush"]));

    let mut delivered = 0;
    let mut ids = HashSet::new();
    let mut subjects = HashSet::new();
    for c in &customers {
        for raw in stack.wait_for_mail(c, "INBOX", 4, Duration::from_secs(30)) {
            let p = parse_message(&raw);
            ids.insert(p.message_id.clone());
            subjects.insert(p.subject.clone());
            delivered += 1;
        }
    }
    std::thread::sleep(Duration::from_secs(1));
    if delivered != 20 {
        let rows: serde_json::Value = serde_json::from_str(&ok(
            shopdesk(&config, &db).args(["outbox", "list", "--all", "--json"])
        ))
        .unwrap();
        for r in rows.as_array().unwrap() {
            eprintln!(
                "outbox {} attempts {} state {} delivered {}",
                r["id"], r["attempts"], r["state"], r["delivered"]
            );
        }
    }
    // Every ticket answered. A second copy can only come from the one window left open
    // (a sender killed between writing the final dot and recording it, microseconds
    // wide): each is counted on its row, and there can be no more copies than that.
    let rows: serde_json::Value = serde_json::from_str(&ok(
        shopdesk(&config, &db).args(["outbox", "list", "--all", "--json"])
    ))
    .unwrap();
    let cut: i64 = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resent_after_cut"].as_i64().unwrap())
        .sum();
    assert!(
        delivered >= 20 && delivered - 20 <= cut as usize,
        "{delivered} delivered for 20 replies, {cut} resent after a cut"
    );
    assert_eq!(subjects.len(), 20);
    assert_eq!(ids.len(), 20);
    // One copy of each in Sent, whether filed one by one or in one APPEND.
    let mut shop = stack.client(SHOP);
    let sent: HashSet<_> = support::mailstack::fetch_all(&mut shop, "Sent")
        .iter()
        .map(|raw| parse_message(raw).message_id)
        .collect();
    assert_eq!(sent, ids);
    drop(tmp);
}

#[test]
fn bad_input_is_one_clear_error_and_nothing_half_sent() {
    let stack = MailStack::start();
    let (tmp, config, db) = setup(&stack, "");
    let customer = "customer3@example.test";
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            3,
            customer,
            "Question",
            "Do you ship to Norway?",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let id = ticket_of(&config, &db, customer);

    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "reply".into(),
                id.clone(),
                "--template".into(),
                "nope".into(),
            ],
            "unknown template 'nope'",
        ),
        (
            vec![
                "reply".into(),
                "999".into(),
                "--template".into(),
                "sizing".into(),
            ],
            "no ticket #999",
        ),
        (
            vec![
                "reply".into(),
                id.clone(),
                "--body-file".into(),
                "/nonexistent/body.txt".into(),
            ],
            "body file",
        ),
        (
            vec![
                "reply".into(),
                id.clone(),
                "--template".into(),
                "wismo".into(),
            ],
            "has no order",
        ),
        (
            vec![
                "reply".into(),
                id.clone(),
                "--template".into(),
                "broken".into(),
            ],
            "broken.en.md:",
        ),
        (
            vec![
                "reply".into(),
                id.clone(),
                "--template".into(),
                "missing".into(),
            ],
            "missing.en.md:2:",
        ),
    ];
    let tdir = tmp.path().join("templates");
    std::fs::create_dir_all(&tdir).unwrap();
    std::fs::write(tdir.join("broken.en.md"), "Hi {% if %}\n").unwrap();
    std::fs::write(
        tdir.join("missing.en.md"),
        "Hi {{ customer.first_name }},\nyour voucher: {{ shop.voucher }}\n",
    )
    .unwrap();
    for (args, want) in &cases {
        let o = run(shopdesk(&config, &db).args(args));
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: one line: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let lint = run(shopdesk(&config, &db).args(["templates", "lint"]));
    assert_eq!(lint.status.code(), Some(1));
    assert!(stderr(&lint).contains("broken.en.md"), "{}", stderr(&lint));

    // Authentication refused by the SMTP server.
    let text = stack.config_text("");
    let idx = text.find("[accounts.smtp]").unwrap();
    let (a, b) = text.split_at(idx);
    let bad = tmp.path().join("badauth.toml");
    std::fs::write(
        &bad,
        format!(
            "{a}{}",
            b.replacen(
                "password_env = \"SHOPDESK_TEST_PASSWORD\"",
                "password = \"wrong\"",
                1
            )
        ),
    )
    .unwrap();
    let o = run(shopdesk(&bad, &db).args(["reply", &id, "--template", "sizing"]));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("queued") && (err.contains("535") || err.to_lowercase().contains("auth")),
        "{err}"
    );

    // Nothing reached the customer, and the outbox shows the one queued reply.
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        stack
            .wait_for_mail(customer, "INBOX", 1, Duration::from_millis(500))
            .is_empty()
    );
    let outbox: serde_json::Value = serde_json::from_str(&ok(
        shopdesk(&config, &db).args(["outbox", "list", "--json"])
    ))
    .unwrap();
    assert_eq!(outbox.as_array().unwrap().len(), 1);
    let _ = stdout(&o);
}

#[test]
fn auto_acknowledgement_goes_out_once_and_never_to_automatic_mail() {
    let stack = MailStack::start();
    let (_tmp, config, db) = setup(&stack, "[accounts.auto_ack]\nenabled = true");
    // The first sync of a mailbox is history: nothing is acknowledged.
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            "customer3@example.test",
            "Old question",
            "From last year.",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));

    let now = chrono::Utc::now().to_rfc2822();
    let mail = |from: &str, id: &str, subject: &str, extra: &str| {
        format!("From: {from}\r\nTo: {SHOP}\r\nSubject: {subject}\r\nDate: {now}\r\nMessage-ID: <{id}>\r\n{extra}\r\nHello, {subject}\r\n").into_bytes()
    };
    stack.send(
        "customer4@example.test",
        &[SHOP],
        &mail(
            "Dana <customer4@example.test>",
            "q1@c4",
            "Where is my parcel?",
            "",
        ),
    );
    stack.send(
        "customer5@example.test",
        &[SHOP],
        &mail(
            "customer5@example.test",
            "v1@c5",
            "Out of office",
            "Auto-Submitted: auto-replied\r\n",
        ),
    );
    stack.send(
        "customer5@example.test",
        &[SHOP],
        &mail(
            "customer5@example.test",
            "n1@c5",
            "Our newsletter",
            "List-Id: <news.c5.example>\r\nList-Unsubscribe: <mailto:u@c5.example>\r\n",
        ),
    );
    stack.send(
        "customer5@example.test",
        &[SHOP],
        &mail(
            "customer5@example.test",
            "b1@c5",
            "Undelivered mail",
            "Precedence: bulk\r\n",
        ),
    );
    stack.wait_for_mail(SHOP, "INBOX", 5, Duration::from_secs(20));
    ok(shopdesk(&config, &db).arg("sync"));
    ok(shopdesk(&config, &db).arg("sync"));

    let acks = stack.wait_for_mail(
        "customer4@example.test",
        "INBOX",
        1,
        Duration::from_secs(20),
    );
    assert_eq!(acks.len(), 1, "one acknowledgement");
    let ack = parse_message(&acks[0]);
    assert_eq!(ack.auto.auto_submitted.as_deref(), Some("auto-replied"));
    assert!(
        ack.subject.contains("Where is my parcel?") && ack.subject.contains("[SHOP #"),
        "{}",
        ack.subject
    );
    assert!(
        ack.text.starts_with("Hi Dana,") && ack.text.contains("will answer by"),
        "{}",
        ack.text
    );
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        stack
            .wait_for_mail(
                "customer5@example.test",
                "INBOX",
                1,
                Duration::from_millis(300)
            )
            .is_empty()
    );
    assert!(
        stack
            .wait_for_mail(
                "customer3@example.test",
                "INBOX",
                1,
                Duration::from_millis(300)
            )
            .is_empty()
    );
    // The acknowledgement is no first response: the ticket still waits for a human.
    let t = list_json(&config, &db, &["from:customer4"]);
    assert_eq!(t[0]["status"], "new");
    assert!(t[0]["first_response_at"].is_null(), "{t:?}");
    assert!(t[0]["due_at"].is_string(), "{t:?}");
}
