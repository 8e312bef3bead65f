//! Template variables for one ticket, read from the store.

use rusqlite::Connection;

use super::MailoutError;
use crate::config::{AccountConfig, Config};
use crate::domain::TicketId;
use crate::domain::subject::token;
use crate::store::{StoreError, reply_facts};
use crate::templates::{CustomerVars, OrderVars, RenderContext, ShopVars, TicketVars};

pub fn render_context(
    conn: &Connection,
    config: &Config,
    account: &AccountConfig,
    ticket: TicketId,
    agent: &str,
) -> Result<RenderContext, MailoutError> {
    let facts = reply_facts::ticket(conn, ticket)?.ok_or(StoreError::NoTicket(ticket))?;
    let (subject, customer_id) = (facts.subject, facts.customer_id);
    let (name, email) = match customer_id {
        Some(c) => reply_facts::customer_contact(conn, c)?,
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

/// The order a ticket is about (see `reply_facts::order_for`), as a template prints it.
fn order_for(
    conn: &Connection,
    ticket: TicketId,
    customer: Option<i64>,
) -> Result<Option<OrderVars>, MailoutError> {
    let Some(customer) = customer else {
        return Ok(None);
    };
    Ok(reply_facts::order_for(conn, ticket, customer)?
        .as_ref()
        .map(OrderVars::from_order))
}
