//! The send worker: delivers outbox rows, exactly once, however many senders run (a
//! `reply`, a paced `bulk-reply`, `outbox flush`, `sync --watch`, consoles).
//!
//! Each row is claimed before any network I/O and every later mark needs the claim (see
//! `store::outbox`). For a claimed row, `domain::outbox::next_step` picks the step from
//! the crash-safe marks:
//! 1. SMTP: right before the content goes out the claim is checked once more (a cancel
//!    wins until then) and `data_at` is recorded; once content and final dot are flushed
//!    to the server `content_at` is, and the server's 250 records `delivered_at`. A kill
//!    before `content_at` is sent again (the server discarded the unfinished DATA); one
//!    after it counts as delivered, unconfirmed (the server commits on the dot).
//! 2. Sent copy: `filing_at` for the whole batch in one commit, one APPEND, then
//!    `appended` for the batch in one commit; an APPEND cut off is checked by Message-ID
//!    before it is filed again, so each reply has one copy.
//! 3. The reply joins its ticket, the status set after sending applies, the row is sent,
//!    and the customer's message gets \Answered.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use crate::config::{AccountConfig, Config};
use crate::domain::TicketId;
use crate::domain::outbox::{OutboxState, Step, backoff_secs, next_step};
use crate::mail::imap::{Session, connect, discover_sent};
use crate::mail::parse::parse_message;
use crate::mail::smtp::{Smtp, SmtpError};
use crate::store::ingest::AccountIdentity;
use crate::store::outbox::{self, Claim, ClaimRequest, OutboxRow};
use crate::store::{Store, StoreError, now_unix, sent};

use super::claimant;
use mailbox::{file_copies, flag_answered, in_sent};

mod mailbox;

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct FlushReport {
    pub sent: Vec<i64>,
    /// (outbox id, error)
    pub failed: Vec<(i64, String)>,
    /// Rows cancelled while this flush held them: not sent.
    pub cancelled: Vec<i64>,
    /// The SMTP server turned an account's sign-in down: the flush stopped there, and the
    /// rows it did not reach stay queued as they were.
    pub sign_in_refused: Option<String>,
    /// The replies that refusal leaves waiting for the account to be fixed: the one it was
    /// met on, then that account's rows the flush did not reach.
    pub waiting_on_sign_in: Vec<Waiting>,
}

/// A reply left queued by a refused sign-in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Waiting {
    pub outbox_id: i64,
    pub ticket_id: Option<TicketId>,
    pub account: String,
    /// The refusal was met on this one (it is tried again after its backoff); the flush
    /// stopped before the others.
    pub tried: bool,
}

/// Options for one flush.
#[derive(Debug, Default, Clone)]
pub struct FlushOptions {
    /// Only these rows.
    pub only: Option<Vec<i64>>,
    /// Deliver even rows still in their undo window or waiting for a retry (`outbox flush`).
    pub ignore_undo: bool,
    /// Wait for rows that are not due yet (a paced bulk) or that another sender holds,
    /// instead of leaving them to later.
    pub wait: bool,
    /// Called after each row: (done, total).
    pub progress: Option<fn(usize, usize)>,
}

/// How long a claim holds without a renewal. A sender on this machine that dies frees its
/// rows at once (see `claimant`); the lease covers the rest.
const LEASE_SECS: i64 = 15 * 60;

/// What a reply whose answer was never heard records as the server's answer.
const UNCONFIRMED: &str =
    "delivered, unconfirmed: the server had the whole message when the connection ended";

/// Sent copies are filed, and rows marked sent, this many at a time.
const FILE_BATCH: usize = 50;

/// Delivers every due row (or only `opts.only`).
pub fn flush(config: &Config, db: &Path, opts: &FlushOptions) -> Result<FlushReport, StoreError> {
    let mut sender = Sender {
        store: Store::open(db)?,
        config,
        owner: claimant::new_name(),
        links: HashMap::new(),
        report: FlushReport::default(),
    };
    let per_minute: HashMap<String, u32> = config
        .accounts
        .iter()
        .filter_map(|a| a.max_per_minute.map(|n| (a.name.clone(), n)))
        .collect();
    let mut remaining = opts.only.clone();
    // Each row is tried once per flush: a failure waits for its retry, or the next flush.
    let mut tried: Vec<i64> = Vec::new();
    let total = remaining.as_ref().map_or(0, Vec::len);
    let result = (|| -> Result<(), StoreError> {
        loop {
            let claim = outbox::claim_next(
                sender.store.conn_mut(),
                &ClaimRequest {
                    owner: &sender.owner,
                    now: now_unix(),
                    lease_secs: LEASE_SECS,
                    only: remaining.as_deref(),
                    skip: &tried,
                    ignore_not_before: opts.ignore_undo,
                    per_minute: &per_minute,
                    is_alive: &claimant::is_alive,
                },
            )?;
            match claim {
                Claim::Row(row) => {
                    let id = row.id;
                    tried.push(id);
                    sender.work(*row)?;
                    // Every other row would meet the same answer (and a server counting
                    // failed logins may lock the account).
                    if sender.report.sign_in_refused.is_some() {
                        break;
                    }
                    if let Some(r) = remaining.as_mut() {
                        r.retain(|x| *x != id);
                        if let Some(p) = opts.progress {
                            p(total - r.len(), total);
                        }
                        if r.is_empty() {
                            break;
                        }
                    }
                }
                Claim::WaitUntil(at) if opts.wait => {
                    // Nothing may sit claimed while this sender sleeps.
                    sender.file_all()?;
                    let secs = (at - now_unix()).clamp(0, 60) as u64;
                    std::thread::sleep(Duration::from_secs(secs).max(Duration::from_millis(200)));
                }
                Claim::WaitUntil(_) | Claim::Nothing => break,
            }
        }
        sender.file_all()
    })();
    sender.close();
    let result = result.and_then(|()| {
        let met = sender.report.waiting_on_sign_in.first().cloned();
        if let Some(met) = met {
            let rest = not_reached(&sender.store, &met.account, &tried, opts)?;
            sender.report.waiting_on_sign_in.extend(rest);
        }
        Ok(())
    });
    if let Err(e) = result {
        // Nothing may stay claimed by a sender that gave up: a long-running process (a
        // watch, a console) would otherwise hold its rows until the lease lapsed.
        if let Err(release) = outbox::release_all(sender.store.conn(), &sender.owner) {
            tracing::warn!(error = %release, "releasing the rows of a failed flush");
        }
        return Err(e);
    }
    let mut report = sender.report;
    if let Some(only) = &opts.only {
        // Another sender may have delivered some of these: report them by their state.
        report = outcome_of(&sender.store, only, report)?;
    }
    Ok(report)
}

/// The rows of `account`, refused its sign-in, that this flush would have tried next: waiting
/// to go, not tried yet, among `opts.only`, and due or waited for.
fn not_reached(
    store: &Store,
    account: &str,
    tried: &[i64],
    opts: &FlushOptions,
) -> Result<Vec<Waiting>, StoreError> {
    let now = chrono::Utc::now();
    Ok(outbox::list(store.conn(), false)?
        .into_iter()
        .filter(|r| {
            r.account == account
                && matches!(r.state, OutboxState::Queued | OutboxState::Failed)
                && !r.permanent
                && !r.progress.delivered
                && !tried.contains(&r.id)
                && opts.only.as_ref().is_none_or(|only| only.contains(&r.id))
                && (opts.ignore_undo || opts.wait || r.not_before <= now)
        })
        .map(|r| Waiting {
            outbox_id: r.id,
            ticket_id: r.ticket_id,
            account: r.account,
            tried: false,
        })
        .collect())
}

/// The outcome for `ids` by their stored state, whoever sent them.
fn outcome_of(
    store: &Store,
    ids: &[i64],
    mut report: FlushReport,
) -> Result<FlushReport, StoreError> {
    for id in ids {
        if report.sent.contains(id)
            || report.cancelled.contains(id)
            || report.failed.iter().any(|(f, _)| f == id)
        {
            continue;
        }
        let Some(row) = outbox::get(store.conn(), *id)? else {
            continue;
        };
        match row.state {
            OutboxState::Sent => report.sent.push(*id),
            OutboxState::Cancelled => report.cancelled.push(*id),
            _ => {
                let why = match (row.last_error, &report.sign_in_refused) {
                    (Some(e), _) => e,
                    (None, Some(refused)) => format!("not tried: {refused}"),
                    (None, None) => format!("still {} (not due yet)", row.state),
                };
                report.failed.push((*id, why));
            }
        }
    }
    Ok(report)
}

struct Sender<'a> {
    store: Store,
    config: &'a Config,
    /// This sender's name on the rows it claims.
    owner: String,
    links: HashMap<String, Link>,
    report: FlushReport,
}

/// An account's connections, opened on first use and reused for the batch.
#[derive(Default)]
struct Link {
    smtp: Option<Smtp>,
    imap: Option<Session>,
    /// The mailbox SELECTed read-write, so a batch does not re-select for every flag.
    selected: Option<String>,
    /// Whether the server takes several messages in one APPEND (RFC 3502 + LITERAL+).
    multiappend: Option<bool>,
    /// Delivered rows waiting for their Sent copy.
    to_file: Vec<OutboxRow>,
    /// Whether the server files sent mail in Sent itself (Gmail), so no copy is appended.
    files_own_copies: bool,
}

impl Link {
    fn smtp(&mut self, account: &AccountConfig) -> Result<&mut Smtp, SmtpError> {
        if self.smtp.is_none() {
            let server = account.smtp.as_ref().ok_or_else(|| {
                SmtpError::HandOver(format!("account '{}' has no [accounts.smtp]", account.name))
            })?;
            self.smtp = Some(Smtp::new(&account.name, server)?);
        }
        self.smtp
            .as_mut()
            .ok_or_else(|| SmtpError::HandOver("no SMTP connection".into()))
    }

    fn imap(&mut self, account: &AccountConfig) -> Result<&mut Session, String> {
        if self.imap.is_none() {
            let mut c = connect(&account.name, &account.imap).map_err(|e| e.to_string())?;
            discover_sent(&mut c.session, &account.sent_folder);
            self.imap = Some(c.session);
            self.selected = None;
        }
        self.imap
            .as_mut()
            .ok_or_else(|| "no IMAP connection".to_string())
    }
}

impl Sender<'_> {
    /// Moves one claimed row on as far as it goes now.
    fn work(&mut self, row: OutboxRow) -> Result<(), StoreError> {
        let Some(account) = self.config.account(&row.account) else {
            let msg = format!("account '{}' is not configured", row.account);
            return self.fail(&row, &msg, false);
        };
        let mut row = row;
        loop {
            let link = self.links.entry(account.name.clone()).or_default();
            match next_step(row.progress, account.save_sent) {
                Step::CheckSentThenSend => {
                    // A server that files relayed mail holds the copy if it took the
                    // message. If it cannot be asked, sending again is the safe side.
                    if in_sent(link, account, &row.message_id) == Ok(true) {
                        outbox::mark_found_in_sent(self.store.conn(), &self.owner, row.id)?;
                        row.progress.delivered = true;
                        row.progress.appended = true;
                    } else {
                        row.progress.content_out = false;
                    }
                }
                Step::AssumeDelivered => {
                    outbox::mark_delivered(self.store.conn(), &self.owner, row.id, UNCONFIRMED)?;
                    tracing::info!(outbox = row.id, "{UNCONFIRMED}");
                    row.progress.delivered = true;
                }
                Step::Send => {
                    if row.progress.data_started {
                        // Cut off while the content was going out: sending again is right
                        // unless the cut fell after the final write (see `next_step`).
                        outbox::count_cut_resend(self.store.conn(), &self.owner, row.id)?;
                        tracing::info!(outbox = row.id, "sending again after a cut-off hand-over");
                    }
                    if !self.send(account, &row)? {
                        return Ok(());
                    }
                    row.progress.delivered = true;
                }
                Step::CheckSentThenFile => match in_sent(link, account, &row.message_id) {
                    Ok(true) => {
                        outbox::mark_appended(self.store.conn_mut(), &self.owner, &[row.id])?;
                        row.progress.appended = true;
                    }
                    Ok(false) => row.progress.filing_started = false,
                    Err(e) => {
                        let msg = format!("delivered, but {}: {e}", account.sent_folder.name());
                        return self.fail(&row, &msg, false);
                    }
                },
                Step::File => {
                    link.to_file.push(row);
                    if link.to_file.len() >= FILE_BATCH {
                        self.file(account)?;
                    }
                    return Ok(());
                }
                Step::Finish => return self.finish(account, vec![row]),
            }
        }
    }

    /// Hands the row to SMTP. True when the server accepted it; otherwise the row has
    /// been released (failed or cancelled).
    fn send(&mut self, account: &AccountConfig, row: &OutboxRow) -> Result<bool, StoreError> {
        let link = self.links.entry(account.name.clone()).or_default();
        let conn = self.store.conn();
        let owner = &self.owner;
        let content_out = std::cell::Cell::new(false);
        let sent = link.smtp(account).and_then(|smtp| {
            smtp.send(
                &row.envelope_from,
                &row.recipients,
                &row.raw,
                || outbox::begin_data(conn, owner, row.id, LEASE_SECS).map_err(|e| e.to_string()),
                || match outbox::mark_content_out(conn, owner, row.id) {
                    Ok(_) => content_out.set(true),
                    Err(e) => {
                        tracing::warn!(outbox = row.id, error = %e, "recording the hand-over")
                    }
                },
            )
        });
        match sent {
            Ok(answer) => {
                if !outbox::mark_delivered(conn, owner, row.id, &answer)? {
                    tracing::warn!(outbox = row.id, "delivered after the claim lapsed");
                }
                Ok(true)
            }
            Err(SmtpError::Withdrawn) => {
                tracing::info!(outbox = row.id, "cancelled before the content was sent");
                self.report.cancelled.push(row.id);
                Ok(false)
            }
            Err(e) if content_out.get() && !e.refused() => {
                // The server had the whole message when the connection broke: it commits
                // on the dot, so this counts as delivered (see `next_step`).
                tracing::warn!(outbox = row.id, error = %e, "{UNCONFIRMED}");
                outbox::mark_delivered(conn, owner, row.id, UNCONFIRMED)?;
                Ok(true)
            }
            Err(e) => {
                // Refused, or the final dot never left: nothing was delivered. A refused
                // sign-in is the account's trouble, never the message's: it stays queued.
                outbox::clear_data(conn, owner, row.id)?;
                self.fail(row, &e.to_string(), e.is_permanent())?;
                if e.is_sign_in() {
                    self.report.sign_in_refused = Some(e.to_string());
                    self.report.waiting_on_sign_in.push(Waiting {
                        outbox_id: row.id,
                        ticket_id: row.ticket_id,
                        account: row.account.clone(),
                        tried: true,
                    });
                }
                Ok(false)
            }
        }
    }

    /// Files the Sent copies waiting on every account.
    fn file_all(&mut self) -> Result<(), StoreError> {
        let names: Vec<String> = self.links.keys().cloned().collect();
        for name in names {
            if let Some(account) = self.config.account(&name) {
                self.file(account)?;
            }
        }
        Ok(())
    }

    /// Files one account's waiting copies (one APPEND where the server allows), then
    /// finishes the rows.
    fn file(&mut self, account: &AccountConfig) -> Result<(), StoreError> {
        let link = self.links.entry(account.name.clone()).or_default();
        let rows = std::mem::take(&mut link.to_file);
        if rows.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let held = outbox::begin_filing(self.store.conn_mut(), &self.owner, &ids)?;
        let rows: Vec<OutboxRow> = rows.into_iter().filter(|r| held.contains(&r.id)).collect();
        let link = self.links.entry(account.name.clone()).or_default();
        match file_copies(link, account, &rows) {
            Ok(()) => {
                let filed = outbox::mark_appended(self.store.conn_mut(), &self.owner, &held)?;
                let rows = rows.into_iter().filter(|r| filed.contains(&r.id)).collect();
                self.finish(account, rows)
            }
            Err(e) => {
                let msg = format!(
                    "delivered, but filing the copy in {}: {e}",
                    account.sent_folder.name()
                );
                for row in &rows {
                    self.fail(row, &msg, false)?;
                }
                Ok(())
            }
        }
    }

    /// The rows join their tickets and are marked sent; their customer messages get
    /// \Answered.
    fn finish(&mut self, account: &AccountConfig, rows: Vec<OutboxRow>) -> Result<(), StoreError> {
        let identity = AccountIdentity::from(account);
        let mut answered = Vec::new();
        for row in &rows {
            let parsed = parse_message(&row.raw);
            if sent::record_sent(&mut self.store, &self.owner, &identity, row, &parsed)? {
                self.report.sent.push(row.id);
                answered.extend(row.answers);
            }
        }
        if !answered.is_empty() {
            let targets = outbox::answered_locations(self.store.conn(), &account.name, &answered)?;
            let link = self.links.entry(account.name.clone()).or_default();
            if let Err(e) = flag_answered(link, account, targets) {
                tracing::info!(error = %e, "could not set \\Answered");
            }
        }
        Ok(())
    }

    /// Releases the row as failed, to be retried after a backoff (unless `permanent`).
    fn fail(&mut self, row: &OutboxRow, msg: &str, permanent: bool) -> Result<(), StoreError> {
        let retry = now_unix() + backoff_secs(row.attempts);
        outbox::release_failed(
            self.store.conn(),
            &self.owner,
            row.id,
            msg,
            retry,
            permanent,
        )?;
        tracing::warn!(outbox = row.id, error = %msg, permanent, "delivery failed");
        self.report.failed.push((row.id, msg.to_string()));
        Ok(())
    }

    fn close(&mut self) {
        for (_, link) in self.links.drain() {
            if let Some(mut s) = link.imap {
                let _ = s.logout();
            }
        }
    }
}

/// Files every due reply on its ticket as sent, without SMTP: for the demo shop, which
/// has no mail server. Returns how many.
pub fn deliver_locally(store: &mut Store, config: &Config) -> Result<usize, StoreError> {
    let owner = claimant::new_name();
    let per_minute = HashMap::new();
    let mut done = 0;
    loop {
        let claim = outbox::claim_next(
            store.conn_mut(),
            &ClaimRequest {
                owner: &owner,
                now: now_unix(),
                lease_secs: LEASE_SECS,
                only: None,
                skip: &[],
                ignore_not_before: false,
                per_minute: &per_minute,
                is_alive: &claimant::is_alive,
            },
        )?;
        let Claim::Row(row) = claim else {
            return Ok(done);
        };
        let Some(account) = config.account(&row.account) else {
            outbox::release_failed(
                store.conn(),
                &owner,
                row.id,
                "no such account",
                i64::MAX,
                true,
            )?;
            continue;
        };
        outbox::mark_delivered(store.conn(), &owner, row.id, "delivered locally")?;
        let parsed = parse_message(&row.raw);
        sent::record_sent(
            store,
            &owner,
            &AccountIdentity::from(account),
            &row,
            &parsed,
        )?;
        done += 1;
    }
}
