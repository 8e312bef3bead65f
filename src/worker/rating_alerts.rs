//! A bad vote (CSAT Bad, an NPS detractor 0–6) raises an alert through the service-level
//! path: claimed once in `sla_alerts` (target `csat` or `nps`, stage `bad_rating`, keyed
//! by the vote's time so a later bad vote on the same ticket alerts again), then handed to
//! `alert_cmd` as one line of JSON.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use serde::Serialize;

use crate::store::StoreError;
use crate::store::alerts::{AlertKey, claim};
use crate::store::ratings;

/// The stage name of a bad vote's alert.
pub const STAGE: &str = "bad_rating";

/// What `alert_cmd` reads for a bad vote.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RatingAlert {
    pub ticket_id: i64,
    /// csat | nps
    pub target: &'static str,
    /// bad_rating
    pub stage: &'static str,
    /// "bad", or 0..=6
    pub score: serde_json::Value,
    pub comment: Option<String>,
    /// RFC 3339, UTC: when the vote was sent
    pub at: String,
}

/// How far back a bad vote is still news: an `alert_cmd` set up months after surveys
/// began hears of this week's, not of every bad vote ever cast.
const FRESH_DAYS: i64 = 7;

/// The bad votes of the past week not alerted before, each claimed now.
pub fn claim_new(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<RatingAlert>, StoreError> {
    let mut out = Vec::new();
    let since = now - chrono::Duration::days(FRESH_DAYS);
    for (ticket, r) in ratings::since(conn, since.timestamp())? {
        if !r.score.is_bad() {
            continue;
        }
        let target = r.score.kind().as_str();
        let key = AlertKey {
            ticket,
            target,
            started_at: r.at.timestamp(),
            stage: STAGE,
        };
        if !claim(conn, key, now.timestamp())? {
            continue;
        }
        out.push(RatingAlert {
            ticket_id: ticket,
            target,
            stage: STAGE,
            score: match r.score {
                crate::domain::vote::Score::Nps(n) => n.into(),
                csat @ crate::domain::vote::Score::Csat(_) => csat.to_string().into(),
            },
            comment: r.comment,
            at: r.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::domain::ticket_change::{NewTicket, TicketChange};
    use crate::domain::vote::{Csat, Score};
    use crate::domain::{EventSource, Origin, Status};
    use crate::store::Store;
    use crate::store::events::{apply, atomically};

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap_or_default()
    }

    fn vote(store: &Store, ticket: i64, score: Score, when: i64) {
        atomically(store.conn(), |tx| {
            if crate::store::events::exists(tx, ticket).is_err() {
                let created = TicketChange::Created(NewTicket {
                    account: "shop".into(),
                    subject: "Boots".into(),
                    normalized_subject: "boots".into(),
                    status: Status::Solved,
                    customer: None,
                });
                apply(
                    tx,
                    ticket,
                    &[created],
                    &Origin::new("sync", EventSource::Sync, at(0)),
                )?;
            }
            let change = TicketChange::Rated {
                score,
                comment: Some("Late".into()),
                message_id: format!("v{when}@c"),
            };
            apply(
                tx,
                ticket,
                &[change],
                &Origin::new("sync", EventSource::Sync, at(when)),
            )
        })
        .expect("vote");
    }

    #[test]
    fn each_bad_vote_alerts_once() {
        let store = Store::open_in_memory().expect("store");
        let c = store.conn();
        let tickets = |alerts: Vec<RatingAlert>| -> Vec<(i64, &'static str)> {
            alerts.iter().map(|a| (a.ticket_id, a.target)).collect()
        };
        vote(&store, 1, Score::Csat(Csat::Bad), 100);
        vote(&store, 2, Score::Csat(Csat::Good), 100);
        vote(&store, 3, Score::Nps(6), 100);
        vote(&store, 4, Score::Nps(7), 100);
        assert_eq!(
            tickets(claim_new(c, at(200)).expect("claim")),
            [(1, "csat"), (3, "nps")]
        );
        assert!(claim_new(c, at(300)).expect("again").is_empty());
        // a later bad vote on the same ticket is news
        vote(&store, 1, Score::Csat(Csat::Bad), 400);
        assert_eq!(
            tickets(claim_new(c, at(500)).expect("later")),
            [(1, "csat")]
        );
        // a bad vote older than a week is no news to an alert command set up since
        vote(&store, 5, Score::Csat(Csat::Bad), 600);
        assert!(claim_new(c, at(600 + 8 * 86_400)).expect("old").is_empty());
        assert_eq!(
            tickets(claim_new(c, at(700)).expect("fresh")),
            [(5, "csat")]
        );
    }

    #[test]
    fn the_alert_command_reads_the_vote() {
        let dir = tempfile::tempdir().expect("dir");
        let out = dir.path().join("alerts.jsonl");
        let text = format!("[sla]\nalert_cmd = \"cat >> '{}'\"\n", out.display());
        let config = Config::parse(&text, std::path::Path::new("config.toml")).expect("config");
        let store = Store::open_in_memory().expect("store");
        let when = Utc::now().timestamp() - 60;
        vote(&store, 1, Score::Nps(2), when);
        let raise = || {
            crate::worker::service_levels::raise_alerts(store.conn(), &config, Utc::now())
                .expect("raise")
        };
        assert_eq!(raise(), 1);
        assert_eq!(raise(), 0, "once");
        let lines = std::fs::read_to_string(&out).expect("read");
        let sent = at(when).to_rfc3339_opts(SecondsFormat::Secs, true);
        assert_eq!(
            lines,
            format!(
                "{{\"ticket_id\":1,\"target\":\"nps\",\"stage\":\"bad_rating\",\"score\":2,\
                 \"comment\":\"Late\",\"at\":\"{sent}\"}}\n"
            )
        );
    }
}
