//! Resync of one mailbox into the store, after RFC 4549 and meli's cursor. `mail::imap::sync`
//! asks the server; this module decides and writes:
//! 1. EXAMINE (read-only: sync never changes mail on the server); at first contact the
//!    mailbox's UIDNEXT is recorded (mail below it is history); a UIDVALIDITY change drops
//!    the mailbox's locations and starts over;
//! 2. nothing changed (same UIDNEXT, HIGHESTMODSEQ and message count) → done;
//! 3. changes to known messages: `CHANGEDSINCE` (+ `VANISHED` with QRESYNC) when the server
//!    has CONDSTORE, else all FLAGS and a UID diff for expunges;
//! 4. new messages in batches, each batch stored in one transaction together with the
//!    cursor, so a kill at any moment leaves a consistent cache the next run completes.
//!    One thread fetches and parses the next batch while this one stores the last; a
//!    large first sync loads the full-text indexes in bulk.
//!
//! Every write is an immediate transaction (`Store::write`), so two syncs of one database
//! wait for each other instead of failing.

use chrono::Utc;

use rusqlite::Transaction;

use crate::mail::imap::sync::{
    FetchedMessage, changes_since, examine, fetch_batch, search_new, sizes,
};
use crate::mail::imap::{Connected, ImapError};
use crate::mail::parse::parse_message;
use crate::store::ingest::{
    AccountIdentity, Fetched, IngestOutcome, Prepared, index_queued, ingest_prepared,
};
use crate::store::{Store, StoreError, bulk_index, checkpoint, mailboxes};

/// Messages fetched and stored per transaction, at most. At 100,000 messages, batches of
/// 1,000 took a tenth less time than batches of 500 (fewer commits, fewer history
/// settlements), and 2,000 no less again.
pub const DEFAULT_BATCH: usize = 1000;

/// A batch's size over IMAP, at most (unless one message alone is larger): photos of a
/// broken parcel are megabytes each, and a few batches are in memory at once.
pub const BATCH_BYTES: u64 = 32 << 20;

/// How many messages' sizes are asked for in one command.
const SIZES_PER_FETCH: usize = 5000;

/// How many fetched batches may wait for the storing thread: two keep both threads busy
/// when one of them is briefly slower (a batch of long threads, a checkpoint).
const BATCHES_WAITING: usize = 2;

/// How many batches read from the server may wait to be parsed: one, read while the one
/// before is parsed (each is up to `BATCH_BYTES` of mail).
const FETCHES_WAITING: usize = 1;

/// From this many new messages on, the full-text indexes are loaded in bulk (see
/// `store::bulk_index`).
pub const BULK_FROM: usize = 2000;

/// A sync failed on the server's side or on the database's.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    /// Worth retrying later (network trouble), as opposed to a setting someone must change.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Imap(e) => e.is_transient(),
            SyncError::Store(_) => false,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxReport {
    pub mailbox: String,
    pub new_messages: usize,
    pub new_tickets: usize,
    /// The tickets this pass created, for acknowledgements (which leave out those from
    /// mail that was there before the mailbox was first synced).
    pub new_ticket_ids: Vec<i64>,
    pub flag_changes: usize,
    pub expunged: usize,
    pub uidvalidity_reset: bool,
    pub unchanged: bool,
}

/// Progress of the new-mail download: (done, total) for one mailbox.
pub type Progress<'a> = &'a mut dyn FnMut(&str, usize, usize);

/// Brings the store's copy of `mailbox` up to date with the server.
pub fn sync_mailbox(
    conn: &mut Connected,
    store: &mut Store,
    account: &AccountIdentity,
    mailbox: &str,
    batch: usize,
    progress: Progress,
) -> Result<MailboxReport, SyncError> {
    // Mail stored before order numbers were kept is read for them first, once.
    loop {
        let tx = store.write()?;
        let read =
            crate::store::mail_orders::backfill(&tx, &account.name, &account.orders, batch.max(1))?;
        tx.commit().map_err(StoreError::from)?;
        if read == 0 {
            break;
        }
    }
    let server = examine(conn, mailbox)?;
    let server_validity = server.uidvalidity;
    let server_uidnext = server.uidnext;
    let server_modseq = server.highestmodseq;

    let mut report = MailboxReport {
        mailbox: mailbox.to_string(),
        ..MailboxReport::default()
    };
    let mut cursor = mailboxes::mailbox(store.conn(), &account.name, mailbox)?;
    if cursor.uidvalidity.is_none() {
        // First contact: where the mailbox stands now is committed before any mail is
        // stored, so a first sync killed part-way and resumed still knows what is history.
        let tx = store.write()?;
        mailboxes::first_contact(&tx, cursor.id, server_validity, server_uidnext)?;
        tx.commit().map_err(StoreError::from)?;
        cursor = mailboxes::mailbox(store.conn(), &account.name, mailbox)?;
    }
    if cursor.uidvalidity.is_some_and(|v| v != server_validity) {
        tracing::warn!(
            "{}/{mailbox}: UIDVALIDITY changed ({:?} → {server_validity}); refetching",
            account.name,
            cursor.uidvalidity
        );
        let tx = store.write()?;
        mailboxes::reset_mailbox(&tx, cursor.id, server_validity, server_uidnext)?;
        tx.commit().map_err(StoreError::from)?;
        report.uidvalidity_reset = true;
        cursor = mailboxes::mailbox(store.conn(), &account.name, mailbox)?;
    }
    let local = mailboxes::local_uids(store.conn(), cursor.id)?;
    if cursor.uidvalidity == Some(server_validity)
        && cursor.uidnext == Some(server_uidnext)
        && server_modseq.is_some()
        && cursor.highestmodseq == server_modseq
        && local.len() == server.exists as usize
    {
        report.unchanged = true;
        return Ok(report);
    }

    let known_next = cursor.uidnext.unwrap_or(1).max(1);
    if !local.is_empty() {
        let last = known_next - 1;
        let changes = changes_since(conn, &local, last, cursor.highestmodseq)?;
        let tx = store.write()?;
        for (uid, (flags, modseq)) in &changes.flags {
            if mailboxes::set_flags(&tx, cursor.id, *uid, flags, *modseq)? {
                report.flag_changes += 1;
            }
        }
        for uid in &changes.vanished {
            crate::store::ingest::remove_location(&tx, cursor.id, *uid)?;
            report.expunged += 1;
        }
        // Every change to what we held is applied: the cursor's HIGHESTMODSEQ may move, so
        // a run killed during the download below does not ask for these changes again.
        mailboxes::set_cursor(&tx, cursor.id, server_validity, known_next, server_modseq)?;
        tx.commit().map_err(StoreError::from)?;
    }

    // New mail: the UIDs at or above our cursor, fetched and stored batch by batch.
    let new_uids = search_new(conn, known_next)?;
    let total = new_uids.len();
    let bulk = total >= BULK_FROM;
    // A bulk load cut off before its end is finished now, when no new one begins.
    if bulk || bulk_index::in_bulk(store.conn())? {
        let tx = store.write()?;
        if bulk {
            bulk_index::begin(&tx)?;
        } else {
            bulk_index::finish(&tx)?;
        }
        tx.commit().map_err(StoreError::from)?;
    }
    let first_uidnext = cursor.first_uidnext;
    // Sizes first, so a batch is bounded in bytes as well as in messages; asked for a
    // few thousand at a time, as one answer for a whole mailbox took 120 MB to read.
    let chunks: Vec<Vec<u32>> = if new_uids.is_empty() {
        Vec::new()
    } else if new_uids.len() > 1 {
        let mut sized = Vec::with_capacity(new_uids.len());
        for part in new_uids.chunks(SIZES_PER_FETCH) {
            let known: std::collections::HashMap<u32, u32> =
                sizes(conn, part)?.into_iter().collect();
            // a message the server gave no size for is still fetched, as of no size
            sized.extend(
                part.iter()
                    .map(|u| (*u, known.get(u).copied().unwrap_or(0))),
            );
        }
        batches(&sized, batch, BATCH_BYTES)
    } else {
        vec![new_uids.clone()]
    };
    let mut done = 0;
    let mut next = known_next;
    // Both cores: this thread stores and indexes a batch while others fetch and parse
    // the next. The channel holds `BATCHES_WAITING` batches, so memory stays at a few
    // batches.
    // During a bulk load a third thread copies the log into the database file, so the
    // storing thread does not stop for it (`store::checkpoint`).
    let background_checkpoints = bulk
        .then(|| store.path().map(std::path::Path::to_path_buf))
        .flatten();
    if background_checkpoints.is_some() {
        checkpoint::hand_over(store.conn())?;
    }
    let loaded = std::thread::scope(|scope| -> Result<(), SyncError> {
        let (to_store, from_fetch) = std::sync::mpsc::sync_channel(BATCHES_WAITING);
        let (committed, commits) = std::sync::mpsc::channel();
        if let Some(path) = &background_checkpoints {
            scope.spawn(move || checkpoint::run_background(path, commits));
        }
        // Reading from the server and parsing run on threads of their own, so the server
        // sends the next batch while this one is parsed: on one thread the server waited
        // for every parse and the parse for every answer.
        let (to_prepare, from_server) = std::sync::mpsc::sync_channel(FETCHES_WAITING);
        let fetching = &chunks;
        scope.spawn(move || {
            for chunk in fetching {
                let batch = fetch_batch(conn, chunk);
                let failed = batch.is_err();
                // A closed channel means the other side stopped (an error): stop too.
                if to_prepare.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        scope.spawn(move || {
            for fetched in from_server {
                let batch = fetched.map(|messages| {
                    messages
                        .into_iter()
                        .map(|m| prepare(m, first_uidnext, account))
                        .collect::<Vec<_>>()
                });
                let failed = batch.is_err();
                if to_store.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        for chunk in &chunks {
            // The fetching side ends early only after sending its error.
            let Ok(fetched) = from_fetch.recv() else {
                break;
            };
            let fetched = fetched?;
            let tx = store.write()?;
            store_batch(&tx, account, cursor.id, &fetched, &mut report)?;
            if let Some(last) = chunk.last() {
                next = next.max(last + 1);
            }
            // Fetched after EXAMINE, the batch is at least as new as the HIGHESTMODSEQ it
            // gave: the cursor moves in the batch's transaction.
            mailboxes::set_cursor(&tx, cursor.id, server_validity, next, server_modseq)?;
            tx.commit().map_err(StoreError::from)?;
            if let Some(path) = &background_checkpoints {
                // the checkpointer may be gone (an error of its own): the end catches up
                let _ = committed.send(());
                checkpoint::bound_log(store.conn(), path)?;
            }
            done += chunk.len();
            progress(mailbox, done, total);
        }
        Ok(())
    });
    let given_back = match background_checkpoints {
        Some(_) => checkpoint::take_back(store.conn()),
        None => Ok(()),
    };
    // the load's own error, if any, says more than one in giving checkpoints back
    loaded?;
    given_back?;

    let tx = store.write()?;
    if bulk {
        bulk_index::finish(&tx)?;
    }
    mailboxes::set_cursor(
        &tx,
        cursor.id,
        server_validity,
        next.max(server_uidnext),
        server_modseq,
    )?;
    tx.commit().map_err(StoreError::from)?;
    Ok(report)
}

/// A fetched message made ready for the store, on the fetching thread: parsed, its pure
/// work done (`store::ingest::Prepared`), and marked as history when it was there before
/// the mailbox was first synced.
fn prepare(m: FetchedMessage, first_uidnext: Option<u32>, account: &AccountIdentity) -> Prepared {
    let parsed = parse_message(&m.raw);
    let fetched = Fetched {
        history: first_uidnext.is_some_and(|first| m.uid < first),
        uid: m.uid,
        flags: m.flags,
        modseq: m.modseq,
        internal_date: m.internal_date,
        raw: m.raw,
    };
    Prepared::new(fetched, parsed, account)
}

/// `uids` with their sizes (in UID order) cut into batches of at most `count` messages and
/// `bytes` bytes; a message larger than `bytes` is a batch of its own.
fn batches(uids: &[(u32, u32)], count: usize, bytes: u64) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut current: Vec<u32> = Vec::new();
    let mut size = 0u64;
    for &(uid, len) in uids {
        let len = u64::from(len);
        if !current.is_empty() && (current.len() >= count.max(1) || size + len > bytes) {
            out.push(std::mem::take(&mut current));
            size = 0;
        }
        current.push(uid);
        size += len;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Stores one batch of new messages in the caller's transaction; the mail that was there
/// before the first sync is settled where its conversations stand.
fn store_batch(
    tx: &Transaction,
    account: &AccountIdentity,
    mailbox_id: i64,
    batch: &[Prepared],
    report: &mut MailboxReport,
) -> Result<(), SyncError> {
    let mut history = Vec::new();
    for message in batch {
        let f = &message.fetched;
        if mailboxes::has_location(tx, mailbox_id, f.uid)? {
            continue;
        }
        let ticket = match ingest_prepared(tx, account, Some(mailbox_id), message)? {
            IngestOutcome::NewTicket(t) => {
                report.new_tickets += 1;
                report.new_ticket_ids.push(t);
                Some(t)
            }
            IngestOutcome::Threaded(t) => Some(t),
            // Stored before (in another folder, or in one the server rebuilt under a new
            // UIDVALIDITY): its ticket was settled then, or has been corrected since.
            IngestOutcome::Known(_) => None,
            // a shop platform's notification: an order updated, no ticket
            IngestOutcome::OrderMail => None,
            // a survey answer: the vote is on its ticket, the mail on none
            IngestOutcome::Vote(_) => None,
        };
        if let Some(ticket) = ticket.filter(|_| f.history) {
            history.push(ticket);
        }
        report.new_messages += 1;
    }
    index_queued(tx)?;
    crate::store::history::settle_history(
        tx,
        &history,
        Utc::now().timestamp(),
        account.sync.history_cutoff_secs,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_bounded_in_messages_and_bytes() {
        const MB: u32 = 1 << 20;
        #[rustfmt::skip]
        // (UIDs with their sizes, most messages, most bytes, the batches)
        type Case<'a> = (&'a [(u32, u32)], usize, u64, &'a [&'a [u32]]);
        let cases: [Case; 7] = [
            (&[], 3, 100, &[]),
            (
                &[(1, 10), (2, 10), (3, 10), (4, 10)],
                3,
                100,
                &[&[1, 2, 3], &[4]],
            ),
            (&[(1, 40), (2, 40), (3, 40)], 10, 100, &[&[1, 2], &[3]]),
            (&[(1, 40), (2, 60), (3, 1)], 10, 100, &[&[1, 2], &[3]]),
            // one message above the bound is a batch of its own
            (&[(1, 10), (2, 500), (3, 10)], 10, 100, &[&[1], &[2], &[3]]),
            (&[(7, 0), (9, 0)], 1, 100, &[&[7], &[9]]),
            (
                &[(1, 30 * MB), (2, 30 * MB)],
                1000,
                BATCH_BYTES,
                &[&[1], &[2]],
            ),
        ];
        for (uids, count, bytes, want) in cases {
            let want: Vec<Vec<u32>> = want.iter().map(|b| b.to_vec()).collect();
            assert_eq!(
                batches(uids, count, bytes),
                want,
                "{uids:?} {count} {bytes}"
            );
        }
    }

    #[test]
    fn only_network_trouble_is_worth_a_retry() {
        let io = || std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let cases: [(SyncError, bool); 4] = [
            (
                ImapError::Connect {
                    host: "imap.example".into(),
                    port: 993,
                    source: io(),
                }
                .into(),
                true,
            ),
            (
                ImapError::Protocol {
                    host: "imap.example".into(),
                    source: Box::new(imap::Error::ConnectionLost),
                }
                .into(),
                true,
            ),
            (
                ImapError::Mailbox {
                    host: "imap.example".into(),
                    mailbox: "Sent".into(),
                    message: "no such mailbox".into(),
                }
                .into(),
                false,
            ),
            (StoreError::NoTicket(1).into(), false),
        ];
        for (error, transient) in cases {
            assert_eq!(error.is_transient(), transient, "{error}");
        }
    }
}
