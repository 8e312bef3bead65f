//! The ticket's order in the console: the key that switches it among the customer's
//! orders, and the template the composer offers first when that order can be tracked
//! (`wismo`: a where-is-my-order answer in three keys, `r` `Enter` `Ctrl-S`).

use super::composing::filtered_templates;
use super::{App, Effect};

/// The template offered first when the ticket's order has tracking.
pub const TRACKING_TEMPLATE: &str = "wismo";

impl App {
    /// The customer loaded for `ticket`, if it is the one on screen.
    fn customer_of(
        &self,
        ticket: crate::domain::TicketId,
    ) -> Option<&crate::domain::views::CustomerInfo> {
        (self.ticket.as_ref()?.ticket.id == ticket)
            .then_some(self.customer.as_ref())
            .flatten()
    }

    /// `wismo` when the composer's ticket is about an order with tracking and the template
    /// exists; else nothing is offered.
    pub fn offered_template(&self) -> Option<&str> {
        let ticket = self.composer.as_ref()?.ticket;
        let order = self.customer_of(ticket)?.ticket_order_ref()?;
        let tracked = order.tracking_url.is_some() || order.tracking_number.is_some();
        (tracked && self.templates.iter().any(|t| t == TRACKING_TEMPLATE))
            .then_some(TRACKING_TEMPLATE)
    }

    /// The templates the picker lists for `filter`: the offered one first, then the rest
    /// in their order.
    pub fn picker_templates(&self, filter: &str) -> Vec<&String> {
        let mut names = filtered_templates(&self.templates, filter);
        if let Some(offer) = self.offered_template()
            && let Some(i) = names.iter().position(|n| n.as_str() == offer)
        {
            let n = names.remove(i);
            names.insert(0, n);
        }
        names
    }
}

/// Links the ticket on screen to the customer's next order (newest first, round again).
pub fn next_order(app: &mut App) -> Vec<Effect> {
    let Some(ticket) = app.ticket.as_ref().map(|t| t.ticket.id) else {
        app.set_status_message("no ticket open", true);
        return Vec::new();
    };
    let Some(customer) = app.customer.as_mut() else {
        app.set_status_message("this ticket has no customer", true);
        return Vec::new();
    };
    let Some(next) = customer.next_order().map(str::to_string) else {
        app.set_status_message("the customer has no other order", false);
        return Vec::new();
    };
    customer.ticket_order = Some(next.clone());
    vec![Effect::LinkOrder(ticket, next)]
}
