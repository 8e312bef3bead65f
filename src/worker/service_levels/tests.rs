//! When a ticket's stored stages are looked at again: the next moment a running clock
//! changes stage, or mail dated ahead comes into view; the alerts raised from the stored
//! stages, once each, as the clocks say; and stages brought up to date ticket by ticket
//! equal to a build of every ticket.

use chrono::{DateTime, Duration, Utc};

use super::stage_checks;
use crate::domain::sla::Stage;
use crate::domain::sla::clock::{
    ClockState, Target, TargetClock, TicketChange, TicketClocks, TimelineEvent,
};
use crate::domain::sla::levels::{Assessed, TicketRecord};
use crate::domain::{Direction, Status};

const T0: i64 = 1_800_000_000;

/// A clock's state, threshold and due time (seconds after T0).
type Spec = (ClockState, Option<i64>, Option<i64>);

fn at(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(T0 + s, 0).unwrap_or_default()
}

/// A clock in `state`, approaching at `approaching`, due at `due`, at its stage `now`
/// (seconds after T0).
fn clock(spec: Spec, now: i64) -> TargetClock {
    let (state, approaching, due) = spec;
    let stage = match (state, due) {
        (ClockState::Running, Some(d)) if now > d => Some(Stage::Breached),
        (ClockState::Running, Some(_)) if approaching.is_none_or(|a| now >= a) => {
            Some(Stage::Approaching)
        }
        _ => None,
    };
    TargetClock {
        target: Target::FirstReply,
        started_at: at(-3_600),
        due_at: due.map(at),
        state,
        stopped_at: None,
        breached_at: None,
        elapsed: Duration::zero(),
        paused: Duration::zero(),
        stage,
        approaching_at: approaching.map(at),
    }
}

/// A ticket under no policy's calendar, with these clocks and mail at these times.
fn assessed(clocks: Vec<TargetClock>, mail: &[i64]) -> Assessed {
    let mut timeline = vec![TimelineEvent {
        at: at(-3_600),
        change: TicketChange::Created,
    }];
    timeline.extend(mail.iter().map(|m| TimelineEvent {
        at: at(*m),
        change: TicketChange::Message(Direction::In),
    }));
    Assessed {
        record: TicketRecord {
            id: 7,
            account: "shop".into(),
            created_at: at(-3_600),
            customer: None,
            owner: None,
            language: None,
            priority: None,
            status: Status::Open,
            tags: Vec::new(),
            timeline,
            history_until: None,
            rating: None,
            order: None,
        },
        level: None,
        clocks: TicketClocks { clocks, reopens: 0 },
        facts: Default::default(),
    }
}

#[test]
fn a_ticket_is_looked_at_again_at_its_next_threshold_breach_or_mail_ahead() {
    use ClockState::*;
    // clocks, mail (seconds after T0), now, when to look again (seconds after T0)
    type Case<'a> = (&'a [Spec], &'a [i64], i64, Option<i64>);
    let cases: &[Case] = &[
        (&[], &[], 0, None),
        // ahead: the threshold first, then one second past the due time
        (&[(Running, Some(600), Some(900))], &[], 0, Some(600)),
        (&[(Running, Some(600), Some(900))], &[], 600, Some(901)),
        (&[(Running, Some(600), Some(900))], &[], 900, Some(901)),
        // already breached: nothing more happens to it
        (&[(Running, Some(600), Some(900))], &[], 901, None),
        // approaching from the start of this stretch (no threshold ahead)
        (&[(Running, None, Some(900))], &[], 0, Some(901)),
        // a calendar that never opens: no due time, no change
        (&[(Running, None, None)], &[], 0, None),
        // paused, met or breached-and-stopped clocks wait for an event
        (&[(Paused, Some(60), Some(120))], &[], 0, None),
        (&[(Met, Some(60), Some(120))], &[], 0, None),
        (&[(Breached, Some(60), Some(120))], &[], 0, None),
        // the earliest over several clocks
        (
            &[
                (Running, Some(3_000), Some(4_000)),
                (Paused, Some(10), Some(20)),
                (Running, None, Some(1_200)),
            ],
            &[],
            0,
            Some(1_201),
        ),
        // mail dated ahead of now comes into view then; mail before now is in already
        (&[], &[-60, 300], 0, Some(300)),
        (
            &[(Running, Some(600), Some(900))],
            &[-60, 300],
            0,
            Some(300),
        ),
        (
            &[(Running, Some(600), Some(900))],
            &[-60, 300],
            300,
            Some(600),
        ),
        (&[(Paused, Some(60), Some(120))], &[-60], 0, None),
    ];
    for (specs, mail, now, want) in cases {
        let clocks: Vec<TargetClock> = specs.iter().map(|c| clock(*c, *now)).collect();
        let ticket = assessed(clocks, mail);
        let got: Vec<(i64, i64)> = stage_checks(&[], std::slice::from_ref(&ticket), at(*now))
            .into_iter()
            .map(|c| (c.ticket_id, c.at))
            .collect();
        let want: Vec<(i64, i64)> = want.iter().map(|w| (7, T0 + w)).collect();
        assert_eq!(got, want, "{specs:?} {mail:?} at {now}");
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

const STEPS_CONFIG: &str = r#"
agent = "alice"
[[accounts]]
name = "shop"
email = "shop@example.test"
[accounts.imap]
host = "127.0.0.1"
[sla]
approaching = "75%"
[[sla.calendar]]
name = "always"
time_zone = "UTC"
hours = { mon = "00:00-24:00", tue = "00:00-24:00", wed = "00:00-24:00", thu = "00:00-24:00", fri = "00:00-24:00", sat = "00:00-24:00", sun = "00:00-24:00" }
[[sla.calendar]]
name = "office"
time_zone = "UTC"
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00" }
[[sla.policy]]
name = "urgent"
priority = "urgent"
first_reply = "30m"
next_reply = "20m"
resolution = "3h"
calendar = "always"
[[sla.policy]]
name = "vip"
tag = "vip"
first_reply = "2h"
next_reply = "1h"
resolution = "8h"
calendar = "office"
approaching = "30m"
[[sla.policy]]
name = "standard"
first_reply = "1h"
next_reply = "2h"
resolution = "6h"
calendar = "always"
"#;

/// Every stored row, by ticket and target.
fn stored(conn: &rusqlite::Connection) -> Vec<crate::store::timeline::stages::StageRow> {
    let mut rows = crate::store::timeline::stages::rows(conn).expect("rows");
    rows.sort_by(|a, b| (a.ticket_id, &a.target).cmp(&(b.ticket_id, &b.target)));
    rows
}

/// What a build of every active ticket stores as of `now`: the worst row per ticket and
/// target, by ticket and target.
fn rebuilt(
    conn: &rusqlite::Connection,
    config: &crate::config::Config,
    now: DateTime<Utc>,
) -> Vec<crate::store::timeline::stages::StageRow> {
    use crate::store::timeline::Scope;
    let (levels, tickets) =
        super::assess_tickets(conn, config, Scope::Active, now).expect("assess");
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<_> = super::stage_rows(&levels, &tickets)
        .into_iter()
        .filter(|r| seen.insert((r.ticket_id, r.target.clone())))
        .collect();
    rows.sort_by(|a, b| (a.ticket_id, &a.target).cmp(&(b.ticket_id, &b.target)));
    rows
}

/// The stages brought up to date ticket by ticket equal a build of every ticket, step after
/// step of a shop's day: new mail and follow-ups, the shop's replies, statuses, priority,
/// tags that change the policy, merges, and time passing (clocks turning approaching and
/// breached, a due time at the office's closing, mail dated ahead of now).
#[test]
fn stages_refreshed_per_ticket_equal_a_full_build_step_after_step() {
    use super::Refreshed;
    use crate::config::Config;
    use crate::domain::ticket_change::StatusCause;
    use crate::domain::{EventSource, Priority, Status};
    use crate::domain::{Origin, TicketChange};
    use crate::store::Store;
    use crate::store::corrections;
    use crate::store::events::{apply, atomically};
    use crate::store::ingest::{AccountIdentity, IngestOutcome};
    use crate::worker::import::ingest_raw;

    let config = Config::parse(STEPS_CONFIG, std::path::Path::new("config.toml")).expect("config");
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::from(&config.accounts[0]);
    // a Monday, an hour before the office opens
    let start = DateTime::from_timestamp(1_799_049_600, 0).unwrap_or_default();
    let mut now = start;
    // an agent's change to one ticket, made now
    let change = |c: &rusqlite::Connection, t, change: TicketChange, now| {
        let origin = Origin::new("alice", EventSource::Cli, now);
        refused_or_done(atomically(c, |tx| apply(tx, t, &[change], &origin)));
    };
    // a small generator with a fixed seed: the same steps every run
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    // each mail sent so far: its Message-ID, to answer it
    let mut sent: Vec<String> = Vec::new();
    let mut tickets: Vec<i64> = Vec::new();
    let mut by_ticket = 0;
    for step in 0..160 {
        let kind = next(9);
        let pick = |r: u64, v: &[i64]| {
            v.get(usize::try_from(r).unwrap_or(0) % v.len().max(1))
                .copied()
        };
        let r1 = next(1_000);
        let r2 = next(1_000);
        let c = store.conn();
        let what = match (kind, pick(r1, &tickets), pick(r2, &tickets)) {
            // new mail, customer follow-ups and the shop's replies, dated from a while ago to
            // a little ahead
            (0..=3, _, _) => {
                let id = format!("m{step}@example.test");
                let date = now + Duration::minutes(i64::try_from(next(40)).unwrap_or(0) - 30);
                let customer = format!("c{}@example.test", next(5));
                let shop = "shop@example.test".to_string();
                let (from, to) = if kind == 3 {
                    (shop, customer)
                } else {
                    (customer, shop)
                };
                let answers = (kind != 0 && !sent.is_empty())
                    .then(|| sent[usize::try_from(r1).unwrap_or(0) % sent.len()].clone());
                let headers = answers
                    .as_ref()
                    .map(|a| format!("In-Reply-To: <{a}>\r\nReferences: <{a}>\r\n"))
                    .unwrap_or_default();
                let subject = if answers.is_some() {
                    "Re: Parcel"
                } else {
                    "Parcel"
                };
                let raw = format!(
                    "From: {from}\r\nTo: {to}\r\nSubject: {subject} {step}\r\nDate: {}\r\n\
                     Message-ID: <{id}>\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\
                     \r\nWhere is my parcel?\r\n",
                    date.to_rfc2822()
                );
                let mailbox = if kind == 3 { "Sent" } else { "INBOX" };
                for o in
                    ingest_raw(&mut store, &account, mailbox, &[raw.into_bytes()]).expect("ingest")
                {
                    if let IngestOutcome::NewTicket(t) = o {
                        tickets.push(t);
                    }
                }
                sent.push(id);
                format!("mail {kind}")
            }
            (4, Some(t), _) => {
                let status = [Status::Open, Status::Pending, Status::Solved]
                    [usize::try_from(r2 % 3).unwrap_or(0)];
                let cause = StatusCause::Agent;
                change(c, t, TicketChange::StatusSet { status, cause }, now);
                format!("#{t} {status}")
            }
            (5, Some(t), _) => {
                let priority = if r2 % 2 == 0 {
                    Priority::Urgent
                } else {
                    Priority::Normal
                };
                change(c, t, TicketChange::PrioritySet { priority }, now);
                format!("#{t} {priority:?}")
            }
            (6, Some(t), _) => {
                let tag = "vip".to_string();
                let tagged = if r2 % 2 == 0 {
                    TicketChange::Tagged { tag }
                } else {
                    TicketChange::Untagged { tag }
                };
                change(c, t, tagged, now);
                format!("#{t} vip {}", r2 % 2)
            }
            (7, Some(a), Some(b)) if a != b && r1 % 3 == 0 => {
                let merged = corrections::merge(c, a, b, "alice", EventSource::Cli).map(|_| ());
                refused_or_done(merged);
                format!("#{a} into #{b}")
            }
            // time passes: a few minutes to a few hours
            _ => {
                now += Duration::minutes(i64::try_from(1 + next(150)).unwrap_or(1));
                "time".to_string()
            }
        };
        let done = super::refresh_stages(store.conn(), &config, now).expect("refresh");
        if step > 0 {
            assert_ne!(done, Refreshed::All, "step {step}: {what}");
        }
        if matches!(done, Refreshed::Tickets(_)) {
            by_ticket += 1;
        }
        assert_eq!(
            stored(store.conn()),
            rebuilt(store.conn(), &config, now),
            "step {step}: {what}, {} min in",
            (now - start).num_minutes()
        );
    }
    // the steps did reach the stages, and most refreshes went by ticket
    assert!(by_ticket > 100, "{by_ticket}");
    assert!(tickets.len() > 10, "{}", tickets.len());
}

/// A change an agent may be refused (a merge of a ticket merged already) is no failure of
/// the steps; anything else is.
fn refused_or_done(done: Result<(), crate::store::StoreError>) {
    match done {
        Ok(()) | Err(crate::store::StoreError::Refused(_)) => {}
        Err(e) => panic!("{e}"),
    }
}

/// A clock due at the office's closing breaches when business time resumes, the next
/// morning: the ticket is looked at again then, not only a second after its due time.
#[test]
fn a_clock_due_at_closing_breaches_when_the_office_opens() {
    use crate::config::Config;
    use crate::domain::{EventSource, Origin, TicketChange};
    use crate::store::Store;
    use crate::store::events::{apply, atomically};
    use crate::store::ingest::AccountIdentity;
    use crate::worker::import::ingest_raw;

    let config = Config::parse(STEPS_CONFIG, std::path::Path::new("config.toml")).expect("config");
    let mut store = Store::open_in_memory().expect("store");
    let account = AccountIdentity::from(&config.accounts[0]);
    // a Monday at eight: the office opens at nine, so eight business hours end at five
    let monday = DateTime::from_timestamp(1_799_049_600, 0).unwrap_or_default();
    let h = Duration::hours;
    ingest_raw(&mut store, &account, "INBOX", &[mail("Boots", monday)]).expect("ingest");
    let tag = TicketChange::Tagged { tag: "vip".into() };
    let origin = Origin::new("alice", EventSource::Cli, monday);
    atomically(store.conn(), |tx| apply(tx, 1, &[tag], &origin)).expect("tag");
    let resolution = |now| {
        super::refresh_stages(store.conn(), &config, now).expect("refresh");
        let rows = stored(store.conn());
        assert_eq!(rows, rebuilt(store.conn(), &config, now), "{now}");
        rows.into_iter()
            .find(|r| r.target == "resolution")
            .map(|r| r.stage)
            .unwrap_or_default()
    };
    let s = Duration::seconds;
    // (time after Monday eight, the resolution clock's stage)
    let steps = [
        (h(1), ""),
        // 7h30 of 8h: approaching
        (h(8) + Duration::minutes(30), "approaching"),
        (h(9), "approaching"),
        (h(9) + s(1), "approaching"),
        (h(20), "approaching"),
        (h(25), "approaching"),
        (h(25) + s(1), "breached"),
        (h(26), "breached"),
    ];
    for (after, want) in steps {
        assert_eq!(resolution(monday + after), want, "{after}");
    }
}
