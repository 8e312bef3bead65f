//! The order and tracking numbers each message names, as found when it was stored (or,
//! for mail stored before they were kept, by the next sync), and the order of a ticket:
//! the newest of its mail's mentions that names a known order.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::StoreError;
use crate::domain::TicketId;
use crate::domain::notification::MailOrderRules;
use crate::domain::order::Order;
use crate::domain::tracking::{Tracking, table};

/// What one message names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// Order numbers, in the order the message names them.
    pub orders: Vec<String>,
    pub tracking: Vec<Tracking>,
}

/// The order and tracking numbers a mail names: in its subject and its own words (not
/// the earlier mail it quotes).
pub(crate) struct Found {
    pub orders: Vec<String>,
    pub tracking: Vec<Tracking>,
}

impl Found {
    pub(crate) fn in_mail(rules: &MailOrderRules, subject: &str, body: &str) -> Found {
        Found {
            orders: rules.finder.find(&format!("{subject}\n{body}")),
            tracking: table().find_in_text(body, &rules.carriers),
        }
    }
}

/// Reads up to `batch` of `account`'s messages stored before numbers were kept
/// (migration 0008) for what they name; returns how many it read (0: none are left).
pub fn backfill(
    tx: &Transaction,
    account: &str,
    rules: &MailOrderRules,
    batch: usize,
) -> Result<usize, StoreError> {
    let rows: Vec<(i64, String, String, String)> = tx
        .prepare_cached(
            "SELECT m.id, m.subject, m.text, m.quotes_json FROM message_orders_pending p
               JOIN messages m ON m.id = p.message
              WHERE m.account = ?1 LIMIT ?2",
        )?
        .query_map(params![account, batch as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    for (id, subject, text, quotes) in &rows {
        // Damaged quote ranges only mean the quoted text is read too.
        let quotes: Vec<(usize, usize)> = serde_json::from_str(quotes).unwrap_or_default();
        let body = super::ingest::without_quotes(text, quotes.into_iter());
        let found = Found::in_mail(rules, subject, &body);
        record(tx, *id, &found.orders, &found.tracking)?;
        tx.prepare_cached("DELETE FROM message_orders_pending WHERE message = ?1")?
            .execute([id])?;
    }
    Ok(rows.len())
}

/// Records what message `row` names (a message is stored once, so this runs once).
pub(crate) fn record(
    tx: &Transaction,
    row: i64,
    orders: &[String],
    tracking: &[Tracking],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO message_orders (message, number, position) VALUES (?1, ?2, ?3)",
    )?;
    for (i, n) in orders.iter().enumerate() {
        stmt.execute(params![row, n, i as i64])?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO message_tracking (message, number, carrier, url, position)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, t) in tracking.iter().enumerate() {
        stmt.execute(params![row, t.number, t.carrier, t.url, i as i64])?;
    }
    Ok(())
}

/// What each of `ids` names; a message that names nothing is left out.
pub fn for_messages(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, Mentions>, StoreError> {
    let mut out: HashMap<i64, Mentions> = HashMap::new();
    let mut orders = conn
        .prepare_cached("SELECT number FROM message_orders WHERE message = ?1 ORDER BY position")?;
    let mut tracking = conn.prepare_cached(
        "SELECT number, carrier, url FROM message_tracking WHERE message = ?1 ORDER BY position",
    )?;
    for &id in ids {
        let numbers: Vec<String> = orders
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let found: Vec<Tracking> = tracking
            .query_map([id], |r| {
                let carrier: Option<String> = r.get(1)?;
                Ok(Tracking {
                    number: r.get(0)?,
                    carrier_id: carrier
                        .as_deref()
                        .and_then(|c| table().carrier_named(c))
                        .map(|c| c.id.clone()),
                    carrier,
                    url: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        if !numbers.is_empty() || !found.is_empty() {
            out.insert(
                id,
                Mentions {
                    orders: numbers,
                    tracking: found,
                },
            );
        }
    }
    Ok(out)
}

/// The ticket's order: of the known orders its mail names, the one named by the newest
/// message (the first it names, when it names several). `None` when its mail names no
/// known order.
pub fn ticket_order(conn: &Connection, ticket: TicketId) -> Result<Option<Order>, StoreError> {
    let number: Option<String> = conn
        .prepare_cached(
            "SELECT o.number FROM message_orders mo
               JOIN messages m ON m.id = mo.message
               JOIN orders o ON o.number = mo.number
              WHERE m.ticket_id = ?1
              ORDER BY m.date DESC, m.id DESC, mo.position
              LIMIT 1",
        )?
        .query_row([ticket], |r| r.get(0))
        .optional()?;
    match number {
        Some(n) => super::orders::by_number(conn, &n),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests;
