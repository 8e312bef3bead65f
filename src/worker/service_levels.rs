//! Service levels at work: the tickets of a scope assessed under the config's policies
//! (what `sla` and `report` print); the stored stages that `is:breaching`,
//! `is:approaching`, the console's counter and the digest read; and the alerts `sync
//! --watch` raises from those stages — `alert_cmd` run once per ticket, clock and stage,
//! the alert as JSON on its standard input, remembered in the store so a restart does not
//! raise it again.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::config::Config;
use crate::domain::Status;
use crate::domain::kpi::RepeatScope;
use crate::domain::query::{Flag, Query};
use crate::domain::sla::clock::{ClockState, Target};
use crate::domain::sla::levels::{Assessed, Level, assess};
use crate::domain::sla::{BusinessCalendar, Stage};
use crate::store::StoreError;
use crate::store::alerts::{AlertKey, claim};
use crate::store::query_sql::QueryContext;
use crate::store::timeline::stages::{self, Check, StageRow};
use crate::store::timeline::{Scope, query_matches, records, repeats, ticket_orders};

/// The tickets of `scope` under their policies as of `now`.
pub fn assess_tickets(
    conn: &Connection,
    config: &Config,
    scope: Scope,
    now: DateTime<Utc>,
) -> Result<(Vec<Level>, Vec<Assessed>), StoreError> {
    let levels = config.sla.levels();
    let qctx = QueryContext {
        agent: config.agent.clone(),
        now: now.timestamp(),
    };
    let matches = query_matches(conn, &levels, &qctx)?;
    let shop = BusinessCalendar::from(&config.sla.hours);
    let mut records = records(conn, scope)?;
    if config.sla.repeat_scope == RepeatScope::SameOrder {
        let mut orders = ticket_orders(conn)?;
        for r in &mut records {
            r.order = orders.remove(&r.id);
        }
    }
    let tickets = assess(
        records,
        &levels,
        &shop,
        now,
        (config.sla.repeat_window, config.sla.repeat_scope),
        |level, id| {
            matches
                .get(level)
                .and_then(Option::as_ref)
                .is_some_and(|set| set.contains(&id))
        },
    );
    Ok((levels, tickets))
}

/// Brings the repeat-contact marks (what `is:repeat` looks up) up to date under the
/// config's rule: rebuilt when a ticket or an event came after the ones they were built
/// from, or the rule changed; otherwise two small reads. Returns whether it rebuilt them.
pub fn refresh_repeats(conn: &Connection, config: &Config) -> Result<bool, StoreError> {
    repeats::refresh(conn, config.sla.repeat_window, config.sla.repeat_scope)
}

/// Brings the stored stages up to date under the config's policies as of `now`. When only
/// events and tickets moved since the last build, the tickets they touched and those whose
/// stages were due to move with time are assessed again; when the policies changed (or
/// one has a query, which may match by time or by other tickets: `created:`, `is:repeat`),
/// or nothing was built, every active ticket is. When nothing moved and no stage change
/// is due, that is two small reads.
pub fn refresh_stages(
    conn: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Refreshed, StoreError> {
    let levels = config.sla.levels();
    let rules = fingerprint(&format!("{levels:?}"));
    let stamp = stages::current(conn, &rules, levels.len(), now.timestamp())?;
    if stages::holds(conn, &stamp)? {
        return Ok(Refreshed::Held);
    }
    let by_ticket = !levels.is_empty() && levels.iter().all(|l| l.policy.when.query.is_none());
    if by_ticket
        && let Some(built) = stages::built(conn)?
        && built.rules == rules
        && built.built_at <= stamp.built_at
    {
        let ids = stages::moved(conn, &built, now.timestamp())?;
        if ids.len() > BY_TICKET_AT_MOST {
            return full_build(conn, config, &levels, stamp, now);
        }
        let (levels, mut tickets) = assess_tickets(conn, config, Scope::Tickets(&ids), now)?;
        tickets.retain(|t| active(t.record.status));
        let checks = stage_checks(&levels, &tickets, now);
        stages::update(conn, &ids, &stage_rows(&levels, &tickets), &checks, &stamp)?;
        return Ok(Refreshed::Tickets(ids.len()));
    }
    full_build(conn, config, &levels, stamp, now)
}

/// Beyond this many tickets to assess again, a build of every active ticket is cheaper:
/// on the 100,000-ticket demo shop a ticket read and assessed by itself costs about 19 µs,
/// against 8–10 µs an active ticket in a full build (20,000 by ticket took 387 ms, a full
/// build of its 76,818 active tickets 620–770 ms). A first sync of a large mailbox brings
/// more.
const BY_TICKET_AT_MOST: usize = 20_000;

/// The rows and checks of every active ticket, replacing all stored ones.
fn full_build(
    conn: &Connection,
    config: &Config,
    levels: &[Level],
    stamp: stages::Stamp,
    now: DateTime<Utc>,
) -> Result<Refreshed, StoreError> {
    let (rows, checks, stamp) = if levels.is_empty() {
        (Vec::new(), Vec::new(), stamp)
    } else {
        let (levels, tickets) = assess_tickets(conn, config, Scope::Active, now)?;
        let checks = stage_checks(&levels, &tickets, now);
        let next = checks.iter().map(|c| c.at).min();
        (stage_rows(&levels, &tickets), checks, stamp.until(next))
    };
    stages::store(conn, &rows, &checks, &stamp)?;
    Ok(Refreshed::All)
}

/// What [`refresh_stages`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refreshed {
    /// The rows still held: nothing was assessed.
    Held,
    /// Only events, tickets and time moved: this many tickets were assessed again.
    Tickets(usize),
    /// Every active ticket was assessed (nothing built yet, other policies, or a policy
    /// with a query).
    All,
}

/// The statuses of `Scope::Active`: a ticket with a clock that can still run.
fn active(status: Status) -> bool {
    matches!(status, Status::New | Status::Open | Status::Pending)
}

/// For each ticket whose stages may move with no event, the moment to look at it again
/// (the first after `now`): a running clock reaching its threshold or passing its due time
/// (by its level's calendar, so a clock due at closing time breaches when business time
/// resumes), or an event dated ahead of `now` coming into view.
pub fn stage_checks(levels: &[Level], tickets: &[Assessed], now: DateTime<Utc>) -> Vec<Check> {
    let second = chrono::Duration::seconds(1);
    tickets
        .iter()
        .filter_map(|t| {
            let calendar = t.level.and_then(|i| levels.get(i)).map(|l| &l.calendar);
            let ahead = t.record.timeline.iter().map(|e| e.at).find(|at| *at > now);
            let clocks = t
                .clocks
                .clocks
                .iter()
                .filter(|c| c.state == ClockState::Running && c.stage != Some(Stage::Breached))
                .filter_map(|c| {
                    let threshold = c.approaching_at.filter(|at| *at > now);
                    let breach = c.due_at.and_then(|due| match calendar {
                        Some(cal) => cal.add_business_time(due, second),
                        None => Some(due + second),
                    });
                    // not expected of a clock short of its breach: looked at again soon, not never
                    let breach = breach.map(|at| {
                        if at > now {
                            at
                        } else {
                            now + chrono::Duration::seconds(stages::MAX_AGE_S)
                        }
                    });
                    threshold.into_iter().chain(breach).min()
                });
            let at = ahead.into_iter().chain(clocks).min()?;
            Some(Check {
                ticket_id: t.record.id,
                at: at.timestamp(),
            })
        })
        .collect()
}

/// Brings up to date the stored marks `query` looks up (repeat contacts, stages).
pub fn refresh_for(
    conn: &Connection,
    config: &Config,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if query.uses(Flag::Repeat) {
        refresh_repeats(conn, config)?;
    }
    if query.uses(Flag::Breaching) || query.uses(Flag::Approaching) {
        refresh_stages(conn, config, now)?;
    }
    Ok(())
}

/// FNV-1a of the policies as written out: stable across builds, unlike std's hasher, so a
/// new binary does not take unchanged policies for changed ones.
fn fingerprint(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// Every clock at a stage as a row, the worst first (breached, then the earliest due), so
/// the store keeps the worst per ticket and target.
pub fn stage_rows(levels: &[Level], tickets: &[Assessed]) -> Vec<StageRow> {
    alerts(levels, tickets)
        .into_iter()
        .map(|a| StageRow {
            ticket_id: a.ticket_id,
            target: a.target.to_string(),
            stage: a.stage.to_string(),
            due_at: a.due_unix,
            policy: a.policy,
            started_at: a.started_at,
        })
        .collect()
}

/// The alert a stored row stands for; `None` for a target or stage this build does not
/// know (rows are only ever written from [`alerts`], so none is expected).
fn stage_alert(row: &StageRow) -> Option<Alert> {
    let target = Target::ALL
        .into_iter()
        .find(|t| t.as_str() == row.target)?
        .as_str();
    let stage = [Stage::Approaching, Stage::Breached]
        .into_iter()
        .map(stage_word)
        .find(|s| *s == row.stage)?;
    Some(Alert {
        ticket_id: row.ticket_id,
        target,
        stage,
        due_at: row
            .due_at
            .and_then(|t| DateTime::from_timestamp(t, 0))
            .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true)),
        policy: row.policy.clone(),
        started_at: row.started_at,
        due_unix: row.due_at,
    })
}

fn stage_word(stage: Stage) -> &'static str {
    match stage {
        Stage::Approaching => "approaching",
        Stage::Breached => "breached",
    }
}

/// A clock at a stage: a row of `sla --json`, and what `alert_cmd` reads.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Alert {
    pub ticket_id: i64,
    /// first_reply | next_reply | resolution
    pub target: &'static str,
    /// approaching | breached
    pub stage: &'static str,
    /// RFC 3339, UTC; null when the calendar never opens
    pub due_at: Option<String>,
    pub policy: String,
    #[serde(skip)]
    pub started_at: i64,
    /// `due_at` as Unix seconds, for the stored stages.
    #[serde(skip)]
    pub due_unix: Option<i64>,
}

/// Every running clock at a stage, breached first, then by due time.
pub fn alerts(levels: &[Level], tickets: &[Assessed]) -> Vec<Alert> {
    let mut out: Vec<(Stage, Option<DateTime<Utc>>, Alert)> = Vec::new();
    for t in tickets {
        let policy = t
            .level
            .and_then(|i| levels.get(i))
            .map(|l| l.policy.name.clone())
            .unwrap_or_default();
        for c in &t.clocks.clocks {
            let Some(stage) = c.stage else { continue };
            out.push((
                stage,
                c.due_at,
                Alert {
                    ticket_id: t.record.id,
                    target: c.target.as_str(),
                    stage: stage_word(stage),
                    due_at: c
                        .due_at
                        .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true)),
                    policy: policy.clone(),
                    started_at: c.started_at.timestamp(),
                    due_unix: c.due_at.map(|d| d.timestamp()),
                },
            ));
        }
    }
    out.sort_by(|x, y| {
        y.0.cmp(&x.0)
            .then(x.1.cmp(&y.1))
            .then(x.2.ticket_id.cmp(&y.2.ticket_id))
    });
    out.into_iter().map(|(_, _, a)| a).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("alert_cmd: {0}")]
    Command(String),
}

/// Raises each alert not raised before (a clock at a stage, or a bad vote): claims it in
/// the store, then runs `alert_cmd` with it on stdin. Returns how many were raised; a
/// command that fails is reported, and its alert still counts as raised (a broken script
/// must not be run again every few seconds).
///
/// The clocks come from the stored stages, brought up to date first: when nothing moved
/// since the last check (no event, no stage change due), that is a few small reads and no
/// clock is run.
pub fn raise_alerts(
    conn: &Connection,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<usize, AlertError> {
    let Some(cmd) = config.sla.alert_cmd.as_deref() else {
        return Ok(0);
    };
    refresh_stages(conn, config, now)?;
    let mut raised = 0;
    let mut failures = Vec::new();
    if let Some(fresh) = stages::unalerted(conn)? {
        for row in &fresh.rows {
            let Some(a) = stage_alert(row) else { continue };
            let key = AlertKey {
                ticket: a.ticket_id,
                target: a.target,
                started_at: a.started_at,
                stage: a.stage,
            };
            // another watcher may have raised it since the rows were read
            if !claim(conn, key, now.timestamp())? {
                continue;
            }
            raised += 1;
            if let Err(e) = run_alert(cmd, &a) {
                failures.push(format!("ticket #{}: {e}", a.ticket_id));
            }
        }
        stages::mark_alerted(conn, fresh.build)?;
    }
    for a in super::rating_alerts::claim_new(conn, now)? {
        raised += 1;
        if let Err(e) = run_alert(cmd, &a) {
            failures.push(format!("ticket #{}: {e}", a.ticket_id));
        }
    }
    if failures.is_empty() {
        Ok(raised)
    } else {
        Err(AlertError::Command(failures.join("; ")))
    }
}

fn run_alert(cmd: &str, alert: &impl Serialize) -> Result<(), String> {
    let json = serde_json::to_vec(alert).map_err(|e| e.to_string())?;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        // a command that does not read its input is its own business
        let _ = stdin.write_all(&json).and_then(|()| stdin.write_all(b"\n"));
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("exited with {status}"))
    }
}

#[cfg(test)]
mod tests;
