//! When the stored stages stop holding: the next moment a running clock changes stage;
//! and the alerts raised from the stored stages, once each, as the clocks say.

use chrono::{DateTime, Duration, Utc};

use super::next_stage_change;
use crate::domain::sla::clock::{ClockState, Target, TargetClock};

const T0: i64 = 1_800_000_000;

/// A clock's state, threshold and due time (seconds after T0).
type Spec = (ClockState, Option<i64>, Option<i64>);

fn at(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(T0 + s, 0).unwrap_or_default()
}

/// A clock in `state`, approaching at `approaching`, due at `due` (seconds after T0).
fn clock(state: ClockState, approaching: Option<i64>, due: Option<i64>) -> TargetClock {
    TargetClock {
        target: Target::FirstReply,
        started_at: at(-3_600),
        due_at: due.map(at),
        state,
        stopped_at: None,
        breached_at: None,
        elapsed: Duration::zero(),
        paused: Duration::zero(),
        stage: None,
        approaching_at: approaching.map(at),
    }
}

#[test]
fn the_next_change_is_the_earliest_threshold_or_breach_still_ahead() {
    use ClockState::*;
    // clocks, now (seconds after T0), the next change (seconds after T0)
    let cases: &[(&[Spec], i64, Option<i64>)] = &[
        (&[], 0, None),
        // ahead: the threshold first, then one second past the due time
        (&[(Running, Some(600), Some(900))], 0, Some(600)),
        (&[(Running, Some(600), Some(900))], 600, Some(901)),
        (&[(Running, Some(600), Some(900))], 900, Some(901)),
        // already breached: nothing more happens to it
        (&[(Running, Some(600), Some(900))], 901, None),
        // approaching from the start of this stretch (no threshold ahead)
        (&[(Running, None, Some(900))], 0, Some(901)),
        // a calendar that never opens: no due time, no change
        (&[(Running, None, None)], 0, None),
        // paused, met or breached-and-stopped clocks wait for an event
        (&[(Paused, Some(60), Some(120))], 0, None),
        (&[(Met, Some(60), Some(120))], 0, None),
        (&[(Breached, Some(60), Some(120))], 0, None),
        // the earliest over several clocks
        (
            &[
                (Running, Some(3_000), Some(4_000)),
                (Paused, Some(10), Some(20)),
                (Running, None, Some(1_200)),
            ],
            0,
            Some(1_201),
        ),
    ];
    for (clocks, now, want) in cases {
        let clocks: Vec<TargetClock> = clocks.iter().map(|c| clock(c.0, c.1, c.2)).collect();
        assert_eq!(
            next_stage_change(&clocks, at(*now)),
            want.map(at),
            "{clocks:?} at {now}"
        );
    }
}

const ALERT_CONFIG: &str = r#"
agent = "alice"
[[accounts]]
name = "shop"
email = "shop@example.test"
[accounts.imap]
host = "127.0.0.1"
[sla]
approaching = "80%"
alert_cmd = "cat >> ALERTS"
[[sla.calendar]]
name = "always"
time_zone = "UTC"
hours = { mon = "00:00-24:00", tue = "00:00-24:00", wed = "00:00-24:00", thu = "00:00-24:00", fri = "00:00-24:00", sat = "00:00-24:00", sun = "00:00-24:00" }
[[sla.policy]]
name = "standard"
first_reply = "1h"
calendar = "always"
"#;

fn mail(subject: &str, date: DateTime<Utc>) -> Vec<u8> {
    format!(
        "From: anna@example.test\r\nTo: shop@example.test\r\nSubject: {subject}\r\n\
         Date: {}\r\nMessage-ID: <{subject}@c>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nWhere is my parcel?\r\n",
        date.to_rfc2822()
    )
    .into_bytes()
}

/// Alerts come from the stored stages: each clock at each stage once, when the time comes
/// or an event brings it, and each of them one the clocks of every active ticket, assessed
/// as `sla` does, would raise.
#[test]
fn alerts_from_the_stored_stages_once_per_clock_and_stage() {
    use crate::config::Config;
    use crate::store::Store;
    use crate::store::alerts::{AlertKey, claim};
    use crate::store::ingest::AccountIdentity;
    use crate::store::timeline::Scope;
    use crate::worker::import::ingest_raw;

    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("alerts.jsonl");
    let text = ALERT_CONFIG.replace("ALERTS", &out.display().to_string());
    let config = Config::parse(&text, std::path::Path::new("config.toml")).expect("config");
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::from(&config.accounts[0]);
    let m = Duration::minutes;
    let ten = at(0);
    ingest_raw(&mut store, &account, "INBOX", &[mail("Boots", ten - m(50))]).expect("ingest");
    let raised = |store: &Store, now| {
        let n = super::raise_alerts(store.conn(), &config, now).expect("raise");
        // the rows raised from are marked: until they are rebuilt, a beat reads none
        let left = crate::store::timeline::stages::unalerted(store.conn()).expect("unalerted");
        assert_eq!(left, None, "{now}");
        // nothing the assessment of every ticket finds is left unraised
        let (levels, tickets) =
            super::assess_tickets(store.conn(), &config, Scope::Active, now).expect("assess");
        for a in super::alerts(&levels, &tickets) {
            let key = AlertKey {
                ticket: a.ticket_id,
                target: a.target,
                started_at: a.started_at,
                stage: a.stage,
            };
            assert!(
                !claim(store.conn(), key, now.timestamp()).expect("claim"),
                "{a:?}"
            );
        }
        n
    };
    // a mail's subject and when it was sent (minutes after ten)
    type Mail<'a> = Option<(&'a str, i64)>;
    // (minutes after ten, mail arriving then, alerts raised)
    let steps: &[(i64, Mail, usize)] = &[
        // 50 of 60 minutes gone: approaching (past 48)
        (0, None, 1),
        (1, None, 0),
        (9, None, 0),
        // due at ten past: breached a second after it
        (11, None, 1),
        (12, None, 0),
        // a ticket two hours late arrives
        (13, Some(("Laces", -120)), 1),
        (14, None, 0),
    ];
    for (after, arrives, want) in steps {
        if let Some((subject, sent)) = arrives {
            let raw = mail(subject, ten + m(*sent));
            ingest_raw(&mut store, &account, "INBOX", &[raw]).expect("ingest");
        }
        assert_eq!(raised(&store, ten + m(*after)), *want, "{after} min");
    }
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&out)
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let got: Vec<(i64, &str, &str, &str)> = lines
        .iter()
        .map(|a| {
            (
                a["ticket_id"].as_i64().unwrap_or_default(),
                a["stage"].as_str().unwrap_or_default(),
                a["due_at"].as_str().unwrap_or_default(),
                a["policy"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    let due = |min| (ten + m(min)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (boots, laces) = (due(10), due(-60));
    assert_eq!(
        got,
        [
            (1, "approaching", boots.as_str(), "standard"),
            (1, "breached", boots.as_str(), "standard"),
            (2, "breached", laces.as_str(), "standard"),
        ]
    );
}
