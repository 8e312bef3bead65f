//! The marks built from a small database: the rule per customer, the stamp that says when
//! they are stale, and `is:repeat` looking them up.

use chrono::Duration;

use super::*;
use crate::domain::kpi::repeat_set;
use crate::domain::query::parse_query;
use crate::domain::ticket_change::{self as change, NewTicket, StatusCause};
use crate::domain::{EventSource, Origin};
use crate::store::Store;
use crate::store::events::apply;
use crate::store::query_sql::{QueryContext, ticket_query};
use crate::store::search::run_ids;

const DAY: i64 = 86_400;

fn ticket(db: &Store, id: TicketId, customer: Option<i64>, day: i64) {
    atomically(db.conn(), |tx| {
        let created = change::TicketChange::Created(NewTicket {
            account: "shop".into(),
            subject: "Hi".into(),
            normalized_subject: "hi".into(),
            status: Status::New,
            customer,
        });
        apply(
            tx,
            id,
            &[created],
            &Origin::new(
                "sync",
                EventSource::Sync,
                instant(1_800_000_000 + day * DAY),
            ),
        )
    })
    .expect("ticket");
}

fn status(db: &Store, id: TicketId, day: i64, s: Status) {
    atomically(db.conn(), |tx| {
        let change = change::TicketChange::StatusSet {
            status: s,
            cause: StatusCause::Agent,
        };
        apply(
            tx,
            id,
            &[change],
            &Origin::new(
                "alice",
                EventSource::Cli,
                instant(1_800_000_000 + day * DAY),
            ),
        )
    })
    .expect("status");
}

/// Builds the marks as `refresh_repeats` does, under a 7-day window.
fn rebuild(db: &Store) -> Vec<TicketId> {
    let c = db.conn();
    let stamp = current(c, 7 * DAY, RepeatScope::AnySubject).expect("stamp");
    let marks = repeat_set(
        contacts(c, RepeatScope::AnySubject).expect("contacts"),
        Duration::days(7),
        RepeatScope::AnySubject,
    );
    store(c, &marks, stamp).expect("store");
    assert!(holds(c, stamp).expect("holds"));
    listed(db, "is:repeat")
}

fn listed(db: &Store, q: &str) -> Vec<TicketId> {
    let ctx = QueryContext {
        agent: "alice".into(),
        now: 1_900_000_000,
    };
    let query = parse_query(q).expect("query");
    let mut ids = run_ids(db.conn(), &ticket_query(&query, &ctx, 100, 0)).expect("run");
    ids.sort_unstable();
    ids
}

#[test]
fn marks_follow_the_rule_and_know_when_they_are_stale() {
    let db = Store::open_in_memory().expect("store");
    let c = db.conn();
    for (id, name) in [(1, "anna"), (2, "bob")] {
        c.execute(
            "INSERT INTO customers (id, name, created_at) VALUES (?1, ?2, 0)",
            params![id, name],
        )
        .expect("customer");
    }
    // anna: #1 solved on day 2, #2 three days later (a repeat, both count), #3 a month on
    ticket(&db, 1, Some(1), 0);
    status(&db, 1, 2, Status::Solved);
    ticket(&db, 2, Some(1), 5);
    ticket(&db, 3, Some(1), 40);
    // bob: #4 solved, then #5 ten days later: outside the window
    ticket(&db, 4, Some(2), 0);
    status(&db, 4, 1, Status::Solved);
    ticket(&db, 5, Some(2), 11);
    // #6 has no customer
    ticket(&db, 6, None, 3);
    assert_eq!(rebuild(&db), vec![1, 2]);
    assert_eq!(listed(&db, "-is:repeat"), vec![3, 4, 5, 6]);
    assert!(is_marked(c, 2).expect("marked"));
    assert!(!is_marked(c, 5).expect("marked"));
    // a status change after the build makes it stale; so does another rule
    let stamp = current(c, 7 * DAY, RepeatScope::AnySubject).expect("stamp");
    assert!(holds(c, stamp).expect("holds"));
    assert!(
        !holds(
            c,
            current(c, 14 * DAY, RepeatScope::AnySubject).expect("stamp")
        )
        .expect("holds")
    );
    assert!(
        !holds(
            c,
            current(c, 7 * DAY, RepeatScope::SameOrder).expect("stamp")
        )
        .expect("holds")
    );
    // #1 reopened on day 3 and solved again on day 6: #2 (day 5) no longer follows a solve
    status(&db, 1, 3, Status::Open);
    status(&db, 1, 6, Status::Solved);
    let now = current(c, 7 * DAY, RepeatScope::AnySubject).expect("stamp");
    assert_ne!(now, stamp);
    assert!(!holds(c, now).expect("holds"));
    assert_eq!(rebuild(&db), Vec::<TicketId>::new());
    // bob's #5 solved on day 12, and #7 two days later: a repeat of #5
    status(&db, 5, 12, Status::Solved);
    ticket(&db, 7, Some(2), 14);
    assert_eq!(rebuild(&db), vec![5, 7]);
    // a reader without the config keeps them up to date under the rule they were built with
    assert!(!refresh_as_built(c).expect("refresh"));
    ticket(&db, 8, Some(2), 15);
    assert!(refresh_as_built(c).expect("refresh"));
    assert_eq!(listed(&db, "is:repeat"), vec![5, 7, 8]);
    assert!(!refresh_as_built(c).expect("refresh"));
    // under another rule (a day): #7 and #8 came two and three days after the solve
    assert!(refresh(c, Duration::days(1), RepeatScope::AnySubject).expect("refresh"));
    assert_eq!(listed(&db, "is:repeat"), Vec::<TicketId>::new());
    // marks never built: nothing to keep up
    let empty = Store::open_in_memory().expect("store");
    assert!(!refresh_as_built(empty.conn()).expect("refresh"));
}

fn link(db: &Store, id: TicketId, number: Option<&str>) {
    atomically(db.conn(), |tx| {
        let change = change::TicketChange::OrderLinked {
            number: number.map(str::to_string),
        };
        apply(
            tx,
            id,
            &[change],
            &Origin::new("alice", EventSource::Console, instant(1_800_000_000)),
        )
    })
    .expect("link");
}

/// Counted by order, a ticket repeats only an earlier one about the same order; the
/// agent's last link says which order a ticket is about, and unlinking leaves it none.
#[test]
fn by_order_only_the_same_order_repeats() {
    let db = Store::open_in_memory().expect("store");
    let c = db.conn();
    c.execute(
        "INSERT INTO customers (id, name, created_at) VALUES (1, 'anna', 0)",
        [],
    )
    .expect("customer");
    ticket(&db, 1, Some(1), 0);
    link(&db, 1, Some("1001"));
    status(&db, 1, 2, Status::Solved);
    ticket(&db, 2, Some(1), 4);
    link(&db, 2, Some("1002"));
    ticket(&db, 3, Some(1), 5);
    link(&db, 3, Some("1002"));
    link(&db, 3, Some("1001"));
    ticket(&db, 4, Some(1), 6);
    link(&db, 4, Some("1001"));
    link(&db, 4, None);
    let orders = crate::store::timeline::ticket_orders(c).expect("orders");
    assert_eq!(orders.get(&3).map(String::as_str), Some("1001"));
    assert_eq!(orders.get(&4), None);
    assert!(refresh(c, Duration::days(7), RepeatScope::SameOrder).expect("refresh"));
    assert_eq!(listed(&db, "is:repeat"), vec![1, 3]);
    // any subject: every later ticket within the week repeats #1
    assert!(refresh(c, Duration::days(7), RepeatScope::AnySubject).expect("refresh"));
    assert_eq!(listed(&db, "is:repeat"), vec![1, 2, 3, 4]);
}
