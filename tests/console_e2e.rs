//! The real binary in tmux against a store synced from the test Dovecot: open a ticket,
//! pick a template, send, and check the screen and the customer's mailbox; answer a
//! where-is-my-order ticket with its tracking link in three keys.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::messages::customer_mail;
use support::tmux::Tmux;
use support::{MailStack, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;

/// The console on `db` in a tmux session of 100×30.
fn console(tmp: &Path, config: &Path, db: &Path) -> Tmux {
    let bin = support::shopdesk_bin();
    let cmd = format!(
        "env XDG_CONFIG_HOME={dir}/xdg XDG_STATE_HOME={dir}/state SHOPDESK_TEST_PASSWORD=secret TERM=xterm-256color {bin} --config {config} --db {db}; echo EXITED $?; sleep 30",
        dir = tmp.display(),
        bin = bin.display(),
        config = config.display(),
        db = db.display(),
    );
    let name = format!(
        "sd{}{}",
        std::process::id(),
        tmp.display().to_string().len()
    );
    Tmux::start(&name, &cmd, 100, 30)
}

/// A config for `stack` with a one-second undo window.
fn config(stack: &MailStack, tmp: &Path) -> PathBuf {
    let config = tmp.join("config.toml");
    std::fs::write(
        &config,
        format!("{}\n[outbox]\nundo_seconds = 1\n", stack.config_text("")).replace(
            "agent = \"alice\"",
            "agent = \"alice\"\n[shop]\nname = \"Test Shop\"",
        ),
    )
    .unwrap();
    config
}

#[test]
fn reply_from_the_console_reaches_the_customer() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = config(&stack, tmp.path());
    let db = tmp.path().join("shop.db");
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

    let t = console(tmp.path(), &config, &db);
    let s = t.wait_for("Wrong size", Duration::from_secs(15));
    assert!(s.contains("Test Shop") && s.contains("Wrong size"), "{s}");

    t.keys(&["Enter"]);
    let s = t.wait_for("The shoes are too small", Duration::from_secs(5));
    assert!(s.contains("The shoes are too small"), "{s}");
    t.keys(&["r", "C-t", "s", "i", "z"]);
    let s = t.wait_for("true to size", Duration::from_secs(5));
    assert!(
        s.contains("sizing") && s.contains("Our sizes run true to size"),
        "{s}"
    );
    t.keys(&["Enter", "C-s"]);
    let s = t.wait_for("queued", Duration::from_secs(5));
    assert!(s.contains("queued"), "{s}");

    // After the undo window the console's send worker delivers; the reply joins the thread.
    let s = t.wait_for("── reply", Duration::from_secs(20));
    assert!(s.contains("── reply"), "{s}");
    let inbox = stack.wait_for_mail(customer, "INBOX", 1, Duration::from_secs(20));
    assert_eq!(inbox.len(), 1);
    let got = shopdesk::mail::parse::parse_message(&inbox[0]);
    assert!(
        got.subject.starts_with("Re: [SHOP #1] Wrong size"),
        "{}",
        got.subject
    );
    assert!(got.text.contains("true to size"), "{}", got.text);

    t.keys(&["q"]);
    let s = t.wait_for("EXITED", Duration::from_secs(5));
    assert!(s.contains("EXITED 0"), "{s}");
}

/// Where is my order, answered in three keys: `r` opens the picker on `wismo` (the
/// ticket's order can be tracked), `Enter` takes it, `Ctrl-S` sends it; the customer gets
/// the tracking link.
#[test]
fn a_wismo_ticket_is_answered_with_its_tracking_link_in_three_keys() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = config(&stack, tmp.path());
    let db = tmp.path().join("shop.db");
    let customer = "customer2@example.test";
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            2,
            customer,
            "Where is my order?",
            "I ordered trail shoes (order 1001) last week. Where are they?",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let orders = tmp.path().join("orders.csv");
    std::fs::write(
        &orders,
        format!(
            "number,email,status,created_at,total,currency,tracking_number,shipped_at,items\n\
             1001,{customer},shipped,2026-11-20,49.90,EUR,1Z5R89390357567127,2026-11-21,1 x Trail shoes\n"
        ),
    )
    .unwrap();
    ok(shopdesk(&config, &db)
        .arg("orders")
        .arg("import")
        .arg(&orders));
    let link = "https://www.ups.com/track?tracknum=1Z5R89390357567127";

    let t = console(tmp.path(), &config, &db);
    let s = t.wait_for("Where is my order?", Duration::from_secs(15));
    assert!(s.contains("Where is my order?"), "{s}");
    // The ticket on screen, its order loaded: the three keys.
    t.keys(&["Enter"]);
    let s = t.wait_for("order #1001 shipped", Duration::from_secs(5));
    assert!(s.contains("order #1001 shipped · UPS"), "{s}");
    t.keys(&["r"]);
    let s = t.wait_for("tracknum", Duration::from_secs(5));
    assert!(s.contains("wismo") && s.contains("is shipped"), "{s}");
    t.keys(&["Enter", "C-s"]);
    let s = t.wait_for("queued", Duration::from_secs(5));
    assert!(s.contains("queued"), "{s}");

    let inbox = stack.wait_for_mail(customer, "INBOX", 1, Duration::from_secs(30));
    assert_eq!(inbox.len(), 1);
    let got = shopdesk::mail::parse::parse_message(&inbox[0]);
    assert!(got.text.contains(link), "{}", got.text);
    assert!(
        got.text.contains("Your order 1001 is shipped"),
        "{}",
        got.text
    );
    t.keys(&["q"]);
}
