//! Threading corrections as agents ask for them: merge a ticket into another, move a
//! message to another ticket or a new one, split a ticket at a message, undo the last
//! correction. Each is decided here from the tickets as they stand and applied as ticket
//! events (`store::events`), one transaction each, so a replay or another copy of the
//! database repeats it from the log. A merged ticket keeps its row (its log stays whole)
//! and `merged_into`, which `survivor` follows: its number answers for the survivor.

use std::collections::HashSet;

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;
use super::events::{apply, atomically, next_ticket_id};
use crate::domain::subject::normalize_subject;
use crate::domain::ticket_change::NewTicket;
use crate::domain::{EventSource, Origin, Status, TicketChange, TicketId};

/// How many merges `survivor` follows before it calls the chain broken.
const MAX_CHAIN: usize = 64;

/// The ticket a number answers for: itself, or the end of its chain of merges.
pub fn survivor(conn: &Connection, id: TicketId) -> Result<TicketId, StoreError> {
    let mut at = id;
    for _ in 0..MAX_CHAIN {
        let next: Option<Option<TicketId>> = conn
            .prepare_cached("SELECT merged_into FROM tickets WHERE id = ?1")?
            .query_row([at], |r| r.get(0))
            .optional()?;
        match next {
            None => return Err(StoreError::NoTicket(at)),
            Some(None) => return Ok(at),
            Some(Some(n)) => at = n,
        }
    }
    Err(StoreError::Refused(format!(
        "ticket #{id}: its merges go round in a circle"
    )))
}

/// What a correction did, for the CLI and the console to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub kind: CorrectionKind,
    pub from: TicketId,
    pub into: TicketId,
    /// The moved messages' rows, oldest first.
    pub messages: Vec<i64>,
    /// It took back an earlier correction.
    pub undo: bool,
}

/// One line for people: "merged #12 into #14 (3 messages)", "undone: …".
impl std::fmt::Display for Correction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.messages.len();
        let s = if n == 1 { "" } else { "s" };
        let (from, into) = (self.from, self.into);
        if self.undo {
            f.write_str("undone: ")?;
        }
        match self.kind {
            CorrectionKind::Merge => write!(f, "merged #{from} into #{into} ({n} message{s})"),
            CorrectionKind::Unmerge => write!(
                f,
                "#{into} is its own ticket again ({n} message{s} back from #{from})"
            ),
            CorrectionKind::Move => write!(f, "moved {n} message{s} from #{from} to #{into}"),
            CorrectionKind::Split => write!(
                f,
                "split {n} message{s} off #{from} into new ticket #{into}"
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionKind {
    Merge,
    Move,
    Split,
    Unmerge,
}

impl CorrectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionKind::Merge => "merge",
            CorrectionKind::Move => "move",
            CorrectionKind::Split => "split",
            CorrectionKind::Unmerge => "unmerge",
        }
    }
}

/// Where a moved message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Ticket(TicketId),
    New,
}

/// Merges ticket `from` into `into` (or what `into` was merged into): its messages and
/// notes move there, `into` gains its tags, and `from`'s number answers for `into`.
pub fn merge(
    conn: &Connection,
    from: TicketId,
    into: TicketId,
    agent: &str,
    source: EventSource,
) -> Result<Correction, StoreError> {
    atomically(conn, |tx| {
        let origin = Origin::new(agent, source, Utc::now());
        let from_t = live(tx, from)?;
        let into = survivor(tx, into)?;
        if into == from {
            return Err(StoreError::Refused(format!(
                "cannot merge #{from} into itself"
            )));
        }
        let into_t = live(tx, into)?;
        same_account(&from_t, &into_t)?;
        merge_in(tx, &from_t, into, &origin, false)
    })
}

/// Moves message `row` to another ticket, or to a new one. A message that is the last on
/// its ticket takes the ticket along: a merge.
pub fn move_message(
    conn: &Connection,
    row: i64,
    target: Target,
    agent: &str,
    source: EventSource,
) -> Result<Correction, StoreError> {
    atomically(conn, |tx| {
        let origin = Origin::new(agent, source, Utc::now());
        let (message_id, ticket) = message(tx, row)?;
        let from_t = live(tx, ticket)?;
        let on_ticket = messages_of(tx, ticket)?;
        let alone = on_ticket.len() == 1;
        match target {
            Target::New if alone => Err(StoreError::Refused(format!(
                "message {row} is the only one on #{ticket}: it has its own ticket already"
            ))),
            Target::New => split_off(tx, &from_t, vec![(row, message_id)], &origin),
            Target::Ticket(to) => {
                let to = survivor(tx, to)?;
                if to == ticket {
                    return Err(StoreError::Refused(format!(
                        "message {row} is on #{ticket} already"
                    )));
                }
                let to_t = live(tx, to)?;
                same_account(&from_t, &to_t)?;
                if alone {
                    return merge_in(tx, &from_t, to, &origin, false);
                }
                let change = TicketChange::Split {
                    message_ids: vec![message_id],
                    into: to,
                    undo: false,
                };
                apply(tx, ticket, &[change], &origin)?;
                Ok(Correction {
                    kind: CorrectionKind::Move,
                    from: ticket,
                    into: to,
                    messages: vec![row],
                    undo: false,
                })
            }
        }
    })
}

/// Splits ticket `ticket` at message `row`: it and every message after it become a new
/// ticket.
pub fn split(
    conn: &Connection,
    ticket: TicketId,
    row: i64,
    agent: &str,
    source: EventSource,
) -> Result<Correction, StoreError> {
    atomically(conn, |tx| {
        let origin = Origin::new(agent, source, Utc::now());
        let from_t = live(tx, ticket)?;
        let on_ticket = messages_of(tx, ticket)?;
        let Some(at) = on_ticket.iter().position(|(r, _)| *r == row) else {
            message(tx, row)?;
            return Err(StoreError::Refused(format!(
                "message {row} is not on #{ticket}"
            )));
        };
        if at == 0 {
            return Err(StoreError::Refused(format!(
                "message {row} is the first on #{ticket}: splitting there would move the whole ticket"
            )));
        }
        split_off(tx, &from_t, on_ticket[at..].to_vec(), &origin)
    })
}

/// Takes back the last correction that has not been taken back yet; `None` when there is
/// none.
pub fn undo(
    conn: &Connection,
    agent: &str,
    source: EventSource,
) -> Result<Option<Correction>, StoreError> {
    atomically(conn, |tx| {
        let origin = Origin::new(agent, source, Utc::now());
        let Some((ticket, change)) = last_correction(tx)? else {
            return Ok(None);
        };
        let undone = match change {
            TicketChange::Merged {
                into,
                message_ids,
                tags,
                ..
            } => {
                let rows = rows_of(tx, ticket, &message_ids)?;
                let back = TicketChange::Unmerged {
                    from: into,
                    message_ids,
                    tags,
                };
                apply(tx, ticket, &[back], &origin)?;
                Correction {
                    kind: CorrectionKind::Unmerge,
                    from: into,
                    into: ticket,
                    messages: rows,
                    undo: true,
                }
            }
            TicketChange::Split {
                message_ids, into, ..
            } => {
                let on_into = messages_of(tx, into)?;
                let moved: HashSet<&String> = message_ids.iter().collect();
                let emptied = on_into.iter().all(|(_, m)| moved.contains(m));
                if emptied {
                    // the split-off ticket goes back whole: its number answers for the
                    // ticket again
                    let into_t = live(tx, into)?;
                    let mut c = merge_in(tx, &into_t, ticket, &origin, true)?;
                    c.undo = true;
                    c
                } else {
                    let still: Vec<(i64, String)> = on_into
                        .into_iter()
                        .filter(|(_, m)| moved.contains(m))
                        .collect();
                    let back = TicketChange::Split {
                        message_ids: still.iter().map(|(_, m)| m.clone()).collect(),
                        into: ticket,
                        undo: true,
                    };
                    apply(tx, into, &[back], &origin)?;
                    Correction {
                        kind: CorrectionKind::Move,
                        from: into,
                        into: ticket,
                        messages: still.into_iter().map(|(r, _)| r).collect(),
                        undo: true,
                    }
                }
            }
            other => {
                return Err(StoreError::Refused(format!(
                    "cannot undo a {} change",
                    other.kind()
                )));
            }
        };
        Ok(Some(undone))
    })
}

/// The newest correction in the log not yet taken back: corrections stack, and each undo
/// takes the top one off.
fn last_correction(tx: &Connection) -> Result<Option<(TicketId, TicketChange)>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT ticket_id, payload FROM ticket_events
          WHERE (kind = 'merge' OR kind = 'split' OR kind = 'unmerge') AND payload IS NOT NULL
          ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut stack = Vec::new();
    for row in rows {
        let (ticket, payload) = row?;
        let change: TicketChange = serde_json::from_str(&payload)?;
        if !change.is_correction() {
            continue;
        }
        if change.is_undo() {
            stack.pop();
        } else {
            stack.push((ticket, change));
        }
    }
    Ok(stack.pop())
}

/// A ticket that exists and has not been merged away.
struct Live {
    id: TicketId,
    account: String,
    customer: Option<i64>,
    language: Option<String>,
}

fn live(tx: &Connection, id: TicketId) -> Result<Live, StoreError> {
    let row = tx
        .prepare_cached(
            "SELECT account, customer_id, language, merged_into FROM tickets WHERE id = ?1",
        )?
        .query_row([id], |r| {
            let live = Live {
                id,
                account: r.get(0)?,
                customer: r.get(1)?,
                language: r.get(2)?,
            };
            Ok((live, r.get::<_, Option<TicketId>>(3)?))
        })
        .optional()?;
    match row {
        None => Err(StoreError::NoTicket(id)),
        Some((_, Some(into))) => Err(StoreError::Refused(format!(
            "#{id} was merged into #{into}"
        ))),
        Some((live, None)) => Ok(live),
    }
}

fn same_account(a: &Live, b: &Live) -> Result<(), StoreError> {
    if a.account == b.account {
        Ok(())
    } else {
        Err(StoreError::Refused(format!(
            "#{} belongs to account {} and #{} to {}: tickets of two accounts stay apart",
            a.id, a.account, b.id, b.account
        )))
    }
}

/// A message's Message-ID and ticket, by row.
fn message(tx: &Connection, row: i64) -> Result<(String, TicketId), StoreError> {
    let found: Option<(String, Option<TicketId>)> = tx
        .prepare_cached("SELECT message_id, ticket_id FROM messages WHERE id = ?1")?
        .query_row([row], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((m, Some(t))) => Ok((m, t)),
        _ => Err(StoreError::NoMessage(row.to_string())),
    }
}

/// A ticket's messages (notes included), oldest first: (row, Message-ID).
fn messages_of(tx: &Connection, ticket: TicketId) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT id, message_id FROM messages WHERE ticket_id = ?1 ORDER BY date, id",
        )?
        .query_map([ticket], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?)
}

/// The rows of `message_ids` in `ticket`'s account.
fn rows_of(
    tx: &Connection,
    ticket: TicketId,
    message_ids: &[String],
) -> Result<Vec<i64>, StoreError> {
    let mut rows = Vec::with_capacity(message_ids.len());
    for m in message_ids {
        let row: Option<i64> = tx
            .prepare_cached(
                "SELECT m.id FROM messages m JOIN tickets t ON t.account = m.account
                  WHERE t.id = ?1 AND m.message_id = ?2",
            )?
            .query_row(params![ticket, m], |r| r.get(0))
            .optional()?;
        rows.extend(row);
    }
    Ok(rows)
}

fn tags_of(tx: &Connection, ticket: TicketId) -> Result<Vec<String>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT tag FROM ticket_tags WHERE ticket_id = ?1 ORDER BY tag")?
        .query_map([ticket], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// `from` into `into`, every message and the tags `into` lacks.
fn merge_in(
    tx: &Connection,
    from: &Live,
    into: TicketId,
    origin: &Origin,
    undo: bool,
) -> Result<Correction, StoreError> {
    let messages = messages_of(tx, from.id)?;
    let have: HashSet<String> = tags_of(tx, into)?.into_iter().collect();
    let tags: Vec<String> = tags_of(tx, from.id)?
        .into_iter()
        .filter(|t| !have.contains(t))
        .collect();
    let change = TicketChange::Merged {
        into,
        message_ids: messages.iter().map(|(_, m)| m.clone()).collect(),
        tags,
        undo,
    };
    apply(tx, from.id, &[change], origin)?;
    Ok(Correction {
        kind: CorrectionKind::Merge,
        from: from.id,
        into,
        messages: messages.into_iter().map(|(r, _)| r).collect(),
        undo,
    })
}

/// A new ticket for `messages` (oldest first) of `from`: the first one's subject, `from`'s
/// customer and language, open.
fn split_off(
    tx: &Connection,
    from: &Live,
    messages: Vec<(i64, String)>,
    origin: &Origin,
) -> Result<Correction, StoreError> {
    let first = messages
        .first()
        .map(|(r, _)| *r)
        .ok_or_else(|| StoreError::Refused("nothing to split off".into()))?;
    let subject: String = tx
        .prepare_cached("SELECT subject FROM messages WHERE id = ?1")?
        .query_row([first], |r| r.get(0))?;
    let id = next_ticket_id(tx)?;
    let mut begin = vec![TicketChange::Created(NewTicket {
        account: from.account.clone(),
        normalized_subject: normalize_subject(&subject),
        subject,
        status: Status::Open,
        customer: from.customer,
    })];
    if let Some(language) = &from.language {
        begin.push(TicketChange::LanguageSet {
            language: language.clone(),
        });
    }
    apply(tx, id, &begin, origin)?;
    let change = TicketChange::Split {
        message_ids: messages.iter().map(|(_, m)| m.clone()).collect(),
        into: id,
        undo: false,
    };
    apply(tx, from.id, &[change], origin)?;
    Ok(Correction {
        kind: CorrectionKind::Split,
        from: from.id,
        into: id,
        messages: messages.into_iter().map(|(r, _)| r).collect(),
        undo: false,
    })
}

#[cfg(test)]
mod tests;
