//! The real binary in tmux against a store synced from the test Dovecot: open a ticket,
//! pick a template, send, and check the screen and the customer's mailbox.

#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use support::messages::customer_mail;
use support::tmux::Tmux;
use support::{MailStack, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;

#[test]
fn reply_from_the_console_reaches_the_customer() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!("{}\n[outbox]\nundo_seconds = 1\n", stack.config_text("")).replace(
            "agent = \"alice\"",
            "agent = \"alice\"\n[shop]\nname = \"Test Shop\"",
        ),
    )
    .unwrap();
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

    let bin = support::shopdesk_bin();
    let cmd = format!(
        "env XDG_CONFIG_HOME={dir}/xdg XDG_STATE_HOME={dir}/state SHOPDESK_TEST_PASSWORD=secret TERM=xterm-256color {bin} --config {config} --db {db}; echo EXITED $?; sleep 30",
        dir = tmp.path().display(),
        bin = bin.display(),
        config = config.display(),
        db = db.display(),
    );
    let name = format!("sd{}", std::process::id());
    let t = Tmux::start(&name, &cmd, 100, 30);
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
