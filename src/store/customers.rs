//! Customers and their addresses: found or made for a message's customer side, listed
//! for the demo shop's orders.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::StoreError;

/// Finds the customer owning `email`, or creates one.
pub(crate) fn customer_for(
    tx: &Transaction,
    email: &str,
    name: Option<&str>,
    at: i64,
) -> Result<Option<i64>, StoreError> {
    if email.is_empty() {
        return Ok(None);
    }
    let found: Option<i64> = tx
        .prepare_cached("SELECT customer_id FROM customer_addresses WHERE email = ?1")?
        .query_row([email], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        if let Some(n) = name {
            tx.prepare_cached("UPDATE customers SET name = ?2 WHERE id = ?1 AND name IS NULL")?
                .execute(params![id, n])?;
        }
        return Ok(Some(id));
    }
    tx.prepare_cached("INSERT INTO customers (name, created_at) VALUES (?1, ?2)")?
        .execute(params![name, at])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO customer_addresses (email, customer_id) VALUES (?1, ?2)")?
        .execute(params![email, id])?;
    Ok(Some(id))
}

/// Every known customer address (lower-cased).
pub fn addresses(conn: &Connection) -> Result<Vec<String>, StoreError> {
    Ok(conn
        .prepare("SELECT email FROM customer_addresses ORDER BY email")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}
