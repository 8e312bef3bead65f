//! Template variables for one ticket, read from the store.

use rusqlite::{Connection, OptionalExtension};

use super::MailoutError;
use crate::config::{AccountConfig, Config};
use crate::domain::TicketId;
use crate::domain::subject::token;
use crate::templates::{CustomerVars, OrderVars, RenderContext, ShopVars, TicketVars};

pub fn render_context(
    conn: &Connection,
    config: &Config,
    account: &AccountConfig,
    ticket: TicketId,
    agent: &str,
) -> Result<RenderContext, MailoutError> {
    let (subject, customer_id): (String, Option<i64>) = conn
        .prepare_cached("SELECT subject, customer_id FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (name, email): (Option<String>, String) = match customer_id {
        Some(c) => conn
            .prepare_cached(
                "SELECT c.name, (SELECT min(email) FROM customer_addresses WHERE customer_id = c.id)
                   FROM customers c WHERE c.id = ?1",
            )?
            .query_row([c], |r| Ok((r.get(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default())))?,
        None => (None, String::new()),
    };
    Ok(RenderContext {
        customer: CustomerVars::new(name.as_deref(), &email),
        ticket: TicketVars {
            id: ticket,
            subject: crate::domain::subject::strip_prefixes(&subject).to_string(),
            token: token(&account.ticket_tag, ticket),
        },
        agent: agent.to_string(),
        shop: ShopVars {
            name: config
                .shop
                .name
                .clone()
                .unwrap_or_else(|| account.name.clone()),
            email: account.email.clone(),
            signature: account.signature.clone(),
            return_address: config.shop.return_address.clone(),
        },
        order: order_for(conn, ticket, customer_id)?,
        reply_by: None,
    })
}

/// The order a ticket is about: one whose number appears in the ticket's mail, else the
/// customer's most recent.
fn order_for(
    conn: &Connection,
    ticket: TicketId,
    customer: Option<i64>,
) -> Result<Option<OrderVars>, MailoutError> {
    let Some(customer) = customer else {
        return Ok(None);
    };
    let row = conn
        .prepare_cached(
            "SELECT o.number, o.status, o.carrier, o.tracking_number, o.tracking_url, o.shipped_at
               FROM orders o JOIN customer_addresses a ON a.email = o.customer_email
              WHERE a.customer_id = ?1
              ORDER BY EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = ?2
                                 AND (instr(m.text, o.number) > 0 OR instr(m.subject, o.number) > 0)) DESC,
                       o.placed_at DESC
              LIMIT 1",
        )?
        .query_row(rusqlite::params![customer, ticket], |r| {
            let shipped: Option<i64> = r.get(5)?;
            Ok(OrderVars {
                number: r.get(0)?,
                status: r.get(1)?,
                carrier: r.get(2)?,
                tracking_number: r.get(3)?,
                tracking_url: r.get(4)?,
                shipped_date: shipped
                    .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                    .map(|d| d.format("%Y-%m-%d").to_string()),
            })
        })
        .optional()?;
    Ok(row)
}
