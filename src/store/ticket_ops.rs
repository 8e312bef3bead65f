//! What agents do to tickets: status, owner, tags, internal notes. Each change is also
//! appended to `ticket_events`, the log that KPI reports and team mode build on.

use rusqlite::{Connection, OptionalExtension, params};

use super::{StoreError, now_unix};
use crate::domain::{Status, TicketId};

fn exists(conn: &Connection, id: TicketId) -> Result<(), StoreError> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM tickets WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    found.map(|_| ()).ok_or(StoreError::NoTicket(id))
}

fn event(
    conn: &Connection,
    id: TicketId,
    agent: &str,
    kind: &str,
    value: Option<&str>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO ticket_events (ticket_id, at, agent, kind, value) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, now_unix(), agent, kind, value])?;
    Ok(())
}

pub fn set_status(
    conn: &Connection,
    id: TicketId,
    status: Status,
    agent: &str,
) -> Result<(), StoreError> {
    exists(conn, id)?;
    conn.prepare_cached(
        "UPDATE tickets SET status = ?2, updated_at = max(updated_at, ?3) WHERE id = ?1",
    )?
    .execute(params![id, status.as_str(), now_unix()])?;
    event(conn, id, agent, "status", Some(status.as_str()))
}

/// Sets the owner; `None` (or "none") unassigns.
pub fn assign(
    conn: &Connection,
    id: TicketId,
    owner: Option<&str>,
    agent: &str,
) -> Result<(), StoreError> {
    exists(conn, id)?;
    let owner = owner.filter(|o| !o.is_empty() && !o.eq_ignore_ascii_case("none"));
    conn.prepare_cached("UPDATE tickets SET owner = ?2 WHERE id = ?1")?
        .execute(params![id, owner])?;
    event(conn, id, agent, "owner", owner)
}

/// Adds and removes tags (lower-cased).
pub fn tag(
    conn: &Connection,
    id: TicketId,
    add: &[String],
    remove: &[String],
    agent: &str,
) -> Result<(), StoreError> {
    exists(conn, id)?;
    for t in add {
        let t = t.trim().to_lowercase();
        if t.is_empty() {
            continue;
        }
        let n = conn
            .prepare_cached("INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?1, ?2)")?
            .execute(params![id, t])?;
        if n > 0 {
            event(conn, id, agent, "tag", Some(&t))?;
        }
    }
    for t in remove {
        let t = t.trim().to_lowercase();
        let n = conn
            .prepare_cached("DELETE FROM ticket_tags WHERE ticket_id = ?1 AND tag = ?2")?
            .execute(params![id, t])?;
        if n > 0 {
            event(conn, id, agent, "untag", Some(&t))?;
        }
    }
    Ok(())
}

/// An internal note: a message with direction `note`, never sent, searchable.
pub fn add_note(
    conn: &Connection,
    id: TicketId,
    text: &str,
    agent: &str,
) -> Result<i64, StoreError> {
    let account: String = conn
        .prepare_cached("SELECT account FROM tickets WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NoTicket(id))?;
    let now = now_unix();
    let text = crate::domain::sanitize::sanitize_text(text);
    let message_id = format!("note.{id}.{now}.{}@shopdesk.invalid", std::process::id());
    conn.prepare_cached(
        "INSERT INTO messages (account, message_id, ticket_id, direction, from_email, from_name,
            subject, date, text, placed_by, created_at)
         VALUES (?1, ?2, ?3, 'note', NULL, ?4, '', ?5, ?6, 'manual', ?5)",
    )?
    .execute(params![account, message_id, id, agent, now, text])?;
    let row = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO message_fts (rowid, subject, body, names) VALUES (?1, '', ?2, ?3)",
    )?
    .execute(params![
        row,
        crate::domain::search_text::fold_for_index(&text),
        agent
    ])?;
    conn.prepare_cached("UPDATE tickets SET message_count = message_count + 1, updated_at = max(updated_at, ?2) WHERE id = ?1")?
        .execute(params![id, now])?;
    event(conn, id, agent, "note", Some(&text))?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::ingest::AccountIdentity;
    use crate::worker::import::ingest_raw;

    #[test]
    fn verbs_change_tickets_and_log_events() {
        let mut store = Store::open_in_memory().expect("store");
        let account = AccountIdentity::new("shop", "SHOP", &["shop@example.test"]);
        let raw = b"From: a@x.example\r\nSubject: Help\r\nMessage-ID: <1@x>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nHi\r\n".to_vec();
        ingest_raw(&mut store, &account, "INBOX", &[raw]).expect("ingest");
        let c = store.conn();
        set_status(c, 1, Status::Pending, "alice").expect("status");
        assign(c, 1, Some("bob"), "alice").expect("assign");
        tag(
            c,
            1,
            &["WISMO".into(), "vip".into()],
            &["vip".into()],
            "alice",
        )
        .expect("tag");
        add_note(c, 1, "called the carrier \u{1b}[31m", "alice").expect("note");
        let (status, owner, count): (String, String, i64) = c
            .query_row(
                "SELECT status, owner, message_count FROM tickets WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("row");
        assert_eq!(
            (status.as_str(), owner.as_str(), count),
            ("pending", "bob", 2)
        );
        let tags: Vec<String> = c
            .prepare("SELECT tag FROM ticket_tags WHERE ticket_id = 1")
            .expect("p")
            .query_map([], |r| r.get(0))
            .expect("q")
            .map(|r| r.expect("tag"))
            .collect();
        assert_eq!(tags, ["wismo"]);
        let events: i64 = c
            .query_row("SELECT count(*) FROM ticket_events", [], |r| r.get(0))
            .expect("n");
        assert_eq!(events, 6);
        let note: String = c
            .query_row(
                "SELECT text FROM messages WHERE direction = 'note'",
                [],
                |r| r.get(0),
            )
            .expect("note");
        assert_eq!(note, "called the carrier ");
        assert!(matches!(
            set_status(c, 99, Status::Open, "a"),
            Err(StoreError::NoTicket(99))
        ));
        assign(c, 1, Some("none"), "alice").expect("unassign");
    }
}
