//! A survey answer: an incoming mail whose subject holds a vote token this install signed
//! for the ticket it threads onto. The vote is recorded on the ticket (`Rated`); the mail
//! itself is kept on no ticket, because it is no conversation: it must not reopen the
//! ticket, start or stop a service-level clock, count as a customer message or a repeat
//! contact, or be acknowledged. A token that does not verify is no vote: the mail goes on
//! as ordinary mail, with a warning on it.

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

use super::{AccountIdentity, Fetched, IngestOutcome, SYNC_AGENT, row};
use crate::domain::threading::Placed;
use crate::domain::vote::{Score, comment, find_token, verify};
use crate::domain::{
    Direction, EventSource, Origin, ParsedMessage, PlacedBy, TicketChange, TicketId,
};
use crate::store::StoreError;
use crate::store::events::apply;
use crate::store::ratings::secret;

/// What a subject's vote token says about the mail.
pub(super) enum Verdict {
    /// No token: ordinary mail.
    None,
    Vote(Score),
    /// A token this install did not sign for this ticket: ordinary mail, with this warning.
    Forged(String),
}

/// Reads the subject of an incoming mail threaded onto `ticket`.
pub(super) fn verdict(
    tx: &Transaction,
    ticket: TicketId,
    subject: &str,
) -> Result<Verdict, StoreError> {
    let Some(found) = find_token(subject) else {
        return Ok(Verdict::None);
    };
    let secret = secret(tx)?;
    let first = match verify(&secret, ticket, &found) {
        Ok(score) => return Ok(Verdict::Vote(score)),
        Err(e) => e,
    };
    // The survey may have gone out on a ticket merged into this one since: its number
    // answers for this ticket, and so does its vote.
    for merged in merged_into(tx, ticket)? {
        if let Ok(score) = verify(&secret, merged, &found) {
            return Ok(Verdict::Vote(score));
        }
    }
    tracing::warn!("ticket #{ticket}: vote not counted: {first}");
    Ok(Verdict::Forged(format!("vote not counted: {first}")))
}

/// The tickets merged into `ticket`.
fn merged_into(tx: &Transaction, ticket: TicketId) -> Result<Vec<TicketId>, StoreError> {
    let mut stmt = tx.prepare_cached("SELECT id FROM tickets WHERE merged_into = ?1")?;
    let ids = stmt.query_map([ticket], |r| r.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

/// The message row's facts that ingest already settled.
pub(super) struct Filed<'a> {
    pub message_id: &'a str,
    pub date: DateTime<Utc>,
    pub warnings: Vec<String>,
    pub ticket: TicketId,
    pub score: Score,
    /// The mail's full-text entry.
    pub index: &'a super::IndexEntry,
}

/// Records the vote on its ticket and stores the mail on no ticket.
pub(super) fn file(
    tx: &Transaction,
    account: &AccountIdentity,
    mailbox_id: Option<i64>,
    fetched: &Fetched,
    parsed: &ParsedMessage,
    mail: Filed,
    source: EventSource,
) -> Result<IngestOutcome, StoreError> {
    let change = TicketChange::Rated {
        score: mail.score,
        comment: comment(&parsed.text),
        message_id: mail.message_id.to_string(),
    };
    // When the vote was cast, as its Date says; never later than now, so a sender's clock
    // set ahead cannot make its vote outlast the ones after it.
    let at = mail.date.min(chrono::Utc::now());
    apply(
        tx,
        mail.ticket,
        &[change],
        &Origin::new(SYNC_AGENT, source, at),
    )?;
    let placed = Placed::rule_only(PlacedBy::Token);
    let stored = row::MessageRow {
        account: &account.name,
        message_id: mail.message_id,
        ticket: None,
        direction: Direction::In,
        date: mail.date.timestamp(),
        placed: &placed,
        warnings: &mail.warnings,
        language: None,
        index: mail.index,
    };
    row::insert(tx, &stored, mailbox_id, fetched, parsed)?;
    Ok(IngestOutcome::Vote(mail.ticket))
}
