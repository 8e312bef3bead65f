//! A calendar's working intervals over a range of days laid out once, with running totals,
//! so business time between two instants is two binary searches instead of a walk over
//! every day with its zone conversions. The answers are the calendar's own — the intervals
//! are the ones it computes — and an instant outside the range is asked of the calendar.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::BusinessCalendar;

/// What the clocks ask of a calendar.
pub trait WorkTime {
    /// Business time in `[a, b)`; zero when `b` is not after `a`.
    fn business_time_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration;
    /// The instant `work` of business time has passed after `start`.
    fn add_business_time(&self, start: DateTime<Utc>, work: Duration) -> Option<DateTime<Utc>>;
}

impl WorkTime for BusinessCalendar {
    fn business_time_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        BusinessCalendar::business_time_between(self, a, b)
    }

    fn add_business_time(&self, start: DateTime<Utc>, work: Duration) -> Option<DateTime<Utc>> {
        BusinessCalendar::add_business_time(self, start, work)
    }
}

/// `cal` laid out from local day `from` through `to`.
#[derive(Debug, Clone)]
pub struct IndexedCalendar<'a> {
    cal: &'a BusinessCalendar,
    /// The start of the first day and of the day after the last.
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
    /// Working intervals in order, with the business time before each and up to its end.
    spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    before: Vec<Duration>,
    after: Vec<Duration>,
    total: Duration,
}

impl<'a> IndexedCalendar<'a> {
    /// The days from `from`'s through `to`'s local date.
    pub fn new(cal: &'a BusinessCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        let first = cal.zone.local(from).date();
        let last = cal.zone.local(to).date().max(first);
        let mut spans = Vec::new();
        let mut date: NaiveDate = first;
        loop {
            spans.extend(cal.spans(date));
            match date.succ_opt() {
                Some(d) if date < last => date = d,
                _ => break,
            }
        }
        let after_last = last.succ_opt().unwrap_or(last);
        let mut before = Vec::with_capacity(spans.len());
        let mut after = Vec::with_capacity(spans.len());
        let mut total = Duration::zero();
        for (open, close) in &spans {
            before.push(total);
            total += *close - *open;
            after.push(total);
        }
        IndexedCalendar {
            cal,
            lo: cal.zone.start_of_day(first),
            hi: cal.zone.start_of_day(after_last),
            spans,
            before,
            after,
            total,
        }
    }

    /// Business time from the start of the range to `t` (within it).
    fn worked(&self, t: DateTime<Utc>) -> Duration {
        // the first interval that does not close by `t`
        let k = self.spans.partition_point(|(_, close)| *close <= t);
        match self.spans.get(k) {
            Some((open, _)) if *open < t => {
                self.before.get(k).map_or(self.total, |b| *b + (t - *open))
            }
            Some(_) => self.before.get(k).copied().unwrap_or(self.total),
            None => self.total,
        }
    }
}

impl WorkTime for IndexedCalendar<'_> {
    fn business_time_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        if b <= a {
            return Duration::zero();
        }
        if a < self.lo || b > self.hi {
            return self.cal.business_time_between(a, b);
        }
        self.worked(b) - self.worked(a)
    }

    fn add_business_time(&self, start: DateTime<Utc>, work: Duration) -> Option<DateTime<Utc>> {
        if work <= Duration::zero() {
            return Some(start);
        }
        if start < self.lo || start >= self.hi {
            return self.cal.add_business_time(start, work);
        }
        let target = self.worked(start) + work;
        // the first interval whose end reaches the target (where the calendar's own walk
        // finds that the work left fits)
        let k = self.after.partition_point(|a| *a < target);
        match (self.spans.get(k), self.before.get(k)) {
            (Some((open, _)), Some(before)) => Some(*open + (target - *before)),
            // past the range: the calendar walks on from `start`
            _ => self.cal.add_business_time(start, work),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sla::calendar::tests::{at, stockholm};
    use crate::domain::sla::calendar::{DaySpan, WeekHours};
    use proptest::prelude::*;

    /// Stockholm office hours, and a night shift whose hours span both clock changes.
    fn calendars() -> [BusinessCalendar; 2] {
        let night = BusinessCalendar {
            week: WeekHours(std::array::from_fn(|_| {
                vec![DaySpan::parse("01:00-05:00").expect("span")]
            })),
            ..stockholm()
        };
        [stockholm(), night]
    }

    proptest! {
        /// Whatever the instants, inside the range, across its ends or outside it, the
        /// index answers as the calendar does.
        #[test]
        fn the_index_answers_as_the_calendar(
            which in 0usize..2,
            a in 0i64..(60 * 86_400),
            len in 0i64..(12 * 86_400),
            work in 0i64..(120 * 3_600),
            autumn in proptest::bool::ANY,
        ) {
            let cal = &calendars()[which];
            let base = if autumn { at("2026-10-10T00:00:00Z") } else { at("2026-03-10T00:00:00Z") };
            // the range covers the middle of what is asked
            let index = IndexedCalendar::new(cal, base + Duration::days(12), base + Duration::days(40));
            let a = base + Duration::seconds(a);
            let b = a + Duration::seconds(len);
            let work = Duration::seconds(work);
            prop_assert_eq!(
                WorkTime::business_time_between(&index, a, b),
                cal.business_time_between(a, b)
            );
            prop_assert_eq!(
                WorkTime::add_business_time(&index, a, work),
                cal.add_business_time(a, work)
            );
        }
    }

    #[test]
    fn a_holiday_and_the_ends_of_the_range() {
        let cal = stockholm();
        let index =
            IndexedCalendar::new(&cal, at("2026-12-20T12:00:00Z"), at("2026-12-31T00:00:00Z"));
        let cases = [
            // Christmas Eve off: Wednesday 23rd 16:00 local + 2h is Friday 25th 10:00 local
            ("2026-12-23T15:00:00Z", 2, "2026-12-25T09:00:00Z"),
            // from before the range
            ("2026-12-18T15:00:00Z", 3, "2026-12-21T10:00:00Z"),
            // past its end
            ("2026-12-30T15:00:00Z", 16, "2027-01-01T15:00:00Z"),
        ];
        for (start, hours, want) in cases {
            let got = WorkTime::add_business_time(&index, at(start), Duration::hours(hours));
            assert_eq!(
                got,
                cal.add_business_time(at(start), Duration::hours(hours)),
                "{start}"
            );
            assert_eq!(got, Some(at(want)), "{start}");
        }
    }
}
