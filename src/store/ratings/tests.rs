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

/// What `unasked_solved` answered before it read solves by time: every solved ticket's
/// solves grouped. The new reading must agree with it on every case and window.
fn unasked_solved_by_grouping(c: &Connection, from: i64, to: i64) -> Vec<(TicketId, i64)> {
    let mut stmt = c
        .prepare(
            "SELECT t.id, max(e.at) FROM tickets t
               JOIN ticket_events e ON e.ticket_id = t.id AND e.kind = 'status'
                    AND e.value = 'solved' AND e.source IS NOT 'history'
              WHERE t.status = 'solved' AND t.merged_into IS NULL
                AND NOT EXISTS (SELECT 1 FROM ticket_surveys s WHERE s.ticket_id = t.id)
              GROUP BY t.id
             HAVING max(e.at) BETWEEN ?1 AND ?2
              ORDER BY t.id",
        )
        .expect("prepare");
    stmt.query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn unasked_solved_finds_the_last_solve_in_the_window() {
    use crate::domain::ticket_change::StatusCause;
    use EventSource::{Cli, History};
    use Status::{Open, Solved};
    // the window asked about
    const FROM: i64 = 1_000;
    const TO: i64 = 2_000;
    enum Step {
        /// a status set at a time, from a source
        Set(Status, i64, EventSource),
        /// merged into ticket 1
        Merged,
        /// the customer was asked already
        Asked,
    }
    use Step::{Asked, Merged, Set};
    // (what happened to the ticket, its last solve if it is a candidate)
    let cases: &[(&str, &[Step], Option<i64>)] = &[
        (
            "solved in the window",
            &[Set(Solved, 1_500, Cli)],
            Some(1_500),
        ),
        (
            "solved on the window's first second",
            &[Set(Solved, FROM, Cli)],
            Some(FROM),
        ),
        (
            "solved on its last second",
            &[Set(Solved, TO, Cli)],
            Some(TO),
        ),
        ("solved before it", &[Set(Solved, FROM - 1, Cli)], None),
        ("solved after it", &[Set(Solved, TO + 1, Cli)], None),
        (
            "solved twice in it: the last solve",
            &[
                Set(Solved, 1_200, Cli),
                Set(Open, 1_300, Cli),
                Set(Solved, 1_800, Cli),
            ],
            Some(1_800),
        ),
        (
            "solved in it, reopened, solved again after it",
            &[
                Set(Solved, 1_200, Cli),
                Set(Open, 1_300, Cli),
                Set(Solved, TO + 5, Cli),
            ],
            None,
        ),
        (
            "solved before it, reopened, solved again in it",
            &[
                Set(Solved, 500, Cli),
                Set(Open, 600, Cli),
                Set(Solved, 1_700, Cli),
            ],
            Some(1_700),
        ),
        (
            "solved in it, reopened and still open",
            &[Set(Solved, 1_200, Cli), Set(Open, 1_300, Cli)],
            None,
        ),
        (
            "solved in it, then merged",
            &[Set(Solved, 1_200, Cli), Merged],
            None,
        ),
        (
            "solved in it, asked already",
            &[Set(Solved, 1_200, Cli), Asked],
            None,
        ),
        (
            "history settled it in the window",
            &[Set(Solved, 1_500, History)],
            None,
        ),
        (
            "solved before it, history settled it again in it",
            &[
                Set(Solved, 500, Cli),
                Set(Open, 600, Cli),
                Set(Solved, 1_500, History),
            ],
            None,
        ),
        (
            "solved in it, history settled it again later",
            &[
                Set(Solved, 1_400, Cli),
                Set(Open, 1_450, History),
                Set(Solved, TO + 9, History),
            ],
            Some(1_400),
        ),
    ];
    let store = with_ticket();
    let c = store.conn();
    // ticket 1 (solved at creation, no solve event) is never a candidate: the merges' target
    let mut want = Vec::new();
    for (i, (name, steps, last)) in cases.iter().enumerate() {
        let id = i64::try_from(i).expect("id") + 2;
        atomically(c, |tx| {
            let created = TicketChange::Created(NewTicket {
                account: "shop".into(),
                subject: (*name).into(),
                normalized_subject: (*name).into(),
                status: Status::Open,
                customer: None,
            });
            apply(
                tx,
                id,
                &[created],
                &Origin::new("sync", EventSource::Sync, at(100)),
            )?;
            for step in *steps {
                let (change, source, when) = match step {
                    Set(status, when, source) => (
                        TicketChange::StatusSet {
                            status: *status,
                            cause: StatusCause::Agent,
                        },
                        *source,
                        *when,
                    ),
                    Merged => (
                        TicketChange::Merged {
                            into: 1,
                            message_ids: Vec::new(),
                            tags: Vec::new(),
                            undo: false,
                        },
                        Cli,
                        1_900,
                    ),
                    Asked => {
                        mark_asked(tx, id, 1_950)?;
                        continue;
                    }
                };
                apply(tx, id, &[change], &Origin::new("alice", source, at(when)))?;
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(t) = last {
            want.push((id, *t, *name));
        }
    }
    let found: Vec<(TicketId, i64)> = unasked_solved(c, FROM, TO)
        .expect("candidates")
        .into_iter()
        .map(|(id, t)| (id, t.timestamp()))
        .collect();
    let want_ids: Vec<(TicketId, i64)> = want.iter().map(|(id, t, _)| (*id, *t)).collect();
    let names = |ids: &[(TicketId, i64)]| -> Vec<&str> {
        ids.iter()
            .filter_map(|(id, _)| cases.get(usize::try_from(id - 2).ok()?).map(|c| c.0))
            .collect()
    };
    assert_eq!(found, want_ids, "found {:?}", names(&found));
    // and the same as grouping every solved ticket, on other windows too
    for (from, to) in [
        (FROM, TO),
        (0, 10_000),
        (1_250, 1_750),
        (TO, TO),
        (3_000, 4_000),
    ] {
        let now: Vec<(TicketId, i64)> = unasked_solved(c, from, to)
            .expect("candidates")
            .into_iter()
            .map(|(id, t)| (id, t.timestamp()))
            .collect();
        assert_eq!(
            now,
            unasked_solved_by_grouping(c, from, to),
            "{from}..={to}"
        );
    }
}
