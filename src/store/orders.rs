//! Orders: what shops' exports, platform notifications and lookups say, merged by number
//! (`domain::order::merge`), each change logged in `order_events`.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};

use super::StoreError;
use super::columns::{opt_time, time, unix_time};
use crate::domain::order::{
    MergeError, Merged, Order, OrderItem, OrderPatch, OrderSource, normalize_number,
};

/// What applying one patch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchOutcome {
    New,
    /// The number of fields that changed.
    Updated(usize),
    Unchanged,
    Rejected(MergeError),
}

#[derive(Serialize, Deserialize)]
struct StoredItem {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sku: Option<String>,
    #[serde(default = "one")]
    quantity: u32,
}

fn one() -> u32 {
    1
}

const COLUMNS: &str =
    "id, number, platform_id, customer_email, customer_name, status, financial_status,
    placed_at, total_cents, currency, items_json, carrier, tracking_number, tracking_url,
    shipped_at, delivered_at, source";

/// Row → (id, order). `items_json` is our own; a damaged one reads as no items rather
/// than hiding the order.
fn order_row(r: &Row) -> rusqlite::Result<(i64, Order)> {
    let items: String = r.get(10)?;
    let items: Vec<StoredItem> = serde_json::from_str(&items).unwrap_or_default();
    let source: String = r.get(16)?;
    Ok((
        r.get(0)?,
        Order {
            number: r.get(1)?,
            platform_id: r.get(2)?,
            email: r.get(3)?,
            customer_name: r.get(4)?,
            status: r.get(5)?,
            financial_status: r.get(6)?,
            created_at: time(r, 7)?,
            total_cents: r.get(8)?,
            currency: r.get(9)?,
            items: items
                .into_iter()
                .map(|i| OrderItem {
                    name: i.name,
                    sku: i.sku,
                    quantity: i.quantity,
                })
                .collect(),
            carrier: r.get(11)?,
            tracking_number: r.get(12)?,
            tracking_url: r.get(13)?,
            shipped_at: opt_time(r, 14)?,
            delivered_at: opt_time(r, 15)?,
            source: OrderSource::parse(&source).unwrap_or(OrderSource::Generic),
        },
    ))
}

/// The order a number names: the number customers see (with or without `#`), or the
/// platform's own id.
pub fn by_number(conn: &Connection, number: &str) -> Result<Option<Order>, StoreError> {
    Ok(find(conn, &normalize_number(number))?.map(|(_, o)| o))
}

fn find(conn: &Connection, number: &str) -> Result<Option<(i64, Order)>, StoreError> {
    let by_number = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM orders WHERE number = ?1"))?
        .query_row([number], order_row)
        .optional()?;
    if by_number.is_some() {
        return Ok(by_number);
    }
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM orders WHERE platform_id = ?1 ORDER BY id LIMIT 1"
        ))?
        .query_row([number], order_row)
        .optional()?)
}

/// A customer's orders, newest first.
pub fn for_email(conn: &Connection, email: &str) -> Result<Vec<Order>, StoreError> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM orders WHERE customer_email = ?1 ORDER BY placed_at DESC, id DESC"
        ))?
        .query_map([email.to_lowercase()], order_row)?
        .map(|r| r.map(|(_, o)| o))
        .collect::<Result<_, _>>()?)
}

fn items_json(items: &[OrderItem]) -> Result<String, StoreError> {
    let stored: Vec<StoredItem> = items
        .iter()
        .map(|i| StoredItem {
            name: i.name.clone(),
            sku: i.sku.clone(),
            quantity: i.quantity,
        })
        .collect();
    Ok(serde_json::to_string(&stored)?)
}

/// Stores `order` whole under its number, new or known (the number is what
/// `merge` kept), and returns its row id.
fn write(tx: &Transaction, order: &Order, source: OrderSource, at: i64) -> Result<i64, StoreError> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO orders (number, platform_id, customer_email, customer_name, status,
                financial_status, placed_at, total_cents, currency, items_json, carrier,
                tracking_number, tracking_url, shipped_at, delivered_at, source, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
             ON CONFLICT (number) DO UPDATE SET platform_id = excluded.platform_id,
                customer_email = excluded.customer_email, customer_name = excluded.customer_name,
                status = excluded.status, financial_status = excluded.financial_status,
                placed_at = excluded.placed_at, total_cents = excluded.total_cents,
                currency = excluded.currency, items_json = excluded.items_json,
                carrier = excluded.carrier, tracking_number = excluded.tracking_number,
                tracking_url = excluded.tracking_url, shipped_at = excluded.shipped_at,
                delivered_at = excluded.delivered_at, source = excluded.source,
                updated_at = excluded.updated_at
             RETURNING id",
        )?
        .query_row(
            params![
                order.number,
                order.platform_id,
                order.email,
                order.customer_name,
                order.status.as_str(),
                order.financial_status,
                order.created_at.timestamp(),
                order.total_cents,
                order.currency,
                items_json(&order.items)?,
                order.carrier,
                order.tracking_number,
                order.tracking_url,
                secs(order.shipped_at),
                secs(order.delivered_at),
                source.as_str(),
                at,
            ],
            |r| r.get(0),
        )?)
}

fn secs(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp())
}

/// Applies each patch in order inside `tx`: new orders are inserted, known ones updated
/// field by field, every change logged. `now` dates the log and undated new orders.
pub fn apply(
    tx: &Transaction,
    patches: &[OrderPatch],
    source: OrderSource,
    now: DateTime<Utc>,
) -> Result<Vec<PatchOutcome>, StoreError> {
    let mut outcomes = Vec::with_capacity(patches.len());
    let at = now.timestamp();
    for patch in patches {
        let known = find(tx, &patch.number)?;
        let merged =
            match crate::domain::order::merge(known.as_ref().map(|(_, o)| o), patch, source, now) {
                Ok(m) => m,
                Err(e) => {
                    outcomes.push(PatchOutcome::Rejected(e));
                    continue;
                }
            };
        match merged {
            Merged::Unchanged => outcomes.push(PatchOutcome::Unchanged),
            Merged::New(order) => {
                let id = write(tx, &order, source, at)?;
                log(tx, id, at, source, "created", None, None)?;
                outcomes.push(PatchOutcome::New);
            }
            Merged::Updated(order, changes) => {
                let id = write(tx, &order, source, at)?;
                for c in &changes {
                    log(
                        tx,
                        id,
                        at,
                        source,
                        c.field,
                        c.old.as_deref(),
                        c.new.as_deref(),
                    )?;
                }
                outcomes.push(PatchOutcome::Updated(changes.len()));
            }
        }
    }
    Ok(outcomes)
}

fn log(
    tx: &Transaction,
    order: i64,
    at: i64,
    source: OrderSource,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO order_events (order_id, at, source, field, old, new) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![order, at, source.as_str(), field, old, new])?;
    Ok(())
}

/// One logged change to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEvent {
    pub at: DateTime<Utc>,
    pub source: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What happened to an order, oldest first.
pub fn events(conn: &Connection, number: &str) -> Result<Vec<OrderEvent>, StoreError> {
    let Some((id, _)) = find(conn, &normalize_number(number))? else {
        return Ok(Vec::new());
    };
    Ok(conn
        .prepare_cached(
            "SELECT at, source, field, old, new FROM order_events WHERE order_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            Ok(OrderEvent {
                at: unix_time(r.get(0)?),
                source: r.get(1)?,
                field: r.get(2)?,
                old: r.get(3)?,
                new: r.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

/// The demo shop's orders: stored as given unless the number is known.
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

/// The last time the lookup command was asked about `key`, and the orders it answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub at: DateTime<Utc>,
    pub orders: Vec<Order>,
}

/// The lookup key for a number or an e-mail: numbers without `#`, addresses lower-cased.
pub fn lookup_key(query: &str) -> String {
    if query.contains('@') {
        query.trim().to_lowercase()
    } else {
        normalize_number(query)
    }
}

/// Records that the lookup command answered `key` with `numbers` at `at`.
pub fn record_lookup(
    conn: &Connection,
    key: &str,
    numbers: &[String],
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO order_lookups (key, at, numbers) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET at = excluded.at, numbers = excluded.numbers",
    )?
    .execute(params![
        key,
        at.timestamp(),
        serde_json::to_string(numbers)?
    ])?;
    Ok(())
}

/// The last lookup of `key`, with the orders it found as they are stored now.
pub fn last_lookup(conn: &Connection, key: &str) -> Result<Option<Lookup>, StoreError> {
    let row: Option<(i64, String)> = conn
        .prepare_cached("SELECT at, numbers FROM order_lookups WHERE key = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((at, numbers)) = row else {
        return Ok(None);
    };
    let numbers: Vec<String> = serde_json::from_str(&numbers)?;
    let mut orders = Vec::with_capacity(numbers.len());
    for n in numbers {
        if let Some(o) = by_number(conn, &n)? {
            orders.push(o);
        }
    }
    Ok(Some(Lookup {
        at: unix_time(at),
        orders,
    }))
}

#[cfg(test)]
mod tests;
