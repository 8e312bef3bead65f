//! Reads the console needs beyond the JSON shapes: counts per queue, a window of a ticket
//! list, and a customer's history.

use rusqlite::{Connection, OptionalExtension, params};

use super::columns::time;
use super::query_sql::{Order, QueryContext, Select, ticket_plan};
use super::read;
use super::{StoreError, search};
use crate::domain::TicketId;
use crate::domain::query::parse_query;
use crate::domain::views::{CustomerInfo, CustomerTicket, OrderLine, TicketSummary};

/// How many tickets each query matches; `None` for a query that does not parse.
pub fn counts(conn: &Connection, queries: &[String], ctx: &QueryContext) -> Vec<Option<usize>> {
    queries
        .iter()
        .map(|q| {
            let q = parse_query(q).ok()?;
            search::run_count(conn, &ticket_plan(&q, ctx, Select::Count)).ok()
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
    let total = match known_total {
        Some(t) => t,
        None => search::run_count(conn, &ticket_plan(&q, ctx, Select::Count))?,
    };
    // SQLite walks past every skipped row: near the far end of a long list, read it from
    // the other end instead (the jump to the last row stays as cheap as the first).
    let ids = if offset > total / 2 && offset < total {
        let end = (offset + limit).min(total);
        let select = Select::Ids {
            order: Order::OldestFirst,
            limit: end - offset,
            offset: total - end,
        };
        let mut ids = search::run_ids(conn, &ticket_plan(&q, ctx, select))?;
        ids.reverse();
        ids
    } else {
        let select = Select::Ids {
            order: Order::NewestFirst,
            limit,
            offset,
        };
        search::run_ids(conn, &ticket_plan(&q, ctx, select))?
    };
    Ok((total, read::ticket_summaries(conn, &ids)?))
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
            "SELECT id, status, subject, updated_at FROM tickets
              WHERE customer_id = ?1 AND merged_into IS NULL
             ORDER BY updated_at DESC LIMIT 50",
        )?
        .query_map([id], |r| {
            Ok(CustomerTicket {
                id: r.get(0)?,
                status: r.get(1)?,
                subject: r.get(2)?,
                updated_at: time(r, 3)?,
            })
        })?
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
                placed_at: time(r, 2)?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::ingest::{AccountIdentity, ingest_raw};

    #[test]
    fn windows_read_from_either_end_agree() {
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
        let raws: Vec<Vec<u8>> = (0..40)
            .map(|i| {
                format!(
                    "From: c{i}@x.example\r\nSubject: Question {i}\r\nMessage-ID: <w{i}@x>\r\nDate: Tue, 24 Nov 2026 10:{:02}:00 +0000\r\n\r\nHello\r\n",
                    i % 60
                )
                .into_bytes()
            })
            .collect();
        ingest_raw(&mut store, &account, "INBOX", &raws).expect("ingest");
        let ctx = QueryContext {
            agent: "a".into(),
            now: 0,
        };
        let (total, all) = window(store.conn(), "", &ctx, 0, 100, None).expect("all");
        assert_eq!(total, 40);
        for offset in [0, 10, 19, 20, 21, 35, 39] {
            let (_, rows) = window(store.conn(), "", &ctx, offset, 8, Some(total)).expect("window");
            let want: Vec<i64> = all.iter().skip(offset).take(8).map(|t| t.id).collect();
            let got: Vec<i64> = rows.iter().map(|t| t.id).collect();
            assert_eq!(got, want, "offset {offset}");
        }
    }
}
