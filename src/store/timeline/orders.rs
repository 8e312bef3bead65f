//! The order each ticket is about, for repeat contacts counted by order: the one an agent
//! linked it to last (`o` in the console), else the first number its newest mail naming
//! one names. Numbers, not known orders: two tickets about order 1003 are about the same
//! order whether or not the shop's export has reached us.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::domain::TicketId;
use crate::store::StoreError;

/// Every ticket that names an order, with its number.
pub fn ticket_orders(conn: &Connection) -> Result<HashMap<TicketId, String>, StoreError> {
    let mut out: HashMap<TicketId, String> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT m.ticket_id, mo.number FROM message_orders mo
           JOIN messages m ON m.id = mo.message
          WHERE m.ticket_id IS NOT NULL
          ORDER BY m.ticket_id, m.date DESC, m.id DESC, mo.position",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        // the first row of each ticket is its newest mail's first number
        out.entry(r.get(0)?).or_insert(r.get(1)?);
    }
    // The agent's choice stands over the mail; a link to no order leaves it to the mail.
    let mut links: HashMap<TicketId, Option<String>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT ticket_id, value FROM ticket_events WHERE kind = 'order_link' ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        links.insert(r.get(0)?, r.get(1)?);
    }
    for (ticket, number) in links {
        if let Some(number) = number {
            out.insert(ticket, number);
        }
    }
    Ok(out)
}
