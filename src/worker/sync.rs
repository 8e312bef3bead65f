//! One sync pass: every configured account in parallel (a thread and a store connection
//! each), every folder of an account on one IMAP connection, the Sent folder included so
//! our own replies thread.

use std::path::Path;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::mailbox_sync::{DEFAULT_BATCH, MailboxReport, SyncError, sync_mailbox};
use crate::config::{AccountConfig, Config};
use crate::mail::imap::{ImapError, connect, discover_sent};
use crate::store::Store;
use crate::store::ingest::AccountIdentity;

/// What happened to one account.
#[derive(Debug)]
pub struct AccountOutcome {
    pub account: String,
    pub mailboxes: Vec<MailboxReport>,
    /// Per-folder or per-account failures; the other folders still synced.
    pub errors: Vec<String>,
}

/// The folders an account syncs: its `folders` and then its Sent folder (once a connection
/// has found it, where the config does not name it).
pub fn folders_of(account: &AccountConfig) -> Vec<String> {
    let mut v = account.folders.clone();
    let sent = account.sent_folder.name();
    if !v.iter().any(|f| f == sent) {
        v.push(sent.to_string());
    }
    v
}

/// Syncs every account (or only `only`), in parallel. Shows progress bars on a terminal
/// when a mailbox has many new messages.
pub fn sync_all(
    config: &Config,
    db: &Path,
    only: Option<&str>,
    show_progress: bool,
) -> Vec<AccountOutcome> {
    let accounts: Vec<&AccountConfig> = config
        .accounts
        .iter()
        .filter(|a| only.is_none_or(|o| a.name == o))
        .collect();
    let bars = MultiProgress::new();
    if !show_progress {
        bars.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for account in &accounts {
            let bars = &bars;
            let outcomes = &outcomes;
            s.spawn(move || {
                let outcome = sync_account(account, db, bars);
                if let Ok(mut o) = outcomes.lock() {
                    o.push(outcome);
                }
            });
        }
    });
    let mut out = outcomes.into_inner().unwrap_or_default();
    out.sort_by(|a, b| a.account.cmp(&b.account));
    out
}

/// Syncs one account's folders over one connection.
pub fn sync_account(account: &AccountConfig, db: &Path, bars: &MultiProgress) -> AccountOutcome {
    let mut outcome = AccountOutcome {
        account: account.name.clone(),
        mailboxes: Vec::new(),
        errors: Vec::new(),
    };
    let mut store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            outcome.errors.push(e.to_string());
            return outcome;
        }
    };
    let mut conn = match connect(&account.name, &account.imap) {
        Ok(c) => c,
        Err(e) => {
            outcome
                .errors
                .push(format!("account '{}': {e}", account.name));
            return outcome;
        }
    };
    discover_sent(&mut conn.session, &account.sent_folder);
    let identity = AccountIdentity::from(account);
    for folder in folders_of(account) {
        let mut bar: Option<ProgressBar> = None;
        let mut progress = |mailbox: &str, done: usize, total: usize| {
            // only long downloads deserve a bar
            if total >= 200 && bar.is_none() {
                let b = bars.add(ProgressBar::new(total as u64));
                b.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>16} [{bar:30}] {pos}/{len} messages, {per_sec}, eta {eta}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                b.set_prefix(format!("{}/{mailbox}", account.name));
                bar = Some(b);
            }
            if let Some(b) = &bar {
                b.set_position(done as u64);
            }
        };
        match sync_mailbox(
            &mut conn,
            &mut store,
            &identity,
            &folder,
            DEFAULT_BATCH,
            &mut progress,
        ) {
            Ok(r) => outcome.mailboxes.push(r),
            Err(SyncError::Imap(e @ ImapError::Mailbox { .. }))
                if folder == account.sent_folder.name() =>
            {
                tracing::warn!("{e}");
                outcome
                    .errors
                    .push(format!("account '{}': {e} (the sent_folder)", account.name));
            }
            Err(e) => {
                outcome
                    .errors
                    .push(format!("account '{}': {e}", account.name));
                if e.is_transient() {
                    break;
                }
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
    }
    let _ = conn.session.logout();
    outcome
}
