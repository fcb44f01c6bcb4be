//! Live reload (feature `watch`): a typed configuration that follows Infisical.
//!
//! [`Infisical::watch`] polls the provider's folders with `If-None-Match`, so an unchanged poll costs
//! one request per folder and no body. When an answer changes, it waits for the changes to settle
//! ([`debounce`](Watch::debounce)), runs *your* figment again (files and environment layers merged
//! the same way, with the new secrets), extracts `T`, and publishes it as an `Arc<T>` in a
//! [`tokio::sync::watch`] channel. A failed poll, or a configuration that no longer extracts, keeps
//! the last good value and is reported ([`on_event`](Watch::on_event)); nothing panics the task and
//! the service never loses its configuration. Dropping the [`Watcher`] stops the polling.
//!
//! # In a fleet
//!
//! - **Start-up through the pipeline.** The first load is a load like any other: with a
//!   [`cache`](crate::Infisical::cache), it revalidates from the cached `ETag`s (a replica restarted
//!   while nothing changed downloads no body: one `304` per folder), serves the cache while Infisical
//!   cannot be reached (as the cache's [`OnFailure`](crate::cache::OnFailure) says), or first by
//!   choice ([`Cache::fresh_for`](crate::cache::Cache::fresh_for)); an
//!   [`optional`](crate::Infisical::optional) provider starts with nothing during an outage. Each
//!   successful poll writes the cache. A watcher that started from the cache switches to Infisical
//!   when it answers: a [`WatchEvent::Recovered`] (or `Changed`) says so, and [`Watcher::health`].
//! - **Spread.** The first poll is drawn uniformly over the first interval, so replicas started
//!   together (a deploy, a restart) do not poll together; each later wait is moved by up to
//!   [`jitter`](Watch::jitter) (±10 % by default) so they do not fall back in step.
//! - **Leases.** The credentials of the dynamic secrets the provider asks for
//!   ([`Infisical::lease`](crate::Infisical::lease)) are kept valid by a lease manager running
//!   beside the polls, on the same client and clock: renewed ahead of expiry, replaced before the max
//!   TTL (a [`WatchEvent::Changed`] whose keys name the lease, before the old lease expires), the old
//!   lease revoked after its grace period, all of them on [`Watcher::shutdown`] or drop. Failures are
//!   retried and reported ([`WatchEvent::Lease`]); a lease about to lapse makes [`Health::check`] not
//!   ready. See [`leases`](crate::leases).
//! - **Reports and health.** Every event carries the [`LoadReport`](crate::report::LoadReport) of its poll;
//!   [`Watcher::health`] says when Infisical last answered, how old the configuration served is, how
//!   many polls failed, when the next is due, and [`Health::check`] turns it into a readiness answer.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::time::Duration;
//! use figment::Figment;
//! use figment::providers::{Format, Toml};
//! use infisical_config::{Client, ExposeSecret, Infisical, SecretString};
//! # let fake = infisical_config::testing::FakeInfisical::builder()
//! #     .secret("prod", "/", "DATABASE_URL", "postgres://db/app")
//! #     .start().await;
//! # let dir = tempfile::tempdir().unwrap();
//! # let app_toml = dir.path().join("App.toml");
//! # std::fs::write(&app_toml, "port = 8080\n").unwrap();
//!
//! #[derive(serde::Deserialize)]
//! struct Config {
//!     port: u16,
//!     database_url: SecretString,
//! }
//!
//! let client = fake.client_builder().build()?; // in a service: Client::from_env()?
//! let watcher = Infisical::new(fake.project_id(), "prod")
//!     .client(client)
//!     .watch(Duration::from_secs(30))
//!     .on_event(|event| eprintln!("{event}"))
//!     .start::<Config, _>(move |secrets| Figment::new().merge(Toml::file(&app_toml)).merge(secrets))
//!     .await?;
//! let mut config = watcher.subscribe();
//! loop {
//!     let current = config.borrow_and_update().clone(); // Arc<Config>
//!     // ... use `current` ...
//!     assert_eq!((current.port, current.database_url.expose_secret()), (8080, "postgres://db/app"));
//!     # break; // the example ends here
//!     if config.changed().await.is_err() { break }
//! }
//! # Ok::<(), infisical_config::Error>(()) }).unwrap();
//! ```
//!
//! [`tokio::sync::watch`]: https://docs.rs/tokio/1/tokio/sync/watch/index.html

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::figment::Figment;
use serde::de::DeserializeOwned;
use tokio::sync::{oneshot, watch};

use super::{Infisical, ProviderClient, Snapshot};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::leases::Book;
use crate::report::LeaseReport;
use crate::{Client, blocking};

mod event;
mod health;
mod poller;
mod push;

pub use event::{Change, ChangedKey, WatchEvent};
pub use health::{Health, NotReady};
use poller::Poller;

type OnEvent = Arc<dyn Fn(&WatchEvent) + Send + Sync>;

impl Infisical {
    /// Watches these secrets: see [`Watch`]. `interval` is the time between polls (before jitter).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    /// # let client = fake.client_builder().build()?;
    ///
    /// let watcher = Infisical::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .watch(Duration::from_secs(30))
    ///     .start::<serde_json::Value, _>(figment::Figment::from)
    ///     .await?;
    /// assert_eq!(watcher.current()["port"], "8080");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn watch(self, interval: Duration) -> Watch {
        Watch {
            provider: self,
            interval,
            debounce: Duration::from_secs(1),
            jitter: 0.1,
            on_event: None,
            clock: Clock::system(),
            shutdown_timeout: Duration::from_secs(10),
            push: false,
            backstop: None,
        }
    }
}

/// Starts a [`Watcher`]: made by [`Infisical::watch`], set up with its setters, started with
/// [`start`](Self::start) (async) or [`start_blocking`](Self::start_blocking).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use figment::{Figment, providers::{Format, Toml}};
/// use infisical_config::{ExposeSecret, Infisical, SecretString};
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "API_KEY", "k-1").start().await;
/// # let client = fake.client_builder().build()?;
///
/// #[derive(serde::Deserialize)]
/// struct Config { port: u16, api_key: SecretString }
///
/// let watcher = Infisical::new(fake.project_id(), "prod")
///     .client(client)
///     .watch(Duration::from_secs(30))
///     .debounce(Duration::from_millis(500))
///     .on_event(|event| eprintln!("{event}"))
///     .start::<Config, _>(|secrets| Figment::new().merge(Toml::string("port = 8080")).merge(secrets))
///     .await?;
/// let config = watcher.current();
/// assert_eq!((config.port, config.api_key.expose_secret()), (8080, "k-1"));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[must_use]
pub struct Watch {
    provider: Infisical,
    interval: Duration,
    debounce: Duration,
    jitter: f64,
    on_event: Option<OnEvent>,
    clock: Clock,
    shutdown_timeout: Duration,
    /// Whether to follow the project's event stream (feature `push`).
    push: bool,
    /// The polling interval while the stream is connected; `None`: [`BACKSTOP_FACTOR`] intervals.
    backstop: Option<Duration>,
}

/// While push is connected, polls come this many intervals apart (unless
/// [`backstop`](Watch::backstop) says otherwise).
const BACKSTOP_FACTOR: u32 = 10;

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("provider", &self.provider)
            .field("interval", &self.interval)
            .field("debounce", &self.debounce)
            .field("jitter", &self.jitter)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("push", &self.push)
            .field("backstop", &self.backstop_interval())
            .finish_non_exhaustive()
    }
}

impl Watch {
    crate::setters::setters! {
        /// After a change is seen, how long to wait for more before applying (default 1 s): a burst of
        /// edits becomes one reload.
        ///
        /// ```
        /// use std::time::Duration;
        ///
        /// let watch = infisical_config::Infisical::new("my-project", "prod")
        ///     .watch(Duration::from_secs(30))
        ///     .debounce(Duration::from_millis(200));
        /// assert!(format!("{watch:?}").contains("debounce: 200ms"));
        /// ```
        debounce(wait: Duration) => debounce = wait;

        /// Spreads each wait by up to this fraction either way (default 0.1, at most 1), so that many
        /// replicas do not poll in step. The first poll is spread over a whole interval: replicas
        /// started together (a deploy) do not poll together.
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::Infisical;
        ///
        /// let steady = Infisical::new("my-project", "prod").watch(Duration::from_secs(30)).jitter(0.0);
        /// assert!(format!("{steady:?}").contains("jitter: 0.0"));
        /// let capped = Infisical::new("my-project", "prod").watch(Duration::from_secs(30)).jitter(5.0);
        /// assert!(format!("{capped:?}").contains("jitter: 1.0")); // at most the interval either way
        /// ```
        jitter(fraction: f64) => jitter = fraction.clamp(0.0, 1.0);

        /// Schedules the polls on this clock (default: the system's). Tests give a
        /// [`ManualClock`](crate::testing::ManualClock)'s, to move time themselves.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use std::time::Duration;
        /// use infisical_config::Infisical;
        /// use infisical_config::testing::ManualClock;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
        /// # let client = fake.client_builder().build()?;
        ///
        /// let manual = ManualClock::new();
        /// let watcher = Infisical::new(fake.project_id(), "prod")
        ///     .client(client)
        ///     .watch(Duration::from_secs(3600))
        ///     .clock(&manual)
        ///     .start::<serde_json::Value, _>(figment::Figment::from)
        ///     .await?;
        /// fake.set_secret("prod", "/", "PORT", "9090");
        ///
        /// // An hour passes in no time: the watcher polls, lets the change settle, applies it.
        /// let mut config = watcher.subscribe();
        /// for _ in 0..50 {
        ///     manual.advance(Duration::from_secs(3600));
        ///     if tokio::time::timeout(Duration::from_millis(200), config.changed()).await.is_ok() {
        ///         break;
        ///     }
        /// }
        /// assert_eq!(watcher.current()["port"], "9090");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        clock(clock: impl Into<Clock>) => clock = clock.into();

        /// Called with each change applied, each failed poll, each change refused, Infisical
        /// answering again after the cache or failures, and what the lease manager did
        /// ([`WatchEvent`], each with its poll's report). Without it, they are logged (`tracing`:
        /// changes, recoveries, renewals and revocations at INFO, the rest at WARN).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use std::sync::{Arc, Mutex};
        /// use std::time::Duration;
        /// use infisical_config::Infisical;
        /// use infisical_config::testing::ManualClock;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
        /// # let client = fake.client_builder().build()?;
        ///
        /// let said = Arc::new(Mutex::new(Vec::new()));
        /// let log = said.clone();
        /// let manual = ManualClock::new();
        /// let watcher = Infisical::new(fake.project_id(), "prod")
        ///     .client(client)
        ///     .watch(Duration::from_secs(60))
        ///     .clock(&manual)
        ///     .on_event(move |event| log.lock().unwrap().push(event.to_string()))
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
        /// // Names the key and its secret, never a value.
        /// assert_eq!(said.lock().unwrap()[0], "configuration changed: keys port (modified, secret `PORT` in / (prod))");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        on_event(report: impl Fn(&WatchEvent) + Send + Sync + 'static) => on_event = Some(Arc::new(report));

        /// How long revoking the leases may take when the watcher is shut down or dropped (default
        /// 10 s); what is not revoked by then expires at its TTL.
        ///
        /// ```
        /// use std::time::Duration;
        ///
        /// let watch = infisical_config::Infisical::new("my-project", "prod")
        ///     .watch(Duration::from_secs(30))
        ///     .shutdown_timeout(Duration::from_secs(3));
        /// assert!(format!("{watch:?}").contains("shutdown_timeout: 3s"));
        /// ```
        shutdown_timeout(bound: Duration) => shutdown_timeout = bound;
    }

    /// Follows the project's event stream (feature `push`; Infisical since about July 2025, with an
    /// Enterprise licence): a change is applied as soon as it is made, [`debounce`](Self::debounce)
    /// after the last event of a burst, with one list per folder. Default: off.
    ///
    /// - **Polling stays, as the backstop.** The server keeps no events: those sent while the stream
    ///   was down, or dropped under backpressure, are lost. While the stream is connected the watcher
    ///   still polls, every [`backstop`](Self::backstop); while it is not, every interval.
    /// - **Every (re)connection re-lists**: whatever changed while the stream was down is found.
    /// - **One stream per process and project**, shared by every watcher of the project (and every
    ///   [`events`](crate::events) subscriber), one per environment on it.
    /// - **Refusals fall back to polling, with one warning** (no error, no failed event): a server
    ///   without the route (404: before about July 2025), without the licence (400), an identity
    ///   without the "Secret Events" permission (403), or a project with as many streams open as it
    ///   allows (429: 100 today). Push is tried again ten minutes later. So replicas past the cap poll;
    ///   none fails.
    /// - [`Watcher::health`] and [`WatchEvent::Push`] say whether push is connected.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").events(true).start().await;
    /// # let client = fake.client_builder().build()?;
    ///
    /// let watcher = Infisical::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .watch(Duration::from_secs(60))
    ///     .push(true) // changes at once; a poll every 10 minutes while connected
    ///     .start::<serde_json::Value, _>(figment::Figment::from)
    ///     .await?;
    /// assert!(watcher.health().push.is_some()); // the stream's state, for a health page
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    pub fn push(mut self, yes: bool) -> Self {
        self.push = yes;
        self
    }

    /// How often to poll while push is connected (default: ten intervals). Events lost while the
    /// stream stays connected (the server drops them under backpressure) are found this late at the
    /// latest. Never less than the interval.
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    ///
    /// let watch = Infisical::new("my-project", "prod")
    ///     .watch(Duration::from_secs(30))
    ///     .push(true)
    ///     .backstop(Duration::from_secs(15 * 60));
    /// assert!(format!("{watch:?}").contains("backstop: 900s"));
    ///
    /// // Never less than the interval.
    /// let short = Infisical::new("my-project", "prod").watch(Duration::from_secs(30)).backstop(Duration::from_secs(1));
    /// assert!(format!("{short:?}").contains("backstop: 30s"));
    /// ```
    #[cfg(feature = "push")]
    #[cfg_attr(docsrs, doc(cfg(feature = "push")))]
    pub fn backstop(mut self, every: Duration) -> Self {
        self.backstop = Some(every);
        self
    }

    /// The polling interval while push is connected (before the interval is fitted to a request
    /// budget).
    fn backstop_interval(&self) -> Duration {
        self.backstop.unwrap_or(self.interval.saturating_mul(BACKSTOP_FACTOR)).max(self.interval)
    }

    /// Loads now (through the provider's cache, as any load), builds `T` from `figment(secrets)`, and
    /// polls in a task of the current runtime. The provider's client must be async (or none: one is
    /// built from the environment).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use figment::{Figment, providers::{Format, Toml}};
    /// use infisical_config::{ExposeSecret, Infisical, SecretString};
    /// use infisical_config::figment::Snapshot;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "LOG_LEVEL", "info").start().await;
    /// # let client = fake.client_builder().build()?;
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Config { name: String, api_key: SecretString }
    ///
    /// // The figment is yours: files and environment merged as at start-up, the secrets on top.
    /// let layers = |secrets: Snapshot| Figment::new().merge(Toml::string(r#"name = "shop""#)).merge(secrets);
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client);
    ///
    /// // No API_KEY in Infisical yet: no watcher, and the error says what is missing.
    /// let err = provider.clone().watch(Duration::from_secs(30)).start::<Config, _>(layers).await.unwrap_err();
    /// assert!(err.to_string().contains("missing field `api_key`"), "{err}");
    ///
    /// fake.set_secret("prod", "/", "API_KEY", "k-1");
    /// let watcher = provider.watch(Duration::from_secs(30)).start::<Config, _>(layers).await?;
    /// assert_eq!((watcher.current().name.as_str(), watcher.current().api_key.expose_secret()), ("shop", "k-1"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// When the first load fails and neither the cache's policy nor [`optional`](Infisical::optional)
    /// stands in (a provider that asks for leases needs them: it does not start without Infisical,
    /// optional or not), when the extraction fails ([`Error::Config`], redacted), or when the provider
    /// was given a blocking client (use [`start_blocking`](Self::start_blocking)).
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
        let (clock, bound) = (self.clock.clone(), self.shutdown_timeout);
        let (poller, first, manager) = Poller::start(self, client.clone(), figment).await?;
        let health = poller.health.clone();
        let leases = poller.leases.as_ref().map(|l| Revoker { client, clock, book: l.book.clone(), bound });
        let (tx, rx) = watch::channel(first);
        let task = tokio::spawn(poller.run(tx, manager));
        Ok(Watcher { config: rx, polling: Polling::Task(Some(task)), health, leases })
    }

    /// As [`start`](Self::start), for programs without a runtime: the polling (and the lease manager)
    /// runs on a thread of its own, on the blocking client's runtime (the provider's, or one built from
    /// the environment), and stops, joined, when the [`Watcher`] is dropped, its leases revoked first.
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    ///
    /// let client = fake.blocking_client_builder().build()?;
    /// let watcher = Infisical::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .watch(Duration::from_secs(30))
    ///     .start_blocking::<serde_json::Value, _>(figment::Figment::from)?;
    /// assert_eq!(watcher.current()["port"], "8080");
    /// drop(watcher); // stops the polling and joins its thread
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
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
        let (clock, bound) = (self.clock.clone(), self.shutdown_timeout);
        let (poller, first, manager) = client.run(Poller::start(self, client.as_async().clone(), figment))?;
        let health = poller.health.clone();
        let leases = poller.leases.as_ref().map(|l| Revoker {
            client: client.as_async().clone(),
            clock,
            book: l.book.clone(),
            bound,
        });
        let (tx, rx) = watch::channel(first);
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("infisical-config-watch".into())
            .spawn(move || {
                client.run(async move {
                    // Poll until the watcher is dropped (the stop signal, or its sender dropped).
                    let mut polling = std::pin::pin!(poller.run(tx, manager));
                    let mut stopped = std::pin::pin!(stopped);
                    std::future::poll_fn(|cx| {
                        if stopped.as_mut().poll(cx).is_ready() {
                            return std::task::Poll::Ready(());
                        }
                        polling.as_mut().poll(cx)
                    })
                    .await;
                    match leases {
                        Some(leases) => leases.revoke().await,
                        None => Vec::new(),
                    }
                })
            })
            .map_err(|e| Error::Local { what: "could not start the watcher's thread", source: Box::new(e) })?;
        Ok(Watcher {
            config: rx,
            polling: Polling::Thread { stop: Some(stop), thread: Some(thread) },
            health,
            leases: None,
        })
    }
}

/// What revokes a watcher's leases when it stops.
#[derive(Debug)]
struct Revoker {
    client: Client,
    clock: Clock,
    book: Arc<Mutex<Book>>,
    bound: Duration,
}

impl Revoker {
    async fn revoke(self) -> Vec<LeaseReport> {
        crate::leases::revoke_all(&self.client, &self.book, &self.clock, self.bound).await
    }
}

/// The latest configuration, kept current by polling that stops when this is dropped: a task of the
/// runtime ([`Watch::start`]) or a thread of its own ([`Watch::start_blocking`]), joined on drop.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use infisical_config::Infisical;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
/// # let client = fake.client_builder().build()?;
///
/// let watcher = Infisical::new(fake.project_id(), "prod")
///     .client(client)
///     .watch(Duration::from_secs(30))
///     .start::<serde_json::Value, _>(figment::Figment::from)
///     .await?;
/// let config = watcher.subscribe(); // hand this to the parts of the service that read it
/// assert_eq!(config.borrow()["port"], "8080");
/// assert_eq!(watcher.health().consecutive_failures, 0);
/// drop(watcher); // polling stops
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug)]
pub struct Watcher<T> {
    config: watch::Receiver<Arc<T>>,
    polling: Polling,
    health: health::Shared,
    /// What revokes the leases of a watcher polling in a task (one polling on its thread revokes them
    /// there).
    leases: Option<Revoker>,
}

#[derive(Debug)]
enum Polling {
    Task(Option<tokio::task::JoinHandle<()>>),
    Thread { stop: Option<oneshot::Sender<()>>, thread: Option<std::thread::JoinHandle<Vec<LeaseReport>>> },
}

impl<T> Watcher<T> {
    /// The configuration now: an `Arc`, cheap to take at each use, never torn by a reload.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    /// # let client = fake.client_builder().build()?;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Config { port: String }
    ///
    /// let watcher = Infisical::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .watch(Duration::from_secs(30))
    ///     .start::<Config, _>(figment::Figment::from)
    ///     .await?;
    /// let config = watcher.current(); // Arc<Config>
    /// assert_eq!(config.port, "8080");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn current(&self) -> Arc<T> {
        self.config.borrow().clone()
    }

    /// A receiver of every new configuration (`changed().await`, `borrow()`, or from blocking code
    /// `has_changed()` and `borrow_and_update()`); it stops receiving when the watcher is dropped.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// use infisical_config::testing::ManualClock;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    /// # let client = fake.client_builder().build()?;
    ///
    /// let manual = ManualClock::new(); // a test moves the watcher's time; a service keeps the system's
    /// let watcher = Infisical::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .watch(Duration::from_secs(30))
    ///     .clock(&manual)
    ///     .start::<serde_json::Value, _>(figment::Figment::from)
    ///     .await?;
    /// let mut config = watcher.subscribe();
    /// assert_eq!(config.borrow_and_update()["port"], "8080");
    ///
    /// fake.set_secret("prod", "/", "PORT", "9090");
    /// for _ in 0..50 {
    ///     manual.advance(Duration::from_secs(30));
    ///     if tokio::time::timeout(Duration::from_millis(200), config.changed()).await.is_ok() {
    ///         break;
    ///     }
    /// }
    /// assert_eq!(config.borrow_and_update()["port"], "9090");
    ///
    /// drop(watcher);
    /// assert!(config.changed().await.is_err()); // no more configurations
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn subscribe(&self) -> watch::Receiver<Arc<T>> {
        self.config.clone()
    }

    /// How the watcher is doing now (on its clock): when Infisical last answered, how old the
    /// configuration served is, failed polls in a row, the next poll, where the configuration came
    /// from. [`Health::check`] makes a readiness answer of it.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    /// # let client = fake.client_builder().build()?;
    /// # let watcher = Infisical::new(fake.project_id(), "prod")
    /// #     .client(client)
    /// #     .watch(Duration::from_secs(30))
    /// #     .start::<serde_json::Value, _>(figment::Figment::from)
    /// #     .await?;
    ///
    /// // In a `/healthz` handler: not ready once the configuration is over ten minutes stale.
    /// let ready = match watcher.health().check(Duration::from_secs(600)) {
    ///     Ok(()) => true, // 200
    ///     Err(not_ready) => {
    ///         eprintln!("{not_ready}"); // 503, with the reason
    ///         false
    ///     }
    /// };
    /// assert!(ready); // just loaded from Infisical
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn health(&self) -> Health {
        self.health.health()
    }

    /// Stops polling and revokes the leases of the dynamic secrets it asked for (in use, and replaced
    /// ones still in their grace period), within [`shutdown_timeout`](Watch::shutdown_timeout); what
    /// is not revoked by then expires at its TTL. Answers each lease's report: `Revoked`, or why not.
    ///
    /// Dropping the watcher does the same, in the background (a task of the current runtime, or,
    /// started with [`start_blocking`](Watch::start_blocking), its thread before it is joined); a
    /// runtime that ends right after the drop (the end of `main`) may cancel that task: call this to
    /// be sure. A lease left behind by a crash simply expires at its TTL.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::{DynamicLease, Infisical};
    /// use infisical_config::report::LeaseStatus;
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let fake = FakeInfisical::builder()
    /// #     .dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(Duration::from_secs(3600)))
    /// #     .start().await;
    /// # let client = fake.client_builder().build().unwrap();
    ///
    /// let watcher = Infisical::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .lease(DynamicLease::new("postgres").at("database"))
    ///     .watch(Duration::from_secs(30))
    ///     .start::<serde_json::Value, _>(figment::Figment::from)
    ///     .await
    ///     .unwrap();
    /// let leases = watcher.shutdown().await;
    /// assert_eq!(leases[0].status, LeaseStatus::Revoked);
    /// # });
    /// ```
    pub async fn shutdown(mut self) -> Vec<LeaseReport> {
        match &mut self.polling {
            Polling::Task(task) => {
                if let Some(task) = task.take() {
                    task.abort();
                    // Wait until it has stopped: what it did last is in the book.
                    let _ = task.await;
                }
                match self.leases.take() {
                    Some(leases) => leases.revoke().await,
                    None => Vec::new(),
                }
            }
            Polling::Thread { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                let Some(thread) = thread.take() else { return Vec::new() };
                tokio::task::spawn_blocking(move || thread.join().unwrap_or_default()).await.unwrap_or_default()
            }
        }
    }
}

impl<T> Drop for Watcher<T> {
    fn drop(&mut self) {
        match &mut self.polling {
            Polling::Task(task) => {
                let Some(task) = task.take() else { return };
                task.abort();
                let Some(leases) = self.leases.take() else { return };
                match tokio::runtime::Handle::try_current() {
                    Ok(runtime) => {
                        runtime.spawn(async move {
                            let _ = task.await;
                            leases.revoke().await;
                        });
                    }
                    Err(_) => tracing::warn!(
                        "a watcher with leases was dropped outside a runtime: its leases expire at their TTL \
                         (call `shutdown().await` to revoke them)"
                    ),
                }
            }
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
