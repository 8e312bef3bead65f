//! Support KPIs as pure functions over plain per-ticket facts: the figures `report` prints.
//! The definitions are written out in README ("Service levels and KPIs"); each field below
//! says which tickets it counts. Deriving the facts from the event stream, and reading or
//! printing anything, happens elsewhere.

pub mod period;
pub mod repeat;
pub mod stats;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::domain::TicketId;
use crate::domain::sla::{Target, Zone};
pub use period::{Bucket, Period, Window, buckets};
pub use repeat::{ContactTicket, RepeatScope, repeat_contacts, repeat_of, repeat_set};
use stats::{median, percentile, share};

/// How long after its first solve a reopen still undoes first-contact resolution.
pub const FCR_REOPEN_WINDOW: Duration = Duration::days(7);

/// A customer's satisfaction answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    Good,
    Okay,
    Bad,
    /// Net promoter answer, 0 to 10.
    Nps(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rating {
    pub at: DateTime<Utc>,
    pub vote: Vote,
}

/// One target's verdict on one clock: met or not, decided when it stopped in time or when it
/// was breached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaVerdict {
    pub target: Target,
    pub met: bool,
    pub at: DateTime<Utc>,
}

/// What a report needs to know of one ticket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TicketFacts {
    pub id: TicketId,
    pub created_at: DateTime<Utc>,
    /// Each time the ticket was solved or closed, in order.
    pub solves: Vec<DateTime<Utc>>,
    /// Each time it went from solved or closed back to open, in order.
    pub reopens: Vec<DateTime<Utc>>,
    pub first_reply_at: Option<DateTime<Utc>>,
    /// Business time to the first reply, on the ticket's policy calendar.
    pub first_reply_business: Option<Duration>,
    /// Customer messages, and the shop's replies (notes are neither).
    pub messages_in: Vec<DateTime<Utc>>,
    pub messages_out: Vec<DateTime<Utc>>,
    /// A repeat contact, either side (see [`repeat`]).
    pub repeat: bool,
    pub sla: Vec<SlaVerdict>,
    /// The last vote counts.
    pub rating: Option<Rating>,
}

impl TicketFacts {
    /// The last solve, if no reopen came after it.
    pub fn solved_at(&self) -> Option<DateTime<Utc>> {
        let last = *self.solves.last()?;
        self.reopens
            .last()
            .is_none_or(|r| *r < last)
            .then_some(last)
    }

    /// Whether the ticket was solved at instant `t`.
    pub fn solved_by(&self, t: DateTime<Utc>) -> bool {
        let solve = self.solves.iter().rev().find(|s| **s <= t);
        let reopen = self.reopens.iter().rev().find(|r| **r <= t);
        match (solve, reopen) {
            (Some(s), Some(r)) => s > r,
            (Some(_), None) => true,
            _ => false,
        }
    }

    fn reopened_soon(&self) -> bool {
        self.solves.first().is_some_and(|first| {
            self.reopens
                .iter()
                .any(|r| *r >= *first && *r - *first <= FCR_REOPEN_WINDOW)
        })
    }
}

/// Median and 90th percentile, in seconds; `None` without data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Times {
    pub median_s: Option<i64>,
    pub p90_s: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_median_s: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_p90_s: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Attainment {
    pub met: u64,
    pub breached: u64,
    /// met / (met + breached)
    pub rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SlaAttainment {
    pub first_reply: Attainment,
    pub next_reply: Attainment,
    pub resolution: Attainment,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Csat {
    pub good: u64,
    pub okay: u64,
    pub bad: u64,
    /// good / all answers, 0..1
    pub score: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Nps {
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
    /// 100 · (promoters − detractors) / answers, −100..100
    pub score: Option<f64>,
}

/// The figures of one window (or one group of it).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Kpis {
    pub tickets_created: u64,
    pub tickets_solved: u64,
    pub messages_in: u64,
    pub messages_out: u64,
    pub first_reply: Times,
    pub resolution: Times,
    pub one_touch_rate: Option<f64>,
    pub fcr_rate: Option<f64>,
    pub reopen_rate: Option<f64>,
    pub repeat_contact_rate: Option<f64>,
    pub sla: SlaAttainment,
    pub csat: Csat,
    pub nps: Nps,
    pub backlog: u64,
}

/// The KPIs of `facts` over `w`.
pub fn kpis(facts: &[TicketFacts], w: Window) -> Kpis {
    let mut k = kpis_of(facts.iter(), w);
    k.backlog = facts.iter().filter(|f| in_backlog(f, w.until)).count() as u64;
    k
}

/// Whether `f` is backlog at a period's end `until`: created before it and not solved at
/// its last instant.
fn in_backlog(f: &TicketFacts, until: DateTime<Utc>) -> bool {
    f.created_at < until && !f.solved_by(until - Duration::nanoseconds(1))
}

/// Every figure of `w` but the backlog. A ticket with nothing inside `w` adds nothing, so
/// the caller may hand over only those that have.
fn kpis_of<'a>(facts: impl Iterator<Item = &'a TicketFacts>, w: Window) -> Kpis {
    let mut k = Kpis::default();
    let (mut reply, mut reply_business, mut resolution) = (Vec::new(), Vec::new(), Vec::new());
    let (mut one_touch, mut fcr, mut reopened, mut repeat) = (0, 0, 0, 0);
    for f in facts {
        k.messages_in += count_in(&f.messages_in, w);
        k.messages_out += count_in(&f.messages_out, w);
        if w.contains(f.created_at) {
            k.tickets_created += 1;
            repeat += u64::from(f.repeat);
            if let Some(r) = f.first_reply_at {
                reply.push((r - f.created_at).num_seconds());
            }
            reply_business.extend(f.first_reply_business.map(|d| d.num_seconds()));
        }
        if let Some(s) = f.solved_at().filter(|s| w.contains(*s)) {
            k.tickets_solved += 1;
            resolution.push((s - f.created_at).num_seconds());
            let one_reply = f.messages_out.len() == 1;
            one_touch += u64::from(one_reply);
            fcr += u64::from(one_reply && !f.reopened_soon());
            reopened += u64::from(!f.reopens.is_empty());
        }
        for v in f.sla.iter().filter(|v| w.contains(v.at)) {
            let a = match v.target {
                Target::FirstReply => &mut k.sla.first_reply,
                Target::NextReply => &mut k.sla.next_reply,
                Target::Resolution => &mut k.sla.resolution,
            };
            if v.met {
                a.met += 1;
            } else {
                a.breached += 1;
            }
        }
        if let Some(r) = f.rating.filter(|r| w.contains(r.at)) {
            match r.vote {
                Vote::Good => k.csat.good += 1,
                Vote::Okay => k.csat.okay += 1,
                Vote::Bad => k.csat.bad += 1,
                Vote::Nps(9..) => k.nps.promoters += 1,
                Vote::Nps(7..=8) => k.nps.passives += 1,
                Vote::Nps(_) => k.nps.detractors += 1,
            }
        }
    }
    k.first_reply = Times {
        median_s: median(&mut reply),
        p90_s: percentile(&mut reply, 90),
        business_median_s: median(&mut reply_business),
        business_p90_s: percentile(&mut reply_business, 90),
    };
    k.resolution = Times {
        median_s: median(&mut resolution),
        p90_s: percentile(&mut resolution, 90),
        ..Times::default()
    };
    k.one_touch_rate = share(one_touch, k.tickets_solved);
    k.fcr_rate = share(fcr, k.tickets_solved);
    k.reopen_rate = share(reopened, k.tickets_solved);
    k.repeat_contact_rate = share(repeat, k.tickets_created);
    for a in [
        &mut k.sla.first_reply,
        &mut k.sla.next_reply,
        &mut k.sla.resolution,
    ] {
        a.rate = share(a.met, a.met + a.breached);
    }
    let c = &mut k.csat;
    c.score = share(c.good, c.good + c.okay + c.bad);
    let n = &mut k.nps;
    let answers = n.promoters + n.passives + n.detractors;
    n.score = share(n.promoters, answers)
        .zip(share(n.detractors, answers))
        .map(|(p, d)| 100.0 * (p - d));
    k
}

/// The KPIs of each period of `w` in `zone`, in order: the same figures as [`kpis`] over
/// each period's window, in one pass over the tickets rather than one per period. Each
/// ticket is counted only in the periods where something of it happened, and the backlog
/// at every period's end comes from one list of the moments each ticket joins or leaves it.
pub fn kpis_by_period(
    facts: &[TicketFacts],
    w: Window,
    period: Period,
    zone: &Zone,
) -> Vec<(Bucket, Kpis)> {
    let bs = buckets(w, period, zone);
    let Some(first) = bs.first().map(|b| b.window.since) else {
        return Vec::new();
    };
    // periods are back to back: the one holding `t` is the first that ends after it
    let ends: Vec<DateTime<Utc>> = bs.iter().map(|b| b.window.until).collect();
    let period_of = |t: DateTime<Utc>| -> Option<usize> {
        let i = ends.partition_point(|e| *e <= t);
        (t >= first && i < ends.len()).then_some(i)
    };
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); bs.len()];
    // a change to the backlog counts at every period end after it: summed from its period on
    let mut backlog_steps = vec![0i64; bs.len() + 1];
    let mut touched: Vec<usize> = Vec::new();
    let mut points: Vec<DateTime<Utc>> = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        touched.clear();
        let moments = std::iter::once(f.created_at)
            .chain(f.solved_at())
            .chain(f.messages_in.iter().copied())
            .chain(f.messages_out.iter().copied())
            .chain(f.sla.iter().map(|v| v.at))
            .chain(f.rating.map(|r| r.at));
        touched.extend(moments.filter_map(period_of));
        touched.sort_unstable();
        touched.dedup();
        for &p in &touched {
            members[p].push(i);
        }
        // In the backlog at a period end T exactly when the latest of these moments before
        // T says so (`in_backlog` looks at the last instant before T).
        points.clear();
        points.push(f.created_at);
        points.extend(f.solves.iter().chain(&f.reopens).copied());
        points.sort_unstable();
        points.dedup();
        let mut was = false;
        for &p in &points {
            let is = f.created_at <= p && !f.solved_by(p);
            if is != was {
                let from = ends.partition_point(|e| *e <= p);
                backlog_steps[from] += if is { 1 } else { -1 };
                was = is;
            }
        }
    }
    let mut backlog = 0i64;
    bs.into_iter()
        .zip(members)
        .zip(backlog_steps)
        .map(|((b, m), step)| {
            backlog += step;
            let mut k = kpis_of(m.iter().filter_map(|&i| facts.get(i)), b.window);
            k.backlog = u64::try_from(backlog).unwrap_or(0);
            (b, k)
        })
        .collect()
}

fn count_in(times: &[DateTime<Utc>], w: Window) -> u64 {
    times.iter().filter(|t| w.contains(**t)).count() as u64
}

#[cfg(test)]
mod tests;
