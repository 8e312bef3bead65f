//! A ticket as service levels and KPIs see it (`TicketRecord`, read by the store from the
//! event log), the policy it falls under, and what its clocks and KPI facts are as of now.
//! Pure: the caller reads the records and judges query conditions.

use chrono::{DateTime, Utc};

use super::calendar::BusinessCalendar;
use super::clock::{ClockState, TicketChange, TicketClocks, TimelineEvent, run_clocks};
use super::policy::{Approaching, Policy, Priority, Subject};
use crate::domain::kpi::{SlaVerdict, TicketFacts};
use crate::domain::query::Query;
use crate::domain::{Direction, Status, TicketId};

/// One policy with its calendar and approaching stage resolved from the config.
#[derive(Debug, Clone)]
pub struct Level {
    pub policy: Policy,
    pub calendar: BusinessCalendar,
    pub approaching: Approaching,
}

/// What one ticket is and what happened to it, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub id: TicketId,
    pub account: String,
    pub created_at: DateTime<Utc>,
    pub customer: Option<i64>,
    pub owner: Option<String>,
    pub language: Option<String>,
    pub priority: Option<Priority>,
    pub status: Status,
    /// Sorted.
    pub tags: Vec<String>,
    /// Created first, then messages (notes left out) and status changes.
    pub timeline: Vec<TimelineEvent>,
}

/// The first level whose policy holds for `r`.
pub fn level_for<'a>(
    levels: &'a [Level],
    r: &TicketRecord,
    query_holds: impl FnMut(&Query) -> bool,
) -> Option<&'a Level> {
    let subject = Subject {
        tags: &r.tags,
        language: r.language.as_deref(),
        account: &r.account,
        priority: r.priority,
    };
    // the same rule as `select_policy`: in order, the first whose conditions all hold
    let mut holds = query_holds;
    levels
        .iter()
        .find(|l| l.policy.when.holds(&subject, &mut holds))
}

/// The clocks of `r` under `level` as of `now` (none without a level).
pub fn clocks(r: &TicketRecord, level: Option<&Level>, now: DateTime<Utc>) -> TicketClocks {
    match level {
        Some(l) => run_clocks(
            &r.timeline,
            &l.policy.targets,
            l.approaching,
            &l.calendar,
            now,
        ),
        None => TicketClocks::default(),
    }
}

/// The KPI facts of `r`: `cal` counts business time to the first reply (the level's, else
/// the shop's hours); `clocks` gives the SLA verdicts.
pub fn facts(r: &TicketRecord, clocks: &TicketClocks, cal: &BusinessCalendar) -> TicketFacts {
    let mut f = TicketFacts {
        id: r.id,
        created_at: r.created_at,
        ..TicketFacts::default()
    };
    let mut done = false;
    for e in &r.timeline {
        match e.change {
            TicketChange::Created | TicketChange::Message(Direction::Note) => {}
            TicketChange::Message(Direction::In) => f.messages_in.push(e.at),
            TicketChange::Message(Direction::Out) => {
                f.messages_out.push(e.at);
                if f.first_reply_at.is_none() {
                    f.first_reply_at = Some(e.at);
                    f.first_reply_business = Some(cal.business_time_between(r.created_at, e.at));
                }
            }
            TicketChange::Status(Status::Solved | Status::Closed) => {
                if !done {
                    f.solves.push(e.at);
                }
                done = true;
            }
            TicketChange::Status(_) => {
                if done {
                    f.reopens.push(e.at);
                }
                done = false;
            }
        }
    }
    f.sla = clocks
        .clocks
        .iter()
        .filter_map(|c| match c.state {
            ClockState::Met => c.stopped_at.map(|at| SlaVerdict {
                target: c.target,
                met: true,
                at,
            }),
            ClockState::Breached => c.breached_at.map(|at| SlaVerdict {
                target: c.target,
                met: false,
                at,
            }),
            ClockState::Running | ClockState::Paused => None,
        })
        .collect();
    f
}

#[cfg(test)]
mod tests;
