//! What a mail does to its ticket, decided from plain facts: which side wrote it, whether a
//! ticket begins and in which status, reopening on a customer's reply, the shop's answer
//! moving a ticket to pending, the first response, the service-level due time, a second
//! address of the customer, and where a mailbox's history settles. The store gathers the
//! facts, calls these, and applies the changes they return.
//!
//! Mail does not arrive in the order it was written: a first sync stores INBOX before
//! Sent, and a customer's message can be delayed. So a message moves the status and the
//! service-level clock only as it would have, had everything arrived in the order of its
//! Date: a customer's message older than an answer on the ticket was answered already and
//! moves nothing; an answer older than the customer's newest message answered what came
//! before it, so the clock runs from the first message after it. A Date counts whole
//! seconds, coarser than a quick exchange: at equal times the message arriving now is
//! the newer.

use chrono::{DateTime, Duration, Utc};

use super::message::{Address, Direction, PlacedBy};
use super::order_mention::OrderFinder;
use super::sanitize::sanitize_line;
use super::sla::{BusinessHours, add_business_time};
use super::subject::normalize_subject_for;
use super::ticket::Status;
use super::ticket_change::{CustomerId, NewTicket, StatusCause, TicketChange};

/// Who is who on a mail: its direction, and the customer's side of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sides<'a> {
    pub direction: Direction,
    /// The sender of incoming mail; the first recipient outside the shop of outgoing mail.
    pub customer: Option<&'a Address>,
}

/// Mail from one of the shop's own addresses is outgoing, whichever client sent it.
pub fn sides<'a>(
    from: Option<&'a Address>,
    to: &'a [Address],
    is_own: &dyn Fn(&str) -> bool,
) -> Sides<'a> {
    match from {
        Some(f) if is_own(&f.email) => Sides {
            direction: Direction::Out,
            customer: to.iter().find(|a| !is_own(&a.email)),
        },
        _ => Sides {
            direction: Direction::In,
            customer: from,
        },
    }
}

/// The facts of one mail that the ticket rules look at.
#[derive(Debug, Clone)]
pub struct MailFacts<'a> {
    pub message_id: &'a str,
    pub direction: Direction,
    pub placed_by: PlacedBy,
    /// Threaded onto an existing ticket without a warning: the headers or token are the
    /// sender's own, not copied by a stranger, and the sender is no mail system reporting
    /// on the ticket's mail.
    pub trusted: bool,
    pub date: DateTime<Utc>,
    /// Lower-cased sender address ("" when there is none).
    pub from: &'a str,
    /// Sent by a program (RFC 3834): an acknowledgement of ours is not an answer.
    pub auto_submitted: bool,
    /// The language of the customer's own words, when detected.
    pub language: Option<&'a str>,
    /// Mail that was in the mailbox before its first sync: it starts no clock.
    pub history: bool,
    /// A mail system's report about another message (a bounce, a delay notice, a read
    /// receipt): filed on the ticket, it is no one's word and moves nothing, except that
    /// a bounce (`undelivered`) gives a waiting ticket back to the shop.
    pub report: bool,
    pub undelivered: bool,
}

/// What the store knows about the ticket a mail goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketFacts<'a> {
    /// No ticket yet: the mail begins one.
    New {
        account: &'a str,
        subject: &'a str,
        customer: Option<CustomerId>,
    },
    Existing(TicketNow),
}

/// The parts of an existing ticket the rules read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketNow {
    pub status: Status,
    pub language: Option<String>,
    pub due: Option<DateTime<Utc>>,
    pub first_response: Option<DateTime<Utc>>,
    pub has_customer: bool,
    /// The sender's address already belongs to a customer (this one or another).
    pub from_known: bool,
    /// When the ticket's mail so far was written.
    pub written: Written,
}

/// When a ticket's mail was written: by its Date, never later than it reached us (a
/// sender's clock set ahead must not make a message the newest for good).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// The customer's messages.
    pub customer: Vec<DateTime<Utc>>,
    /// The shop's answers (its automatic mail is none).
    pub answers: Vec<DateTime<Utc>>,
    /// The shop's first message of any kind, the first to carry our token.
    pub first_out: Option<DateTime<Utc>>,
    /// The newest of the messages the mail being decided names (In-Reply-To, References).
    pub named: Option<DateTime<Utc>>,
}

impl Written {
    /// An answer written after `at`: a customer's message of `at` was answered.
    fn answered_since(&self, at: DateTime<Utc>) -> bool {
        self.answers.iter().any(|a| *a > at)
    }

    /// The customer's first message written after `at`: what an answer of `at` left
    /// waiting.
    fn customer_after(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.customer.iter().filter(|c| **c > at).min().copied()
    }

    /// When `mail` was written, for ordering: its Date, but no earlier than what it
    /// answers. A sender's clock set behind must not make an answer to our reply older
    /// than the reply: it names it, or carries the token only our mail gave it.
    fn when(&self, mail: &MailFacts) -> DateTime<Utc> {
        let token = (mail.direction == Direction::In && mail.placed_by == PlacedBy::Token)
            .then_some(self.first_out)
            .flatten();
        [self.named, token]
            .into_iter()
            .flatten()
            .fold(mail.date, DateTime::max)
    }
}

/// An account's rules for mail.
#[derive(Debug, Clone, Copy)]
pub struct MailRules<'a> {
    /// First-response target in business time; `None`: tickets get no due time.
    pub first_response: Option<(Duration, &'a BusinessHours)>,
    /// The status an active ticket takes when the shop answers; `None` leaves it.
    pub shop_reply_status: Option<Status>,
    /// The account's order numbers, which a new ticket's normalised subject keeps.
    pub orders: &'a OrderFinder,
}

/// The tag a bounce puts on its ticket.
pub const BOUNCED_TAG: &str = "bounced";

/// The changes one new mail makes to its ticket, in the order they apply.
pub fn decide(mail: &MailFacts, ticket: &TicketFacts, rules: &MailRules) -> Vec<TicketChange> {
    let mut out = Vec::new();
    let now = match ticket {
        TicketFacts::New {
            account,
            subject,
            customer,
        } => {
            // A conversation the shop started waits on the customer.
            let status = match mail.direction {
                Direction::In => Status::New,
                Direction::Out | Direction::Note => Status::Pending,
            };
            out.push(TicketChange::Created(NewTicket {
                account: account.to_string(),
                subject: sanitize_line(subject),
                normalized_subject: normalize_subject_for(subject, rules.orders),
                status,
                customer: *customer,
            }));
            TicketNow {
                status,
                language: None,
                due: None,
                first_response: None,
                has_customer: customer.is_some(),
                from_known: true,
                written: Written::default(),
            }
        }
        TicketFacts::Existing(now) => now.clone(),
    };
    let is_new = matches!(ticket, TicketFacts::New { .. });
    let when = now.written.when(mail);
    out.push(TicketChange::MessageAdded {
        message_id: mail.message_id.to_string(),
        direction: mail.direction,
        placed_by: mail.placed_by,
    });
    if mail.report {
        let next = now.status.on_customer_reply();
        if mail.undelivered && !is_new && next != now.status {
            out.push(TicketChange::StatusSet {
                status: next,
                cause: StatusCause::Undelivered,
            });
        }
        // found with `tag:bounced`; an agent removes the tag once the address is mended
        if mail.undelivered {
            out.push(TicketChange::Tagged {
                tag: BOUNCED_TAG.to_string(),
            });
        }
        return out;
    }
    match mail.direction {
        Direction::In => {
            // answered already: recorded, but it reopens nothing and starts no clock
            let late = now.written.answered_since(when);
            let next = now.status.on_customer_reply();
            if !is_new && !late && next != now.status {
                out.push(TicketChange::StatusSet {
                    status: next,
                    cause: StatusCause::CustomerReply,
                });
            }
            if let (None, Some(language)) = (&now.language, mail.language) {
                out.push(TicketChange::LanguageSet {
                    language: language.to_string(),
                });
            }
            // The clock runs from the oldest message still waiting: this one, unless one
            // that waits longer started it already.
            if !late
                && !mail.history
                && let Some((work, hours)) = rules.first_response
            {
                let due = add_business_time(when, work, hours);
                if now.due.is_none_or(|d| due < d) {
                    out.push(TicketChange::DueSet { due: Some(due) });
                }
            }
            // A customer writing from a second address, threaded by headers: remember it
            // (not a stranger who merely copied a ticket token).
            if !is_new
                && mail.trusted
                && !mail.from.is_empty()
                && now.has_customer
                && !now.from_known
            {
                out.push(TicketChange::AddressLearned {
                    email: mail.from.to_string(),
                });
            }
        }
        Direction::Out | Direction::Note => {
            if mail.auto_submitted {
                return out;
            }
            if now.first_response.is_none_or(|f| when < f) {
                out.push(TicketChange::FirstResponse { at: when });
            }
            match now.written.customer_after(when) {
                None => out.extend(answer(&now, is_new, rules)),
                Some(waiting) => out.extend(late_answer(&now, waiting, rules)),
            }
        }
    }
    out
}

/// What the shop's newest answer does: the clock stops, and what waited on us now waits
/// on the customer.
fn answer(now: &TicketNow, is_new: bool, rules: &MailRules) -> Vec<TicketChange> {
    let mut out = Vec::new();
    if now.due.is_some() {
        out.push(TicketChange::DueSet { due: None });
    }
    if let Some(to) = rules.shop_reply_status.filter(|_| !is_new) {
        let next = now.status.on_shop_reply(to);
        if next != now.status {
            out.push(TicketChange::StatusSet {
                status: next,
                cause: StatusCause::ShopReply,
            });
        }
    }
    out
}

/// What an answer does that arrived after the customer's next message (`waiting`, the
/// first written after it): that message waits, so the clock runs from it; and a ticket
/// that is still new was answered, so it stands where the answer and then the customer's
/// message would have put it (open).
fn late_answer(now: &TicketNow, waiting: DateTime<Utc>, rules: &MailRules) -> Vec<TicketChange> {
    let mut out = Vec::new();
    if now.due.is_some() {
        let due = rules
            .first_response
            .map(|(work, hours)| add_business_time(waiting, work, hours));
        if due != now.due {
            out.push(TicketChange::DueSet { due });
        }
    }
    if let Some(to) = rules.shop_reply_status
        && now.status == Status::New
    {
        let next = now.status.on_shop_reply(to).on_customer_reply();
        if next != now.status {
            out.push(TicketChange::StatusSet {
                status: next,
                cause: StatusCause::ShopReply,
            });
        }
    }
    out
}

/// Where a conversation from a mailbox's history settles (`Status::settled`), as changes:
/// none when it already stands there.
pub fn settle(
    status: Status,
    due: Option<DateTime<Utc>>,
    last_in: Option<i64>,
    last_out: Option<i64>,
    now: i64,
    cutoff_secs: i64,
) -> Vec<TicketChange> {
    let settled = Status::settled(last_in, last_out, now, cutoff_secs);
    if settled == status {
        return Vec::new();
    }
    let mut out = vec![TicketChange::StatusSet {
        status: settled,
        cause: StatusCause::History,
    }];
    if due.is_some() {
        out.push(TicketChange::DueSet { due: None });
    }
    out
}

#[cfg(test)]
mod tests;
