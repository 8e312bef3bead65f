//! Clocks on the Stockholm calendar (Monday to Friday 09:00–17:00, Christmas Eve off):
//! first reply 4h, next reply 8h, resolution 24h, approaching at 80 %.

use super::*;
use crate::domain::sla::calendar::tests::{at, stockholm};

use ClockState::{Breached, Met, Paused, Running};
use Target::{FirstReply, NextReply, Resolution};

fn targets() -> Targets {
    Targets {
        first_reply: Some(Duration::hours(4)),
        next_reply: Some(Duration::hours(8)),
        resolution: Some(Duration::hours(24)),
    }
}

/// "in" / "out" / "note" messages, "created", or a status name.
fn ev(time: &str, what: &str) -> TimelineEvent {
    let change = match what {
        "created" => TicketChange::Created,
        "in" => TicketChange::Message(Direction::In),
        "out" => TicketChange::Message(Direction::Out),
        "note" => TicketChange::Message(Direction::Note),
        s => TicketChange::Status(s.parse().expect("status")),
    };
    TimelineEvent {
        at: at(time),
        change,
    }
}

/// What a test checks of one clock: target, state, due, breached at, elapsed and paused
/// business minutes, stage.
type Seen = (
    Target,
    ClockState,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<Stage>,
);

fn seen(c: &TargetClock) -> Seen {
    let t = |x: Option<DateTime<Utc>>| x.map(|x| x.format("%Y-%m-%dT%H:%M").to_string());
    (
        c.target,
        c.state,
        t(c.due_at),
        t(c.breached_at),
        c.elapsed.num_minutes(),
        c.paused.num_minutes(),
        c.stage,
    )
}

/// Name, events, now, the clocks seen, reopens.
type Case = (
    &'static str,
    Vec<TimelineEvent>,
    &'static str,
    Vec<Seen>,
    u32,
);

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

#[test]
fn clocks_table() {
    let h = 60;
    // (name, events, now, clocks, reopens); only the first-reply and next-reply clocks are
    // listed when the case is about replies (resolution is checked where it matters)
    let cases: Vec<Case> = vec![
        (
            "reply in time",
            vec![
                ev("2026-11-24T09:00:00Z", "created"),
                ev("2026-11-24T09:00:00Z", "in"),
                ev("2026-11-24T12:00:00Z", "out"),
            ],
            "2026-11-24T12:00:00Z",
            vec![(FirstReply, Met, s("2026-11-24T13:00"), None, 3 * h, 0, None)],
            0,
        ),
        (
            "late reply across a weekend",
            vec![
                ev("2026-11-27T13:00:00Z", "in"),
                ev("2026-11-30T10:00:00Z", "out"),
            ],
            "2026-11-30T10:00:00Z",
            vec![(
                FirstReply,
                Breached,
                s("2026-11-30T09:00"),
                s("2026-11-30T09:00"),
                5 * h,
                0,
                None,
            )],
            0,
        ),
        (
            "a holiday does not count",
            vec![
                ev("2026-12-23T14:00:00Z", "in"),
                ev("2026-12-25T09:30:00Z", "out"),
            ],
            "2026-12-25T09:30:00Z",
            vec![(
                FirstReply,
                Met,
                s("2026-12-25T10:00"),
                None,
                3 * h + 30,
                0,
                None,
            )],
            0,
        ),
        (
            "spring change: a reply exactly at the due time is in time",
            vec![
                ev("2026-03-27T14:00:00Z", "in"),
                ev("2026-03-30T09:00:00Z", "out"),
            ],
            "2026-03-30T09:00:00Z",
            vec![(FirstReply, Met, s("2026-03-30T09:00"), None, 4 * h, 0, None)],
            0,
        ),
        (
            "autumn change: a minute late",
            vec![
                ev("2026-10-23T13:00:00Z", "in"),
                ev("2026-10-26T10:01:00Z", "out"),
            ],
            "2026-10-26T10:01:00Z",
            vec![(
                FirstReply,
                Breached,
                s("2026-10-26T10:00"),
                s("2026-10-26T10:00"),
                4 * h + 1,
                0,
                None,
            )],
            0,
        ),
        (
            "running and past due",
            vec![ev("2026-11-24T08:00:00Z", "in")],
            "2026-11-24T13:00:00Z",
            vec![(
                FirstReply,
                Breached,
                s("2026-11-24T12:00"),
                s("2026-11-24T12:00"),
                5 * h,
                0,
                Some(Stage::Breached),
            )],
            0,
        ),
        (
            "running and approaching",
            vec![ev("2026-11-24T08:00:00Z", "in")],
            "2026-11-24T11:30:00Z",
            vec![(
                FirstReply,
                Running,
                s("2026-11-24T12:00"),
                None,
                3 * h + 30,
                0,
                Some(Stage::Approaching),
            )],
            0,
        ),
        (
            "a customer writing twice waits once; notes change nothing",
            vec![
                ev("2026-11-24T08:00:00Z", "in"),
                ev("2026-11-24T09:00:00Z", "in"),
                ev("2026-11-24T10:00:00Z", "note"),
                ev("2026-11-24T11:00:00Z", "out"),
            ],
            "2026-11-24T15:00:00Z",
            vec![(FirstReply, Met, s("2026-11-24T12:00"), None, 3 * h, 0, None)],
            0,
        ),
        (
            "paused while pending on the customer",
            vec![
                ev("2026-11-24T08:00:00Z", "in"),
                ev("2026-11-24T09:00:00Z", "pending"),
            ],
            "2026-11-24T12:00:00Z",
            vec![(FirstReply, Paused, None, None, h, 3 * h, None)],
            0,
        ),
        (
            "breached, then pending: the breach stands",
            vec![
                ev("2026-11-24T08:00:00Z", "in"),
                ev("2026-11-24T13:00:00Z", "pending"),
            ],
            "2026-11-24T15:00:00Z",
            vec![(
                FirstReply,
                Breached,
                s("2026-11-24T12:00"),
                s("2026-11-24T12:00"),
                5 * h,
                2 * h,
                None,
            )],
            0,
        ),
        (
            "solving stops a reply clock",
            vec![
                ev("2026-11-24T08:00:00Z", "in"),
                ev("2026-11-24T10:00:00Z", "solved"),
            ],
            "2026-11-25T12:00:00Z",
            vec![(FirstReply, Met, s("2026-11-24T12:00"), None, 2 * h, 0, None)],
            0,
        ),
    ];
    let only_replies = Targets {
        resolution: None,
        ..targets()
    };
    for (name, events, now, want, reopens) in cases {
        let got = run_clocks(
            &events,
            &only_replies,
            Approaching::default(),
            &stockholm(),
            at(now),
        );
        assert_eq!(
            got.clocks.iter().map(seen).collect::<Vec<_>>(),
            want,
            "{name}"
        );
        assert_eq!(got.reopens, reopens, "{name}: reopens");
    }
}

#[test]
fn a_pending_pause_and_the_resolution_clock() {
    let h = 60;
    let events = vec![
        ev("2026-11-24T08:00:00Z", "created"),
        ev("2026-11-24T08:00:00Z", "in"),
        ev("2026-11-24T09:00:00Z", "out"),
        ev("2026-11-24T09:00:00Z", "pending"),
        // the customer answers on Thursday: the pause covered Tuesday 7h and Wednesday 8h
        ev("2026-11-26T08:00:00Z", "in"),
        ev("2026-11-26T10:00:00Z", "out"),
        ev("2026-11-26T10:00:00Z", "solved"),
    ];
    let got = run_clocks(
        &events,
        &targets(),
        Approaching::default(),
        &stockholm(),
        at("2026-11-30T12:00:00Z"),
    );
    assert_eq!(
        got.clocks.iter().map(seen).collect::<Vec<_>>(),
        vec![
            (FirstReply, Met, s("2026-11-24T12:00"), None, h, 0, None),
            (NextReply, Met, s("2026-11-26T16:00"), None, 2 * h, 0, None),
            // 1h on Tuesday and 2h on Thursday; 21h left would have run to Monday 15:00Z
            (
                Resolution,
                Met,
                s("2026-11-30T15:00"),
                None,
                3 * h,
                15 * h,
                None
            ),
        ]
    );
    assert_eq!(got.reopens, 0);
}

#[test]
fn a_reopen_resumes_resolution_and_starts_a_next_reply() {
    let h = 60;
    let events = vec![
        ev("2026-11-24T08:00:00Z", "created"),
        ev("2026-11-24T08:00:00Z", "in"),
        ev("2026-11-24T09:00:00Z", "out"),
        ev("2026-11-24T09:00:00Z", "solved"),
        // the customer writes back on Wednesday; sync sets the ticket open right after
        ev("2026-11-25T08:00:00Z", "in"),
        ev("2026-11-25T08:00:00Z", "open"),
    ];
    let got = run_clocks(
        &events,
        &targets(),
        Approaching::default(),
        &stockholm(),
        at("2026-11-25T15:00:00Z"),
    );
    assert_eq!(
        got.clocks.iter().map(seen).collect::<Vec<_>>(),
        vec![
            (FirstReply, Met, s("2026-11-24T12:00"), None, h, 0, None),
            // 7h of 8h used: past 80 %
            (
                NextReply,
                Running,
                s("2026-11-25T16:00"),
                None,
                7 * h,
                0,
                Some(Stage::Approaching)
            ),
            // Tuesday 1h, Wednesday 7h; the 23h solved in between do not count
            (
                Resolution,
                Running,
                s("2026-11-27T15:00"),
                None,
                8 * h,
                0,
                None
            ),
        ]
    );
    assert_eq!(
        got.clocks[1].approaching_at,
        Some(at("2026-11-25T14:24:00Z"))
    );
    assert_eq!(got.reopens, 1);
    // answered at 16:00Z and solved again on Thursday after 2h more (1h + 8h + 2h):
    // met, the verdict of the last solve
    let mut more = events.clone();
    more.push(ev("2026-11-25T16:00:00Z", "out"));
    more.push(ev("2026-11-26T10:00:00Z", "solved"));
    let got = run_clocks(
        &more,
        &targets(),
        Approaching::default(),
        &stockholm(),
        at("2026-12-01T00:00:00Z"),
    );
    let res = got.clocks.last().map(seen);
    assert_eq!(
        res,
        Some((
            Resolution,
            Met,
            s("2026-11-27T15:00"),
            None,
            11 * h,
            0,
            None
        ))
    );
}

#[test]
fn approaching_by_a_fixed_lead() {
    let events = vec![ev("2026-11-24T08:00:00Z", "in")];
    let lead = Approaching::Before(Duration::minutes(30));
    let cases = [
        ("2026-11-24T11:29:00Z", None),
        ("2026-11-24T11:30:00Z", Some(Stage::Approaching)),
        ("2026-11-24T12:00:00Z", Some(Stage::Approaching)),
        ("2026-11-24T12:00:01Z", Some(Stage::Breached)),
    ];
    for (now, want) in cases {
        let got = run_clocks(&events, &targets(), lead, &stockholm(), at(now));
        assert_eq!(got.clocks[0].stage, want, "{now}");
    }
}
