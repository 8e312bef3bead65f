//! The send worker: delivers due outbox rows. Per row, each step is committed before the
//! next, so a crash at any point resumes without a second delivery:
//! 1. a row that was attempted before (a crash mid-send) is first looked for in Sent, by
//!    Message-ID, in case it went out and was filed (or the server files sent mail);
//! 2. the attempt is recorded, the bytes go to SMTP, `delivered_at` is recorded;
//! 3. the copy is APPENDed to Sent (unless the server files sent mail itself);
//! 4. the customer's message gets \Answered, and the row is marked sent: the reply joins
//!    its ticket and the status set after sending is applied.

use std::collections::HashMap;
use std::path::Path;

use chrono::Utc;
use rusqlite::OptionalExtension;

use crate::config::{AccountConfig, Config};
use crate::domain::Status;
use crate::mail::imap::{Session, connect, encode_mailbox};
use crate::mail::parse::parse_message;
use crate::mail::smtp::Smtp;
use crate::store::ingest::{AccountIdentity, Fetched, ingest};
use crate::store::outbox::{self, OutboxRow};
use crate::store::{Store, StoreError, now_unix, ticket_ops};

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct FlushReport {
    pub sent: Vec<i64>,
    /// (outbox id, error)
    pub failed: Vec<(i64, String)>,
    /// Rows still in their undo window.
    pub waiting: usize,
}

/// Options for one flush.
#[derive(Debug, Default, Clone)]
pub struct FlushOptions {
    /// Only these rows.
    pub only: Option<Vec<i64>>,
    /// Deliver even rows still in their undo window (`outbox flush`).
    pub ignore_undo: bool,
    /// At most this many messages per minute (bulk replies).
    pub per_minute: Option<u32>,
    /// Called after each row: (done, total).
    pub progress: Option<fn(usize, usize)>,
}

/// Delivers every due row.
pub fn flush(config: &Config, db: &Path, opts: &FlushOptions) -> Result<FlushReport, StoreError> {
    let mut store = Store::open(db)?;
    let now = now_unix();
    let horizon = if opts.ignore_undo { i64::MAX } else { now };
    let mut rows = outbox::due(store.conn(), horizon)?;
    if let Some(only) = &opts.only {
        rows.retain(|r| only.contains(&r.id));
    }
    let mut report = FlushReport {
        waiting: if opts.ignore_undo {
            0
        } else {
            outbox::list(store.conn(), false)?
                .iter()
                .filter(|r| r.state == "queued" && r.not_before > now)
                .count()
        },
        ..Default::default()
    };
    let total = rows.len();
    let mut links: HashMap<String, Link> = HashMap::new();
    let started = std::time::Instant::now();
    for (i, row) in rows.into_iter().enumerate() {
        if let Some(rate) = opts.per_minute.filter(|r| *r > 0) {
            let due = std::time::Duration::from_secs_f64(60.0 * i as f64 / f64::from(rate));
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        let Some(account) = config.account(&row.account) else {
            let msg = format!("account '{}' is not configured", row.account);
            outbox::mark_failed(store.conn(), row.id, &msg, now + 3600)?;
            report.failed.push((row.id, msg));
            continue;
        };
        let link = links.entry(account.name.clone()).or_default();
        // The account's own limit (what its SMTP server accepts) paces this batch too.
        if let Some(rate) = account.max_per_minute {
            let due = std::time::Duration::from_secs_f64(60.0 * link.sent as f64 / f64::from(rate));
            if let Some(wait) = due.checked_sub(
                link.since
                    .get_or_insert_with(std::time::Instant::now)
                    .elapsed(),
            ) {
                std::thread::sleep(wait);
            }
        }
        link.sent += 1;
        match deliver_smtp(&mut store, account, link, &row) {
            Ok(()) => link.delivered.push(row),
            Err(msg) => fail(&store, &row, &msg, &mut report)?,
        }
        if link.delivered.len() >= FILE_BATCH {
            finish(&mut store, account, link, &mut report)?;
        }
        if let Some(p) = opts.progress {
            p(i + 1, total);
        }
    }
    for (name, link) in links.iter_mut() {
        if let Some(account) = config.account(name) {
            finish(&mut store, account, link, &mut report)?;
        }
    }
    for (_, link) in links {
        if let Some(mut s) = link.imap {
            let _ = s.logout();
        }
    }
    Ok(report)
}

/// An account's connections, opened on first use and reused for the batch.
#[derive(Default)]
struct Link {
    smtp: Option<Smtp>,
    imap: Option<Session>,
    /// The mailbox SELECTed read-write, so a batch does not re-select for every flag.
    selected: Option<String>,
    /// Customer messages answered in this batch, to flag \\Answered together.
    answered: Vec<i64>,
    /// Rows the SMTP server took, waiting for their Sent copies and their `sent` mark.
    delivered: Vec<OutboxRow>,
    /// Whether the server takes several messages in one APPEND (RFC 3502 + LITERAL+).
    multiappend: Option<bool>,
    /// Rows attempted in this batch, and since when, for the account's rate limit.
    sent: usize,
    since: Option<std::time::Instant>,
}

impl Link {
    fn smtp(&mut self, account: &AccountConfig) -> Result<&mut Smtp, String> {
        if self.smtp.is_none() {
            let server = account
                .smtp
                .as_ref()
                .ok_or_else(|| format!("account '{}' has no [accounts.smtp]", account.name))?;
            self.smtp = Some(Smtp::new(&account.name, server).map_err(|e| e.to_string())?);
        }
        self.smtp.as_mut().ok_or_else(|| "no SMTP".to_string())
    }

    fn imap(&mut self, account: &AccountConfig) -> Result<&mut Session, String> {
        if self.imap.is_none() {
            let c = connect(&account.name, &account.imap).map_err(|e| e.to_string())?;
            self.imap = Some(c.session);
            self.selected = None;
        }
        self.imap.as_mut().ok_or_else(|| "no IMAP".to_string())
    }
}

/// Sent copies are filed, and rows marked sent, this many at a time.
const FILE_BATCH: usize = 50;

fn fail(
    store: &Store,
    row: &OutboxRow,
    msg: &str,
    report: &mut FlushReport,
) -> Result<(), StoreError> {
    let attempts = outbox::get(store.conn(), row.id)?.map_or(1, |r| r.attempts);
    let retry = now_unix() + outbox::backoff_secs(attempts - 1);
    outbox::mark_failed(store.conn(), row.id, msg, retry)?;
    tracing::warn!(outbox = row.id, error = %msg, "delivery failed");
    report.failed.push((row.id, msg.to_string()));
    Ok(())
}

/// Gets one row to the SMTP server (or finds that an earlier attempt did).
fn deliver_smtp(
    store: &mut Store,
    account: &AccountConfig,
    link: &mut Link,
    row: &OutboxRow,
) -> Result<(), String> {
    let db = |e: StoreError| e.to_string();
    if row.delivered {
        return Ok(());
    }
    if row.handed {
        // Killed after the content went to the server and before its answer was recorded:
        // the server commits on the final dot, so sending again would deliver twice.
        outbox::mark_delivered(store.conn(), row.id).map_err(db)?;
        tracing::info!(
            outbox = row.id,
            "interrupted after hand-over; counted as delivered"
        );
        return Ok(());
    }
    if row.attempts > 0 {
        // A server that files sent mail itself may hold the copy of an earlier attempt.
        if let Ok(true) = in_sent(link, account, &row.message_id) {
            outbox::mark_delivered(store.conn(), row.id).map_err(db)?;
            outbox::mark_appended(store.conn(), row.id).map_err(db)?;
            return Ok(());
        }
    }
    outbox::mark_attempt(store.conn(), row.id).map_err(db)?;
    let conn = store.conn();
    let sent = link
        .smtp(account)?
        .send(&row.envelope_from, &row.recipients, &row.raw, || {
            outbox::mark_handed(conn, row.id).map_err(|e| e.to_string())
        });
    if let Err(e) = sent {
        // A refusal means the server did not take it: resend later. A connection lost
        // after the hand-over is left as handed, and counts as delivered next time.
        if e.refused() {
            outbox::clear_handed(store.conn(), row.id).map_err(db)?;
        }
        return Err(e.to_string());
    }
    outbox::mark_delivered(store.conn(), row.id).map_err(db)
}

/// Files the Sent copies of the delivered rows (one APPEND for the batch where the server
/// allows), flags the answered messages, and marks the rows sent.
fn finish(
    store: &mut Store,
    account: &AccountConfig,
    link: &mut Link,
    report: &mut FlushReport,
) -> Result<(), StoreError> {
    let rows = std::mem::take(&mut link.delivered);
    if rows.is_empty() {
        return Ok(());
    }
    let to_file: Vec<&OutboxRow> = rows
        .iter()
        .filter(|r| {
            account.save_sent
                && !r.appended
                && !outbox::get(store.conn(), r.id)
                    .ok()
                    .flatten()
                    .is_some_and(|x| x.appended)
        })
        .collect();
    let filing_error = if to_file.is_empty() {
        None
    } else {
        match file_copies(link, account, &to_file) {
            Ok(()) => {
                for r in &to_file {
                    outbox::mark_appended(store.conn(), r.id)?;
                }
                None
            }
            Err(e) => Some(format!(
                "delivered, but filing the copy in {}: {e}",
                account.sent_folder
            )),
        }
    };
    for row in &rows {
        if let Some(e) = &filing_error
            && to_file.iter().any(|r| r.id == row.id)
        {
            // Delivered: the next flush only files the copy.
            fail(store, row, e, report)?;
            continue;
        }
        if let Some(answers) = row.answers {
            link.answered.push(answers);
        }
        mark_sent(store, account, row)?;
        report.sent.push(row.id);
    }
    flag_batch(store, account, link);
    Ok(())
}

fn file_copies(
    link: &mut Link,
    account: &AccountConfig,
    rows: &[&OutboxRow],
) -> Result<(), String> {
    let sent = encode_mailbox(&account.sent_folder);
    if link.multiappend.is_none() {
        let caps = link
            .imap(account)?
            .capabilities()
            .map_err(|e| e.to_string())?;
        link.multiappend = Some(caps.has_str("MULTIAPPEND") && caps.has_str("LITERAL+"));
    }
    let texts: Option<Vec<&str>> = rows
        .iter()
        .map(|r| std::str::from_utf8(&r.raw).ok())
        .collect();
    if let (Some(true), Some(texts), true) = (link.multiappend, texts, rows.len() > 1) {
        // One command, one mailbox transaction (one fsync on the server) for the batch.
        let mut cmd = format!("APPEND {}", quote_imap(&sent));
        for t in texts {
            cmd.push_str(&format!(" (\\Seen) {{{}+}}\r\n{t}", t.len()));
        }
        return link
            .imap(account)?
            .run_command_and_check_ok(&cmd)
            .map_err(|e| e.to_string());
    }
    for r in rows {
        link.imap(account)?
            .append(&sent, &r.raw)
            .flag(imap::types::Flag::Seen)
            .finish()
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn quote_imap(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn in_sent(link: &mut Link, account: &AccountConfig, message_id: &str) -> Result<bool, String> {
    let session = link.imap(account)?;
    session
        .examine(encode_mailbox(&account.sent_folder))
        .map_err(|e| e.to_string())?;
    link.selected = None;
    let session = link.imap(account)?;
    let found = session
        .uid_search(format!("HEADER Message-ID {}", quote_imap(message_id)))
        .map_err(|e| e.to_string())?;
    Ok(!found.is_empty())
}

fn flag_batch(store: &Store, account: &AccountConfig, link: &mut Link) {
    let messages = std::mem::take(&mut link.answered);
    if messages.is_empty() {
        return;
    }
    if let Err(e) = flag_answered(store, link, account, &messages) {
        tracing::info!(error = %e, "could not set \\Answered");
    }
}

fn flag_answered(
    store: &Store,
    link: &mut Link,
    account: &AccountConfig,
    messages: &[i64],
) -> Result<(), String> {
    let mut by_mailbox: HashMap<String, Vec<u32>> = HashMap::new();
    let mut stmt = store
        .conn()
        .prepare_cached(
            "SELECT b.name, l.uid FROM message_locations l JOIN mailboxes b ON b.id = l.mailbox_id
              WHERE l.message = ?1 AND b.account = ?2",
        )
        .map_err(|e| e.to_string())?;
    for m in messages {
        let rows = stmt
            .query_map(rusqlite::params![m, account.name], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(|e| e.to_string())?;
        for (mailbox, uid) in rows.flatten() {
            by_mailbox.entry(mailbox).or_default().push(uid as u32);
        }
    }
    for (mailbox, mut uids) in by_mailbox {
        uids.sort_unstable();
        if link.selected.as_deref() != Some(mailbox.as_str()) {
            link.imap(account)?
                .select(encode_mailbox(&mailbox))
                .map_err(|e| e.to_string())?;
            link.selected = Some(mailbox.clone());
        }
        link.imap(account)?
            .uid_store(
                crate::mail::imap::sync::uid_set(&uids),
                "+FLAGS.SILENT (\\Answered)",
            )
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The reply joins its ticket (its copy in Sent attaches to it on the next sync), the
/// status set after sending applies, and the row is done.
fn mark_sent(
    store: &mut Store,
    account: &AccountConfig,
    row: &OutboxRow,
) -> Result<(), StoreError> {
    let identity = AccountIdentity::from(account);
    let parsed = parse_message(&row.raw);
    let fetched = Fetched {
        uid: 0,
        flags: String::new(),
        modseq: None,
        internal_date: Some(Utc::now()),
        raw: row.raw.clone(),
    };
    let tx = store
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // An acknowledgement is not an answer: the ticket's first-response and due times stay.
    let kept: Option<(Option<i64>, Option<i64>)> = match (row.kind.as_str(), row.ticket_id) {
        ("auto_ack", Some(t)) => tx
            .prepare_cached("SELECT first_response_at, due_at FROM tickets WHERE id = ?1")?
            .query_row([t], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
        _ => None,
    };
    ingest(&tx, &identity, None, &fetched, &parsed)?;
    if let (Some((first, due)), Some(t)) = (kept, row.ticket_id) {
        tx.prepare_cached("UPDATE tickets SET first_response_at = ?2, due_at = ?3 WHERE id = ?1")?
            .execute(rusqlite::params![t, first, due])?;
    }
    tx.prepare_cached(
        "UPDATE outbox SET state = 'sent', sent_at = ?2, last_error = NULL WHERE id = ?1",
    )?
    .execute(rusqlite::params![row.id, now_unix()])?;
    if let (Some(ticket), Some(status)) = (row.ticket_id, row.status_after.as_deref())
        && let Ok(s) = status.parse::<Status>()
    {
        let agent: String = tx
            .prepare_cached("SELECT coalesce(agent, '') FROM outbox WHERE id = ?1")?
            .query_row([row.id], |r| r.get(0))?;
        ticket_ops::set_status(&tx, ticket, s, &agent)?;
    }
    tx.commit()?;
    Ok(())
}

/// Files a due reply on its ticket as sent, without SMTP: for the demo shop, which has no
/// mail server.
pub fn deliver_locally(
    store: &mut Store,
    config: &Config,
    row: &OutboxRow,
) -> Result<(), StoreError> {
    let Some(account) = config.account(&row.account) else {
        return Ok(());
    };
    outbox::mark_delivered(store.conn(), row.id)?;
    mark_sent(store, account, row)
}
