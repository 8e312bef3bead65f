//! Which service-level alerts were raised: one row per clock and stage, so each is raised
//! once, across restarts.

use rusqlite::{Connection, params};

use super::StoreError;
use crate::domain::TicketId;

/// One clock at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertKey<'a> {
    pub ticket: TicketId,
    pub target: &'a str,
    pub started_at: i64,
    pub stage: &'a str,
}

/// Records the alert; true if it was not raised before (the caller raises it now).
pub fn claim(conn: &Connection, key: AlertKey<'_>, now: i64) -> Result<bool, StoreError> {
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO sla_alerts (ticket_id, target, started_at, stage, alerted_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            key.ticket,
            key.target,
            key.started_at,
            key.stage,
            now
        ])?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket_change::{NewTicket, TicketChange};
    use crate::domain::{EventSource, Origin, Status};
    use crate::store::Store;
    use crate::store::events::{apply, atomically};

    #[test]
    fn each_clock_and_stage_once() {
        let store = Store::open_in_memory().expect("store");
        let c = store.conn();
        atomically(c, |tx| {
            let created = TicketChange::Created(NewTicket {
                account: "shop".into(),
                subject: "Hi".into(),
                normalized_subject: "hi".into(),
                status: Status::New,
                customer: None,
            });
            apply(
                tx,
                1,
                &[created],
                &Origin::new("sync", EventSource::Sync, chrono::Utc::now()),
            )
        })
        .expect("ticket");
        let key = |target, started_at, stage| AlertKey {
            ticket: 1,
            target,
            started_at,
            stage,
        };
        // (alert, raised now)
        let cases = [
            (key("first_reply", 10, "approaching"), true),
            (key("first_reply", 10, "approaching"), false),
            (key("first_reply", 10, "breached"), true),
            (key("next_reply", 50, "approaching"), true),
            (key("next_reply", 90, "approaching"), true),
            (key("next_reply", 50, "approaching"), false),
        ];
        for (k, want) in cases {
            assert_eq!(claim(c, k, 100).expect("claim"), want, "{k:?}");
        }
    }
}
