//! The durable outbox, as a claimed queue. A reply is stored here, rendered and with its
//! final Message-ID, before any network I/O. A sender then claims a row (state `sending`,
//! its name, a lease) in an immediate transaction, so two senders never hold one row; every
//! later mark is written only while the claim still holds, so a cancel, or a sender that
//! took over a lapsed claim, is never overwritten. The marks (`data_at`, `delivered_at`,
//! `filing_at`, `appended`) record each step before the next begins: see
//! `domain::outbox::next_step` for how a claimant resumes from them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::columns::{opt_time, time};
use super::{StoreError, now_unix};

use crate::domain::outbox::{OutboxFailure, OutboxState, Progress, ReplyKind};
use crate::domain::{Status, TicketId};
pub use claim::{Claim, ClaimRequest, claim_next};

/// A reply to queue.
#[derive(Debug, Clone)]
pub struct NewReply {
    pub account: String,
    pub ticket: Option<TicketId>,
    /// The customer message answered (`messages.id`), to flag \Answered.
    pub answers: Option<i64>,
    pub message_id: String,
    pub kind: ReplyKind,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub raw: Vec<u8>,
    pub status_after: Option<Status>,
    pub agent: Option<String>,
    /// Idempotency key: a second reply with the same key is refused.
    pub dedupe_key: Option<String>,
    /// Delivery waits until then (undo window, pacing of a bulk).
    pub not_before: i64,
}

/// One outbox row.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub account: String,
    pub ticket_id: Option<TicketId>,
    pub answers: Option<i64>,
    pub message_id: String,
    pub kind: ReplyKind,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub raw: Vec<u8>,
    pub status_after: Option<Status>,
    pub agent: Option<String>,
    pub state: OutboxState,
    pub not_before: DateTime<Utc>,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// The server refused for good: not retried until `outbox retry`.
    pub permanent: bool,
    pub progress: Progress,
    /// The server's answer to the content (its queue id, usually).
    pub smtp_reply: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub claimed_by: Option<String>,
    /// Times it was sent again after a sender was cut off mid-hand-over.
    pub cut_resends: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Enqueued {
    Queued(i64),
    /// The dedupe key was used before: this reply exists already (row id).
    Duplicate(i64),
}

/// Stores a reply. A reply whose dedupe key is taken (by a reply not cancelled) is not
/// stored again, also when two processes queue it at the same moment.
pub fn enqueue(conn: &Connection, r: &NewReply) -> Result<Enqueued, StoreError> {
    // A cancelled reply does not hold its key: the same answer may be queued again.
    if let Some(key) = &r.dedupe_key {
        conn.prepare_cached(
            "UPDATE outbox SET dedupe_key = NULL WHERE dedupe_key = ?1 AND state = 'cancelled'",
        )?
        .execute([key])?;
    }
    let inserted = conn
        .prepare_cached(
            "INSERT INTO outbox (account, ticket_id, answers, message_id, kind, envelope_from,
                recipients_json, subject, raw, status_after, not_before, agent, dedupe_key,
                created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (dedupe_key) DO NOTHING",
        )?
        .execute(params![
            r.account,
            r.ticket,
            r.answers,
            r.message_id,
            r.kind.as_str(),
            r.envelope_from,
            serde_json::to_string(&r.recipients)?,
            r.subject,
            r.raw,
            r.status_after.map(Status::as_str),
            r.not_before,
            r.agent,
            r.dedupe_key,
            now_unix(),
        ])?;
    if inserted == 1 {
        return Ok(Enqueued::Queued(conn.last_insert_rowid()));
    }
    let existing: i64 = conn
        .prepare_cached("SELECT id FROM outbox WHERE dedupe_key = ?1")?
        .query_row([&r.dedupe_key], |row| row.get(0))?;
    Ok(Enqueued::Duplicate(existing))
}

const COLUMNS: &str = "id, account, ticket_id, answers, message_id, kind, envelope_from,
    recipients_json, subject, raw, status_after, agent, state, not_before, attempts,
    last_error, permanent, content_at IS NOT NULL, delivered_at IS NOT NULL,
    filing_at IS NOT NULL, appended, smtp_reply, created_at, sent_at, claimed_by,
    data_at IS NOT NULL, cut_resends";

fn row(r: &rusqlite::Row) -> rusqlite::Result<OutboxRow> {
    let recipients: String = r.get(7)?;
    Ok(OutboxRow {
        id: r.get(0)?,
        account: r.get(1)?,
        ticket_id: r.get(2)?,
        answers: r.get(3)?,
        message_id: r.get(4)?,
        kind: r.get(5)?,
        envelope_from: r.get(6)?,
        recipients: serde_json::from_str(&recipients).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, e.into())
        })?,
        subject: r.get(8)?,
        raw: r.get(9)?,
        status_after: r.get(10)?,
        agent: r.get(11)?,
        state: r.get(12)?,
        not_before: time(r, 13)?,
        attempts: r.get(14)?,
        last_error: r.get(15)?,
        permanent: r.get(16)?,
        progress: Progress {
            data_started: r.get(25)?,
            content_out: r.get(17)?,
            delivered: r.get(18)?,
            filing_started: r.get(19)?,
            appended: r.get(20)?,
        },
        smtp_reply: r.get(21)?,
        created_at: time(r, 22)?,
        sent_at: opt_time(r, 23)?,
        claimed_by: r.get(24)?,
        cut_resends: r.get(26)?,
    })
}

/// Whether a reply with this dedupe key exists and was not cancelled.
pub fn dedupe_key_used(conn: &Connection, key: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE dedupe_key = ?1 AND state != 'cancelled')",
        )?
        .query_row([key], |r| r.get(0))?)
}

/// Rows not yet sent (with `include_done`, sent and cancelled ones too), for `outbox list`.
pub fn list(conn: &Connection, include_done: bool) -> Result<Vec<OutboxRow>, StoreError> {
    let filter = if include_done {
        ""
    } else {
        "WHERE state IN ('queued', 'sending', 'failed')"
    };
    let rows = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM outbox {filter} ORDER BY id"
        ))?
        .query_map([], row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

pub fn get(conn: &Connection, id: i64) -> Result<Option<OutboxRow>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"))?
        .query_row([id], row)
        .optional()?)
}

/// Whether any row is due for a send attempt now: the watchers' cheap check.
pub fn has_due(conn: &Connection, now: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE state IN ('queued', 'failed')
                AND permanent = 0 AND not_before <= ?1)
             OR EXISTS (SELECT 1 FROM outbox WHERE state = 'sending' AND lease_until <= ?1)",
        )?
        .query_row([now], |r| r.get(0))?)
}

/// Counts for status bars: (waiting or being sent, failed).
pub fn counts(conn: &Connection) -> Result<(i64, i64), StoreError> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(state IN ('queued', 'sending')), 0),
                coalesce(sum(state = 'failed'), 0) FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The newest failed row, with its ticket, for the console's status bar.
pub fn last_failure(conn: &Connection) -> Result<Option<OutboxFailure>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT ticket_id, last_error, permanent FROM outbox
              WHERE state = 'failed' AND last_error IS NOT NULL
              ORDER BY id DESC LIMIT 1",
        )?
        .query_row([], |r| {
            Ok(OutboxFailure {
                ticket: r.get(0)?,
                error: r.get(1)?,
                permanent: r.get(2)?,
            })
        })
        .optional()?)
}

/// The outcome of `outbox cancel`.
#[derive(Debug, Clone)]
pub enum Cancelled {
    /// It will not be sent.
    Yes,
    /// Too late: its content reached the mail server (or may have).
    TooLate(Box<OutboxRow>),
    /// Sent or cancelled before.
    AlreadyDone(Box<OutboxRow>),
    NoSuchRow,
}

/// Cancels a reply whose content has not gone to the mail server. A sender holding the
/// row re-checks right before handing the content over, and a cancelled row stays
/// cancelled: its later marks need the claim, which this takes away.
pub fn cancel(conn: &Connection, id: i64) -> Result<Cancelled, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'cancelled', claimed_by = NULL, lease_until = NULL
              WHERE id = ?1 AND state IN ('queued', 'sending', 'failed')
                AND data_at IS NULL AND delivered_at IS NULL",
        )?
        .execute([id])?;
    if n == 1 {
        return Ok(Cancelled::Yes);
    }
    Ok(match get(conn, id)? {
        None => Cancelled::NoSuchRow,
        Some(r) if r.state.is_pending() => Cancelled::TooLate(Box::new(r)),
        Some(r) => Cancelled::AlreadyDone(Box::new(r)),
    })
}

/// `outbox retry`: a failed row (a permanent refusal included) is due again now.
pub fn retry(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'queued', permanent = 0, not_before = ?2
              WHERE id = ?1 AND state = 'failed'",
        )?
        .execute(params![id, now_unix()])?;
    Ok(n == 1)
}

/// The content is about to go to the server: the last check that the row is still ours
/// (not cancelled, not taken over). Records the moment; false means do not send.
pub fn begin_data(
    conn: &Connection,
    owner: &str,
    id: i64,
    lease_secs: i64,
) -> Result<bool, StoreError> {
    held_update(
        conn,
        "data_at = ?3, lease_until = ?3 + ?4",
        params![id, owner, now_unix(), lease_secs],
    )
}

/// The row is sent again although an earlier attempt began handing it over (a sender
/// killed between its last write and recording it): counted, since it may arrive twice.
pub fn count_cut_resend(conn: &Connection, owner: &str, id: i64) -> Result<bool, StoreError> {
    held_update(conn, "cut_resends = cut_resends + 1", params![id, owner])
}

/// Content and final dot reached the server: from here on a crash counts it delivered.
pub fn mark_content_out(conn: &Connection, owner: &str, id: i64) -> Result<bool, StoreError> {
    held_update(conn, "content_at = ?3", params![id, owner, now_unix()])
}

/// The server refused (or the connection broke before the whole content was out):
/// nothing was delivered, so the row may be cancelled again and the attempt does not
/// count against the rate.
pub fn clear_data(conn: &Connection, owner: &str, id: i64) -> Result<bool, StoreError> {
    held_update(
        conn,
        "data_at = NULL, content_at = NULL",
        params![id, owner],
    )
}

/// The server answered the final dot with 250.
pub fn mark_delivered(
    conn: &Connection,
    owner: &str,
    id: i64,
    smtp_reply: &str,
) -> Result<bool, StoreError> {
    held_update(
        conn,
        "delivered_at = coalesce(delivered_at, ?3), smtp_reply = ?4, last_error = NULL",
        params![id, owner, now_unix(), smtp_reply],
    )
}

/// A Sent folder (of a server that files relayed mail itself) holds the copy of an
/// earlier attempt: it was delivered.
pub fn mark_found_in_sent(conn: &Connection, owner: &str, id: i64) -> Result<bool, StoreError> {
    held_update(
        conn,
        "delivered_at = coalesce(delivered_at, ?3), appended = 1, last_error = NULL",
        params![id, owner, now_unix()],
    )
}

/// Marks the rows whose Sent copies go out in one APPEND, all in one transaction, before
/// the APPEND; returns the ids still held.
pub fn begin_filing(
    conn: &mut Connection,
    owner: &str,
    ids: &[i64],
) -> Result<Vec<i64>, StoreError> {
    held_batch(conn, "filing_at = ?3", owner, ids)
}

/// The APPEND succeeded: the copies are filed, for every row of the batch at once.
pub fn mark_appended(
    conn: &mut Connection,
    owner: &str,
    ids: &[i64],
) -> Result<Vec<i64>, StoreError> {
    held_batch(
        conn,
        "appended = 1, filing_at = coalesce(filing_at, ?3)",
        owner,
        ids,
    )
}

/// Releases a held row as failed: retried at `retry_at`, or never by itself when
/// `permanent`. The error is kept for `outbox list`.
pub fn release_failed(
    conn: &Connection,
    owner: &str,
    id: i64,
    error: &str,
    retry_at: i64,
    permanent: bool,
) -> Result<bool, StoreError> {
    held_update(
        conn,
        "state = 'failed', claimed_by = NULL, lease_until = NULL, last_error = ?3,
         not_before = ?4, permanent = ?5",
        params![id, owner, error, retry_at, permanent],
    )
}

/// Gives back every row `owner` still holds (a sender stopping on an error): they keep
/// their marks, so the next sender resumes them at once instead of after the lease.
pub fn release_all(conn: &Connection, owner: &str) -> Result<usize, StoreError> {
    Ok(conn
        .prepare_cached(
            "UPDATE outbox SET state = 'queued', claimed_by = NULL, lease_until = NULL
              WHERE state = 'sending' AND claimed_by = ?1",
        )?
        .execute([owner])?)
}

/// The row is done; inside the transaction that files the reply on its ticket.
pub fn mark_sent(tx: &Transaction, owner: &str, id: i64) -> Result<bool, StoreError> {
    held_update(
        tx,
        "state = 'sent', sent_at = ?3, last_error = NULL, claimed_by = NULL, lease_until = NULL",
        params![id, owner, now_unix()],
    )
}

/// An UPDATE of one row that only applies while `owner` holds it. Parameters: ?1 id,
/// ?2 owner, then the assignment's own.
fn held_update(
    conn: &Connection,
    assignments: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(&format!(
            "UPDATE outbox SET {assignments} WHERE id = ?1 AND state = 'sending' AND claimed_by = ?2"
        ))?
        .execute(params)?;
    Ok(n == 1)
}

/// `held_update` for a batch, in one transaction; the assignment gets ?3, now.
fn held_batch(
    conn: &mut Connection,
    assignment: &str,
    owner: &str,
    ids: &[i64],
) -> Result<Vec<i64>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut held = Vec::with_capacity(ids.len());
    {
        let mut stmt = tx.prepare_cached(&format!(
            "UPDATE outbox SET {assignment} WHERE id = ?1 AND state = 'sending' AND claimed_by = ?2"
        ))?;
        let now = now_unix();
        for id in ids {
            if stmt.execute(params![id, owner, now])? == 1 {
                held.push(*id);
            }
        }
    }
    tx.commit()?;
    Ok(held)
}

/// Where the customer messages answered live on the server, per mailbox: to flag them
/// \Answered.
pub fn answered_locations(
    conn: &Connection,
    account: &str,
    messages: &[i64],
) -> Result<HashMap<String, Vec<u32>>, StoreError> {
    let mut by_mailbox: HashMap<String, Vec<u32>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT b.name, l.uid FROM message_locations l JOIN mailboxes b ON b.id = l.mailbox_id
          WHERE l.message = ?1 AND b.account = ?2",
    )?;
    for m in messages {
        let rows = stmt.query_map(params![m, account], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for loc in rows {
            let (mailbox, uid) = loc?;
            by_mailbox.entry(mailbox).or_default().push(uid as u32);
        }
    }
    Ok(by_mailbox)
}

/// Rows already sent to `recipient` automatically since `since`: loop protection.
pub fn auto_replies_to(conn: &Connection, recipient: &str, since: i64) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM outbox WHERE kind != 'reply' AND created_at >= ?2
               AND state != 'cancelled'
               AND EXISTS (SELECT 1 FROM json_each(recipients_json) WHERE value = ?1)",
        )?
        .query_row(params![recipient, since], |r| r.get(0))?)
}

mod claim;
#[cfg(test)]
mod tests;
