//! The message row itself: its columns, its raw source, its IMAP location and its
//! full-text entry.

use rusqlite::{Transaction, params};

use super::Fetched;
use super::index_queue::{self, IndexEntry};
use crate::domain::threading::Placed;
use crate::domain::{Direction, ParsedMessage, TicketId};
use crate::store::StoreError;

/// What is stored with a message besides what was parsed.
pub(super) struct MessageRow<'a> {
    pub account: &'a str,
    pub message_id: &'a str,
    /// `None` for mail that is no conversation (a platform's order notification).
    pub ticket: Option<TicketId>,
    pub direction: Direction,
    pub date: i64,
    pub placed: &'a Placed,
    pub warnings: &'a [String],
    pub language: Option<&'a str>,
    /// Its full-text entry, queued with the row (`index_queue`).
    pub index: &'a IndexEntry,
}

/// Inserts the message, its raw source and its location (if any), and queues its index
/// entry; returns its row id.
pub(super) fn insert(
    tx: &Transaction,
    m: &MessageRow,
    mailbox_id: Option<i64>,
    fetched: &Fetched,
    parsed: &ParsedMessage,
) -> Result<i64, StoreError> {
    let now = chrono::Utc::now().timestamp();
    tx.prepare_cached(
        "INSERT INTO messages (account, message_id, ticket_id, direction, from_email, from_name,
            to_json, cc_json, reply_to_json, subject, date, text, quotes_json, attachments_json,
            in_reply_to, references_json, auto_json, placed_by, warnings_json, language, size,
            created_at, placed_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?21, ?22, ?23)",
    )?
    .execute(params![
        m.account,
        m.message_id,
        m.ticket,
        m.direction.as_str(),
        parsed.from.as_ref().map(|a| &a.email),
        parsed.from.as_ref().and_then(|a| a.name.as_ref()),
        serde_json::to_string(&parsed.to)?,
        serde_json::to_string(&parsed.cc)?,
        serde_json::to_string(&parsed.reply_to)?,
        parsed.subject,
        m.date,
        parsed.text,
        serde_json::to_string(
            &parsed
                .quotes
                .iter()
                .map(|r| (r.start, r.end))
                .collect::<Vec<_>>()
        )?,
        serde_json::to_string(&parsed.attachments)?,
        parsed.in_reply_to.first(),
        serde_json::to_string(&parsed.references)?,
        serde_json::to_string(&parsed.auto)?,
        m.placed.by.as_str(),
        serde_json::to_string(m.warnings)?,
        m.language,
        fetched.raw.len() as i64,
        now,
        serde_json::to_string(m.placed)?,
    ])?;
    let row = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO raw_messages (message_id, raw) VALUES (?1, ?2)")?
        .execute(params![row, fetched.raw])?;
    if let Some(mailbox_id) = mailbox_id {
        add_location(tx, mailbox_id, fetched, row)?;
    }
    if let Some(report) = &parsed.report {
        tx.prepare_cached("INSERT INTO message_reports (message, original) VALUES (?1, ?2)")?
            .execute(params![row, report.original])?;
    }
    index_queue::queue(tx, row, m.index)?;
    Ok(row)
}

/// How much of the customer's own words is read for their language and the order and
/// tracking numbers they name: the opening of a long mail, not the whole of it.
const OWN_WORDS_BYTES: usize = 8000;

/// The customer's own words, without quoted earlier mail: what language detection and the
/// order and tracking numbers are read from. Only the opening is copied, not the whole of a
/// long mail.
pub(super) fn unquoted(parsed: &ParsedMessage) -> String {
    let limit = OWN_WORDS_BYTES;
    let mut out = String::with_capacity(parsed.text.len().min(limit));
    let mut pos = 0;
    let mut pieces = Vec::with_capacity(parsed.quotes.len() + 1);
    for q in &parsed.quotes {
        pieces.push(parsed.text.get(pos..q.start));
        pos = q.end;
    }
    pieces.push(parsed.text.get(pos..));
    for piece in pieces.into_iter().flatten() {
        let kept = crate::domain::language::prefix(piece, limit - out.len());
        out.push_str(kept);
        if kept.len() < piece.len() {
            break;
        }
    }
    out
}

/// `text` without the byte ranges `quotes` (in order) mark as quoted.
pub(crate) fn without_quotes(text: &str, quotes: impl Iterator<Item = (usize, usize)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (start, end) in quotes {
        if let Some(s) = text.get(pos..start) {
            out.push_str(s);
        }
        pos = end;
    }
    if let Some(s) = text.get(pos..) {
        out.push_str(s);
    }
    out
}

pub(super) fn add_location(
    tx: &Transaction,
    mailbox_id: i64,
    f: &Fetched,
    message_row: i64,
) -> Result<(), StoreError> {
    // An update, then an insert when there was nothing to update, rather than one upsert:
    // an upsert may have to undo half its work, so SQLite copies every page it touches
    // into a statement journal first, a twelfth of the storing thread's time in a first
    // sync. The UID is new nearly always; a sync interrupted after storing it is the rest.
    let modseq = f.modseq.map(|m| m as i64);
    let updated = tx
        .prepare_cached(
            "UPDATE message_locations SET message = ?3, flags = ?4, modseq = ?5
              WHERE mailbox_id = ?1 AND uid = ?2",
        )?
        .execute(params![mailbox_id, f.uid, message_row, f.flags, modseq])?;
    if updated == 0 {
        tx.prepare_cached(
            "INSERT INTO message_locations (mailbox_id, uid, message, flags, modseq)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![mailbox_id, f.uid, message_row, f.flags, modseq])?;
    }
    Ok(())
}
