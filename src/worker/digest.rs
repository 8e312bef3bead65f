//! When `sync` mails the service-level digest (`[sla] digest_to`): at most once per period
//! of `digest_every`, counted from the Unix epoch so two watchers or a restart agree on the
//! period and its dedupe key, and only when there is something to say — a ticket
//! approaching or past a target, or a bad vote not in an earlier digest. The clocks are
//! assessed as `sla` does (history starts none); the mail is queued through the outbox and
//! sent by the normal flusher.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::config::Config;
use crate::domain::digest::{DigestRow, DigestVote, period_start, render};
use crate::domain::sla::BusinessCalendar;
use crate::mailout::{MailoutError, digest};
use crate::store::alerts::{AlertKey, claim};
use crate::store::outbox::{Enqueued, dedupe_key_used};
use crate::store::timeline::stages;
use crate::store::{StoreError, ratings, reply_facts};

use super::service_levels::refresh_stages;

/// The `sla_alerts` stage that marks a bad vote as mailed in a digest.
const VOTE_STAGE: &str = "digest";

/// How far back a bad vote not yet mailed is still news when the digest is first turned
/// on (or after a long pause).
const VOTE_LOOKBACK: Duration = Duration::days(7);

/// Queues the digest of the period `now` falls in, unless it is off, was queued already,
/// or would be empty. Returns the outbox row it queued.
pub fn queue_due(
    conn: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Option<i64>, MailoutError> {
    let Some(to) = config.sla.digest_to.as_deref() else {
        return Ok(None);
    };
    // the digest comes from the first account: the shop's main address
    let Some(account) = config.accounts.first() else {
        return Ok(None);
    };
    let key = digest::key(period_start(now, config.sla.digest_every));
    if dedupe_key_used(conn, &key)? {
        return Ok(None);
    }
    let rows = clock_rows(conn, config, now)?;
    // Claiming the votes and queueing the mail is one transaction: a vote is in exactly
    // one digest, and a second watcher waits here and then finds the period's key taken.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    if dedupe_key_used(&tx, &key)? {
        return Ok(None);
    }
    let votes = claim_votes(&tx, now)?;
    let zone = BusinessCalendar::from(&config.sla.hours).zone;
    let Some(mail) = render(&rows, &votes, &zone) else {
        return Ok(None);
    };
    let queued = digest::queue(&tx, account, config.shop.name.as_deref(), to, &mail, key)?;
    tx.commit()?;
    Ok(match queued {
        Enqueued::Queued(id) => Some(id),
        Enqueued::Duplicate(_) => None,
    })
}

/// Every active ticket's clocks at a stage, with the ticket's subject: the stored stages,
/// brought up to date (a rebuild only when something moved since, not an assessment of
/// every ticket on each beat).
fn clock_rows(
    conn: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Vec<DigestRow>, StoreError> {
    refresh_stages(conn, config, now)?;
    stages::rows(conn)?
        .into_iter()
        .map(|r| {
            Ok(DigestRow {
                subject: subject(conn, r.ticket_id)?,
                ticket: r.ticket_id,
                target: r.target,
                stage: r.stage,
                due_at: r.due_at.and_then(|t| DateTime::from_timestamp(t, 0)),
                policy: r.policy,
            })
        })
        .collect()
}

/// The bad votes of the last week not mailed before, each claimed for this digest.
fn claim_votes(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<DigestVote>, StoreError> {
    let since = now - VOTE_LOOKBACK;
    let mut out = Vec::new();
    for (ticket, r) in ratings::all(conn)? {
        if !r.score.is_bad() || r.at < since {
            continue;
        }
        let key = AlertKey {
            ticket,
            target: r.score.kind().as_str(),
            started_at: r.at.timestamp(),
            stage: VOTE_STAGE,
        };
        if !claim(conn, key, now.timestamp())? {
            continue;
        }
        out.push(DigestVote {
            ticket,
            subject: subject(conn, ticket)?,
            score: r.score.to_string(),
            comment: r.comment,
            at: r.at,
        });
    }
    Ok(out)
}

fn subject(conn: &Connection, ticket: i64) -> Result<String, StoreError> {
    Ok(reply_facts::ticket(conn, ticket)?
        .map(|t| t.subject)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests;
