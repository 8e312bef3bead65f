//! Records to policies, clocks and KPI facts, on small timelines worked out by hand.

use chrono::Duration;

use super::*;
use crate::domain::sla::calendar::tests::at;
use crate::domain::sla::policy::{PolicyMatch, Targets};
use crate::domain::sla::{Stage, Target};

fn level(name: &str, when: PolicyMatch) -> Level {
    Level {
        policy: Policy {
            name: name.into(),
            when,
            targets: Targets {
                first_reply: Some(Duration::hours(1)),
                next_reply: Some(Duration::hours(2)),
                resolution: Some(Duration::hours(8)),
            },
            calendar: None,
            approaching: None,
        },
        calendar: BusinessCalendar::always(),
        approaching: Approaching::Percent(50),
    }
}

fn record(tags: &[&str], events: &[(&str, TicketChange)]) -> TicketRecord {
    TicketRecord {
        id: 7,
        account: "shop".into(),
        created_at: at(events[0].0),
        customer: Some(1),
        owner: None,
        language: Some("sv".into()),
        priority: None,
        status: Status::Open,
        order: None,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        timeline: events
            .iter()
            .map(|(t, change)| TimelineEvent {
                at: at(t),
                change: *change,
            })
            .collect(),
        history_until: None,
        rating: None,
    }
}

const IN: TicketChange = TicketChange::Message(Direction::In);
const OUT: TicketChange = TicketChange::Message(Direction::Out);
const NOTE: TicketChange = TicketChange::Message(Direction::Note);

#[test]
fn policies_in_order_and_queries_asked_last() {
    let levels = vec![
        level(
            "vip",
            PolicyMatch {
                tag: Some("vip".into()),
                ..PolicyMatch::default()
            },
        ),
        level(
            "swedish",
            PolicyMatch {
                language: Some("sv".into()),
                ..PolicyMatch::default()
            },
        ),
    ];
    let r = record(&["vip"], &[("2026-11-02T10:00:00Z", TicketChange::Created)]);
    let name = |r: &TicketRecord| {
        level_for(&levels, r, |_, _| true).map(|i| levels[i].policy.name.clone())
    };
    assert_eq!(name(&r).as_deref(), Some("vip"));
    let r = record(&[], &[("2026-11-02T10:00:00Z", TicketChange::Created)]);
    assert_eq!(name(&r).as_deref(), Some("swedish"));
    let r = TicketRecord {
        language: None,
        ..r
    };
    assert_eq!(name(&r), None);
}

#[test]
fn facts_from_a_timeline() {
    let l = level("all", PolicyMatch::default());
    let cal = BusinessCalendar::always();
    // (timeline, now, messages in/out, solves, reopens, first reply s, verdicts, stages)
    type Case = (
        Vec<(&'static str, TicketChange)>,
        &'static str,
        (usize, usize),
        usize,
        usize,
        Option<i64>,
        Vec<(Target, bool)>,
        Vec<(Target, Stage)>,
    );
    let solved = TicketChange::Status(Status::Solved);
    let open = TicketChange::Status(Status::Open);
    let closed = TicketChange::Status(Status::Closed);
    let cases: Vec<Case> = vec![
        // answered in 30 min, solved at 3h: all met
        (
            vec![
                ("2026-11-02T10:00:00Z", TicketChange::Created),
                ("2026-11-02T10:00:00Z", IN),
                ("2026-11-02T10:30:00Z", OUT),
                ("2026-11-02T13:00:00Z", solved),
            ],
            "2026-11-03T00:00:00Z",
            (1, 1),
            1,
            0,
            Some(1800),
            vec![(Target::FirstReply, true), (Target::Resolution, true)],
            vec![],
        ),
        // no answer after 40 min: approaching (50 % of 1h); a note changes nothing
        (
            vec![
                ("2026-11-02T10:00:00Z", TicketChange::Created),
                ("2026-11-02T10:00:00Z", IN),
                ("2026-11-02T10:20:00Z", NOTE),
            ],
            "2026-11-02T10:40:00Z",
            (1, 0),
            0,
            0,
            None,
            vec![],
            vec![(Target::FirstReply, Stage::Approaching)],
        ),
        // answered late, solved, reopened by a status change, closed: one reopen, the
        // second close is no second solve of its own until reopened
        (
            vec![
                ("2026-11-02T10:00:00Z", TicketChange::Created),
                ("2026-11-02T10:00:00Z", IN),
                ("2026-11-02T12:00:00Z", OUT),
                ("2026-11-02T12:00:00Z", solved),
                ("2026-11-02T12:30:00Z", closed),
                ("2026-11-03T09:00:00Z", open),
                ("2026-11-03T09:30:00Z", solved),
            ],
            "2026-11-04T00:00:00Z",
            (1, 1),
            2,
            1,
            Some(7200),
            vec![(Target::FirstReply, false), (Target::Resolution, true)],
            vec![],
        ),
        // a second customer message after the answer, unanswered for 3h: next reply breached
        (
            vec![
                ("2026-11-02T10:00:00Z", TicketChange::Created),
                ("2026-11-02T10:00:00Z", IN),
                ("2026-11-02T10:10:00Z", OUT),
                ("2026-11-02T11:00:00Z", IN),
            ],
            "2026-11-02T14:00:00Z",
            (2, 1),
            0,
            0,
            Some(600),
            vec![(Target::FirstReply, true), (Target::NextReply, false)],
            vec![
                (Target::NextReply, Stage::Breached),
                (Target::Resolution, Stage::Approaching),
            ],
        ),
    ];
    for (events, now, (ins, outs), solves, reopens, first, verdicts, stages) in cases {
        let r = record(&[], &events);
        let c = clocks(&r, Some(&l), at(now));
        let f = facts(&r, &c, &cal);
        let label = format!("{events:?}");
        assert_eq!(
            (f.messages_in.len(), f.messages_out.len()),
            (ins, outs),
            "{label}"
        );
        assert_eq!(
            (f.solves.len(), f.reopens.len()),
            (solves, reopens),
            "{label}"
        );
        assert_eq!(
            f.first_reply_business.map(|d| d.num_seconds()),
            first,
            "{label}"
        );
        let got: Vec<(Target, bool)> = f.sla.iter().map(|v| (v.target, v.met)).collect();
        assert_eq!(got, verdicts, "{label}");
        let got: Vec<(Target, Stage)> = c
            .clocks
            .iter()
            .filter_map(|c| c.stage.map(|s| (c.target, s)))
            .collect();
        assert_eq!(got, stages, "{label}");
    }
    assert!(
        clocks(
            &record(&[], &[("2026-11-02T10:00:00Z", IN)]),
            None,
            at("2026-11-03T00:00:00Z")
        )
        .clocks
        .is_empty()
    );
}

/// Enough tickets to be shared out over the cores come back in order, each assessed as it
/// is alone (customers left out, so no ticket's repeat mark depends on another's).
#[test]
fn many_tickets_are_assessed_in_order_as_each_alone() {
    let stockholm = crate::domain::sla::calendar::tests::stockholm();
    let levels = vec![
        level(
            "vip",
            PolicyMatch {
                tag: Some("vip".into()),
                ..PolicyMatch::default()
            },
        ),
        Level {
            calendar: stockholm.clone(),
            ..level("office", PolicyMatch::default())
        },
    ];
    let base = at("2026-03-20T08:00:00Z");
    let records: Vec<TicketRecord> = (0..9_000i64)
        .map(|i| {
            let t = |mins: i64| (base + Duration::minutes(i * 7 + mins)).to_rfc3339();
            let (a, b, c) = (t(0), t(30 + i % 500), t(600 + i % 3_000));
            let tags: &[&str] = if i % 3 == 0 { &["vip"] } else { &[] };
            let mut r = record(
                tags,
                &[
                    (a.as_str(), TicketChange::Created),
                    (a.as_str(), IN),
                    (b.as_str(), OUT),
                    (c.as_str(), TicketChange::Status(Status::Solved)),
                ],
            );
            r.id = i;
            r.customer = None;
            r
        })
        .collect();
    let now = at("2026-05-01T00:00:00Z");
    let repeat = (Duration::days(7), RepeatScope::AnySubject);
    let seen = |a: Vec<Assessed>| -> Vec<(TicketId, Option<usize>, TicketClocks, TicketFacts)> {
        a.into_iter()
            .map(|x| (x.record.id, x.level, x.clocks, x.facts))
            .collect()
    };
    let all = seen(assess(
        records.clone(),
        &levels,
        &stockholm,
        now,
        repeat,
        |_, _| true,
    ));
    let mut alone = Vec::new();
    for r in records {
        alone.extend(seen(assess(
            vec![r],
            &levels,
            &stockholm,
            now,
            repeat,
            |_, _| true,
        )));
    }
    assert_eq!(all.len(), 9_000);
    assert_eq!(all, alone);
    // and the index was asked: the office tickets have business first-reply times
    assert!(
        all.iter()
            .any(|a| a.1 == Some(1) && a.3.first_reply_business.is_some())
    );
}
