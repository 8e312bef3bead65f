//! Replies from intent to outbox row: pick the message answered, render the body (a
//! template in the customer's language, or text), plan recipients and threading headers,
//! compose the bytes with a final Message-ID, and queue them. The send worker
//! (`worker::send`) delivers.

pub mod auto_ack;
pub mod bulk;
mod context;
pub mod digest;
pub mod survey;

use std::path::PathBuf;

use rusqlite::Connection;

use crate::config::{AccountConfig, Config};
use crate::domain::outbox::ReplyKind;
use crate::domain::reply::{Original, assemble_body, plan_reply, quote};
use crate::domain::subject::token;
use crate::domain::{Address, Direction, Status, TicketId};
use crate::mail::compose::{ComposeError, Outgoing, compose, new_message_id};
use crate::store::outbox::{self, Enqueued, NewReply};
use crate::store::{StoreError, now_unix, reply_facts, ticket_ops};
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
        MailoutError::Store(StoreError::from(e))
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

impl ReplyRequest {
    /// A plain reply by `agent`: no status change, attachments or quote; set those fields
    /// with struct update syntax (`ReplyRequest { quote: true, ..ReplyRequest::new(..) }`).
    pub fn new(ticket: TicketId, body: Body, agent: &str) -> ReplyRequest {
        ReplyRequest {
            ticket,
            body,
            status_after: None,
            attachments: Vec::new(),
            quote: false,
            agent: agent.to_string(),
            kind: ReplyKind::Reply,
            reply_by: None,
        }
    }
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
    /// The body carries the satisfaction survey's links.
    pub survey: bool,
    pub tags: Vec<String>,
    pub template: Option<String>,
    pub language: Option<String>,
    pub kind: ReplyKind,
}

/// The ticket and the configured account it belongs to.
fn ticket_and_account<'a>(
    conn: &Connection,
    config: &'a Config,
    ticket: TicketId,
) -> Result<(reply_facts::ReplyTicket, &'a AccountConfig), MailoutError> {
    let facts = reply_facts::ticket(conn, ticket)?.ok_or(StoreError::NoTicket(ticket))?;
    let account = config
        .account(&facts.account)
        .ok_or_else(|| MailoutError::NoAccount {
            ticket,
            account: facts.account.clone(),
        })?;
    Ok((facts, account))
}

/// Renders and composes a reply to ticket `req.ticket`.
pub fn prepare(
    conn: &Connection,
    config: &Config,
    templates: &Templates,
    req: &ReplyRequest,
) -> Result<PreparedReply, MailoutError> {
    let (facts, account) = ticket_and_account(conn, config, req.ticket)?;
    let original =
        reply_facts::answered(conn, req.ticket)?.ok_or(MailoutError::NoRecipient(req.ticket))?;
    let own = |e: &str| account.is_own_address(e);
    // Our own last message (a ticket we started): answer to its recipients.
    let outgoing_original = original.direction != Direction::In;
    let from_for_plan = if outgoing_original {
        original.to.iter().find(|a| !own(&a.email)).cloned()
    } else {
        original.from.clone()
    };
    let date = Some(original.date);
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
    let language = facts.language.clone();
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
    // a survey mail is the survey alone
    if text.trim().is_empty() && req.kind != ReplyKind::Survey {
        return Err(MailoutError::EmptyBody);
    }
    let status_after = req.status_after.or(template_status);
    let survey = match req.kind {
        ReplyKind::Reply => survey::for_reply(
            conn,
            config,
            account,
            req.ticket,
            &plan,
            status_after,
            language.as_deref(),
        )?,
        ReplyKind::Survey => Some(survey::text(
            conn,
            config,
            account,
            req.ticket,
            &plan,
            language.as_deref(),
        )?),
        ReplyKind::AutoAck | ReplyKind::Digest => None,
    };
    let text = match &survey {
        Some(links) if text.trim().is_empty() => links.clone(),
        Some(links) => format!("{}\n\n{links}", text.trim_end()),
        None => text,
    };
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
        auto_submitted: req.kind.auto_submitted(),
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
        status_after,
        survey: survey.is_some(),
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
    if matches!(result, Enqueued::Queued(_)) && p.survey {
        crate::store::ratings::mark_asked(conn, p.ticket, now_unix())?;
    }
    if matches!(result, Enqueued::Queued(_)) && !p.tags.is_empty() {
        ticket_ops::tag(
            conn,
            p.ticket,
            &p.tags,
            &[],
            agent,
            crate::domain::EventSource::Mailout,
        )?;
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
    let (facts, account) = ticket_and_account(conn, config, ticket)?;
    let ctx = render_context(conn, config, account, ticket, agent)?;
    Ok(templates.render(name, facts.language.as_deref(), &ctx)?)
}
