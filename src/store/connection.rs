//! How every connection to the cache is set up: WAL so readers never block the writer,
//! a busy timeout so writers wait for each other, foreign keys on, the temporary table
//! full-text entries wait in during a batch; and the counter that
//! tells a reader another connection committed.

use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;

/// The page size of a new cache, in bytes.
const PAGE_SIZE: i64 = 32 << 10;

pub(super) fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(Duration::from_secs(10))?;
    // Set before WAL, it takes effect when the database is created (an existing one keeps
    // its size). Most of the cache is raw mail and message text: with 32 KiB pages a first
    // sync of 100,000 messages took a sixth less of the storing thread's time and half the
    // checkpointing (fewer overflow pages, fewer log frames), and searches as fast.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_prepared_statement_cache_capacity(64);
    super::ingest::create_index_queue(conn)?;
    Ok(())
}

/// Changes whenever another connection commits.
pub(super) fn data_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[test]
    fn file_is_private_and_wal() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/shopdesk.db");
        let store = Store::open(&path).expect("open");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let jm: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(jm, "wal");
        let page: i64 = store
            .conn()
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(page, super::PAGE_SIZE, "a new cache has the large pages");
        drop(store);
        // reopening keeps the data and runs no migration twice
        Store::open(&path).expect("reopen");
    }
}
