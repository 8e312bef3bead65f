//! A ticket as service levels and KPIs see it (`TicketRecord`, read by the store from the
//! event log), the policy it falls under, and what its clocks and KPI facts are as of now.
//! Pure: the caller reads the records and judges query conditions.

use chrono::{DateTime, Duration, Utc};

use super::calendar::BusinessCalendar;
use super::calendar::index::{IndexedCalendar, WorkTime};
use super::clock::{ClockState, TicketChange, TicketClocks, TimelineEvent, run_clocks};
use super::policy::{Approaching, Policy, Priority, Subject};
use crate::domain::kpi::{ContactTicket, Rating, RepeatScope, SlaVerdict, TicketFacts, repeat_set};
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
    /// The order the ticket is about (read only when repeat contacts count by order).
    pub order: Option<String>,
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
    match level {
        Some(l) => clocks_on(r, l, &l.calendar, now),
        None => TicketClocks::default(),
    }
}

/// The clocks of `r` under `l`, business time counted by `cal` (the level's calendar or an
/// index of it).
fn clocks_on<C: WorkTime + ?Sized>(
    r: &TicketRecord,
    l: &Level,
    cal: &C,
    now: DateTime<Utc>,
) -> TicketClocks {
    let live = match r.history_until {
        Some(h) => {
            let start = r.timeline.partition_point(|e| e.at <= h);
            &r.timeline[start..]
        }
        None => &r.timeline[..],
    };
    run_clocks(live, &l.policy.targets, l.approaching, cal, now)
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
    query_holds: impl Fn(usize, TicketId) -> bool + Sync,
) -> Vec<Assessed> {
    // Each calendar laid out once over the days the tickets span (up to ten years back,
    // and a while past now for due times); what falls outside is asked of the calendar.
    let first = records
        .iter()
        .map(|r| r.created_at)
        .min()
        .unwrap_or(now)
        .max(now - Duration::days(3_660));
    let until = now + Duration::days(60);
    let indexed: Vec<IndexedCalendar> = levels
        .iter()
        .map(|l| IndexedCalendar::new(&l.calendar, first, until))
        .collect();
    let shop = IndexedCalendar::new(shop, first, until);
    let one = |record: TicketRecord| {
        let level = level_for(levels, &record, |i, _| query_holds(i, record.id));
        let (clocks, facts) = match level.and_then(|i| Some((levels.get(i)?, indexed.get(i)?))) {
            Some((l, cal)) => {
                let clocks = clocks_on(&record, l, cal, now);
                let facts = facts(&record, &clocks, cal);
                (clocks, facts)
            }
            None => {
                let clocks = TicketClocks::default();
                let facts = facts(&record, &clocks, &shop);
                (clocks, facts)
            }
        };
        Assessed {
            record,
            level,
            clocks,
            facts,
        }
    };
    // Each ticket on its own, so the tickets are shared out over the cores in order.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut out: Vec<Assessed> = if cores < 2 || records.len() < 4_096 {
        records.into_iter().map(one).collect()
    } else {
        let per = records.len().div_ceil(cores.min(8));
        let mut chunks: Vec<Vec<TicketRecord>> = Vec::new();
        let mut rest = records;
        while rest.len() > per {
            let tail = rest.split_off(per);
            chunks.push(rest);
            rest = tail;
        }
        chunks.push(rest);
        std::thread::scope(|s| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|c| s.spawn(|| c.into_iter().map(one).collect::<Vec<_>>()))
                .collect();
            let mut all = Vec::new();
            for h in handles {
                match h.join() {
                    Ok(part) => all.extend(part),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        })
    };
    let repeats = repeat_set(
        out.iter().filter_map(|a| {
            let customer = a.record.customer?;
            Some((
                customer,
                ContactTicket {
                    id: a.record.id,
                    created_at: a.record.created_at,
                    solved_at: a.facts.solved_at(),
                    order: a.record.order.clone(),
                },
            ))
        }),
        repeat.0,
        repeat.1,
    );
    for a in &mut out {
        a.facts.repeat = repeats.contains(&a.record.id);
    }
    out
}

/// The KPI facts of `r`: `cal` counts business time to the first reply (the level's, else
/// the shop's hours); `clocks` gives the SLA verdicts.
pub fn facts<C: WorkTime + ?Sized>(
    r: &TicketRecord,
    clocks: &TicketClocks,
    cal: &C,
) -> TicketFacts {
    let mut f = TicketFacts {
        id: r.id,
        created_at: r.created_at,
        rating: r.rating,
        ..TicketFacts::default()
    };
    for e in &r.timeline {
        match e.change {
            TicketChange::Message(Direction::In) => f.messages_in.push(e.at),
            TicketChange::Message(Direction::Out) => {
                f.messages_out.push(e.at);
                if f.first_reply_at.is_none() {
                    f.first_reply_at = Some(e.at);
                    f.first_reply_business = Some(cal.business_time_between(r.created_at, e.at));
                }
            }
            _ => {}
        }
    }
    (f.solves, f.reopens) = solves_and_reopens(&r.timeline);
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

/// Each solve (solved or closed, from anything else) and each reopen (back from solved or
/// closed) of a timeline in time order. Messages do not count: a ticket is reopened by the
/// status change sync makes for the customer's message.
pub fn solves_and_reopens(timeline: &[TimelineEvent]) -> (Vec<DateTime<Utc>>, Vec<DateTime<Utc>>) {
    let (mut solves, mut reopens) = (Vec::new(), Vec::new());
    let mut done = false;
    for e in timeline {
        match e.change {
            TicketChange::Status(Status::Solved | Status::Closed) => {
                if !done {
                    solves.push(e.at);
                }
                done = true;
            }
            TicketChange::Status(_) => {
                if done {
                    reopens.push(e.at);
                }
                done = false;
            }
            TicketChange::Created | TicketChange::Message(_) => {}
        }
    }
    (solves, reopens)
}

/// When a timeline's ticket was last solved, if it was not reopened after: the rule of
/// [`TicketFacts::solved_at`].
pub fn solved_at(timeline: &[TimelineEvent]) -> Option<DateTime<Utc>> {
    let (solves, reopens) = solves_and_reopens(timeline);
    TicketFacts {
        solves,
        reopens,
        ..TicketFacts::default()
    }
    .solved_at()
}

#[cfg(test)]
mod tests;
