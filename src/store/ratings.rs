//! CSAT/NPS in the store: the install's secret that signs vote tokens, each ticket's
//! rating (the read model of `TicketChange::Rated`, written only through
//! `store::events::apply`), and which tickets were asked already.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use crate::domain::vote::{Csat, Score};
use crate::domain::{TicketId, kpi};

/// Bytes of the install's secret: as long as the HMAC-SHA256 block wants no more.
const SECRET_BYTES: usize = 32;

/// The install's vote secret, made once from the system's random source on first use.
/// Never printed or logged: whoever has it can cast votes.
pub fn secret(conn: &Connection) -> Result<Vec<u8>, StoreError> {
    if let Some(s) = read_secret(conn)? {
        return Ok(s);
    }
    let mut fresh = [0u8; SECRET_BYTES];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut fresh)
        .map_err(|_| StoreError::Refused("the system's random source failed".into()))?;
    // Two processes may get here at once: the first row wins and both read it back.
    conn.prepare_cached(
        "INSERT OR IGNORE INTO install_secret (id, secret, created_at) VALUES (1, ?1, ?2)",
    )?
    .execute(params![fresh.as_slice(), Utc::now().timestamp()])?;
    read_secret(conn)?.ok_or_else(|| StoreError::Refused("the vote secret was not kept".into()))
}

fn read_secret(conn: &Connection) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT secret FROM install_secret WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// A ticket's rating: its last vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    pub score: Score,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
    /// The vote mail.
    pub message_id: String,
}

impl Rating {
    /// The rating as reports count it.
    pub fn kpi(&self) -> kpi::Rating {
        kpi::Rating {
            at: self.at,
            vote: match self.score {
                Score::Csat(Csat::Good) => kpi::Vote::Good,
                Score::Csat(Csat::Okay) => kpi::Vote::Okay,
                Score::Csat(Csat::Bad) => kpi::Vote::Bad,
                Score::Nps(n) => kpi::Vote::Nps(n),
            },
        }
    }
}

/// Keeps `rating` as the ticket's, unless the ticket holds a later vote already (mail
/// synced out of order). For `store::events::apply` only.
pub(super) fn upsert(
    tx: &Connection,
    ticket: TicketId,
    rating: &Rating,
) -> Result<usize, StoreError> {
    super::events::exists(tx, ticket)?;
    tx.prepare_cached(
        "INSERT INTO ticket_ratings (ticket_id, kind, score, comment, message_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (ticket_id) DO UPDATE SET kind = excluded.kind, score = excluded.score,
            comment = excluded.comment, message_id = excluded.message_id, at = excluded.at
          WHERE excluded.at >= ticket_ratings.at",
    )?
    .execute(params![
        ticket,
        rating.score.kind().as_str(),
        rating.score.code(),
        rating.comment,
        rating.message_id,
        rating.at.timestamp()
    ])?;
    // an older vote that lost to a newer one still happened: it is logged
    Ok(1)
}

fn row_rating(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Option<Rating>> {
    let code: String = r.get(first)?;
    let comment = r.get(first + 1)?;
    let at: i64 = r.get(first + 2)?;
    let message_id = r.get(first + 3)?;
    // a score this version cannot read is a vote it cannot count
    Ok(Score::from_code(&code).map(|score| Rating {
        score,
        comment,
        at: DateTime::from_timestamp(at, 0).unwrap_or_default(),
        message_id,
    }))
}

/// The ticket's rating, if the customer voted.
pub fn rating(conn: &Connection, ticket: TicketId) -> Result<Option<Rating>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT score, comment, at, message_id FROM ticket_ratings WHERE ticket_id = ?1",
        )?
        .query_row([ticket], |r| row_rating(r, 0))
        .optional()?
        .flatten())
}

/// Every rating, by ticket: what reports count.
pub fn all(conn: &Connection) -> Result<Vec<(TicketId, Rating)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT ticket_id, score, comment, at, message_id FROM ticket_ratings ORDER BY ticket_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, TicketId>(0)?, row_rating(r, 1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        if let (id, Some(rating)) = row? {
            out.push((id, rating));
        }
    }
    Ok(out)
}

/// The ratings cast at `since` or later, by ticket (what a bad-vote alert looks at, by the
/// index of votes by time rather than every rating).
pub fn since(conn: &Connection, since: i64) -> Result<Vec<(TicketId, Rating)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT ticket_id, score, comment, at, message_id FROM ticket_ratings
          WHERE at >= ?1 ORDER BY ticket_id",
    )?;
    let rows = stmt.query_map([since], |r| {
        Ok((r.get::<_, TicketId>(0)?, row_rating(r, 1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        if let (id, Some(rating)) = row? {
            out.push((id, rating));
        }
    }
    Ok(out)
}

/// Solved tickets (not merged, never asked) with the time of their last solve, solved
/// between `from` and `to`: the candidates for a delayed survey. A mailbox's history
/// settling a ticket as solved is no solve anyone answered.
///
/// Run on every watch beat, so it starts from the solves inside the window (an index of
/// solves by time, migration 0015) rather than from every solved ticket: a ticket whose
/// last solve lies in the window has a solve there, and one solved there and again later
/// (reopened, solved once more) is then left out by its last solve, as before. Tickets
/// asked already are dropped while the solves are read, before any ticket row is: on a
/// quiet beat every solve of the window was asked about.
pub fn unasked_solved(
    conn: &Connection,
    from: i64,
    to: i64,
) -> Result<Vec<(TicketId, DateTime<Utc>)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, max(e.at) FROM tickets t
           JOIN ticket_events e ON e.ticket_id = t.id AND e.kind = 'status'
                AND e.value = 'solved' AND e.source IS NOT 'history'
          WHERE t.id IN (SELECT w.ticket_id FROM ticket_events w
                          WHERE w.kind = 'status' AND w.value = 'solved'
                            AND w.at BETWEEN ?1 AND ?2 AND w.source IS NOT 'history'
                            AND NOT EXISTS (SELECT 1 FROM ticket_surveys s
                                             WHERE s.ticket_id = w.ticket_id))
            AND t.status = 'solved' AND t.merged_into IS NULL
          GROUP BY t.id
         HAVING max(e.at) BETWEEN ?1 AND ?2
          ORDER BY t.id",
    )?;
    let rows = stmt.query_map(params![from, to], |r| {
        Ok((r.get::<_, TicketId>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, at) = row?;
        out.push((id, DateTime::from_timestamp(at, 0).unwrap_or_default()));
    }
    Ok(out)
}

/// Notes that the ticket's customer was asked (false if they were before).
pub fn mark_asked(conn: &Connection, ticket: TicketId, at: i64) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO ticket_surveys (ticket_id, asked_at) VALUES (?1, ?2)",
        )?
        .execute(params![ticket, at])?;
    Ok(n == 1)
}

/// Whether the ticket's customer was asked already.
pub fn was_asked(conn: &Connection, ticket: TicketId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM ticket_surveys WHERE ticket_id = ?1")?
        .query_row([ticket], |_| Ok(()))
        .optional()?
        .is_some())
}

#[cfg(test)]
mod tests;
