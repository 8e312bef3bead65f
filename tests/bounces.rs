//! A reply that never arrives, against the real Postfix and Dovecot: our reply, handed to
//! Postfix for an address it cannot deliver to, comes back as Postfix's own bounce (a
//! delivery status notification with the message returned). Sync files that bounce on the
//! reply's ticket, which is the shop's again: the customer has no answer.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use support::{MailStack, list_json, ok, reply, shopdesk};

const SHOP: &str = support::mailstack::SHOP;
const CUSTOMER: &str = "customer1@example.test";
/// Outside the test stack's domain: Postfix takes mail for it, then bounces it.
const NOWHERE: &str = "anna@elsewhere.example";

/// Hands `raw` to Postfix's own `sendmail` (not SMTP, which refuses such a recipient at
/// once): the refusal then comes later, as a bounce to the envelope sender.
fn submit_locally(stack: &MailStack, from: &str, to: &str, raw: &[u8]) {
    use std::io::Write;
    let mut child = std::process::Command::new("/usr/sbin/sendmail")
        .arg("-C")
        .arg(stack.dir().join("postfix"))
        .args(["-f", from, to])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw).unwrap();
    assert!(child.wait().unwrap().success(), "sendmail");
}

#[test]
fn a_bounced_reply_comes_back_onto_its_ticket_and_gives_it_back_to_the_shop() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    let db = tmp.path().join("shop.db");
    ok(shopdesk(&config, &db).arg("sync"));

    let asked = format!(
        "From: Customer <{CUSTOMER}>\r\nTo: {SHOP}\r\nSubject: Wrong size\r\nDate: {}\r\n\
         Message-ID: <q1@customer.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         The boots are too small.\r\n",
        chrono::Utc::now().to_rfc2822()
    );
    stack.append(SHOP, "INBOX", &[asked.into_bytes()]);
    ok(shopdesk(&config, &db).arg("sync"));
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1, "{tickets:?}");
    let id = tickets[0]["id"].to_string();

    reply(
        &config,
        &db,
        tmp.path(),
        &id,
        "A bigger pair is on its way.\n",
        "pending",
    );

    // The customer's mail server forwards our reply to an address that is gone; the
    // bounce comes back to us.
    let delivered = stack.wait_for_mail(CUSTOMER, "INBOX", 1, Duration::from_secs(20));
    let reply = delivered.last().expect("the reply was delivered");
    submit_locally(&stack, SHOP, NOWHERE, reply);
    let inbox = stack.wait_for_mail(SHOP, "INBOX", 2, Duration::from_secs(30));
    assert_eq!(inbox.len(), 2, "no bounce came back");
    let bounce = shopdesk::mail::parse::parse_message(&inbox[1]);
    let report = bounce
        .report
        .as_ref()
        .expect("Postfix's bounce is a report");
    assert_eq!(report.recipient.as_deref(), Some(NOWHERE), "{report:?}");

    ok(shopdesk(&config, &db).arg("sync"));
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1, "the bounce starts no ticket: {tickets:?}");
    let t: serde_json::Value =
        serde_json::from_str(&ok(shopdesk(&config, &db).args(["show", &id, "--json"]))).unwrap();
    assert_eq!(
        t["status"], "open",
        "the reply did not arrive: the shop's turn again: {t}"
    );
    assert_eq!(t["customer"]["email"], CUSTOMER, "{t}");
    assert!(
        t["tags"].as_array().unwrap().iter().any(|g| g == "bounced"),
        "{t}"
    );
    let bounced = list_json(&config, &db, &["tag:bounced"]);
    assert_eq!(bounced.len(), 1, "{bounced:?}");
    let messages = t["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "question, reply, bounce: {t}");
    let filed = &messages[2];
    assert_eq!(filed["placed"]["matched"]["what"], "reports", "{filed}");
    let reply_id = messages[1]["message_id"].as_str().unwrap();
    assert_eq!(
        filed["placed"]["matched"]["message_id"], reply_id,
        "{filed}"
    );
    let printed = ok(shopdesk(&config, &db).args(["show", &id]));
    assert!(
        printed.contains("a mail system's report on <"),
        "show says why the bounce is here: {printed}"
    );
}
