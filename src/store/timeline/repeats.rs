//! Repeat contacts as stored marks (`repeat_contacts`, migration 0013): what `is:repeat`
//! looks up. The rule itself is pure (`domain::kpi::repeat`); this module reads what it
//! needs — each ticket's customer, creation and solves, for customers with more than one
//! ticket — and writes its answer with a stamp of what it was built from, so a caller can
//! tell cheaply whether the marks still hold.

use std::collections::{HashMap, HashSet};

use chrono::Duration;
use rusqlite::{Connection, OptionalExtension, params};

use super::instant;
use crate::domain::kpi::{ContactTicket, RepeatScope, repeat_set};
use crate::domain::sla::clock::{TicketChange, TimelineEvent};
use crate::domain::sla::levels::solved_at;
use crate::domain::{Status, TicketId};
use crate::store::StoreError;
use crate::store::events::atomically;

/// What a set of marks was built from: the newest event and ticket, and the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub last_event: i64,
    pub last_ticket: i64,
    pub window_s: i64,
    pub scope: RepeatScope,
}

fn scope_word(s: RepeatScope) -> &'static str {
    match s {
        RepeatScope::AnySubject => "any",
        RepeatScope::SameOrder => "same_order",
    }
}

/// The stamp the marks would have if built now under the rule `window_s`, `scope`. Every
/// change to a ticket is an event, and every ticket begins with one, so the newest event
/// and ticket ids say whether anything happened since.
pub fn current(conn: &Connection, window_s: i64, scope: RepeatScope) -> Result<Stamp, StoreError> {
    let (last_event, last_ticket) = conn.query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM ticket_events),
                (SELECT coalesce(max(id), 0) FROM tickets)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Stamp {
        last_event,
        last_ticket,
        window_s,
        scope,
    })
}

/// Rebuilds the marks under the rule `window`, `scope` unless they were built under it from
/// what the store holds now (then it costs two small reads). Returns whether it rebuilt.
pub fn refresh(
    conn: &Connection,
    window: Duration,
    scope: RepeatScope,
) -> Result<bool, StoreError> {
    let stamp = current(conn, window.num_seconds(), scope)?;
    if holds(conn, stamp)? {
        return Ok(false);
    }
    let marks = repeat_set(contacts(conn, scope)?, window, scope);
    store(conn, &marks, stamp)?;
    Ok(true)
}

/// [`refresh`] under the rule the marks were last built with, for a reader that has no
/// config at hand (the console's list loader); nothing when they were never built.
pub fn refresh_as_built(conn: &Connection) -> Result<bool, StoreError> {
    let rule: Option<(i64, String)> = conn
        .query_row(
            "SELECT window_s, scope FROM repeat_contacts_built",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match rule {
        Some((window_s, scope)) => {
            let scope = if scope == scope_word(RepeatScope::SameOrder) {
                RepeatScope::SameOrder
            } else {
                RepeatScope::AnySubject
            };
            refresh(conn, Duration::seconds(window_s), scope)
        }
        None => Ok(false),
    }
}

/// Whether the stored marks were built from exactly `stamp`.
pub fn holds(conn: &Connection, stamp: Stamp) -> Result<bool, StoreError> {
    let built: Option<(i64, i64, i64, String)> = conn
        .query_row(
            "SELECT last_event, last_ticket, window_s, scope FROM repeat_contacts_built",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    Ok(built.is_some_and(|(e, t, w, s)| {
        e == stamp.last_event
            && t == stamp.last_ticket
            && w == stamp.window_s
            && s == scope_word(stamp.scope)
    }))
}

/// The tickets of every customer with more than one (merged tickets are none of their
/// own), with their creation and last solve, by customer; and the order each is about
/// when `scope` counts by order.
pub fn contacts(
    conn: &Connection,
    scope: RepeatScope,
) -> Result<Vec<(i64, ContactTicket)>, StoreError> {
    let mut orders = match scope {
        RepeatScope::SameOrder => super::ticket_orders(conn)?,
        RepeatScope::AnySubject => HashMap::new(),
    };
    let mut stmt = conn.prepare(
        "SELECT id, customer_id, created_at FROM tickets
          WHERE merged_into IS NULL AND customer_id IN (
                SELECT customer_id FROM tickets
                 WHERE merged_into IS NULL AND customer_id IS NOT NULL
                 GROUP BY customer_id HAVING count(*) > 1)
          ORDER BY id",
    )?;
    let mut tickets: Vec<(TicketId, i64, i64)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        tickets.push((r.get(0)?, r.get(1)?, r.get(2)?));
    }
    let index: HashMap<TicketId, usize> =
        tickets.iter().enumerate().map(|(i, t)| (t.0, i)).collect();
    // status changes per ticket, read as `timeline::records` reads them
    let mut statuses: Vec<Vec<TimelineEvent>> = vec![Vec::new(); tickets.len()];
    let mut stmt = conn.prepare(
        "SELECT ticket_id, at, kind, value FROM ticket_events
          WHERE kind IN ('created', 'status')",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(&r.get::<_, TicketId>(0)?) else {
            continue;
        };
        let kind = r.get_ref(2)?.as_str().unwrap_or_default() == "created";
        let status = r
            .get_ref(3)?
            .as_str_or_null()
            .ok()
            .flatten()
            .and_then(|v| v.parse::<Status>().ok());
        match (kind, status) {
            (true, Some(Status::New)) | (_, None) => {}
            (_, Some(s)) => statuses[i].push(TimelineEvent {
                at: instant(r.get(1)?),
                change: TicketChange::Status(s),
            }),
        }
    }
    Ok(tickets
        .into_iter()
        .zip(statuses)
        .map(|((id, customer, created), mut timeline)| {
            timeline.sort_by_key(|e| e.at);
            let contact = ContactTicket {
                id,
                created_at: instant(created),
                solved_at: solved_at(&timeline),
                order: orders.remove(&id),
            };
            (customer, contact)
        })
        .collect())
}

/// Replaces the marks with `marks`, built from `stamp`, in one transaction.
pub fn store(conn: &Connection, marks: &HashSet<TicketId>, stamp: Stamp) -> Result<(), StoreError> {
    atomically(conn, |tx| {
        tx.execute("DELETE FROM repeat_contacts", [])?;
        let mut insert = tx.prepare("INSERT INTO repeat_contacts (ticket_id) VALUES (?1)")?;
        let mut sorted: Vec<TicketId> = marks.iter().copied().collect();
        sorted.sort_unstable();
        for id in sorted {
            insert.execute([id])?;
        }
        tx.execute(
            "INSERT INTO repeat_contacts_built (id, last_event, last_ticket, window_s, scope)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET last_event = ?1, last_ticket = ?2, window_s = ?3,
                scope = ?4",
            params![
                stamp.last_event,
                stamp.last_ticket,
                stamp.window_s,
                scope_word(stamp.scope)
            ],
        )?;
        Ok(())
    })
}

/// Whether ticket `id` is marked a repeat contact.
pub fn is_marked(conn: &Connection, id: TicketId) -> Result<bool, StoreError> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM repeat_contacts WHERE ticket_id = ?1",
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests;
