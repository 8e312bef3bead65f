//! Service levels: business calendars, policies and the clocks they drive, all pure.
//!
//! [`calendar`] counts business time in an IANA zone with weekly hours and holidays, exact
//! across daylight-saving changes; [`ics`] reads holidays from calendar text; [`policy`]
//! picks the targets for a ticket; [`clock`] runs those targets over a ticket's timeline.
//! The fixed-offset [`BusinessHours`] below is the older, single-target form that sync uses
//! for the first-response due time and the auto-acknowledgement's "reply by".

pub mod calendar;
pub mod clock;
pub mod ics;
pub mod levels;
pub mod policy;

pub use calendar::{BusinessCalendar, DaySpan, WeekHours, Zone};
pub use clock::{
    ClockState, Stage, Target, TargetClock, TicketChange, TicketClocks, TimelineEvent, run_clocks,
};
pub use ics::{IcsError, holidays_from_ics};
pub use levels::{Level, TicketRecord};
pub use policy::{Approaching, Policy, PolicyMatch, Priority, Subject, Targets, select_policy};

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveTime, Offset, TimeZone, Utc, Weekday,
};

/// When the shop works: the same hours on the listed weekdays, in one UTC offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    pub days: Vec<Weekday>,
    pub open: NaiveTime,
    pub close: NaiveTime,
    pub offset: FixedOffset,
}

impl Default for BusinessHours {
    fn default() -> Self {
        BusinessHours {
            days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            open: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            close: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default(),
            offset: Utc.fix(),
        }
    }
}

/// The moment `work` of business time has passed after `start`.
pub fn add_business_time(
    start: DateTime<Utc>,
    work: Duration,
    hours: &BusinessHours,
) -> DateTime<Utc> {
    if hours.days.is_empty() || hours.close <= hours.open {
        return start + work;
    }
    let mut left = work;
    let mut t = start.with_timezone(&hours.offset);
    // at most a few weeks of days; bounded so bad input cannot spin
    for _ in 0..(366 * 2) {
        let date = t.date_naive();
        let open = local(hours, date.and_time(hours.open));
        let close = local(hours, date.and_time(hours.close));
        if hours.days.contains(&date.weekday()) && t < close {
            let from = if t < open { open } else { t };
            let available = close - from;
            if left <= available {
                return (from + left).with_timezone(&Utc);
            }
            left -= available;
        }
        let next = date.succ_opt().unwrap_or(date);
        t = local(hours, next.and_time(NaiveTime::MIN));
    }
    start + work
}

fn local(hours: &BusinessHours, naive: chrono::NaiveDateTime) -> DateTime<FixedOffset> {
    hours
        .offset
        .from_local_datetime(&naive)
        .single()
        .unwrap_or_else(|| naive.and_utc().with_timezone(&hours.offset))
}

/// "Tuesday 11:00" in the customer's language, in the shop's time zone.
pub fn reply_by_text(due: DateTime<Utc>, hours: &BusinessHours, language: Option<&str>) -> String {
    let local = due.with_timezone(&hours.offset);
    let day = local.weekday().num_days_from_monday() as usize;
    let names: [&str; 7] = match language {
        Some("sv") => [
            "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
        ],
        Some("tr") => [
            "Pazartesi",
            "Salı",
            "Çarşamba",
            "Perşembe",
            "Cuma",
            "Cumartesi",
            "Pazar",
        ],
        Some("ru") => [
            "понедельник",
            "вторник",
            "среда",
            "четверг",
            "пятница",
            "суббота",
            "воскресенье",
        ],
        Some("zh") => [
            "星期一",
            "星期二",
            "星期三",
            "星期四",
            "星期五",
            "星期六",
            "星期日",
        ],
        Some("de") => [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ],
        _ => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
    };
    let date = local.format("%Y-%m-%d");
    let time = local.format("%H:%M");
    match language {
        Some("zh") => format!("{date}（{}）{time}", names[day]),
        _ => format!("{} {date} {time}", names[day]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("date")
            .with_timezone(&Utc)
    }

    #[test]
    fn due_times() {
        let h = BusinessHours::default();
        let four = Duration::hours(4);
        // 2026-11-24 is a Tuesday
        assert_eq!(
            add_business_time(at("2026-11-24T10:00:00Z"), four, &h),
            at("2026-11-24T14:00:00Z")
        );
        assert_eq!(
            add_business_time(at("2026-11-24T15:00:00Z"), four, &h),
            at("2026-11-25T11:00:00Z")
        );
        assert_eq!(
            add_business_time(at("2026-11-24T20:00:00Z"), four, &h),
            at("2026-11-25T13:00:00Z")
        );
        assert_eq!(
            add_business_time(at("2026-11-24T06:00:00Z"), four, &h),
            at("2026-11-24T13:00:00Z")
        );
        // Friday afternoon → Monday
        assert_eq!(
            add_business_time(at("2026-11-27T16:00:00Z"), four, &h),
            at("2026-11-30T12:00:00Z")
        );
        // Saturday → Monday
        assert_eq!(
            add_business_time(at("2026-11-28T12:00:00Z"), four, &h),
            at("2026-11-30T13:00:00Z")
        );
        let cet = BusinessHours {
            offset: FixedOffset::east_opt(3600).expect("cet"),
            ..h
        };
        assert_eq!(
            add_business_time(at("2026-11-24T07:30:00Z"), four, &cet),
            at("2026-11-24T12:00:00Z")
        );
    }
}
