//! Live reload (feature `watch`): a typed configuration that follows Infisical.
//!
//! [`Infisical::watch`] polls the provider's folders with `If-None-Match`, so an unchanged poll costs
//! one request per folder and no body. When an answer changes, it waits for the changes to settle
//! ([`debounce`](Watch::debounce)), runs *your* figment again (files and environment layers merged
//! the same way, with the new secrets), extracts `T`, and publishes it as an `Arc<T>` in a
//! [`tokio::sync::watch`] channel. A failed poll, or a configuration that no longer extracts, keeps
//! the last good value and is reported ([`on_event`](Watch::on_event)); nothing panics the task and
//! the service never loses its configuration. Polls are spread by [`jitter`](Watch::jitter) so
//! replicas do not poll in step. Dropping the [`Watcher`] stops the polling.
//!
//! ```no_run
//! # async fn run() -> infisical_config::Result<()> {
//! use std::time::Duration;
//! use figment::Figment;
//! use figment::providers::{Format, Toml};
//! use infisical_config::{Client, Infisical, SecretString};
//!
//! #[derive(serde::Deserialize)]
//! struct Config {
//!     port: u16,
//!     database_url: SecretString,
//! }
//!
//! let client = Client::from_env()?;
//! let watcher = Infisical::new("my-project", "prod")
//!     .client(client)
//!     .watch(Duration::from_secs(30))
//!     .on_event(|event| eprintln!("{event}"))
//!     .start::<Config, _>(|secrets| Figment::new().merge(Toml::file("App.toml")).merge(secrets))
//!     .await?;
//! let mut config = watcher.subscribe();
//! loop {
//!     let current = config.borrow_and_update().clone(); // Arc<Config>
//!     // ... use `current` ...
//!     # let _ = current;
//!     if config.changed().await.is_err() { break }
//! }
//! # Ok(()) }
//! ```

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ::figment::{Figment, Profile};
use serde::de::DeserializeOwned;
use tokio::sync::{oneshot, watch};

use super::{Infisical, ProviderClient, Snapshot};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::pipeline::{Layer, Stored, StoredLayer};
use crate::resources::ProjectRef;
use crate::{Client, blocking};

type OnEvent = Arc<dyn Fn(&WatchEvent) + Send + Sync>;

/// What a watcher reports: a change applied, a poll that failed, or a change that was not applied.
/// Never a value.
#[derive(Debug)]
#[non_exhaustive]
pub enum WatchEvent {
    /// A new configuration was published; these keys changed.
    Changed(Vec<ChangedKey>),
    /// A poll failed; the last good configuration stays.
    Failed(Error),
    /// Infisical's answer changed, but the configuration no longer maps or extracts (a value of the
    /// wrong type, a key conflict); the last good configuration stays. The error is redacted.
    Rejected {
        /// The keys that changed.
        keys: Vec<ChangedKey>,
        /// Why the new configuration was refused.
        error: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl std::fmt::Display for WatchEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |keys: &[ChangedKey]| keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        match self {
            WatchEvent::Changed(keys) => write!(f, "configuration changed: keys {}", list(keys)),
            WatchEvent::Failed(err) => write!(f, "polling Infisical failed, keeping the configuration: {err}"),
            WatchEvent::Rejected { keys, error } => {
                write!(f, "Infisical changed ({}) but the configuration was refused, keeping it: {error}", list(keys))
            }
        }
    }
}

/// A key whose value changed, with where it comes from; never its value.
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

/// How a key changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// Its value is different.
    Modified,
}

impl Infisical {
    /// Watches these secrets: see [`Watch`]. `interval` is the time between polls (before jitter).
    pub fn watch(self, interval: Duration) -> Watch {
        Watch {
            provider: self,
            interval,
            debounce: Duration::from_secs(1),
            jitter: 0.1,
            on_event: None,
            clock: Clock::system(),
        }
    }
}

/// Starts a [`Watcher`]: made by [`Infisical::watch`].
#[must_use]
pub struct Watch {
    provider: Infisical,
    interval: Duration,
    debounce: Duration,
    jitter: f64,
    on_event: Option<OnEvent>,
    clock: Clock,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("provider", &self.provider)
            .field("interval", &self.interval)
            .field("debounce", &self.debounce)
            .field("jitter", &self.jitter)
            .finish_non_exhaustive()
    }
}

impl Watch {
    crate::setters::setters! {
        /// After a change is seen, how long to wait for more before applying (default 1 s): a burst of
        /// edits becomes one reload.
        debounce(wait: Duration) => debounce = wait;

        /// Spreads each wait by up to this fraction either way (default 0.1, at most 1), so that many
        /// replicas do not poll in step. The first poll is spread over a whole interval: replicas
        /// started together (a deploy) do not poll together.
        jitter(fraction: f64) => jitter = fraction.clamp(0.0, 1.0);

        /// Schedules the polls on this clock (default: the system's). Tests give a
        /// [`ManualClock`](crate::testing::ManualClock)'s, to move time themselves.
        clock(clock: impl Into<Clock>) => clock = clock.into();

        /// Called with each change applied, each failed poll and each change refused. Without it, they
        /// are logged (`tracing`: changes at INFO, the rest at WARN).
        on_event(report: impl Fn(&WatchEvent) + Send + Sync + 'static) => on_event = Some(Arc::new(report));
    }

    /// Loads now, builds `T` from `figment(secrets)`, and polls in a task of the current runtime. The
    /// provider's client must be async (or none: one is built from the environment).
    ///
    /// # Errors
    /// When the first load or extraction fails ([`Error::Config`] for an extraction, redacted), or the
    /// provider was given a blocking client (use [`start_blocking`](Self::start_blocking)).
    pub async fn start<T, F>(self, figment: F) -> Result<Watcher<T>>
    where
        T: DeserializeOwned + Send + Sync + 'static,
        F: Fn(Snapshot) -> Figment + Send + Sync + 'static,
    {
        let client = match &self.provider.client {
            Some(ProviderClient::Async(c)) => c.clone(),
            Some(ProviderClient::Blocking(_)) => {
                return Err(Error::Config(
                    "a watcher started from async code needs an async client; give one, or use start_blocking".into(),
                ));
            }
            None => crate::pipeline::own_client(&self.provider.env, self.provider.credentials.as_ref()).build()?,
        };
        let (poller, first) = Poller::start(self, client, figment).await?;
        let (tx, rx) = watch::channel(first);
        let task = tokio::spawn(poller.run(tx)).abort_handle();
        Ok(Watcher { config: rx, polling: Polling::Task(task) })
    }

    /// As [`start`](Self::start), for programs without a runtime: the polling runs on a thread of its
    /// own, on the blocking client's runtime (the provider's, or one built from the environment), and
    /// stops, joined, when the [`Watcher`] is dropped.
    ///
    /// # Errors
    /// As [`start`](Self::start); [`Error::Local`] when the thread cannot start.
    pub fn start_blocking<T, F>(self, figment: F) -> Result<Watcher<T>>
    where
        T: DeserializeOwned + Send + Sync + 'static,
        F: Fn(Snapshot) -> Figment + Send + Sync + 'static,
    {
        let client = match &self.provider.client {
            Some(ProviderClient::Blocking(c)) => c.clone(),
            Some(ProviderClient::Async(c)) => blocking::Client::wrap(c.clone())?,
            None => blocking::ClientBuilder::from(crate::pipeline::own_client(
                &self.provider.env,
                self.provider.credentials.as_ref(),
            ))
            .build()?,
        };
        let (poller, first) = client.run(Poller::start(self, client.as_async().clone(), figment))?;
        let (tx, rx) = watch::channel(first);
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("infisical-config-watch".into())
            .spawn(move || {
                client.run(async move {
                    // Poll until the watcher is dropped (the stop signal, or its sender dropped).
                    let mut polling = std::pin::pin!(poller.run(tx));
                    let mut stopped = std::pin::pin!(stopped);
                    std::future::poll_fn(|cx| {
                        if stopped.as_mut().poll(cx).is_ready() {
                            return std::task::Poll::Ready(());
                        }
                        polling.as_mut().poll(cx)
                    })
                    .await;
                });
            })
            .map_err(|e| Error::Local { what: "could not start the watcher's thread", source: Box::new(e) })?;
        Ok(Watcher { config: rx, polling: Polling::Thread { stop: Some(stop), thread: Some(thread) } })
    }
}

/// The latest configuration, kept current by polling that stops when this is dropped: a task of the
/// runtime ([`Watch::start`]) or a thread of its own ([`Watch::start_blocking`]), joined on drop.
#[derive(Debug)]
pub struct Watcher<T> {
    config: watch::Receiver<Arc<T>>,
    polling: Polling,
}

#[derive(Debug)]
enum Polling {
    Task(tokio::task::AbortHandle),
    Thread { stop: Option<oneshot::Sender<()>>, thread: Option<std::thread::JoinHandle<()>> },
}

impl<T> Watcher<T> {
    /// The configuration now.
    #[must_use]
    pub fn current(&self) -> Arc<T> {
        self.config.borrow().clone()
    }

    /// A receiver of every new configuration (`changed().await`, `borrow()`, or from blocking code
    /// `has_changed()` and `borrow_and_update()`); it stops receiving when the watcher is dropped.
    #[must_use]
    pub fn subscribe(&self) -> watch::Receiver<Arc<T>> {
        self.config.clone()
    }
}

impl<T> Drop for Watcher<T> {
    fn drop(&mut self) {
        match &mut self.polling {
            Polling::Task(task) => task.abort(),
            Polling::Thread { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

/// The polling loop's state: the last answers (with their tags) and the last good snapshot.
struct Poller<T, F> {
    provider: Infisical,
    project: ProjectRef,
    client: Client,
    figment: F,
    interval: Duration,
    debounce: Duration,
    jitter: f64,
    on_event: Option<OnEvent>,
    clock: Clock,
    answers: Vec<Stored>,
    snapshot: Snapshot,
    _config: std::marker::PhantomData<fn() -> T>,
}

impl<T, F> Poller<T, F>
where
    T: DeserializeOwned + Send + Sync + 'static,
    F: Fn(Snapshot) -> Figment + Send + Sync + 'static,
{
    async fn start(watch: Watch, client: Client, figment: F) -> Result<(Self, Arc<T>)> {
        let project = watch.provider.project()?;
        let mut poller = Poller {
            provider: watch.provider,
            project,
            client,
            figment,
            interval: watch.interval,
            debounce: watch.debounce,
            jitter: watch.jitter,
            on_event: watch.on_event,
            clock: watch.clock,
            answers: Vec::new(),
            snapshot: Snapshot::default(),
            _config: std::marker::PhantomData,
        };
        let (answers, layers) = poller.poll(true).await?.unwrap_or_default();
        let snapshot = poller.provider.snapshot_of(layers)?;
        let config =
            poller.extract(&snapshot).map_err(|e| Error::Config(format!("the configuration does not extract: {e}")))?;
        (poller.answers, poller.snapshot) = (answers, snapshot);
        Ok((poller, Arc::new(config)))
    }

    /// Every target's folders, revalidated against the last answers: `None` when none changed.
    async fn poll(&self, first: bool) -> Result<Option<(Vec<Stored>, Vec<Vec<Layer>>)>> {
        let (mut answers, mut loaded, mut changed) = (Vec::new(), Vec::new(), first);
        for (n, (environment, _)) in self.provider.targets.iter().enumerate() {
            let previous = self.answers.get(n);
            let fetched = self.provider.query.fetch(&self.client, &self.project, environment, previous).await?;
            changed |= !fetched.unchanged;
            let layers: Vec<StoredLayer> =
                fetched.layers.iter().zip(fetched.etags).map(|(l, etag)| StoredLayer::of(l, etag)).collect();
            answers.push(Stored { saved_at: std::time::SystemTime::now(), layers });
            loaded.push(fetched.layers);
        }
        Ok(changed.then_some((answers, loaded)))
    }

    fn extract(&self, snapshot: &Snapshot) -> std::result::Result<T, super::RedactedError> {
        (self.figment)(snapshot.clone()).extract::<T>().map_err(super::RedactedError::from)
    }

    fn report(&self, event: WatchEvent) {
        match &self.on_event {
            Some(report) => report(&event),
            None if matches!(event, WatchEvent::Changed(_)) => tracing::info!("{event}"),
            None => tracing::warn!("{event}"),
        }
    }

    async fn wait(&self, base: Duration) {
        self.clock.sleep(crate::clock::jittered(base, self.jitter)).await;
    }

    async fn run(mut self, tx: watch::Sender<Arc<T>>) {
        // The first poll anywhere in the first interval: replicas started together spread out.
        let mut next = crate::clock::spread(self.interval);
        loop {
            self.clock.sleep(next).await;
            next = crate::clock::jittered(self.interval, self.jitter);
            let mut fresh = match self.poll(false).await {
                Ok(Some(fresh)) => fresh,
                Ok(None) => continue,
                Err(err) => {
                    self.report(WatchEvent::Failed(err));
                    continue;
                }
            };
            // Let a burst of edits settle: poll again until an answer repeats (a few times at most).
            for _ in 0..5 {
                self.wait(self.debounce).await;
                let settled = std::mem::replace(&mut self.answers, fresh.0.clone());
                let again = self.poll(false).await;
                self.answers = settled;
                match again {
                    Ok(Some(newer)) => fresh = newer,
                    Ok(None) => break,
                    Err(err) => {
                        self.report(WatchEvent::Failed(err));
                        break;
                    }
                }
            }
            self.apply(fresh, &tx);
        }
    }

    fn apply(&mut self, (answers, layers): (Vec<Stored>, Vec<Vec<Layer>>), tx: &watch::Sender<Arc<T>>) {
        // The answers are taken either way: the same refused answer is not processed again.
        self.answers = answers;
        let snapshot = match self.provider.snapshot_of(layers) {
            Ok(snapshot) => snapshot,
            Err(err) => return self.report(WatchEvent::Failed(err)),
        };
        let keys = self.snapshot.changes(&snapshot);
        if keys.is_empty() {
            return;
        }
        match self.extract(&snapshot) {
            Ok(config) => {
                self.snapshot = snapshot;
                let _ = tx.send(Arc::new(config));
                self.report(WatchEvent::Changed(keys));
            }
            Err(error) => self.report(WatchEvent::Rejected { keys, error: Box::new(error) }),
        }
    }
}
