//! Telling messages apart: a stand-in for a missing Message-ID, and what to do when a
//! Message-ID is already known (the same message again, or another one reusing its id).

pub(crate) use crate::domain::reply::DUP_MARK;
use crate::domain::reply::{NO_MESSAGE_ID_DOMAIN, NO_MESSAGE_ID_PREFIX};
use rusqlite::{OptionalExtension, Transaction, params};

use super::row::add_location;
use super::{Fetched, IngestOutcome};
use crate::domain::ParsedMessage;
use crate::store::StoreError;

/// A stable stand-in for a missing Message-ID, derived from the raw bytes (FNV-1a), so the
/// same message seen twice is still recognised.
pub(super) fn synthetic_message_id(raw: &[u8]) -> String {
    format!(
        "{NO_MESSAGE_ID_PREFIX}{:016x}.{}{NO_MESSAGE_ID_DOMAIN}",
        fnv64(&[raw]),
        raw.len()
    )
}

/// FNV-1a over the parts: a stable fingerprint (stored ids must not change between
/// versions, which rules out std's hasher).
fn fnv64(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter().chain(&[0xff]) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A stored message, as much of it as tells two messages with one Message-ID apart.
pub(super) struct KnownMessage {
    row: i64,
    ticket: Option<i64>,
    from: Option<String>,
    subject: String,
    date: i64,
    text: String,
}

impl KnownMessage {
    /// The same message seen again (another folder, a resync, our Sent copy): same
    /// sender, subject, date (when it has one) and words. Transport headers and encodings
    /// may differ between copies; these do not.
    pub(super) fn is_same(&self, parsed: &ParsedMessage) -> bool {
        self.from.as_deref() == parsed.from.as_ref().map(|a| a.email.as_str())
            && self.subject == parsed.subject
            && parsed.date.is_none_or(|d| d.timestamp() == self.date)
            && words(&self.text) == words(&parsed.text)
    }
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

pub(super) fn known_message(
    tx: &Transaction,
    account: &str,
    message_id: &str,
) -> Result<Option<KnownMessage>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT id, ticket_id, from_email, subject, date, text FROM messages
              WHERE account = ?1 AND message_id = ?2",
        )?
        .query_row(params![account, message_id], |r| {
            Ok(KnownMessage {
                row: r.get(0)?,
                ticket: r.get(1)?,
                from: r.get(2)?,
                subject: r.get(3)?,
                date: r.get(4)?,
                text: r.get(5)?,
            })
        })
        .optional()?)
}

pub(super) fn known_at(
    tx: &Transaction,
    mailbox_id: Option<i64>,
    fetched: &Fetched,
    known: KnownMessage,
) -> Result<IngestOutcome, StoreError> {
    if let Some(mailbox_id) = mailbox_id {
        add_location(tx, mailbox_id, fetched, known.row)?;
    }
    // A message on no ticket is an order notification.
    Ok(known
        .ticket
        .map_or(IngestOutcome::OrderMail, IngestOutcome::Known))
}

/// The id a message gets when its Message-ID belongs to another: `ID#dup-HASH`, stable
/// for the same content so a resync finds it again. `super::lookup` finds these variants
/// when a reply names the original id.
pub(super) fn derived_message_id(message_id: &str, parsed: &ParsedMessage) -> String {
    let from = parsed.from.as_ref().map_or("", |a| a.email.as_str());
    let date = parsed.date.map_or(0, |d| d.timestamp()).to_string();
    let text = words(&parsed.text).join(" ");
    let h = fnv64(&[
        from.as_bytes(),
        date.as_bytes(),
        parsed.subject.as_bytes(),
        text.as_bytes(),
    ]);
    format!("{message_id}{DUP_MARK}{h:016x}")
}
