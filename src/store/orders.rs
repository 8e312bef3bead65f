//! Orders, as imported from the shop: written here, read with a ticket's customer
//! (`views`, `reply_facts`).

use rusqlite::{Connection, params};

use super::StoreError;

/// One order to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder<'a> {
    pub number: &'a str,
    /// Lower-cased; joins the customer's addresses.
    pub customer_email: &'a str,
    pub customer_name: Option<&'a str>,
    /// placed | paid | shipped | delivered | returned | refunded | cancelled
    pub status: &'a str,
    pub total_cents: Option<i64>,
    pub currency: Option<&'a str>,
    pub placed_at: i64,
    pub shipped_at: Option<i64>,
    pub carrier: Option<&'a str>,
    pub tracking_number: Option<&'a str>,
    pub tracking_url: Option<&'a str>,
}

/// Stores `order` unless its number is known already (the stored one is kept). True when
/// it was new.
pub fn add(conn: &Connection, order: &NewOrder) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO orders (number, customer_email, customer_name, status,
                total_cents, currency, placed_at, shipped_at, carrier, tracking_number,
                tracking_url)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            order.number,
            order.customer_email,
            order.customer_name,
            order.status,
            order.total_cents,
            order.currency,
            order.placed_at,
            order.shipped_at,
            order.carrier,
            order.tracking_number,
            order.tracking_url,
        ])?;
    Ok(n > 0)
}

/// How many orders are stored.
pub fn count(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT count(*) FROM orders", [], |r| r.get(0))?)
}
