//! Replies from intent to outbox row: pick the message answered, render the body (a
//! template in the customer's language, or text), plan recipients and threading headers,
//! compose the bytes with a final Message-ID, and queue them. The send worker
//! (`worker::send`) delivers.

pub mod auto_ack;
mod context;

use std::path::PathBuf;

use rusqlite::{Connection, OptionalExtension};

use crate::config::{AccountConfig, Config};
use crate::domain::outbox::ReplyKind;
use crate::domain::reply::{Original, assemble_body, plan_reply, quote};
use crate::domain::subject::token;
use crate::domain::{Address, Status, TicketId};
use crate::mail::compose::{ComposeError, Outgoing, compose, new_message_id};
use crate::store::outbox::{self, Enqueued, NewReply};
use crate::store::{StoreError, now_unix, ticket_ops};
use crate::templates::{TemplateError, Templates};

pub use context::render_context;

#[derive(Debug, thiserror::Error)]
pub enum MailoutError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Compose(#[from] ComposeError),
    #[error("ticket #{0} has no customer address to reply to")]
    NoRecipient(TicketId),
    #[error("ticket #{ticket} belongs to account '{account}', which is not configured")]
    NoAccount { ticket: TicketId, account: String },
    #[error("the reply is empty")]
    EmptyBody,
}

impl From<rusqlite::Error> for MailoutError {
    fn from(e: rusqlite::Error) -> Self {
        MailoutError::Store(StoreError::Sqlite(e))
    }
}

#[derive(Debug, Clone)]
pub enum Body {
    Template(String),
    Text(String),
}

#[derive(Debug, Clone)]
pub struct ReplyRequest {
    pub ticket: TicketId,
    pub body: Body,
    /// Overrides the template's status.
    pub status_after: Option<Status>,
    pub attachments: Vec<PathBuf>,
    pub quote: bool,
    pub agent: String,
    pub kind: ReplyKind,
    /// For acknowledgements: the promised answer time.
    pub reply_by: Option<String>,
}

/// A rendered, composed reply, not yet queued.
#[derive(Debug, Clone)]
pub struct PreparedReply {
    pub account: String,
    pub ticket: TicketId,
    pub answers: Option<i64>,
    /// The customer message answered, by Message-ID (for idempotency keys).
    pub answers_message_id: Option<String>,
    pub message_id: String,
    pub from: Address,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub subject: String,
    pub body: String,
    pub raw: Vec<u8>,
    pub status_after: Option<Status>,
    pub tags: Vec<String>,
    pub template: Option<String>,
    pub language: Option<String>,
    pub kind: ReplyKind,
}

/// The message a reply answers: the newest from the customer, else the newest at all.
pub(crate) struct Answered {
    pub id: i64,
    pub message_id: String,
    pub direction: String,
    pub from: Option<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub references: Vec<String>,
    pub subject: String,
    pub date: i64,
    pub text: String,
}

pub(crate) fn answered(
    conn: &Connection,
    ticket: TicketId,
) -> Result<Option<Answered>, MailoutError> {
    let json = |s: String| -> Vec<Address> { serde_json::from_str(&s).unwrap_or_default() };
    let row = conn
        .prepare_cached(
            "SELECT id, message_id, direction, from_email, from_name, reply_to_json, to_json,
                    cc_json, references_json, subject, date, text
               FROM messages WHERE ticket_id = ?1 AND direction != 'note'
              ORDER BY direction = 'in' DESC, date DESC, id DESC LIMIT 1",
        )?
        .query_row([ticket], |r| {
            let from_email: Option<String> = r.get(3)?;
            let from_name: Option<String> = r.get(4)?;
            let refs: String = r.get(8)?;
            Ok(Answered {
                id: r.get(0)?,
                message_id: r.get(1)?,
                direction: r.get(2)?,
                from: from_email.map(|e| Address::new(&e, from_name.as_deref())),
                reply_to: json(r.get(5)?),
                to: json(r.get(6)?),
                cc: json(r.get(7)?),
                references: serde_json::from_str(&refs).unwrap_or_default(),
                subject: r.get(9)?,
                date: r.get(10)?,
                text: r.get(11)?,
            })
        })
        .optional()?;
    Ok(row)
}

fn account_of<'a>(
    conn: &Connection,
    config: &'a Config,
    ticket: TicketId,
) -> Result<&'a AccountConfig, MailoutError> {
    let name: String = conn
        .prepare_cached("SELECT account FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NoTicket(ticket))?;
    config.account(&name).ok_or(MailoutError::NoAccount {
        ticket,
        account: name,
    })
}

/// Renders and composes a reply to ticket `req.ticket`.
pub fn prepare(
    conn: &Connection,
    config: &Config,
    templates: &Templates,
    req: &ReplyRequest,
) -> Result<PreparedReply, MailoutError> {
    let account = account_of(conn, config, req.ticket)?;
    let original = answered(conn, req.ticket)?.ok_or(MailoutError::NoRecipient(req.ticket))?;
    let own = |e: &str| account.is_own_address(e);
    // Our own last message (a ticket we started): answer to its recipients.
    let outgoing_original = original.direction != "in";
    let from_for_plan = if outgoing_original {
        original.to.iter().find(|a| !own(&a.email)).cloned()
    } else {
        original.from.clone()
    };
    let date = chrono::DateTime::from_timestamp(original.date, 0);
    let o = Original {
        message_id: &original.message_id,
        references: &original.references,
        from: from_for_plan.as_ref(),
        reply_to: if outgoing_original {
            &[]
        } else {
            &original.reply_to
        },
        to: &original.to,
        cc: &original.cc,
        subject: &original.subject,
        date,
        text: &original.text,
    };
    let mut plan = plan_reply(&o, &own, &account.ticket_tag, req.ticket);
    if plan.to.is_empty() {
        return Err(MailoutError::NoRecipient(req.ticket));
    }
    let language: Option<String> = conn
        .prepare_cached("SELECT language FROM tickets WHERE id = ?1")?
        .query_row([req.ticket], |r| r.get(0))?;
    let (text, template, tags, template_status) = match &req.body {
        Body::Template(name) => {
            let mut ctx = render_context(conn, config, account, req.ticket, &req.agent)?;
            ctx.reply_by = req.reply_by.clone();
            let r = templates.render(name, language.as_deref(), &ctx)?;
            if let Some(s) = r.subject.clone() {
                plan.subject = format!("{} {s}", token(&account.ticket_tag, req.ticket));
            }
            (r.body, Some(r.template), r.tags, r.status)
        }
        Body::Text(t) => (t.clone(), None, Vec::new(), None),
    };
    if text.trim().is_empty() {
        return Err(MailoutError::EmptyBody);
    }
    let quoted = req.quote.then(|| quote(&o));
    let body = assemble_body(&text, account.signature.as_deref(), quoted.as_deref());
    let message_id = new_message_id(&account.email, req.ticket);
    let from = Address::new(&account.email, config.shop.name.as_deref());
    let html = account
        .html_replies
        .then(|| crate::mail::compose::markdown_html(&body));
    let raw = compose(&Outgoing {
        from: from.clone(),
        plan: &plan,
        message_id: &message_id,
        body: &body,
        html: html.as_deref(),
        attachments: &req.attachments,
        auto_submitted: req.kind == ReplyKind::AutoAck,
        ticket_token: &token(&account.ticket_tag, req.ticket),
    })?;
    Ok(PreparedReply {
        account: account.name.clone(),
        ticket: req.ticket,
        answers: (!outgoing_original).then_some(original.id),
        answers_message_id: (!outgoing_original).then_some(original.message_id.clone()),
        message_id,
        from,
        to: plan.to,
        cc: plan.cc,
        subject: plan.subject,
        body,
        raw,
        status_after: req.status_after.or(template_status),
        tags,
        template,
        language,
        kind: req.kind,
    })
}

/// Queues a prepared reply (and applies the template's tags). `undo_secs` delays delivery.
pub fn queue(
    conn: &Connection,
    p: &PreparedReply,
    undo_secs: u64,
    agent: &str,
    dedupe_key: Option<String>,
) -> Result<Enqueued, MailoutError> {
    let recipients: Vec<String> =
        p.to.iter()
            .chain(p.cc.iter())
            .map(|a| a.email.clone())
            .collect();
    let result = outbox::enqueue(
        conn,
        &NewReply {
            account: p.account.clone(),
            ticket: Some(p.ticket),
            answers: p.answers,
            message_id: p.message_id.clone(),
            kind: p.kind,
            envelope_from: p.from.email.clone(),
            recipients,
            subject: p.subject.clone(),
            raw: p.raw.clone(),
            status_after: p.status_after,
            agent: Some(agent.to_string()),
            dedupe_key,
            not_before: now_unix() + undo_secs as i64,
        },
    )?;
    if matches!(result, Enqueued::Queued(_)) && !p.tags.is_empty() {
        ticket_ops::tag(conn, p.ticket, &p.tags, &[], agent)?;
    }
    Ok(result)
}

/// `bulk:TEMPLATE:MESSAGE-ID`: one answer per template per customer message.
pub fn bulk_key(template: &str, answers_message_id: &str) -> String {
    format!("bulk:{template}:{answers_message_id}")
}

/// A template rendered for a ticket, without signature or quote: what the console's
/// composer starts from.
pub fn render_template(
    conn: &Connection,
    config: &Config,
    templates: &Templates,
    ticket: TicketId,
    name: &str,
    agent: &str,
) -> Result<crate::templates::Rendered, MailoutError> {
    let account = account_of(conn, config, ticket)?;
    let ctx = render_context(conn, config, account, ticket, agent)?;
    let language: Option<String> = conn
        .prepare_cached("SELECT language FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| r.get(0))?;
    Ok(templates.render(name, language.as_deref(), &ctx)?)
}
