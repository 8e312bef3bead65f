//! Business time in Europe/Stockholm across weekends, a holiday and both 2026 clock changes
//! (spring: Sunday 29 March 02:00 → 03:00; autumn: Sunday 25 October 03:00 → 02:00).

use super::*;
use proptest::prelude::*;

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("date")
        .with_timezone(&Utc)
}

fn span(s: &str) -> DaySpan {
    DaySpan::parse(s).expect("span")
}

/// Monday to Friday 09:00–17:00 in Stockholm, Christmas Eve off.
pub(crate) fn stockholm() -> BusinessCalendar {
    let mut week = WeekHours::default();
    for d in 0..5 {
        week.0[d] = vec![span("09:00-17:00")];
    }
    BusinessCalendar {
        zone: "Europe/Stockholm".parse().expect("zone"),
        week,
        holidays: [NaiveDate::from_ymd_opt(2026, 12, 24).expect("date")].into(),
    }
}

/// Open every day 01:00–05:00, so the hours themselves span the change.
fn night_shift() -> BusinessCalendar {
    BusinessCalendar {
        week: WeekHours(std::array::from_fn(|_| vec![span("01:00-05:00")])),
        ..stockholm()
    }
}

fn round_the_clock() -> BusinessCalendar {
    BusinessCalendar {
        week: WeekHours::always(),
        ..stockholm()
    }
}

#[test]
fn adds_business_time() {
    let h = Duration::hours;
    let m = Duration::minutes;
    // (calendar, start, work, due)
    let cases: Vec<(&str, BusinessCalendar, &str, Duration, &str)> = vec![
        // Tuesday 10:00 CET + 4h, same day
        (
            "within a day",
            stockholm(),
            "2026-11-24T09:00:00Z",
            h(4),
            "2026-11-24T13:00:00Z",
        ),
        (
            "before opening",
            stockholm(),
            "2026-11-24T05:00:00Z",
            h(1),
            "2026-11-24T09:00:00Z",
        ),
        (
            "over the evening",
            stockholm(),
            "2026-11-24T15:00:00Z",
            h(2),
            "2026-11-25T09:00:00Z",
        ),
        (
            "exactly at closing",
            stockholm(),
            "2026-11-24T14:00:00Z",
            h(2),
            "2026-11-24T16:00:00Z",
        ),
        // Friday 15:00 CET + 4h: 2h Friday, 2h Monday
        (
            "over a weekend",
            stockholm(),
            "2026-11-27T14:00:00Z",
            h(4),
            "2026-11-30T10:00:00Z",
        ),
        (
            "from a Saturday",
            stockholm(),
            "2026-11-28T12:00:00Z",
            h(1),
            "2026-11-30T09:00:00Z",
        ),
        // Wednesday 23 Dec 16:00 CET + 2h: Thursday 24 is a holiday, Friday 25 is not listed
        (
            "over a holiday",
            stockholm(),
            "2026-12-23T15:00:00Z",
            h(2),
            "2026-12-25T09:00:00Z",
        ),
        // Friday 16:00 CET + 2h → Monday 10:00 CEST, which is 08:00Z (a fixed offset says 09:00Z)
        (
            "spring change on a weekend",
            stockholm(),
            "2026-03-27T15:00:00Z",
            h(2),
            "2026-03-30T08:00:00Z",
        ),
        // Friday 16:00 CEST + 2h → Monday 10:00 CET = 09:00Z
        (
            "autumn change on a weekend",
            stockholm(),
            "2026-10-23T14:00:00Z",
            h(2),
            "2026-10-26T09:00:00Z",
        ),
        // 01:00–05:00 on 29 March is 3 real hours (02:00–03:00 never happens)
        (
            "spring night shift",
            night_shift(),
            "2026-03-29T00:00:00Z",
            h(3),
            "2026-03-29T03:00:00Z",
        ),
        (
            "spring night shift spills",
            night_shift(),
            "2026-03-29T00:00:00Z",
            h(3) + m(30),
            "2026-03-29T23:30:00Z",
        ),
        // 01:00–05:00 on 25 October is 5 real hours (02:00–03:00 happens twice)
        (
            "autumn night shift",
            night_shift(),
            "2026-10-24T23:00:00Z",
            h(5),
            "2026-10-25T04:00:00Z",
        ),
        // Saturday noon + 24h of round-the-clock time: one wall-clock hour later across spring
        (
            "round the clock, spring",
            round_the_clock(),
            "2026-03-28T11:00:00Z",
            h(24),
            "2026-03-29T11:00:00Z",
        ),
        (
            "zero work",
            stockholm(),
            "2026-11-28T12:00:00Z",
            h(0),
            "2026-11-28T12:00:00Z",
        ),
    ];
    for (name, cal, start, work, due) in cases {
        assert_eq!(
            cal.add_business_time(at(start), work),
            Some(at(due)),
            "{name}"
        );
        assert_eq!(
            cal.business_time_between(at(start), at(due)),
            work,
            "{name}: inverse"
        );
    }
}

#[test]
fn measures_business_time() {
    let h = Duration::hours;
    let cases: Vec<(&str, BusinessCalendar, &str, &str, Duration)> = vec![
        (
            "reversed",
            stockholm(),
            "2026-11-25T09:00:00Z",
            "2026-11-24T09:00:00Z",
            h(0),
        ),
        (
            "a whole week",
            stockholm(),
            "2026-11-23T00:00:00Z",
            "2026-11-30T00:00:00Z",
            h(40),
        ),
        (
            "a week with Christmas Eve",
            stockholm(),
            "2026-12-21T00:00:00Z",
            "2026-12-28T00:00:00Z",
            h(32),
        ),
        (
            "a weekend only",
            stockholm(),
            "2026-11-28T00:00:00Z",
            "2026-11-30T00:00:00Z",
            h(0),
        ),
        // local days: 29 March has 23 hours, 25 October has 25
        (
            "spring Sunday",
            round_the_clock(),
            "2026-03-28T23:00:00Z",
            "2026-03-29T22:00:00Z",
            h(23),
        ),
        (
            "autumn Sunday",
            round_the_clock(),
            "2026-10-24T22:00:00Z",
            "2026-10-25T23:00:00Z",
            h(25),
        ),
        (
            "spring night shift",
            night_shift(),
            "2026-03-28T12:00:00Z",
            "2026-03-29T12:00:00Z",
            h(3),
        ),
        (
            "autumn night shift",
            night_shift(),
            "2026-10-24T12:00:00Z",
            "2026-10-25T12:00:00Z",
            h(5),
        ),
    ];
    for (name, cal, a, b, want) in cases {
        assert_eq!(cal.business_time_between(at(a), at(b)), want, "{name}");
    }
}

#[test]
fn resolves_skipped_and_repeated_wall_clock_times() {
    let z: Zone = "Europe/Stockholm".parse().expect("zone");
    let naive = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("naive");
    // 02:30 never happens on 29 March: it stands for the jump to 03:00 CEST
    assert_eq!(
        z.instant(naive("2026-03-29 02:30")),
        at("2026-03-29T01:00:00Z")
    );
    // 02:30 happens twice on 25 October: the first, still in summer time
    assert_eq!(
        z.instant(naive("2026-10-25 02:30")),
        at("2026-10-25T00:30:00Z")
    );
    assert_eq!(
        z.start_of_day(naive("2026-03-29 00:00").date()),
        at("2026-03-28T23:00:00Z")
    );
}

#[test]
fn parses_spans_and_zones() {
    let cases = [
        ("09:00-17:00", Some((32_400, 61_200))),
        (" 9:30 - 12:00 ", Some((34_200, 43_200))),
        ("00:00-24:00", Some((0, 86_400))),
        ("17:00-09:00", None),
        ("09:00-09:00", None),
        ("09:00-24:30", None),
        ("9-17", None),
        ("", None),
    ];
    for (s, want) in cases {
        assert_eq!(DaySpan::parse(s).map(|d| (d.open, d.close)), want, "{s}");
    }
    assert!("Europe/Stockholm".parse::<Zone>().is_ok());
    assert!("Mars/Olympus".parse::<Zone>().is_err());
}

#[test]
fn a_calendar_that_never_opens_has_no_due_time() {
    let closed = BusinessCalendar {
        week: WeekHours::default(),
        ..stockholm()
    };
    assert_eq!(
        closed.add_business_time(at("2026-11-24T09:00:00Z"), Duration::hours(1)),
        None
    );
}

#[test]
fn legacy_hours_give_the_same_due_times() {
    let legacy = BusinessHours {
        offset: FixedOffset::east_opt(3600).expect("cet"),
        ..BusinessHours::default()
    };
    let cal = BusinessCalendar::from(&legacy);
    for start in [
        "2026-11-24T07:30:00Z",
        "2026-11-27T16:00:00Z",
        "2026-11-28T12:00:00Z",
    ] {
        let work = Duration::hours(4);
        assert_eq!(
            cal.add_business_time(at(start), work),
            Some(super::super::add_business_time(at(start), work, &legacy)),
            "{start}"
        );
    }
}

proptest! {
    /// Adding business time and measuring it back agree, wherever the start falls.
    #[test]
    fn add_and_between_are_inverse(start in 1_767_225_600i64..1_798_761_600, mins in 1i64..10_000) {
        let cal = stockholm();
        let start = DateTime::from_timestamp(start, 0).expect("time");
        let work = Duration::minutes(mins);
        let due = cal.add_business_time(start, work).expect("due");
        prop_assert_eq!(cal.business_time_between(start, due), work);
    }
}
