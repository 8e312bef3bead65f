//! Threading: which ticket a message belongs to. A pure function over the message's facts
//! and a lookup of what is already known; the store implements the lookup.
//!
//! Rule order: a message already known by its Message-ID → our subject token `[TAG #id]`
//! → In-Reply-To/References → same customer and normalised subject within a window → new.

use chrono::{DateTime, Duration, Utc};

use super::message::PlacedBy;
use super::ticket::TicketId;

/// The facts of one message that threading looks at.
#[derive(Debug, Clone)]
pub struct ThreadInput<'a> {
    /// The account's ticket tag, as in `[SHOP #123]`.
    pub tag: &'a str,
    pub message_id: Option<&'a str>,
    pub in_reply_to: &'a [String],
    pub references: &'a [String],
    pub subject: &'a str,
    /// Lower-cased sender address.
    pub from: &'a str,
    /// Lower-cased address of the customer side: the sender of incoming mail, the first
    /// recipient of outgoing mail.
    pub customer: &'a str,
    pub outgoing: bool,
    pub date: DateTime<Utc>,
}

/// What threading needs to know about an existing ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    /// Every address of the ticket's customer, and any address that wrote on the ticket.
    pub addresses: Vec<String>,
}

/// Read access to what is already threaded.
pub trait ThreadLookup {
    fn ticket(&self, id: TicketId) -> Option<TicketFacts>;
    fn ticket_of_message_id(&self, message_id: &str) -> Option<TicketId>;
    /// The most recent ticket of this customer (any of its addresses) whose normalised
    /// subject equals `normalized_subject` and that had mail at or after `since`.
    fn recent_ticket_by_subject(
        &self,
        customer: &str,
        normalized_subject: &str,
        since: DateTime<Utc>,
    ) -> Option<TicketId>;
}

/// Where a message goes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    Existing {
        ticket: TicketId,
        by: PlacedBy,
        /// Set when the placement deserves a second look, e.g. a token from a stranger.
        warning: Option<String>,
    },
    New,
}

impl Placement {
    pub fn placed_by(&self) -> PlacedBy {
        match self {
            Placement::Existing { by, .. } => *by,
            Placement::New => PlacedBy::New,
        }
    }
}

/// Default window for subject threading.
pub fn default_subject_window() -> Duration {
    Duration::days(30)
}

// Minimal placeholder, replaced by the full table-tested version.
pub fn place(input: &ThreadInput, lookup: &impl ThreadLookup, window: Duration) -> Placement {
    if let Some(t) = input
        .message_id
        .and_then(|m| lookup.ticket_of_message_id(m))
    {
        return Placement::Existing {
            ticket: t,
            by: PlacedBy::References,
            warning: None,
        };
    }
    if let Some(id) = super::subject::find_token(input.subject, input.tag) {
        if lookup.ticket(id).is_some() {
            return Placement::Existing {
                ticket: id,
                by: PlacedBy::Token,
                warning: None,
            };
        }
    }
    for r in input
        .in_reply_to
        .iter()
        .chain(input.references.iter().rev())
    {
        if let Some(t) = lookup.ticket_of_message_id(r) {
            return Placement::Existing {
                ticket: t,
                by: PlacedBy::References,
                warning: None,
            };
        }
    }
    let norm = super::subject::normalize_subject(input.subject);
    if !norm.is_empty() {
        if let Some(t) = lookup.recent_ticket_by_subject(input.customer, &norm, input.date - window)
        {
            return Placement::Existing {
                ticket: t,
                by: PlacedBy::Subject,
                warning: None,
            };
        }
    }
    Placement::New
}
