//! What a watcher reports, each with the report of the poll behind it: never a value.

use ::figment::Profile;

use crate::error::Error;
use crate::leases::LeaseEvent;
use crate::report::LoadReport;

/// What a watcher reports: a change applied, a poll that failed, a change that was not applied,
/// Infisical answering again, or what its lease manager did. Each carries the [`LoadReport`] of the
/// poll (or lease action) that produced it ([`report`](Self::report)), with every lease as it stands.
/// Never a value.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
/// use infisical_config::Infisical;
/// use infisical_config::testing::ManualClock;
/// use infisical_config::watch::WatchEvent;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
/// # let client = fake.client_builder().retry(infisical_config::RetryPolicy::disabled()).build()?;
///
/// fn log(event: &WatchEvent) -> String {
///     match event {
///         WatchEvent::Changed { keys, .. } => format!("{} keys changed", keys.len()),
///         WatchEvent::Failed { error, .. } => format!("poll failed: {error}"),
///         other => other.to_string(),
///     }
/// }
///
/// let said = Arc::new(Mutex::new(Vec::new()));
/// let seen = said.clone();
/// let manual = ManualClock::new();
/// let watcher = Infisical::new(fake.project_id(), "prod")
///     .client(client)
///     .watch(Duration::from_secs(60))
///     .clock(&manual)
///     .on_event(move |event| seen.lock().unwrap().push(log(event)))
///     .start::<serde_json::Value, _>(figment::Figment::from)
///     .await?;
///
/// fake.set_unavailable(true); // an outage: polls fail, the configuration stays
/// for _ in 0..50 {
///     if !said.lock().unwrap().is_empty() {
///         break;
///     }
///     manual.advance(Duration::from_secs(60));
///     tokio::time::sleep(Duration::from_millis(50)).await; // let the poll run
/// }
/// assert!(said.lock().unwrap()[0].starts_with("poll failed: "), "{:?}", said.lock().unwrap());
/// assert_eq!(watcher.current()["port"], "8080");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum WatchEvent {
    /// A new configuration was published; these keys changed. A new lease of a dynamic secret (new
    /// credentials) is a change too: its keys name the lease ([`ChangedKey::lease`]).
    Changed {
        /// The keys that changed.
        keys: Vec<ChangedKey>,
        /// The poll that brought the change.
        report: LoadReport,
    },
    /// A poll failed; the last good configuration stays.
    Failed {
        /// Why.
        error: Error,
        /// The poll: its requests and time, no layer.
        report: LoadReport,
    },
    /// Infisical's answer changed, but the configuration no longer maps or extracts (a value of the
    /// wrong type, a key conflict); the last good configuration stays. The error is redacted.
    Rejected {
        /// The keys that changed.
        keys: Vec<ChangedKey>,
        /// Why the new configuration was refused.
        error: Box<dyn std::error::Error + Send + Sync>,
        /// The poll that brought the change.
        report: LoadReport,
    },
    /// Infisical answers again and confirms the configuration, unchanged, after the watcher started
    /// from the cache or with nothing, or after failed polls. (A change that arrives with the answer is
    /// a [`Changed`](Self::Changed), whose report says the same.)
    Recovered {
        /// The poll that Infisical answered.
        report: LoadReport,
    },
    /// The lease manager renewed a lease, failed to, warns that one is about to lapse, or revoked a
    /// replaced one (see [`LeaseEvent`]). A new lease comes as [`Changed`](Self::Changed).
    Lease {
        /// The dynamic secret.
        name: String,
        /// What happened.
        event: LeaseEvent,
        /// The action's requests and time, the layers served, and every lease as it stands now.
        report: LoadReport,
    },
    /// The project's event stream changed state (feature `push`, with
    /// [`Watch::push`](super::Watch::push)): connected, changes are applied as they are made and polls
    /// come every backstop; connecting again or refused (the reason says why: no route, no licence, no
    /// permission, too many streams), polls come every interval. Never an error: the stream itself
    /// warns, once, when it is lost or refused.
    ///
    /// ```
    /// use infisical_config::events::PushState;
    /// use infisical_config::watch::WatchEvent;
    ///
    /// let on_event = |event: &WatchEvent| {
    ///     if let WatchEvent::Push { state: PushState::Unavailable(reason), .. } = event {
    ///         eprintln!("polling only: {reason}");
    ///     }
    /// };
    /// # let _ = on_event;
    /// ```
    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    Push {
        /// The stream's state now.
        state: crate::events::PushState,
        /// The report of the load whose configuration is served.
        report: LoadReport,
    },
}

impl WatchEvent {
    /// The report of the poll that produced this event: where each folder came from, the requests and
    /// time it took.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::sync::{Arc, Mutex};
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// use infisical_config::report::Origin;
    /// use infisical_config::testing::ManualClock;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    /// # let client = fake.client_builder().build()?;
    ///
    /// let reports = Arc::new(Mutex::new(Vec::new()));
    /// let seen = reports.clone();
    /// let manual = ManualClock::new();
    /// let watcher = Infisical::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .watch(Duration::from_secs(60))
    ///     .clock(&manual)
    ///     .on_event(move |event| seen.lock().unwrap().push(event.report().clone()))
    ///     .start::<serde_json::Value, _>(figment::Figment::from)
    ///     .await?;
    ///
    /// fake.set_secret("prod", "/", "PORT", "9090");
    /// let mut config = watcher.subscribe();
    /// for _ in 0..50 {
    ///     manual.advance(Duration::from_secs(60));
    ///     if tokio::time::timeout(Duration::from_millis(200), config.changed()).await.is_ok() {
    ///         break;
    ///     }
    /// }
    /// let report = &reports.lock().unwrap()[0]; // the poll that brought the change
    /// assert_eq!(report.layers[0].origin, Origin::Network);
    /// println!("{} requests; serving values {:?} old", report.requests, report.served_age());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn report(&self) -> &LoadReport {
        match self {
            WatchEvent::Changed { report, .. }
            | WatchEvent::Failed { report, .. }
            | WatchEvent::Rejected { report, .. }
            | WatchEvent::Recovered { report }
            | WatchEvent::Lease { report, .. } => report,
            #[cfg(feature = "push")]
            WatchEvent::Push { report, .. } => report,
        }
    }
}

impl std::fmt::Display for WatchEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |keys: &[ChangedKey]| keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        match self {
            WatchEvent::Changed { keys, .. } => write!(f, "configuration changed: keys {}", list(keys)),
            WatchEvent::Failed { error, .. } => {
                write!(f, "polling Infisical failed, keeping the configuration: {error}")
            }
            WatchEvent::Rejected { keys, error, .. } => {
                write!(f, "Infisical changed ({}) but the configuration was refused, keeping it: {error}", list(keys))
            }
            WatchEvent::Recovered { .. } => f.write_str("Infisical answers again; the configuration is current"),
            WatchEvent::Lease { name, event, .. } => write!(f, "dynamic secret `{name}`: {event}"),
            #[cfg(feature = "push")]
            WatchEvent::Push { state, .. } => write!(f, "Infisical push {state}"),
        }
    }
}

/// A key whose value changed, with where it comes from; never its value. A
/// [`WatchEvent::Changed`] lists them.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
/// use infisical_config::Infisical;
/// use infisical_config::testing::ManualClock;
/// use infisical_config::watch::{Change, ChangedKey, WatchEvent};
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/db", "PASSWORD", "one").start().await;
/// # let client = fake.client_builder().build()?;
///
/// let changed: Arc<Mutex<Vec<ChangedKey>>> = Arc::default();
/// let seen = changed.clone();
/// let manual = ManualClock::new();
/// let watcher = Infisical::new(fake.project_id(), "prod")
///     .client(client)
///     .path("/db")
///     .watch(Duration::from_secs(60))
///     .clock(&manual)
///     .on_event(move |event| {
///         if let WatchEvent::Changed { keys, .. } = event {
///             seen.lock().unwrap().extend(keys.iter().cloned());
///         }
///     })
///     .start::<serde_json::Value, _>(figment::Figment::from)
///     .await?;
///
/// fake.set_secret("prod", "/db", "PASSWORD", "two");
/// let mut config = watcher.subscribe();
/// for _ in 0..50 {
///     manual.advance(Duration::from_secs(60));
///     if tokio::time::timeout(Duration::from_millis(200), config.changed()).await.is_ok() {
///         break;
///     }
/// }
/// let key = &changed.lock().unwrap()[0];
/// assert_eq!((key.key.as_str(), key.change), ("password", Change::Modified));
/// assert_eq!(key.origin, "secret `PASSWORD` in /db (prod)");
/// assert_eq!(key.to_string(), "password (modified, secret `PASSWORD` in /db (prod))");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChangedKey {
    /// The figment profile.
    pub profile: Profile,
    /// The key, dotted (`db.password`).
    pub key: String,
    /// The secret it comes (or came) from: ``secret `PASSWORD` in /db (prod)``.
    pub origin: String,
    /// How it changed.
    pub change: Change,
    /// The dynamic secret whose lease it comes (or came) from, for a lease's credential: a new lease
    /// (new credentials) changes these keys.
    pub lease: Option<String>,
}

impl std::fmt::Display for ChangedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = match self.change {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Modified => "modified",
        };
        write!(f, "{} ({how}, {})", self.key, self.origin)
    }
}

/// How a key changed: what a [`ChangedKey`] says, for a log line or an alert.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::sync::{Arc, Mutex};
/// use std::time::Duration;
/// use infisical_config::Infisical;
/// use infisical_config::testing::ManualClock;
/// use infisical_config::watch::{Change, WatchEvent};
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "OLD_FLAG", "on").start().await;
/// # let client = fake.client_builder().build()?;
///
/// let changes: Arc<Mutex<Vec<(String, Change)>>> = Arc::default();
/// let seen = changes.clone();
/// let manual = ManualClock::new();
/// let watcher = Infisical::new(fake.project_id(), "prod")
///     .client(client)
///     .watch(Duration::from_secs(60))
///     .clock(&manual)
///     .on_event(move |event| {
///         if let WatchEvent::Changed { keys, .. } = event {
///             seen.lock().unwrap().extend(keys.iter().map(|k| (k.key.clone(), k.change)));
///         }
///     })
///     .start::<serde_json::Value, _>(figment::Figment::from)
///     .await?;
///
/// fake.remove_secret("prod", "/", "OLD_FLAG");
/// fake.set_secret("prod", "/", "NEW_FLAG", "on");
/// let mut config = watcher.subscribe();
/// for _ in 0..50 {
///     manual.advance(Duration::from_secs(60));
///     if tokio::time::timeout(Duration::from_millis(200), config.changed()).await.is_ok() {
///         break;
///     }
/// }
/// let expected = [("new_flag".to_owned(), Change::Added), ("old_flag".to_owned(), Change::Removed)];
/// assert_eq!(*changes.lock().unwrap(), expected);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// Its value is different.
    Modified,
}
