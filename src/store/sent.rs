//! A delivered reply joins its ticket: stored as an outgoing message (its copy in Sent
//! attaches to it on the next sync), the status chosen for after sending applies, and its
//! outbox row becomes `sent` — all in one transaction, and only while the sender still
//! holds the row.

use chrono::Utc;
use rusqlite::TransactionBehavior;

use super::ingest::{AccountIdentity, Fetched, file_unticketed, ingest_from};
use super::outbox::{self, OutboxRow};
use super::{Store, StoreError, ticket_ops};
use crate::domain::{EventSource, ParsedMessage};

/// Files `row` (whose content `parsed` is) on its ticket and marks it sent. False when the
/// row is no longer `owner`'s (nothing is written then).
pub fn record_sent(
    store: &mut Store,
    owner: &str,
    account: &AccountIdentity,
    row: &OutboxRow,
    parsed: &ParsedMessage,
) -> Result<bool, StoreError> {
    let fetched = Fetched {
        uid: 0,
        flags: String::new(),
        modseq: None,
        internal_date: Some(Utc::now()),
        raw: row.raw.clone(),
        history: false,
    };
    let tx = store
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    if !outbox::mark_sent(&tx, owner, row.id)? {
        return Ok(false);
    }
    match row.ticket_id {
        // An automatic message (Auto-Submitted) does not count as the answer: ingest knows.
        Some(_) => {
            ingest_from(&tx, account, None, &fetched, parsed, EventSource::Send)?;
        }
        // Mail on no ticket (the owner's digest) is kept, and opens none.
        None => file_unticketed(&tx, account, &fetched, parsed)?,
    }
    if let (Some(ticket), Some(status)) = (row.ticket_id, row.status_after) {
        ticket_ops::set_status(
            &tx,
            ticket,
            status,
            row.agent.as_deref().unwrap_or(""),
            EventSource::Send,
        )?;
    }
    tx.commit()?;
    Ok(true)
}
