//! Report periods: days, ISO weeks (Monday first) and calendar months of the shop's time
//! zone, as half-open ranges of instants, so a day of 23 or 25 hours is still one day.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};

use crate::domain::sla::Zone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    /// The first local date of the period holding `date`.
    pub fn start(self, date: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => date,
            Period::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            Period::Month => date.with_day(1).unwrap_or(date),
        }
    }

    /// The first local date of the next period.
    fn next(self, start: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Day => start.succ_opt(),
            Period::Week => start.checked_add_signed(Duration::days(7)),
            Period::Month => start.checked_add_months(Months::new(1)),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => Ok(Period::Day),
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            _ => Err(format!("`{s}`: use day, week or month")),
        }
    }
}

/// A half-open range of instants `[since, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Window {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.since <= t && t < self.until
    }

    /// The first whole second after the window, for reads of times stored in whole seconds
    /// (rounded down): a ticket created at 12:00:00.4 is stored as 12:00:00 and belongs to
    /// a window that ends at 12:00:00.9, so the bound is rounded up, not down.
    pub fn until_second(&self) -> i64 {
        let s = self.until.timestamp();
        if self.until.timestamp_subsec_nanos() > 0 {
            s + 1
        } else {
            s
        }
    }
}

/// One group of a report: the local date its period starts on, and its instants (cut to the
/// report's window at either end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub key: NaiveDate,
    pub window: Window,
}

/// The periods that `window` touches, in order.
pub fn buckets(window: Window, period: Period, zone: &Zone) -> Vec<Bucket> {
    let mut out = Vec::new();
    if window.until <= window.since {
        return out;
    }
    let mut key = period.start(zone.local(window.since).date());
    while let Some(next) = period.next(key) {
        let start = zone.start_of_day(key).max(window.since);
        let end = zone.start_of_day(next).min(window.until);
        if end > start {
            out.push(Bucket {
                key,
                window: Window {
                    since: start,
                    until: end,
                },
            });
        }
        if end >= window.until {
            break;
        }
        key = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sla::calendar::tests::at;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_window_ends_on_the_second_after_its_last_instant() {
        let whole = at("2026-11-29T12:00:00Z");
        let cases = [
            (whole, whole.timestamp()),
            (
                whole + chrono::Duration::nanoseconds(1),
                whole.timestamp() + 1,
            ),
            (
                whole + chrono::Duration::milliseconds(999),
                whole.timestamp() + 1,
            ),
        ];
        for (until, want) in cases {
            let w = Window {
                since: whole - chrono::Duration::days(1),
                until,
            };
            assert_eq!(w.until_second(), want, "{until}");
        }
    }

    #[test]
    fn period_starts() {
        let cases = [
            (Period::Day, "2026-11-29", "2026-11-29"),
            (Period::Week, "2026-11-29", "2026-11-23"),
            (Period::Week, "2026-11-23", "2026-11-23"),
            (Period::Week, "2027-01-01", "2026-12-28"),
            (Period::Month, "2026-11-29", "2026-11-01"),
        ];
        for (p, date, want) in cases {
            assert_eq!(p.start(d(date)), d(want), "{p} {date}");
        }
    }

    #[test]
    fn buckets_follow_local_days_across_a_clock_change() {
        let zone: Zone = "Europe/Stockholm".parse().expect("zone");
        let w = Window {
            since: at("2026-03-28T12:00:00Z"),
            until: at("2026-03-30T12:00:00Z"),
        };
        let got: Vec<(NaiveDate, DateTime<Utc>, DateTime<Utc>)> = buckets(w, Period::Day, &zone)
            .into_iter()
            .map(|b| (b.key, b.window.since, b.window.until))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    d("2026-03-28"),
                    at("2026-03-28T12:00:00Z"),
                    at("2026-03-28T23:00:00Z")
                ),
                // the 23-hour Sunday
                (
                    d("2026-03-29"),
                    at("2026-03-28T23:00:00Z"),
                    at("2026-03-29T22:00:00Z")
                ),
                (
                    d("2026-03-30"),
                    at("2026-03-29T22:00:00Z"),
                    at("2026-03-30T12:00:00Z")
                ),
            ]
        );
        let months = buckets(
            Window {
                since: at("2026-10-15T00:00:00Z"),
                until: at("2026-12-01T00:00:00Z"),
            },
            Period::Month,
            &zone,
        );
        let keys: Vec<NaiveDate> = months.iter().map(|b| b.key).collect();
        // 1 December 00:00Z is already December in Stockholm: a sliver of it
        assert_eq!(
            keys,
            vec![d("2026-10-01"), d("2026-11-01"), d("2026-12-01")]
        );
        assert_eq!(months[1].window.since, at("2026-10-31T23:00:00Z"));
        assert_eq!(months[1].window.until, at("2026-11-30T23:00:00Z"));
        assert!(
            buckets(
                Window {
                    since: w.until,
                    until: w.since
                },
                Period::Week,
                &zone
            )
            .is_empty()
        );
    }
}
