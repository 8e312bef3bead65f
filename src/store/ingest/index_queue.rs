//! Full-text entries are written a batch at a time, not a message at a time.
//!
//! FTS5 keeps new entries in memory and writes them out as a segment whenever a statement
//! opens a savepoint, and every write to a virtual table, every upsert and every statement
//! that fires a trigger opens one. Written with its message, each entry became a segment
//! of its own, so a first sync spent more time writing and merging tiny segments than
//! indexing. The entries of a batch wait in a temporary table instead and go into both
//! indexes with one statement each, before the batch's transaction commits: one segment
//! per batch, and a crash loses the entries together with the messages they belong to.

use rusqlite::Connection;

use crate::domain::Address;
use crate::domain::ParsedMessage;
use crate::domain::search_text::fold_for_index;
use crate::store::StoreError;

/// A message's full-text entry, folded as queries are (diacritics, dotless i, CJK
/// bigrams): its subject, its words, and the names and addresses of sender and
/// recipients. Pure work, so a sync makes it on the fetching thread.
#[derive(Debug, Clone, Default)]
pub struct IndexEntry {
    subject: String,
    body: String,
    names: String,
}

impl IndexEntry {
    pub fn of(parsed: &ParsedMessage) -> IndexEntry {
        let people = parsed.from.iter().chain(&parsed.to).chain(&parsed.cc);
        IndexEntry::new(&parsed.subject, &parsed.text, people)
    }

    pub fn new<'a>(
        subject: &str,
        text: &str,
        people: impl Iterator<Item = &'a Address>,
    ) -> IndexEntry {
        let mut names = String::new();
        for a in people {
            if let Some(n) = &a.name {
                names.push_str(n);
                names.push(' ');
            }
            names.push_str(&a.email);
            names.push(' ');
        }
        IndexEntry {
            subject: fold_for_index(subject),
            body: fold_for_index(text),
            names: fold_for_index(&names),
        }
    }
}

/// The temporary table the entries wait in: one per connection, in memory, made when the
/// connection is set up (`store::connection`).
pub(crate) fn create(conn: &Connection) -> Result<(), StoreError> {
    conn.prepare(
        "CREATE TEMP TABLE IF NOT EXISTS index_queue (
            message INTEGER PRIMARY KEY, subject TEXT, body TEXT, names TEXT)",
    )?
    .execute([])?;
    Ok(())
}

/// Queues message `row`'s entry; `flush` writes it. The caller's transaction must flush
/// before it commits.
pub(crate) fn queue(conn: &Connection, row: i64, entry: &IndexEntry) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO temp.index_queue (message, subject, body, names) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![
        row,
        entry.subject,
        entry.body,
        entry.names
    ])?;
    Ok(())
}

/// Writes every queued entry into the text index and the sender index, one statement
/// each, and empties the queue. Returns how many messages were indexed.
pub fn flush(conn: &Connection) -> Result<usize, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT INTO message_fts (rowid, subject, body, names)
             SELECT message, subject, body, names FROM temp.index_queue ORDER BY message",
        )?
        .execute([])?;
    if n == 0 {
        return Ok(0);
    }
    conn.prepare_cached(
        // CROSS JOIN keeps the queue outermost: left to choose, the planner walked every
        // message in the table for the ORDER BY instead of looking up the queued ones.
        "INSERT INTO message_senders (rowid, from_email, from_name)
         SELECT m.id, m.from_email, m.from_name
           FROM temp.index_queue q CROSS JOIN messages m ON m.id = q.message
          ORDER BY q.message",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM temp.index_queue")?
        .execute([])?;
    Ok(n)
}
