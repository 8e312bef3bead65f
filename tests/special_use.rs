//! The Sent folder found by its RFC 6154 special use when the config names none: the
//! stack's Dovecot marks a localised mailbox \Sent, and sync and a reply use it.

#![allow(clippy::unwrap_used)]

mod support;

use support::messages::customer_mail;
use support::{MailStack, list_json, ok, shopdesk};

const SHOP: &str = support::mailstack::SHOP;
const CUSTOMER: &str = "customer1@example.test";
const SENT: &str = "Éléments envoyés";

fn synced_mailboxes(config: &std::path::Path, db: &std::path::Path) -> Vec<String> {
    let out = ok(shopdesk(config, db).args(["sync", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["errors"], serde_json::json!([]), "{out}");
    v[0]["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mailbox"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_localised_sent_folder_is_found_and_used_by_sync_and_replies() {
    let stack = MailStack::start_env(&[("MAILSTACK_SENT", SENT)], |_| {});
    let tmp = tempfile::tempdir().unwrap();
    let config = stack.write_config(tmp.path(), "");
    assert!(
        !std::fs::read_to_string(&config)
            .unwrap()
            .contains("sent_folder")
    );
    let db = tmp.path().join("shop.db");
    stack.append(
        SHOP,
        "INBOX",
        &[customer_mail(
            1,
            CUSTOMER,
            "Where is order 1?",
            "Has it shipped?",
        )],
    );
    assert_eq!(synced_mailboxes(&config, &db), ["INBOX", SENT]);
    let id = list_json(&config, &db, &[])[0]["id"].to_string();
    ok(shopdesk(&config, &db).args(["reply", &id, "--template", "sizing"]));

    let copies = stack.wait_for_mail(SHOP, SENT, 1, std::time::Duration::from_secs(20));
    assert_eq!(copies.len(), 1, "the Sent copy is filed in {SENT}");
    let mut shop = stack.client(SHOP);
    let names = shop.list(Some(""), Some("*")).unwrap();
    let names: Vec<String> = names
        .iter()
        .map(|n| shopdesk::mail::imap::decode_mailbox(n.name()))
        .collect();
    assert!(!names.iter().any(|n| n == "Sent"), "{names:?}");
    let _ = shop.logout();

    // The copy in the found folder is the reply already on the ticket, not a new message.
    assert_eq!(synced_mailboxes(&config, &db), ["INBOX", SENT]);
    let tickets = list_json(&config, &db, &[]);
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["message_count"], 2);
}
