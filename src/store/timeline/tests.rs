//! Records read back from a small database: what goes into a timeline, in which order, and
//! which tickets a scope takes.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::*;
use crate::domain::ticket_change::{self as change, NewTicket, StatusCause};
use crate::domain::{EventSource, Origin};
use crate::store::Store;
use crate::store::events::{apply, atomically};

fn t(s: i64) -> DateTime<Utc> {
    instant(1_800_000_000 + s)
}

fn ticket(store: &Store, id: TicketId, at: i64, status: Status, source: EventSource) {
    let c = store.conn();
    atomically(c, |tx| {
        let created = change::TicketChange::Created(NewTicket {
            account: "shop".into(),
            subject: "Hi".into(),
            normalized_subject: "hi".into(),
            status,
            customer: None,
        });
        apply(tx, id, &[created], &Origin::new("sync", source, t(at)))
    })
    .expect("ticket");
}

fn message(store: &Store, ticket: TicketId, n: i64, at: i64, direction: &str) {
    store
        .conn()
        .execute(
            "INSERT INTO messages (account, message_id, ticket_id, direction, date, placed_by,
                created_at) VALUES ('shop', ?1, ?2, ?3, ?4, 'new', ?4)",
            params![format!("m{n}@x"), ticket, direction, t(at).timestamp()],
        )
        .expect("message");
}

fn status(store: &Store, ticket: TicketId, at: i64, s: Status) {
    atomically(store.conn(), |tx| {
        let change = change::TicketChange::StatusSet {
            status: s,
            cause: StatusCause::Agent,
        };
        apply(
            tx,
            ticket,
            &[change],
            &Origin::new("alice", EventSource::Cli, t(at)),
        )
    })
    .expect("status");
}

#[test]
fn timelines_and_scopes() {
    let store = Store::open_in_memory().expect("store");
    // 1: asked, answered, solved at the reply's instant (reply first), still quiet
    ticket(&store, 1, 0, Status::New, EventSource::Sync);
    message(&store, 1, 1, 0, "in");
    message(&store, 1, 2, 600, "out");
    message(&store, 1, 3, 700, "note");
    status(&store, 1, 600, Status::Solved);
    // 2: open, waiting on us
    ticket(&store, 2, 100, Status::New, EventSource::Sync);
    message(&store, 2, 4, 100, "in");
    // 3: a solved conversation from the mailbox's history
    ticket(&store, 3, 50, Status::Solved, EventSource::History);
    message(&store, 3, 5, 50, "in");
    // 4: merged into 2: its number answers for 2, and it is no ticket of its own
    ticket(&store, 4, 200, Status::New, EventSource::Sync);
    let c = store.conn();
    c.execute("UPDATE tickets SET merged_into = 2 WHERE id = 4", [])
        .expect("merge");
    let ids = |scope| -> Vec<TicketId> {
        records(c, scope)
            .expect("records")
            .iter()
            .map(|r| r.id)
            .collect()
    };
    let base = t(0).timestamp();
    // (scope, tickets read)
    let cases = [
        (Scope::Active, vec![2]),
        (
            Scope::Window {
                since: base,
                until: base + 1000,
            },
            vec![1, 2, 3],
        ),
        (
            Scope::Window {
                since: base + 701,
                until: base + 1000,
            },
            vec![2],
        ),
        (
            Scope::Window {
                since: base + 601,
                until: base + 50,
            },
            vec![1],
        ),
        (
            Scope::Window {
                since: base + 100,
                until: base + 1000,
            },
            vec![1, 2],
        ),
        // one ticket, whatever its status; a merged one is none
        (Scope::Ticket(1), vec![1]),
        (Scope::Ticket(3), vec![3]),
        (Scope::Ticket(4), vec![]),
        (Scope::Ticket(99), vec![]),
    ];
    for (scope, want) in cases {
        assert_eq!(ids(scope), want, "{scope:?}");
    }
    let all = records(
        c,
        Scope::Window {
            since: base,
            until: base + 1000,
        },
    )
    .expect("records");
    let changes: Vec<(i64, TicketChange)> = all[0]
        .timeline
        .iter()
        .map(|e| (e.at.timestamp() - base, e.change))
        .collect();
    assert_eq!(
        changes,
        [
            (0, TicketChange::Created),
            (0, TicketChange::Message(Direction::In)),
            (600, TicketChange::Message(Direction::Out)),
            (600, TicketChange::Status(Status::Solved)),
        ]
    );
    assert_eq!(all[0].history_until, None);
    assert_eq!(all[2].history_until, Some(t(50)));
    assert_eq!(
        all[2].timeline.last().map(|e| e.change),
        Some(TicketChange::Status(Status::Solved))
    );
    // one ticket read alone is the same record as read with all the others
    for (i, id) in [(0, 1), (1, 2), (2, 3)] {
        let one = records(c, Scope::Ticket(id)).expect("records");
        assert_eq!(one, vec![all[i].clone()], "#{id}");
    }
}
