//! The service-level digest as an outgoing mail: from the account's address to `[sla]
//! digest_to`, on no ticket and with no ticket token (a reply to it must not open one),
//! marked `Auto-Submitted: auto-generated`, queued through the outbox under the period's
//! dedupe key so the period is mailed once whoever queues it. What goes in it is
//! `domain::digest`; when, `worker::digest`.

use rusqlite::Connection;

use super::MailoutError;
use crate::config::AccountConfig;
use crate::domain::Address;
use crate::domain::digest::Digest;
use crate::domain::outbox::ReplyKind;
use crate::domain::reply::ReplyPlan;
use crate::mail::compose::{Outgoing, compose, new_message_id};
use crate::store::now_unix;
use crate::store::outbox::{self, Enqueued, NewReply};

/// Who the digest is queued as.
const DIGEST_AGENT: &str = "shopdesk";

/// `digest:<period start, unix seconds>`: one digest per period.
pub fn key(period_start: i64) -> String {
    format!("digest:{period_start}")
}

/// Composes `digest` from `account` to `to` and queues it under `key`.
pub fn queue(
    conn: &Connection,
    account: &AccountConfig,
    shop_name: Option<&str>,
    to: &str,
    digest: &Digest,
    key: String,
) -> Result<Enqueued, MailoutError> {
    let from = Address::new(&account.email, shop_name);
    let plan = ReplyPlan {
        to: vec![Address::new(to, None)],
        cc: Vec::new(),
        subject: digest.subject.clone(),
        in_reply_to: None,
        references: Vec::new(),
    };
    // ticket 0: the Message-ID names no ticket
    let message_id = new_message_id(&account.email, 0);
    let kind = ReplyKind::Digest;
    let raw = compose(&Outgoing {
        from: from.clone(),
        plan: &plan,
        message_id: &message_id,
        body: &digest.body,
        html: None,
        attachments: &[],
        auto_submitted: kind.auto_submitted(),
        ticket_token: "",
    })?;
    Ok(outbox::enqueue(
        conn,
        &NewReply {
            account: account.name.clone(),
            ticket: None,
            answers: None,
            message_id,
            kind,
            envelope_from: from.email,
            recipients: vec![to.to_string()],
            subject: plan.subject,
            raw,
            status_after: None,
            agent: Some(DIGEST_AGENT.to_string()),
            dedupe_key: Some(key),
            not_before: now_unix(),
        },
    )?)
}
