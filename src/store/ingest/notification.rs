//! Mail that is no conversation: a platform's order notification is stored as a message
//! on no ticket, and what it says of the order goes to `store::orders` (source `mail`).

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::{AccountIdentity, Fetched, IngestOutcome, row};
use crate::domain::notification::{NotificationMail, Recognised, order_patch};
use crate::domain::order::OrderSource;
use crate::domain::threading::Placed;
use crate::domain::{Direction, ParsedMessage, PlacedBy};
use crate::store::StoreError;
use crate::store::mail_orders::Found;
use crate::store::orders::{PatchOutcome, apply};

/// The message row's facts that ingest already settled.
pub(super) struct Filed<'a> {
    pub message_id: &'a str,
    pub direction: Direction,
    pub date: DateTime<Utc>,
    pub warnings: Vec<String>,
    pub recognised: Recognised,
    /// The mail's full-text entry.
    pub index: &'a super::IndexEntry,
}

/// Applies the notification to its order and stores the mail on no ticket. A
/// notification that names no order, or a new order without the customer's address, is
/// kept with a warning saying so.
pub(super) fn file(
    tx: &Transaction,
    account: &AccountIdentity,
    mailbox_id: Option<i64>,
    fetched: &Fetched,
    parsed: &ParsedMessage,
    mail: Filed,
    found: &Found,
) -> Result<IngestOutcome, StoreError> {
    let from = parsed.from.as_ref().map_or("", |a| a.email.as_str());
    // The platform writes to the customer (a copy reaches the shop) or to the shop with
    // the customer as Reply-To.
    let customer = parsed
        .reply_to
        .iter()
        .chain(&parsed.to)
        .chain(&parsed.cc)
        .map(|a| a.email.as_str())
        .find(|e| *e != from && !account.is_own(e) && !account.orders.is_platform(e));
    let facts = NotificationMail {
        date: mail.date,
        customer,
        body_numbers: &found.orders,
        tracking: found.tracking.first(),
    };
    let mut warnings = mail.warnings;
    match order_patch(&mail.recognised, &facts) {
        Some(patch) => {
            if let Some(PatchOutcome::Rejected(e)) =
                apply(tx, &[patch], OrderSource::Mail, mail.date)?.first()
            {
                warnings.push(format!("order notification not applied: {e}"));
            }
        }
        None => warnings.push("order notification without an order number".into()),
    }
    // a notification is no conversation: no rule placed it anywhere
    let placed = Placed::rule_only(PlacedBy::New);
    let stored = row::MessageRow {
        account: &account.name,
        message_id: mail.message_id,
        ticket: None,
        direction: mail.direction,
        date: mail.date.timestamp(),
        placed: &placed,
        warnings: &warnings,
        language: None,
        index: mail.index,
    };
    let row = row::insert(tx, &stored, mailbox_id, fetched, parsed)?;
    crate::store::mail_orders::record(tx, row, &found.orders, &found.tracking)?;
    Ok(IngestOutcome::OrderMail)
}
