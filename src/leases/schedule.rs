//! When a lease manager acts, and what it asks: the rules alone, on times given, so they can be
//! checked without a server or a clock.

use std::time::{Duration, SystemTime};

use crate::clock::jittered;

/// The shortest TTL Infisical accepts, and so the least a renewal can add.
pub(super) const MIN_TTL: Duration = Duration::from_secs(60);
/// The first wait after a failure, doubled after each one up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The least wait between two tries, however close the expiry.
const MIN_WAIT: Duration = Duration::from_secs(1);

/// When to renew a lease that expires at `expiry`: after `fraction` of what is left at `now`, moved by
/// up to `jitter` of that either way, and never after the expiry.
pub(super) fn renew_due(now: SystemTime, expiry: SystemTime, fraction: f64, jitter: f64) -> SystemTime {
    let left = expiry.duration_since(now).unwrap_or_default();
    now + jittered(left.mul_f64(fraction), jitter).min(left)
}

/// What a renewal does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// Ask for this TTL, added by Infisical to the current expiry.
    Renew(Duration),
    /// Issue a new lease: less than one renewal is left before the max TTL.
    Rotate,
}

/// The renewal at `now` of a lease that expires at `expiry`, may not pass `cap` (its creation plus the
/// max TTL) and is to be kept `horizon` ahead: a renewal adds to the current expiry, so it asks
/// `now + horizon − expiry` (to the nearest second, at least a minute). When the cap leaves less than that,
/// the lease is replaced instead: its last stretch is left for the new credentials to arrive and the
/// old ones to drain.
pub(super) fn step(now: SystemTime, expiry: SystemTime, cap: Option<SystemTime>, horizon: Duration) -> Step {
    let wanted = (now + horizon).duration_since(expiry).unwrap_or_default();
    let wanted = Duration::from_secs(((wanted.as_millis() + 500) / 1000) as u64).max(MIN_TTL);
    match cap {
        Some(cap) if cap.duration_since(expiry).unwrap_or_default() < wanted => Step::Rotate,
        _ => Step::Renew(wanted),
    }
}

/// The wait before the next try after `failures` failed ones in a row (5 s, doubling, at most 5 min),
/// no longer than half of `left` (the time before the lease expires, when it has not yet), and at
/// least a second.
pub(super) fn retry_wait(failures: u32, left: Duration) -> Duration {
    let backoff = FIRST_BACKOFF.saturating_mul(1 << failures.saturating_sub(1).min(10)).min(MAX_BACKOFF);
    let backoff = if left.is_zero() { backoff } else { backoff.min(left / 2) };
    jittered(backoff, 0.1).max(MIN_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);
    const HOUR: Duration = Duration::from_secs(3600);

    fn t0() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000)
    }

    #[test]
    fn a_renewal_comes_after_its_fraction_of_what_is_left() {
        let (now, expiry) = (t0(), t0() + HOUR);
        assert_eq!(renew_due(now, expiry, 2.0 / 3.0, 0.0), now + 40 * MINUTE);
        for _ in 0..200 {
            let due = renew_due(now, expiry, 2.0 / 3.0, 0.1);
            assert!(due >= now + 36 * MINUTE && due <= now + 44 * MINUTE, "{due:?}");
        }
        // Never after the expiry, and at once for a lease already expired.
        assert!(renew_due(now, now + MINUTE, 0.9, 0.2) <= now + MINUTE);
        assert_eq!(renew_due(now + HOUR, expiry, 2.0 / 3.0, 0.0), now + HOUR);
    }

    /// A 1 h lease with a 3 h max TTL, renewed at 2/3 of what is left: three renewals keep it an hour
    /// ahead, the third reaching the max exactly; then less than a renewal is left, and it is replaced.
    #[test]
    fn renewals_keep_the_horizon_and_stop_short_of_the_max_ttl() {
        let cap = Some(t0() + 3 * HOUR);
        let (mut now, mut expiry) = (t0(), t0() + HOUR);
        let mut steps = Vec::new();
        loop {
            now = renew_due(now, expiry, 2.0 / 3.0, 0.0);
            match step(now, expiry, cap, HOUR) {
                Step::Renew(ttl) => {
                    steps.push(ttl.as_secs() / 60);
                    expiry += ttl;
                    assert!(expiry <= t0() + 3 * HOUR, "never past the max TTL");
                }
                Step::Rotate => break,
            }
        }
        assert_eq!(steps, [40, 40, 40], "each renewal asks what keeps the lease an hour ahead, not an hour more");
        assert_eq!(expiry, t0() + 3 * HOUR);
        let replaced_at = now.duration_since(t0()).unwrap();
        assert_eq!(
            replaced_at.as_secs_f64().round() as u64,
            160 * 60,
            "replaced with 20 min left for the change and the grace"
        );
    }

    #[test]
    fn a_renewal_asks_at_least_a_minute_in_whole_seconds() {
        let now = t0();
        assert_eq!(step(now, now + 50 * MINUTE, None, HOUR), Step::Renew(10 * MINUTE));
        assert_eq!(step(now, now + 59 * MINUTE + Duration::from_millis(1500), None, HOUR), Step::Renew(MINUTE));
        assert_eq!(step(now, now + 2 * HOUR, None, HOUR), Step::Renew(MINUTE), "already ahead: the least");
        let unbounded = step(now, now + Duration::from_millis(1200), None, HOUR);
        assert_eq!(unbounded, Step::Renew(Duration::from_secs(3599)));
        // The cap: exactly enough renews, a second less replaces.
        let expiry = now + 20 * MINUTE;
        assert_eq!(step(now, expiry, Some(expiry + 40 * MINUTE), HOUR), Step::Renew(40 * MINUTE));
        assert_eq!(step(now, expiry, Some(expiry + 40 * MINUTE - Duration::from_secs(1)), HOUR), Step::Rotate);
        assert_eq!(step(now, expiry, Some(expiry), HOUR), Step::Rotate);
    }

    #[test]
    fn retries_back_off_within_what_is_left() {
        let secs = |failures, left: u64| retry_wait(failures, Duration::from_secs(left)).as_secs_f64();
        let near = |got: f64, want: f64| (got - want).abs() <= want * 0.1 + 1e-9;
        assert!(near(secs(1, 3600), 5.0) && near(secs(2, 3600), 10.0) && near(secs(3, 3600), 20.0));
        assert!(near(secs(7, 3600), 300.0) && near(secs(40, 3600), 300.0), "at most 5 min");
        assert!(near(secs(7, 120), 60.0), "no later than half the time left");
        assert!(secs(7, 1) >= 1.0, "at least a second");
        assert!(near(secs(9, 0), 300.0), "a lapsed lease: the backoff alone");
    }
}
