//! The IMAP side of a mailbox resync (RFC 4549, meli's cursor), as plain data: what the
//! server says about a mailbox (`examine`), what changed among the messages we hold
//! (`changes_since`), which UIDs are new (`search_new`) and the new messages themselves
//! (`fetch_batch`). Deciding what to store, and storing it, is `worker::mailbox_sync`'s.
//!
//! Sync never changes mail on the server: the mailbox is opened with EXAMINE.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use imap::types::UnsolicitedResponse;

use super::{Connected, ImapError, encode_mailbox};

/// Where a mailbox stands on the server, as EXAMINE reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Examined {
    pub uidvalidity: u32,
    pub uidnext: u32,
    /// Only from a server with CONDSTORE (without it, the number means nothing to us).
    pub highestmodseq: Option<u64>,
    pub exists: u32,
}

/// Changes among the messages we hold: their flags (with MODSEQ where the server has
/// CONDSTORE) and the UIDs that vanished.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub flags: HashMap<u32, (String, Option<u64>)>,
    /// Sorted, without duplicates; only UIDs we hold.
    pub vanished: Vec<u32>,
}

/// One new message as the server gave it.
#[derive(Debug, Clone)]
pub struct FetchedMessage {
    pub uid: u32,
    pub flags: String,
    pub modseq: Option<u64>,
    pub internal_date: Option<DateTime<Utc>>,
    pub raw: Vec<u8>,
}

fn proto(host: &str) -> impl Fn(imap::Error) -> ImapError + '_ {
    move |source| ImapError::Protocol {
        host: host.to_string(),
        source: Box::new(source),
    }
}

/// Opens `mailbox` read-only and reports where it stands; leaves it selected (for IDLE).
pub fn examine(conn: &mut Connected, mailbox: &str) -> Result<Examined, ImapError> {
    let host = conn.host.clone();
    let wire = encode_mailbox(mailbox);
    let mb = conn.session.examine(&wire).map_err(|e| match e {
        imap::Error::No(r) => ImapError::Mailbox {
            host: host.clone(),
            mailbox: mailbox.to_string(),
            message: r.information,
        },
        other => proto(&host)(other),
    })?;
    conn.session.take_all_unsolicited().for_each(drop);
    Ok(Examined {
        uidvalidity: mb.uid_validity.unwrap_or(0),
        uidnext: mb.uid_next.unwrap_or(0),
        highestmodseq: if conn.caps.condstore {
            mb.highest_mod_seq
        } else {
            None
        },
        exists: mb.exists,
    })
}

/// Flag changes and expunges among the messages we hold (`local`, UIDs ≤ `last`): with
/// CONDSTORE and a known `since`, `CHANGEDSINCE` (+ `VANISHED` with QRESYNC); else all
/// FLAGS and a UID diff.
pub fn changes_since(
    conn: &mut Connected,
    local: &[u32],
    last: u32,
    since: Option<u64>,
) -> Result<Changes, ImapError> {
    let host = conn.host.clone();
    fetch_changes(conn, local, last, since).map_err(proto(&host))
}

/// The UIDs at or above `from`, ascending. (`from:*` always matches the highest UID, even
/// when it is below `from`; that one is left out.)
pub fn search_new(conn: &mut Connected, from: u32) -> Result<Vec<u32>, ImapError> {
    let host = conn.host.clone();
    let mut uids: Vec<u32> = conn
        .session
        .uid_search(format!("UID {from}:*"))
        .map_err(proto(&host))?
        .into_iter()
        .filter(|u| *u >= from)
        .collect();
    uids.sort_unstable();
    Ok(uids)
}

/// The sizes (RFC822.SIZE, in bytes) of the messages `uids`, by UID; a message the server
/// gives no size for counts as 0.
pub fn sizes(conn: &mut Connected, uids: &[u32]) -> Result<Vec<(u32, u32)>, ImapError> {
    let host = conn.host.clone();
    let fetches = conn
        .session
        .uid_fetch(uid_set(uids), "(UID RFC822.SIZE)")
        .map_err(proto(&host))?;
    let mut out: Vec<(u32, u32)> = fetches
        .iter()
        .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The messages `uids` in full (without setting `\Seen`), sorted by UID.
pub fn fetch_batch(conn: &mut Connected, uids: &[u32]) -> Result<Vec<FetchedMessage>, ImapError> {
    let host = conn.host.clone();
    let items = if conn.caps.condstore {
        "(UID FLAGS INTERNALDATE MODSEQ BODY.PEEK[])"
    } else {
        "(UID FLAGS INTERNALDATE BODY.PEEK[])"
    };
    let fetches = conn
        .session
        .uid_fetch(uid_set(uids), items)
        .map_err(proto(&host))?;
    let mut fetched: Vec<FetchedMessage> = fetches
        .iter()
        .filter_map(|f| {
            Some(FetchedMessage {
                uid: f.uid?,
                flags: flags_string(f.flags()),
                modseq: f.mod_seq(),
                internal_date: f.internal_date().map(|d| d.with_timezone(&Utc)),
                raw: f.body()?.to_vec(),
            })
        })
        .collect();
    fetched.sort_by_key(|f| f.uid);
    Ok(fetched)
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
