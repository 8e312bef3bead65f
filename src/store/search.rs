//! Running compiled queries: the plan's SQL with its bound parameters.

use rusqlite::Connection;

use super::StoreError;
use super::query_sql::SqlPlan;

/// Runs a plan that selects one integer column (ticket or message ids). A plan SQLite
/// finds too large (a huge query) is `StoreError::QueryTooLarge`, a usage error.
pub fn run_ids(conn: &Connection, plan: &SqlPlan) -> Result<Vec<i64>, StoreError> {
    let run = || -> rusqlite::Result<Vec<i64>> {
        let mut stmt = conn.prepare_cached(&plan.sql)?;
        stmt.query_map(rusqlite::params_from_iter(plan.params.iter()), |r| r.get(0))?
            .collect()
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
