//! When a ticket's mail so far was written (`domain::decide::Written`), for the mail rules
//! that tell a message arriving late from a new one. Reads only.

use chrono::DateTime;
use rusqlite::Connection;

use super::StoreError;
use crate::domain::decide::Written;
use crate::domain::{AutoHeaders, TicketId};

/// The ticket's customer messages and the shop's answers, each by its Date but never
/// later than it was stored here (a sender's clock set ahead must not make a message the
/// newest for good); the shop's automatic mail answers nothing and is left out, and mail
/// systems' reports (bounces, read receipts) are no one's word. `named`:
/// the ids the mail being decided names, the newest of which it was written after.
pub fn written(conn: &Connection, ticket: TicketId, named: &[&str]) -> Result<Written, StoreError> {
    let mut out = Written::default();
    let mut stmt = conn.prepare_cached(
        "SELECT direction = 'in', min(date, created_at), auto_json, message_id FROM messages
          WHERE ticket_id = ?1 AND direction IN ('in', 'out')
            AND id NOT IN (SELECT message FROM message_reports)",
    )?;
    let rows = stmt.query_map([ticket], |r| {
        Ok((
            r.get::<_, bool>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (incoming, at, auto, id) = row?;
        let Some(at) = DateTime::from_timestamp(at, 0) else {
            continue;
        };
        if named.contains(&id.as_str()) {
            out.named = out.named.max(Some(at));
        }
        if incoming {
            out.customer.push(at);
            continue;
        }
        out.first_out = Some(out.first_out.map_or(at, |f| f.min(at)));
        if !serde_json::from_str::<AutoHeaders>(&auto)
            .unwrap_or_default()
            .is_auto_submitted()
        {
            out.answers.push(at);
        }
    }
    Ok(out)
}
