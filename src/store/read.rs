//! Typed reads for the CLI and the console: tickets and messages as the domain's read
//! models (`domain::views`); the CLI shapes them into the public JSON.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StoreError;
use super::columns::{opt_time, time, unix_time};
use crate::domain::threading::Placed;
use crate::domain::views::{CustomerRef, MessageView, TicketDetail, TicketSummary};
use crate::domain::{Direction, PlacedBy, Priority, TicketId};

const TICKET_COLUMNS: &str = "t.id, t.account, t.subject, t.status,
    (SELECT email FROM customer_addresses WHERE customer_id = t.customer_id ORDER BY rowid LIMIT 1),
    c.name, t.owner,
    (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM ticket_tags WHERE ticket_id = t.id ORDER BY tag)),
    t.language, t.created_at, t.updated_at, t.first_response_at, t.due_at, t.message_count,
    EXISTS (SELECT 1 FROM repeat_contacts r WHERE r.ticket_id = t.id), t.priority";

fn ticket_row(r: &Row) -> rusqlite::Result<TicketSummary> {
    let tags: Option<String> = r.get(7)?;
    Ok(TicketSummary {
        id: r.get(0)?,
        account: r.get(1)?,
        subject: r.get(2)?,
        status: r.get(3)?,
        customer: CustomerRef {
            email: r.get(4)?,
            name: r.get(5)?,
        },
        owner: r.get(6)?,
        tags: tags
            .map(|t| t.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
        language: r.get(8)?,
        created_at: time(r, 9)?,
        updated_at: time(r, 10)?,
        first_response_at: opt_time(r, 11)?,
        due_at: opt_time(r, 12)?,
        message_count: r.get(13)?,
        repeat: r.get(14)?,
        priority: Priority::from_level(r.get(15)?),
    })
}

/// One ticket's summary.
pub fn ticket_summary(conn: &Connection, id: TicketId) -> Result<TicketSummary, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id
          WHERE t.id = ?1"
    ))?
    .query_row([id], ticket_row)
    .optional()?
    .ok_or(StoreError::NoTicket(id))
}

/// Summaries for `ids`, in the order given (ids that no longer exist are skipped).
pub fn ticket_summaries(
    conn: &Connection,
    ids: &[TicketId],
) -> Result<Vec<TicketSummary>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        match ticket_summary(conn, *id) {
            Ok(t) => out.push(t),
            Err(StoreError::NoTicket(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// A ticket with all its messages, oldest first.
pub fn ticket_detail(conn: &Connection, id: TicketId) -> Result<TicketDetail, StoreError> {
    let ticket = ticket_summary(conn, id)?;
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM messages WHERE ticket_id = ?1 ORDER BY date, id")?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(TicketDetail {
        ticket,
        messages: messages(conn, &ids)?,
    })
}

/// Messages by row id, in the order given.
pub fn messages(conn: &Connection, ids: &[i64]) -> Result<Vec<MessageView>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, ticket_id, message_id, direction, from_email, from_name, to_json, cc_json,
                date, subject, text, quotes_json, attachments_json, placed_by, warnings_json,
                language, placed_json
           FROM messages WHERE id = ?1",
    )?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let row = stmt
            .query_row([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Direction>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, String>(12)?,
                    r.get::<_, PlacedBy>(13)?,
                    r.get::<_, String>(14)?,
                    r.get::<_, Option<String>>(15)?,
                    r.get::<_, Option<String>>(16)?,
                ))
            })
            .optional()?;
        let Some(r) = row else { continue };
        let placed = Placed::from_stored(r.16.as_deref(), r.13);
        out.push(MessageView {
            id: r.0,
            ticket_id: r.1,
            message_id: r.2,
            direction: r.3,
            from: CustomerRef {
                email: r.4,
                name: r.5,
            },
            to: serde_json::from_str(&r.6)?,
            cc: serde_json::from_str(&r.7)?,
            date: unix_time(r.8),
            subject: r.9,
            text: r.10,
            quotes: serde_json::from_str(&r.11)?,
            attachments: serde_json::from_str(&r.12)?,
            placed,
            warnings: serde_json::from_str(&r.14)?,
            language: r.15,
        });
    }
    Ok(out)
}

/// The raw source of a message, as fetched.
pub fn raw_message(conn: &Connection, message: i64) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT raw FROM raw_messages WHERE message_id = ?1")?
        .query_row(params![message], |r| r.get(0))
        .optional()?)
}

/// Ticket ids, most recently active first (no filter).
pub fn recent_ticket_ids(
    conn: &Connection,
    limit: usize,
    offset: usize,
) -> Result<Vec<TicketId>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM tickets WHERE merged_into IS NULL
              ORDER BY updated_at DESC, id DESC LIMIT ?1 OFFSET ?2",
        )?
        .query_map(params![limit as i64, offset as i64], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Number of (account, mailbox, uid) locations: what the server holds, as cached.
pub fn location_count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM message_locations", [], |r| r.get(0))?)
}
