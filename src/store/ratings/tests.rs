//! The vote secret and ratings on a real (in-memory) store.

use chrono::{DateTime, Utc};

use super::*;
use crate::domain::ticket_change::{NewTicket, TicketChange};
use crate::domain::vote::Csat;
use crate::domain::{EventSource, Origin, Status};
use crate::store::Store;
use crate::store::events::{apply, atomically};

fn at(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

fn with_ticket() -> Store {
    let store = Store::open_in_memory().expect("store");
    atomically(store.conn(), |tx| {
        let created = TicketChange::Created(NewTicket {
            account: "shop".into(),
            subject: "Boots".into(),
            normalized_subject: "boots".into(),
            status: Status::Solved,
            customer: None,
        });
        apply(
            tx,
            1,
            &[created],
            &Origin::new("sync", EventSource::Sync, at(0)),
        )
    })
    .expect("ticket");
    store
}

#[test]
fn the_secret_is_made_once_and_kept() {
    let store = with_ticket();
    let first = secret(store.conn()).expect("secret");
    assert_eq!(first.len(), SECRET_BYTES);
    assert!(first.iter().any(|b| *b != 0), "random, not zeros");
    assert_eq!(secret(store.conn()).expect("again"), first);
    let other = with_ticket();
    assert_ne!(secret(other.conn()).expect("other"), first, "per install");
}

#[test]
fn the_last_vote_counts_by_its_date() {
    let store = with_ticket();
    let c = store.conn();
    let vote = |score, comment: Option<&str>, when: i64, id: &str| {
        atomically(c, |tx| {
            let change = TicketChange::Rated {
                score,
                comment: comment.map(str::to_string),
                message_id: id.into(),
            };
            apply(
                tx,
                1,
                &[change],
                &Origin::new("sync", EventSource::Sync, at(when)),
            )
        })
        .expect("vote");
        rating(c, 1)
            .expect("read")
            .map(|r| (r.score, r.comment, r.message_id))
    };
    // (vote, rating after it)
    let bad = Score::Csat(Csat::Bad);
    let good = Score::Csat(Csat::Good);
    assert_eq!(
        vote(bad, Some("Slow"), 100, "a@c"),
        Some((bad, Some("Slow".into()), "a@c".into()))
    );
    assert_eq!(
        vote(good, None, 200, "b@c"),
        Some((good, None, "b@c".into()))
    );
    // an older vote synced late does not replace the newer one, and is still logged
    assert_eq!(
        vote(bad, None, 150, "c@c"),
        Some((good, None, "b@c".into()))
    );
    let logged: i64 = c
        .query_row(
            "SELECT count(*) FROM ticket_events WHERE kind = 'rating'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(logged, 3);
    assert_eq!(all(c).expect("all").len(), 1);
}

#[test]
fn a_ticket_is_asked_once() {
    let store = with_ticket();
    let c = store.conn();
    assert!(!was_asked(c, 1).expect("asked"));
    assert!(mark_asked(c, 1, 10).expect("mark"));
    assert!(!mark_asked(c, 1, 20).expect("again"));
    assert!(was_asked(c, 1).expect("asked"));
}
