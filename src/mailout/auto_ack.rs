//! Acknowledging each new ticket: a template (default `ack`) in the customer's language
//! stating when we will answer, sent only where RFC 3834 allows and at most a few times
//! per sender in three hours, and never for mail that was already in the mailbox when
//! shopdesk first synced it. Marked `Auto-Submitted: auto-replied`.

use rusqlite::Connection;

use super::{Body, MailoutError, ReplyRequest, prepare, queue};
use crate::config::{AccountConfig, Config};
use crate::domain::autoreply::{RATE_LIMIT, RATE_WINDOW_SECS, refuse_reason};
use crate::domain::outbox::ReplyKind;
use crate::domain::sla::{add_business_time, reply_by_text};
use crate::domain::{Direction, TicketId};
use crate::store::outbox::{self, Enqueued};
use crate::store::{mailboxes, now_unix, reply_facts};
use crate::templates::Templates;

/// Mail older than this when first seen is history, not a question waiting for an answer.
const MAX_AGE_SECS: i64 = 6 * 3600;

#[derive(Debug, Default)]
pub struct AckOutcome {
    pub queued: Vec<i64>,
    pub skipped: Vec<(TicketId, String)>,
}

pub fn acknowledge(
    conn: &Connection,
    config: &Config,
    templates: &Templates,
    account: &AccountConfig,
    mailbox: &str,
    new_tickets: &[TicketId],
) -> Result<AckOutcome, MailoutError> {
    let mut out = AckOutcome::default();
    if !account.auto_ack.enabled || mailbox == account.sent_folder.name() || new_tickets.is_empty()
    {
        return Ok(out);
    }
    let now = now_unix();
    for &ticket in new_tickets {
        match consider(conn, account, ticket, now)? {
            Err(reason) => out.skipped.push((ticket, reason)),
            Ok(due) => {
                let language = reply_facts::ticket(conn, ticket)?.and_then(|t| t.language);
                let req = ReplyRequest {
                    kind: ReplyKind::AutoAck,
                    reply_by: Some(reply_by_text(due, &account.sla.hours, language.as_deref())),
                    ..ReplyRequest::new(
                        ticket,
                        Body::Template(account.auto_ack.template.clone()),
                        "shopdesk",
                    )
                };
                match prepare(conn, config, templates, &req) {
                    Ok(p) => {
                        let key = format!("ack:{}:{ticket}", account.name);
                        if let Enqueued::Queued(id) = queue(conn, &p, 0, "shopdesk", Some(key))? {
                            out.queued.push(id);
                        }
                    }
                    Err(e) => out.skipped.push((ticket, e.to_string())),
                }
            }
        }
    }
    Ok(out)
}

/// The due time to promise, or why this ticket gets no acknowledgement.
fn consider(
    conn: &Connection,
    account: &AccountConfig,
    ticket: TicketId,
    now: i64,
) -> Result<Result<chrono::DateTime<chrono::Utc>, String>, MailoutError> {
    let Some(reply_facts::Opening {
        message,
        direction,
        from,
        auto,
        date,
        due_at: due,
    }) = reply_facts::opening(conn, ticket)?
    else {
        return Ok(Err("no message".into()));
    };
    if direction != Direction::In {
        return Ok(Err("started by the shop".into()));
    }
    // Held as a fact in the store, not as "this run is the first": a first sync killed and
    // resumed must not answer the backlog.
    if mailboxes::predates_first_contact(conn, message)? {
        return Ok(Err("already in the mailbox when it was first synced".into()));
    }
    if now - date.timestamp() > MAX_AGE_SECS {
        return Ok(Err("older than six hours when it arrived here".into()));
    }
    if let Some(reason) = refuse_reason(&auto, &from, &|e| account.is_own_address(e)) {
        return Ok(Err(reason));
    }
    if outbox::auto_replies_to(conn, &from, now - RATE_WINDOW_SECS)? >= RATE_LIMIT {
        return Ok(Err(format!(
            "{from} already got {RATE_LIMIT} automatic replies in three hours"
        )));
    }
    let due = due.unwrap_or_else(|| {
        add_business_time(
            chrono::Utc::now(),
            account.sla.first_response,
            &account.sla.hours,
        )
    });
    Ok(Ok(due))
}
