//! One templated reply per ticket for many tickets at once, shared by `bulk-reply` and the
//! console's bulk reply: which tickets get the mail and why the others are skipped, and
//! queuing with a dedupe key per template and customer message, so a reply either of them
//! sent is never sent again by the other.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::{Body, MailoutError, PreparedReply, ReplyRequest, bulk_key, prepare, queue};
use crate::config::Config;
use crate::domain::outbox::pace_offset_secs;
use crate::domain::{Status, TicketId};
use crate::store::outbox::{self, Enqueued};
use crate::store::{StoreError, corrections};
use crate::templates::Templates;

/// Why a ticket gets no reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The customer's last message was answered with this template already.
    AlreadySent(String),
    /// Nothing from the customer to answer (a ticket we started, or only notes).
    NoCustomerMessage,
    /// No address to write to.
    NoAddress(String),
    /// The template or the ticket cannot make a mail: the reason in words.
    Failed(String),
    /// Merged into this ticket (after the list or the preview was made): its messages are
    /// there, and so is the reply to them.
    Merged(TicketId),
}

impl Skip {
    /// The reason in full, per ticket (what `bulk-reply` prints).
    pub fn reason(&self) -> String {
        match self {
            Skip::AlreadySent(t) => format!("already answered with '{t}'"),
            Skip::NoCustomerMessage => "no customer message to answer".into(),
            Skip::NoAddress(why) | Skip::Failed(why) => why.clone(),
            Skip::Merged(into) => format!("merged into #{into}"),
        }
    }

    /// The reason as a group's name, for a summary ("2 skipped (already sent this
    /// template)").
    pub fn group(&self) -> String {
        match self {
            Skip::AlreadySent(_) => "already sent this template".into(),
            Skip::NoCustomerMessage => "no customer message".into(),
            Skip::NoAddress(_) => "no customer address".into(),
            Skip::Failed(why) => why.clone(),
            Skip::Merged(_) => "merged since".into(),
        }
    }
}

/// Replies ready to queue, with their dedupe keys, and the tickets skipped.
#[derive(Debug, Default)]
pub struct BulkReplies {
    pub ready: Vec<(PreparedReply, String)>,
    pub skipped: BTreeMap<TicketId, Skip>,
}

/// Renders `template` for each ticket and sorts them into ready and skipped. Nothing is
/// written. A ticket merged into another is skipped as such (its number answers for the
/// other, which may not be among the tickets meant).
pub fn plan(
    conn: &Connection,
    config: &Config,
    templates: &Templates,
    tickets: &[TicketId],
    template: &str,
    status_after: Option<Status>,
    agent: &str,
) -> Result<BulkReplies, MailoutError> {
    let mut out = BulkReplies::default();
    for &ticket in tickets {
        match corrections::survivor(conn, ticket) {
            Ok(into) if into != ticket => {
                out.skipped.insert(ticket, Skip::Merged(into));
                continue;
            }
            // a ticket gone is said by `prepare`, as before
            Ok(_) | Err(StoreError::NoTicket(_)) => {}
            Err(e) => {
                out.skipped.insert(ticket, Skip::Failed(e.to_string()));
                continue;
            }
        }
        let req = ReplyRequest {
            status_after,
            ..ReplyRequest::new(ticket, Body::Template(template.to_string()), agent)
        };
        let p = match prepare(conn, config, templates, &req) {
            Ok(p) => p,
            Err(e @ MailoutError::NoRecipient(_)) => {
                out.skipped.insert(ticket, Skip::NoAddress(e.to_string()));
                continue;
            }
            Err(e) => {
                out.skipped.insert(ticket, Skip::Failed(e.to_string()));
                continue;
            }
        };
        let Some(key) = p
            .answers_message_id
            .as_deref()
            .map(|m| bulk_key(template, m))
        else {
            out.skipped.insert(ticket, Skip::NoCustomerMessage);
            continue;
        };
        if outbox::dedupe_key_used(conn, &key)? {
            out.skipped
                .insert(ticket, Skip::AlreadySent(template.to_string()));
        } else {
            out.ready.push((p, key));
        }
    }
    Ok(out)
}

/// Queues the ready replies, `delay` seconds from now and then paced at `rate` per minute
/// when given (the pace is each row's `not_before`, so whichever sender delivers them
/// keeps it). A reply whose key another run used meanwhile moves to the skipped. All or
/// none: a reply that cannot be queued leaves none of the batch behind to go out. Returns
/// the outbox rows queued.
pub fn queue_all(
    conn: &Connection,
    replies: &mut BulkReplies,
    template: &str,
    delay: u64,
    rate: Option<u32>,
    agent: &str,
) -> Result<Vec<i64>, MailoutError> {
    let tx = conn
        .is_autocommit()
        .then(|| conn.unchecked_transaction())
        .transpose()
        .map_err(StoreError::from)?;
    let mut rows = Vec::new();
    for (p, key) in &replies.ready {
        let pace = rate.map_or(0, |r| pace_offset_secs(rows.len(), r)) as u64;
        match queue(conn, p, delay + pace, agent, Some(key.clone()))? {
            Enqueued::Queued(id) => rows.push(id),
            Enqueued::Duplicate(_) => {
                replies
                    .skipped
                    .insert(p.ticket, Skip::AlreadySent(template.to_string()));
            }
        }
    }
    if let Some(tx) = tx {
        tx.commit().map_err(StoreError::from)?;
    }
    Ok(rows)
}
