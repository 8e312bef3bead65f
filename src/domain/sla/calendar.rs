//! Business calendars: when the shop works, in its own time zone, and how much working time
//! lies between two instants. Pure; the zone rules come from the bundled IANA database.
//!
//! Hours are wall-clock times of each local day, so a day that loses or gains an hour to a
//! daylight-saving change has that much less or more business time when its hours span the
//! change. A wall-clock time that does not exist (the skipped hour in spring) stands for the
//! instant the clock jumps; one that occurs twice (autumn) stands for its first occurrence.

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::BusinessHours;

/// The shop's clock: a named IANA zone, or a fixed offset (the older `utc_offset` setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Iana(Tz),
    Fixed(FixedOffset),
}

impl Zone {
    /// The wall-clock time at `t`.
    pub fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Iana(tz) => t.with_timezone(tz).naive_local(),
            Zone::Fixed(off) => t.with_timezone(off).naive_local(),
        }
    }

    /// The instant a wall-clock time stands for (see the module header for gaps and folds).
    pub fn instant(&self, naive: NaiveDateTime) -> DateTime<Utc> {
        let found = match self {
            Zone::Iana(tz) => map_utc(tz.from_local_datetime(&naive)),
            Zone::Fixed(off) => map_utc(off.from_local_datetime(&naive)),
        };
        found.unwrap_or_else(|| self.end_of_gap(naive))
    }

    /// The instant local `date` begins.
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        self.instant(date.and_time(chrono::NaiveTime::MIN))
    }

    /// The first instant whose wall-clock time is at or after `naive`, for a time skipped by
    /// a forward change. No zone's offset exceeds 26 hours, so the answer lies in that window
    /// either side, and wall-clock time only moves forward across a gap.
    fn end_of_gap(&self, naive: NaiveDateTime) -> DateTime<Utc> {
        let mut lo = (naive - Duration::hours(26)).and_utc().timestamp();
        let mut hi = (naive + Duration::hours(26)).and_utc().timestamp();
        let at = |secs: i64| DateTime::from_timestamp(secs, 0).unwrap_or_default();
        // offsets change on whole seconds, so whole seconds find the change exactly
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if self.local(at(mid)) >= naive {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        at(hi)
    }
}

fn map_utc<T: TimeZone>(r: LocalResult<DateTime<T>>) -> Option<DateTime<Utc>> {
    match r {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

impl FromStr for Zone {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Tz::from_str(s.trim())
            .map(Zone::Iana)
            .map_err(|_| format!("`{s}` is not an IANA time zone such as Europe/Stockholm or UTC"))
    }
}

/// One stretch of working time within a local day, in seconds after midnight; `close` may be
/// 86 400 (midnight at the end of the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySpan {
    pub open: u32,
    pub close: u32,
}

impl DaySpan {
    pub const MIDNIGHT: u32 = 86_400;

    /// "09:00-17:00"; "24:00" closes at the end of the day.
    pub fn parse(s: &str) -> Option<DaySpan> {
        let (a, b) = s.split_once('-')?;
        let (open, close) = (clock_secs(a)?, clock_secs(b)?);
        (open < close && close <= Self::MIDNIGHT).then_some(DaySpan { open, close })
    }
}

fn clock_secs(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 3600 + m * 60)
}

/// Working spans per weekday, Monday first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WeekHours(pub [Vec<DaySpan>; 7]);

impl WeekHours {
    /// Round the clock, every day.
    pub fn always() -> WeekHours {
        let all = vec![DaySpan {
            open: 0,
            close: DaySpan::MIDNIGHT,
        }];
        WeekHours(std::array::from_fn(|_| all.clone()))
    }

    fn on(&self, date: NaiveDate) -> &[DaySpan] {
        &self.0[date.weekday().num_days_from_monday() as usize]
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(Vec::is_empty)
    }
}

/// When the shop works: weekly hours in a zone, less holidays (local dates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    pub zone: Zone,
    pub week: WeekHours,
    pub holidays: BTreeSet<NaiveDate>,
}

/// How far ahead `add_business_time` looks before it gives up on a calendar that never
/// opens (for example one whose every weekday is a listed holiday).
const MAX_DAYS: i64 = 3_660;

impl BusinessCalendar {
    /// A calendar that is always open in UTC: business time equals calendar time.
    pub fn always() -> BusinessCalendar {
        BusinessCalendar {
            zone: Zone::Iana(Tz::UTC),
            week: WeekHours::always(),
            holidays: BTreeSet::new(),
        }
    }

    /// The working intervals of local `date`, as instants, in order.
    fn spans(&self, date: NaiveDate) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> {
        let spans = if self.holidays.contains(&date) {
            &[][..]
        } else {
            self.week.on(date)
        };
        let midnight = date.and_time(chrono::NaiveTime::MIN);
        spans.iter().filter_map(move |s| {
            let open = self
                .zone
                .instant(midnight + Duration::seconds(i64::from(s.open)));
            let close = self
                .zone
                .instant(midnight + Duration::seconds(i64::from(s.close)));
            (close > open).then_some((open, close))
        })
    }

    /// Business time in `[a, b)`; zero when `b` is not after `a`.
    pub fn business_time_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        if b <= a {
            return total;
        }
        let mut date = self.zone.local(a).date();
        while self.zone.start_of_day(date) < b {
            for (open, close) in self.spans(date) {
                let (from, to) = (open.max(a), close.min(b));
                if to > from {
                    total += to - from;
                }
            }
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        total
    }

    /// The instant `work` of business time has passed after `start`: the inverse of
    /// [`Self::business_time_between`]. `None` when the calendar has no working time within
    /// ten years. Zero or negative `work` gives `start`.
    pub fn add_business_time(&self, start: DateTime<Utc>, work: Duration) -> Option<DateTime<Utc>> {
        if work <= Duration::zero() {
            return Some(start);
        }
        if self.week.is_empty() {
            return None;
        }
        let mut left = work;
        let mut date = self.zone.local(start).date();
        for _ in 0..MAX_DAYS {
            for (open, close) in self.spans(date) {
                if close <= start {
                    continue;
                }
                let from = open.max(start);
                let available = close - from;
                if left <= available {
                    return Some(from + left);
                }
                left -= available;
            }
            date = date.succ_opt()?;
        }
        None
    }
}

impl From<&BusinessHours> for BusinessCalendar {
    /// The older single-span, fixed-offset hours as a calendar, so policies without a
    /// calendar of their own keep the hours already configured under `[sla]`.
    fn from(h: &BusinessHours) -> Self {
        let secs = |t: chrono::NaiveTime| {
            use chrono::Timelike;
            t.num_seconds_from_midnight()
        };
        let mut week = WeekHours::default();
        if h.close > h.open {
            for d in &h.days {
                week.0[d.num_days_from_monday() as usize] = vec![DaySpan {
                    open: secs(h.open),
                    close: secs(h.close),
                }];
            }
        }
        BusinessCalendar {
            zone: Zone::Fixed(h.offset),
            week,
            holidays: BTreeSet::new(),
        }
    }
}

pub mod index;

#[cfg(test)]
pub(crate) mod tests;
