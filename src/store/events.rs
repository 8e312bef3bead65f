//! The one writer of ticket state: `apply` carries out `TicketChange`s on a ticket and
//! appends each one to `ticket_events` (who, when, from where, and the change as JSON).
//! Sync, the send worker, agents' verbs, the demo shop and a replay all change tickets
//! through it, so the log is complete and in order. Threading corrections (merge, split,
//! move, undo) move messages between tickets in `moves`.

mod moves;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::StoreError;
use crate::domain::ticket_change::{StatusCause, TicketChange};
use crate::domain::{Direction, Origin, Status, TicketId};

/// Applies `changes` to `ticket` in order and logs each one, inside the caller's
/// transaction. A `Created` change makes the ticket with this id. A tag that is already
/// there (or already gone) changes nothing and is not logged.
pub fn apply(
    tx: &Connection,
    ticket: TicketId,
    changes: &[TicketChange],
    origin: &Origin,
) -> Result<(), StoreError> {
    debug_assert!(
        !tx.is_autocommit(),
        "ticket changes apply inside a transaction"
    );
    for change in changes {
        if apply_one(tx, ticket, change, origin)? {
            tx.prepare_cached(
                "INSERT INTO ticket_events (ticket_id, at, agent, kind, value, source, payload)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                ticket,
                origin.at.timestamp(),
                origin.who,
                change.kind(),
                change.value(),
                origin.source.as_str(),
                serde_json::to_string(change)?,
            ])?;
        }
    }
    Ok(())
}

/// The id the next new ticket gets: inside a write transaction, the one SQLite would pick.
pub fn next_ticket_id(tx: &Connection) -> Result<TicketId, StoreError> {
    Ok(tx
        .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM tickets")?
        .query_row([], |r| r.get(0))?)
}

/// Runs `f` in a transaction of its own, or in the caller's when one is open: each verb
/// is all or nothing, and can still be part of a larger unit (a reply filed as sent).
pub fn atomically<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    if !conn.is_autocommit() {
        return f(conn);
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// Whether the change did something (and so belongs in the log).
fn apply_one(
    tx: &Connection,
    ticket: TicketId,
    change: &TicketChange,
    origin: &Origin,
) -> Result<bool, StoreError> {
    let at = origin.at.timestamp();
    let updated = match change {
        TicketChange::Created(t) => tx
            .prepare_cached(
                "INSERT INTO tickets (id, account, subject, normalized_subject, status,
                    customer_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
            )?
            .execute(params![
                ticket,
                t.account,
                t.subject,
                t.normalized_subject,
                t.status.as_str(),
                t.customer,
                at
            ])?,
        TicketChange::MessageAdded { direction, .. } => touch(tx, ticket, *direction, at)?,
        TicketChange::Noted {
            message_id,
            author,
            text,
        } => {
            let account = account_of(tx, ticket)?;
            tx.prepare_cached(
                "INSERT INTO messages (account, message_id, ticket_id, direction, from_email,
                    from_name, subject, date, text, placed_by, created_at)
                 VALUES (?1, ?2, ?3, 'note', NULL, ?4, '', ?5, ?6, 'manual', ?5)",
            )?
            .execute(params![account, message_id, ticket, author, at, text])?;
            let row = tx.last_insert_rowid();
            // a note is found by its words and its author, as mail is by its sender
            let author = crate::domain::Address {
                email: String::new(),
                name: Some(author.clone()),
            };
            let entry = super::ingest::IndexEntry::new("", text, std::iter::once(&author));
            super::ingest::queue_index(tx, row, &entry)?;
            super::ingest::index_queued(tx)?;
            touch(tx, ticket, Direction::Note, at)?
        }
        TicketChange::StatusSet { status, cause } => tx
            .prepare_cached(
                "UPDATE tickets SET status = ?2,
                    updated_at = CASE WHEN ?3 THEN max(updated_at, ?4) ELSE updated_at END
                 WHERE id = ?1",
            )?
            .execute(params![
                ticket,
                status.as_str(),
                *cause == StatusCause::Agent,
                at
            ])?,
        TicketChange::Assigned { owner } => tx
            .prepare_cached("UPDATE tickets SET owner = ?2 WHERE id = ?1")?
            .execute(params![ticket, owner])?,
        TicketChange::PrioritySet { priority } => tx
            .prepare_cached("UPDATE tickets SET priority = ?2 WHERE id = ?1")?
            .execute(params![ticket, priority.level()])?,
        TicketChange::Tagged { tag } => {
            exists(tx, ticket)?;
            let n = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO ticket_tags (ticket_id, tag) VALUES (?1, ?2)",
                )?
                .execute(params![ticket, tag])?;
            return Ok(n > 0);
        }
        TicketChange::Untagged { tag } => {
            exists(tx, ticket)?;
            let n = tx
                .prepare_cached("DELETE FROM ticket_tags WHERE ticket_id = ?1 AND tag = ?2")?
                .execute(params![ticket, tag])?;
            return Ok(n > 0);
        }
        TicketChange::FirstResponse { at } => tx
            .prepare_cached("UPDATE tickets SET first_response_at = ?2 WHERE id = ?1")?
            .execute(params![ticket, at.timestamp()])?,
        TicketChange::DueSet { due } => tx
            .prepare_cached("UPDATE tickets SET due_at = ?2 WHERE id = ?1")?
            .execute(params![ticket, due.map(|d| d.timestamp())])?,
        TicketChange::LanguageSet { language } => tx
            .prepare_cached("UPDATE tickets SET language = ?2 WHERE id = ?1")?
            .execute(params![ticket, language])?,
        TicketChange::CustomerLinked { customer } => tx
            .prepare_cached("UPDATE tickets SET customer_id = ?2 WHERE id = ?1")?
            .execute(params![ticket, customer])?,
        TicketChange::AddressLearned { email } => {
            exists(tx, ticket)?;
            tx.prepare_cached(
                "INSERT OR IGNORE INTO customer_addresses (email, customer_id)
                 SELECT ?2, customer_id FROM tickets WHERE id = ?1 AND customer_id IS NOT NULL",
            )?
            .execute(params![ticket, email])?;
            1
        }
        TicketChange::CustomerMerged {
            from,
            into,
            addresses,
        }
        | TicketChange::CustomerUnmerged {
            from,
            into,
            addresses,
        } => move_customer(tx, ticket, *from, *into, addresses)?,
        // The log is the link: the newest of these names the ticket's order.
        TicketChange::OrderLinked { .. } => {
            exists(tx, ticket)?;
            1
        }
        TicketChange::Rated {
            score,
            comment,
            message_id,
        } => super::ratings::upsert(
            tx,
            ticket,
            &super::ratings::Rating {
                score: *score,
                comment: comment.clone(),
                at: origin.at,
                message_id: message_id.clone(),
            },
        )?,
        TicketChange::Merged {
            into,
            message_ids,
            tags,
            undo,
        } => {
            let mark = if *undo {
                moves::Mark::Restored
            } else {
                moves::Mark::Moved {
                    who: &origin.who,
                    from: ticket,
                }
            };
            moves::move_messages(tx, ticket, *into, message_ids, mark)?;
            moves::add_tags(tx, *into, tags)?;
            moves::set_merged_into(tx, ticket, Some(*into))?;
            1
        }
        TicketChange::Unmerged {
            from,
            message_ids,
            tags,
        } => {
            moves::move_messages(tx, *from, ticket, message_ids, moves::Mark::Restored)?;
            moves::remove_tags(tx, *from, tags)?;
            moves::set_merged_into(tx, ticket, None)?;
            1
        }
        TicketChange::Split {
            message_ids,
            into,
            undo,
        } => {
            let mark = if *undo {
                moves::Mark::Restored
            } else {
                moves::Mark::Moved {
                    who: &origin.who,
                    from: ticket,
                }
            };
            moves::move_messages(tx, ticket, *into, message_ids, mark)?;
            1
        }
    };
    if updated == 0 {
        return Err(StoreError::NoTicket(ticket));
    }
    Ok(true)
}

/// The ticket, and those of the addresses that still belong to `from`, move to customer
/// `into`. An address already moved (the same merge logged on the customer's next ticket,
/// or replayed over copied customers) stays where it is.
fn move_customer(
    tx: &Connection,
    ticket: TicketId,
    from: i64,
    into: i64,
    addresses: &[String],
) -> Result<usize, StoreError> {
    for email in addresses {
        tx.prepare_cached(
            "UPDATE customer_addresses SET customer_id = ?3 WHERE email = ?1 AND customer_id = ?2",
        )?
        .execute(params![email, from, into])?;
    }
    Ok(tx
        .prepare_cached("UPDATE tickets SET customer_id = ?2 WHERE id = ?1")?
        .execute(params![ticket, into])?)
}

/// A message joined the ticket: counted, and the ticket's activity moves to its date.
fn touch(
    tx: &Connection,
    ticket: TicketId,
    direction: Direction,
    at: i64,
) -> Result<usize, StoreError> {
    Ok(tx
        .prepare_cached(
            "UPDATE tickets SET message_count = message_count + 1,
                updated_at = max(updated_at, ?2),
                last_customer_at = CASE WHEN ?3
                    THEN max(coalesce(last_customer_at, 0), ?2) ELSE last_customer_at END
             WHERE id = ?1",
        )?
        .execute(params![ticket, at, direction == Direction::In])?)
}

fn account_of(tx: &Connection, ticket: TicketId) -> Result<String, StoreError> {
    tx.prepare_cached("SELECT account FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NoTicket(ticket))
}

pub(crate) fn exists(conn: &Connection, ticket: TicketId) -> Result<(), StoreError> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM tickets WHERE id = ?1")?
        .query_row([ticket], |r| r.get(0))
        .optional()?;
    found.map(|_| ()).ok_or(StoreError::NoTicket(ticket))
}

/// A status column read as a `Status`; anything else is a damaged row, reported as such
/// (`StoreError::Unknown`) rather than guessed.
pub(crate) fn status_column(r: &rusqlite::Row, idx: usize) -> rusqlite::Result<Status> {
    r.get(idx)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::domain::EventSource;
    use crate::domain::ticket_change::NewTicket;
    use crate::store::Store;

    fn created() -> TicketChange {
        TicketChange::Created(NewTicket {
            account: "shop".into(),
            subject: "Hi".into(),
            normalized_subject: "hi".into(),
            status: Status::New,
            customer: None,
        })
    }

    #[test]
    fn changes_apply_in_order_and_only_real_ones_are_logged() {
        let mut store = Store::open_in_memory().expect("store");
        let tx = store.write().expect("tx");
        let origin = Origin::new("alice", EventSource::Console, Utc::now());
        let id = next_ticket_id(&tx).expect("id");
        let tag = |t: &str| TicketChange::Tagged { tag: t.into() };
        apply(&tx, id, &[created(), tag("a"), tag("a")], &origin).expect("apply");
        let kinds: Vec<(String, String)> = tx
            .prepare("SELECT kind, source FROM ticket_events ORDER BY id")
            .expect("p")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(
            kinds,
            [
                ("created".to_string(), "console".to_string()),
                ("tag".into(), "console".into())
            ]
        );
        assert!(matches!(
            apply(&tx, id + 1, &[tag("b")], &origin),
            Err(StoreError::NoTicket(_))
        ));
        // A merge into a ticket that does not exist changes nothing.
        let merge = TicketChange::Merged {
            into: 9,
            message_ids: Vec::new(),
            tags: Vec::new(),
            undo: false,
        };
        assert!(matches!(
            apply(&tx, id, &[merge], &origin),
            Err(StoreError::NoTicket(9))
        ));
    }

    #[test]
    fn a_log_row_from_before_typed_events_is_not_replayed() {
        let store = Store::open_in_memory().expect("store");
        let c = store.conn();
        atomically(c, |tx| {
            let origin = Origin::new("alice", EventSource::Cli, Utc::now());
            apply(tx, 1, &[created()], &origin)
        })
        .expect("created");
        c.execute(
            "INSERT INTO ticket_events (ticket_id, at, agent, kind, value)
             VALUES (1, 0, 'alice', 'status', 'open')",
            [],
        )
        .expect("old row");
        assert!(matches!(
            crate::store::replay::recorded(c),
            Err(StoreError::Untyped(2))
        ));
    }
}
