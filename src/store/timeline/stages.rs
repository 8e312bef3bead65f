//! Service-level stages as stored rows (`sla_stages`, migration 0014): what `is:breaching`,
//! `is:approaching` and the console's counter look up. The clocks themselves are pure
//! (`domain::sla::levels`) and assessed by `worker::service_levels`; this module keeps their
//! answer — each ticket's worst stage per target — with a stamp of what it was built from,
//! so a caller can tell cheaply whether the rows still hold.
//!
//! Stages move with time as well as with events: a clock turns approaching, then breached,
//! while nothing is written. So rows are built with the time they hold until — the next
//! moment a running clock changes stage, at most [`MAX_AGE_S`] on — and are stale after
//! it, or when an event or a ticket came after the ones they were built from, or the
//! policies changed. A quiet shop is written to only when a stage really changes.
//!
//! Rows are brought up to date per ticket when only events and tickets moved ([`moved`],
//! [`update`]): each active ticket whose stages may move by themselves keeps the moment to
//! look at it again (`sla_stage_checks`, migration 0018), so the tickets re-assessed are
//! those whose events came since the last build and those whose moment has come, and the
//! rows equal what a build of every ticket would store.
//!
//! The alert check of `sync --watch` raises from these rows too: each names its clock by
//! when it started, and each build is numbered, so the check can tell that the rows it
//! raised from were not rebuilt since and skip reading them (a quiet beat reads the stamp).

use std::collections::{BTreeSet, HashSet};

use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::TicketId;
use crate::store::StoreError;
use crate::store::events::atomically;

/// The longest rows built from an unchanged store hold, in seconds: a bound on what the
/// clocks' own next change could miss.
pub const MAX_AGE_S: i64 = 600;

/// One ticket's clock for one target at a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRow {
    pub ticket_id: TicketId,
    /// first_reply | next_reply | resolution
    pub target: String,
    /// approaching | breached
    pub stage: String,
    pub due_at: Option<i64>,
    pub policy: String,
    /// When the clock started (Unix seconds): with the ticket, target and stage, what an
    /// alert is raised once for.
    pub started_at: i64,
}

/// What a set of rows was built from: the newest event and ticket, the rules (a
/// fingerprint of the policies), how many policies there were, when, and until when they
/// hold (the first moment they may not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub last_event: i64,
    pub last_ticket: i64,
    pub rules: String,
    pub policies: i64,
    pub built_at: i64,
    pub valid_until: i64,
}

impl Stamp {
    /// The same stamp holding until `at` (at most [`MAX_AGE_S`] after the build).
    pub fn until(self, at: Option<i64>) -> Stamp {
        let cap = self.built_at.saturating_add(MAX_AGE_S);
        Stamp {
            valid_until: at.map_or(cap, |t| t.clamp(self.built_at, cap)),
            ..self
        }
    }
}

/// The stamp rows built now (`now`) under `rules` would have, holding [`MAX_AGE_S`]
/// unless [`Stamp::until`] says less.
pub fn current(
    conn: &Connection,
    rules: &str,
    policies: usize,
    now: i64,
) -> Result<Stamp, StoreError> {
    let (last_event, last_ticket) = conn.query_row(
        "SELECT (SELECT coalesce(max(id), 0) FROM ticket_events),
                (SELECT coalesce(max(id), 0) FROM tickets)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Stamp {
        last_event,
        last_ticket,
        rules: rules.to_string(),
        policies: i64::try_from(policies).unwrap_or(i64::MAX),
        built_at: now,
        valid_until: now.saturating_add(MAX_AGE_S),
    })
}

/// Whether the stored rows still hold for `stamp`: built from the same events, tickets and
/// rules, and `stamp.built_at` (now) within `[built_at, valid_until)` of the build (a clock
/// set back rebuilds too).
pub fn holds(conn: &Connection, stamp: &Stamp) -> Result<bool, StoreError> {
    let built: Option<(i64, i64, String, i64, i64)> = conn
        .query_row(
            "SELECT last_event, last_ticket, rules, built_at, valid_until FROM sla_stages_built",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    Ok(built.is_some_and(|(e, t, rules, at, until)| {
        e == stamp.last_event
            && t == stamp.last_ticket
            && rules == stamp.rules
            && (at..until).contains(&stamp.built_at)
    }))
}

/// The stamp of the stored rows, if any were built.
pub fn built(conn: &Connection) -> Result<Option<Stamp>, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT last_event, last_ticket, rules, policies, built_at, valid_until
               FROM sla_stages_built",
        )?
        .query_row([], |r| {
            Ok(Stamp {
                last_event: r.get(0)?,
                last_ticket: r.get(1)?,
                rules: r.get(2)?,
                policies: r.get(3)?,
                built_at: r.get(4)?,
                valid_until: r.get(5)?,
            })
        })
        .optional()?)
}

/// When a ticket's stages may next move with no event (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub ticket_id: TicketId,
    pub at: i64,
}

/// The tickets whose rows may have moved since `built`, sorted: those with an event after
/// its last one (and the other ticket of a merge, a move or an unmerge, which gains or
/// loses messages without an event of its own), those created after its last ticket, and
/// those whose moment to be looked at again is `now` or before.
pub fn moved(conn: &Connection, built: &Stamp, now: i64) -> Result<Vec<TicketId>, StoreError> {
    let mut ids: Vec<TicketId> = Vec::new();
    // Three reads by index, each of a few rows, rather than one compound query (which the
    // planner answers with temporary b-trees).
    let mut events = conn.prepare_cached(
        "SELECT ticket_id,
                CASE WHEN NOT json_valid(payload) THEN NULL
                     WHEN kind IN ('merge', 'split') THEN json_extract(payload, '$.into')
                     WHEN kind = 'unmerge' THEN json_extract(payload, '$.from') END
           FROM ticket_events WHERE id > ?1",
    )?;
    let mut rows = events.query([built.last_event])?;
    while let Some(r) = rows.next()? {
        ids.push(r.get(0)?);
        // an id the payload lacks, or holds as something else, names no ticket
        if let Ok(Some(other)) = r.get::<_, Option<TicketId>>(1) {
            ids.push(other);
        }
    }
    for (sql, bound) in [
        ("SELECT id FROM tickets WHERE id > ?1", built.last_ticket),
        ("SELECT ticket_id FROM sla_stage_checks WHERE at <= ?1", now),
    ] {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([bound])?;
        while let Some(r) = rows.next()? {
            ids.push(r.get(0)?);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A running clock is the only one at a stage, and a ticket runs at most one clock per
/// target at a time, so of several rows for one ticket and target the first (the worst,
/// as callers list them) is that clock's.
const INSERT_ROW: &str =
    "INSERT INTO sla_stages (ticket_id, target, stage, due_at, policy, started_at)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM tickets WHERE id = ?1)
     ON CONFLICT (ticket_id, target) DO NOTHING";

fn insert_rows(tx: &Connection, rows: &[StageRow]) -> Result<(), StoreError> {
    let mut insert = tx.prepare_cached(INSERT_ROW)?;
    for r in rows {
        insert.execute(params![
            r.ticket_id,
            r.target,
            r.stage,
            r.due_at,
            r.policy,
            r.started_at
        ])?;
    }
    Ok(())
}

fn insert_checks(tx: &Connection, checks: &[Check]) -> Result<(), StoreError> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO sla_stage_checks (ticket_id, at)
         SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM tickets WHERE id = ?1)
         ON CONFLICT (ticket_id) DO UPDATE SET at = min(at, excluded.at)",
    )?;
    for c in checks {
        insert.execute(params![c.ticket_id, c.at])?;
    }
    Ok(())
}

/// Writes the stamp; `rebuilt` numbers a new build (the alert check reads its rows).
fn write_stamp(tx: &Connection, stamp: &Stamp, rebuilt: bool) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO sla_stages_built
                (id, last_event, last_ticket, rules, policies, built_at, valid_until, build)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, 1)
         ON CONFLICT (id) DO UPDATE SET last_event = ?1, last_ticket = ?2, rules = ?3,
            policies = ?4, built_at = ?5, valid_until = ?6, build = build + ?7",
    )?
    .execute(params![
        stamp.last_event,
        stamp.last_ticket,
        stamp.rules,
        stamp.policies,
        stamp.built_at,
        stamp.valid_until,
        i64::from(rebuilt)
    ])?;
    Ok(())
}

/// Replaces every row with `rows` and every check with `checks`, built from `stamp`, in
/// one transaction. Of several rows for one ticket and target the first is kept (callers
/// list the worst first).
pub fn store(
    conn: &Connection,
    rows: &[StageRow],
    checks: &[Check],
    stamp: &Stamp,
) -> Result<(), StoreError> {
    atomically(conn, |tx| {
        tx.execute("DELETE FROM sla_stages", [])?;
        tx.execute("DELETE FROM sla_stage_checks", [])?;
        insert_rows(tx, rows)?;
        insert_checks(tx, checks)?;
        write_stamp(tx, stamp, true)
    })
}

/// Replaces the rows and checks of `tickets` (sorted) with `rows` and `checks`, theirs as
/// assessed now (a ticket no longer active has none), in one transaction; the stamp holds
/// until the earliest check of any ticket, [`MAX_AGE_S`] at most. The build is numbered
/// anew only when a row changed, so the alert check reads nothing after a refresh that
/// moved no stage.
pub fn update(
    conn: &Connection,
    tickets: &[TicketId],
    rows: &[StageRow],
    checks: &[Check],
    stamp: &Stamp,
) -> Result<(), StoreError> {
    atomically(conn, |tx| {
        let mut old: Vec<StageRow> = Vec::new();
        {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM sla_stages s WHERE s.ticket_id = ?1"
            ))?;
            for id in tickets {
                for r in stmt.query_map([id], stage_row)? {
                    old.push(r?);
                }
            }
        }
        // the rows `insert_rows` would keep: the first per ticket and target
        let mut seen: HashSet<(TicketId, &str)> = HashSet::new();
        let mut new: Vec<StageRow> = rows
            .iter()
            .filter(|r| seen.insert((r.ticket_id, r.target.as_str())))
            .cloned()
            .collect();
        let key = |r: &StageRow| (r.ticket_id, r.target.clone());
        old.sort_by_key(key);
        new.sort_by_key(key);
        let changed = old != new;
        {
            let mut forget_rows =
                tx.prepare_cached("DELETE FROM sla_stages WHERE ticket_id = ?1")?;
            let mut forget_check =
                tx.prepare_cached("DELETE FROM sla_stage_checks WHERE ticket_id = ?1")?;
            for id in tickets {
                if changed {
                    forget_rows.execute([id])?;
                }
                forget_check.execute([id])?;
            }
        }
        if changed {
            insert_rows(tx, &new)?;
        }
        insert_checks(tx, checks)?;
        let next: Option<i64> =
            tx.query_row("SELECT min(at) FROM sla_stage_checks", [], |r| r.get(0))?;
        write_stamp(tx, &stamp.clone().until(next), changed)
    })
}

const ROW_COLUMNS: &str = "s.ticket_id, s.target, s.stage, s.due_at, s.policy, s.started_at";

const WORST_FIRST: &str =
    "ORDER BY s.stage = 'breached' DESC, s.due_at IS NULL, s.due_at, s.ticket_id, s.target";

fn stage_row(r: &rusqlite::Row) -> rusqlite::Result<StageRow> {
    Ok(StageRow {
        ticket_id: r.get(0)?,
        target: r.get(1)?,
        stage: r.get(2)?,
        due_at: r.get(3)?,
        policy: r.get(4)?,
        started_at: r.get(5)?,
    })
}

/// Every stored row of a live ticket, the worst first: breached, then by due time.
pub fn rows(conn: &Connection) -> Result<Vec<StageRow>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ROW_COLUMNS} FROM sla_stages s
           JOIN tickets t ON t.id = s.ticket_id
          WHERE t.merged_into IS NULL
          {WORST_FIRST}"
    ))?;
    let rows = stmt.query_map([], stage_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The rows of one build not yet alerted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unalerted {
    /// The build they come from, for [`mark_alerted`].
    pub build: i64,
    /// Rows of live tickets with no `sla_alerts` row for their clock and stage, the worst
    /// first.
    pub rows: Vec<StageRow>,
}

/// The rows not alerted yet, or `None` when the alert check already went through this
/// build (then every row of it was alerted, and reading them is skipped) or there is none.
pub fn unalerted(conn: &Connection) -> Result<Option<Unalerted>, StoreError> {
    // one snapshot: the rows are the build's whose number is returned
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Deferred)?;
    let built: Option<(i64, i64)> = tx
        .prepare_cached("SELECT build, alerted_build FROM sla_stages_built")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some(build) = built
        .filter(|(build, alerted)| build != alerted)
        .map(|(b, _)| b)
    else {
        return Ok(None);
    };
    let rows = tx
        .prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM sla_stages s
               JOIN tickets t ON t.id = s.ticket_id
              WHERE t.merged_into IS NULL
                AND NOT EXISTS (SELECT 1 FROM sla_alerts a
                                 WHERE a.ticket_id = s.ticket_id AND a.target = s.target
                                   AND a.started_at = s.started_at AND a.stage = s.stage)
              {WORST_FIRST}"
        ))?
        .query_map([], stage_row)?
        .collect::<Result<Vec<_>, _>>()?;
    tx.commit()?;
    Ok(Some(Unalerted { build, rows }))
}

/// Notes that every row of `build` was alerted, unless the rows were rebuilt meanwhile
/// (then the next check reads the new build).
pub fn mark_alerted(conn: &Connection, build: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE sla_stages_built SET alerted_build = ?1 WHERE build = ?1")?
        .execute([build])?;
    Ok(())
}

/// The stored stages at a glance: tickets with a breached clock, tickets whose worst clock
/// is approaching (as `is:breaching` and `is:approaching` count them), and which tickets
/// are breached, to tell a newly breached one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub breached: BTreeSet<TicketId>,
    pub approaching: usize,
}

/// What the rows say now. Merged, solved and closed tickets are left out, as the queries
/// leave them out.
pub fn summary(conn: &Connection) -> Result<Summary, StoreError> {
    let mut approaching: BTreeSet<TicketId> = BTreeSet::new();
    let mut breached: BTreeSet<TicketId> = BTreeSet::new();
    let mut stmt = conn.prepare(
        "SELECT s.ticket_id, s.stage FROM sla_stages s
           JOIN tickets t ON t.id = s.ticket_id
          WHERE t.merged_into IS NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: TicketId = r.get(0)?;
        if r.get_ref(1)?.as_str().unwrap_or_default() == "breached" {
            breached.insert(id);
        } else {
            approaching.insert(id);
        }
    }
    Ok(Summary {
        approaching: approaching.difference(&breached).count(),
        breached,
    })
}

#[cfg(test)]
mod tests;
