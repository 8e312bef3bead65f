//! The digest queued once per period through the outbox, and only with something to say.

use chrono::{DateTime, Duration, Utc};

use super::queue_due;
use crate::config::Config;
use crate::domain::outbox::ReplyKind;
use crate::domain::ticket_change::TicketChange;
use crate::domain::vote::{Csat, Score};
use crate::domain::{EventSource, Origin};
use crate::store::events::{apply, atomically};
use crate::store::ingest::AccountIdentity;
use crate::store::{Store, outbox};
use crate::worker::import::ingest_raw;

const CONFIG: &str = r#"
agent = "alice"
[[accounts]]
name = "shop"
email = "shop@example.test"
[accounts.imap]
host = "127.0.0.1"
[sla]
digest_to = "owner@example.test"
digest_every = "1h"
[[sla.calendar]]
name = "always"
time_zone = "UTC"
hours = { mon = "00:00-24:00", tue = "00:00-24:00", wed = "00:00-24:00", thu = "00:00-24:00", fri = "00:00-24:00", sat = "00:00-24:00", sun = "00:00-24:00" }
[[sla.policy]]
name = "standard"
first_reply = "1h"
calendar = "always"
"#;

/// 10:00 UTC on a Tuesday: the start of an hour's period.
fn ten() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

fn mail(subject: &str, at: DateTime<Utc>) -> Vec<u8> {
    format!(
        "From: anna@example.test\r\nTo: shop@example.test\r\nSubject: {subject}\r\n\
         Date: {}\r\nMessage-ID: <{subject}@c>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nWhere is my parcel?\r\n",
        at.to_rfc2822()
    )
    .into_bytes()
}

fn digests(store: &Store) -> Vec<outbox::OutboxRow> {
    outbox::list(store.conn(), true)
        .expect("rows")
        .into_iter()
        .filter(|r| r.kind == ReplyKind::Digest)
        .collect()
}

#[test]
fn one_digest_per_period_and_none_with_nothing_to_say() {
    let config = Config::parse(CONFIG, std::path::Path::new("config.toml")).expect("config");
    let mut store = Store::open_in_memory().expect("store");
    let c = || store.conn();
    let m = Duration::minutes;
    assert_eq!(queue_due(c(), &config, ten()).expect("empty"), None);
    let account = AccountIdentity::from(&config.accounts[0]);
    ingest_raw(
        &mut store,
        &account,
        "INBOX",
        &[mail("Boots", ten() - m(90))],
    )
    .expect("ingest");
    let c = || store.conn();
    // breached half an hour ago: the period's digest, once
    let first = queue_due(c(), &config, ten() + m(5)).expect("queue");
    assert!(first.is_some());
    assert_eq!(queue_due(c(), &config, ten() + m(59)).expect("again"), None);
    let rows = digests(&store);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(
        (row.ticket_id, row.recipients.clone(), row.subject.as_str()),
        (
            None,
            vec!["owner@example.test".to_string()],
            "shopdesk: 1 breached, 0 approaching"
        )
    );
    let raw = String::from_utf8_lossy(&row.raw);
    assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
    assert!(raw.contains("From: shop@example.test"), "{raw}");
    assert!(!raw.contains("X-Shopdesk-Ticket"), "{raw}");
    let text = crate::mail::parse::parse_message(&row.raw).text;
    assert!(text.contains("#1 Boots"), "{text}");
    assert!(text.contains("first reply due 2026-11-24 09:30"), "{text}");
    // the next period has its own
    assert!(
        queue_due(c(), &config, ten() + m(61))
            .expect("next")
            .is_some()
    );
    assert_eq!(digests(&store).len(), 2);
    // a bad vote is in exactly one digest
    atomically(c(), |tx| {
        let change = TicketChange::Rated {
            score: Score::Csat(Csat::Bad),
            comment: Some("Still waiting".into()),
            message_id: "v1@c".into(),
        };
        apply(
            tx,
            1,
            &[change],
            &Origin::new("sync", EventSource::Sync, ten() + m(100)),
        )
    })
    .expect("vote");
    assert!(
        queue_due(c(), &config, ten() + m(121))
            .expect("vote")
            .is_some()
    );
    assert!(
        queue_due(c(), &config, ten() + m(181))
            .expect("later")
            .is_some()
    );
    let rows = digests(&store);
    let texts: Vec<String> = rows
        .iter()
        .map(|r| crate::mail::parse::parse_message(&r.raw).text)
        .collect();
    let with_vote = texts.iter().filter(|t| t.contains("Still waiting")).count();
    assert_eq!((rows.len(), with_vote), (4, 1), "{texts:?}");
}

#[test]
fn off_without_an_address() {
    let text = CONFIG.replace("digest_to = \"owner@example.test\"\n", "");
    let config = Config::parse(&text, std::path::Path::new("config.toml")).expect("config");
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::from(&config.accounts[0]);
    let at = ten() - Duration::hours(3);
    ingest_raw(&mut store, &account, "INBOX", &[mail("Boots", at)]).expect("ingest");
    assert_eq!(queue_due(store.conn(), &config, ten()).expect("off"), None);
    assert!(digests(&store).is_empty());
}
