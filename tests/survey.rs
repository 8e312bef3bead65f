//! CSAT by e-mail against the real Postfix and Dovecot: the solving reply carries the
//! survey's `mailto:` links, the customer sends one, sync records the vote; a tampered
//! token is not counted, and a vote neither reopens the ticket nor is acknowledged.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use percent_encoding::percent_decode_str;
use shopdesk::mail::parse::parse_message;
use support::messages::customer_mail;
use support::{MailStack, list_json, ok, reply, shopdesk};

const SHOP: &str = support::mailstack::SHOP;
const CUSTOMER: &str = "customer1@example.test";

/// The `mailto:` link on the survey line that starts with `label`: (to, subject, body).
fn link(text: &str, label: &str) -> (String, String, String) {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{label}: <mailto:")))
        .unwrap_or_else(|| panic!("no {label} link in:\n{text}"));
    let url = line
        .split_once("<mailto:")
        .and_then(|(_, rest)| rest.strip_suffix('>'))
        .unwrap();
    let (to, query) = url.split_once('?').unwrap();
    let mut subject = String::new();
    let mut body = String::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap();
        let v = percent_decode_str(v).decode_utf8().unwrap().to_string();
        match k {
            "subject" => subject = v,
            "body" => body = v,
            _ => {}
        }
    }
    (to.to_string(), subject, body)
}

/// The mail a customer's client sends for a `mailto:` link, with `comment` typed in.
fn vote_mail(n: usize, to: &str, subject: &str, body: &str, comment: &str) -> Vec<u8> {
    format!(
        "From: Anna <{CUSTOMER}>\r\nTo: {to}\r\nSubject: {subject}\r\n\
         Date: {date}\r\nMessage-ID: <vote{n}@customer.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{body} {comment}\r\n",
        date = chrono::Utc::now().to_rfc2822(),
    )
    .into_bytes()
}

fn show(config: &std::path::Path, db: &std::path::Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&ok(shopdesk(config, db).args(["show", id, "--json"]))).unwrap()
}

fn acknowledgements(config: &std::path::Path, db: &std::path::Path) -> usize {
    let out = ok(shopdesk(config, db).args(["outbox", "list", "--all", "--json"]));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    rows.iter().filter(|r| r["kind"] == "auto_ack").count()
}

#[test]
fn a_vote_sent_from_the_solving_reply_is_counted_and_a_tampered_one_is_not() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{}\n[survey]\nenabled = true\nkind = \"csat\"\n",
        stack.config_text("[accounts.auto_ack]\nenabled = true")
    );
    let config = tmp.path().join("config.toml");
    std::fs::write(&config, text).unwrap();
    let db = tmp.path().join("shop.db");

    // First contact with an empty INBOX, so what comes next is news (and acknowledged).
    ok(shopdesk(&config, &db).arg("sync"));
    // Written just now: older mail is not acknowledged.
    let asked = String::from_utf8(customer_mail(
        1,
        CUSTOMER,
        "Wrong size",
        "The boots are too small.",
    ))
    .unwrap()
    .replace(
        "Tue, 24 Nov 2026 10:01:00 +0000",
        &chrono::Utc::now().to_rfc2822(),
    );
    stack.append(SHOP, "INBOX", &[asked.into_bytes()]);
    ok(shopdesk(&config, &db).arg("sync"));
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    let id = tickets[0]["id"].to_string();
    assert_eq!(
        acknowledgements(&config, &db),
        1,
        "the new ticket is acknowledged"
    );

    reply(
        &config,
        &db,
        tmp.path(),
        &id,
        "A bigger pair is on its way.\n",
        "solved",
    );

    // The customer's mailbox: the acknowledgement and the solving reply with the survey.
    let inbox = stack.wait_for_mail(CUSTOMER, "INBOX", 2, Duration::from_secs(20));
    let reply = inbox
        .iter()
        .map(|raw| parse_message(raw))
        .find(|m| m.text.contains("A bigger pair"))
        .expect("the solving reply was delivered");
    assert!(reply.text.contains("How did we do?"), "{}", reply.text);
    let (to, good_subject, prefilled) = link(&reply.text, "Great");
    assert_eq!(to, SHOP);
    assert!(
        good_subject.contains(&format!("[SHOP #{id}]")),
        "{good_subject}"
    );

    // The customer clicks Great, adds a word and sends it.
    stack.send(
        CUSTOMER,
        &[SHOP],
        &vote_mail(1, &to, &good_subject, &prefilled, "Quick and kind"),
    );
    stack.wait_for_mail(SHOP, "INBOX", 2, Duration::from_secs(20));
    ok(shopdesk(&config, &db).arg("sync"));

    let t = show(&config, &db, &id);
    assert_eq!(t["status"], "solved", "a vote does not reopen the ticket");
    assert_eq!(t["rating"]["kind"], "csat");
    assert_eq!(t["rating"]["score"], "good");
    assert_eq!(t["rating"]["comment"], "Quick and kind");
    assert!(t["rating"]["at"].as_str().unwrap().ends_with('Z'), "{t}");
    assert!(
        t["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["message_id"] != "vote1@customer.example"),
        "the vote mail is no message of the conversation"
    );
    let printed = ok(shopdesk(&config, &db).args(["show", &id]));
    assert!(
        printed.contains("rated csat good on ") && printed.contains(": \"Quick and kind\""),
        "{printed}"
    );
    assert_eq!(
        acknowledgements(&config, &db),
        1,
        "a vote gets no acknowledgement"
    );
    let report: serde_json::Value = serde_json::from_str(&ok(shopdesk(&config, &db).args([
        "report",
        "--since",
        "2020-01-01",
        "--json",
    ])))
    .unwrap();
    assert_eq!(report["csat"]["good"], 1, "{report}");
    assert_eq!(report["csat"]["bad"], 0, "{report}");
    assert_eq!(
        report["messages_in"], 1,
        "the vote is no customer message: {report}"
    );
    // The acknowledgement answered nobody: one reply out, and the ticket was one-touch.
    assert_eq!(report["messages_out"], 1, "{report}");
    assert_eq!(report["one_touch_rate"], 1.0, "{report}");

    // The Bad link with its answer edited to Great: the signature no longer fits.
    let (_, bad_subject, _) = link(&reply.text, "Bad");
    let tampered = bad_subject.replace("-cb-", "-cg-");
    assert_ne!(tampered, bad_subject);
    stack.send(CUSTOMER, &[SHOP], &vote_mail(2, &to, &tampered, "", "ha"));
    stack.wait_for_mail(SHOP, "INBOX", 3, Duration::from_secs(20));
    ok(shopdesk(&config, &db).arg("sync"));
    let t = show(&config, &db, &id);
    assert_eq!(
        t["rating"]["score"], "good",
        "the tampered vote is not counted"
    );
    assert_eq!(t["rating"]["comment"], "Quick and kind");
    let kept = t["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["message_id"] == "vote2@customer.example")
        .expect("the tampered mail is kept as an ordinary message");
    assert!(
        kept["warnings"].to_string().contains("vote not counted"),
        "{kept}"
    );
    let report: serde_json::Value = serde_json::from_str(&ok(shopdesk(&config, &db).args([
        "report",
        "--since",
        "2020-01-01",
        "--json",
    ])))
    .unwrap();
    assert_eq!(report["csat"]["good"], 1, "{report}");
    assert_eq!(report["csat"]["okay"], 0, "{report}");
}
