//! SLA clocks: a ticket's timeline and a policy's targets in, per target its due time and
//! whether it was met or breached and when. Pure; the timeline is the shape of the store's
//! ticket events (created, message added with a direction, status set).
//!
//! The rules, in order:
//! - **First reply** starts at the first customer message and stops at the shop's first
//!   reply. **Next reply** starts at each later customer message that finds no reply clock
//!   already running (a customer writing three times in a row waits once) and stops at the
//!   shop's next reply. Solving a ticket stops a running reply clock too: the customer is no
//!   longer waiting for an answer.
//! - **Resolution** starts when the ticket is created and stops when it is solved or closed;
//!   a reopen (a customer message, or the status set back to open) resumes it, so the time
//!   spent solved does not count and the verdict is the one at the last solve.
//! - Every clock **pauses** while the ticket is pending on the customer; a customer message
//!   ends the pause (as sync reopens the ticket). The business time that passed while paused
//!   is reported.
//! - A clock is **met** if it stops with no more business time used than its target (a reply
//!   exactly at the due time is in time), **breached** otherwise; the breach happened at the
//!   due time, even if the clock stopped later.
//! - Notes are internal and change nothing. Events after `now` are ignored; events at the
//!   same instant are taken in the order given (a reply, then the status it set).

use chrono::{DateTime, Duration, Utc};

use super::calendar::index::WorkTime;
use super::policy::{Approaching, Targets};
use crate::domain::{Direction, Status};

/// What happened to a ticket, as its event stream tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketChange {
    Created,
    Message(Direction),
    Status(Status),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    pub change: TicketChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    FirstReply,
    NextReply,
    Resolution,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::FirstReply, Target::NextReply, Target::Resolution];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::FirstReply => "first_reply",
            Target::NextReply => "next_reply",
            Target::Resolution => "resolution",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    Running,
    /// Pending on the customer.
    Paused,
    Met,
    Breached,
}

impl ClockState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
        }
    }
}

/// The alert stage of a clock that is still counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Approaching,
    Breached,
}

/// One target's clock on one ticket, as of `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetClock {
    pub target: Target,
    pub started_at: DateTime<Utc>,
    /// When the target is (or was) due; `None` while paused before a breach, since the due
    /// time moves with the pause, and when the calendar never opens.
    pub due_at: Option<DateTime<Utc>>,
    pub state: ClockState,
    /// When the clock stopped (the reply, the solve).
    pub stopped_at: Option<DateTime<Utc>>,
    /// The moment the target was exceeded.
    pub breached_at: Option<DateTime<Utc>>,
    /// Business time counted, up to the stop or `now`.
    pub elapsed: Duration,
    /// Business time that passed while pending on the customer.
    pub paused: Duration,
    /// For alerts: set only on a running clock past its approaching threshold or due time.
    pub stage: Option<Stage>,
    /// When a running clock reaches its approaching threshold; `None` if it already had
    /// before its current stretch began.
    pub approaching_at: Option<DateTime<Utc>>,
}

/// All clocks of a ticket: first reply, each next reply in order, resolution.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketClocks {
    pub clocks: Vec<TargetClock>,
    /// How often the ticket went from solved or closed back to open.
    pub reopens: u32,
}

/// A clock while the timeline is replayed.
#[derive(Debug, Clone)]
struct Counter {
    target: Target,
    limit: Duration,
    started_at: DateTime<Utc>,
    /// Business time of finished stretches.
    elapsed: Duration,
    /// Counting since then.
    since: Option<DateTime<Utc>>,
    paused_since: Option<DateTime<Utc>>,
    paused: Duration,
    breached_at: Option<DateTime<Utc>>,
    stopped_at: Option<DateTime<Utc>>,
}

impl Counter {
    fn start(target: Target, limit: Duration, at: DateTime<Utc>) -> Counter {
        Counter {
            target,
            limit,
            started_at: at,
            elapsed: Duration::zero(),
            since: Some(at),
            paused_since: None,
            paused: Duration::zero(),
            breached_at: None,
            stopped_at: None,
        }
    }

    /// Ends a counting stretch at `at`, noting the breach if it fell inside.
    fn halt<C: WorkTime + ?Sized>(&mut self, at: DateTime<Utc>, cal: &C) {
        if let Some(since) = self.since.take() {
            let before = self.elapsed;
            self.elapsed += cal.business_time_between(since, at);
            if self.breached_at.is_none() && self.elapsed > self.limit {
                self.breached_at = cal.add_business_time(since, self.limit - before);
            }
        }
    }

    fn unpause<C: WorkTime + ?Sized>(&mut self, at: DateTime<Utc>, cal: &C) {
        if let Some(p) = self.paused_since.take() {
            self.paused += cal.business_time_between(p, at);
        }
    }

    fn pause<C: WorkTime + ?Sized>(&mut self, at: DateTime<Utc>, cal: &C) {
        if self.stopped_at.is_none() && self.paused_since.is_none() {
            self.halt(at, cal);
            self.paused_since = Some(at);
        }
    }

    fn resume<C: WorkTime + ?Sized>(&mut self, at: DateTime<Utc>, cal: &C) {
        self.unpause(at, cal);
        self.stopped_at = None;
        if self.since.is_none() {
            self.since = Some(at);
        }
    }

    fn stop<C: WorkTime + ?Sized>(&mut self, at: DateTime<Utc>, cal: &C) {
        if self.stopped_at.is_none() {
            self.halt(at, cal);
            self.unpause(at, cal);
            self.stopped_at = Some(at);
        }
    }

    fn finish<C: WorkTime + ?Sized>(
        mut self,
        now: DateTime<Utc>,
        approaching: Approaching,
        cal: &C,
    ) -> TargetClock {
        let mut clock = TargetClock {
            target: self.target,
            started_at: self.started_at,
            due_at: None,
            state: ClockState::Paused,
            stopped_at: self.stopped_at,
            breached_at: None,
            elapsed: self.elapsed,
            paused: self.paused,
            stage: None,
            approaching_at: None,
        };
        if let Some(since) = self.since {
            let before = self.elapsed;
            clock.due_at = self
                .breached_at
                .or_else(|| cal.add_business_time(since, self.limit - before));
            let threshold = approaching.threshold(self.limit);
            clock.approaching_at = if threshold > before {
                cal.add_business_time(since, threshold - before)
            } else {
                None
            };
            self.halt(now, cal);
            clock.elapsed = self.elapsed;
            clock.state = ClockState::Running;
            clock.stage = if self.elapsed > self.limit {
                Some(Stage::Breached)
            } else if self.elapsed >= threshold {
                Some(Stage::Approaching)
            } else {
                None
            };
        } else {
            if let Some(p) = self.paused_since {
                clock.paused += cal.business_time_between(p, now);
            }
            if self.stopped_at.is_some() {
                clock.state = ClockState::Met;
                // a stopped clock keeps the due time it had, for the record
                clock.due_at = self.breached_at.or_else(|| {
                    let left = self.limit - self.elapsed;
                    self.stopped_at.and_then(|s| cal.add_business_time(s, left))
                });
            }
        }
        clock.breached_at = self.breached_at;
        if clock.breached_at.is_some() {
            clock.state = ClockState::Breached;
            // once breached, the due time no longer moves, paused or not
            clock.due_at = clock.due_at.or(clock.breached_at);
        }
        clock
    }
}

/// Replays `events` against `targets` on `cal` and reports every clock as of `now`.
pub fn run_clocks<C: WorkTime + ?Sized>(
    events: &[TimelineEvent],
    targets: &Targets,
    approaching: Approaching,
    cal: &C,
    now: DateTime<Utc>,
) -> TicketClocks {
    // A timeline read from the store is in order already: then the events up to `now` are
    // a prefix of it, and nothing need be copied or sorted.
    let sorted;
    let events: &[TimelineEvent] = if events.is_sorted_by_key(|e| e.at) {
        &events[..events.partition_point(|e| e.at <= now)]
    } else {
        let mut v: Vec<TimelineEvent> = events.iter().filter(|e| e.at <= now).copied().collect();
        v.sort_by_key(|e| e.at);
        sorted = v;
        &sorted
    };
    let mut status = Status::New;
    let mut reopens = 0;
    let mut resolution: Option<Counter> = None;
    let mut replies: Vec<Counter> = Vec::new();
    // A customer is waiting on us: the reply cycle is open. Its clock is `current`, or none
    // when the policy sets no target for it.
    let mut waiting = false;
    let mut current: Option<Counter> = None;
    // whether any customer message came yet, so later cycles are next replies
    let mut waited = false;
    for e in events {
        let at = e.at;
        let done = matches!(status, Status::Solved | Status::Closed);
        if resolution.is_none()
            && let Some(limit) = targets.resolution
        {
            resolution = Some(Counter::start(Target::Resolution, limit, at));
        }
        let reopen = match e.change {
            TicketChange::Message(Direction::In) => done || status == Status::Pending,
            TicketChange::Status(Status::New | Status::Open) => status != Status::Open,
            _ => false,
        };
        if reopen {
            if done {
                reopens += 1;
            }
            status = Status::Open;
            resolution.iter_mut().for_each(|c| c.resume(at, cal));
            current.iter_mut().for_each(|c| c.resume(at, cal));
        }
        match e.change {
            TicketChange::Created | TicketChange::Message(Direction::Note) => {}
            TicketChange::Status(Status::New | Status::Open) => {}
            TicketChange::Message(Direction::In) => {
                if !waiting {
                    let target = if waited {
                        Target::NextReply
                    } else {
                        Target::FirstReply
                    };
                    waited = true;
                    waiting = true;
                    current = targets.get(target).map(|l| Counter::start(target, l, at));
                }
            }
            TicketChange::Message(Direction::Out) => {
                replies.extend(current.take().map(|mut c| {
                    c.stop(at, cal);
                    c
                }));
                waiting = false;
            }
            TicketChange::Status(Status::Pending) => {
                status = Status::Pending;
                resolution.iter_mut().for_each(|c| c.pause(at, cal));
                current.iter_mut().for_each(|c| c.pause(at, cal));
            }
            TicketChange::Status(s @ (Status::Solved | Status::Closed)) => {
                status = s;
                resolution.iter_mut().for_each(|c| c.stop(at, cal));
                replies.extend(current.take().map(|mut c| {
                    c.stop(at, cal);
                    c
                }));
                waiting = false;
            }
        }
    }
    replies.extend(current);
    let mut clocks: Vec<TargetClock> = replies
        .into_iter()
        .map(|c| c.finish(now, approaching, cal))
        .collect();
    clocks.extend(resolution.map(|c| c.finish(now, approaching, cal)));
    TicketClocks { clocks, reopens }
}

#[cfg(test)]
mod tests;
