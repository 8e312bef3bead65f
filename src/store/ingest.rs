//! Writing synced mail into the cache: a parsed message is threaded onto a ticket, stored
//! with its raw source, its IMAP location and its full-text row. Callers wrap a batch in one
//! transaction together with the mailbox cursor, so a crash leaves either all or none of it.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::StoreError;
use super::lookup::TxLookup;
use crate::domain::search_text::fold_for_index;
use crate::domain::subject::normalize_subject;
use crate::domain::threading::{Placement, ThreadInput, default_subject_window, place};
use crate::domain::{Direction, ParsedMessage, Status, TicketId};

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
        }
    }
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
    let outgoing = account.is_own(from);
    let customer = if outgoing {
        parsed
            .to
            .iter()
            .find(|a| !account.is_own(&a.email))
            .map(|a| a.email.as_str())
            .unwrap_or("")
    } else {
        from
    };
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
    };
    let lookup = TxLookup {
        tx,
        account: &account.name,
    };
    let placement = place(&input, &lookup, default_subject_window());
    let mut warnings = parsed.warnings.clone();
    if reused {
        warnings.push(format!(
            "another message has the same Message-ID <{}>; this one is kept apart",
            parsed.message_id.as_deref().unwrap_or("")
        ));
    }
    let (ticket, outcome) = match &placement {
        Placement::Existing {
            ticket, warning, ..
        } => {
            if let Some(w) = warning {
                warnings.push(w.clone());
            }
            (*ticket, IngestOutcome::Threaded(*ticket))
        }
        Placement::New => {
            let t = create_ticket(tx, account, parsed, customer, date, outgoing)?;
            (t, IngestOutcome::NewTicket(t))
        }
    };
    let direction = if outgoing {
        Direction::Out
    } else {
        Direction::In
    };
    let language = if outgoing {
        None
    } else {
        crate::domain::language::detect_language(&unquoted(parsed))
    };
    let now = Utc::now().timestamp();
    tx.prepare_cached(
        "INSERT INTO messages (account, message_id, ticket_id, direction, from_email, from_name,
            to_json, cc_json, reply_to_json, subject, date, text, quotes_json, attachments_json,
            in_reply_to, references_json, auto_json, placed_by, warnings_json, language, size,
            created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?21, ?22)",
    )?
    .execute(params![
        account.name,
        message_id,
        ticket,
        direction.as_str(),
        parsed.from.as_ref().map(|a| &a.email),
        parsed.from.as_ref().and_then(|a| a.name.as_ref()),
        serde_json::to_string(&parsed.to)?,
        serde_json::to_string(&parsed.cc)?,
        serde_json::to_string(&parsed.reply_to)?,
        parsed.subject,
        date.timestamp(),
        parsed.text,
        serde_json::to_string(
            &parsed
                .quotes
                .iter()
                .map(|r| (r.start, r.end))
                .collect::<Vec<_>>()
        )?,
        serde_json::to_string(&parsed.attachments)?,
        parsed.in_reply_to.first(),
        serde_json::to_string(&parsed.references)?,
        serde_json::to_string(&parsed.auto)?,
        placement.placed_by().as_str(),
        serde_json::to_string(&warnings)?,
        language,
        fetched.raw.len() as i64,
        now,
    ])?;
    let row = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO raw_messages (message_id, raw) VALUES (?1, ?2)")?
        .execute(params![row, fetched.raw])?;
    if let Some(mailbox_id) = mailbox_id {
        add_location(tx, mailbox_id, fetched, row)?;
    }
    index_message(tx, row, parsed)?;
    let due = account
        .sla
        .as_ref()
        .filter(|_| !fetched.history)
        .map(|sla| {
            crate::domain::sla::add_business_time(date, sla.first_response, &sla.hours).timestamp()
        });
    // An automatic message of ours (an acknowledgement) is not an answer.
    let shop_reply = match direction {
        Direction::Out if !parsed.auto.is_auto_submitted() => Some(account.sync.shop_reply_status),
        _ => None,
    };
    update_ticket_after_message(
        tx, ticket, direction, date, from, &placement, language, due, shop_reply,
    )?;
    Ok(outcome)
}

/// The customer's own words, without quoted earlier mail: what language detection reads.
/// Only the opening detection looks at is copied, not the whole of a long mail.
fn unquoted(parsed: &ParsedMessage) -> String {
    let limit = crate::domain::language::SAMPLE_BYTES;
    let mut out = String::with_capacity(parsed.text.len().min(limit));
    let mut pos = 0;
    let mut pieces = Vec::with_capacity(parsed.quotes.len() + 1);
    for q in &parsed.quotes {
        pieces.push(parsed.text.get(pos..q.start));
        pos = q.end;
    }
    pieces.push(parsed.text.get(pos..));
    for piece in pieces.into_iter().flatten() {
        let kept = crate::domain::language::prefix(piece, limit - out.len());
        out.push_str(kept);
        if kept.len() < piece.len() {
            break;
        }
    }
    out
}

fn index_message(tx: &Transaction, row: i64, parsed: &ParsedMessage) -> Result<(), StoreError> {
    let mut names = String::new();
    for a in parsed
        .from
        .iter()
        .chain(parsed.to.iter())
        .chain(parsed.cc.iter())
    {
        if let Some(n) = &a.name {
            names.push_str(n);
            names.push(' ');
        }
        names.push_str(&a.email);
        names.push(' ');
    }
    tx.prepare_cached(
        "INSERT INTO message_fts (rowid, subject, body, names) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        row,
        fold_for_index(&parsed.subject),
        fold_for_index(&parsed.text),
        fold_for_index(&names),
    ])?;
    Ok(())
}

fn add_location(
    tx: &Transaction,
    mailbox_id: i64,
    f: &Fetched,
    message_row: i64,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO message_locations (mailbox_id, uid, message, flags, modseq)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (mailbox_id, uid) DO UPDATE SET
            message = excluded.message, flags = excluded.flags, modseq = excluded.modseq",
    )?
    .execute(params![
        mailbox_id,
        f.uid,
        message_row,
        f.flags,
        f.modseq.map(|m| m as i64)
    ])?;
    Ok(())
}

/// Finds the customer owning `email`, or creates one.
pub(crate) fn customer_for(
    tx: &Transaction,
    email: &str,
    name: Option<&str>,
    at: i64,
) -> Result<Option<i64>, StoreError> {
    if email.is_empty() {
        return Ok(None);
    }
    let found: Option<i64> = tx
        .prepare_cached("SELECT customer_id FROM customer_addresses WHERE email = ?1")?
        .query_row([email], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        if let Some(n) = name {
            tx.prepare_cached("UPDATE customers SET name = ?2 WHERE id = ?1 AND name IS NULL")?
                .execute(params![id, n])?;
        }
        return Ok(Some(id));
    }
    tx.prepare_cached("INSERT INTO customers (name, created_at) VALUES (?1, ?2)")?
        .execute(params![name, at])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO customer_addresses (email, customer_id) VALUES (?1, ?2)")?
        .execute(params![email, id])?;
    Ok(Some(id))
}

fn create_ticket(
    tx: &Transaction,
    account: &AccountIdentity,
    parsed: &ParsedMessage,
    customer: &str,
    date: DateTime<Utc>,
    outgoing: bool,
) -> Result<TicketId, StoreError> {
    let customer_name = if outgoing {
        parsed
            .to
            .iter()
            .find(|a| a.email == customer)
            .and_then(|a| a.name.as_deref())
    } else {
        parsed.from.as_ref().and_then(|a| a.name.as_deref())
    };
    let customer_id = customer_for(tx, customer, customer_name, date.timestamp())?;
    // A conversation the shop started waits on the customer.
    let status = if outgoing {
        Status::Pending
    } else {
        Status::New
    };
    tx.prepare_cached(
        "INSERT INTO tickets (account, subject, normalized_subject, status, customer_id,
            created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![
        account.name,
        crate::domain::sanitize::sanitize_line(&parsed.subject),
        normalize_subject(&parsed.subject),
        status.as_str(),
        customer_id,
        date.timestamp(),
    ])?;
    Ok(tx.last_insert_rowid())
}

#[allow(clippy::too_many_arguments)]
fn update_ticket_after_message(
    tx: &Transaction,
    ticket: TicketId,
    direction: Direction,
    date: DateTime<Utc>,
    from: &str,
    placement: &Placement,
    language: Option<String>,
    due: Option<i64>,
    // `Some` for an answer from the shop: the status it moves an active ticket to, if any
    shop_reply: Option<Option<Status>>,
) -> Result<(), StoreError> {
    let at = date.timestamp();
    let (status, customer_id): (String, Option<i64>) = tx
        .prepare_cached("SELECT status, customer_id FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let status: Status = status.parse().unwrap_or(Status::Open);
    match direction {
        Direction::In => {
            let is_new = matches!(placement, Placement::New);
            let next = if is_new {
                status
            } else {
                status.on_customer_reply()
            };
            tx.prepare_cached(
                "UPDATE tickets SET message_count = message_count + 1,
                    updated_at = max(updated_at, ?2),
                    last_customer_at = max(coalesce(last_customer_at, 0), ?2),
                    status = ?3,
                    language = coalesce(language, ?4),
                    due_at = coalesce(due_at, ?5)
                 WHERE id = ?1",
            )?
            .execute(params![ticket, at, next.as_str(), language, due])?;
            // A customer writing from a second address, threaded by headers: remember it
            // (not a stranger who merely copied a ticket token).
            let trusted = matches!(placement, Placement::Existing { warning: None, .. });
            if !is_new
                && trusted
                && !from.is_empty()
                && let Some(cid) = customer_id
            {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO customer_addresses (email, customer_id) VALUES (?1, ?2)",
                )?
                .execute(params![from, cid])?;
            }
        }
        Direction::Out | Direction::Note => {
            let answered = shop_reply.is_some();
            let next = match shop_reply {
                Some(Some(to)) if !matches!(placement, Placement::New) => status.on_shop_reply(to),
                _ => status,
            };
            tx.prepare_cached(
                "UPDATE tickets SET message_count = message_count + 1,
                    updated_at = max(updated_at, ?2),
                    first_response_at = CASE
                        WHEN first_response_at IS NULL AND ?3 THEN ?2
                        ELSE first_response_at END,
                    due_at = CASE WHEN ?3 THEN NULL ELSE due_at END,
                    status = ?4
                 WHERE id = ?1",
            )?
            .execute(params![ticket, at, answered, next.as_str()])?;
            if next != status {
                tx.prepare_cached(
                    "INSERT INTO ticket_events (ticket_id, at, agent, kind, value)
                     VALUES (?1, ?2, ?3, 'status', ?4)",
                )?
                .execute(params![ticket, at, SYNC_AGENT, next.as_str()])?;
            }
        }
    }
    Ok(())
}

/// A stable stand-in for a missing Message-ID, derived from the raw bytes (FNV-1a), so the
/// same message seen twice is still recognised.
fn synthetic_message_id(raw: &[u8]) -> String {
    format!(
        "no-message-id.{:016x}.{}@shopdesk.invalid",
        fnv64(&[raw]),
        raw.len()
    )
}

/// FNV-1a over the parts: a stable fingerprint (stored ids must not change between
/// versions, which rules out std's hasher).
fn fnv64(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter().chain(&[0xff]) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A stored message, as much of it as tells two messages with one Message-ID apart.
struct KnownMessage {
    row: i64,
    ticket: Option<i64>,
    from: Option<String>,
    subject: String,
    date: i64,
    text: String,
}

impl KnownMessage {
    /// The same message seen again (another folder, a resync, our Sent copy): same
    /// sender, subject, date (when it has one) and words. Transport headers and encodings
    /// may differ between copies; these do not.
    fn is_same(&self, parsed: &ParsedMessage) -> bool {
        self.from.as_deref() == parsed.from.as_ref().map(|a| a.email.as_str())
            && self.subject == parsed.subject
            && parsed.date.is_none_or(|d| d.timestamp() == self.date)
            && words(&self.text) == words(&parsed.text)
    }
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

fn known_message(
    tx: &Transaction,
    account: &str,
    message_id: &str,
) -> Result<Option<KnownMessage>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT id, ticket_id, from_email, subject, date, text FROM messages
              WHERE account = ?1 AND message_id = ?2",
        )?
        .query_row(params![account, message_id], |r| {
            Ok(KnownMessage {
                row: r.get(0)?,
                ticket: r.get(1)?,
                from: r.get(2)?,
                subject: r.get(3)?,
                date: r.get(4)?,
                text: r.get(5)?,
            })
        })
        .optional()?)
}

fn known_at(
    tx: &Transaction,
    mailbox_id: Option<i64>,
    fetched: &Fetched,
    known: KnownMessage,
) -> Result<IngestOutcome, StoreError> {
    if let Some(mailbox_id) = mailbox_id {
        add_location(tx, mailbox_id, fetched, known.row)?;
    }
    Ok(IngestOutcome::Known(known.ticket.unwrap_or_default()))
}

/// The id a message gets when its Message-ID belongs to another: `ID#dup-HASH`, stable
/// for the same content so a resync finds it again. `super::lookup` finds these variants
/// when a reply names the original id.
fn derived_message_id(message_id: &str, parsed: &ParsedMessage) -> String {
    let from = parsed.from.as_ref().map_or("", |a| a.email.as_str());
    let date = parsed.date.map_or(0, |d| d.timestamp()).to_string();
    let text = words(&parsed.text).join(" ");
    let h = fnv64(&[
        from.as_bytes(),
        date.as_bytes(),
        parsed.subject.as_bytes(),
        text.as_bytes(),
    ]);
    format!("{message_id}{DUP_MARK}{h:016x}")
}

/// Between a reused Message-ID and the hash of the message that reused it.
pub(crate) const DUP_MARK: &str = "#dup-";

/// Who status changes made by sync (not by an agent) are logged as.
pub(crate) const SYNC_AGENT: &str = "sync";

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
