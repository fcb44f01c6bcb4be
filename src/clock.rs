//! The time that work over time is scheduled on: polls, lease renewals, reconnects, grace periods.
//!
//! Everything the crate does later rather than now waits on a [`Clock`]: the system's by default, or a
//! manual one in tests ([`ManualClock`](crate::testing::ManualClock), feature `testing`), whose time
//! moves only when the test says. A manual clock moves the scheduled work and nothing else: the
//! transport's timeouts stay on real time. (With `tokio::time::pause()` tokio jumps ahead whenever the
//! runtime is idle, and a task waiting on a real socket counts as idle, so request timeouts would fire
//! while the fake server answers.)

// Builds without the watcher or the test kit schedule nothing yet.
#![cfg_attr(not(any(feature = "watch", feature = "testing")), allow(dead_code))]

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// The time scheduled work runs on: the system's, or a test's manual one.
///
/// ```
/// use infisical_config::clock::Clock;
///
/// let clock = Clock::system();
/// assert!(clock.now() <= std::time::SystemTime::now());
/// ```
#[derive(Clone, Debug, Default)]
pub struct Clock(Kind);

// Without the test kit nothing builds a manual clock.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
#[derive(Clone, Debug, Default)]
enum Kind {
    #[default]
    System,
    Manual(Arc<Manual>),
}

/// A manual clock's state: the time now, and a channel that tells sleepers it moved.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
#[derive(Debug)]
pub(crate) struct Manual {
    now: Mutex<SystemTime>,
    moved: tokio::sync::watch::Sender<SystemTime>,
    /// The deadlines sleepers wait for, so a test can see what is scheduled.
    pending: Mutex<Vec<SystemTime>>,
}

impl Clock {
    /// The system's time: `SystemTime::now()`, and tokio's timers for waiting. The default of
    /// everything that takes a clock; tests give a [`ManualClock`](crate::testing::ManualClock)'s instead.
    ///
    /// ```
    /// use infisical_config::clock::Clock;
    /// use infisical_config::events::Subscribe;
    ///
    /// let subscription = Subscribe::new("my-project", "prod").clock(Clock::system());
    /// # let _ = subscription;
    /// ```
    #[must_use]
    pub fn system() -> Self {
        Clock(Kind::System)
    }

    /// What time it is on this clock.
    ///
    /// ```
    /// let now = infisical_config::clock::Clock::system().now();
    /// # let _ = now;
    /// ```
    #[must_use]
    pub fn now(&self) -> SystemTime {
        match &self.0 {
            Kind::System => SystemTime::now(),
            Kind::Manual(m) => *m.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
        }
    }

    /// Waits `wait` on this clock.
    #[cfg_attr(not(any(feature = "watch", feature = "push")), allow(dead_code))] // Timed work asks it.
    pub(crate) async fn sleep(&self, wait: Duration) {
        match &self.0 {
            Kind::System => tokio::time::sleep(wait).await,
            Kind::Manual(_) => self.sleep_until(self.now() + wait).await,
        }
    }

    /// Waits until `deadline` on this clock (at once when it has passed).
    #[cfg_attr(not(any(feature = "watch", feature = "push")), allow(dead_code))] // Timed work asks it.
    pub(crate) async fn sleep_until(&self, deadline: SystemTime) {
        match &self.0 {
            Kind::System => {
                let wait = deadline.duration_since(SystemTime::now()).unwrap_or_default();
                tokio::time::sleep(wait).await;
            }
            Kind::Manual(m) => {
                let mut moved = m.moved.subscribe();
                let _pending = m.register(deadline);
                while *moved.borrow_and_update() < deadline {
                    if moved.changed().await.is_err() {
                        // The clock is gone: nothing will ever move it again.
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    }

    /// A manual clock starting at `start`.
    #[cfg(feature = "testing")]
    pub(crate) fn manual(start: SystemTime) -> (Self, Arc<Manual>) {
        let manual = Arc::new(Manual {
            now: Mutex::new(start),
            moved: tokio::sync::watch::Sender::new(start),
            pending: Mutex::new(Vec::new()),
        });
        (Clock(Kind::Manual(manual.clone())), manual)
    }
}

impl Manual {
    /// Moves the clock `by` ahead and wakes every sleeper due by then.
    #[cfg(feature = "testing")]
    pub(crate) fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
        self.moved.send_replace(*now);
    }

    /// The deadlines sleepers are waiting for, earliest first.
    #[cfg(feature = "testing")]
    pub(crate) fn pending(&self) -> Vec<SystemTime> {
        let mut pending = self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        pending.sort();
        pending
    }

    /// Notes a sleeper's deadline until the returned guard is dropped.
    #[cfg_attr(not(any(feature = "watch", feature = "push")), allow(dead_code))] // Timed work sleeps.
    fn register(&self, deadline: SystemTime) -> PendingGuard<'_> {
        self.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(deadline);
        PendingGuard { manual: self, deadline }
    }
}

struct PendingGuard<'a> {
    manual: &'a Manual,
    deadline: SystemTime,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        let mut pending = self.manual.pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(at) = pending.iter().position(|d| *d == self.deadline) {
            pending.swap_remove(at);
        }
    }
}

/// `base`, moved by up to `fraction` of it either way at random, so that many replicas do not act in
/// step. `fraction` is clamped to `0..=1`.
#[cfg_attr(not(any(feature = "watch", feature = "push")), allow(dead_code))] // Timed work asks it.
pub(crate) fn jittered(base: Duration, fraction: f64) -> Duration {
    let fraction = fraction.clamp(0.0, 1.0);
    base.mul_f64(1.0 + fraction * (fastrand::f64() * 2.0 - 1.0))
}

/// A wait drawn uniformly from `[0, interval)`: replicas started together spread their first action
/// over a whole interval instead of acting at once.
#[cfg_attr(not(any(feature = "watch", feature = "push")), allow(dead_code))] // Timed work asks it.
pub(crate) fn spread(interval: Duration) -> Duration {
    interval.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_its_fraction_and_spread_within_the_interval() {
        let base = Duration::from_secs(100);
        for _ in 0..1000 {
            let j = jittered(base, 0.1);
            assert!(j >= Duration::from_secs(90) && j <= Duration::from_secs(110), "{j:?}");
            assert!(spread(base) < base);
        }
        assert_eq!(jittered(base, 0.0), base);
    }

    #[cfg(feature = "testing")]
    #[tokio::test]
    async fn a_manual_clock_wakes_sleepers_only_when_moved_past_their_deadline() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let (clock, manual) = Clock::manual(start);
        let sleeper = tokio::spawn({
            let clock = clock.clone();
            async move { clock.sleep(Duration::from_secs(60)).await }
        });
        // Wait (real time) until the sleeper has registered its deadline.
        while manual.pending().is_empty() {
            tokio::task::yield_now().await;
        }
        assert_eq!(manual.pending(), [start + Duration::from_secs(60)]);
        manual.advance(Duration::from_secs(59));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        manual.advance(Duration::from_secs(1));
        tokio::time::timeout(Duration::from_secs(10), sleeper).await.unwrap().unwrap();
        assert!(manual.pending().is_empty());
        assert_eq!(clock.now(), start + Duration::from_secs(60));
    }
}
