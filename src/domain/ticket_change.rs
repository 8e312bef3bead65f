//! Every change to a ticket as a value: what happened (`TicketChange`), where it came from
//! (`EventSource`) and who did it. Rules decide changes (`domain::decide` for mail); the
//! store applies them and appends each one to `ticket_events`, whose JSON payload is this
//! type's serde form. That log is what service levels, KPIs and team mode read, and what a
//! replay rebuilds tickets from, so a payload, once written, must stay readable: variants
//! and fields may be added, never renamed.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::message::{Direction, PlacedBy};
use super::ticket::{Priority, Status, TicketId};
use super::vote::Score;

/// Row id of a customer.
pub type CustomerId = i64;

/// A ticket as it begins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub account: String,
    /// Sanitised, as shown.
    pub subject: String,
    /// What subject threading compares (`subject::normalize_subject`).
    pub normalized_subject: String,
    pub status: Status,
    pub customer: Option<CustomerId>,
}

/// Why a status changed. Only an agent's choice counts as activity on the ticket (it moves
/// `updated_at`); the rules' own moves ride on the message that caused them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCause {
    /// Set by a person: the console, the CLI, the status chosen for after a reply.
    Agent,
    /// The customer wrote again (`Status::on_customer_reply`).
    CustomerReply,
    /// The shop answered, from shopdesk or any client (`Status::on_shop_reply`).
    ShopReply,
    /// A conversation found in a mailbox's history settled where it stands.
    History,
    /// A message of the shop's came back undelivered: the customer has no answer, and the
    /// ticket is the shop's again.
    Undelivered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TicketChange {
    /// The ticket begins (at the event's time).
    Created(NewTicket),
    /// A mail joined the ticket (at the event's time, the message's date). The message
    /// itself is stored apart; `message_id` names it in every copy of the database.
    MessageAdded {
        message_id: String,
        direction: Direction,
        placed_by: PlacedBy,
    },
    StatusSet {
        status: Status,
        cause: StatusCause,
    },
    /// `None` unassigns.
    Assigned {
        owner: Option<String>,
    },
    /// How urgent the ticket is, as an agent set it.
    PrioritySet {
        priority: Priority,
    },
    Tagged {
        tag: String,
    },
    Untagged {
        tag: String,
    },
    /// An internal note, carried whole so another copy of the database can file it.
    Noted {
        message_id: String,
        author: String,
        text: String,
    },
    /// The shop's first answer.
    FirstResponse {
        at: DateTime<Utc>,
    },
    /// The service-level due time; `None` clears it (answered, or settled history).
    DueSet {
        due: Option<DateTime<Utc>>,
    },
    /// The language the customer writes in, from their first message that shows one.
    LanguageSet {
        language: String,
    },
    /// The ticket belongs to this customer (not yet produced: for corrections by hand).
    CustomerLinked {
        customer: CustomerId,
    },
    /// The ticket's customer also writes from this address (a reply threaded by headers
    /// from a second address).
    AddressLearned {
        email: String,
    },
    /// This ticket was merged into `into`: its messages (`message_ids`, notes included)
    /// moved there, `into` gained the tags it lacked (`tags`), and this ticket's number
    /// answers for `into` from now on. `undo`: the merge takes back a split.
    Merged {
        into: TicketId,
        #[serde(default)]
        message_ids: Vec<String>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default, skip_serializing_if = "is_false")]
        undo: bool,
    },
    /// These messages left for ticket `into` (a move, a split). `undo`: they went back.
    Split {
        message_ids: Vec<String>,
        into: TicketId,
        #[serde(default, skip_serializing_if = "is_false")]
        undo: bool,
    },
    /// A merge into `from` taken back: the messages and the tags it brought return, and
    /// this ticket's number is its own again.
    Unmerged {
        from: TicketId,
        message_ids: Vec<String>,
        tags: Vec<String>,
    },
    /// Customer `from` joined `into` (`customer merge`): these addresses, and the ticket
    /// the change is logged on, now belong to `into`. Logged on each of `from`'s tickets.
    CustomerMerged {
        from: CustomerId,
        into: CustomerId,
        #[serde(default)]
        addresses: Vec<String>,
    },
    /// A customer merge undone (`customer unmerge`): the addresses and the ticket go back
    /// from the merged customer (`from`) to the one they came from (`into`).
    CustomerUnmerged {
        from: CustomerId,
        into: CustomerId,
        addresses: Vec<String>,
    },
    /// The agent chose which order the ticket is about; `None` leaves it to the mail.
    OrderLinked {
        number: Option<String>,
    },
    /// The customer answered the satisfaction survey (at the event's time, the vote mail's
    /// date). One rating per ticket: a later one replaces it. `message_id` names the vote
    /// mail, which is stored on no ticket (it is no conversation).
    Rated {
        score: Score,
        #[serde(default)]
        comment: Option<String>,
        message_id: String,
    },
}

impl TicketChange {
    /// The `kind` column of `ticket_events`: a short name, the same as the payload's tag.
    /// Rows written before payloads existed use status, owner, tag, untag, note, merge.
    pub fn kind(&self) -> &'static str {
        match self {
            TicketChange::Created(_) => "created",
            TicketChange::MessageAdded { .. } => "message",
            TicketChange::StatusSet { .. } => "status",
            TicketChange::Assigned { .. } => "owner",
            TicketChange::PrioritySet { .. } => "priority",
            TicketChange::Tagged { .. } => "tag",
            TicketChange::Untagged { .. } => "untag",
            TicketChange::Noted { .. } => "note",
            TicketChange::FirstResponse { .. } => "first_response",
            TicketChange::DueSet { .. } => "due",
            TicketChange::LanguageSet { .. } => "language",
            TicketChange::CustomerLinked { .. } => "customer",
            TicketChange::AddressLearned { .. } => "address",
            TicketChange::Merged { .. } => "merge",
            TicketChange::Split { .. } => "split",
            TicketChange::Unmerged { .. } => "unmerge",
            TicketChange::CustomerMerged { .. } => "customer_merge",
            TicketChange::CustomerUnmerged { .. } => "customer_unmerge",
            TicketChange::OrderLinked { .. } => "order_link",
            TicketChange::Rated { .. } => "rating",
        }
    }

    /// The `value` column: the one value a reader of the old log looked for.
    pub fn value(&self) -> Option<String> {
        match self {
            TicketChange::Created(t) => Some(t.status.as_str().to_string()),
            TicketChange::MessageAdded { message_id, .. } => Some(message_id.clone()),
            TicketChange::StatusSet { status, .. } => Some(status.as_str().to_string()),
            TicketChange::Assigned { owner } => owner.clone(),
            TicketChange::PrioritySet { priority } => Some(priority.as_str().to_string()),
            TicketChange::Tagged { tag } | TicketChange::Untagged { tag } => Some(tag.clone()),
            TicketChange::Noted { text, .. } => Some(text.clone()),
            TicketChange::FirstResponse { at } => Some(at.to_rfc3339()),
            TicketChange::DueSet { due } => due.map(|d| d.to_rfc3339()),
            TicketChange::LanguageSet { language } => Some(language.clone()),
            TicketChange::CustomerLinked { customer } => Some(customer.to_string()),
            TicketChange::AddressLearned { email } => Some(email.clone()),
            TicketChange::Merged { into, .. } | TicketChange::Split { into, .. } => {
                Some(into.to_string())
            }
            TicketChange::CustomerMerged { into, .. }
            | TicketChange::CustomerUnmerged { into, .. } => Some(into.to_string()),
            TicketChange::OrderLinked { number } => number.clone(),
            TicketChange::Unmerged { from, .. } => Some(from.to_string()),
            TicketChange::Rated { score, .. } => Some(score.code()),
        }
    }

    /// A threading correction (merge, split, move, or the undo of one): what `undo` walks.
    pub fn is_correction(&self) -> bool {
        matches!(
            self,
            TicketChange::Merged { .. }
                | TicketChange::Split { .. }
                | TicketChange::Unmerged { .. }
        )
    }

    /// A correction that takes back an earlier one.
    pub fn is_undo(&self) -> bool {
        match self {
            TicketChange::Merged { undo, .. } | TicketChange::Split { undo, .. } => *undo,
            TicketChange::Unmerged { .. } => true,
            _ => false,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Where a change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSource {
    /// Mail synced from a mailbox (or stored by an import).
    Sync,
    /// A mailbox's history settling on its first sync.
    History,
    /// A reply delivered by the send worker.
    Send,
    /// An agent in the console.
    Console,
    /// An agent on the command line (or a script).
    Cli,
    /// Automatic mail: acknowledgements, bulk replies' tags.
    Mailout,
    /// The generated demo shop.
    Demo,
}

impl EventSource {
    pub const ALL: [EventSource; 7] = [
        EventSource::Sync,
        EventSource::History,
        EventSource::Send,
        EventSource::Console,
        EventSource::Cli,
        EventSource::Mailout,
        EventSource::Demo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventSource::Sync => "sync",
            EventSource::History => "history",
            EventSource::Send => "send",
            EventSource::Console => "console",
            EventSource::Cli => "cli",
            EventSource::Mailout => "mailout",
            EventSource::Demo => "demo",
        }
    }

    pub fn parse(s: &str) -> Option<EventSource> {
        EventSource::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl fmt::Display for EventSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a set of changes, from where, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The agent's name, or `"sync"` for what the rules did on their own.
    pub who: String,
    pub source: EventSource,
    pub at: DateTime<Utc>,
}

impl Origin {
    pub fn new(who: &str, source: EventSource, at: DateTime<Utc>) -> Origin {
        Origin {
            who: who.to_string(),
            source,
            at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap_or_default()
    }

    /// The payloads are a contract with other copies of the database: pinned here.
    #[test]
    fn payloads_are_stable_json() {
        #[rustfmt::skip]
        let cases = [
            (TicketChange::StatusSet { status: Status::Pending, cause: StatusCause::Agent },
             r#"{"kind":"status_set","status":"pending","cause":"agent"}"#),
            (TicketChange::Assigned { owner: None }, r#"{"kind":"assigned","owner":null}"#),
            (
                TicketChange::PrioritySet {
                    priority: Priority::Urgent,
                },
                r#"{"kind":"priority_set","priority":"urgent"}"#,
            ),
            (TicketChange::Tagged { tag: "wismo".into() }, r#"{"kind":"tagged","tag":"wismo"}"#),
            (TicketChange::DueSet { due: Some(ts(1_800_000_000)) },
             r#"{"kind":"due_set","due":"2027-01-15T08:00:00Z"}"#),
            (TicketChange::MessageAdded { message_id: "a@b".into(), direction: Direction::In,
                                          placed_by: PlacedBy::References },
             r#"{"kind":"message_added","message_id":"a@b","direction":"in","placed_by":"references"}"#),
            (TicketChange::Merged { into: 4, message_ids: vec!["a@b".into()],
                                    tags: vec!["vip".into()], undo: false },
             r#"{"kind":"merged","into":4,"message_ids":["a@b"],"tags":["vip"]}"#),
            (TicketChange::Split { message_ids: vec!["a@b".into()], into: 4, undo: true },
             r#"{"kind":"split","message_ids":["a@b"],"into":4,"undo":true}"#),
            (TicketChange::Unmerged { from: 4, message_ids: vec![], tags: vec![] },
             r#"{"kind":"unmerged","from":4,"message_ids":[],"tags":[]}"#),
            (TicketChange::Created(NewTicket { account: "shop".into(), subject: "Hi".into(),
                                               normalized_subject: "hi".into(),
                                               status: Status::New, customer: Some(3) }),
             r#"{"kind":"created","account":"shop","subject":"Hi","normalized_subject":"hi","status":"new","customer":3}"#),
            (TicketChange::CustomerMerged { from: 4, into: 2, addresses: vec!["b@x".into()] },
             r#"{"kind":"customer_merged","from":4,"into":2,"addresses":["b@x"]}"#),
            (TicketChange::CustomerUnmerged { from: 2, into: 4, addresses: vec!["b@x".into()] },
             r#"{"kind":"customer_unmerged","from":2,"into":4,"addresses":["b@x"]}"#),
            (TicketChange::OrderLinked { number: Some("1001".into()) },
             r#"{"kind":"order_linked","number":"1001"}"#),
            (TicketChange::Rated { score: Score::Nps(7), comment: Some("Fast".into()),
                                   message_id: "v@c".into() },
             r#"{"kind":"rated","score":"n7","comment":"Fast","message_id":"v@c"}"#),
        ];
        for (change, json) in cases {
            assert_eq!(serde_json::to_string(&change).expect("ser"), json);
            let back: TicketChange = serde_json::from_str(json).expect("de");
            assert_eq!(back, change);
        }
    }

    #[test]
    fn sources_round_trip() {
        for s in EventSource::ALL {
            assert_eq!(EventSource::parse(s.as_str()), Some(s));
        }
        assert_eq!(EventSource::parse("carrier pigeon"), None);
    }
}
