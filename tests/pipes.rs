//! Output read by a script that stops early (`shopdesk list --json | head -c 10`): the
//! closed pipe is the reader's choice, so every JSON and CSV output ends quietly with 0.

#![allow(clippy::unwrap_used)]

mod support;

use std::io::Read;
use std::process::Stdio;

use support::messages::customer_mail;
use support::{MailStack, list_json, ok, run, setup, shopdesk};

const SHOP: &str = support::mailstack::SHOP;

#[test]
fn json_and_csv_into_a_closed_pipe_exit_0_and_say_nothing() {
    let stack = MailStack::start();
    let (_tmp, config, db) = setup(&stack, "");
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            "fin@example.test",
            "Where is my jacket?",
            "Order SD-2024-0002 has not arrived.",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let orders = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/orders/woocommerce.csv"
    );
    // The export has rows it rejects (exit 1); the good ones are imported.
    run(shopdesk(&config, &db).args(["orders", "import", orders]));
    let ticket = list_json(&config, &db, &[])[0]["id"].to_string();

    let lines: &[&[&str]] = &[
        &["list", "--json"],
        &["search", "jacket", "--json"],
        &["show", &ticket, "--json"],
        &["customer", "fin@example.test", "--json"],
        &["orders", "show", "SD-2024-0002", "--json"],
        &["report", "--json"],
        &["report", "--csv"],
        &["sla", "--json"],
        &["outbox", "list", "--all", "--json"],
    ];
    for args in lines {
        // What the command writes still comes out when the pipe stays open.
        let full = ok(shopdesk(&config, &db).args(*args));
        assert!(full.len() > 1, "{args:?} wrote nothing: {full:?}");

        // The reader has gone before the first write: every write meets a closed pipe.
        let mut child = shopdesk(&config, &db)
            .args(*args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!((status.code(), err.as_str()), (Some(0), ""), "{args:?}");
    }

    // As a shell script runs it.
    let line = format!(
        "'{}' --config '{}' --db '{}' list --json | head -c 10 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        support::shopdesk_bin().display(),
        config.display(),
        db.display()
    );
    let o = run(std::process::Command::new("bash")
        .args(["-c", &line])
        .env("NO_COLOR", "1")
        .env("SHOPDESK_TEST_PASSWORD", support::mailstack::PASSWORD));
    assert_eq!(
        (support::stdout(&o).trim(), support::stderr(&o).as_str()),
        ("0", "")
    );
}
