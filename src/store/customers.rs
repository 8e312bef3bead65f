//! Customers and their addresses: found or made for a message's customer side, listed
//! for the demo shop's orders; a customer's history (tickets and orders), their note, and
//! customer merges, which are ticket changes (`CustomerMerged`) so they are logged and can
//! be undone (`unmerge`).

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::StoreError;
use super::columns::time;
use super::events::{apply, atomically};
use super::orders;
use crate::domain::views::{CustomerInfo, CustomerTicket};
use crate::domain::{EventSource, Origin, TicketChange, TicketId};

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

/// The customer owning `email` (compared lower-cased).
pub fn find(conn: &Connection, email: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT customer_id FROM customer_addresses WHERE email = ?1")?
        .query_row([email.trim().to_lowercase()], |r| r.get(0))
        .optional()?)
}

/// Everything known of the customer writing from `email`: the customer with all their
/// addresses, tickets and orders; or, for an address only orders know, those orders.
/// `None` when nothing knows the address.
pub fn history(conn: &Connection, email: &str) -> Result<Option<CustomerInfo>, StoreError> {
    let email = email.trim().to_lowercase();
    match find(conn, &email)? {
        Some(id) => Ok(Some(info(conn, id)?)),
        None => {
            let orders = orders::for_email(conn, &email)?;
            Ok((!orders.is_empty()).then(|| CustomerInfo {
                name: orders.iter().find_map(|o| o.customer_name.clone()),
                addresses: vec![email],
                orders,
                ..CustomerInfo::default()
            }))
        }
    }
}

/// Customer `id` with their addresses, every ticket (newest first) and the orders of
/// every address. The name falls back to one an order gives, the language to their newest
/// ticket's.
pub fn info(conn: &Connection, id: i64) -> Result<CustomerInfo, StoreError> {
    let (name, language, notes): (Option<String>, Option<String>, Option<String>) = conn
        .prepare_cached("SELECT name, language, notes FROM customers WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let addresses = addresses_of(conn, id)?;
    let tickets: Vec<CustomerTicket> = conn
        .prepare_cached(
            "SELECT id, status, subject, updated_at,
                    EXISTS (SELECT 1 FROM repeat_contacts r WHERE r.ticket_id = tickets.id),
                    (SELECT score FROM ticket_ratings WHERE ticket_id = tickets.id)
               FROM tickets WHERE customer_id = ?1 AND merged_into IS NULL
             ORDER BY updated_at DESC, id DESC",
        )?
        .query_map([id], |r| {
            Ok(CustomerTicket {
                id: r.get(0)?,
                status: r.get(1)?,
                subject: r.get(2)?,
                updated_at: time(r, 3)?,
                repeat: r.get(4)?,
                rating: r
                    .get::<_, Option<String>>(5)?
                    .and_then(|code| crate::domain::vote::Score::from_code(&code)),
            })
        })?
        .collect::<Result<_, _>>()?;
    let language = match language {
        Some(l) => Some(l),
        None => conn
            .prepare_cached(
                "SELECT language FROM tickets WHERE customer_id = ?1 AND language IS NOT NULL
                 ORDER BY updated_at DESC LIMIT 1",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?,
    };
    let mut all = Vec::new();
    for a in &addresses {
        all.extend(orders::for_email(conn, a)?);
    }
    all.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.number.cmp(&a.number))
    });
    let name = name.or_else(|| all.iter().find_map(|o| o.customer_name.clone()));
    Ok(CustomerInfo {
        name,
        addresses,
        language,
        notes,
        tickets,
        orders: all,
        ticket_order: None,
    })
}

/// Sets (or with `None`, clears) the note of the customer writing from `email`.
pub fn set_note(conn: &Connection, email: &str, note: Option<&str>) -> Result<(), StoreError> {
    let id = find(conn, email)?.ok_or_else(|| StoreError::NoCustomer(email.to_string()))?;
    conn.prepare_cached("UPDATE customers SET notes = ?2 WHERE id = ?1")?
        .execute(params![id, note])?;
    Ok(())
}

/// What a merge or an unmerge moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub from: i64,
    pub into: i64,
    pub addresses: Vec<String>,
    pub tickets: Vec<TicketId>,
}

/// Joins the customer writing from `other` into the one writing from `keep`: all of
/// `other`'s addresses and tickets become `keep`'s, one `CustomerMerged` change logged on
/// each moved ticket. `keep`'s name, language and note stay; `other`'s customer row is
/// left as it was, with no address, so that `unmerge` gives it back whole.
pub fn merge(
    conn: &Connection,
    keep: &str,
    other: &str,
    agent: &str,
    source: EventSource,
) -> Result<Moved, StoreError> {
    atomically(conn, |tx| {
        let known = |e: &str| find(tx, e)?.ok_or_else(|| StoreError::NoCustomer(e.to_string()));
        let (into, from) = (known(keep)?, known(other)?);
        if into == from {
            return Err(StoreError::CustomerMerge(format!(
                "{keep} and {other} are one customer already"
            )));
        }
        let moved = Moved {
            from,
            into,
            addresses: addresses_of(tx, from)?,
            tickets: tickets_of(tx, from)?,
        };
        if moved.tickets.is_empty() {
            return Err(StoreError::CustomerMerge(format!(
                "{other} has no tickets: nothing to merge"
            )));
        }
        let change = TicketChange::CustomerMerged {
            from,
            into,
            addresses: moved.addresses.clone(),
        };
        let origin = Origin::new(agent, source, Utc::now());
        for t in &moved.tickets {
            apply(tx, *t, std::slice::from_ref(&change), &origin)?;
        }
        Ok(moved)
    })
}

/// Undoes the newest merge that brought `other` to the customer of `keep`: the addresses
/// and tickets it moved go back (those still with the merged customer), one
/// `CustomerUnmerged` change logged on each.
pub fn unmerge(
    conn: &Connection,
    keep: &str,
    other: &str,
    agent: &str,
    source: EventSource,
) -> Result<Moved, StoreError> {
    atomically(conn, |tx| {
        let known = |e: &str| find(tx, e)?.ok_or_else(|| StoreError::NoCustomer(e.to_string()));
        let (current, of_other) = (known(keep)?, known(other)?);
        let not_merged =
            || StoreError::CustomerMerge(format!("{other} was not merged into {keep}'s customer"));
        if current != of_other {
            return Err(not_merged());
        }
        let other = other.trim().to_lowercase();
        let merges = merges_into(tx, current)?;
        let Some((from, addresses)) = merges
            .iter()
            .rev()
            .find(|m| m.addresses.contains(&other))
            .map(|m| (m.from, m.addresses.clone()))
        else {
            return Err(not_merged());
        };
        let mut tickets: Vec<TicketId> = Vec::new();
        for LoggedMerge {
            ticket, from: f, ..
        } in &merges
        {
            if *f == from && !tickets.contains(ticket) && customer_of(tx, *ticket)? == Some(current)
            {
                tickets.push(*ticket);
            }
        }
        let here = addresses_of(tx, current)?;
        let addresses: Vec<String> = addresses.into_iter().filter(|a| here.contains(a)).collect();
        let change = TicketChange::CustomerUnmerged {
            from: current,
            into: from,
            addresses: addresses.clone(),
        };
        let origin = Origin::new(agent, source, Utc::now());
        for t in &tickets {
            apply(tx, *t, std::slice::from_ref(&change), &origin)?;
        }
        Ok(Moved {
            from: current,
            into: from,
            addresses,
            tickets,
        })
    })
}

/// A `CustomerMerged` change as logged on one ticket.
struct LoggedMerge {
    ticket: TicketId,
    from: i64,
    addresses: Vec<String>,
}

/// Every logged merge into customer `into`, oldest first.
fn merges_into(conn: &Connection, into: i64) -> Result<Vec<LoggedMerge>, StoreError> {
    let rows: Vec<(TicketId, String)> = conn
        .prepare_cached(
            "SELECT ticket_id, payload FROM ticket_events
              WHERE kind = 'customer_merge' AND value = ?1 AND payload IS NOT NULL ORDER BY id",
        )?
        .query_map([into.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (ticket, payload) in rows {
        if let TicketChange::CustomerMerged {
            from, addresses, ..
        } = serde_json::from_str(&payload)?
        {
            out.push(LoggedMerge {
                ticket,
                from,
                addresses,
            });
        }
    }
    Ok(out)
}

fn addresses_of(conn: &Connection, customer: i64) -> Result<Vec<String>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT email FROM customer_addresses WHERE customer_id = ?1 ORDER BY email",
        )?
        .query_map([customer], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

fn tickets_of(conn: &Connection, customer: i64) -> Result<Vec<TicketId>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT id FROM tickets WHERE customer_id = ?1 ORDER BY id")?
        .query_map([customer], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

fn customer_of(conn: &Connection, ticket: TicketId) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT customer_id FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| r.get(0))
        .optional()?
        .flatten())
}

#[cfg(test)]
mod tests;
