//! A clock that moves only when the test says.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::clock::{Clock, Manual};

/// A clock for tests of work over time (polls, lease renewals, reconnects): its time moves only when
/// [`advance`](Self::advance) is called, and [`pending`](Self::pending) shows what is scheduled.
///
/// Give its [`clock`](Self::clock) to what schedules work, and the same clock to the fake server so
/// that its expiries follow the test's time. Only scheduled work follows it: requests and their
/// timeouts run on real time.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::testing::ManualClock;
///
/// let manual = ManualClock::new();
/// let clock = manual.clock();
/// let start = manual.now();
/// manual.advance(Duration::from_secs(90));
/// assert_eq!(clock.now(), start + Duration::from_secs(90));
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct ManualClock {
    clock: Clock,
    manual: Arc<Manual>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A manual clock that starts at the system's time now.
    ///
    /// ```
    /// let manual = infisical_config::testing::ManualClock::new();
    /// assert!(manual.now() <= std::time::SystemTime::now());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::starting_at(SystemTime::now())
    }

    /// A manual clock that starts at `start`.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let manual = infisical_config::testing::ManualClock::starting_at(start);
    /// assert_eq!(manual.now(), start);
    /// ```
    #[must_use]
    pub fn starting_at(start: SystemTime) -> Self {
        let (clock, manual) = Clock::manual(start);
        ManualClock { clock, manual }
    }

    /// The clock to give to what schedules work (a watcher, a lease manager, the fake server).
    ///
    /// ```
    /// let manual = infisical_config::testing::ManualClock::new();
    /// let clock = manual.clock();
    /// assert_eq!(clock.now(), manual.now());
    /// ```
    #[must_use]
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// The time on this clock.
    ///
    /// ```
    /// let manual = infisical_config::testing::ManualClock::new();
    /// let before = manual.now();
    /// manual.advance(std::time::Duration::from_secs(1));
    /// assert!(manual.now() > before);
    /// ```
    #[must_use]
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// Moves the clock `by` ahead, waking everything scheduled until then. The woken work runs on its
    /// runtime afterwards: wait for its effect (with a timeout), not for this call.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    ///
    /// let manual = infisical_config::testing::ManualClock::new();
    /// manual.advance(Duration::from_secs(3600));
    /// # });
    /// ```
    pub fn advance(&self, by: Duration) {
        self.manual.advance(by);
    }

    /// When the work waiting on this clock is due, earliest first.
    ///
    /// ```
    /// let manual = infisical_config::testing::ManualClock::new();
    /// assert!(manual.pending().is_empty());
    /// ```
    #[must_use]
    pub fn pending(&self) -> Vec<SystemTime> {
        self.manual.pending()
    }
}

impl From<&ManualClock> for Clock {
    fn from(manual: &ManualClock) -> Self {
        manual.clock()
    }
}
