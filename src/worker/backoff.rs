//! How long a watcher waits before it reconnects: often while a server is only restarting,
//! rarely once it has been away for minutes or refuses us for a reason a person must fix
//! (a wrong password, a missing folder). Every successful session starts the count over,
//! so a server restarted many times is picked up as quickly the tenth time as the first.
//! Pure: the watcher passes the clock in, the tests a table.

use std::time::{Duration, Instant};

/// The first wait after a failure.
pub const START: Duration = Duration::from_millis(250);
/// The longest wait while a lost connection is young: a restarted server is used again
/// within about this long after it answers.
pub const QUICK_MAX: Duration = Duration::from_secs(2);
/// How long a lost connection counts as young.
pub const QUICK_FOR: Duration = Duration::from_secs(120);
/// The longest wait of all: a server away for long, or a failure that needs a person.
pub const MAX: Duration = Duration::from_secs(60);

/// The wait after a failure, given the previous wait (zero after a success), how long the
/// failures have lasted, and whether this one is network trouble worth retrying soon.
pub fn next_delay(previous: Duration, failing_for: Duration, transient: bool) -> Duration {
    let ceiling = if transient && failing_for < QUICK_FOR {
        QUICK_MAX
    } else {
        MAX
    };
    previous.saturating_mul(2).clamp(START, ceiling)
}

/// One watcher's retry state.
#[derive(Debug, Default)]
pub struct Backoff {
    delay: Duration,
    failing_since: Option<Instant>,
}

impl Backoff {
    /// A session worked: the next failure starts from the shortest wait again.
    pub fn reset(&mut self) {
        *self = Backoff::default();
    }

    /// Records a failure at `now` and returns how long to wait before the next attempt.
    pub fn failed(&mut self, now: Instant, transient: bool) -> Duration {
        let since = *self.failing_since.get_or_insert(now);
        self.delay = next_delay(self.delay, now.saturating_duration_since(since), transient);
        self.delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;
    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn delays_table() {
        let cases = [
            // (previous, failing for, transient) → wait
            (Duration::ZERO, Duration::ZERO, true, MS(250)),
            (MS(250), MS(250), true, MS(500)),
            (MS(1000), S(2), true, S(2)),
            (S(2), S(60), true, S(2)),
            (S(2), S(119), true, S(2)),
            (S(2), S(120), true, S(4)),
            (S(32), S(600), true, S(60)),
            (S(60), S(6000), true, S(60)),
            (Duration::ZERO, Duration::ZERO, false, MS(250)),
            (S(2), S(5), false, S(4)),
            (S(32), S(30), false, S(60)),
            (Duration::MAX, S(1), true, S(2)),
        ];
        for (previous, failing_for, transient, want) in cases {
            assert_eq!(
                next_delay(previous, failing_for, transient),
                want,
                "{previous:?} after {failing_for:?}, transient {transient}"
            );
        }
    }

    #[test]
    fn a_successful_session_starts_the_count_over() {
        let t0 = Instant::now();
        let mut b = Backoff::default();
        let waits: Vec<Duration> = (0..6).map(|i| b.failed(t0 + S(i), true)).collect();
        assert_eq!(waits, [MS(250), MS(500), S(1), S(2), S(2), S(2)]);
        b.reset();
        assert_eq!(b.failed(t0 + S(300), true), MS(250));
        // Failing for minutes since that reset: waits grow to the slow ceiling.
        let mut last = Duration::ZERO;
        for i in 1..=20 {
            last = b.failed(t0 + S(300 + 30 * i), true);
        }
        assert_eq!(last, MAX);
    }
}
