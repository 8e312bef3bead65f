//! Reads the console needs beyond the JSON shapes: counts per queue, a window of a ticket
//! list, and a customer's history.

use rusqlite::{Connection, OptionalExtension};

use super::query_sql::{Order, QueryContext, Select, ticket_plan};
use super::{StoreError, customers, read, reply_facts, search};
use crate::domain::TicketId;
use crate::domain::query::parse_query;
use crate::domain::views::{CustomerInfo, TicketSummary};

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

/// The customer of a ticket with their other tickets and orders, and which order the
/// ticket is about (`reply_facts::order_for`).
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
    let mut info = customers::info(conn, id)?;
    if let Some(language) = conn
        .prepare_cached("SELECT language FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
    {
        info.language.get_or_insert(language);
    }
    info.ticket_order = reply_facts::order_for(conn, ticket, id)?.map(|o| o.number);
    Ok(Some(info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::ingest::AccountIdentity;
    use crate::worker::import::ingest_raw;

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
