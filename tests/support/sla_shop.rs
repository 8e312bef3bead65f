//! A small shop for the service-level and report tests: mail through the real parse →
//! thread → store path with dates around now, a solve, a tag, and a config with two
//! policies on a round-the-clock calendar.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use shopdesk::domain::ticket_change::{StatusCause, TicketChange};
use shopdesk::domain::{EventSource, Origin, Status};
use shopdesk::store::Store;
use shopdesk::store::events::{apply, atomically};
use shopdesk::store::ingest::AccountIdentity;
use shopdesk::worker::import::ingest_raw;

use super::{ok, shopdesk};

const SHOP: &str = "support@shop.test";

/// A calendar open round the clock ("always") and one catch-all policy on it, "standard",
/// with `first_reply` as its target: config lines for tests that need one late ticket.
pub fn always_open(first_reply: &str) -> String {
    format!(
        "\n[[sla.calendar]]\nname = \"always\"\ntime_zone = \"UTC\"\nhours = {{ {} }}\n\n\
         [[sla.policy]]\nname = \"standard\"\nfirst_reply = \"{first_reply}\"\n\
         calendar = \"always\"\n",
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .map(|d| format!("{d} = \"00:00-24:00\""))
            .join(", ")
    )
}

pub fn config(dir: &Path) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            r#"agent = "alice"

[[accounts]]
name = "shop"
email = "{SHOP}"

[accounts.imap]
host = "127.0.0.1"
port = 1
security = "none"
user = "{SHOP}"
password_env = "SHOPDESK_TEST_PASSWORD"

[accounts.smtp]
host = "127.0.0.1"
port = 1
security = "none"
user = "{SHOP}"
password_env = "SHOPDESK_TEST_PASSWORD"

[sla]
approaching = "80%"

[[sla.calendar]]
name = "always"
time_zone = "UTC"
hours = {{ mon = "00:00-24:00", tue = "00:00-24:00", wed = "00:00-24:00", thu = "00:00-24:00", fri = "00:00-24:00", sat = "00:00-24:00", sun = "00:00-24:00" }}

[[sla.policy]]
name = "vip"
tag = "vip"
first_reply = "1h"
resolution = "8h"
calendar = "always"

[[sla.policy]]
name = "standard"
first_reply = "4h"
resolution = "48h"
calendar = "always"
"#
        ),
    )
    .unwrap();
    path
}

pub fn mail(
    from: &str,
    to: &str,
    subject: &str,
    id: &str,
    reply_to: Option<&str>,
    at: DateTime<Utc>,
) -> Vec<u8> {
    let parent = reply_to
        .map(|p| format!("In-Reply-To: <{p}>\r\nReferences: <{p}>\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {}\r\nMessage-ID: <{id}>\r\n{parent}Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n",
        at.to_rfc2822()
    )
    .into_bytes()
}

/// Four tickets (times from now):
/// - "Boots": a vip, written 3h ago, unanswered: first reply (1h) breached 2h ago;
/// - "Laces": written 3h30m ago, unanswered: first reply (4h) approaching, due in 30m;
/// - "Sizes": written 2 days ago, answered in 30m, solved an hour after it began;
/// - "Again": the "Sizes" customer a day later (a repeat contact), unanswered: breached.
pub fn shop(dir: &Path, now: DateTime<Utc>) -> (PathBuf, PathBuf, HashMap<String, i64>) {
    let config = config(dir);
    let db = dir.join("shop.db");
    let h = Duration::hours;
    let m = Duration::minutes;
    {
        let mut store = Store::open(&db).unwrap();
        let account = AccountIdentity::new("shop", "shop", &[SHOP]);
        let raws = vec![
            mail(
                "a@customer.test",
                SHOP,
                "Boots",
                "boots@customer.test",
                None,
                now - h(3),
            ),
            mail(
                "b@customer.test",
                SHOP,
                "Laces",
                "laces@customer.test",
                None,
                now - h(3) - m(30),
            ),
            mail(
                "c@customer.test",
                SHOP,
                "Sizes",
                "sizes@customer.test",
                None,
                now - h(48),
            ),
            mail(
                SHOP,
                "c@customer.test",
                "Re: Sizes",
                "r1@shop.test",
                Some("sizes@customer.test"),
                now - h(48) + m(30),
            ),
            mail(
                "c@customer.test",
                SHOP,
                "Again",
                "again@customer.test",
                None,
                now - h(24),
            ),
        ];
        ingest_raw(&mut store, &account, "INBOX", &raws).unwrap();
    }
    let listed: Value =
        serde_json::from_str(&ok(shopdesk(&config, &db).args(["list", "--json"]))).unwrap();
    let ids: HashMap<String, i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["subject"].as_str().unwrap().to_string(),
                t["id"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ids.len(), 4, "{listed}");
    {
        let store = Store::open(&db).unwrap();
        let solved = TicketChange::StatusSet {
            status: Status::Solved,
            cause: StatusCause::Agent,
        };
        let origin = Origin::new("alice", EventSource::Cli, now - h(47));
        atomically(store.conn(), |tx| {
            apply(tx, ids["Sizes"], &[solved], &origin)
        })
        .unwrap();
    }
    ok(shopdesk(&config, &db).args(["tag", &ids["Boots"].to_string(), "+vip"]));
    (config, db, ids)
}
