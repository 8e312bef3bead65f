//! When the stored stages stop holding: the next moment a running clock changes stage.

use chrono::{DateTime, Duration, Utc};

use super::next_stage_change;
use crate::domain::sla::clock::{ClockState, Target, TargetClock};

const T0: i64 = 1_800_000_000;

/// A clock's state, threshold and due time (seconds after T0).
type Spec = (ClockState, Option<i64>, Option<i64>);

fn at(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(T0 + s, 0).unwrap_or_default()
}

/// A clock in `state`, approaching at `approaching`, due at `due` (seconds after T0).
fn clock(state: ClockState, approaching: Option<i64>, due: Option<i64>) -> TargetClock {
    TargetClock {
        target: Target::FirstReply,
        started_at: at(-3_600),
        due_at: due.map(at),
        state,
        stopped_at: None,
        breached_at: None,
        elapsed: Duration::zero(),
        paused: Duration::zero(),
        stage: None,
        approaching_at: approaching.map(at),
    }
}

#[test]
fn the_next_change_is_the_earliest_threshold_or_breach_still_ahead() {
    use ClockState::*;
    // clocks, now (seconds after T0), the next change (seconds after T0)
    let cases: &[(&[Spec], i64, Option<i64>)] = &[
        (&[], 0, None),
        // ahead: the threshold first, then one second past the due time
        (&[(Running, Some(600), Some(900))], 0, Some(600)),
        (&[(Running, Some(600), Some(900))], 600, Some(901)),
        (&[(Running, Some(600), Some(900))], 900, Some(901)),
        // already breached: nothing more happens to it
        (&[(Running, Some(600), Some(900))], 901, None),
        // approaching from the start of this stretch (no threshold ahead)
        (&[(Running, None, Some(900))], 0, Some(901)),
        // a calendar that never opens: no due time, no change
        (&[(Running, None, None)], 0, None),
        // paused, met or breached-and-stopped clocks wait for an event
        (&[(Paused, Some(60), Some(120))], 0, None),
        (&[(Met, Some(60), Some(120))], 0, None),
        (&[(Breached, Some(60), Some(120))], 0, None),
        // the earliest over several clocks
        (
            &[
                (Running, Some(3_000), Some(4_000)),
                (Paused, Some(10), Some(20)),
                (Running, None, Some(1_200)),
            ],
            0,
            Some(1_201),
        ),
    ];
    for (clocks, now, want) in cases {
        let clocks: Vec<TargetClock> = clocks.iter().map(|c| clock(c.0, c.1, c.2)).collect();
        assert_eq!(
            next_stage_change(&clocks, at(*now)),
            want.map(at),
            "{clocks:?} at {now}"
        );
    }
}
