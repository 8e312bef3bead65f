//! Rebuilding tickets from their event log: `rebuild` copies another database's mail,
//! customers and orders, then replays its `ticket_events` in order through
//! `store::events::apply`. What the tickets are (`ticket_states`) must come out the same;
//! that is the test that the log is complete.

use std::collections::HashMap;
use std::path::Path;

use chrono::DateTime;
use rusqlite::{Connection, params};

use super::events::{apply, status_column};
use super::ingest::{IndexEntry, index_queued, queue_index};
use super::{Store, StoreError};
use crate::domain::{Address, EventSource, Origin, Status, TicketChange, TicketId};

/// A ticket as its row, tags and notes have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketState {
    pub id: TicketId,
    pub account: String,
    pub subject: String,
    pub normalized_subject: String,
    pub status: Status,
    pub customer: Option<i64>,
    pub owner: Option<String>,
    pub priority: i64,
    pub language: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_customer_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub due_at: Option<i64>,
    pub message_count: i64,
    /// The ticket it was merged into, if it was.
    pub merged_into: Option<TicketId>,
    /// Sorted.
    pub tags: Vec<String>,
    /// The internal notes' texts, oldest first.
    pub notes: Vec<String>,
}

/// Every ticket, by id.
pub fn ticket_states(conn: &Connection) -> Result<Vec<TicketState>, StoreError> {
    let mut tags: HashMap<TicketId, Vec<String>> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT ticket_id, tag FROM ticket_tags ORDER BY ticket_id, tag")?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (id, tag) = row?;
        tags.entry(id).or_default().push(tag);
    }
    let mut notes: HashMap<TicketId, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT ticket_id, text FROM messages WHERE direction = 'note' AND ticket_id IS NOT NULL
          ORDER BY date, id",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (id, text) = row?;
        notes.entry(id).or_default().push(text);
    }
    let mut stmt = conn.prepare(
        "SELECT id, account, subject, normalized_subject, status, customer_id, owner, priority,
                language, created_at, updated_at, last_customer_at, first_response_at, due_at,
                message_count, merged_into
           FROM tickets ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(TicketState {
            id: r.get(0)?,
            account: r.get(1)?,
            subject: r.get(2)?,
            normalized_subject: r.get(3)?,
            status: status_column(r, 4)?,
            customer: r.get(5)?,
            owner: r.get(6)?,
            priority: r.get(7)?,
            language: r.get(8)?,
            created_at: r.get(9)?,
            updated_at: r.get(10)?,
            last_customer_at: r.get(11)?,
            first_response_at: r.get(12)?,
            due_at: r.get(13)?,
            message_count: r.get(14)?,
            merged_into: r.get(15)?,
            tags: Vec::new(),
            notes: Vec::new(),
        })
    })?;
    let mut out = Vec::new();
    for row in rows {
        let mut t = row?;
        t.tags = tags.remove(&t.id).unwrap_or_default();
        t.notes = notes.remove(&t.id).unwrap_or_default();
        out.push(t);
    }
    Ok(out)
}

/// One logged change, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub id: i64,
    pub ticket: TicketId,
    pub change: TicketChange,
    pub origin: Origin,
}

/// The whole log, in order. A row from before changes were typed is an error: it cannot
/// be replayed.
pub fn recorded(conn: &Connection) -> Result<Vec<Recorded>, StoreError> {
    read_log(conn, "main")
}

fn read_log(conn: &Connection, schema: &str) -> Result<Vec<Recorded>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, ticket_id, at, agent, source, payload FROM {schema}.ticket_events
          ORDER BY id"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, ticket, at, who, source, payload) = row?;
        let (Some(source), Some(payload)) =
            (source.as_deref().and_then(EventSource::parse), payload)
        else {
            return Err(StoreError::Untyped(id));
        };
        out.push(Recorded {
            id,
            ticket,
            change: serde_json::from_str(&payload)?,
            origin: Origin {
                who,
                source,
                at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
            },
        });
    }
    Ok(out)
}

/// What goes across as it is: mail, customers, mailboxes and orders. Internal notes do
/// not; their events carry them. The full-text index is built anew (it keeps no text).
const COPIED: &[(&str, &str)] = &[
    ("customers", ""),
    ("customer_addresses", ""),
    ("mailboxes", ""),
    ("messages", "WHERE direction != 'note'"),
    (
        "raw_messages",
        "WHERE message_id IN (SELECT id FROM source.messages WHERE direction != 'note')",
    ),
    ("message_locations", ""),
    ("message_reports", ""),
    ("orders", ""),
    ("message_orders", ""),
    ("message_tracking", ""),
    // The secret that signed the vote links customers still hold, and who was asked.
    ("install_secret", ""),
    ("ticket_surveys", ""),
];

/// Fills `target`, a database without tickets, from the database at `source`: its mail
/// and customers are copied, its tickets rebuilt by replaying its events. Returns how
/// many events were replayed.
pub fn rebuild(target: &mut Store, source: &Path) -> Result<usize, StoreError> {
    let conn = target.conn_mut();
    let held: i64 = conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))?;
    if held > 0 {
        return Err(StoreError::Replay(format!(
            "the database to rebuild into already holds {held} tickets"
        )));
    }
    conn.execute(
        "ATTACH DATABASE ?1 AS source",
        params![source.to_string_lossy()],
    )?;
    let result = replay_attached(conn);
    conn.execute("DETACH DATABASE source", [])?;
    result
}

fn replay_attached(conn: &mut Connection) -> Result<usize, StoreError> {
    let log = read_log(conn, "source")?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Messages name tickets that the replay makes later in this transaction.
    tx.pragma_update(None, "defer_foreign_keys", true)?;
    // A secret the empty database made for itself gives way to the one the links carry.
    tx.execute("DELETE FROM main.install_secret", [])?;
    for (table, filter) in COPIED {
        tx.execute(
            &format!("INSERT INTO main.{table} SELECT * FROM source.{table} {filter}"),
            [],
        )?;
    }
    index_copied(&tx)?;
    for event in &log {
        apply(
            &tx,
            event.ticket,
            std::slice::from_ref(&event.change),
            &event.origin,
        )?;
    }
    tx.commit()?;
    Ok(log.len())
}

/// Full-text entries for the copied messages, from their stored columns: the same words
/// ingest indexed.
fn index_copied(tx: &Connection) -> Result<(), StoreError> {
    let mut stmt = tx.prepare(
        "SELECT id, subject, text, from_email, from_name, to_json, cc_json FROM main.messages",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    for row in rows {
        let (id, subject, text, from_email, from_name, to, cc) = row?;
        let from = from_email.map(|email| Address {
            email,
            name: from_name,
        });
        let to: Vec<Address> = serde_json::from_str(&to)?;
        let cc: Vec<Address> = serde_json::from_str(&cc)?;
        let entry = IndexEntry::new(&subject, &text, from.iter().chain(&to).chain(&cc));
        queue_index(tx, id, &entry)?;
    }
    // the text and sender indexes of every copied message, in one statement each
    index_queued(tx)?;
    Ok(())
}
