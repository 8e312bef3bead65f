//! The full-text indexes during a large first sync. FTS5 writes one segment per
//! transaction and, by default, merges segments as it goes (`automerge` 4), so a first
//! sync of a big mailbox spends much of its time merging segments it merges again later.
//! For a bulk load the incremental merging is switched off (a crisis merge still bounds
//! the segment count), and the index is optimised once at the end, into one segment.
//! The settings live in the database: a bulk load that was cut off is finished by the
//! next sync.

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

/// The full-text tables a message write feeds.
const TABLES: &[&str] = &["message_fts", "message_senders"];

/// FTS5's defaults, put back after a bulk load.
const AUTOMERGE: i64 = 4;
const CRISISMERGE: i64 = 16;

/// While loading: no incremental merges, and a crisis merge only at this many segments
/// on one level.
const BULK_CRISISMERGE: i64 = 64;

fn set(conn: &Connection, table: &str, key: &str, value: i64) -> Result<(), StoreError> {
    // The table name is one of `TABLES`, never input.
    conn.execute(
        &format!("INSERT INTO {table} ({table}, rank) VALUES (?1, ?2)"),
        rusqlite::params![key, value],
    )?;
    Ok(())
}

/// Switches the indexes to bulk loading. Call before the first batch, outside a batch's
/// transaction.
pub fn begin(conn: &Connection) -> Result<(), StoreError> {
    for table in TABLES {
        set(conn, table, "automerge", 0)?;
        set(conn, table, "crisismerge", BULK_CRISISMERGE)?;
    }
    Ok(())
}

/// Whether a bulk load was begun and not finished.
pub fn in_bulk(conn: &Connection) -> Result<bool, StoreError> {
    let automerge: Option<i64> = conn
        .query_row(
            "SELECT v FROM message_fts_config WHERE k = 'automerge'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(automerge == Some(0))
}

/// Merges each index into one segment and puts the default merge settings back.
pub fn finish(conn: &Connection) -> Result<(), StoreError> {
    for table in TABLES {
        conn.execute(
            &format!("INSERT INTO {table} ({table}) VALUES ('optimize')"),
            [],
        )?;
        set(conn, table, "automerge", AUTOMERGE)?;
        set(conn, table, "crisismerge", CRISISMERGE)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn segments(conn: &Connection) -> i64 {
        // FTS5 keeps a row per leaf page of every segment here: merging into one segment
        // leaves fewer, which is what can be seen without decoding its structure record.
        conn.query_row("SELECT count(*) FROM message_fts_data", [], |r| r.get(0))
            .expect("count")
    }

    #[test]
    fn a_bulk_load_ends_optimised_with_the_defaults_back() {
        let mut store = Store::open_in_memory().expect("store");
        assert!(!in_bulk(store.conn()).expect("state"));
        begin(store.conn()).expect("begin");
        assert!(in_bulk(store.conn()).expect("state"));
        for batch in 0..30 {
            let tx = store.write().expect("tx");
            for i in 0..20 {
                tx.execute(
                    "INSERT INTO message_fts (rowid, subject, body, names) VALUES (?1, 'refund', ?2, '')",
                    rusqlite::params![batch * 100 + i, format!("word{batch} order{i}")],
                )
                .expect("insert");
            }
            tx.commit().expect("commit");
        }
        let loaded = segments(store.conn());
        finish(store.conn()).expect("finish");
        assert!(!in_bulk(store.conn()).expect("state"));
        assert!(segments(store.conn()) < loaded, "optimise merged segments");
        let hits: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM message_fts WHERE message_fts MATCH 'refund'",
                [],
                |r| r.get(0),
            )
            .expect("query");
        assert_eq!(hits, 600);
        let settings: Vec<(String, i64)> = store
            .conn()
            .prepare("SELECT k, v FROM message_senders_config WHERE k LIKE '%merge' ORDER BY k")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            settings,
            vec![("automerge".into(), 4), ("crisismerge".into(), 16)]
        );
    }
}
