use chrono::{DateTime, Utc};

use super::*;
use crate::domain::Status;
use crate::domain::sla::calendar::tests::at;
use crate::domain::sla::levels::TicketRecord;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[test]
fn when_values() {
    let now = at("2026-11-29T15:00:00Z");
    let utc: Zone = "UTC".parse().expect("zone");
    let plus2: Zone = "Europe/Helsinki".parse().expect("zone");
    // (value, zone, end, expected)
    let cases = [
        ("30d", &utc, false, Some("2026-10-30T15:00:00Z")),
        ("12h", &utc, true, Some("2026-11-29T03:00:00Z")),
        ("2w", &utc, false, Some("2026-11-15T15:00:00Z")),
        ("2026-11-01", &utc, false, Some("2026-11-01T00:00:00Z")),
        ("2026-11-01", &utc, true, Some("2026-11-02T00:00:00Z")),
        ("2026-11-01", &plus2, false, Some("2026-10-31T22:00:00Z")),
        (
            "2026-11-01T08:00:00+01:00",
            &utc,
            true,
            Some("2026-11-01T07:00:00Z"),
        ),
        ("30", &utc, false, None),
        ("d", &utc, false, None),
        ("30y", &utc, false, None),
        ("2026-13-01", &utc, false, None),
        ("99999999999999999999d", &utc, false, None),
    ];
    for (value, zone, end, want) in cases {
        let got = parse_when(value, now, zone, end).map(rfc3339);
        assert_eq!(got.as_deref(), want, "{value}");
    }
}

#[test]
fn dimensions_read_back_from_their_names() {
    for d in Dimension::ALL {
        assert_eq!(d.as_str().parse::<Dimension>(), Ok(d));
    }
    let periods = [
        (Dimension::Day, Some(Period::Day)),
        (Dimension::Week, Some(Period::Week)),
        (Dimension::Month, Some(Period::Month)),
        (Dimension::Agent, None),
        (Dimension::Tag, None),
        (Dimension::Language, None),
        (Dimension::Account, None),
    ];
    for (d, want) in periods {
        assert_eq!(d.period(), want, "{d}");
    }
    for bad in ["", "year", "Day", "tags"] {
        assert!(bad.parse::<Dimension>().is_err(), "{bad:?}");
    }
}

/// A ticket created at `created` with these tags and owner, and nothing else.
fn ticket(id: i64, created: &str, owner: Option<&str>, tags: &[&str]) -> Assessed {
    let created_at = at(created);
    Assessed {
        record: TicketRecord {
            id,
            account: "shop".into(),
            created_at,
            customer: None,
            owner: owner.map(str::to_string),
            language: None,
            priority: None,
            status: Status::Open,
            tags: tags.iter().map(|t| (*t).to_string()).collect(),
            timeline: Vec::new(),
            history_until: None,
            rating: None,
            order: None,
        },
        level: None,
        clocks: Default::default(),
        facts: TicketFacts {
            id,
            created_at,
            ..TicketFacts::default()
        },
    }
}

#[test]
fn groups_by_each_dimension() {
    let zone: Zone = "UTC".parse().expect("zone");
    let tickets = [
        ticket(1, "2026-11-02T10:00:00Z", Some("bob"), &["vip", "wismo"]),
        ticket(2, "2026-11-02T11:00:00Z", None, &[]),
        ticket(3, "2026-11-04T09:00:00Z", Some("bob"), &["wismo"]),
        // before the window: counted in no group's creations, but in the backlog
        ticket(4, "2026-10-01T09:00:00Z", Some("carol"), &["old"]),
    ];
    let w = Window {
        since: at("2026-11-02T00:00:00Z"),
        until: at("2026-11-05T00:00:00Z"),
    };
    // (dimension, [(key, tickets created, backlog)])
    type Groups = &'static [(&'static str, u64, u64)];
    let cases: &[(Option<Dimension>, Groups)] = &[
        (None, &[]),
        (
            Some(Dimension::Day),
            &[
                ("2026-11-02", 2, 3),
                ("2026-11-03", 0, 3),
                ("2026-11-04", 1, 4),
            ],
        ),
        (Some(Dimension::Week), &[("2026-11-02", 3, 4)]),
        (Some(Dimension::Month), &[("2026-11-01", 3, 4)]),
        (
            Some(Dimension::Agent),
            &[("(none)", 1, 1), ("bob", 2, 2), ("carol", 0, 1)],
        ),
        (
            Some(Dimension::Tag),
            &[
                ("(none)", 1, 1),
                ("old", 0, 1),
                ("vip", 1, 1),
                ("wismo", 2, 2),
            ],
        ),
        (Some(Dimension::Language), &[("(none)", 3, 4)]),
        (Some(Dimension::Account), &[("shop", 3, 4)]),
    ];
    for (by, want) in cases {
        let f = figures(&tickets, w, *by, &zone);
        assert_eq!(f.total.tickets_created, 3, "{by:?}");
        assert_eq!(f.total.backlog, 4, "{by:?}");
        let got: Vec<(&str, u64, u64)> = f
            .groups
            .iter()
            .map(|(k, g)| (k.as_str(), g.tickets_created, g.backlog))
            .collect();
        assert_eq!(got, *want, "{by:?}");
    }
}
