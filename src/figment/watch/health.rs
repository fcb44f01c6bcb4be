//! A watcher's health, for a long-running service's status page and readiness check.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::clock::Clock;
use crate::leases::Book;
use crate::report::LoadReport;
use crate::report::{CacheReason, LeaseReport, LeaseStatus, Origin, human};

/// How a watcher is doing, at the time [`Watcher::health`](super::Watcher::health) was called (on the
/// watcher's clock): when Infisical last answered, how old the configuration served is, how many polls
/// failed in a row, when the next one is due, where the configuration came from, and how its leases
/// stand.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::Infisical;
/// use infisical_config::report::Origin;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
/// # let client = fake.client_builder().build().unwrap();
///
/// let watcher = Infisical::new(fake.project_id(), "prod")
///     .client(client)
///     .watch(Duration::from_secs(30))
///     .start::<serde_json::Value, _>(figment::Figment::from)
///     .await
///     .unwrap();
/// let health = watcher.health();
/// assert_eq!(health.origin, Origin::Network);
/// assert_eq!(health.consecutive_failures, 0);
/// assert!(health.last_success.is_some() && health.next_poll.is_some());
/// # });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Health {
    /// When Infisical last answered a load or a poll (a `200` or a `304`); `None` if it never has
    /// (the watcher started from the cache or with nothing, and no poll has worked since).
    pub last_success: Option<SystemTime>,
    /// How long ago Infisical last confirmed the configuration served: zero just after a poll; the
    /// cache's age, growing, when started from the cache; growing through failed polls, and while a
    /// change is refused (the configuration served is then not Infisical's). Since the start when
    /// nothing was ever served.
    pub served_age: Duration,
    /// Polls (and a start served by the cache or with nothing) failed since Infisical last answered.
    pub consecutive_failures: u32,
    /// When the next poll is due; `None` while one runs.
    pub next_poll: Option<SystemTime>,
    /// Where the configuration served came from, as loaded: Infisical (`Network`, or `Revalidated`
    /// when confirmed by a `304`), the cache (with its age then and why), or nothing.
    pub origin: Origin,
    /// The last failure's error, in words, while polls fail.
    pub last_error: Option<String>,
    /// The leases of the dynamic secrets asked for ([`Infisical::lease`](crate::Infisical::lease)), as
    /// they stand now.
    pub leases: Vec<LeaseReport>,
    /// The project's event stream, when the watcher follows it ([`Watch::push`](super::Watch::push)):
    /// connected (changes arrive as they are made; polls come every backstop), connecting, or refused
    /// (polls come every interval). `None` without push.
    ///
    /// ```
    /// use infisical_config::events::PushState;
    /// use infisical_config::watch::Health;
    ///
    /// fn on_push(health: &Health) -> &'static str {
    ///     match &health.push {
    ///         Some(PushState::Connected) => "changes arrive as they are made",
    ///         Some(_) => "polling until the stream is back",
    ///         None => "polling",
    ///     }
    /// }
    /// # let _ = on_push;
    /// ```
    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    pub push: Option<crate::events::PushState>,
}

/// Why a watcher is not ready ([`Health::check`]): its configuration is older than allowed, it has none
/// from Infisical, or a lease's credentials are about to stop working (or have). Its `Display` says
/// which, how old, and the last failure.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::watch::Health;
///
/// fn healthz(health: &Health) -> (u16, String) {
///     match health.check(Duration::from_secs(600)) {
///         Ok(()) => (200, "ready".into()),
///         Err(not_ready) => (503, not_ready.to_string()),
///     }
/// }
/// # let _ = healthz;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NotReady {
    /// The health checked.
    pub health: Box<Health>,
    /// The bound it was checked against.
    pub max_age: Duration,
}

impl Health {
    /// Ready when the configuration served was confirmed by Infisical no longer than `max_age` ago (a
    /// cache younger than that counts); not ready when it is older, when nothing was loaded, or when
    /// a lease is about to lapse because renewing it keeps failing, or has lapsed
    /// ([`LeaseStatus::is_at_risk`](crate::report::LeaseStatus::is_at_risk)). For a `/healthz` or
    /// readiness handler: choose `max_age` as how stale a replica may run, a few poll intervals at
    /// least.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    /// # let client = fake.client_builder().build().unwrap();
    ///
    /// let watcher = Infisical::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .watch(Duration::from_secs(30))
    ///     .start::<serde_json::Value, _>(figment::Figment::from)
    ///     .await
    ///     .unwrap();
    /// assert!(watcher.health().check(Duration::from_secs(120)).is_ok());
    /// # });
    /// ```
    ///
    /// # Errors
    /// [`NotReady`], whose text says why.
    pub fn check(&self, max_age: Duration) -> Result<(), NotReady> {
        let nothing = matches!(self.origin, Origin::Nothing { .. });
        let lapsing = self.leases.iter().any(|l| l.status.is_at_risk());
        if nothing || lapsing || self.served_age > max_age {
            return Err(NotReady { health: Box::new(self.clone()), max_age });
        }
        Ok(())
    }
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let health = &self.health;
        if let Some(lease) = health.leases.iter().find(|l| l.status.is_at_risk()) {
            write!(f, "not ready: the credentials of dynamic secret `{}` ", lease.name)?;
            let expiry = humantime::format_rfc3339_seconds(lease.expire_at);
            match lease.status {
                LeaseStatus::Lapsed => write!(f, "no longer work: lease `{}` lapsed", lease.lease_id)?,
                _ => {
                    write!(f, "stop working at {expiry} (lease `{}`) and renewing them keeps failing", lease.lease_id)?
                }
            }
            if let Some(error) = &lease.last_error {
                write!(f, ": {error}")?;
            }
            return Ok(());
        }
        match &health.origin {
            Origin::Nothing { reason } => write!(f, "not ready: nothing was loaded from Infisical ({reason})")?,
            origin => {
                write!(
                    f,
                    "not ready: the configuration was last confirmed by Infisical {} ago, more than the {} allowed",
                    human(health.served_age),
                    human(self.max_age)
                )?;
                if let Origin::Cache { .. } = origin {
                    write!(f, "; it is {origin}")?;
                }
            }
        }
        if health.consecutive_failures > 0 {
            write!(f, "; {} failed in a row", health.consecutive_failures)?;
            if let Some(error) = &health.last_error {
                write!(f, ", the last: {error}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for NotReady {}

/// What the polling task records and [`Health`] is made from.
#[derive(Debug)]
pub(super) struct State {
    clock: Clock,
    started_at: SystemTime,
    last_success: Option<SystemTime>,
    /// When Infisical last confirmed the configuration served; `None` while nothing was served.
    confirmed_at: Option<SystemTime>,
    consecutive_failures: u32,
    last_error: Option<String>,
    next_poll: Option<SystemTime>,
    origin: Origin,
    /// The lease manager's book, when the watcher has leases.
    leases: Option<Arc<Mutex<Book>>>,
    #[cfg(feature = "push")]
    push: Option<crate::events::PushState>,
}

/// A watcher's state, shared by its polling task and the [`Watcher`](super::Watcher).
#[derive(Clone, Debug)]
pub(super) struct Shared(Arc<Mutex<State>>);

impl Shared {
    pub(super) fn new(clock: Clock) -> Self {
        let started_at = clock.now();
        Shared(Arc::new(Mutex::new(State {
            clock,
            started_at,
            last_success: None,
            confirmed_at: None,
            consecutive_failures: 0,
            last_error: None,
            next_poll: None,
            origin: Origin::Nothing { reason: "not loaded yet".into() },
            leases: None,
            #[cfg(feature = "push")]
            push: None,
        })))
    }

    /// Reads the leases' state from this book.
    pub(super) fn leases(&self, book: Arc<Mutex<Book>>) {
        self.state().leases = Some(book);
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(super) fn health(&self) -> Health {
        let state = self.state();
        let now = state.clock.now();
        let since = state.confirmed_at.unwrap_or(state.started_at);
        Health {
            last_success: state.last_success,
            served_age: now.duration_since(since).unwrap_or_default(),
            consecutive_failures: state.consecutive_failures,
            next_poll: state.next_poll,
            origin: state.origin.clone(),
            last_error: state.last_error.clone(),
            leases: state.leases.as_ref().map_or_else(Vec::new, |book| {
                book.lock().unwrap_or_else(std::sync::PoisonError::into_inner).reports(now)
            }),
            #[cfg(feature = "push")]
            push: state.push.clone(),
        }
    }

    /// The event stream's state (`None`: the watcher does not follow it).
    #[cfg(feature = "push")]
    pub(super) fn push(&self, push: Option<crate::events::PushState>) {
        self.state().push = push;
    }

    pub(super) fn next_poll(&self, at: Option<SystemTime>) {
        self.state().next_poll = at;
    }

    /// A load whose configuration is now served: from Infisical, from the cache, or nothing.
    pub(super) fn served(&self, report: &LoadReport) {
        let mut state = self.state();
        let now = report.finished_at;
        state.origin = report.origin();
        if !matches!(state.origin, Origin::Nothing { .. }) {
            state.confirmed_at = Some(now.checked_sub(report.served_age()).unwrap_or(now));
        }
        let outage = report.layers.iter().find_map(|l| match &l.origin {
            Origin::Cache { reason: CacheReason::Unavailable { error }, .. } => Some(error.clone()),
            Origin::Nothing { reason } => Some(reason.clone()),
            _ => None,
        });
        if report.is_fresh() {
            state.last_success = Some(now);
        }
        match outage {
            Some(error) => {
                state.consecutive_failures += 1;
                state.last_error = Some(error);
            }
            None => (state.consecutive_failures, state.last_error) = (0, None),
        }
    }

    /// Infisical answered, but what it said is not served (the configuration was refused).
    pub(super) fn answered(&self, report: &LoadReport) {
        let mut state = self.state();
        state.last_success = Some(report.finished_at);
        (state.consecutive_failures, state.last_error) = (0, None);
    }

    /// A poll failed.
    pub(super) fn failed(&self, error: String) {
        let mut state = self.state();
        state.consecutive_failures += 1;
        state.last_error = Some(error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(origin: Origin, served_age: u64, failures: u32) -> Health {
        Health {
            last_success: None,
            served_age: Duration::from_secs(served_age),
            consecutive_failures: failures,
            next_poll: None,
            origin,
            last_error: (failures > 0).then(|| "connection refused".into()),
            leases: Vec::new(),
            #[cfg(feature = "push")]
            push: None,
        }
    }

    #[test]
    fn not_ready_says_why() {
        let max = Duration::from_secs(300);
        assert!(health(Origin::Network, 300, 0).check(max).is_ok());
        let stale = health(Origin::Revalidated, 301, 4).check(max).unwrap_err();
        assert_eq!(
            stale.to_string(),
            "not ready: the configuration was last confirmed by Infisical 5 min ago, more than the 5 min allowed; 4 \
             failed in a row, the last: connection refused"
        );
        let cache = Origin::Cache { age: Duration::from_secs(7200), reason: CacheReason::Offline };
        assert!(health(cache, 7300, 0).check(max).unwrap_err().to_string().contains("it is from the cache"));
        let nothing = health(Origin::Nothing { reason: "down".into() }, 0, 1).check(max).unwrap_err();
        assert!(nothing.to_string().starts_with("not ready: nothing was loaded from Infisical (down)"), "{nothing}");
    }
}
