//! The report screen's state: which period and dimension are chosen, and the figures loaded
//! for them; the keys that change them; and the figures built from assessed tickets (pure,
//! for the loader to call off the key path). Drawing is `ui::report_view`'s.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};

use super::{Action, App, Effect, Mode};
use crate::domain::kpi::{Kpis, Period, Window};
use crate::domain::report::{Dimension, figures};
use crate::domain::sla::Zone;
use crate::domain::sla::levels::Assessed;

/// How far back the report looks: whole local days (or months) up to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportPeriod {
    Days7,
    Days30,
    Days90,
    Months12,
}

impl ReportPeriod {
    pub const ALL: [ReportPeriod; 4] = [
        ReportPeriod::Days7,
        ReportPeriod::Days30,
        ReportPeriod::Days90,
        ReportPeriod::Months12,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ReportPeriod::Days7 => "7 days",
            ReportPeriod::Days30 => "30 days",
            ReportPeriod::Days90 => "90 days",
            ReportPeriod::Months12 => "12 months",
        }
    }

    /// The step of the charts over time: few enough bars or points to tell apart.
    pub fn step(self) -> Period {
        match self {
            ReportPeriod::Days7 | ReportPeriod::Days30 => Period::Day,
            ReportPeriod::Days90 => Period::Week,
            ReportPeriod::Months12 => Period::Month,
        }
    }

    /// The window up to `now`: from the start of the first local day (the first month for
    /// twelve months) in `zone`, so every step but the last is whole.
    pub fn window(self, now: DateTime<Utc>, zone: &Zone) -> Window {
        let today = zone.local(now).date();
        let first = match self {
            ReportPeriod::Days7 => today.checked_sub_signed(Duration::days(6)),
            ReportPeriod::Days30 => today.checked_sub_signed(Duration::days(29)),
            ReportPeriod::Days90 => today.checked_sub_signed(Duration::days(89)),
            ReportPeriod::Months12 => Period::Month
                .start(today)
                .checked_sub_months(Months::new(11)),
        }
        .unwrap_or(today);
        Window {
            since: zone.start_of_day(first).min(now),
            until: now,
        }
    }

    fn shifted(self, by: isize) -> ReportPeriod {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0);
        let last = Self::ALL.len() - 1;
        Self::ALL[i.saturating_add_signed(by).min(last)]
    }
}

/// What the screen shows for one period and dimension.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportData {
    pub period: ReportPeriod,
    pub dimension: Dimension,
    pub window: Window,
    /// The window's first and last local dates, for the title.
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub total: Kpis,
    /// The period's steps in order (the local date each starts on, `YYYY-MM-DD`).
    pub step: Period,
    pub series: Vec<(String, Kpis)>,
    /// The groups of the chosen dimension.
    pub groups: Vec<(String, Kpis)>,
}

/// The report of `tickets` (read for the window of `period` as of `now`).
pub fn report_data(
    tickets: &[Assessed],
    period: ReportPeriod,
    dimension: Dimension,
    now: DateTime<Utc>,
    zone: &Zone,
) -> ReportData {
    let w = period.window(now, zone);
    let step = period.step();
    let by_time = match step {
        Period::Day => Dimension::Day,
        Period::Week => Dimension::Week,
        Period::Month => Dimension::Month,
    };
    let over_time = figures(tickets, w, Some(by_time), zone);
    let groups = if dimension == by_time {
        over_time.groups.clone()
    } else {
        figures(tickets, w, Some(dimension), zone).groups
    };
    ReportData {
        period,
        dimension,
        window: w,
        first: zone.local(w.since).date(),
        last: zone.local(w.until).date(),
        total: over_time.total,
        step,
        series: over_time.groups,
        groups,
    }
}

/// The screen's choices and what was loaded for them (kept while the screen is closed).
#[derive(Debug, Clone, PartialEq)]
pub struct ReportState {
    pub period: ReportPeriod,
    pub dimension: Dimension,
    pub data: Option<ReportData>,
    /// Figures for the current choice are on their way.
    pub loading: bool,
}

impl Default for ReportState {
    fn default() -> Self {
        ReportState {
            period: ReportPeriod::Days30,
            dimension: Dimension::Tag,
            data: None,
            loading: false,
        }
    }
}

impl ReportState {
    /// Asks for the figures of the current choice; the ones on screen stay until they come.
    fn load(&mut self) -> Effect {
        self.loading = true;
        Effect::LoadReport {
            period: self.period,
            dimension: self.dimension,
        }
    }
}

/// `R` or `:report`: the screen opens on the last choice, with fresh figures.
pub(super) fn open(app: &mut App) -> Vec<Effect> {
    app.mode = Mode::Report;
    vec![app.report.load()]
}

/// Figures arrived: shown if they are for what is chosen now.
pub(super) fn loaded(app: &mut App, data: ReportData) {
    let r = &mut app.report;
    if data.period == r.period && data.dimension == r.dimension {
        r.data = Some(data);
        r.loading = false;
    }
}

/// The figures again, when the database changed under an open screen.
pub(super) fn reload(app: &mut App) -> Option<Effect> {
    (app.mode == Mode::Report).then(|| app.report.load())
}

pub(super) fn on_report(app: &mut App, a: Action) -> Vec<Effect> {
    let r = &mut app.report;
    match a {
        Action::Back => {
            app.mode = Mode::Normal;
            return Vec::new();
        }
        Action::NextPeriod | Action::PrevPeriod => {
            let period = r
                .period
                .shifted(if a == Action::NextPeriod { 1 } else { -1 });
            if period == r.period {
                return Vec::new();
            }
            r.period = period;
        }
        Action::NextDimension | Action::PrevDimension => {
            let all = Dimension::ALL;
            let i = all.iter().position(|d| *d == r.dimension).unwrap_or(0);
            let n = all.len();
            let next = if a == Action::NextDimension {
                i + 1
            } else {
                i + n - 1
            };
            r.dimension = all[next % n];
        }
        Action::Refresh => {}
        _ => return Vec::new(),
    }
    vec![r.load()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sla::calendar::tests::at;

    #[test]
    fn windows_start_on_whole_local_days() {
        let utc: Zone = "UTC".parse().expect("zone");
        let stockholm: Zone = "Europe/Stockholm".parse().expect("zone");
        let now = at("2026-11-24T12:00:00Z");
        // (period, zone, since)
        let cases = [
            (ReportPeriod::Days7, &utc, "2026-11-18T00:00:00Z"),
            (ReportPeriod::Days30, &utc, "2026-10-26T00:00:00Z"),
            (ReportPeriod::Days90, &utc, "2026-08-27T00:00:00Z"),
            (ReportPeriod::Months12, &utc, "2025-12-01T00:00:00Z"),
            // winter time from the day before the first
            (ReportPeriod::Days30, &stockholm, "2026-10-25T23:00:00Z"),
            // summer time on the first day
            (ReportPeriod::Days90, &stockholm, "2026-08-26T22:00:00Z"),
            (ReportPeriod::Months12, &stockholm, "2025-11-30T23:00:00Z"),
        ];
        for (p, zone, since) in cases {
            let w = p.window(now, zone);
            assert_eq!((w.since, w.until), (at(since), now), "{p:?} {zone:?}");
        }
    }

    #[test]
    fn a_report_has_a_step_per_day_week_or_month_of_its_period() {
        let zone: Zone = "Europe/Stockholm".parse().expect("zone");
        let now = at("2026-11-24T12:00:00Z");
        // (period, dimension, steps, first step, first date, groups as the steps)
        let cases = [
            (ReportPeriod::Days7, Dimension::Tag, 7, "2026-11-18", false),
            (ReportPeriod::Days30, Dimension::Day, 30, "2026-10-26", true),
            // the first week keyed by its Monday, three days before the first day
            (
                ReportPeriod::Days90,
                Dimension::Week,
                14,
                "2026-08-24",
                true,
            ),
            (
                ReportPeriod::Months12,
                Dimension::Agent,
                12,
                "2025-12-01",
                false,
            ),
        ];
        for (period, dimension, steps, first, grouped_by_step) in cases {
            let r = report_data(&[], period, dimension, now, &zone);
            assert_eq!(r.series.len(), steps, "{period:?}");
            assert_eq!(r.series[0].0, first, "{period:?}");
            assert_eq!(r.last.to_string(), "2026-11-24");
            assert_eq!(r.window, period.window(now, &zone));
            assert_eq!(r.total, Kpis::default());
            // nothing to count: a dimension over time still has its steps, others none
            assert_eq!(r.groups.len(), if grouped_by_step { steps } else { 0 });
        }
    }

    #[test]
    fn periods_stop_at_either_end() {
        use ReportPeriod::*;
        let cases = [
            (Days7, -1, Days7),
            (Days7, 1, Days30),
            (Days90, 1, Months12),
            (Months12, 1, Months12),
            (Months12, -1, Days90),
        ];
        for (from, by, want) in cases {
            assert_eq!(from.shifted(by), want, "{from:?} {by}");
        }
    }
}
