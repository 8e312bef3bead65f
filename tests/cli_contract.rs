//! The command line as scripts call it: options before, after and between a query's
//! words, negated terms, `--`, and exit codes — on a mailbox synced from the test Dovecot.

#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;

use support::messages::customer_mail;
use support::{MailStack, ok, run, shopdesk, stderr, stdout};

const SHOP: &str = support::mailstack::SHOP;

/// Three tickets: two about refunds (one tagged spam), one about order 10300.
fn shop(stack: &MailStack, dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let config = stack.write_config(dir, "");
    let db = dir.join("shop.db");
    stack.append(
        SHOP,
        "INBOX",
        &[
            customer_mail(
                1,
                "customer1@example.test",
                "Refund please",
                "I want a refund.",
            ),
            customer_mail(
                2,
                "customer2@example.test",
                "Refund now",
                "Refund my money.",
            ),
            customer_mail(
                3,
                "customer3@example.test",
                "Order 10300",
                "Where is order 10300?",
            ),
        ],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let spam = ids(&ok(shopdesk(&config, &db).args([
        "list",
        "--json",
        "from:customer2",
    ])));
    ok(shopdesk(&config, &db).args(["tag", &spam[0].to_string(), "+spam"]));
    (config, db)
}

fn ids(json: &str) -> Vec<i64> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let mut ids: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket_id"].as_i64().or(t["id"].as_i64()).unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[test]
fn options_anywhere_on_the_line_and_negated_terms() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(&stack, tmp.path());
    let line = |args: &[&str]| ok(shopdesk(&config, &db).args(args));

    let refunds = ids(&line(&["list", "--json", "refund"]));
    assert_eq!(refunds.len(), 2);
    for args in [
        &["list", "refund", "--json"][..],
        &["list", "--limit", "10", "refund", "--json"],
        &["list", "refund", "--limit", "10", "--json"],
        &["list", "refund", "--limit=10", "--json"],
        &["list", "refund", "--json", "--limit", "10"],
    ] {
        assert_eq!(ids(&line(args)), refunds, "{args:?}");
    }
    // --limit after the words limits.
    assert_eq!(
        ids(&line(&["list", "refund", "--limit", "1", "--json"])).len(),
        1
    );
    // Negated terms, before and after options, and after `--`.
    let not_spam = ids(&line(&["list", "refund", "-tag:spam", "--json"]));
    assert_eq!(not_spam.len(), 1);
    assert_eq!(
        ids(&line(&["list", "--json", "refund", "-tag:spam"])),
        not_spam
    );
    assert_eq!(
        ids(&line(&["list", "--json", "--", "refund", "-tag:spam"])),
        not_spam
    );
    assert_eq!(ids(&line(&["list", "-tag:spam", "--json"])).len(), 2);

    // search: the same, options between words.
    let hits = ids(&line(&["search", "10300", "--limit", "3", "--json"]));
    assert_eq!(hits.len(), 1, "search 10300 finds the order ticket");
    assert_eq!(
        ids(&line(&[
            "search", "--json", "where", "--limit", "3", "10300"
        ])),
        hits
    );

    // bulk-reply: a query that starts with a negation, options in any order.
    let dry = line(&[
        "bulk-reply",
        "--dry-run",
        "--query",
        "-tag:spam refund",
        "--template",
        "sizing",
        "--json",
    ]);
    let dry: serde_json::Value = serde_json::from_str(&dry).unwrap();
    assert_eq!(dry["would_send"].as_array().unwrap().len(), 1, "{dry}");

    // A table without --json is not JSON; with it anywhere, it is.
    assert!(serde_json::from_str::<serde_json::Value>(&line(&["list", "refund"])).is_err());
}

/// The subjects a JSON answer lists, in its order.
fn subjects(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v.as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn search_answers_best_match_or_newest_first_wherever_the_option_stands() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(&stack, tmp.path());
    // The best match about refunds is the oldest message.
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            0,
            "customer4@example.test",
            "Refund refund refund",
            "Refund, refund, refund!",
        )],
    );
    ok(shopdesk(&config, &db).arg("sync"));
    let line = |args: &[&str]| subjects(&ok(shopdesk(&config, &db).args(args)));

    let best = line(&["search", "refund", "--json"]);
    assert_eq!(best[0], "Refund refund refund", "{best:?}");
    assert_eq!(
        line(&["search", "--sort", "best", "refund", "--json"]),
        best
    );
    let newest = vec!["Refund now", "Refund please", "Refund refund refund"];
    for args in [
        &["search", "refund", "--sort", "newest", "--json"][..],
        &["search", "--sort", "newest", "--json", "refund"],
        &["search", "--json", "refund", "--sort=newest"],
        &["search", "--sort", "newest", "--json", "--", "refund"],
    ] {
        assert_eq!(line(args), newest, "{args:?}");
    }
    // with --limit anywhere, the newest of them
    assert_eq!(
        line(&[
            "search", "--limit", "2", "refund", "--sort", "newest", "--json"
        ]),
        newest[..2]
    );
    // a negated word stays a word of the query
    assert_eq!(
        line(&["search", "refund", "-please", "--sort", "newest", "--json"]),
        ["Refund now", "Refund refund refund"]
    );
}

#[test]
fn bad_queries_and_bad_options_are_usage_errors_wherever_they_stand() {
    let stack = MailStack::start();
    let tmp = tempfile::tempdir().unwrap();
    let (config, db) = shop(&stack, tmp.path());
    for args in [
        &["list", "stauts:open", "--json"][..],
        &["list", "--json", "stauts:open"],
        &["search", "refund", "stauts:open", "--limit", "2"],
        &["list", "refund", "--limit", "many"],
        &["list", "refund", "--nonsense"],
        &["search", "refund", "--sort", "sideways"],
        &["search", "--sort", "refund"],
    ] {
        let o = run(shopdesk(&config, &db).args(args));
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
}

#[test]
fn the_console_without_a_terminal_says_it_needs_one() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("none.toml");
    std::fs::write(&config, "").unwrap();
    for args in [&[][..], &["demo"]] {
        let o = run(shopdesk(&config, &tmp.path().join("x.db"))
            .args(args)
            .stdin(std::process::Stdio::null()));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("needs a terminal"), "{}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    }
}
