//! The read models: a ticket's summary, its messages, a customer's history, as the store
//! hands them to the CLI and the console. Plain typed data (statuses, directions, times),
//! no formatting: the CLI shapes its JSON from these, the console draws them.

use chrono::{DateTime, Utc};

use super::order::Order;
use super::threading::Placed;
use super::{Address, AttachmentMeta, Direction, Priority, Status, TicketId};

/// Who a ticket or a message is from, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerRef {
    pub email: Option<String>,
    pub name: Option<String>,
}

impl CustomerRef {
    /// The name if there is one, else the address, else empty: the list's "who" column.
    pub fn label(&self) -> &str {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketSummary {
    pub id: TicketId,
    pub account: String,
    pub subject: String,
    pub status: Status,
    pub customer: CustomerRef,
    pub owner: Option<String>,
    pub tags: Vec<String>,
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub message_count: i64,
    pub priority: Priority,
    /// Marked a repeat contact (`is:repeat`), as the marks stood when read.
    pub repeat: bool,
}

impl TicketSummary {
    /// Seconds until the service-level due time (negative once breached), for a ticket
    /// that still waits on us; `None` when nothing is due.
    pub fn due_in(&self, now: i64) -> Option<i64> {
        let due = self.due_at?;
        self.status
            .is_active()
            .then(|| due.timestamp().saturating_sub(now))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageView {
    pub id: i64,
    pub ticket_id: Option<TicketId>,
    pub message_id: String,
    pub direction: Direction,
    pub from: CustomerRef,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub date: DateTime<Utc>,
    pub subject: String,
    pub text: String,
    /// Byte ranges of `text` quoting earlier mail.
    pub quotes: Vec<(usize, usize)>,
    pub attachments: Vec<AttachmentMeta>,
    /// Why it is on its ticket: the rule, what it matched, threading's doubts.
    pub placed: Placed,
    pub warnings: Vec<String>,
    pub language: Option<String>,
}

/// A ticket with all its messages, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketDetail {
    pub ticket: TicketSummary,
    pub messages: Vec<MessageView>,
}

/// One of a customer's tickets, in their history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerTicket {
    pub id: TicketId,
    pub status: Status,
    pub subject: String,
    pub updated_at: DateTime<Utc>,
    /// Marked a repeat contact (`is:repeat`).
    pub repeat: bool,
    /// The customer's vote on the ticket, if they voted.
    pub rating: Option<crate::domain::vote::Score>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerInfo {
    pub name: Option<String>,
    pub addresses: Vec<String>,
    pub language: Option<String>,
    pub notes: Option<String>,
    /// Newest first, the open ticket included.
    pub tickets: Vec<CustomerTicket>,
    /// Newest first, from every address of theirs.
    pub orders: Vec<Order>,
    /// The number of the order the open ticket is about (one of `orders`), if any.
    pub ticket_order: Option<String>,
}

impl CustomerInfo {
    /// The ticket's order first, then the others newest first: the customer pane's order.
    pub fn orders_ticket_first(&self) -> impl Iterator<Item = &Order> {
        let first = self.ticket_order_ref();
        first.into_iter().chain(
            self.orders
                .iter()
                .filter(move |o| Some(o.number.as_str()) != first.map(|f| f.number.as_str())),
        )
    }

    pub fn ticket_order_ref(&self) -> Option<&Order> {
        let n = self.ticket_order.as_deref()?;
        self.orders.iter().find(|o| o.number == n)
    }

    /// The order after the ticket's one, round the customer's orders (newest first): what
    /// the "next order" key links the ticket to. `None` when there is no other to pick.
    pub fn next_order(&self) -> Option<&str> {
        let pos = self
            .ticket_order
            .as_deref()
            .and_then(|n| self.orders.iter().position(|o| o.number == n));
        let next = match pos {
            Some(i) => (i + 1) % self.orders.len(),
            None => 0,
        };
        self.orders
            .get(next)
            .map(|o| o.number.as_str())
            .filter(|n| Some(*n) != self.ticket_order.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_time_counts_only_while_the_ticket_waits_on_us() {
        let now = 1_000_000;
        let at = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0);
        let ticket = |status, due_at| TicketSummary {
            id: 1,
            account: "shop".into(),
            subject: String::new(),
            status,
            customer: CustomerRef::default(),
            owner: None,
            tags: Vec::new(),
            language: None,
            created_at: DateTime::default(),
            updated_at: DateTime::default(),
            first_response_at: None,
            due_at,
            message_count: 1,
            priority: Priority::Normal,
            repeat: false,
        };
        #[rustfmt::skip]
        let cases = [
            (Status::New, at(now + 60), Some(60)),
            (Status::Open, at(now - 60), Some(-60)),
            (Status::Pending, at(now + 60), None),
            (Status::Solved, at(now - 60), None),
            (Status::Open, None, None),
        ];
        for (status, due, want) in cases {
            assert_eq!(ticket(status, due).due_in(now), want, "{status} {due:?}");
        }
    }

    #[test]
    fn label_prefers_the_name() {
        let r = |email: Option<&str>, name: Option<&str>| CustomerRef {
            email: email.map(str::to_string),
            name: name.map(str::to_string),
        };
        assert_eq!(r(Some("a@x"), Some("Anna")).label(), "Anna");
        assert_eq!(r(Some("a@x"), None).label(), "a@x");
        assert_eq!(r(None, None).label(), "");
    }
}
