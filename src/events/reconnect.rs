//! When to try the stream again: the Infisical CLI's policy (`packages/proxy/sse.go`).
//!
//! After a failed or lost connection, wait `2 s · 2^(n-1)` (at most 60 s) plus up to half of that
//! again at random, `n` counting failures in a row; a connection that stayed up 30 s resets the count.
//! The CLI falls back to polling after five failures and tries the stream again on each poll; here
//! the stream keeps trying at the 60 s cap, and subscribers poll meanwhile (their state says
//! `Reconnecting`). A refusal (no route, no licence, no permission, too many streams) is not a
//! failure: the stream waits the long retry interval instead.

use std::time::{Duration, SystemTime};

/// The first wait after a failure.
const BASE: Duration = Duration::from_secs(2);
/// The longest wait, before jitter.
const MAX: Duration = Duration::from_secs(60);
/// How long a connection must stay up for the next failure to count as the first.
pub(crate) const HEALTHY: Duration = Duration::from_secs(30);
/// How long without a byte (pings come every 15 s) before the connection is taken for dead.
pub(crate) const SILENCE: Duration = Duration::from_secs(45);
/// How long a refused stream waits before trying again: the CLI's polling fallback interval.
pub(crate) const RETRY_UNAVAILABLE: Duration = Duration::from_secs(600);

/// Failures in a row, and when the current connection started.
#[derive(Debug, Default)]
pub(crate) struct Backoff {
    failures: u32,
    connected_at: Option<SystemTime>,
}

impl Backoff {
    /// A connection started at `at`.
    pub(crate) fn connected(&mut self, at: SystemTime) {
        self.connected_at = Some(at);
    }

    /// A connection ended or failed at `now`: how long to wait before the next one.
    pub(crate) fn failed(&mut self, now: SystemTime) -> Duration {
        let healthy =
            self.connected_at.take().and_then(|at| now.duration_since(at).ok()).is_some_and(|up| up >= HEALTHY);
        if healthy {
            self.failures = 0;
        }
        self.failures = self.failures.saturating_add(1);
        delay(self.failures)
    }

    /// Failures in a row so far.
    pub(crate) fn failures(&self) -> u32 {
        self.failures
    }

    /// Forgets the failures (after a refusal, which has its own wait).
    pub(crate) fn reset(&mut self) {
        *self = Backoff::default();
    }
}

/// The wait after the `failures`-th failure in a row: uniform over `[d, 1.5·d)` with
/// `d = min(2 s · 2^(failures-1), 60 s)`.
pub(crate) fn delay(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    let base = BASE.saturating_mul(1 << exponent).min(MAX);
    // The crate's one jitter: ±20 % around 1.25·d is [d, 1.5·d).
    crate::clock::jittered(base.mul_f64(1.25), 0.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(d: Duration, low: u64, high: u64) -> bool {
        // Float rounding may land a nanosecond off.
        let ms = d.as_secs_f64() * 1000.0;
        ms >= low as f64 - 0.001 && ms <= high as f64 + 0.001
    }

    #[test]
    fn doubles_from_two_seconds_to_a_minute_with_up_to_half_again() {
        for _ in 0..200 {
            for (failures, low) in
                [(1, 2_000), (2, 4_000), (3, 8_000), (4, 16_000), (5, 32_000), (6, 60_000), (40, 60_000)]
            {
                let d = delay(failures);
                assert!(within(d, low, low * 3 / 2), "{failures}: {d:?}");
            }
        }
    }

    #[test]
    fn a_healthy_connection_resets_the_count() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut backoff = Backoff::default();
        assert!(within(backoff.failed(t0), 2_000, 3_000));
        assert!(within(backoff.failed(t0), 4_000, 6_000));
        backoff.connected(t0);
        assert!(within(backoff.failed(t0 + Duration::from_secs(29)), 8_000, 12_000), "29 s is not healthy");
        backoff.connected(t0);
        assert!(within(backoff.failed(t0 + HEALTHY), 2_000, 3_000), "30 s is");
        assert_eq!(backoff.failures(), 1);
        backoff.reset();
        assert_eq!(backoff.failures(), 0);
    }
}
