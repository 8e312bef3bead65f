//! Applying threading corrections: messages moving between tickets (a move, a split, a
//! merge, and their undo). Only `store::events::apply` calls these, so every move is logged.
//!
//! A replay copies messages with the ticket they ended on and then re-applies every event,
//! so what is written here must come out the same whether a message already sits on its
//! target or not: counts move by the number of messages the change names, and a moved
//! message's placement is built from where threading first put it, never stacked.

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::threading::Placed;
use crate::domain::{PlacedBy, TicketId};
use crate::store::StoreError;

/// How moved messages are marked.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mark<'a> {
    /// By an agent (`who`), from ticket `from`.
    Moved { who: &'a str, from: TicketId },
    /// An undo: back to where threading put them.
    Restored,
}

/// Moves the messages named by `message_ids` (of `from`'s account) to ticket `to`, marks
/// them, and carries the counts and the target's activity along.
pub(super) fn move_messages(
    tx: &Connection,
    from: TicketId,
    to: TicketId,
    message_ids: &[String],
    mark: Mark,
) -> Result<(), StoreError> {
    let account = live_account(tx, from)?;
    live_account(tx, to)?;
    let mut newest: Option<i64> = None;
    let mut newest_in: Option<i64> = None;
    for message_id in message_ids {
        let row: Option<(i64, PlacedBy, Option<String>, i64, String)> = tx
            .prepare_cached(
                "SELECT id, placed_by, placed_json, date, direction FROM messages
                  WHERE account = ?1 AND message_id = ?2",
            )?
            .query_row(params![account, message_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?;
        let Some((row, by, json, date, direction)) = row else {
            return Err(StoreError::NoMessage(message_id.clone()));
        };
        let original = Placed::from_stored(json.as_deref(), by).before_move();
        let placed = match mark {
            Mark::Moved { who, from } => original.moved(who, from),
            Mark::Restored => original,
        };
        tx.prepare_cached(
            "UPDATE messages SET ticket_id = ?2, placed_by = ?3, placed_json = ?4 WHERE id = ?1",
        )?
        .execute(params![
            row,
            to,
            placed.by.as_str(),
            serde_json::to_string(&placed)?
        ])?;
        newest = newest.max(Some(date));
        if direction == "in" {
            newest_in = newest_in.max(Some(date));
        }
    }
    let moved = message_ids.len() as i64;
    tx.prepare_cached("UPDATE tickets SET message_count = message_count - ?2 WHERE id = ?1")?
        .execute(params![from, moved])?;
    tx.prepare_cached(
        "UPDATE tickets SET message_count = message_count + ?2,
            updated_at = max(updated_at, coalesce(?3, updated_at)),
            last_customer_at = CASE WHEN ?4 IS NULL THEN last_customer_at
                ELSE max(coalesce(last_customer_at, 0), ?4) END
         WHERE id = ?1",
    )?
    .execute(params![to, moved, newest, newest_in])?;
    Ok(())
}

/// Ticket `from` now answers for `into` (`None`: for itself again).
pub(super) fn set_merged_into(
    tx: &Connection,
    from: TicketId,
    into: Option<TicketId>,
) -> Result<(), StoreError> {
    tx.prepare_cached("UPDATE tickets SET merged_into = ?2 WHERE id = ?1")?
        .execute(params![from, into])?;
    Ok(())
}

pub(super) fn add_tags(
    tx: &Connection,
    ticket: TicketId,
    tags: &[String],
) -> Result<(), StoreError> {
    for tag in tags {
        tx.prepare_cached("INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?1, ?2)")?
            .execute(params![ticket, tag])?;
    }
    Ok(())
}

pub(super) fn remove_tags(
    tx: &Connection,
    ticket: TicketId,
    tags: &[String],
) -> Result<(), StoreError> {
    for tag in tags {
        tx.prepare_cached("DELETE FROM ticket_tags WHERE ticket_id = ?1 AND tag = ?2")?
            .execute(params![ticket, tag])?;
    }
    Ok(())
}

/// The account of a ticket that exists.
fn live_account(tx: &Connection, ticket: TicketId) -> Result<String, StoreError> {
    tx.prepare_cached("SELECT account FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NoTicket(ticket))
}
