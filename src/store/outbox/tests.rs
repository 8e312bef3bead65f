//! The claimed queue on a real (in-memory) SQLite: two senders, cancels, dead holders,
//! leases, rates, pacing and dedupe keys.

use std::collections::HashMap;

use super::*;
use crate::store::Store;

fn reply(n: i64, account: &str, not_before: i64, key: Option<&str>) -> NewReply {
    NewReply {
        account: account.into(),
        ticket: None,
        answers: None,
        message_id: format!("m{n}@shop.test"),
        kind: ReplyKind::Reply,
        envelope_from: "support@shop.test".into(),
        recipients: vec![format!("c{n}@example.test")],
        subject: format!("Re: order {n}"),
        raw: b"Subject: x\r\n\r\nhi\r\n".to_vec(),
        status_after: None,
        agent: Some("alice".into()),
        dedupe_key: key.map(str::to_string),
        not_before,
    }
}

fn queued(store: &Store, r: &NewReply) -> i64 {
    match enqueue(store.conn(), r).expect("enqueue") {
        Enqueued::Queued(id) => id,
        other => panic!("not queued: {other:?}"),
    }
}

struct Ask<'a> {
    owner: &'a str,
    now: i64,
    only: Option<&'a [i64]>,
    limits: HashMap<String, u32>,
    dead: &'a [&'a str],
}

impl<'a> Ask<'a> {
    fn new(owner: &'a str, now: i64) -> Ask<'a> {
        Ask {
            owner,
            now,
            only: None,
            limits: HashMap::new(),
            dead: &[],
        }
    }

    fn claim(&self, store: &mut Store) -> Claim {
        let dead = self.dead;
        let alive = move |name: &str| !dead.contains(&name);
        claim_next(
            store.conn_mut(),
            &ClaimRequest {
                owner: self.owner,
                now: self.now,
                lease_secs: 600,
                only: self.only,
                skip: &[],
                ignore_not_before: false,
                per_minute: &self.limits,
                is_alive: &alive,
            },
        )
        .expect("claim")
    }
}

fn claimed_id(c: Claim) -> i64 {
    match c {
        Claim::Row(r) => r.id,
        other => panic!("expected a row, got {other:?}"),
    }
}

#[test]
fn two_senders_never_hold_the_same_row() {
    let mut store = Store::open_in_memory().expect("store");
    let now = now_unix();
    let a = queued(&store, &reply(1, "shop", now, None));
    let b = queued(&store, &reply(2, "shop", now, None));
    let first = claimed_id(Ask::new("A", now).claim(&mut store));
    let second = claimed_id(Ask::new("B", now).claim(&mut store));
    assert_eq!((first, second), (a, b));
    // Both held: a third sender finds nothing to take, and waits for the holders.
    assert!(matches!(
        Ask::new("C", now).claim(&mut store),
        Claim::WaitUntil(_)
    ));
    // Only the holder's marks count.
    assert!(!begin_data(store.conn(), "B", a, 600).expect("mark"));
    assert!(begin_data(store.conn(), "A", a, 600).expect("mark"));
}

#[test]
fn a_cancel_wins_until_the_content_goes_out_and_is_never_overwritten() {
    let mut store = Store::open_in_memory().expect("store");
    let now = now_unix();
    let queued_row = queued(&store, &reply(1, "shop", now, None));
    let held_row = queued(&store, &reply(2, "shop", now, None));
    let late_row = queued(&store, &reply(3, "shop", now, None));

    assert!(matches!(
        cancel(store.conn(), queued_row).expect("c"),
        Cancelled::Yes
    ));

    // Claimed but the content not yet out: the cancel wins, the sender's check says no,
    // and none of its later marks land.
    assert_eq!(claimed_id(Ask::new("A", now).claim(&mut store)), held_row);
    assert!(matches!(
        cancel(store.conn(), held_row).expect("c"),
        Cancelled::Yes
    ));
    assert!(!begin_data(store.conn(), "A", held_row, 600).expect("check"));
    assert!(!mark_delivered(store.conn(), "A", held_row, "250").expect("mark"));
    let tx = store.conn_mut().transaction().expect("tx");
    assert!(!mark_sent(&tx, "A", held_row).expect("mark"));
    drop(tx);
    let row = get(store.conn(), held_row).expect("get").expect("row");
    assert_eq!(row.state, OutboxState::Cancelled);

    // Once the content is going out it is too late.
    assert_eq!(claimed_id(Ask::new("A", now).claim(&mut store)), late_row);
    assert!(begin_data(store.conn(), "A", late_row, 600).expect("check"));
    assert!(matches!(
        cancel(store.conn(), late_row).expect("c"),
        Cancelled::TooLate(_)
    ));
    assert!(matches!(
        cancel(store.conn(), 999).expect("c"),
        Cancelled::NoSuchRow
    ));
}

#[test]
fn rows_of_a_dead_or_lapsed_sender_are_taken_over_with_their_marks() {
    let mut store = Store::open_in_memory().expect("store");
    let now = now_unix();
    let id = queued(&store, &reply(1, "shop", now, None));
    assert_eq!(claimed_id(Ask::new("A", now).claim(&mut store)), id);
    assert!(begin_data(store.conn(), "A", id, 600).expect("mark"));
    assert!(mark_content_out(store.conn(), "A", id).expect("mark"));

    // A is alive and its lease holds: nobody else may take the row.
    assert!(matches!(
        Ask::new("B", now).claim(&mut store),
        Claim::WaitUntil(_)
    ));
    // A died: B takes it over at once, and sees how far A got.
    let mut ask = Ask::new("B", now);
    ask.dead = &["A"];
    let Claim::Row(row) = ask.claim(&mut store) else {
        panic!("not taken over");
    };
    assert!(row.progress.content_out && !row.progress.delivered);
    assert_eq!(row.attempts, 2);
    assert!(!mark_delivered(store.conn(), "A", id, "250").expect("A's late mark"));

    // A sender that gives up hands its rows back at once.
    assert!(begin_data(store.conn(), "B", id, 600).expect("mark"));
    assert_eq!(release_all(store.conn(), "B").expect("release"), 1);
    let row = get(store.conn(), id).expect("get").expect("row");
    assert_eq!((row.state, row.claimed_by), (OutboxState::Queued, None));
    assert_eq!(claimed_id(Ask::new("B", now).claim(&mut store)), id);

    // A lapsed lease frees the row even when its holder may still run.
    let later = now + 601;
    assert_eq!(claimed_id(Ask::new("C", later).claim(&mut store)), id);
}

#[test]
fn the_account_rate_holds_across_senders_and_skips_delivered_rows() {
    let mut store = Store::open_in_memory().expect("store");
    let now = now_unix();
    let ids: Vec<i64> = (1..=3)
        .map(|n| queued(&store, &reply(n, "shop", now, None)))
        .collect();
    let other = queued(&store, &reply(9, "other", now, None));
    let mut limits = HashMap::new();
    limits.insert("shop".to_string(), 2);
    for (owner, id) in [("A", ids[0]), ("B", ids[1])] {
        let mut ask = Ask::new(owner, now);
        ask.limits = limits.clone();
        assert_eq!(claimed_id(ask.claim(&mut store)), id);
        assert!(begin_data(store.conn(), owner, id, 600).expect("mark"));
    }
    // Two sends in the last minute: the third of this account waits, another account not.
    let mut ask = Ask::new("C", now);
    ask.limits = limits.clone();
    assert_eq!(claimed_id(ask.claim(&mut store)), other);
    let mut ask = Ask::new("C", now);
    ask.limits = limits.clone();
    let Claim::WaitUntil(at) = ask.claim(&mut store) else {
        panic!("the rate did not hold");
    };
    assert!(at >= now + 59 && at <= now + 61, "{at} vs {now}");
    // A delivered row that only needs its Sent copy is not a send.
    assert!(mark_delivered(store.conn(), "A", ids[0], "250 ok").expect("mark"));
    assert!(release_failed(store.conn(), "A", ids[0], "filing", now, false).expect("release"));
    let mut ask = Ask::new("C", now);
    ask.limits = limits;
    assert_eq!(claimed_id(ask.claim(&mut store)), ids[0]);
}

#[test]
fn paced_rows_are_waited_for_and_failed_ones_are_not() {
    let mut store = Store::open_in_memory().expect("store");
    let now = now_unix();
    let paced = queued(&store, &reply(1, "shop", now + 5, None));
    let failing = queued(&store, &reply(2, "shop", now, None));
    assert_eq!(claimed_id(Ask::new("A", now).claim(&mut store)), failing);
    assert!(release_failed(store.conn(), "A", failing, "421 busy", now + 30, false).expect("fail"));
    match Ask::new("A", now).claim(&mut store) {
        Claim::WaitUntil(at) => assert_eq!(at, now + 5),
        other => panic!("{other:?}"),
    }
    let only = [failing];
    let mut ask = Ask::new("A", now);
    ask.only = Some(&only);
    assert!(matches!(ask.claim(&mut store), Claim::Nothing));
    assert_eq!(claimed_id(Ask::new("A", now + 5).claim(&mut store)), paced);
    // A permanent refusal is not retried until asked.
    assert!(release_failed(store.conn(), "A", paced, "550 no such user", now, true).expect("fail"));
    assert!(matches!(
        Ask::new("A", now + 3600).claim(&mut store),
        Claim::Row(r) if r.id == failing
    ));
    assert!(retry(store.conn(), paced).expect("retry"));
    assert!(!retry(store.conn(), 999).expect("retry"));
}

#[test]
fn a_dedupe_key_admits_one_reply_and_a_cancel_frees_it() {
    let store = Store::open_in_memory().expect("store");
    let now = now_unix();
    let first = queued(&store, &reply(1, "shop", now, Some("bulk:wismo:<a@b>")));
    assert_eq!(
        enqueue(
            store.conn(),
            &reply(2, "shop", now, Some("bulk:wismo:<a@b>"))
        )
        .expect("e"),
        Enqueued::Duplicate(first)
    );
    assert!(dedupe_key_used(store.conn(), "bulk:wismo:<a@b>").expect("used"));
    assert!(matches!(
        cancel(store.conn(), first).expect("c"),
        Cancelled::Yes
    ));
    assert!(!dedupe_key_used(store.conn(), "bulk:wismo:<a@b>").expect("used"));
    let again = queued(&store, &reply(3, "shop", now, Some("bulk:wismo:<a@b>")));
    assert_ne!(again, first);
}

/// A ticket for a reply to answer (the outbox refers to it).
fn a_ticket(store: &Store, id: TicketId) {
    use crate::domain::ticket_change::{NewTicket, TicketChange};
    use crate::domain::{EventSource, Origin};
    crate::store::events::atomically(store.conn(), |tx| {
        let created = TicketChange::Created(NewTicket {
            account: "shop".into(),
            subject: "Hi".into(),
            normalized_subject: "hi".into(),
            status: Status::New,
            customer: None,
        });
        let at = chrono::DateTime::from_timestamp(now_unix(), 0).unwrap_or_default();
        crate::store::events::apply(
            tx,
            id,
            &[created],
            &Origin::new("sync", EventSource::Sync, at),
        )
    })
    .expect("ticket");
}

#[test]
fn the_newest_failure_names_its_ticket_and_whether_it_was_for_good() {
    let mut store = Store::open_in_memory().expect("store");
    let now = now_unix();
    a_ticket(&store, 12);
    let on_ticket = |n| NewReply {
        ticket: Some(12),
        ..reply(n, "shop", now, None)
    };
    let refused = queued(&store, &on_ticket(1));
    let digest = queued(&store, &reply(2, "shop", now, None));
    let busy = queued(&store, &on_ticket(3));
    assert_eq!(last_failure(store.conn()).expect("read"), None);
    let fail = |store: &mut Store, id, error, permanent| {
        assert_eq!(claimed_id(Ask::new("A", now).claim(store)), id);
        assert!(release_failed(store.conn(), "A", id, error, now + 30, permanent).expect("fail"));
        last_failure(store.conn()).expect("read")
    };
    let newest = |ticket, error: &str, permanent| {
        Some(OutboxFailure {
            ticket,
            error: error.into(),
            permanent,
        })
    };
    assert_eq!(
        fail(&mut store, refused, "550 no such user", true),
        newest(Some(12), "550 no such user", true)
    );
    assert_eq!(
        fail(&mut store, digest, "421 busy", false),
        newest(None, "421 busy", false)
    );
    assert_eq!(
        fail(&mut store, busy, "451 later", false),
        newest(Some(12), "451 later", false)
    );
    // A row tried again is not a failure until it fails again.
    assert!(retry(store.conn(), busy).expect("retry"));
    assert_eq!(
        last_failure(store.conn()).expect("read"),
        newest(None, "421 busy", false)
    );
}
