//! Writing synced mail into the cache: a parsed message is threaded onto a ticket, the
//! ticket rules (`domain::decide`) say what it changes there, `store::events` applies and
//! logs those changes, and the message is stored with its raw source, its IMAP location and
//! its full-text row. Callers wrap a batch in one transaction together with the mailbox
//! cursor, so a crash leaves either all or none of it.

mod index_queue;
mod known;
mod notification;
mod row;
mod vote;

use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::StoreError;
use super::customers::customer_for;
use super::events::{apply, next_ticket_id};
use super::lookup::TxLookup;
use crate::domain::decide::{MailFacts, MailRules, TicketFacts, TicketNow, decide, sides};
use crate::domain::notification::MailOrderRules;
use crate::domain::threading::{Placement, ThreadInput, default_subject_window, place};
use crate::domain::{Direction, EventSource, Origin, ParsedMessage, TicketId};
pub use index_queue::IndexEntry;
pub use index_queue::flush as index_queued;
pub(crate) use index_queue::{create as create_index_queue, queue as queue_index};
pub(crate) use known::DUP_MARK;
use known::{derived_message_id, known_at, known_message, synthetic_message_id};
pub(crate) use row::without_quotes;

/// Who the shop is on one account: its ticket tag and its own addresses.
#[derive(Debug, Clone)]
pub struct AccountIdentity {
    pub name: String,
    pub tag: String,
    /// Lower-cased addresses whose mail is outgoing.
    pub addresses: Vec<String>,
    /// The first-response target: incoming mail makes a ticket due after this much
    /// business time. `None` leaves tickets without a due time.
    pub sla: Option<crate::config::SlaConfig>,
    /// The shop's replies from other clients, and a mailbox's history.
    pub sync: crate::config::SyncConfig,
    /// Platform notifications, order numbers and tracking numbers in mail (`[orders]`).
    pub orders: Arc<MailOrderRules>,
}

impl AccountIdentity {
    /// An account with no service-level target and the default sync rules: for imports,
    /// tests and benchmarks.
    pub fn new(name: &str, tag: &str, addresses: &[&str]) -> AccountIdentity {
        AccountIdentity {
            name: name.to_string(),
            tag: tag.to_string(),
            addresses: addresses.iter().map(|a| a.to_string()).collect(),
            sla: None,
            sync: Default::default(),
            orders: default_order_rules(),
        }
    }

    pub fn is_own(&self, email: &str) -> bool {
        self.addresses.iter().any(|a| a == email)
    }
}

impl From<&crate::config::AccountConfig> for AccountIdentity {
    fn from(a: &crate::config::AccountConfig) -> Self {
        let mut addresses = vec![a.email.clone()];
        addresses.extend(a.aliases.iter().cloned());
        AccountIdentity {
            name: a.name.clone(),
            tag: a.ticket_tag.clone(),
            addresses,
            sla: Some(a.sla.clone()),
            sync: a.sync.clone(),
            // Validated when the config was read; the defaults only if that was skipped.
            orders: a.orders.rules().map(Arc::new).unwrap_or_else(|e| {
                tracing::warn!("account {}: [orders]: {e}; using the defaults", a.name);
                default_order_rules()
            }),
        }
    }
}

/// The built-in `[orders]` rules, compiled once.
pub fn default_order_rules() -> Arc<MailOrderRules> {
    static RULES: LazyLock<Arc<MailOrderRules>> = LazyLock::new(Arc::default);
    RULES.clone()
}

/// One message as fetched from a mailbox.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub uid: u32,
    pub flags: String,
    pub modseq: Option<u64>,
    pub internal_date: Option<DateTime<Utc>>,
    pub raw: Vec<u8>,
    /// Below the UIDNEXT the mailbox had when first synced: history, which is filed but
    /// starts no service-level clock.
    pub history: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    NewTicket(TicketId),
    Threaded(TicketId),
    /// Already known (same Message-ID seen in another folder or before): location added.
    Known(TicketId),
    /// A platform's order notification: stored, its order updated, no ticket.
    OrderMail,
    /// A survey answer: recorded on this ticket, the mail stored on none.
    Vote(TicketId),
}

/// A fetched message made ready for the store: parsed, with everything about it that needs
/// no database worked out (the customer's own words, their language, the folded full-text
/// entry). A sync prepares on its fetching thread, so the storing thread only writes.
pub struct Prepared {
    pub fetched: Fetched,
    pub parsed: ParsedMessage,
    work: Work,
}

impl Prepared {
    pub fn new(fetched: Fetched, parsed: ParsedMessage, account: &AccountIdentity) -> Prepared {
        let work = Work::of(&parsed, account);
        Prepared {
            fetched,
            parsed,
            work,
        }
    }
}

/// The pure work on one message.
struct Work {
    /// Detected from the customer's own words (without quoted earlier mail); `None` for
    /// the shop's own mail, whose language is never kept.
    language: Option<String>,
    /// The order and tracking numbers the mail names.
    found: super::mail_orders::Found,
    index: IndexEntry,
}

impl Work {
    fn of(parsed: &ParsedMessage, account: &AccountIdentity) -> Work {
        let body = row::unquoted(parsed);
        let outgoing = sides(parsed.from.as_ref(), &parsed.to, &|e| account.is_own(e)).direction
            == Direction::Out;
        // the shop's own mail and a mail system's reports are no customer's words
        let language = if outgoing || parsed.report.is_some() {
            None
        } else {
            crate::domain::language::detect_language(&body)
        };
        Work {
            language,
            found: super::mail_orders::Found::in_mail(&account.orders, &parsed.subject, &body),
            index: IndexEntry::of(parsed),
        }
    }
}

/// Stores one fetched message at (mailbox, uid). Idempotent: storing the same location twice
/// changes nothing. Without a mailbox (a reply we just sent) the message is stored without
/// a location; syncing the Sent folder later attaches its copy by Message-ID.
pub fn ingest(
    tx: &Transaction,
    account: &AccountIdentity,
    mailbox_id: Option<i64>,
    fetched: &Fetched,
    parsed: &ParsedMessage,
) -> Result<IngestOutcome, StoreError> {
    ingest_from(tx, account, mailbox_id, fetched, parsed, EventSource::Sync)
}

/// `ingest`, with the ticket changes logged as coming from `source`.
pub fn ingest_from(
    tx: &Transaction,
    account: &AccountIdentity,
    mailbox_id: Option<i64>,
    fetched: &Fetched,
    parsed: &ParsedMessage,
    source: EventSource,
) -> Result<IngestOutcome, StoreError> {
    let work = Work::of(parsed, account);
    let outcome = store_message(tx, account, mailbox_id, fetched, parsed, &work, source)?;
    index_queue::flush(tx)?;
    Ok(outcome)
}

/// `ingest` for one message of a batch: its full-text entry is queued, and the caller
/// calls `index_queued` once, after the batch and before committing.
pub fn ingest_prepared(
    tx: &Transaction,
    account: &AccountIdentity,
    mailbox_id: Option<i64>,
    message: &Prepared,
) -> Result<IngestOutcome, StoreError> {
    store_message(
        tx,
        account,
        mailbox_id,
        &message.fetched,
        &message.parsed,
        &message.work,
        EventSource::Sync,
    )
}

fn store_message(
    tx: &Transaction,
    account: &AccountIdentity,
    mailbox_id: Option<i64>,
    fetched: &Fetched,
    parsed: &ParsedMessage,
    work: &Work,
    source: EventSource,
) -> Result<IngestOutcome, StoreError> {
    let message_id = parsed
        .message_id
        .clone()
        .unwrap_or_else(|| synthetic_message_id(&fetched.raw));

    // Broken mailers, web forms and bounce generators reuse Message-IDs: the same id with
    // other content is another message, kept under an id derived from its content.
    let mut message_id = message_id;
    let mut reused = false;
    if let Some(known) = known_message(tx, &account.name, &message_id)? {
        if known.is_same(parsed) {
            return known_at(tx, mailbox_id, fetched, known);
        }
        message_id = derived_message_id(&message_id, parsed);
        reused = true;
        if let Some(known) = known_message(tx, &account.name, &message_id)? {
            return known_at(tx, mailbox_id, fetched, known);
        }
    }

    let date = parsed
        .date
        .or(fetched.internal_date)
        .unwrap_or_else(Utc::now);
    let from = parsed.from.as_ref().map(|a| a.email.as_str()).unwrap_or("");
    let sides = sides(parsed.from.as_ref(), &parsed.to, &|e| account.is_own(e));
    let outgoing = sides.direction == Direction::Out;
    // A delivery report is about the customer the message did not reach, not about the
    // mail system that says so.
    let reported_to = parsed
        .report
        .as_ref()
        .and_then(|r| r.recipient.as_deref())
        .filter(|r| !outgoing && !account.is_own(r));
    let customer = reported_to.unwrap_or_else(|| sides.customer.map_or("", |a| a.email.as_str()));
    let mut warnings = parsed.warnings.clone();
    if reused {
        warnings.push(format!(
            "another message has the same Message-ID <{}>; this one is kept apart",
            parsed.message_id.as_deref().unwrap_or("")
        ));
    }
    let found = &work.found;
    if let Some(recognised) = account
        .orders
        .recognise(from, account.is_own(from), &parsed.subject)
    {
        let mail = notification::Filed {
            message_id: &message_id,
            direction: sides.direction,
            date,
            warnings,
            recognised,
            index: &work.index,
        };
        return notification::file(tx, account, mailbox_id, fetched, parsed, mail, found);
    }
    let input = ThreadInput {
        tag: &account.tag,
        message_id: Some(&message_id),
        in_reply_to: &parsed.in_reply_to,
        references: &parsed.references,
        subject: &parsed.subject,
        from,
        customer,
        outgoing,
        date,
        report: parsed.report.as_ref(),
        orders: &account.orders.finder,
    };
    let lookup = TxLookup {
        tx,
        account: &account.name,
    };
    let placement = place(&input, &lookup, default_subject_window());
    let mut doubts = Vec::new();
    if reused {
        doubts.push(format!(
            "another message has the same Message-ID <{}>; this one is kept apart",
            parsed.message_id.as_deref().unwrap_or("")
        ));
    }
    // what matched is kept with the message; its doubts also join the message's warnings
    let placed = placement.placed(doubts);
    let mut warnings = parsed.warnings.clone();
    warnings.extend(placed.warnings.iter().cloned());
    // A vote is a new mail from a `mailto:` link; an answer in a thread whose subject still
    // carries a token (someone replied to the vote) is conversation, never a vote.
    let fresh = parsed.in_reply_to.is_empty() && parsed.references.is_empty();
    if let (false, true, Placement::Existing { ticket, .. }) = (outgoing, fresh, &placement) {
        match vote::verdict(tx, *ticket, &parsed.subject)? {
            vote::Verdict::None => {}
            vote::Verdict::Forged(w) => warnings.push(w),
            vote::Verdict::Vote(score) => {
                let mail = vote::Filed {
                    message_id: &message_id,
                    date,
                    warnings,
                    ticket: *ticket,
                    score,
                    index: &work.index,
                };
                return vote::file(tx, account, mailbox_id, fetched, parsed, mail, source);
            }
        }
    }
    let (ticket, outcome, facts) = match &placement {
        Placement::Existing { ticket, .. } => {
            let named: Vec<&str> = parsed
                .in_reply_to
                .iter()
                .chain(&parsed.references)
                .map(String::as_str)
                .collect();
            let now = ticket_now(tx, *ticket, from, &named)?;
            (
                *ticket,
                IngestOutcome::Threaded(*ticket),
                TicketFacts::Existing(now),
            )
        }
        Placement::New => {
            let name = sides
                .customer
                .filter(|_| reported_to.is_none())
                .and_then(|a| a.name.as_deref());
            let customer = customer_for(tx, customer, name, date.timestamp())?;
            let id = next_ticket_id(tx)?;
            let facts = TicketFacts::New {
                account: &account.name,
                subject: &parsed.subject,
                customer,
            };
            (id, IngestOutcome::NewTicket(id), facts)
        }
    };
    let language = if outgoing {
        None
    } else {
        work.language.clone()
    };
    let mail = MailFacts {
        message_id: &message_id,
        direction: sides.direction,
        placed_by: placement.placed_by(),
        // a mail system's report speaks for no customer: its sender is never learned
        trusted: parsed.report.is_none()
            && matches!(placement, Placement::Existing { warning: None, .. }),
        // never later than it reached us, as the ticket's other mail is read
        date: date.min(Utc::now()),
        from,
        auto_submitted: parsed.auto.is_auto_submitted(),
        language: language.as_deref(),
        history: fetched.history,
        report: parsed.report.is_some(),
        undelivered: parsed.report.as_ref().is_some_and(|r| r.undelivered),
    };
    let rules = MailRules {
        first_response: account.sla.as_ref().map(|s| (s.first_response, &s.hours)),
        shop_reply_status: account.sync.shop_reply_status,
        orders: &account.orders.finder,
    };
    let changes = decide(&mail, &facts, &rules);
    apply(tx, ticket, &changes, &Origin::new(SYNC_AGENT, source, date))?;
    let stored = row::MessageRow {
        account: &account.name,
        message_id: &message_id,
        ticket: Some(ticket),
        direction: sides.direction,
        date: date.timestamp(),
        placed: &placed,
        warnings: &warnings,
        language: language.as_deref(),
        index: &work.index,
    };
    let row = row::insert(tx, &stored, mailbox_id, fetched, parsed)?;
    super::mail_orders::record(tx, row, &found.orders, &found.tracking)?;
    Ok(outcome)
}

/// What the ticket rules read of an existing ticket; `from` is the new mail's sender,
/// `named` the ids it names (In-Reply-To, References).
fn ticket_now(
    tx: &Transaction,
    ticket: TicketId,
    from: &str,
    named: &[&str],
) -> Result<TicketNow, StoreError> {
    let time = |t: Option<i64>| t.and_then(|t| DateTime::from_timestamp(t, 0));
    let written = super::written::written(tx, ticket, named)?;
    tx.prepare_cached(
        "SELECT status, language, due_at, first_response_at, customer_id IS NOT NULL,
                EXISTS (SELECT 1 FROM customer_addresses WHERE email = ?2)
           FROM tickets WHERE id = ?1",
    )?
    .query_row(params![ticket, from], |r| {
        Ok(TicketNow {
            status: super::events::status_column(r, 0)?,
            language: r.get(1)?,
            due: time(r.get(2)?),
            first_response: time(r.get(3)?),
            has_customer: r.get(4)?,
            from_known: r.get(5)?,
            written,
        })
    })
    .optional()?
    .ok_or(StoreError::NoTicket(ticket))
}

/// Who the changes the mail rules make on their own (not an agent) are logged as.
pub(crate) const SYNC_AGENT: &str = "sync";

/// Stores mail shopdesk sent on no ticket (the owner's digest) as outgoing mail that is no
/// conversation: it opens no ticket, and a copy synced later is known as this one.
pub fn file_unticketed(
    tx: &Transaction,
    account: &AccountIdentity,
    fetched: &Fetched,
    parsed: &ParsedMessage,
) -> Result<(), StoreError> {
    let message_id = parsed
        .message_id
        .clone()
        .unwrap_or_else(|| synthetic_message_id(&fetched.raw));
    if known_message(tx, &account.name, &message_id)?.is_some() {
        return Ok(());
    }
    let date = parsed
        .date
        .or(fetched.internal_date)
        .unwrap_or_else(Utc::now);
    let placed = crate::domain::threading::Placed::rule_only(crate::domain::PlacedBy::New);
    let index = IndexEntry::of(parsed);
    let stored = row::MessageRow {
        account: &account.name,
        message_id: &message_id,
        ticket: None,
        direction: Direction::Out,
        date: date.timestamp(),
        placed: &placed,
        warnings: &parsed.warnings,
        language: None,
        index: &index,
    };
    row::insert(tx, &stored, None, fetched, parsed)?;
    index_queue::flush(tx)?;
    Ok(())
}

/// Removes a message's location (expunged or moved away on the server). The message
/// itself stays: a ticket's history must survive an agent archiving or deleting mail in
/// another client. A message with no location left is simply no longer on the server.
pub fn remove_location(tx: &Transaction, mailbox_id: i64, uid: u32) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM message_locations WHERE mailbox_id = ?1 AND uid = ?2")?
        .execute(params![mailbox_id, uid])?;
    Ok(())
}

#[cfg(test)]
mod tests;
