//! The `[[sla.calendar]]` and `[[sla.policy]]` tables: business calendars by name and the
//! ordered policies that use them. Errors name the calendar or policy, the key and its line.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use super::service::parse_duration;
use crate::domain::query::parse_query;
use crate::domain::sla::{
    Approaching, BusinessCalendar, DaySpan, Policy, PolicyMatch, Priority, Targets, WeekHours,
    Zone, holidays_from_ics,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCalendar {
    name: Spanned<String>,
    time_zone: Spanned<String>,
    hours: Option<BTreeMap<String, Spanned<RawSpans>>>,
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    holidays_file: Option<Spanned<String>>,
}

/// `mon = "09:00-17:00"` or `mon = ["09:00-12:00", "13:00-17:00"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawSpans {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    name: Spanned<String>,
    tag: Option<String>,
    language: Option<Spanned<String>>,
    account: Option<String>,
    priority: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
    first_reply: Option<Spanned<String>>,
    next_reply: Option<Spanned<String>>,
    resolution: Option<Spanned<String>>,
    calendar: Option<Spanned<String>>,
    approaching: Option<Spanned<String>>,
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Builds errors at a line of one file.
pub(super) struct At<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
}

impl At<'_> {
    /// `approaching = "80%"` or `"30m"`.
    pub(super) fn approaching(
        &self,
        v: &Spanned<String>,
        key: &str,
    ) -> Result<Approaching, ConfigError> {
        super::sla::parse_approaching(v.get_ref()).ok_or_else(|| {
            self.err(
                v.span(),
                key,
                format!(
                    "`{}`: use a share of the target such as 80% or a lead such as 30m",
                    v.get_ref()
                ),
            )
        })
    }

    pub(super) fn err(&self, span: Range<usize>, key: &str, message: String) -> ConfigError {
        ConfigError::At {
            path: self.path.to_path_buf(),
            line: super::line_col(self.text, span.start).0,
            key: key.to_string(),
            message,
        }
    }
}

pub(super) fn calendars(
    raw: Vec<Spanned<RawCalendar>>,
    base: &Path,
    path: &Path,
    text: &str,
) -> Result<BTreeMap<String, BusinessCalendar>, ConfigError> {
    let at = At { path, text };
    let mut out = BTreeMap::new();
    for table in raw {
        let span = table.span();
        let c = table.into_inner();
        let name = c.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(at.err(
                c.name.span(),
                "sla.calendar.name",
                "must not be empty".into(),
            ));
        }
        if out.contains_key(&name) {
            return Err(at.err(
                span,
                &format!("sla.calendar[{name}]"),
                "a calendar of this name is defined twice; names must be unique".into(),
            ));
        }
        let key = |k: &str| format!("sla.calendar[{name}].{k}");
        let zone: Zone = c
            .time_zone
            .get_ref()
            .parse()
            .map_err(|m| at.err(c.time_zone.span(), &key("time_zone"), m))?;
        let week = match c.hours {
            None => default_week(),
            Some(hours) => week(hours, &at, &key)?,
        };
        let mut holidays = BTreeSet::new();
        for h in &c.holidays {
            let d = NaiveDate::parse_from_str(h.get_ref().trim(), "%Y-%m-%d").map_err(|_| {
                at.err(
                    h.span(),
                    &key("holidays"),
                    format!("`{}` is not a date like 2026-12-24", h.get_ref()),
                )
            })?;
            holidays.insert(d);
        }
        if let Some(file) = &c.holidays_file {
            let full = base.join(file.get_ref());
            let fail = |m: String| at.err(file.span(), &key("holidays_file"), m);
            let ics = std::fs::read_to_string(&full)
                .map_err(|e| fail(format!("cannot read {}: {e}", full.display())))?;
            let days =
                holidays_from_ics(&ics).map_err(|e| fail(format!("{}: {e}", full.display())))?;
            holidays.extend(days);
        }
        out.insert(
            name,
            BusinessCalendar {
                zone,
                week,
                holidays,
            },
        );
    }
    Ok(out)
}

/// Monday to Friday, 09:00–17:00, like the `[sla]` defaults.
fn default_week() -> WeekHours {
    let mut w = WeekHours::default();
    for day in w.0.iter_mut().take(5) {
        *day = vec![DaySpan {
            open: 9 * 3600,
            close: 17 * 3600,
        }];
    }
    w
}

fn week(
    hours: BTreeMap<String, Spanned<RawSpans>>,
    at: &At<'_>,
    key: &impl Fn(&str) -> String,
) -> Result<WeekHours, ConfigError> {
    let mut w = WeekHours::default();
    for (day, spans) in hours {
        let k = key(&format!("hours.{day}"));
        let Some(i) = WEEKDAYS.iter().position(|d| *d == day) else {
            return Err(at.err(
                spans.span(),
                &k,
                format!("`{day}` is not a weekday: use mon, tue, wed, thu, fri, sat or sun"),
            ));
        };
        let list = match spans.get_ref() {
            RawSpans::One(s) => vec![s.as_str()],
            RawSpans::Many(v) => v.iter().map(String::as_str).collect(),
        };
        let mut parsed = list
            .iter()
            .map(|s| {
                DaySpan::parse(s).ok_or_else(|| {
                    at.err(
                        spans.span(),
                        &k,
                        format!("`{s}` is not opening hours like 09:00-17:00 (24:00 ends the day)"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        parsed.sort_by_key(|s| s.open);
        if parsed.windows(2).any(|p| p[1].open < p[0].close) {
            return Err(at.err(spans.span(), &k, "the hours overlap".into()));
        }
        w.0[i] = parsed;
    }
    Ok(w)
}

pub(super) fn policies(
    raw: Vec<Spanned<RawPolicy>>,
    calendars: &BTreeMap<String, BusinessCalendar>,
    path: &Path,
    text: &str,
) -> Result<Vec<Policy>, ConfigError> {
    let at = At { path, text };
    let mut out: Vec<Policy> = Vec::new();
    for table in raw {
        let span = table.span();
        let p = table.into_inner();
        let name = p.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(at.err(p.name.span(), "sla.policy.name", "must not be empty".into()));
        }
        let key = |k: &str| format!("sla.policy[{name}].{k}");
        if out.iter().any(|x| x.name == name) {
            return Err(at.err(
                span.clone(),
                &format!("sla.policy[{name}]"),
                "a policy of this name is defined twice; names must be unique".into(),
            ));
        }
        let target =
            |v: &Option<Spanned<String>>, k: &str| -> Result<Option<Duration>, ConfigError> {
                v.as_ref()
                    .map(|v| {
                        parse_duration(v.get_ref())
                            .filter(|d| *d > Duration::zero())
                            .ok_or_else(|| {
                                at.err(
                                v.span(),
                                &key(k),
                                format!(
                                    "`{}` is not a duration of business time like 4h, 90m or 2d",
                                    v.get_ref()
                                ),
                            )
                            })
                    })
                    .transpose()
            };
        let targets = Targets {
            first_reply: target(&p.first_reply, "first_reply")?,
            next_reply: target(&p.next_reply, "next_reply")?,
            resolution: target(&p.resolution, "resolution")?,
        };
        if targets == Targets::default() {
            return Err(at.err(
                span,
                &format!("sla.policy[{name}]"),
                "sets no target: add first_reply, next_reply or resolution".into(),
            ));
        }
        let language = match &p.language {
            Some(l) => {
                let s = l.get_ref().trim().to_ascii_lowercase();
                if s.len() != 2 || !s.chars().all(|c| c.is_ascii_lowercase()) {
                    return Err(at.err(
                        l.span(),
                        &key("language"),
                        format!(
                            "`{}` is not a two-letter language code such as en or sv",
                            l.get_ref()
                        ),
                    ));
                }
                Some(s)
            }
            None => None,
        };
        let priority = p
            .priority
            .as_ref()
            .map(|v| {
                v.get_ref()
                    .parse::<Priority>()
                    .map_err(|m| at.err(v.span(), &key("priority"), m))
            })
            .transpose()?;
        let query = p
            .query
            .as_ref()
            .map(|v| {
                parse_query(v.get_ref())
                    .map_err(|e| at.err(v.span(), &key("query"), format!("`{}`: {e}", v.get_ref())))
            })
            .transpose()?;
        let calendar = match &p.calendar {
            Some(c) if !calendars.contains_key(c.get_ref()) => {
                let known: Vec<&str> = calendars.keys().map(String::as_str).collect();
                return Err(at.err(
                    c.span(),
                    &key("calendar"),
                    if known.is_empty() {
                        format!(
                            "no calendar `{}`: define it in a [[sla.calendar]] table",
                            c.get_ref()
                        )
                    } else {
                        format!(
                            "no calendar `{}`; defined: {}",
                            c.get_ref(),
                            known.join(", ")
                        )
                    },
                ));
            }
            c => c.as_ref().map(|c| c.get_ref().clone()),
        };
        let approaching = p
            .approaching
            .as_ref()
            .map(|v| at.approaching(v, &key("approaching")))
            .transpose()?;
        out.push(Policy {
            when: PolicyMatch {
                tag: p.tag.map(|t| t.trim().to_string()),
                language,
                account: p.account,
                priority,
                query,
            },
            name,
            targets,
            calendar,
            approaching,
        });
    }
    Ok(out)
}
