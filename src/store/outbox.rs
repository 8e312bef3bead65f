//! The durable outbox. A reply is stored here, rendered and with its final Message-ID,
//! before any network I/O; the send worker moves it along:
//! queued → (SMTP accepted: `delivered_at`) → (copy filed in Sent: `appended`) → sent.
//! Each step is committed before the next starts, so a crash resumes at the right step
//! and a reply is never delivered twice.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::now_unix;
use crate::domain::TicketId;

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
    pub status_after: Option<String>,
    pub agent: Option<String>,
    /// Idempotency key: a second reply with the same key is refused.
    pub dedupe_key: Option<String>,
    /// Delivery waits until then (undo window).
    pub not_before: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    Reply,
    AutoAck,
}

impl ReplyKind {
    fn as_str(self) -> &'static str {
        match self {
            ReplyKind::Reply => "reply",
            ReplyKind::AutoAck => "auto_ack",
        }
    }
}

/// One outbox row as the worker and `outbox list` see it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub account: String,
    pub ticket_id: Option<TicketId>,
    pub answers: Option<i64>,
    pub message_id: String,
    pub kind: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    #[serde(skip)]
    pub raw: Vec<u8>,
    pub status_after: Option<String>,
    pub state: String,
    pub not_before: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub delivered: bool,
    pub appended: bool,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// The content went to the SMTP server; whether it answered is not recorded.
    pub handed: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Enqueued {
    Queued(i64),
    /// The dedupe key was used before: this reply exists already (row id).
    Duplicate(i64),
}

pub fn enqueue(conn: &Connection, r: &NewReply) -> Result<Enqueued, StoreError> {
    if let Some(key) = &r.dedupe_key {
        let existing: Option<i64> = conn
            .prepare_cached("SELECT id FROM outbox WHERE dedupe_key = ?1")?
            .query_row([key], |row| row.get(0))
            .optional()?;
        if let Some(id) = existing {
            return Ok(Enqueued::Duplicate(id));
        }
    }
    conn.prepare_cached(
        "INSERT INTO outbox (account, ticket_id, answers, message_id, kind, envelope_from,
            recipients_json, subject, raw, status_after, not_before, agent, dedupe_key, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
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
        r.status_after,
        r.not_before,
        r.agent,
        r.dedupe_key,
        now_unix(),
    ])?;
    Ok(Enqueued::Queued(conn.last_insert_rowid()))
}

const COLUMNS: &str = "id, account, ticket_id, answers, message_id, kind, envelope_from,
    recipients_json, subject, raw, status_after, state, not_before, attempts, last_error,
    delivered_at IS NOT NULL, appended, created_at, sent_at, handed_at IS NOT NULL";

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
        recipients: serde_json::from_str(&recipients).unwrap_or_default(),
        subject: r.get(8)?,
        raw: r.get(9)?,
        status_after: r.get(10)?,
        state: r.get(11)?,
        not_before: r.get(12)?,
        attempts: r.get(13)?,
        last_error: r.get(14)?,
        delivered: r.get(15)?,
        appended: r.get::<_, i64>(16)? != 0,
        created_at: r.get(17)?,
        sent_at: r.get(18)?,
        handed: r.get(19)?,
    })
}

/// Rows due for delivery now (queued, or failed and due for a retry), oldest first.
pub fn due(conn: &Connection, now: i64) -> Result<Vec<OutboxRow>, StoreError> {
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE state IN ('queued', 'failed') AND not_before <= ?1
             ORDER BY id"
        ))?
        .query_map([now], row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Rows not yet sent, and the recent ones, for `outbox list`.
pub fn list(conn: &Connection, include_sent: bool) -> Result<Vec<OutboxRow>, StoreError> {
    let filter = if include_sent {
        ""
    } else {
        "WHERE state IN ('queued', 'failed')"
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

/// Cancels a reply that has not reached the SMTP server. Returns false when it is too late.
pub fn cancel(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'cancelled'
             WHERE id = ?1 AND state IN ('queued', 'failed') AND delivered_at IS NULL",
        )?
        .execute([id])?;
    Ok(n == 1)
}

/// Counts by state, for status bars.
pub fn counts(conn: &Connection) -> Result<(i64, i64), StoreError> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(state = 'queued'), 0), coalesce(sum(state = 'failed'), 0) FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Recorded when the content goes to the SMTP server (after DATA was accepted).
pub fn mark_handed(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE outbox SET handed_at = ?2 WHERE id = ?1")?
        .execute(params![id, now_unix()])?;
    Ok(())
}

/// The server refused the content: it was not delivered after all.
pub fn clear_handed(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE outbox SET handed_at = NULL WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Recorded before each delivery attempt, so a crash is known to have been mid-send.
pub fn mark_attempt(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

pub fn mark_delivered(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE outbox SET delivered_at = coalesce(delivered_at, ?2), last_error = NULL WHERE id = ?1",
    )?
    .execute(params![id, now_unix()])?;
    Ok(())
}

pub fn mark_appended(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE outbox SET appended = 1 WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// A failed attempt: the error stays visible and the row is retried after `retry_in`.
pub fn mark_failed(
    conn: &Connection,
    id: i64,
    error: &str,
    retry_at: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE outbox SET state = 'failed', last_error = ?2, not_before = ?3 WHERE id = ?1",
    )?
    .execute(params![id, error, retry_at])?;
    Ok(())
}

/// Retry delay after `attempts` failures: 30 s doubling to an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    (30i64 << attempts.clamp(0, 7)).min(3600)
}

/// Rows already sent to `recipient` automatically since `since`: loop protection.
pub fn auto_replies_to(conn: &Connection, recipient: &str, since: i64) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM outbox WHERE kind = 'auto_ack' AND created_at >= ?2
               AND state != 'cancelled'
               AND EXISTS (SELECT 1 FROM json_each(recipients_json) WHERE value = ?1)",
        )?
        .query_row(params![recipient, since], |r| r.get(0))?)
}
