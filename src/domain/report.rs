//! What a report is, apart from where its tickets come from and how it is shown: the window
//! a `--since`/`--until` value names, the dimensions a report is grouped by, and the figures
//! of a window in total and per group. `shopdesk report` prints these; the console's report
//! screen draws them. The KPI formulas themselves are `domain::kpi`'s.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::kpi::{Kpis, Period, TicketFacts, Window, kpis, kpis_by_period};
use crate::domain::sla::Zone;
use crate::domain::sla::levels::Assessed;

/// Where a `--since`/`--until` value points: a span back from `now` (30d, 12h, 2w, 90m), a
/// date (from its start in `zone`; `end` takes it up to its end) or an RFC 3339 instant.
pub fn parse_when(s: &str, now: DateTime<Utc>, zone: &Zone, end: bool) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let day = if end { date.succ_opt()? } else { date };
        return Some(zone.start_of_day(day));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let n: i64 = s[..split].parse().ok()?;
    let span = match &s[split..] {
        "m" | "min" => Duration::try_minutes(n)?,
        "h" => Duration::try_hours(n)?,
        "d" => Duration::try_days(n)?,
        "w" => Duration::try_weeks(n)?,
        _ => return None,
    };
    now.checked_sub_signed(span)
}

/// What a report's groups are: periods of the shop's calendar, or a property of the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Day,
    Week,
    Month,
    Agent,
    Tag,
    Language,
    Account,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Day,
        Dimension::Week,
        Dimension::Month,
        Dimension::Agent,
        Dimension::Tag,
        Dimension::Language,
        Dimension::Account,
    ];

    /// The `--by` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Day => "day",
            Dimension::Week => "week",
            Dimension::Month => "month",
            Dimension::Agent => "agent",
            Dimension::Tag => "tag",
            Dimension::Language => "language",
            Dimension::Account => "account",
        }
    }

    /// The period of a dimension over time.
    pub fn period(self) -> Option<Period> {
        match self {
            Dimension::Day => Some(Period::Day),
            Dimension::Week => Some(Period::Week),
            Dimension::Month => Some(Period::Month),
            _ => None,
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dimension {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| format!("`{s}`: use day, week, month, agent, tag, language or account"))
    }
}

/// The key of a ticket without an owner, a language or tags.
pub const NONE_KEY: &str = "(none)";

/// The figures of a window: in total, and per group when grouped (in the groups' order:
/// periods by time, other keys by name; a group with nothing to count is left out of a
/// grouping by ticket property).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Figures {
    pub total: Kpis,
    pub groups: Vec<(String, Kpis)>,
}

/// The figures of `tickets` over `w`, grouped by `by`; periods are of `zone`'s calendar.
pub fn figures(tickets: &[Assessed], w: Window, by: Option<Dimension>, zone: &Zone) -> Figures {
    let facts: Vec<TicketFacts> = tickets.iter().map(|t| t.facts.clone()).collect();
    let groups = match by {
        None => Vec::new(),
        Some(d) => match d.period() {
            Some(period) => kpis_by_period(&facts, w, period, zone)
                .into_iter()
                .map(|(b, k)| (b.key.format("%Y-%m-%d").to_string(), k))
                .collect(),
            None => by_property(tickets, d, w),
        },
    };
    Figures {
        total: kpis(&facts, w),
        groups,
    }
}

/// The groups of `tickets` by a ticket property: one ticket in every group of its tags.
fn by_property(tickets: &[Assessed], dim: Dimension, w: Window) -> Vec<(String, Kpis)> {
    let mut groups: BTreeMap<String, Vec<TicketFacts>> = BTreeMap::new();
    for t in tickets {
        let r = &t.record;
        let keys: Vec<String> = match dim {
            Dimension::Agent => vec![r.owner.clone().unwrap_or_else(|| NONE_KEY.into())],
            Dimension::Language => vec![r.language.clone().unwrap_or_else(|| NONE_KEY.into())],
            Dimension::Account => vec![r.account.clone()],
            _ if r.tags.is_empty() => vec![NONE_KEY.into()],
            _ => r.tags.clone(),
        };
        for k in keys {
            groups.entry(k).or_default().push(t.facts.clone());
        }
    }
    groups
        .into_iter()
        .map(|(k, facts)| (k, kpis(&facts, w)))
        .filter(|(_, k)| *k != Kpis::default())
        .collect()
}

#[cfg(test)]
mod tests;
