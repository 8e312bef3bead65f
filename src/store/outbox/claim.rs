//! Claiming: which row a sender takes next. A claim is taken in an immediate transaction;
//! rows whose holder is gone are freed first, and an account's rate counts the sends of the
//! last minute by every sender.

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, TransactionBehavior, params};

use super::{COLUMNS, OutboxRow, row};
use crate::store::StoreError;

/// What a sender asks for when it claims its next row.
pub struct ClaimRequest<'a> {
    /// The sender's name (see `worker::claimant`).
    pub owner: &'a str,
    pub now: i64,
    /// How long the claim holds without a renewal.
    pub lease_secs: i64,
    /// Only these rows.
    pub only: Option<&'a [i64]>,
    /// Not these rows (tried already in this run).
    pub skip: &'a [i64],
    /// Rows in their undo window or waiting for a retry are due now too.
    pub ignore_not_before: bool,
    /// Sends per minute allowed per account (`max_per_minute`), counted over every sender.
    pub per_minute: &'a HashMap<String, u32>,
    /// Whether the holder of a claim still runs (false frees its rows at once).
    pub is_alive: &'a dyn Fn(&str) -> bool,
}

/// The answer to a claim.
#[derive(Debug)]
pub enum Claim {
    /// This row is now ours.
    Row(Box<OutboxRow>),
    /// Nothing can be claimed now; the first row becomes claimable at this time.
    WaitUntil(i64),
    /// Nothing left to send.
    Nothing,
}

/// Claims the next row to work on: due, not held by a running sender, and within its
/// account's rate (delivered rows that only need their Sent copy do not count). Rows held
/// by a sender that died, or whose lease lapsed, are released first.
pub fn claim_next(conn: &mut Connection, req: &ClaimRequest) -> Result<Claim, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    release_stale(&tx, req)?;
    let only = req.only.map(serde_json::to_string).transpose()?;
    let skip = serde_json::to_string(req.skip)?;
    let candidates: Vec<(i64, String, i64, bool, bool)> = tx
        .prepare_cached(
            "SELECT id, account, not_before, delivered_at IS NOT NULL, state = 'failed'
               FROM outbox
              WHERE state IN ('queued', 'failed') AND permanent = 0
                AND (?1 IS NULL OR id IN (SELECT value FROM json_each(?1)))
                AND id NOT IN (SELECT value FROM json_each(?2))
              ORDER BY not_before, id",
        )?
        .query_map(params![only, skip], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut wait: Option<i64> = None;
    let mut rate_free_at: HashMap<&str, Option<i64>> = HashMap::new();
    for (id, account, not_before, delivered, failed) in &candidates {
        if !req.ignore_not_before && *not_before > req.now {
            // A reply in its undo window or its place in a paced batch is worth waiting
            // for; a failed one waits for its retry on its own.
            if !failed {
                wait = Some(wait.map_or(*not_before, |w| w.min(*not_before)));
            }
            continue;
        }
        if !delivered && let Some(limit) = req.per_minute.get(account) {
            let free_at = match rate_free_at.get(account.as_str()) {
                Some(f) => *f,
                None => {
                    let f = rate_free_at_for(&tx, account, *limit, req.now)?;
                    rate_free_at.insert(account, f);
                    f
                }
            };
            if let Some(at) = free_at {
                wait = Some(wait.map_or(at, |w| w.min(at)));
                continue;
            }
        }
        let taken = tx
            .prepare_cached(
                "UPDATE outbox SET state = 'sending', claimed_by = ?2, lease_until = ?3,
                        attempts = attempts + 1
                  WHERE id = ?1 AND state IN ('queued', 'failed')",
            )?
            .execute(params![id, req.owner, req.now + req.lease_secs])?;
        if taken == 1 {
            let claimed = tx
                .prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"))?
                .query_row([id], row)?;
            tx.commit()?;
            return Ok(Claim::Row(Box::new(claimed)));
        }
    }
    let held: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM outbox WHERE state = 'sending'
               AND (?1 IS NULL OR id IN (SELECT value FROM json_each(?1)))",
        )?
        .query_row([&only], |r| r.get(0))?;
    tx.commit()?;
    Ok(match wait {
        Some(at) => Claim::WaitUntil(at),
        // Rows another sender holds are its to finish; a caller waiting on them (a bulk
        // run) looks again shortly.
        None if held > 0 => Claim::WaitUntil(req.now + 1),
        None => Claim::Nothing,
    })
}

/// Frees rows whose holder is gone (its process ended, or its lease lapsed). They keep
/// their marks, so the next claimant resumes at the right step.
fn release_stale(tx: &Transaction, req: &ClaimRequest) -> Result<(), StoreError> {
    let holders: Vec<(String, i64)> = tx
        .prepare_cached(
            "SELECT claimed_by, max(coalesce(lease_until, 0)) FROM outbox
              WHERE state = 'sending' GROUP BY claimed_by",
        )?
        .query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                r.get(1)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    for (holder, lease_until) in holders {
        if holder != req.owner && (lease_until <= req.now || !(req.is_alive)(&holder)) {
            tx.prepare_cached(
                "UPDATE outbox SET state = 'queued', claimed_by = NULL, lease_until = NULL
                  WHERE state = 'sending' AND coalesce(claimed_by, '') = ?1",
            )?
            .execute([&holder])?;
            tracing::info!(holder = %holder, "released the rows of a sender that is gone");
        }
    }
    Ok(())
}

/// When the account may send again, or `None` if it may now: sends of the last minute,
/// by any sender, against the limit.
fn rate_free_at_for(
    tx: &Transaction,
    account: &str,
    per_minute: u32,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let recent: Vec<i64> = tx
        .prepare_cached(
            "SELECT data_at FROM outbox WHERE account = ?1 AND data_at > ?2
              ORDER BY data_at DESC LIMIT ?3",
        )?
        .query_map(params![account, now - 60, per_minute], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if recent.len() < per_minute as usize {
        return Ok(None);
    }
    // The oldest of the last `per_minute` sends leaves the window a minute after it.
    Ok(recent.last().map(|oldest| oldest + 60))
}
