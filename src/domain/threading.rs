//! Threading: which ticket a message belongs to. A pure function over the message's facts
//! and a lookup of what is already known; the store implements the lookup.
//!
//! Rule order: a message already known by its Message-ID → our subject token `[TAG #id]`
//! → the message a mail system's report is about → In-Reply-To/References → same customer
//! and normalised subject within a window (never for a report) → new.
//! Each placement says what it matched (`why`), so an agent can see why a message is where
//! it is.

mod why;

use chrono::{DateTime, Duration, Utc};

use super::message::{MailReport, PlacedBy};
use super::order_mention::OrderFinder;
use super::subject::{find_token, is_generic, normalize_subject, normalize_subject_for, token};
use super::ticket::TicketId;
pub use why::{Matched, Placed};

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
    /// The account's order numbers: a subject's `[SD-1002]` names the order, so it stays
    /// in the subject compared.
    pub orders: &'a OrderFinder,
    /// Set for a mail system's report (a bounce, a read receipt).
    pub report: Option<&'a MailReport>,
}

/// What threading needs to know about an existing ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketFacts {
    /// The ticket the number resolves to: itself, or the ticket it was merged into, so an
    /// old token still threads.
    pub id: TicketId,
    /// Every address of the ticket's customer, and any address that wrote on the ticket.
    pub addresses: Vec<String>,
}

/// Read access to what is already threaded.
pub trait ThreadLookup {
    fn ticket(&self, id: TicketId) -> Option<TicketFacts>;
    /// The message with this id and its ticket; where several messages share it (a reused
    /// Message-ID), the one on `correspondent`'s ticket first.
    fn find_message(&self, message_id: &str, correspondent: &str) -> Option<KnownMessage>;
    /// The recent tickets of this customer (any of its addresses) whose stored normalised
    /// subject equals `normalized_subject` and that had mail at or after `since`, most
    /// recent first.
    fn recent_tickets_by_subject(
        &self,
        customer: &str,
        normalized_subject: &str,
        since: DateTime<Utc>,
    ) -> Vec<SubjectTicket>;
}

/// A ticket found by its normalised subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectTicket {
    pub id: TicketId,
    /// Its subject as written.
    pub subject: String,
}

/// A message threading already knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownMessage {
    pub ticket: TicketId,
    /// Its row; `None` for our reply that only the outbox knows yet.
    pub row: Option<i64>,
}

/// Where a message goes, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    Existing {
        ticket: TicketId,
        by: PlacedBy,
        matched: Matched,
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

    /// The record kept with the message: rule, what matched, and `warnings` (threading's
    /// own, plus any the caller adds, such as a reused Message-ID).
    pub fn placed(&self, mut warnings: Vec<String>) -> Placed {
        match self {
            Placement::Existing {
                by,
                matched,
                warning,
                ..
            } => {
                warnings.extend(warning.iter().cloned());
                Placed {
                    by: *by,
                    matched: Some(matched.clone()),
                    warnings,
                }
            }
            Placement::New => Placed {
                by: PlacedBy::New,
                matched: None,
                warnings,
            },
        }
    }
}

/// Default window for subject threading.
pub fn default_subject_window() -> Duration {
    Duration::days(30)
}

/// Places one message. Rules in order, first hit wins:
/// 1. its own Message-ID is already known (a copy in a second folder, our own reply
///    whose id the outbox recorded) → that ticket;
/// 2. our `[TAG #id]` token for a ticket that exists → that ticket (or, for a merged
///    ticket, the one it was merged into); from a sender the
///    ticket has never seen, and without headers pointing at the same ticket, the
///    placement carries a warning (tokens are easy to copy, e.g. into a phishing mail);
/// 3. a mail system's report (a bounce, a read receipt) → the ticket of the message it
///    reports on; then In-Reply-To, then References newest first → the ticket of the first
///    known id;
/// 4. same customer, same normalised subject (not a generic one), within `window` → the
///    most recent such ticket; never for a report, whose subject is the mail system's
///    ("Undelivered Mail Returned to Sender"), the same for every bounce;
/// 5. otherwise a new ticket.
pub fn place(input: &ThreadInput, lookup: &impl ThreadLookup, window: Duration) -> Placement {
    if let Some(m) = input.message_id
        && let Some(known) = lookup.find_message(m, input.customer)
    {
        return Placement::Existing {
            ticket: known.ticket,
            by: PlacedBy::References,
            matched: Matched::SameMessageId {
                message_id: m.to_string(),
                message: known.row,
            },
            warning: None,
        };
    }
    let reported = || {
        let id = input.report?.original.as_deref()?;
        Some((id, lookup.find_message(id, input.customer)?))
    };
    let by_headers = || {
        input
            .in_reply_to
            .iter()
            .chain(input.references.iter().rev())
            .find_map(|id| Some((id.as_str(), lookup.find_message(id, input.customer)?)))
    };
    if let Some(number) = find_token(input.subject, input.tag)
        && let Some(facts) = lookup.ticket(number)
    {
        let id = facts.id;
        let known_sender = input.outgoing
            || input.from.is_empty()
            || facts
                .addresses
                .iter()
                .any(|a| a.eq_ignore_ascii_case(input.from));
        let warning = if known_sender
            || reported()
                .or_else(by_headers)
                .is_some_and(|(_, m)| m.ticket == id)
        {
            None
        } else {
            Some(format!(
                "subject token {} from {}, who has not written on this ticket before",
                token(input.tag, number),
                input.from
            ))
        };
        return Placement::Existing {
            ticket: id,
            by: PlacedBy::Token,
            matched: Matched::Token {
                token: token(input.tag, number),
                number,
            },
            warning,
        };
    }
    if let Some((message_id, known)) = reported() {
        return Placement::Existing {
            ticket: known.ticket,
            by: PlacedBy::References,
            matched: Matched::Reports {
                message_id: message_id.to_string(),
                message: known.row,
            },
            warning: None,
        };
    }
    if let Some((message_id, known)) = by_headers() {
        return Placement::Existing {
            ticket: known.ticket,
            by: PlacedBy::References,
            matched: Matched::Answers {
                message_id: message_id.to_string(),
                message: known.row,
            },
            warning: None,
        };
    }
    let norm = normalize_subject_for(input.subject, input.orders);
    if input.report.is_none()
        && !input.customer.is_empty()
        && !is_generic(&norm)
        && let Some(t) = by_subject(input, &norm, lookup, input.date - window)
    {
        return Placement::Existing {
            ticket: t,
            by: PlacedBy::Subject,
            matched: Matched::Subject {
                ticket: t,
                subject: norm,
                customer: input.customer.to_string(),
            },
            warning: None,
        };
    }
    Placement::New
}

/// The customer's most recent ticket with this normalised subject. A ticket stored before
/// the account's order numbers were kept has its subject normalised without them
/// (`[SD-1002] Where…` stored as `where…`): it is this conversation only if its own
/// subject, normalised as now, is this one, so another order's ticket never answers.
fn by_subject(
    input: &ThreadInput,
    norm: &str,
    lookup: &impl ThreadLookup,
    since: DateTime<Utc>,
) -> Option<TicketId> {
    if let Some(t) = lookup
        .recent_tickets_by_subject(input.customer, norm, since)
        .first()
    {
        return Some(t.id);
    }
    let stored_before = normalize_subject(input.subject);
    if stored_before == norm {
        return None;
    }
    lookup
        .recent_tickets_by_subject(input.customer, &stored_before, since)
        .into_iter()
        .find(|t| normalize_subject_for(&t.subject, input.orders) == norm)
        .map(|t| t.id)
}

#[cfg(test)]
mod tests;
