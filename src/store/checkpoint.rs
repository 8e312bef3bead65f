//! WAL checkpoints during a large first sync, on a thread of their own.
//!
//! SQLite copies the write-ahead log into the database file when a commit finds the log
//! past 1,000 pages, in the committing thread: during a first sync that thread is the
//! one storing the mail, and copying back every page it wrote took an eighth of its time.
//! While a bulk load runs, the storing connection leaves checkpoints to a second
//! connection that copies what was committed while the next batch is being stored
//! (a passive checkpoint never blocks the writer), and takes them back at the end.
//! A log being written while it is copied cannot start over, so it would grow to the
//! size of the whole mailbox: past `LOG_BOUND` the storing connection waits for the
//! copy to end and restarts it (most of it is copied by then).

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;

/// SQLite's default: a commit checkpoints once the log is past this many pages.
const AUTOCHECKPOINT_PAGES: i64 = 1000;

/// How large the log may grow during a bulk load before it is started over.
const LOG_BOUND: u64 = 256 << 20;

/// The storing connection's page cache during a bulk load, in KiB (SQLite's default is
/// 2,000): the indexes a batch touches (Message-IDs, senders, events, full text) outgrow the
/// default soon, and every page read back through the kernel or spilled to the log before
/// the commit cost the storing thread a sixth of its time at 100,000 messages.
const BULK_CACHE_KIB: i64 = 64 << 10;

/// SQLite's default page cache, in KiB (a negative `cache_size` is a size in KiB).
const DEFAULT_CACHE_KIB: i64 = 2000;

/// Leaves checkpoints of `conn` (the storing connection) to `run_background`, and gives it
/// the larger page cache of a bulk load.
pub fn hand_over(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    // a log started over is cut back to this size, not left at its largest
    conn.pragma_update(None, "journal_size_limit", LOG_BOUND as i64)?;
    conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
    // The tables' CHECK lists (a message's direction, a ticket's status) build a temporary
    // table for every row written; what a sync writes there comes from the domain's enums,
    // so the lists guard only hand edits. Flag pragmas expire prepared statements, so no
    // statement compiled with the checks runs without them, or the other way round.
    conn.pragma_update(None, "ignore_check_constraints", true)?;
    Ok(())
}

/// After a commit during a bulk load: when the log of the database at `path` is past
/// `LOG_BOUND`, waits for it to be copied and starts it over.
pub fn bound_log(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let size = std::fs::metadata(&wal).map_or(0, |m| m.len());
    if size > LOG_BOUND {
        conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))?;
    }
    Ok(())
}

/// Gives checkpoints back to the storing connection; call on every way out of the load.
pub fn take_back(conn: &Connection) -> Result<(), StoreError> {
    conn.pragma_update(None, "wal_autocheckpoint", AUTOCHECKPOINT_PAGES)?;
    conn.pragma_update(None, "journal_size_limit", -1)?;
    conn.pragma_update(None, "cache_size", -DEFAULT_CACHE_KIB)?;
    conn.pragma_update(None, "ignore_check_constraints", false)?;
    Ok(())
}

/// Checkpoints the database at `path` whenever a commit is announced on `commits` (and
/// at least every second) until the sender is dropped, then once more. Errors end it
/// quietly: the storing connection's own checkpoints, given back at the end, catch up.
pub fn run_background(path: &Path, commits: Receiver<()>) {
    let Ok(conn) = Connection::open(path) else {
        return;
    };
    if conn.busy_timeout(Duration::from_secs(10)).is_err() {
        return;
    }
    let checkpoint = || {
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .is_ok()
    };
    loop {
        match commits.recv_timeout(Duration::from_secs(1)) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {
                if !checkpoint() {
                    return;
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                checkpoint();
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builds_a_temporary_table(conn: &Connection, sql: &str) -> bool {
        let mut stmt = conn.prepare(&format!("EXPLAIN {sql}")).expect("explain");
        let ops: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(1))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        ops.iter().any(|op| op == "OpenEphemeral")
    }

    /// The rows a sync writes most, checked against the lists in the tables' CHECKs only
    /// outside a bulk load, and checked again once it is over.
    #[test]
    fn a_bulk_load_writes_without_the_check_lists() {
        let store = crate::store::Store::open_in_memory().expect("store");
        let conn = store.conn();
        let writes = [
            "UPDATE tickets SET status = 'open' WHERE id = 1",
            "INSERT INTO messages (account, message_id, direction, subject, date, created_at)
             VALUES ('a', 'm', 'in', '', 0, 0)",
        ];
        for sql in writes {
            assert!(builds_a_temporary_table(conn, sql), "{sql}");
        }
        hand_over(conn).expect("hand over");
        for sql in writes {
            assert!(!builds_a_temporary_table(conn, sql), "{sql}");
        }
        take_back(conn).expect("take back");
        for sql in writes {
            assert!(builds_a_temporary_table(conn, sql), "{sql}");
        }
    }
}
