//! `[sla]`: business hours and the first-response target sync uses today, plus business
//! calendars (`[[sla.calendar]]`), policies (`[[sla.policy]]`), the approaching stage and the
//! repeat-contact rule. Raw TOML in, domain types out; a bad value is reported with its line
//! and the policy or calendar it belongs to. The one file read here is a calendar's
//! `holidays_file`, relative to the config file.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Duration, FixedOffset, NaiveTime, Weekday};
use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use super::service::{invalid, parse_duration};
use super::sla_tables::{self as tables, At};
use crate::domain::kpi::RepeatScope;
use crate::domain::sla::{Approaching, BusinessCalendar, BusinessHours, Level, Policy};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaConfig {
    /// First-response target, counted in business hours (sync's due time).
    pub first_response: Duration,
    pub hours: BusinessHours,
    /// When a running clock turns "approaching", unless its policy says otherwise.
    pub approaching: Approaching,
    /// Named calendars for policies.
    pub calendars: BTreeMap<String, BusinessCalendar>,
    /// In order: the first that matches a ticket wins.
    pub policies: Vec<Policy>,
    /// A customer writing again within this long after a solve is a repeat contact.
    pub repeat_window: Duration,
    pub repeat_scope: RepeatScope,
    /// `sync --watch` runs this (through `sh -c`) once per ticket per stage, the alert as
    /// JSON on its standard input.
    pub alert_cmd: Option<String>,
    /// The console rings the terminal bell when a ticket newly reaches breached.
    pub bell: bool,
    /// Where `sync` sends the service-level digest (none: no digest).
    pub digest_to: Option<String>,
    /// How often at most a digest goes out.
    pub digest_every: Duration,
}

impl Default for SlaConfig {
    fn default() -> Self {
        SlaConfig {
            first_response: Duration::hours(8),
            hours: BusinessHours::default(),
            approaching: Approaching::default(),
            calendars: BTreeMap::new(),
            policies: Vec::new(),
            repeat_window: Duration::days(7),
            repeat_scope: RepeatScope::AnySubject,
            alert_cmd: None,
            bell: false,
            digest_to: None,
            digest_every: Duration::hours(1),
        }
    }
}

impl SlaConfig {
    /// The calendar a policy's clocks run on: its own, else the `[sla]` hours.
    pub fn calendar_for(&self, policy: &Policy) -> BusinessCalendar {
        policy
            .calendar
            .as_ref()
            .and_then(|name| self.calendars.get(name))
            .cloned()
            .unwrap_or_else(|| BusinessCalendar::from(&self.hours))
    }

    /// The approaching stage a policy's clocks use.
    pub fn approaching_for(&self, policy: &Policy) -> Approaching {
        policy.approaching.unwrap_or(self.approaching)
    }

    /// The policies in order, each with its calendar and approaching stage resolved.
    pub fn levels(&self) -> Vec<Level> {
        self.policies
            .iter()
            .map(|p| Level {
                policy: p.clone(),
                calendar: self.calendar_for(p),
                approaching: self.approaching_for(p),
            })
            .collect()
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSla {
    first_response: Option<String>,
    days: Option<Vec<String>>,
    open: Option<String>,
    close: Option<String>,
    utc_offset: Option<String>,
    approaching: Option<Spanned<String>>,
    repeat_window: Option<Spanned<String>>,
    repeat_scope: Option<Spanned<String>>,
    alert_cmd: Option<String>,
    bell: Option<bool>,
    digest_to: Option<Spanned<String>>,
    digest_every: Option<Spanned<String>>,
    #[serde(default)]
    calendar: Vec<Spanned<tables::RawCalendar>>,
    #[serde(default)]
    policy: Vec<Spanned<tables::RawPolicy>>,
}

/// "80%" or a duration such as "30m".
pub(super) fn parse_approaching(s: &str) -> Option<Approaching> {
    match s.trim().strip_suffix('%') {
        Some(p) => p
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|p| (1..=100).contains(p))
            .map(Approaching::Percent),
        None => parse_duration(s)
            .filter(|d| *d > Duration::zero())
            .map(Approaching::Before),
    }
}

impl RawSla {
    pub(super) fn validate(self, path: &Path, text: &str) -> Result<SlaConfig, ConfigError> {
        let d = SlaConfig::default();
        let at = At { path, text };
        let first_response = match self.first_response {
            Some(s) => parse_duration(&s).ok_or_else(|| {
                invalid(
                    path,
                    "sla.first_response",
                    format!("'{s}' is not a duration like 4h or 90m"),
                )
            })?,
            None => d.first_response,
        };
        let days = match self.days {
            Some(list) => list
                .iter()
                .map(|s| {
                    parse_weekday(s).ok_or_else(|| {
                        invalid(
                            path,
                            "sla.days",
                            format!("'{s}' is not a weekday (mon, tue, ... sun)"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => d.hours.days,
        };
        let open = match self.open {
            Some(s) => parse_time(path, "sla.open", &s)?,
            None => d.hours.open,
        };
        let close = match self.close {
            Some(s) => parse_time(path, "sla.close", &s)?,
            None => d.hours.close,
        };
        if close <= open {
            return Err(invalid(
                path,
                "sla.close",
                "must be later than sla.open".into(),
            ));
        }
        let offset = match self.utc_offset {
            Some(s) => parse_offset(&s).ok_or_else(|| {
                invalid(
                    path,
                    "sla.utc_offset",
                    format!("'{s}' is not an offset like +01:00"),
                )
            })?,
            None => d.hours.offset,
        };
        let approaching = match &self.approaching {
            Some(v) => at.approaching(v, "sla.approaching")?,
            None => d.approaching,
        };
        let repeat_window = match &self.repeat_window {
            Some(v) => parse_duration(v.get_ref())
                .filter(|d| *d > Duration::zero())
                .ok_or_else(|| {
                    at.err(
                        v.span(),
                        "sla.repeat_window",
                        format!("`{}`: use a duration such as 7d", v.get_ref()),
                    )
                })?,
            None => d.repeat_window,
        };
        let repeat_scope = match self
            .repeat_scope
            .as_ref()
            .map(|v| (v, v.get_ref().as_str()))
        {
            None => d.repeat_scope,
            Some((_, "any")) => RepeatScope::AnySubject,
            Some((_, "same_order")) => RepeatScope::SameOrder,
            Some((v, s)) => {
                return Err(at.err(
                    v.span(),
                    "sla.repeat_scope",
                    format!("`{s}`: use any or same_order"),
                ));
            }
        };
        let digest_to = match &self.digest_to {
            Some(v) => Some(
                v.get_ref()
                    .trim()
                    .parse::<lettre::Address>()
                    .map(|a| a.to_string())
                    .map_err(|_| {
                        at.err(
                            v.span(),
                            "sla.digest_to",
                            format!("`{}` is not an e-mail address", v.get_ref()),
                        )
                    })?,
            ),
            None => None,
        };
        let digest_every = match &self.digest_every {
            Some(v) => parse_duration(v.get_ref())
                .filter(|d| *d > Duration::zero())
                .ok_or_else(|| {
                    at.err(
                        v.span(),
                        "sla.digest_every",
                        format!("`{}`: use a duration such as 1h", v.get_ref()),
                    )
                })?,
            None => d.digest_every,
        };
        let base = path.parent().unwrap_or(Path::new(""));
        let calendars = tables::calendars(self.calendar, base, path, text)?;
        let policies = tables::policies(self.policy, &calendars, path, text)?;
        Ok(SlaConfig {
            first_response,
            hours: BusinessHours {
                days,
                open,
                close,
                offset,
            },
            approaching,
            calendars,
            policies,
            repeat_window,
            repeat_scope,
            alert_cmd: self.alert_cmd.filter(|c| !c.trim().is_empty()),
            bell: self.bell.unwrap_or(d.bell),
            digest_to,
            digest_every,
        })
    }
}

fn parse_time(path: &Path, key: &str, s: &str) -> Result<NaiveTime, ConfigError> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| invalid(path, key, format!("'{s}' is not a time like 09:00")))
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
    FixedOffset::east_opt(sign * secs)
}

#[cfg(test)]
mod tests;
