//! What composing a reply needs to know from the store: the ticket (account, subject,
//! language, customer), the customer's name and address, the message answered, the order
//! the ticket is about, and how the conversation began (for acknowledgements).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::columns::{opt_time, time};
use crate::domain::order::Order;
use crate::domain::{Address, AutoHeaders, Direction, TicketId};

/// A ticket as a reply sees it.
#[derive(Debug, Clone)]
pub struct ReplyTicket {
    pub account: String,
    pub subject: String,
    pub language: Option<String>,
    pub customer_id: Option<i64>,
}

pub fn ticket(conn: &Connection, id: TicketId) -> Result<Option<ReplyTicket>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT account, subject, language, customer_id FROM tickets WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(ReplyTicket {
                account: r.get(0)?,
                subject: r.get(1)?,
                language: r.get(2)?,
                customer_id: r.get(3)?,
            })
        })
        .optional()?)
}

/// The customer's name and first address (by sort order, so it is stable).
pub fn customer_contact(
    conn: &Connection,
    customer: i64,
) -> Result<(Option<String>, String), StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT c.name, (SELECT min(email) FROM customer_addresses WHERE customer_id = c.id)
               FROM customers c WHERE c.id = ?1",
        )?
        .query_row([customer], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })?)
}

/// The message a reply answers: the newest from the customer, else the newest at all.
#[derive(Debug, Clone)]
pub struct Answered {
    pub id: i64,
    pub message_id: String,
    pub direction: Direction,
    pub from: Option<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub references: Vec<String>,
    pub subject: String,
    pub date: DateTime<Utc>,
    pub text: String,
}

pub fn answered(conn: &Connection, ticket: TicketId) -> Result<Option<Answered>, StoreError> {
    let json = |s: String| -> Vec<Address> { serde_json::from_str(&s).unwrap_or_default() };
    Ok(conn
        .prepare_cached(
            "SELECT id, message_id, direction, from_email, from_name, reply_to_json, to_json,
                    cc_json, references_json, subject, date, text
               FROM messages WHERE ticket_id = ?1 AND direction != 'note'
              ORDER BY direction = 'in' DESC, date DESC, id DESC LIMIT 1",
        )?
        .query_row([ticket], |r| {
            let from_email: Option<String> = r.get(3)?;
            let from_name: Option<String> = r.get(4)?;
            let refs: String = r.get(8)?;
            Ok(Answered {
                id: r.get(0)?,
                message_id: r.get(1)?,
                direction: r.get(2)?,
                from: from_email.map(|e| Address::new(&e, from_name.as_deref())),
                reply_to: json(r.get(5)?),
                to: json(r.get(6)?),
                cc: json(r.get(7)?),
                references: serde_json::from_str(&refs).unwrap_or_default(),
                subject: r.get(9)?,
                date: time(r, 10)?,
                text: r.get(11)?,
            })
        })
        .optional()?)
}

/// The order a ticket is about, of the customer's own orders: the one the agent linked it
/// to last, else the one the ticket's newest mail names (exactly, `store::mail_orders`),
/// else their most recent. A reply never quotes a stranger's order because a number was
/// mentioned.
pub fn order_for(
    conn: &Connection,
    ticket: TicketId,
    customer: i64,
) -> Result<Option<Order>, StoreError> {
    let number: Option<String> = conn
        .prepare_cached(
            "SELECT o.number
               FROM orders o JOIN customer_addresses a ON a.email = o.customer_email
              WHERE a.customer_id = ?1
              ORDER BY o.number IS (SELECT value FROM ticket_events
                                     WHERE ticket_id = ?2 AND kind = 'order_link'
                                     ORDER BY id DESC LIMIT 1) DESC,
                       (SELECT max(m.date) FROM message_orders mo
                          JOIN messages m ON m.id = mo.message
                         WHERE m.ticket_id = ?2 AND mo.number = o.number) DESC NULLS LAST,
                       o.placed_at DESC
              LIMIT 1",
        )?
        .query_row(params![customer, ticket], |r| r.get(0))
        .optional()?;
    match number {
        Some(n) => super::orders::by_number(conn, &n),
        None => Ok(None),
    }
}

/// How a conversation began: its first message, and the ticket's due time.
#[derive(Debug, Clone)]
pub struct Opening {
    pub message: i64,
    pub direction: Direction,
    pub from: String,
    /// Its auto-reply headers (none known when the stored JSON does not read).
    pub auto: AutoHeaders,
    pub date: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
}

pub fn opening(conn: &Connection, ticket: TicketId) -> Result<Option<Opening>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT m.id, m.direction, coalesce(m.from_email, ''), m.auto_json, m.date, t.due_at
               FROM messages m JOIN tickets t ON t.id = m.ticket_id
              WHERE m.ticket_id = ?1 ORDER BY m.date, m.id LIMIT 1",
        )?
        .query_row([ticket], |r| {
            let auto: String = r.get(3)?;
            Ok(Opening {
                message: r.get(0)?,
                direction: r.get(1)?,
                from: r.get(2)?,
                auto: serde_json::from_str(&auto).unwrap_or_default(),
                date: time(r, 4)?,
                due_at: opt_time(r, 5)?,
            })
        })
        .optional()?)
}
