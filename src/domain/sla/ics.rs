//! Holidays from iCalendar text (RFC 5545), as exported by calendar apps and public holiday
//! feeds. Parsing only: the config edge reads the file.
//!
//! Every `VEVENT` is a day off: an all-day event covers `DTSTART` up to, not including, its
//! `DTEND` (one day without one); an event with a time covers the date its start is written in.
//! A recurring event (`RRULE`) is refused rather than read as its first day only, which would
//! quietly drop every later year.

use chrono::{Duration, NaiveDate};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    #[error("not iCalendar text: {0}")]
    Syntax(String),
    #[error("event `{0}` has no start date (DTSTART)")]
    NoStart(String),
    #[error("event `{0}` repeats (RRULE); list each holiday as its own event")]
    Recurring(String),
    #[error("event `{0}` lasts longer than a year")]
    TooLong(String),
}

/// The holiday dates listed in `text`, sorted and without repeats.
pub fn holidays_from_ics(text: &str) -> Result<Vec<NaiveDate>, IcsError> {
    let cal: icalendar::Calendar = text.parse().map_err(IcsError::Syntax)?;
    let mut days = Vec::new();
    for c in &cal.components {
        let CalendarComponent::Event(event) = c else {
            continue;
        };
        let name = event.get_summary().unwrap_or("(no summary)").to_string();
        if event.property_value("RRULE").is_some() {
            return Err(IcsError::Recurring(name));
        }
        let start = event
            .get_start()
            .map(day_of)
            .ok_or_else(|| IcsError::NoStart(name.clone()))?;
        let end = match event.get_end() {
            Some(DatePerhapsTime::Date(end)) if end > start => end,
            _ => start + Duration::days(1),
        };
        if end - start > Duration::days(366) {
            return Err(IcsError::TooLong(name));
        }
        let mut d = start;
        while d < end {
            days.push(d);
            d += Duration::days(1);
        }
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

fn day_of(d: DatePerhapsTime) -> NaiveDate {
    match d {
        DatePerhapsTime::Date(d) => d,
        DatePerhapsTime::DateTime(CalendarDateTime::Utc(t)) => t.date_naive(),
        DatePerhapsTime::DateTime(CalendarDateTime::Floating(t)) => t.date(),
        DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, .. }) => {
            date_time.date()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ics(events: &str) -> String {
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n")
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn reads_holidays() {
        let ev = |body: &str| format!("BEGIN:VEVENT\r\nUID:x\r\n{body}END:VEVENT\r\n");
        type Case = (&'static str, String, Result<Vec<NaiveDate>, IcsError>);
        let cases: Vec<Case> = vec![
            (
                "one all-day event",
                ics(&ev(
                    "SUMMARY:Julafton\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261225\r\n",
                )),
                Ok(vec![d("2026-12-24")]),
            ),
            (
                "a three-day event and a repeat of its middle day",
                ics(&format!(
                    "{}{}",
                    ev(
                        "SUMMARY:Jul\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n"
                    ),
                    ev("SUMMARY:Juldagen\r\nDTSTART;VALUE=DATE:20261225\r\n"),
                )),
                Ok(vec![d("2026-12-24"), d("2026-12-25"), d("2026-12-26")]),
            ),
            (
                "a timed event is its start date",
                ics(&ev(
                    "SUMMARY:Inventory\r\nDTSTART:20260601T080000\r\nDTEND:20260601T120000\r\n",
                )),
                Ok(vec![d("2026-06-01")]),
            ),
            ("no events", ics(""), Ok(vec![])),
            (
                "recurring",
                ics(&ev(
                    "SUMMARY:Nyårsdagen\r\nDTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=YEARLY\r\n",
                )),
                Err(IcsError::Recurring("Nyårsdagen".into())),
            ),
            (
                "no start",
                ics(&ev("SUMMARY:Someday\r\n")),
                Err(IcsError::NoStart("Someday".into())),
            ),
        ];
        for (name, text, want) in cases {
            assert_eq!(holidays_from_ics(&text), want, "{name}");
        }
        assert!(matches!(
            holidays_from_ics("hello"),
            Err(IcsError::Syntax(_))
        ));
    }
}
