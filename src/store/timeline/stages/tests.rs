//! The stored stages on a small database: what `is:breaching` and `is:approaching` find
//! with and without policies, the counter's summary, and the stamp that says when the rows
//! are stale (an event, other rules, or the moment a clock changes stage).

use super::*;
use crate::domain::query::parse_query;
use crate::domain::ticket_change::{self as change, NewTicket, StatusCause};
use crate::domain::{EventSource, Origin, Status};
use crate::store::Store;
use crate::store::events::apply;
use crate::store::query_sql::{QueryContext, ticket_query};
use crate::store::search::run_ids;

const T0: i64 = 1_800_000_000;

fn at(t: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t, 0).unwrap_or_default()
}

fn ticket(db: &Store, id: TicketId) {
    atomically(db.conn(), |tx| {
        let created = change::TicketChange::Created(NewTicket {
            account: "shop".into(),
            subject: "Hi".into(),
            normalized_subject: "hi".into(),
            status: Status::New,
            customer: None,
        });
        apply(
            tx,
            id,
            &[created],
            &Origin::new("sync", EventSource::Sync, at(T0)),
        )
    })
    .expect("ticket");
}

fn solve(db: &Store, id: TicketId) {
    atomically(db.conn(), |tx| {
        let change = change::TicketChange::StatusSet {
            status: Status::Solved,
            cause: StatusCause::Agent,
        };
        apply(
            tx,
            id,
            &[change],
            &Origin::new("alice", EventSource::Cli, at(T0 + 60)),
        )
    })
    .expect("status");
}

fn row(id: TicketId, target: &str, stage: &str) -> StageRow {
    StageRow {
        ticket_id: id,
        target: target.into(),
        stage: stage.into(),
        due_at: Some(T0),
        policy: "standard".into(),
        started_at: T0,
    }
}

fn listed(db: &Store, q: &str) -> Vec<TicketId> {
    let ctx = QueryContext {
        agent: "alice".into(),
        now: T0 + 3_600,
    };
    let query = parse_query(q).expect("query");
    let mut ids = run_ids(db.conn(), &ticket_query(&query, &ctx, 100, 0)).expect("run");
    ids.sort_unstable();
    ids
}

fn shop() -> Store {
    let db = Store::open_in_memory().expect("store");
    for id in 1..=4 {
        ticket(&db, id);
    }
    // sync's first-response due time: #1 past it, #2 not yet
    db.conn()
        .execute("UPDATE tickets SET due_at = ?1 WHERE id = 1", [T0 + 60])
        .expect("due");
    db.conn()
        .execute("UPDATE tickets SET due_at = ?1 WHERE id = 2", [T0 + 7_200])
        .expect("due");
    db
}

#[test]
fn without_policies_breaching_keeps_the_first_response_due_time() {
    let db = shop();
    // never built, and built from no policy: the same answer
    assert_eq!(listed(&db, "is:breaching"), vec![1]);
    assert_eq!(listed(&db, "-is:breaching"), vec![2, 3, 4]);
    let stamp = current(db.conn(), "none", 0, T0).expect("stamp");
    store(db.conn(), &[], &[], &stamp).expect("store");
    assert_eq!(listed(&db, "is:breaching"), vec![1]);
    assert_eq!(listed(&db, "is:approaching"), Vec::<TicketId>::new());
    assert_eq!(summary(db.conn()).expect("summary"), Summary::default());
}

#[test]
fn with_policies_the_stages_decide() {
    let db = shop();
    let rows = [
        // #2: first reply breached, resolution approaching: breaching only
        row(2, "first_reply", "breached"),
        row(2, "resolution", "approaching"),
        // #3 approaching; a second row for the same clock is not kept
        row(3, "next_reply", "approaching"),
        row(3, "next_reply", "breached"),
        // #4 breached on two clocks
        row(4, "first_reply", "breached"),
        row(4, "resolution", "breached"),
        // a ticket that is gone is no row
        row(99, "first_reply", "breached"),
    ];
    let stamp = current(db.conn(), "rules", 2, T0).expect("stamp");
    store(db.conn(), &rows, &[], &stamp).expect("store");
    // #1 is past sync's due time but no policy clock says so
    assert_eq!(listed(&db, "is:breaching"), vec![2, 4]);
    assert_eq!(listed(&db, "-is:breaching"), vec![1, 3]);
    assert_eq!(listed(&db, "is:approaching"), vec![3]);
    assert_eq!(listed(&db, "-is:approaching"), vec![1, 2, 4]);
    assert_eq!(
        listed(&db, "is:breaching is:approaching"),
        Vec::<TicketId>::new()
    );
    let s = summary(db.conn()).expect("summary");
    assert_eq!(s.breached.iter().copied().collect::<Vec<_>>(), [2, 4]);
    assert_eq!(s.approaching, 1);
}

#[test]
fn rows_are_stale_after_an_event_other_rules_or_their_time() {
    let db = shop();
    let c = db.conn();
    let built = current(c, "rules", 1, T0).expect("stamp");
    assert!(!holds(c, &built).expect("never built"));
    // a clock changes stage 90 s after the build
    let built = built.until(Some(T0 + 90));
    store(c, &[row(1, "first_reply", "breached")], &[], &built).expect("store");
    let cases: &[(&str, i64, bool)] = &[
        ("rules", T0, true),
        ("rules", T0 + 89, true),
        ("rules", T0 + 90, false),
        // a clock set back is no reason to trust rows built later
        ("rules", T0 - 1, false),
        ("other", T0 + 1, false),
    ];
    for (rules, now, want) in cases {
        let stamp = current(c, rules, 1, *now).expect("stamp");
        assert_eq!(holds(c, &stamp).expect("holds"), *want, "{rules} {now}");
    }
    // nothing ahead, or far ahead: held for MAX_AGE_S at most; never before the build
    for (next, until) in [
        (None, T0 + MAX_AGE_S),
        (Some(T0 + 10 * MAX_AGE_S), T0 + MAX_AGE_S),
        (Some(T0 - 5), T0),
        (Some(T0 + 30), T0 + 30),
    ] {
        let stamp = current(c, "rules", 1, T0).expect("stamp").until(next);
        assert_eq!(stamp.valid_until, until, "{next:?}");
    }
    solve(&db, 1);
    let after = current(c, "rules", 1, T0 + 1).expect("stamp");
    assert!(!holds(c, &after).expect("holds"));
    // a solved ticket's rows stay out of the counter once rebuilt without them
    store(c, &[], &[], &after).expect("store");
    assert!(summary(c).expect("summary").breached.is_empty());
}

/// The alert check reads the rows of a build it has not gone through, leaves out the
/// clocks alerted at their stage, and after marking a build reads nothing until the next.
#[test]
fn unalerted_rows_until_the_build_is_marked() {
    use crate::store::alerts::{AlertKey, claim};
    let db = shop();
    let c = db.conn();
    // the build, and each row's ticket, stage and clock start
    type Seen = Option<(i64, Vec<(TicketId, String, i64)>)>;
    let ids = |u: Option<Unalerted>| -> Seen {
        u.map(|u| {
            let rows = u.rows.into_iter();
            (
                u.build,
                rows.map(|r| (r.ticket_id, r.stage, r.started_at)).collect(),
            )
        })
    };
    let key = |ticket, started_at, stage| AlertKey {
        ticket,
        target: "first_reply",
        started_at,
        stage,
    };
    assert_eq!(ids(unalerted(c).expect("never built")), None);
    let stamp = current(c, "rules", 1, T0).expect("stamp");
    let rows = [
        row(1, "first_reply", "breached"),
        row(2, "first_reply", "approaching"),
    ];
    store(c, &rows, &[], &stamp).expect("store");
    assert!(claim(c, key(1, T0, "breached"), T0).expect("claim"));
    // the same clock alerted at another stage, or another clock at this stage, is not it
    assert!(claim(c, key(2, T0, "breached"), T0).expect("claim"));
    assert!(claim(c, key(2, T0 - 60, "approaching"), T0).expect("claim"));
    let want = |build| Some((build, vec![(2, "approaching".to_string(), T0)]));
    assert_eq!(ids(unalerted(c).expect("first")), want(1));
    mark_alerted(c, 1).expect("mark");
    assert_eq!(ids(unalerted(c).expect("marked")), None);
    // a rebuild is read again; a mark of the build before does not cover it
    store(c, &rows, &[], &stamp).expect("rebuild");
    mark_alerted(c, 1).expect("stale mark");
    assert_eq!(ids(unalerted(c).expect("rebuilt")), want(2));
    // a merged ticket raises nothing
    c.execute("UPDATE tickets SET merged_into = 1 WHERE id = 2", [])
        .expect("merge");
    assert_eq!(ids(unalerted(c).expect("merged")), Some((2, Vec::new())));
}
