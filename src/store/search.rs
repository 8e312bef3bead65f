//! Running compiled queries: the plan's SQL with its bound parameters, or the plan's
//! shortcut when it can answer (`query_sql::Shortcut`).

use rusqlite::Connection;
use rusqlite::types::Value;

use super::StoreError;
use super::query_sql::shortcut::{count, newest_window, rare_cap, walk_pays};
use super::query_sql::{Shortcut, SqlPlan};

/// Runs a plan that selects one integer column (ticket or message ids). A plan SQLite
/// finds too large (a huge query) is `StoreError::QueryTooLarge`, a usage error.
pub fn run_ids(conn: &Connection, plan: &SqlPlan) -> Result<Vec<i64>, StoreError> {
    if let Some(shortcut) = &plan.shortcut
        && let Some(ids) = try_shortcut(conn, shortcut)?
    {
        return Ok(ids);
    }
    run_sql_ids(conn, plan).map_err(StoreError::from_query)
}

/// Runs the plan's own SQL, leaving its shortcut aside: the reference the shortcut must
/// agree with.
pub fn run_full_ids(conn: &Connection, plan: &SqlPlan) -> Result<Vec<i64>, StoreError> {
    run_sql_ids(conn, plan).map_err(StoreError::from_query)
}

/// A shortcut's answer, or `None` when it cannot be sure of it.
pub type Answer = Option<Vec<i64>>;

fn run_sql_ids(conn: &Connection, plan: &SqlPlan) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(&plan.sql)?;
    stmt.query_map(rusqlite::params_from_iter(plan.params.iter()), |r| r.get(0))?
        .collect()
}

/// The shortcut's answer, or `None` when it cannot be sure of it.
pub fn try_shortcut(conn: &Connection, shortcut: &Shortcut) -> Result<Answer, StoreError> {
    run_shortcut(conn, shortcut).map_err(StoreError::from_query)
}

fn run_shortcut(conn: &Connection, shortcut: &Shortcut) -> rusqlite::Result<Answer> {
    match shortcut {
        Shortcut::Ranked {
            top,
            dates,
            tied,
            limit,
            kept,
        } => ranked(conn, [top, dates, tied], *limit, *kept),
        Shortcut::Newest {
            size,
            matches,
            walk,
            dates,
            limit,
        } => newest(conn, [size, matches, walk, dates], *limit),
        Shortcut::Sender {
            size,
            candidates,
            rare,
            newest,
            limit,
        } => sender(conn, size, candidates, rare, newest, *limit),
    }
}

/// Every row of `sql`, each read by `row`.
fn rows<T>(
    conn: &Connection,
    sql: &str,
    params: &[Value],
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    conn.prepare_cached(sql)?
        .query_map(rusqlite::params_from_iter(params.iter()), row)?
        .collect()
}

/// The plan with parameters added before and after its own.
fn with(plan: &SqlPlan, before: &[Value], after: &[Value]) -> SqlPlan {
    SqlPlan {
        sql: plan.sql.clone(),
        params: [before, &plan.params, after].concat(),
        shortcut: None,
    }
}

/// Text alone: the best `kept` by score from the text index, the dates of those that can
/// be on the page, or every match tied at the edge when the tie runs past `kept`.
fn ranked(
    conn: &Connection,
    [top, dates, tied]: [&SqlPlan; 3],
    limit: usize,
    kept_at_most: usize,
) -> rusqlite::Result<Answer> {
    if limit == 0 {
        return Ok(Some(Vec::new()));
    }
    let kept: Vec<(i64, f64)> = rows(conn, &top.sql, &top.params, |r| Ok((r.get(0)?, r.get(1)?)))?;
    // `kept` is ordered by score: what can be in the answer scores at most the edge.
    let edge = kept.get(limit - 1).map_or(f64::INFINITY, |(_, s)| *s);
    if kept.len() >= kept_at_most && kept.last().is_some_and(|(_, s)| *s <= edge) {
        // the tie at the edge may go on past what the index kept: read all of it
        return rows(
            conn,
            &tied.sql,
            &[tied.params.as_slice(), &[Value::Real(edge)]].concat(),
            |r| r.get(0),
        )
        .map(Some);
    }
    let mut candidates: Vec<(i64, f64, i64)> = Vec::new();
    let ids: Vec<String> = kept
        .iter()
        .filter(|(_, s)| *s <= edge)
        .map(|(id, _)| id.to_string())
        .collect();
    let dated: std::collections::HashMap<i64, i64> = rows(
        conn,
        &dates.sql,
        &[Value::Text(format!("[{}]", ids.join(",")))],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?
    .into_iter()
    .collect();
    for (id, score) in kept.into_iter().filter(|(_, s)| *s <= edge) {
        // A match without its message row: the full plan knows what to leave out.
        let Some(date) = dated.get(&id) else {
            return Ok(None);
        };
        candidates.push((id, score, *date));
    }
    // the full plan's order: score, newest, first stored
    candidates.sort_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.2.cmp(&a.2))
            .then(a.0.cmp(&b.0))
    });
    candidates.truncate(limit);
    Ok(Some(candidates.into_iter().map(|(id, ..)| id).collect()))
}

/// Text alone, newest first: the matches' dates read when they are few, the date index
/// walked when they are many.
fn newest(
    conn: &Connection,
    [size, matches, walk, dates]: [&SqlPlan; 4],
    limit: usize,
) -> rusqlite::Result<Answer> {
    if limit == 0 {
        return Ok(Some(Vec::new()));
    }
    let found: Vec<i64> = rows(conn, &matches.sql, &matches.params, |r| r.get(0))?;
    let messages: i64 = conn
        .prepare_cached(&size.sql)?
        .query_row([], |r| r.get(0))?;
    if walk_pays(limit, found.len(), usize::try_from(messages).unwrap_or(0)) {
        newest_by_walk(conn, &found, walk, limit, messages)
    } else {
        newest_by_dates(conn, &found, dates, limit)
    }
}

/// The newest `limit` of `found`, from their rows.
fn newest_by_dates(
    conn: &Connection,
    found: &[i64],
    dates: &SqlPlan,
    limit: usize,
) -> rusqlite::Result<Answer> {
    let ids: Vec<String> = found.iter().map(i64::to_string).collect();
    let plan = with(
        dates,
        &[Value::Text(format!("[{}]", ids.join(",")))],
        &[count(limit)],
    );
    run_sql_ids(conn, &plan).map(Some)
}

/// Message ids past which the walk's bit set (one bit an id, 8 MiB here) is not made.
const WALK_MAX_ID: usize = 1 << 26;

/// The newest `limit` of `found`, met walking every message newest first. Ids are dense
/// from 1 up to `highest` (the highest message id), so the matches are a bit set; a match
/// past `highest` has no message to meet. `None` for ids no set of that bound can hold.
fn newest_by_walk(
    conn: &Connection,
    found: &[i64],
    walk: &SqlPlan,
    limit: usize,
    highest: i64,
) -> rusqlite::Result<Answer> {
    let Ok(highest) = usize::try_from(highest) else {
        return Ok(None);
    };
    if highest > WALK_MAX_ID {
        return Ok(None);
    }
    let mut set: Vec<u64> = vec![0; highest / 64 + 1];
    for &id in found {
        let Ok(id) = usize::try_from(id) else {
            return Ok(None);
        };
        if let Some(word) = set.get_mut(id / 64) {
            *word |= 1u64 << (id % 64);
        }
    }
    let member = |id: i64| {
        usize::try_from(id)
            .ok()
            .and_then(|id| set.get(id / 64).map(|w| w & (1u64 << (id % 64)) != 0))
            .unwrap_or(false)
    };
    let mut stmt = conn.prepare_cached(&walk.sql)?;
    let mut entries = stmt.query(rusqlite::params_from_iter(walk.params.iter()))?;
    let mut ids = Vec::with_capacity(limit.min(found.len()));
    while ids.len() < limit
        && let Some(row) = entries.next()?
    {
        let id: i64 = row.get(0)?;
        if member(id) {
            ids.push(id);
        }
    }
    Ok(Some(ids))
}

/// One `from:` alone: from its candidates when they are few, else by walking the newest.
fn sender(
    conn: &Connection,
    size: &SqlPlan,
    candidates: &SqlPlan,
    rare: &SqlPlan,
    newest: &SqlPlan,
    limit: usize,
) -> rusqlite::Result<Answer> {
    let messages: i64 = conn
        .prepare_cached(&size.sql)?
        .query_row([], |r| r.get(0))?;
    let messages = usize::try_from(messages).unwrap_or(0);
    let cap = rare_cap(limit, messages);
    if let Some(ids) = by_candidates(conn, candidates, rare, cap, limit)? {
        return Ok(Some(ids));
    }
    by_newest(conn, newest, newest_window(limit, messages), limit)
}

/// The `from:` answer from at most `cap` candidates, or `None` when there are more.
fn by_candidates(
    conn: &Connection,
    candidates: &SqlPlan,
    rare: &SqlPlan,
    cap: usize,
    limit: usize,
) -> rusqlite::Result<Answer> {
    let found: Vec<i64> = rows(
        conn,
        &candidates.sql,
        &[
            candidates.params.as_slice(),
            &[count(cap.saturating_add(1))],
        ]
        .concat(),
        |r| r.get(0),
    )?;
    if found.len() <= cap {
        let ids: Vec<String> = found.iter().map(i64::to_string).collect();
        let plan = with(
            rare,
            &[Value::Text(format!("[{}]", ids.join(",")))],
            &[count(limit)],
        );
        return run_sql_ids(conn, &plan).map(Some);
    }
    Ok(None)
}

/// The `from:` answer from the newest `window` messages, or `None` when they hold fewer
/// than `limit` matches.
fn by_newest(
    conn: &Connection,
    newest: &SqlPlan,
    window: usize,
    limit: usize,
) -> rusqlite::Result<Answer> {
    let plan = with(
        newest,
        &[],
        &[count(window.saturating_sub(1)), count(limit)],
    );
    let ids = run_sql_ids(conn, &plan)?;
    // Fewer than asked from the window: older mail may hold the rest.
    Ok((ids.len() >= limit).then_some(ids))
}

/// Each way of a `from:` shortcut on its own, with the bounds given: the answer from at
/// most `cap` candidates, and from the newest `window` messages.
#[cfg(test)]
pub(crate) fn sender_ways(
    conn: &Connection,
    shortcut: &Shortcut,
    cap: usize,
    window: usize,
) -> Result<(Answer, Answer), StoreError> {
    let Shortcut::Sender {
        candidates,
        rare,
        newest,
        limit,
        ..
    } = shortcut
    else {
        return Ok((None, None));
    };
    let run = || {
        Ok((
            by_candidates(conn, candidates, rare, cap, *limit)?,
            by_newest(conn, newest, window, *limit)?,
        ))
    };
    run().map_err(StoreError::from_query)
}

/// Each way of a newest-first text shortcut on its own: from the matches' dates, and by
/// walking the date index.
#[cfg(test)]
pub(crate) fn newest_ways(
    conn: &Connection,
    shortcut: &Shortcut,
) -> Result<(Answer, Answer), StoreError> {
    let Shortcut::Newest {
        size,
        matches,
        walk,
        dates,
        limit,
    } = shortcut
    else {
        return Ok((None, None));
    };
    let run = || {
        let found: Vec<i64> = rows(conn, &matches.sql, &matches.params, |r| r.get(0))?;
        let highest: i64 = conn.query_row(&size.sql, [], |r| r.get(0))?;
        Ok((
            newest_by_dates(conn, &found, dates, *limit)?,
            newest_by_walk(conn, &found, walk, *limit, highest)?,
        ))
    };
    run().map_err(StoreError::from_query)
}

/// Runs a plan that selects one count (`Select::Count`).
pub fn run_count(conn: &Connection, plan: &SqlPlan) -> Result<usize, StoreError> {
    let run = || -> rusqlite::Result<i64> {
        conn.prepare_cached(&plan.sql)?
            .query_row(rusqlite::params_from_iter(plan.params.iter()), |r| r.get(0))
    };
    run()
        .map(|n| usize::try_from(n).unwrap_or(0))
        .map_err(StoreError::from_query)
}
