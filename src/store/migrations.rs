//! Numbered migrations, tracked in `PRAGMA user_version`. Append only: never edit or remove
//! a shipped migration, never wipe the cache on upgrade.

use std::path::PathBuf;

use rusqlite::Connection;

use super::StoreError;

/// Migration N (1-based) is `MIGRATIONS[N - 1]`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_outbox_claims.sql"),
    include_str!("migrations/0003_first_contact.sql"),
    include_str!("migrations/0004_outbox_cut_resends.sql"),
    include_str!("migrations/0005_ticket_events.sql"),
    include_str!("migrations/0006_orders.sql"),
    include_str!("migrations/0007_sender_index.sql"),
    include_str!("migrations/0008_mail_orders.sql"),
    include_str!("migrations/0009_threading_corrections.sql"),
    include_str!("migrations/0010_sla_alerts.sql"),
    include_str!("migrations/0011_order_lookups.sql"),
    include_str!("migrations/0012_ratings.sql"),
    include_str!("migrations/0013_repeat_contacts.sql"),
    include_str!("migrations/0014_sla_stages.sql"),
    include_str!("migrations/0015_quiet_watch_beat.sql"),
    include_str!("migrations/0016_senders_indexed_in_batches.sql"),
    include_str!("migrations/0017_messages_written_index.sql"),
    include_str!("migrations/0018_stage_checks.sql"),
    include_str!("migrations/0019_message_reports.sql"),
    include_str!("migrations/0020_corrections_index_without_list.sql"),
];

pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::TooNew {
            path: PathBuf::new(),
            found: current,
            known,
        });
    }
    if current == known {
        return Ok(());
    }
    // Several processes may open a new database at once (a console and `sync --watch`):
    // take the write lock first and re-read the version under it, so each migration runs
    // exactly once.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
        let version = i + 1;
        tx.execute_batch(sql)
            .and_then(|()| tx.pragma_update(None, "user_version", version as i64))
            .map_err(|source| StoreError::Migration { version, source })?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_migrations_apply_in_order() {
        let mut conn = Connection::open_in_memory().expect("mem");
        migrate(&mut conn).expect("migrate");
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("v");
        assert_eq!(v, MIGRATIONS.len() as i64);
        migrate(&mut conn).expect("idempotent");
    }

    /// An index's condition is evaluated on every row written to its table, and an `IN`
    /// list of three or more values builds a temporary table each time (two compile to
    /// comparisons): the tables written for every message must not have one.
    #[test]
    fn no_partial_index_on_a_busy_table_builds_a_list() {
        let mut conn = Connection::open_in_memory().expect("mem");
        migrate(&mut conn).expect("migrate");
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .expect("prepare");
        let indexes: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert!(
            indexes
                .iter()
                .any(|(name, _)| name == "ticket_events_corrections")
        );
        for (name, sql) in &indexes {
            let Some((_, condition)) = sql.split_once(" WHERE ") else {
                continue;
            };
            let Some((_, list)) = condition.split_once(" IN (") else {
                continue;
            };
            let values = list.split(')').next().unwrap_or("").split(',').count();
            assert!(values < 3, "{name}: {condition}");
        }
    }

    #[test]
    fn newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().expect("mem");
        conn.pragma_update(None, "user_version", 999).expect("set");
        assert!(matches!(migrate(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
