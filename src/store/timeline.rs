//! Reads for service levels and KPIs: every ticket that matters to a report window (or
//! every ticket still open) as a `TicketRecord`, its timeline taken from the event log
//! (creation, status changes) and the messages (dates and directions, also for tickets
//! synced before the log had payloads). A handful of scans, whatever the ticket count:
//! no query per ticket.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::StoreError;
use super::query_sql::{QueryContext, ticket_query};
use super::search::run_ids;
use crate::domain::sla::clock::{TicketChange, TimelineEvent};
use crate::domain::sla::levels::{Level, TicketRecord};
use crate::domain::{Direction, Priority, Status, TicketId};

/// Which tickets to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// New, open and pending tickets: the ones with a clock that can still run.
    Active,
    /// Tickets created before `until` that are still active, or had anything happen at or
    /// after `since` (a ticket solved and quiet before then adds nothing to the window).
    Window { since: i64, until: i64 },
    /// One ticket (what `show` needs), whatever its status.
    Ticket(TicketId),
    /// These tickets, whatever their status, each read by index (what a refresh of the
    /// stored stages re-assesses: the few tickets that moved). Ids sorted and unique.
    Tickets(&'a [TicketId]),
}

fn instant(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// The tickets of `scope`, by id. A ticket merged into another is none of its own: its
/// messages and its number belong to the survivor.
pub fn records(conn: &Connection, scope: Scope) -> Result<Vec<TicketRecord>, StoreError> {
    const ONE: &str =
        "SELECT id, account, created_at, customer_id, owner, language, status, priority
               FROM tickets WHERE id = ?1 AND id = ?2 AND merged_into IS NULL";
    let (sql, since, until) = match scope {
        Scope::Active => (
            "SELECT id, account, created_at, customer_id, owner, language, status, priority
               FROM tickets WHERE status IN ('new', 'open', 'pending') AND ?1 < ?2
                AND merged_into IS NULL
              ORDER BY id",
            0,
            1,
        ),
        Scope::Window { since, until } => (
            "SELECT id, account, created_at, customer_id, owner, language, status, priority
               FROM tickets t
              WHERE created_at < ?2
                AND merged_into IS NULL
                AND (status IN ('new', 'open', 'pending')
                     OR EXISTS (SELECT 1 FROM ticket_events e
                                 WHERE e.ticket_id = t.id AND e.at >= ?1)
                     OR EXISTS (SELECT 1 FROM messages m
                                 WHERE m.ticket_id = t.id AND m.date >= ?1))
              ORDER BY id",
            since,
            until,
        ),
        Scope::Ticket(id) => (ONE, id, id),
        Scope::Tickets(_) => (ONE, 0, 0),
    };
    // One ticket, or a few, read their own rows by index; the other scopes take whole
    // tables in one pass each, which beats a lookup per ticket.
    let single = [match scope {
        Scope::Ticket(id) => id,
        _ => 0,
    }];
    let one: Option<&[TicketId]> = match scope {
        Scope::Ticket(_) => Some(&single),
        Scope::Tickets(ids) => Some(ids),
        Scope::Active | Scope::Window { .. } => None,
    };
    let bounds: Vec<(i64, i64)> = match one {
        Some(ids) => ids.iter().map(|&id| (id, id)).collect(),
        None => vec![(since, until)],
    };
    let mut out: Vec<TicketRecord> = Vec::new();
    let mut stmt = conn.prepare(sql)?;
    for (since, until) in bounds {
        let rows = stmt.query_map(params![since, until], |r| {
            let created: i64 = r.get(2)?;
            let status: Status = r.get(6)?;
            Ok(TicketRecord {
                id: r.get(0)?,
                account: r.get(1)?,
                created_at: instant(created),
                customer: r.get(3)?,
                owner: r.get(4)?,
                language: r.get(5)?,
                priority: Some(Priority::from_level(r.get(7)?)),
                status,
                tags: Vec::new(),
                // room for a typical ticket's messages and changes, grown once at most
                timeline: {
                    let mut t = Vec::with_capacity(8);
                    t.push(TimelineEvent {
                        at: instant(created),
                        change: TicketChange::Created,
                    });
                    t
                },
                history_until: None,
                rating: None,
                order: None,
            })
        })?;
        for row in rows {
            out.push(row?);
        }
    }
    let index = Slots::new(&out);

    let mut stmt = conn.prepare(pick(
        one,
        "SELECT ticket_id, tag FROM ticket_tags",
        "SELECT ticket_id, tag FROM ticket_tags WHERE ticket_id = ?1",
    ))?;
    each_row(&mut stmt, one, |r| {
        if let Some(i) = index.get(r.get(0)?) {
            out[i].tags.push(r.get(1)?);
        }
        Ok(())
    })?;
    // A reply and the status it set share an instant: messages go in first, so the stable
    // sort below keeps "the reply, then its status" (what the clocks expect). Both reads
    // are answered from indexes that hold every column they take (migration 0010).
    let mut stmt = conn.prepare(pick(
        one,
        "SELECT ticket_id, date, direction FROM messages
          WHERE ticket_id >= 0 AND direction != 'note'",
        "SELECT ticket_id, date, direction FROM messages
          WHERE ticket_id = ?1 AND direction != 'note'",
    ))?;
    let mut left_out = not_conversation(conn, one)?;
    each_row(&mut stmt, one, |r| {
        if let Some(i) = index.get(r.get(0)?) {
            // read in place: a quarter of a million rows need no string of their own
            if let Some(d) = r.get_ref(2)?.as_str().ok().and_then(Direction::parse) {
                // one message that way at that instant was no conversation: that one is
                // left out (a reply sent in the same second is the other, and stays)
                if let Some(n) = left_out.get_mut(&(r.get(0)?, r.get(1)?, d))
                    && *n > 0
                {
                    *n -= 1;
                    return Ok(());
                }
                out[i].timeline.push(TimelineEvent {
                    at: instant(r.get(1)?),
                    change: TicketChange::Message(d),
                });
            }
        }
        Ok(())
    })?;
    let mut stmt = conn.prepare(pick(
        one,
        // a ticket created new, not as history, says nothing its creation does not: most
        // creations are left in the index rather than read
        "SELECT ticket_id, at, kind, value, source FROM ticket_events
          WHERE kind IN ('created', 'status')
            AND (kind = 'status' OR value IS NOT 'new' OR source IS 'history')",
        "SELECT ticket_id, at, kind, value, source FROM ticket_events
          WHERE ticket_id = ?1 AND kind IN ('created', 'status')",
    ))?;
    each_row(&mut stmt, one, |r| {
        let Some(i) = index.get(r.get(0)?) else {
            return Ok(());
        };
        let at = instant(r.get(1)?);
        let kind = r.get_ref(2)?.as_str().unwrap_or_default();
        let value = r.get_ref(3)?.as_str_or_null().ok().flatten();
        let source = r.get_ref(4)?.as_str_or_null().ok().flatten();
        let read = &mut out[i];
        // settling a mailbox's history may set a status: that too is history
        if source == Some("history") {
            read.history_until = read.history_until.max(Some(at));
        }
        let status = value.and_then(|v| v.parse::<Status>().ok());
        match (kind, status) {
            // a ticket that begins new says nothing more than its creation does
            ("created", Some(Status::New)) | (_, None) => {}
            ("created" | "status", Some(s)) => read.timeline.push(TimelineEvent {
                at,
                change: TicketChange::Status(s),
            }),
            _ => {}
        }
        Ok(())
    })?;
    // Mail that was in a mailbox before its first sync is history (the rule of
    // `history::settle_history`), also when settling it changed nothing on the ticket.
    let mut stmt = conn.prepare(pick(
        one,
        "SELECT m.ticket_id, max(m.date)
           FROM mailboxes b
           JOIN message_locations l ON l.mailbox_id = b.id AND l.uid < b.first_uidnext
           JOIN messages m ON m.id = l.message
          WHERE m.ticket_id IS NOT NULL
          GROUP BY m.ticket_id",
        "SELECT m.ticket_id, max(m.date)
           FROM messages m
           JOIN message_locations l ON l.message = m.id
           JOIN mailboxes b ON b.id = l.mailbox_id AND l.uid < b.first_uidnext
          WHERE m.ticket_id = ?1
          GROUP BY m.ticket_id",
    ))?;
    each_row(&mut stmt, one, |r| {
        if let Some(i) = index.get(r.get(0)?) {
            let at = instant(r.get(1)?);
            out[i].history_until = out[i].history_until.max(Some(at));
        }
        Ok(())
    })?;
    // a few tickets read their own votes; a whole scope reads them all at once
    let ratings = match one {
        Some(ids) => {
            let mut some = Vec::new();
            for &id in ids {
                if let Some(r) = super::ratings::rating(conn, id)? {
                    some.push((id, r));
                }
            }
            some
        }
        None => super::ratings::all(conn)?,
    };
    for (id, r) in ratings {
        if let Some(i) = index.get(id) {
            out[i].rating = Some(r.kpi());
        }
    }
    for r in &mut out {
        r.timeline.sort_by_key(|e| e.at);
    }
    Ok(out)
}

/// Mail that is no conversation, counted by (ticket, date, direction): our own automatic
/// mail (acknowledgements, surveys), which answers nobody, and mail systems' reports
/// (bounces, read receipts, migration 0019), which are no one's word. Neither is a
/// message on the clocks nor in the KPIs. Both are found through their own few rows, so the
/// message read above keeps to its covering index.
fn not_conversation(
    conn: &Connection,
    one: Option<&[TicketId]>,
) -> Result<HashMap<(TicketId, i64, Direction), usize>, StoreError> {
    let mut out: HashMap<(TicketId, i64, Direction), usize> = HashMap::new();
    // One ticket's is found from its messages (by the ticket index, then the outbox by
    // Message-ID); every ticket's, from the outbox's few such rows.
    let mut stmt = conn.prepare_cached(pick(
        one,
        "SELECT m.ticket_id, m.date FROM outbox o
           JOIN messages m ON m.account = o.account AND m.message_id = o.message_id
          WHERE o.kind != 'reply' AND o.state = 'sent' AND m.ticket_id IS NOT NULL",
        "SELECT m.ticket_id, m.date FROM messages m
           JOIN outbox o ON o.message_id = m.message_id AND o.account = m.account
          WHERE m.ticket_id = ?1 AND m.direction = 'out'
            AND o.kind != 'reply' AND o.state = 'sent'",
    ))?;
    each_row(&mut stmt, one, |r| {
        *out.entry((r.get(0)?, r.get(1)?, Direction::Out))
            .or_default() += 1;
        Ok(())
    })?;
    let mut stmt = conn.prepare_cached(pick(
        one,
        "SELECT m.ticket_id, m.date, m.direction FROM message_reports r
           JOIN messages m ON m.id = r.message
          WHERE m.ticket_id IS NOT NULL",
        "SELECT m.ticket_id, m.date, m.direction FROM message_reports r
           JOIN messages m ON m.id = r.message
          WHERE m.ticket_id = ?1",
    ))?;
    each_row(&mut stmt, one, |r| {
        if let Some(d) = r.get_ref(2)?.as_str().ok().and_then(Direction::parse) {
            *out.entry((r.get(0)?, r.get(1)?, d)).or_default() += 1;
        }
        Ok(())
    })?;
    Ok(out)
}

/// Where each ticket's record is, by id. Ticket ids are dense, so a table by id beats
/// hashing for the half a million rows a report reads; ids far apart get a map.
enum Slots {
    Dense { min: TicketId, slot: Vec<u32> },
    Sparse(HashMap<TicketId, usize>),
}

impl Slots {
    fn new(records: &[TicketRecord]) -> Slots {
        let (min, max) = match (records.first(), records.last()) {
            (Some(a), Some(b)) => (a.id, b.id),
            _ => (0, -1),
        };
        let span = usize::try_from(max - min + 1).unwrap_or(0);
        let dense = span <= 4 * records.len() + 1024 && records.len() < u32::MAX as usize;
        if dense && records.windows(2).all(|w| w[0].id < w[1].id) {
            let mut slot = vec![u32::MAX; span];
            for (i, r) in records.iter().enumerate() {
                if let Some(s) = usize::try_from(r.id - min)
                    .ok()
                    .and_then(|k| slot.get_mut(k))
                {
                    *s = i as u32;
                }
            }
            Slots::Dense { min, slot }
        } else {
            Slots::Sparse(records.iter().enumerate().map(|(i, r)| (r.id, i)).collect())
        }
    }

    fn get(&self, id: TicketId) -> Option<usize> {
        match self {
            Slots::Dense { min, slot } => id
                .checked_sub(*min)
                .and_then(|k| usize::try_from(k).ok())
                .and_then(|k| slot.get(k))
                .filter(|s| **s != u32::MAX)
                .map(|s| *s as usize),
            Slots::Sparse(map) => map.get(&id).copied(),
        }
    }
}

/// The SQL for every ticket, or for each ticket `one` names (as `?1`).
fn pick(one: Option<&[TicketId]>, all: &'static str, single: &'static str) -> &'static str {
    if one.is_some() { single } else { all }
}

/// Runs `stmt` once over every ticket, or once for each ticket `one` names, handing each
/// row to `f`.
fn each_row(
    stmt: &mut rusqlite::Statement<'_>,
    one: Option<&[TicketId]>,
    mut f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let mut run = |mut rows: rusqlite::Rows<'_>| -> rusqlite::Result<()> {
        while let Some(r) = rows.next()? {
            f(r)?;
        }
        Ok(())
    };
    match one {
        Some(ids) => ids.iter().try_for_each(|id| run(stmt.query([id])?)),
        None => run(stmt.query([])?),
    }
}

/// For each level, the tickets its policy's query matches (`None`: it has no query), so
/// policies are judged with one query each rather than one per ticket.
pub fn query_matches(
    conn: &Connection,
    levels: &[Level],
    ctx: &QueryContext,
) -> Result<Vec<Option<HashSet<TicketId>>>, StoreError> {
    levels
        .iter()
        .map(|l| {
            l.policy
                .when
                .query
                .as_ref()
                .map(|q| {
                    let ids = run_ids(conn, &ticket_query(q, ctx, usize::MAX, 0))?;
                    Ok(ids.into_iter().collect())
                })
                .transpose()
        })
        .collect()
}

mod orders;
pub mod repeats;
pub mod stages;

pub use orders::ticket_orders;

#[cfg(test)]
mod tests;
