//! The reply being written on a ticket, saved as the agent types, so a closed console or a
//! lost SSH connection loses nothing.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, now_unix};
use crate::domain::TicketId;

pub fn save(conn: &Connection, ticket: TicketId, body: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO drafts (ticket_id, body, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (ticket_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )?
    .execute(params![ticket, body, now_unix()])?;
    Ok(())
}

pub fn load(conn: &Connection, ticket: TicketId) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT body FROM drafts WHERE ticket_id = ?1")?
        .query_row([ticket], |r| r.get(0))
        .optional()?)
}

/// The reply went into the outbox: its draft is done.
pub fn discard(conn: &Connection, ticket: TicketId) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM drafts WHERE ticket_id = ?1")?
        .execute([ticket])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_draft_is_saved_replaced_and_discarded() {
        let store = Store::open_in_memory().expect("store");
        let conn = store.conn();
        conn.execute_batch(
            "INSERT INTO tickets (id, account, subject, normalized_subject, created_at, updated_at)
             VALUES (7, 'shop', 's', 's', 0, 0)",
        )
        .expect("ticket");
        assert_eq!(load(conn, 7).expect("load"), None);
        save(conn, 7, "Hi Anna").expect("save");
        save(conn, 7, "Hi Anna, it ships today").expect("save again");
        assert_eq!(
            load(conn, 7).expect("load").as_deref(),
            Some("Hi Anna, it ships today")
        );
        discard(conn, 7).expect("discard");
        assert_eq!(load(conn, 7).expect("load"), None);
    }
}
