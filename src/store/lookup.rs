//! The store's side of threading: answers `ThreadLookup` questions inside the ingest
//! transaction, so messages of the same batch see each other. A merged ticket's number
//! answers for the ticket it was merged into (`corrections::survivor`), so old tokens,
//! and replies to our mail queued on it, still thread.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::corrections::survivor;
use super::ingest::DUP_MARK;
use crate::domain::TicketId;
use crate::domain::threading::{KnownMessage, SubjectTicket, ThreadLookup, TicketFacts};

pub(crate) struct TxLookup<'a> {
    pub tx: &'a Transaction<'a>,
    pub account: &'a str,
}

impl ThreadLookup for TxLookup<'_> {
    fn ticket(&self, id: TicketId) -> Option<TicketFacts> {
        let id = survivor(self.tx, id).ok()?;
        let exists: Option<Option<i64>> = self
            .tx
            .prepare_cached("SELECT customer_id FROM tickets WHERE id = ?1 AND account = ?2")
            .and_then(|mut s| {
                s.query_row(params![id, self.account], |r| r.get(0))
                    .optional()
            })
            .ok()
            .flatten();
        let customer = exists?;
        let mut addresses: Vec<String> = Vec::new();
        if let Ok(mut s) = self.tx.prepare_cached(
            "SELECT email FROM customer_addresses WHERE customer_id = ?1
             UNION ALL
             SELECT from_email FROM messages WHERE ticket_id = ?2 AND from_email IS NOT NULL",
        ) && let Ok(rows) = s.query_map(params![customer, id], |r| r.get::<_, String>(0))
        {
            addresses.extend(rows.flatten());
        }
        // each once (here rather than by a UNION, which builds a temporary table)
        addresses.sort_unstable();
        addresses.dedup();
        Some(TicketFacts { id, addresses })
    }

    fn find_message(&self, message_id: &str, correspondent: &str) -> Option<KnownMessage> {
        // A reused Message-ID names several messages (the original and `ID#dup-…`
        // variants, see `ingest`): the one on the correspondent's own ticket wins, then the
        // first. The outbox knows our replies before their copy is synced back.
        let variants_from = format!("{message_id}{DUP_MARK}");
        let variants_to = format!("{message_id}#dup.");
        // One range of the Message-ID index holds the id and its variants (the filter drops
        // an id that only sorts between them); the choice is made here, since a sort or an
        // OR of two ranges in SQL builds temporary tables for what is nearly always one row.
        let mut best: Option<(Option<i64>, i64, bool)> = None;
        if let Ok(mut s) = self.tx.prepare_cached(
            "SELECT m.ticket_id, m.id,
                    EXISTS (SELECT 1 FROM tickets t
                              JOIN customer_addresses ca ON ca.customer_id = t.customer_id
                             WHERE t.id = m.ticket_id AND ca.email = ?5)
               FROM messages m
              WHERE m.account = ?1 AND m.message_id >= ?2 AND m.message_id < ?4
                AND (m.message_id = ?2 OR m.message_id >= ?3)",
        ) && let Ok(rows) = s.query_map(
            params![
                self.account,
                message_id,
                variants_from,
                variants_to,
                correspondent
            ],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        ) {
            // on the correspondent's own ticket first, then the first stored
            best = rows
                .flatten()
                .min_by_key(|&(_, row, theirs): &(Option<i64>, i64, bool)| (!theirs, row));
        }
        let found = match best {
            Some((ticket, row, _)) => Some((ticket, Some(row))),
            None => self
                .tx
                .prepare_cached(
                    "SELECT ticket_id FROM outbox WHERE account = ?1 AND message_id = ?2 LIMIT 1",
                )
                .and_then(|mut s| {
                    s.query_row(params![self.account, message_id], |r| {
                        Ok((r.get::<_, Option<i64>>(0)?, None))
                    })
                    .optional()
                })
                .ok()
                .flatten(),
        };
        found.and_then(|(ticket, row)| {
            // an outbox row queued on a ticket merged since
            let ticket = survivor(self.tx, ticket?).ok()?;
            Some(KnownMessage { ticket, row })
        })
    }

    fn recent_tickets_by_subject(
        &self,
        customer: &str,
        normalized_subject: &str,
        since: DateTime<Utc>,
    ) -> Vec<SubjectTicket> {
        // A few are enough: threading reads past the first only for tickets stored before
        // the account's order numbers were kept, to find the one naming the same order.
        let mut out = Vec::new();
        if let Ok(mut s) = self.tx.prepare_cached(
            "SELECT t.id, t.subject FROM tickets t
               JOIN customer_addresses a ON a.customer_id = t.customer_id
              WHERE a.email = ?1 AND t.normalized_subject = ?2 AND t.account = ?3
                AND t.updated_at >= ?4 AND t.merged_into IS NULL
              ORDER BY t.updated_at DESC, t.id DESC LIMIT 20",
        ) && let Ok(rows) = s.query_map(
            params![
                customer,
                normalized_subject,
                self.account,
                since.timestamp()
            ],
            |r| {
                Ok(SubjectTicket {
                    id: r.get(0)?,
                    subject: r.get(1)?,
                })
            },
        ) {
            out.extend(rows.flatten());
        }
        out
    }
}
