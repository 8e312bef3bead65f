//! KPI definitions on a small table worked out by hand (see each figure's comment).

use super::*;
use crate::domain::sla::calendar::tests::at;

fn ts(list: &[&str]) -> Vec<DateTime<Utc>> {
    list.iter().map(|s| at(s)).collect()
}

fn verdict(target: Target, met: bool, when: &str) -> SlaVerdict {
    SlaVerdict {
        target,
        met,
        at: at(when),
    }
}

fn rating(when: &str, vote: Vote) -> Option<Rating> {
    Some(Rating { at: at(when), vote })
}

/// Six tickets around November 2026.
fn table() -> Vec<TicketFacts> {
    let secs = Duration::seconds;
    vec![
        // 1: answered in 1h, solved, good vote: one touch, first-contact resolution
        TicketFacts {
            id: 1,
            created_at: at("2026-11-02T10:00:00Z"),
            solves: ts(&["2026-11-02T12:00:00Z"]),
            first_reply_at: Some(at("2026-11-02T11:00:00Z")),
            first_reply_business: Some(secs(3600)),
            messages_in: ts(&["2026-11-02T10:00:00Z"]),
            messages_out: ts(&["2026-11-02T11:00:00Z"]),
            sla: vec![verdict(Target::FirstReply, true, "2026-11-02T11:00:00Z")],
            rating: rating("2026-11-02T13:00:00Z", Vote::Good),
            ..TicketFacts::default()
        },
        // 2: answered late, solved, reopened two days later, solved again without a reply;
        // a repeat contact with a bad vote
        TicketFacts {
            id: 2,
            created_at: at("2026-11-03T10:00:00Z"),
            solves: ts(&["2026-11-03T15:00:00Z", "2026-11-05T10:00:00Z"]),
            reopens: ts(&["2026-11-05T09:00:00Z"]),
            first_reply_at: Some(at("2026-11-03T14:00:00Z")),
            first_reply_business: Some(secs(14_400)),
            messages_in: ts(&["2026-11-03T10:00:00Z", "2026-11-05T09:00:00Z"]),
            messages_out: ts(&["2026-11-03T14:00:00Z"]),
            repeat: true,
            sla: vec![verdict(Target::FirstReply, false, "2026-11-03T12:00:00Z")],
            rating: rating("2026-11-05T11:00:00Z", Vote::Bad),
        },
        // 3: two replies before the solve, a promoter
        TicketFacts {
            id: 3,
            created_at: at("2026-11-10T10:00:00Z"),
            solves: ts(&["2026-11-11T11:00:00Z"]),
            first_reply_at: Some(at("2026-11-10T10:30:00Z")),
            first_reply_business: Some(secs(1800)),
            messages_in: ts(&["2026-11-10T10:00:00Z"]),
            messages_out: ts(&["2026-11-10T10:30:00Z", "2026-11-11T10:00:00Z"]),
            sla: vec![verdict(Target::Resolution, true, "2026-11-11T11:00:00Z")],
            rating: rating("2026-11-12T09:00:00Z", Vote::Nps(10)),
            ..TicketFacts::default()
        },
        // 4: still unanswered: backlog, a repeat contact
        TicketFacts {
            id: 4,
            created_at: at("2026-11-20T10:00:00Z"),
            messages_in: ts(&["2026-11-20T10:00:00Z"]),
            repeat: true,
            ..TicketFacts::default()
        },
        // 5: created and answered in October, solved on 1 November; a detractor
        TicketFacts {
            id: 5,
            created_at: at("2026-10-25T10:00:00Z"),
            solves: ts(&["2026-11-01T10:00:00Z"]),
            first_reply_at: Some(at("2026-10-26T10:00:00Z")),
            first_reply_business: Some(secs(28_800)),
            messages_in: ts(&["2026-10-25T10:00:00Z"]),
            messages_out: ts(&["2026-10-26T10:00:00Z"]),
            sla: vec![verdict(Target::Resolution, false, "2026-10-28T10:00:00Z")],
            rating: rating("2026-11-01T12:00:00Z", Vote::Nps(6)),
            ..TicketFacts::default()
        },
        // 6: created in November, solved in December: backlog at the end of November
        TicketFacts {
            id: 6,
            created_at: at("2026-11-28T10:00:00Z"),
            solves: ts(&["2026-12-02T10:00:00Z"]),
            first_reply_at: Some(at("2026-11-28T12:00:00Z")),
            first_reply_business: Some(secs(3600)),
            messages_in: ts(&["2026-11-28T10:00:00Z"]),
            messages_out: ts(&["2026-11-28T12:00:00Z"]),
            sla: vec![verdict(Target::FirstReply, true, "2026-11-28T12:00:00Z")],
            rating: rating("2026-12-03T09:00:00Z", Vote::Nps(8)),
            ..TicketFacts::default()
        },
    ]
}

fn november() -> Window {
    Window {
        since: at("2026-11-01T00:00:00Z"),
        until: at("2026-12-01T00:00:00Z"),
    }
}

#[test]
fn november_by_hand() {
    let k = kpis(&table(), november());
    let want = Kpis {
        // 1, 2, 3, 4, 6
        tickets_created: 5,
        // 1, 2 (last solve on the 5th), 3, 5; 6 is solved in December
        tickets_solved: 4,
        // 1 + 2 + 1 + 1 + 0 + 1
        messages_in: 6,
        // 1 + 1 + 2 + 0 + 0 + 1
        messages_out: 5,
        // created in November and answered: 1800, 3600, 7200, 14400 s
        first_reply: Times {
            median_s: Some(5400),
            p90_s: Some(14_400),
            // 1800, 3600, 3600, 14400
            business_median_s: Some(3600),
            business_p90_s: Some(14_400),
        },
        // solved in November: 2h, 25h, 48h (to the last solve), 7 days
        resolution: Times {
            median_s: Some((90_000 + 172_800) / 2),
            p90_s: Some(604_800),
            ..Times::default()
        },
        // one reply: 1, 2, 5 of the four solved
        one_touch_rate: Some(0.75),
        // one reply and no reopen within 7 days: 1 and 5
        fcr_rate: Some(0.5),
        // 2
        reopen_rate: Some(0.25),
        // 2 and 4 of the five created
        repeat_contact_rate: Some(0.4),
        sla: SlaAttainment {
            first_reply: Attainment {
                met: 2,
                breached: 1,
                rate: Some(2.0 / 3.0),
            },
            next_reply: Attainment::default(),
            // 5's breach was decided in October
            resolution: Attainment {
                met: 1,
                breached: 0,
                rate: Some(1.0),
            },
        },
        csat: Csat {
            good: 1,
            okay: 0,
            bad: 1,
            score: Some(0.5),
        },
        // 3 promotes, 5 detracts; 6 answered in December
        nps: Nps {
            promoters: 1,
            passives: 0,
            detractors: 1,
            score: Some(0.0),
        },
        // 4 and 6 were open at midnight UTC on 1 December
        backlog: 2,
    };
    assert_eq!(k, want);
}

#[test]
fn an_empty_window_has_no_rates() {
    let k = kpis(
        &table(),
        Window {
            since: at("2027-01-01T00:00:00Z"),
            until: at("2027-02-01T00:00:00Z"),
        },
    );
    assert_eq!(k.tickets_created, 0);
    assert_eq!(
        (k.one_touch_rate, k.fcr_rate, k.csat.score, k.nps.score),
        (None, None, None, None)
    );
    assert_eq!(k.first_reply.median_s, None);
    // ticket 4 is never solved
    assert_eq!(k.backlog, 1);
}

#[test]
fn first_contact_resolution_allows_a_reopen_after_seven_days() {
    let solved = "2026-11-02T12:00:00Z";
    // (reopen, solved again, counts as FCR)
    let cases = [
        ("2026-11-09T12:00:00Z", "2026-11-09T13:00:00Z", false),
        ("2026-11-09T12:00:01Z", "2026-11-09T13:00:00Z", true),
    ];
    for (reopen, again, want) in cases {
        let f = TicketFacts {
            solves: ts(&[solved, again]),
            reopens: ts(&[reopen]),
            ..table().remove(0)
        };
        assert_eq!(
            kpis(&[f], november()).fcr_rate,
            Some(if want { 1.0 } else { 0.0 }),
            "{reopen}"
        );
    }
}

#[test]
fn solved_state_over_time() {
    let f = &table()[1];
    let cases = [
        ("2026-11-03T14:59:59Z", false),
        ("2026-11-03T15:00:00Z", true),
        ("2026-11-05T09:00:00Z", false),
        ("2026-11-05T10:00:00Z", true),
    ];
    for (t, want) in cases {
        assert_eq!(f.solved_by(at(t)), want, "{t}");
    }
    assert_eq!(f.solved_at(), Some(at("2026-11-05T10:00:00Z")));
    let reopened = TicketFacts {
        reopens: ts(&["2026-11-05T09:00:00Z", "2026-11-06T09:00:00Z"]),
        ..f.clone()
    };
    assert_eq!(reopened.solved_at(), None);
}

#[test]
fn grouped_by_month_in_the_shop_zone() {
    let zone: Zone = "Europe/Stockholm".parse().expect("zone");
    let w = Window {
        since: at("2026-10-15T00:00:00Z"),
        until: at("2026-12-15T00:00:00Z"),
    };
    let got: Vec<(String, u64, u64, u64)> = kpis_by_period(&table(), w, Period::Month, &zone)
        .into_iter()
        .map(|(b, k)| {
            (
                b.key.to_string(),
                k.tickets_created,
                k.tickets_solved,
                k.backlog,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            // 5 open at the end of October
            ("2026-10-01".to_string(), 1, 0, 1),
            ("2026-11-01".to_string(), 5, 4, 2),
            // 6 solved on the 2nd; 4 still open
            ("2026-12-01".to_string(), 0, 1, 1),
        ]
    );
}

/// The table and a few awkward tickets: a solve stamped before the ticket was created, a
/// reopen and a solve in the same second, one created before any window and never solved.
fn awkward() -> Vec<TicketFacts> {
    let mut all = table();
    all.push(TicketFacts {
        id: 20,
        created_at: at("2026-11-10T10:00:00Z"),
        solves: ts(&["2026-11-10T09:00:00Z", "2026-11-12T08:00:00Z"]),
        reopens: ts(&["2026-11-12T08:00:00Z"]),
        messages_in: ts(&["2026-11-10T10:00:00Z", "2026-11-12T08:00:00Z"]),
        ..TicketFacts::default()
    });
    all.push(TicketFacts {
        id: 21,
        created_at: at("2026-09-01T00:00:00Z"),
        messages_in: ts(&["2026-09-01T00:00:00Z"]),
        ..TicketFacts::default()
    });
    all
}

/// Grouping in one pass gives exactly what each period's window gives on its own.
#[test]
fn each_period_as_if_reported_alone() {
    let facts = awkward();
    let windows = [
        november(),
        Window {
            since: at("2026-10-15T07:30:00Z"),
            until: at("2026-12-15T00:00:00Z"),
        },
    ];
    for zone in ["UTC", "Europe/Stockholm", "America/New_York"] {
        let zone: Zone = zone.parse().expect("zone");
        for w in windows {
            for period in [Period::Day, Period::Week, Period::Month] {
                let want: Vec<(Bucket, Kpis)> = buckets(w, period, &zone)
                    .into_iter()
                    .map(|b| (b, kpis(&facts, b.window)))
                    .collect();
                assert_eq!(
                    kpis_by_period(&facts, w, period, &zone),
                    want,
                    "{zone:?} {w:?} {period}"
                );
            }
        }
    }
}

/// `--by day` adds up to the whole window: every count is the sum of the days', and the
/// backlog is the last day's.
#[test]
fn days_add_up_to_the_window() {
    let facts = awkward();
    let w = november();
    let zone: Zone = "Europe/Stockholm".parse().expect("zone");
    let total = kpis(&facts, w);
    let days = kpis_by_period(&facts, w, Period::Day, &zone);
    let sum = |f: fn(&Kpis) -> u64| -> u64 { days.iter().map(|(_, k)| f(k)).sum() };
    assert_eq!(sum(|k| k.tickets_created), total.tickets_created);
    assert_eq!(sum(|k| k.tickets_solved), total.tickets_solved);
    assert_eq!(sum(|k| k.messages_in), total.messages_in);
    assert_eq!(sum(|k| k.messages_out), total.messages_out);
    assert_eq!(sum(|k| k.sla.first_reply.met), total.sla.first_reply.met);
    assert_eq!(
        sum(|k| k.sla.first_reply.breached),
        total.sla.first_reply.breached
    );
    assert_eq!(
        sum(|k| k.sla.resolution.met + k.sla.resolution.breached),
        total.sla.resolution.met + total.sla.resolution.breached
    );
    assert_eq!(
        sum(|k| k.csat.good + k.csat.okay + k.csat.bad),
        total.csat.good + total.csat.okay + total.csat.bad
    );
    assert_eq!(days.last().map(|(_, k)| k.backlog), Some(total.backlog));
    assert!(total.tickets_created > 0 && total.messages_in > 0);
}
