//! Resync of one mailbox into the store, after RFC 4549 and meli's cursor:
//! 1. EXAMINE (read-only: sync never changes mail on the server); at first contact the
//!    mailbox's UIDNEXT is recorded (mail below it is history); a UIDVALIDITY change drops
//!    the mailbox's locations and starts over;
//! 2. nothing changed (same UIDNEXT, HIGHESTMODSEQ and message count) → done;
//! 3. changes to known messages: `CHANGEDSINCE` (+ `VANISHED` with QRESYNC) when the server
//!    has CONDSTORE, else all FLAGS and a UID diff for expunges;
//! 4. new messages in batches, each batch stored in one transaction together with the
//!    cursor, so a kill at any moment leaves a consistent cache the next run completes.
//!
//! Every write is an immediate transaction (`Store::write`), so two syncs of one database
//! wait for each other instead of failing.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use imap::types::UnsolicitedResponse;

use super::{Connected, ImapError, encode_mailbox};
use crate::mail::parse::parse_message;
use crate::store::Store;
use crate::store::ingest::{AccountIdentity, Fetched, IngestOutcome, ingest};
use crate::store::mailboxes;

/// Messages fetched and stored per transaction.
pub const DEFAULT_BATCH: usize = 500;

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
) -> Result<MailboxReport, ImapError> {
    let host = conn.host.clone();
    let proto = |source: imap::Error| ImapError::Protocol {
        host: host.clone(),
        source: Box::new(source),
    };
    let wire = encode_mailbox(mailbox);
    let mb = conn.session.examine(&wire).map_err(|e| match e {
        imap::Error::No(r) => ImapError::Mailbox {
            host: host.clone(),
            mailbox: mailbox.to_string(),
            message: r.information,
        },
        other => proto(other),
    })?;
    conn.session.take_all_unsolicited().for_each(drop);
    let server_validity = mb.uid_validity.unwrap_or(0);
    let server_uidnext = mb.uid_next.unwrap_or(0);
    let server_modseq = if conn.caps.condstore {
        mb.highest_mod_seq
    } else {
        None
    };

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
        tx.commit().map_err(store_err)?;
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
        tx.commit().map_err(store_err)?;
        report.uidvalidity_reset = true;
        cursor = mailboxes::mailbox(store.conn(), &account.name, mailbox)?;
    }
    let local = mailboxes::local_uids(store.conn(), cursor.id)?;
    if cursor.uidvalidity == Some(server_validity)
        && cursor.uidnext == Some(server_uidnext)
        && server_modseq.is_some()
        && cursor.highestmodseq == server_modseq
        && local.len() == mb.exists as usize
    {
        report.unchanged = true;
        return Ok(report);
    }

    let known_next = cursor.uidnext.unwrap_or(1).max(1);
    if !local.is_empty() {
        let last = known_next - 1;
        let changes = fetch_changes(conn, &local, last, cursor.highestmodseq).map_err(proto)?;
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
        tx.commit().map_err(store_err)?;
    }

    // New mail: the UIDs at or above our cursor, fetched and stored batch by batch.
    let mut new_uids: Vec<u32> = conn
        .session
        .uid_search(format!("UID {known_next}:*"))
        .map_err(proto)?
        .into_iter()
        .filter(|u| *u >= known_next)
        .collect();
    new_uids.sort_unstable();
    let total = new_uids.len();
    let mut done = 0;
    let mut next = known_next;
    let items = if conn.caps.condstore {
        "(UID FLAGS INTERNALDATE MODSEQ BODY.PEEK[])"
    } else {
        "(UID FLAGS INTERNALDATE BODY.PEEK[])"
    };
    for chunk in new_uids.chunks(batch.max(1)) {
        let fetches = conn
            .session
            .uid_fetch(uid_set(chunk), items)
            .map_err(proto)?;
        let mut fetched: Vec<Fetched> = fetches
            .iter()
            .filter_map(|f| {
                let uid = f.uid?;
                Some(Fetched {
                    uid,
                    flags: flags_string(f.flags()),
                    modseq: f.mod_seq(),
                    internal_date: f.internal_date().map(|d| d.with_timezone(&Utc)),
                    raw: f.body()?.to_vec(),
                    history: cursor.first_uidnext.is_some_and(|first| uid < first),
                })
            })
            .collect();
        drop(fetches);
        fetched.sort_by_key(|f| f.uid);
        let parsed: Vec<_> = fetched.iter().map(|f| parse_message(&f.raw)).collect();
        let tx = store.write()?;
        let mut history = Vec::new();
        for (f, p) in fetched.iter().zip(&parsed) {
            if mailboxes::has_location(&tx, cursor.id, f.uid)? {
                continue;
            }
            let ticket = match ingest(&tx, account, Some(cursor.id), f, p)? {
                IngestOutcome::NewTicket(t) => {
                    report.new_tickets += 1;
                    report.new_ticket_ids.push(t);
                    t
                }
                IngestOutcome::Threaded(t) | IngestOutcome::Known(t) => t,
            };
            if f.history {
                history.push(ticket);
            }
            report.new_messages += 1;
        }
        // The mail that was there before: its conversations start where they stand.
        crate::store::ingest::settle_history(
            &tx,
            &history,
            Utc::now().timestamp(),
            account.sync.history_cutoff_secs,
        )?;
        if let Some(last) = chunk.last() {
            next = next.max(last + 1);
        }
        // Fetched after EXAMINE, the batch is at least as new as the HIGHESTMODSEQ it gave.
        mailboxes::set_cursor(&tx, cursor.id, server_validity, next, server_modseq)?;
        tx.commit().map_err(store_err)?;
        done += chunk.len();
        progress(mailbox, done, total);
    }

    let tx = store.write()?;
    mailboxes::set_cursor(
        &tx,
        cursor.id,
        server_validity,
        next.max(server_uidnext),
        server_modseq,
    )?;
    tx.commit().map_err(store_err)?;
    Ok(report)
}

fn store_err(e: rusqlite::Error) -> ImapError {
    ImapError::Store(crate::store::StoreError::Sqlite(e))
}

#[derive(Debug, Default)]
struct Changes {
    flags: HashMap<u32, (String, Option<u64>)>,
    vanished: Vec<u32>,
}

/// Flag changes and expunges among the messages we already hold (UIDs ≤ `last`).
fn fetch_changes(
    conn: &mut Connected,
    local: &[u32],
    last: u32,
    since: Option<u64>,
) -> imap::Result<Changes> {
    let mut changes = Changes::default();
    let range = format!("1:{last}");
    match (conn.caps.condstore, since) {
        (true, Some(modseq)) => {
            let query = if conn.caps.qresync {
                format!("(UID FLAGS) (CHANGEDSINCE {modseq} VANISHED)")
            } else {
                format!("(UID FLAGS) (CHANGEDSINCE {modseq})")
            };
            let fetches = conn.session.uid_fetch(&range, query)?;
            for f in fetches.iter() {
                if let Some(uid) = f.uid {
                    changes
                        .flags
                        .insert(uid, (flags_string(f.flags()), f.mod_seq()));
                }
            }
            drop(fetches);
            if conn.caps.qresync {
                let local: HashSet<u32> = local.iter().copied().collect();
                for r in conn.session.take_all_unsolicited() {
                    if let UnsolicitedResponse::Vanished { uids, .. } = r {
                        for range in uids {
                            for uid in range {
                                if local.contains(&uid) {
                                    changes.vanished.push(uid);
                                }
                            }
                        }
                    }
                }
            } else {
                let present = conn.session.uid_search(format!("UID {range}"))?;
                changes.vanished = local
                    .iter()
                    .filter(|u| !present.contains(u))
                    .copied()
                    .collect();
            }
        }
        _ => {
            // No CONDSTORE: every flag, and a UID diff for what vanished.
            let fetches = conn.session.uid_fetch(&range, "(UID FLAGS)")?;
            let mut present = HashSet::with_capacity(local.len());
            for f in fetches.iter() {
                if let Some(uid) = f.uid {
                    present.insert(uid);
                    changes.flags.insert(uid, (flags_string(f.flags()), None));
                }
            }
            changes.vanished = local
                .iter()
                .filter(|u| !present.contains(u))
                .copied()
                .collect();
        }
    }
    changes.vanished.sort_unstable();
    changes.vanished.dedup();
    Ok(changes)
}

fn flags_string(flags: &[imap::types::Flag<'_>]) -> String {
    let mut v: Vec<String> = flags
        .iter()
        .filter(|f| !matches!(f, imap::types::Flag::Recent))
        .map(ToString::to_string)
        .collect();
    v.sort();
    v.join(" ")
}

/// A compact UID set: `[1,2,3,7,9,10]` → `1:3,7,9:10`.
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[]), "");
        assert_eq!(uid_set(&[5]), "5");
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[4, 6, 8]), "4,6,8");
    }
}
