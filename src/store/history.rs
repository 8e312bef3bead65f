//! A mailbox's history: the mail that was there before its first sync. Its conversations
//! start where they stand (`domain::decide::settle`) instead of all waiting on the shop.

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params};

use super::StoreError;
use super::events::{apply, status_column};
use super::ingest::SYNC_AGENT;
use crate::domain::decide::settle;
use crate::domain::{EventSource, Origin, TicketId};

/// Conversations from a mailbox's history (mail there before its first sync) start where
/// they stand (`Status::settled`): quiet past the cutoff, solved; else pending or open by
/// who spoke last. Only tickets made of history alone, whose status no agent has set
/// (nor chose, making the ticket by a split or a move).
pub fn settle_history(
    tx: &Transaction,
    tickets: &[TicketId],
    now: i64,
    cutoff_secs: i64,
) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::new();
    for &ticket in tickets.iter().filter(|t| seen.insert(**t)) {
        let eligible: bool = tx
            .prepare_cached(
                "SELECT NOT EXISTS (
                     SELECT 1 FROM ticket_events
                      WHERE ticket_id = ?1 AND kind IN ('status', 'created') AND agent != ?2)
                 AND NOT EXISTS (
                     SELECT 1 FROM messages m
                      WHERE m.ticket_id = ?1 AND NOT EXISTS (
                          SELECT 1 FROM message_locations l
                            JOIN mailboxes b ON b.id = l.mailbox_id
                           WHERE l.message = m.id AND l.uid < b.first_uidnext))",
            )?
            .query_row(params![ticket, SYNC_AGENT], |r| r.get(0))?;
        if !eligible {
            continue;
        }
        // the newest customer message and shop answer, as the mail rules read them
        let written = super::written::written(tx, ticket, &[])?;
        let newest = |at: &[DateTime<Utc>]| at.iter().max().map(DateTime::timestamp);
        let (last_in, last_out) = (newest(&written.customer), newest(&written.answers));
        let (status, due) = tx
            .prepare_cached("SELECT status, due_at FROM tickets WHERE id = ?1")?
            .query_row([ticket], |r| {
                Ok((status_column(r, 0)?, r.get::<_, Option<i64>>(1)?))
            })?;
        let due = due.and_then(|d| DateTime::from_timestamp(d, 0));
        let changes = settle(status, due, last_in, last_out, now, cutoff_secs);
        let at = DateTime::from_timestamp(now, 0).unwrap_or_default();
        apply(
            tx,
            ticket,
            &changes,
            &Origin::new(SYNC_AGENT, EventSource::History, at),
        )?;
    }
    Ok(())
}
