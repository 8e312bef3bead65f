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
use crate::domain::{Direction, Status, TicketId};

/// Which tickets to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// New, open and pending tickets: the ones with a clock that can still run.
    Active,
    /// Tickets created before `until` that are still active, or had anything happen at or
    /// after `since` (a ticket solved and quiet before then adds nothing to the window).
    Window { since: i64, until: i64 },
}

fn instant(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).unwrap_or_default()
}

/// The tickets of `scope`, by id. A ticket merged into another is none of its own: its
/// messages and its number belong to the survivor.
pub fn records(conn: &Connection, scope: Scope) -> Result<Vec<TicketRecord>, StoreError> {
    let (sql, since, until) = match scope {
        Scope::Active => (
            "SELECT id, account, created_at, customer_id, owner, language, status
               FROM tickets WHERE status IN ('new', 'open', 'pending') AND ?1 < ?2
                AND merged_into IS NULL
              ORDER BY id",
            0,
            1,
        ),
        Scope::Window { since, until } => (
            "SELECT id, account, created_at, customer_id, owner, language, status
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
    };
    let mut out: Vec<TicketRecord> = Vec::new();
    let mut stmt = conn.prepare(sql)?;
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
            priority: None,
            status,
            tags: Vec::new(),
            timeline: vec![TimelineEvent {
                at: instant(created),
                change: TicketChange::Created,
            }],
            history_until: None,
            rating: None,
        })
    })?;
    for row in rows {
        out.push(row?);
    }
    let index: HashMap<TicketId, usize> = out.iter().enumerate().map(|(i, r)| (r.id, i)).collect();

    let mut stmt = conn.prepare("SELECT ticket_id, tag FROM ticket_tags")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, TicketId>(0)?) {
            out[i].tags.push(r.get(1)?);
        }
    }
    // A reply and the status it set share an instant: messages go in first, so the stable
    // sort below keeps "the reply, then its status" (what the clocks expect). Both reads
    // are answered from indexes that hold every column they take (migration 0010).
    let mut stmt = conn.prepare(
        "SELECT ticket_id, date, direction FROM messages
          WHERE ticket_id >= 0 AND direction != 'note'",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, TicketId>(0)?) {
            let direction: String = r.get(2)?;
            if let Some(d) = Direction::parse(&direction) {
                out[i].timeline.push(TimelineEvent {
                    at: instant(r.get(1)?),
                    change: TicketChange::Message(d),
                });
            }
        }
    }
    let mut stmt = conn.prepare(
        "SELECT ticket_id, at, kind, value, source FROM ticket_events
          WHERE kind IN ('created', 'status')",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(&i) = index.get(&r.get::<_, TicketId>(0)?) else {
            continue;
        };
        let at = instant(r.get(1)?);
        let kind: String = r.get(2)?;
        let value: Option<String> = r.get(3)?;
        let source: Option<String> = r.get(4)?;
        let read = &mut out[i];
        // settling a mailbox's history may set a status: that too is history
        if source.as_deref() == Some("history") {
            read.history_until = read.history_until.max(Some(at));
        }
        let status = value.as_deref().and_then(|v| v.parse::<Status>().ok());
        match (kind.as_str(), status) {
            // a ticket that begins new says nothing more than its creation does
            ("created", Some(Status::New)) | (_, None) => {}
            ("created" | "status", Some(s)) => read.timeline.push(TimelineEvent {
                at,
                change: TicketChange::Status(s),
            }),
            _ => {}
        }
    }
    // Mail that was in a mailbox before its first sync is history (the rule of
    // `history::settle_history`), also when settling it changed nothing on the ticket.
    let mut stmt = conn.prepare(
        "SELECT m.ticket_id, max(m.date)
           FROM mailboxes b
           JOIN message_locations l ON l.mailbox_id = b.id AND l.uid < b.first_uidnext
           JOIN messages m ON m.id = l.message
          WHERE m.ticket_id IS NOT NULL
          GROUP BY m.ticket_id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, TicketId>(0)?) {
            let at = instant(r.get(1)?);
            out[i].history_until = out[i].history_until.max(Some(at));
        }
    }
    for (id, r) in super::ratings::all(conn)? {
        if let Some(&i) = index.get(&id) {
            out[i].rating = Some(r.kpi());
        }
    }
    for r in &mut out {
        r.timeline.sort_by_key(|e| e.at);
    }
    Ok(out)
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

#[cfg(test)]
mod tests;
