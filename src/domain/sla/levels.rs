//! A ticket as service levels and KPIs see it (`TicketRecord`, read by the store from the
//! event log), the policy it falls under, and what its clocks and KPI facts are as of now.
//! Pure: the caller reads the records and judges query conditions.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};

use super::calendar::BusinessCalendar;
use super::clock::{ClockState, TicketChange, TicketClocks, TimelineEvent, run_clocks};
use super::policy::{Approaching, Policy, Priority, Subject};
use crate::domain::kpi::{
    ContactTicket, Rating, RepeatScope, SlaVerdict, TicketFacts, repeat_contacts,
};
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
    /// For a ticket that began as a mailbox's history, when that history was settled: what
    /// happened up to then starts no clock.
    pub history_until: Option<DateTime<Utc>>,
    /// The customer's vote, if any (the last one).
    pub rating: Option<Rating>,
}

/// The index of the first level whose policy holds for `r`; `query_holds(level, query)`
/// answers for a query condition, asked only when the level's other conditions hold.
pub fn level_for(
    levels: &[Level],
    r: &TicketRecord,
    mut query_holds: impl FnMut(usize, &Query) -> bool,
) -> Option<usize> {
    let subject = Subject {
        tags: &r.tags,
        language: r.language.as_deref(),
        account: &r.account,
        priority: r.priority,
    };
    // the rule of `select_policy`: in order, the first whose conditions all hold
    (0..levels.len()).find(|&i| {
        levels[i]
            .policy
            .when
            .holds(&subject, &mut |q: &Query| query_holds(i, q))
    })
}

/// The clocks of `r` under `level` as of `now` (none without a level).
pub fn clocks(r: &TicketRecord, level: Option<&Level>, now: DateTime<Utc>) -> TicketClocks {
    let Some(l) = level else {
        return TicketClocks::default();
    };
    let live = match r.history_until {
        Some(h) => {
            let start = r.timeline.partition_point(|e| e.at <= h);
            &r.timeline[start..]
        }
        None => &r.timeline[..],
    };
    run_clocks(live, &l.policy.targets, l.approaching, &l.calendar, now)
}

/// One ticket assessed: the level it falls under (an index into the levels), its clocks
/// as of now and its KPI facts.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub record: TicketRecord,
    pub level: Option<usize>,
    pub clocks: TicketClocks,
    pub facts: TicketFacts,
}

/// Every record under its level as of `now`, with repeat contacts marked (`repeat` says
/// how). `query_holds(level, ticket)` judges a policy's query condition; `shop` is the
/// calendar of tickets under no policy.
pub fn assess(
    records: Vec<TicketRecord>,
    levels: &[Level],
    shop: &BusinessCalendar,
    now: DateTime<Utc>,
    repeat: (Duration, RepeatScope),
    mut query_holds: impl FnMut(usize, TicketId) -> bool,
) -> Vec<Assessed> {
    let mut out: Vec<Assessed> = records
        .into_iter()
        .map(|record| {
            let level = level_for(levels, &record, |i, _| query_holds(i, record.id));
            let level_ref = level.and_then(|i| levels.get(i));
            let clocks = clocks(&record, level_ref, now);
            let cal = level_ref.map_or(shop, |l| &l.calendar);
            let facts = facts(&record, &clocks, cal);
            Assessed {
                record,
                level,
                clocks,
                facts,
            }
        })
        .collect();
    let mut by_customer: HashMap<i64, Vec<ContactTicket>> = HashMap::new();
    for a in &out {
        if let Some(c) = a.record.customer {
            by_customer.entry(c).or_default().push(ContactTicket {
                id: a.record.id,
                created_at: a.record.created_at,
                solved_at: a.facts.solved_at(),
                order: None,
            });
        }
    }
    let mut repeats = HashSet::new();
    for tickets in by_customer.values().filter(|t| t.len() > 1) {
        repeats.extend(repeat_contacts(tickets, repeat.0, repeat.1));
    }
    for a in &mut out {
        a.facts.repeat = repeats.contains(&a.record.id);
    }
    out
}

/// The KPI facts of `r`: `cal` counts business time to the first reply (the level's, else
/// the shop's hours); `clocks` gives the SLA verdicts.
pub fn facts(r: &TicketRecord, clocks: &TicketClocks, cal: &BusinessCalendar) -> TicketFacts {
    let mut f = TicketFacts {
        id: r.id,
        created_at: r.created_at,
        rating: r.rating,
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
