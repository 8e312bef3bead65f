//! Per-mailbox sync cursors (RFC 4549): UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ, the UIDNEXT at
//! first contact (below it, mail is history: never acknowledged), and the UIDs and flags
//! the cache holds for each mailbox.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxCursor {
    pub id: i64,
    pub uidvalidity: Option<u32>,
    /// Every UID below this has been fetched.
    pub uidnext: Option<u32>,
    pub highestmodseq: Option<u64>,
    /// The server's UIDNEXT when shopdesk first met this mailbox (or when its UIDVALIDITY
    /// changed): mail below it was already there, history rather than news.
    pub first_uidnext: Option<u32>,
}

/// The mailbox row for (account, name), created on first use.
pub fn mailbox(conn: &Connection, account: &str, name: &str) -> Result<MailboxCursor, StoreError> {
    conn.prepare_cached("INSERT OR IGNORE INTO mailboxes (account, name) VALUES (?1, ?2)")?
        .execute(params![account, name])?;
    Ok(conn
        .prepare_cached(
            "SELECT id, uidvalidity, uidnext, highestmodseq, first_uidnext FROM mailboxes
              WHERE account = ?1 AND name = ?2",
        )?
        .query_row(params![account, name], |r| {
            Ok(MailboxCursor {
                id: r.get(0)?,
                uidvalidity: r.get::<_, Option<i64>>(1)?.map(|v| v as u32),
                uidnext: r.get::<_, Option<i64>>(2)?.map(|v| v as u32),
                highestmodseq: r.get::<_, Option<i64>>(3)?.map(|v| v as u64),
                first_uidnext: r.get::<_, Option<i64>>(4)?.map(|v| v as u32),
            })
        })?)
}

/// First contact with a mailbox: records its UIDVALIDITY and the UIDNEXT it had then, in
/// a write of its own before anything is fetched, so that "this mail was already there"
/// survives a first sync killed part-way. Only the first caller records it (two syncs may
/// meet a new mailbox at once).
pub fn first_contact(
    tx: &Transaction,
    id: i64,
    uidvalidity: u32,
    uidnext: u32,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE mailboxes SET uidvalidity = ?2, first_uidnext = ?3
          WHERE id = ?1 AND uidvalidity IS NULL",
    )?
    .execute(params![id, uidvalidity, uidnext])?;
    Ok(())
}

/// When any mailbox was last synced (Unix time), for the console's status bar.
pub fn last_synced(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row("SELECT max(synced_at) FROM mailboxes", [], |r| r.get(0))?)
}

/// Moves the cursor; call inside the transaction that stored what it covers. Within one
/// UIDVALIDITY the cursor never moves back, and a writer behind another (two syncs of one
/// mailbox at once) leaves the further one's HIGHESTMODSEQ alone.
pub fn set_cursor(
    tx: &Transaction,
    id: i64,
    uidvalidity: u32,
    uidnext: u32,
    highestmodseq: Option<u64>,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE mailboxes SET
            highestmodseq = CASE WHEN uidvalidity IS ?2 AND coalesce(uidnext, 1) > ?3
                                 THEN highestmodseq ELSE coalesce(?4, highestmodseq) END,
            uidnext = CASE WHEN uidvalidity IS ?2 THEN max(coalesce(uidnext, 1), ?3) ELSE ?3 END,
            uidvalidity = ?2,
            synced_at = unixepoch()
          WHERE id = ?1",
    )?
    .execute(params![
        id,
        uidvalidity,
        uidnext,
        highestmodseq.map(|m| m as i64)
    ])?;
    Ok(())
}

/// The server changed UIDVALIDITY: every UID we hold for this mailbox is meaningless. The
/// locations go (messages stay, and the refetch re-attaches them by Message-ID), and the
/// cursor starts over. Like a first contact, what the mailbox holds now is history.
pub fn reset_mailbox(
    tx: &Transaction,
    id: i64,
    uidvalidity: u32,
    uidnext: u32,
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM message_locations WHERE mailbox_id = ?1")?
        .execute([id])?;
    tx.prepare_cached(
        "UPDATE mailboxes SET uidvalidity = ?2, uidnext = 1, highestmodseq = NULL,
            first_uidnext = ?3
          WHERE id = ?1",
    )?
    .execute(params![id, uidvalidity, uidnext])?;
    Ok(())
}

/// Whether a message was already in one of its mailboxes when shopdesk first met that
/// mailbox: old mail found by a first sync, however many runs that sync took.
pub fn predates_first_contact(conn: &Connection, message: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM message_locations l JOIN mailboxes b ON b.id = l.mailbox_id
              WHERE l.message = ?1 AND l.uid < b.first_uidnext LIMIT 1",
        )?
        .query_row([message], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The UIDs the cache holds for a mailbox, ascending.
pub fn local_uids(conn: &Connection, mailbox_id: i64) -> Result<Vec<u32>, StoreError> {
    let uids = conn
        .prepare_cached("SELECT uid FROM message_locations WHERE mailbox_id = ?1 ORDER BY uid")?
        .query_map([mailbox_id], |r| r.get::<_, i64>(0))?
        .map(|r| r.map(|u| u as u32))
        .collect::<Result<_, _>>()?;
    Ok(uids)
}

/// Records the flags the server reports for a message we hold. Returns whether they
/// differ from what we had: a new MODSEQ alone is no change (a resumed sync sees its own
/// freshly stored messages again, and must not report them as changed).
pub fn set_flags(
    tx: &Transaction,
    mailbox_id: i64,
    uid: u32,
    flags: &str,
    modseq: Option<u64>,
) -> Result<bool, StoreError> {
    let held: Option<String> = tx
        .prepare_cached("SELECT flags FROM message_locations WHERE mailbox_id = ?1 AND uid = ?2")?
        .query_row(params![mailbox_id, uid], |r| r.get(0))
        .optional()?;
    let Some(held) = held else {
        return Ok(false);
    };
    let changed = held != flags;
    if changed || modseq.is_some() {
        tx.prepare_cached(
            "UPDATE message_locations SET flags = ?3, modseq = coalesce(?4, modseq)
              WHERE mailbox_id = ?1 AND uid = ?2",
        )?
        .execute(params![mailbox_id, uid, flags, modseq.map(|m| m as i64)])?;
    }
    Ok(changed)
}

/// Whether a location is already stored (a batch re-run after a crash skips it).
pub fn has_location(conn: &Connection, mailbox_id: i64, uid: u32) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM message_locations WHERE mailbox_id = ?1 AND uid = ?2")?
        .query_row(params![mailbox_id, uid], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::ingest::{AccountIdentity, Fetched, ingest};

    fn store_message(store: &mut Store, mailbox_id: i64, uid: u32, flags: &str) -> i64 {
        let raw = format!(
            "From: c{uid}@x.example\r\nSubject: Question {uid}\r\nMessage-ID: <{uid}@x>\r\n\
             Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nHi\r\n"
        )
        .into_bytes();
        let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
        let fetched = Fetched {
            uid,
            flags: flags.into(),
            modseq: Some(10),
            internal_date: None,
            raw: raw.clone(),
            history: false,
        };
        let tx = store.write().expect("tx");
        ingest(
            &tx,
            &account,
            Some(mailbox_id),
            &fetched,
            &crate::mail::parse::parse_message(&raw),
        )
        .expect("ingest");
        let id = tx
            .query_row(
                "SELECT message FROM message_locations WHERE mailbox_id = ?1 AND uid = ?2",
                params![mailbox_id, uid],
                |r| r.get(0),
            )
            .expect("stored");
        tx.commit().expect("commit");
        id
    }

    #[test]
    fn first_contact_marks_history_once_and_again_after_a_reset() {
        let mut store = Store::open_in_memory().expect("store");
        let mb = mailbox(store.conn(), "shop", "INBOX").expect("mailbox");
        let tx = store.write().expect("tx");
        first_contact(&tx, mb.id, 7, 100).expect("first");
        // A second sync meeting the mailbox at the same time changes nothing.
        first_contact(&tx, mb.id, 7, 140).expect("second");
        tx.commit().expect("commit");
        let mb = mailbox(store.conn(), "shop", "INBOX").expect("mailbox");
        assert_eq!(
            (mb.uidvalidity, mb.uidnext, mb.first_uidnext),
            (Some(7), None, Some(100))
        );

        let old = store_message(&mut store, mb.id, 99, "");
        let new = store_message(&mut store, mb.id, 100, "");
        assert!(predates_first_contact(store.conn(), old).expect("old"));
        assert!(!predates_first_contact(store.conn(), new).expect("new"));

        // New UIDs after a UIDVALIDITY change: what the mailbox holds then is history too.
        let tx = store.write().expect("tx");
        reset_mailbox(&tx, mb.id, 8, 20).expect("reset");
        tx.commit().expect("commit");
        let mb = mailbox(store.conn(), "shop", "INBOX").expect("mailbox");
        assert_eq!(
            (mb.uidvalidity, mb.uidnext, mb.first_uidnext),
            (Some(8), Some(1), Some(20))
        );
        assert!(!predates_first_contact(store.conn(), old).expect("no location left"));
    }

    #[test]
    fn cursor_never_moves_back_and_a_writer_behind_keeps_the_modseq() {
        let mut store = Store::open_in_memory().expect("store");
        let id = mailbox(store.conn(), "shop", "INBOX").expect("mailbox").id;
        // (uidvalidity, uidnext, modseq written) → (uidnext, modseq held)
        let steps = [
            ((7, 501, Some(40)), (501, Some(40))),
            ((7, 1001, Some(50)), (1001, Some(50))),
            ((7, 501, Some(45)), (1001, Some(50))),
            ((7, 1001, None), (1001, Some(50))),
            ((7, 1200, Some(60)), (1200, Some(60))),
            ((9, 3, Some(2)), (3, Some(2))),
        ];
        for ((validity, next, modseq), want) in steps {
            let tx = store.write().expect("tx");
            set_cursor(&tx, id, validity, next, modseq).expect("set");
            tx.commit().expect("commit");
            let c = mailbox(store.conn(), "shop", "INBOX").expect("mailbox");
            assert_eq!(
                (c.uidnext, c.highestmodseq),
                (Some(want.0), want.1),
                "after {validity}/{next}/{modseq:?}"
            );
        }
    }

    #[test]
    fn only_real_flag_changes_count() {
        let mut store = Store::open_in_memory().expect("store");
        let id = mailbox(store.conn(), "shop", "INBOX").expect("mailbox").id;
        store_message(&mut store, id, 1, "\\Seen");
        // (flags, modseq) → counted as a change
        let cases = [
            ("\\Seen", Some(10), false),
            ("\\Seen", Some(11), false),
            ("\\Seen", None, false),
            ("\\Flagged \\Seen", Some(12), true),
            ("\\Flagged \\Seen", None, false),
            ("", None, true),
        ];
        for (flags, modseq, want) in cases {
            let tx = store.write().expect("tx");
            assert_eq!(
                set_flags(&tx, id, 1, flags, modseq).expect("set"),
                want,
                "{flags:?} {modseq:?}"
            );
            tx.commit().expect("commit");
        }
        let (flags, modseq): (String, i64) = store
            .conn()
            .query_row(
                "SELECT flags, modseq FROM message_locations WHERE uid = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("row");
        assert_eq!((flags.as_str(), modseq), ("", 12));
        // A UID we do not hold is no change.
        let tx = store.write().expect("tx");
        assert!(!set_flags(&tx, id, 99, "\\Seen", Some(1)).expect("unknown"));
    }
}
