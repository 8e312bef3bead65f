//! Running compiled queries: the plan's SQL with its bound parameters.

use rusqlite::Connection;

use super::StoreError;
use super::query_sql::SqlPlan;

/// Runs a plan that selects one integer column (ticket or message ids).
pub fn run_ids(conn: &Connection, plan: &SqlPlan) -> Result<Vec<i64>, StoreError> {
    let mut stmt = conn.prepare_cached(&plan.sql)?;
    let ids = stmt
        .query_map(rusqlite::params_from_iter(plan.params.iter()), |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}
