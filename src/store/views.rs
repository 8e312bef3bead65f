//! Reads the console needs beyond the JSON shapes: counts per queue, a window of a ticket
//! list, and a customer's history.

use rusqlite::{Connection, OptionalExtension, params};

use super::query_sql::{QueryContext, ticket_count, ticket_query};
use super::read::{self, TicketSummary};
use super::{StoreError, search};
use crate::domain::TicketId;
use crate::domain::query::parse_query;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderLine {
    pub number: String,
    pub status: String,
    pub placed_at: i64,
    pub total: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CustomerInfo {
    pub name: Option<String>,
    pub addresses: Vec<String>,
    pub language: Option<String>,
    pub notes: Option<String>,
    /// (id, status, subject, updated unix time), newest first, the open ticket included.
    pub tickets: Vec<(TicketId, String, String, i64)>,
    pub orders: Vec<OrderLine>,
}

/// How many tickets each query matches; `None` for a query that does not parse.
pub fn counts(conn: &Connection, queries: &[String], ctx: &QueryContext) -> Vec<Option<usize>> {
    queries
        .iter()
        .map(|q| {
            let q = parse_query(q).ok()?;
            let plan = ticket_count(&q, ctx);
            conn.prepare_cached(&plan.sql)
                .and_then(|mut s| {
                    s.query_row(rusqlite::params_from_iter(plan.params.iter()), |r| {
                        r.get::<_, i64>(0)
                    })
                })
                .ok()
                .map(|n| n as usize)
        })
        .collect()
}

/// Rows `offset .. offset + limit` of the list for `query`, and its total (counted unless
/// `known_total` gives it: scrolling the same list does not count it again).
pub fn window(
    conn: &Connection,
    query: &str,
    ctx: &QueryContext,
    offset: usize,
    limit: usize,
    known_total: Option<usize>,
) -> Result<(usize, Vec<TicketSummary>), StoreError> {
    let Ok(q) = parse_query(query) else {
        return Ok((0, Vec::new()));
    };
    let total: i64 = match known_total {
        Some(t) => t as i64,
        None => {
            let count = ticket_count(&q, ctx);
            conn.prepare_cached(&count.sql)?
                .query_row(rusqlite::params_from_iter(count.params.iter()), |r| {
                    r.get(0)
                })?
        }
    };
    let ids = search::run_ids(conn, &ticket_query(&q, ctx, limit, offset))?;
    Ok((total as usize, read::ticket_summaries(conn, &ids)?))
}

/// The customer of a ticket with their other tickets and orders.
pub fn customer_of_ticket(
    conn: &Connection,
    ticket: TicketId,
) -> Result<Option<CustomerInfo>, StoreError> {
    let customer: Option<Option<i64>> = conn
        .prepare_cached("SELECT customer_id FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| r.get(0))
        .optional()?;
    let Some(Some(id)) = customer else {
        return Ok(None);
    };
    let (name, language, notes): (Option<String>, Option<String>, Option<String>) = conn
        .prepare_cached("SELECT name, language, notes FROM customers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let addresses: Vec<String> = conn
        .prepare_cached(
            "SELECT email FROM customer_addresses WHERE customer_id = ?1 ORDER BY email",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let tickets = conn
        .prepare_cached(
            "SELECT id, status, subject, updated_at FROM tickets WHERE customer_id = ?1
             ORDER BY updated_at DESC LIMIT 50",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    let language = language.or_else(|| {
        conn.query_row(
            "SELECT language FROM tickets WHERE id = ?1",
            params![ticket],
            |r| r.get(0),
        )
        .ok()
        .flatten()
    });
    let orders = conn
        .prepare_cached(
            "SELECT o.number, o.status, o.placed_at, o.total_cents, o.currency, o.carrier, o.tracking_number
               FROM orders o JOIN customer_addresses a ON a.email = o.customer_email
              WHERE a.customer_id = ?1 ORDER BY o.placed_at DESC LIMIT 20",
        )?
        .query_map([id], |r| {
            let cents: Option<i64> = r.get(3)?;
            let currency: Option<String> = r.get(4)?;
            Ok(OrderLine {
                number: r.get(0)?,
                status: r.get(1)?,
                placed_at: r.get(2)?,
                total: cents.map(|c| format!("{}.{:02} {}", c / 100, c % 100, currency.unwrap_or_default()).trim().to_string()),
                carrier: r.get(5)?,
                tracking_number: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Some(CustomerInfo {
        name,
        addresses,
        language,
        notes,
        tickets,
        orders,
    }))
}
