//! What agents do to tickets: status, owner, tags, internal notes, the order it is about. Each verb is one
//! transaction of `TicketChange`s applied through `store::events`, which also logs them.

use chrono::Utc;
use rusqlite::Connection;

use super::StoreError;
use super::events::{apply, atomically, exists};
use crate::domain::ticket_change::StatusCause;
use crate::domain::{EventSource, Origin, Priority, Status, TicketChange, TicketId};

fn origin(agent: &str, source: EventSource) -> Origin {
    Origin::new(agent, source, Utc::now())
}

pub fn set_status(
    conn: &Connection,
    id: TicketId,
    status: Status,
    agent: &str,
    source: EventSource,
) -> Result<(), StoreError> {
    let change = TicketChange::StatusSet {
        status,
        cause: StatusCause::Agent,
    };
    atomically(conn, |tx| apply(tx, id, &[change], &origin(agent, source)))
}

/// Sets the owner; `None` (or "none") unassigns.
pub fn assign(
    conn: &Connection,
    id: TicketId,
    owner: Option<&str>,
    agent: &str,
    source: EventSource,
) -> Result<(), StoreError> {
    let owner = owner.filter(|o| !o.is_empty() && !o.eq_ignore_ascii_case("none"));
    let change = TicketChange::Assigned {
        owner: owner.map(str::to_string),
    };
    atomically(conn, |tx| apply(tx, id, &[change], &origin(agent, source)))
}

/// Sets how urgent the ticket is.
pub fn set_priority(
    conn: &Connection,
    id: TicketId,
    priority: Priority,
    agent: &str,
    source: EventSource,
) -> Result<(), StoreError> {
    let change = TicketChange::PrioritySet { priority };
    atomically(conn, |tx| apply(tx, id, &[change], &origin(agent, source)))
}

/// Adds and removes tags (trimmed, lower-cased).
pub fn tag(
    conn: &Connection,
    id: TicketId,
    add: &[String],
    remove: &[String],
    agent: &str,
    source: EventSource,
) -> Result<(), StoreError> {
    let clean = |t: &String| t.trim().to_lowercase();
    let changes: Vec<TicketChange> = add
        .iter()
        .map(clean)
        .filter(|t| !t.is_empty())
        .map(|tag| TicketChange::Tagged { tag })
        .chain(
            remove
                .iter()
                .map(clean)
                .map(|tag| TicketChange::Untagged { tag }),
        )
        .collect();
    atomically(conn, |tx| {
        exists(tx, id)?;
        apply(tx, id, &changes, &origin(agent, source))
    })
}

/// Links the ticket to the order numbered `number` (which must be known), or with `None`
/// leaves the choice to the mail again.
pub fn link_order(
    conn: &Connection,
    id: TicketId,
    number: Option<&str>,
    agent: &str,
    source: EventSource,
) -> Result<(), StoreError> {
    atomically(conn, |tx| {
        let number = match number {
            Some(n) => Some(
                super::orders::by_number(tx, n)?
                    .ok_or_else(|| StoreError::NoOrder(n.to_string()))?
                    .number,
            ),
            None => None,
        };
        apply(
            tx,
            id,
            &[TicketChange::OrderLinked { number }],
            &origin(agent, source),
        )
    })
}

/// An internal note: a message with direction `note`, never sent, searchable. Returns its
/// message row.
pub fn add_note(
    conn: &Connection,
    id: TicketId,
    text: &str,
    agent: &str,
    source: EventSource,
) -> Result<i64, StoreError> {
    let now = Utc::now();
    // Unique per ticket, instant and process: two notes in one second are two notes.
    let message_id = format!(
        "note.{id}.{}.{}@shopdesk.invalid",
        now.timestamp_nanos_opt().unwrap_or_else(|| now.timestamp()),
        std::process::id()
    );
    let change = TicketChange::Noted {
        message_id: message_id.clone(),
        author: agent.to_string(),
        text: crate::domain::sanitize::sanitize_text(text),
    };
    atomically(conn, |tx| {
        apply(tx, id, &[change], &Origin::new(agent, source, now))?;
        Ok(tx
            .prepare_cached("SELECT id FROM messages WHERE ticket_id = ?1 AND message_id = ?2")?
            .query_row(rusqlite::params![id, message_id], |r| r.get(0))?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::ingest::AccountIdentity;
    use crate::worker::import::ingest_raw;
    const CLI: EventSource = EventSource::Cli;

    #[test]
    fn verbs_change_tickets_and_log_events() {
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
        let raw = b"From: a@x.example\r\nSubject: Help\r\nMessage-ID: <1@x>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nHi\r\n".to_vec();
        ingest_raw(&mut store, &account, "INBOX", &[raw]).expect("ingest");
        let c = store.conn();
        set_status(c, 1, Status::Pending, "alice", CLI).expect("status");
        assign(c, 1, Some("bob"), "alice", CLI).expect("assign");
        tag(
            c,
            1,
            &["WISMO".into(), "vip".into()],
            &["vip".into()],
            "alice",
            CLI,
        )
        .expect("tag");
        add_note(c, 1, "called the carrier \u{1b}[31m", "alice", CLI).expect("note");
        let (status, owner, count): (String, String, i64) = c
            .query_row(
                "SELECT status, owner, message_count FROM tickets WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("row");
        assert_eq!(
            (status.as_str(), owner.as_str(), count),
            ("pending", "bob", 2)
        );
        let tags: Vec<String> = c
            .prepare("SELECT tag FROM ticket_tags WHERE ticket_id = 1")
            .expect("p")
            .query_map([], |r| r.get(0))
            .expect("q")
            .map(|r| r.expect("tag"))
            .collect();
        assert_eq!(tags, ["wismo"]);
        let events: i64 = c
            .query_row(
                "SELECT count(*) FROM ticket_events WHERE source = 'cli' AND agent = 'alice'",
                [],
                |r| r.get(0),
            )
            .expect("n");
        // status, owner, two tags added, one removed, the note
        assert_eq!(events, 6);
        let note: String = c
            .query_row(
                "SELECT text FROM messages WHERE direction = 'note'",
                [],
                |r| r.get(0),
            )
            .expect("note");
        assert_eq!(note, "called the carrier ");
        assert!(matches!(
            set_status(c, 99, Status::Open, "a", CLI),
            Err(StoreError::NoTicket(99))
        ));
        assign(c, 1, Some("none"), "alice", CLI).expect("unassign");
    }
}
