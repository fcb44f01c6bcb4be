//! Push (feature `push`): Infisical's event subscriptions, a server-sent-events stream that announces
//! secret changes as they are made.
//!
//! # Which servers have it
//!
//! `POST /api/v1/events/subscribe/project-events` arrived in Infisical around July 2025 and is an
//! **Enterprise** feature: Infisical Cloud's Enterprise tier, or a self-hosted server with an Enterprise
//! licence. Servers before it answer 404 ("Route POST:… not found"), servers without the licence 400
//! ("Event subscriptions are not available on your current plan…"), and identities without the project
//! permission "Secret Events" (subscribe) 403. None of these is an error here: the subscriber's state
//! becomes [`PushState::Unavailable`] with the reason, one warning says it, and push is tried again
//! after [`Subscribe::retry_unavailable`] (10 minutes by default). Polling is what finds changes
//! meanwhile.
//!
//! # How it behaves
//!
//! - **One stream per process and project.** Every subscriber of a project on a site shares one
//!   connection (projects may have at most 100 open, for all their clients together); each subscriber
//!   sees only the events of its environment and folders. The stream closes when the last subscriber
//!   is dropped. It uses the client of the subscription that opened it, and that subscription's
//!   options.
//! - **Events are hints, never values.** An event names the environment, folder and secrets that
//!   changed ([`SecretEvent`]); load them again to see what changed. The server keeps nothing for a
//!   client that was away, so after every (re)connection a subscriber is told
//!   [`PushNotice::Resync`]: load everything again.
//! - **Reconnects** follow the Infisical CLI's policy: `2 s · 2^(n-1)`, at most 60 s, plus up to half
//!   again at random; 30 s of healthy connection forgets the failures. A connection silent for 45 s
//!   (the server pings every 15 s) is taken for dead. Waits run on the subscription's
//!   [`Clock`].
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use infisical_config::events::{PushNotice, PushState, Subscribe};
//! # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "API_KEY", "k1").events(true).start().await;
//! # let client = fake.client_builder().build()?;
//! # let project_id = fake.project_id();
//!
//! let mut subscriber = client.events().subscribe(&Subscribe::new(project_id, "prod").recursive(true)).await?;
//! # fake.set_secret("prod", "/", "API_KEY", "k2");
//! while let Some(notice) = subscriber.next().await {
//!     match notice {
//!         PushNotice::Changed(event) => println!("{event}: load again"), // names only
//!         PushNotice::Resync => println!("load everything again"),
//!         PushNotice::State(PushState::Unavailable(reason)) => println!("polling only: {reason}"),
//!         PushNotice::State(state) => println!("push {state}"),
//!         _ => {}
//!     }
//!     # if subscriber.state().is_connected() { break }
//! }
//! # Ok::<(), infisical_config::Error>(()) }).unwrap();
//! ```

mod decode;
mod model;
mod reconnect;
mod registry;
mod sse;
mod stream;

pub use model::{EventKind, PushNotice, PushState, PushUnavailable, SecretEvent};

#[cfg(feature = "fuzzing")]
pub(crate) use decode::decode;
#[cfg(feature = "fuzzing")]
pub(crate) use sse::SseParser;

use std::time::Duration;

use crate::Client;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::resources::{ProjectRef, normalize_path, require};

/// A subscription to a project's secret changes in one environment: its folders, and how the stream
/// behaves.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::events::Subscribe;
///
/// let subscription = Subscribe::new("my-project", "prod")
///     .paths(["/app", "/shared"])
///     .recursive(true)
///     .retry_unavailable(Duration::from_secs(300));
/// # let _ = subscription;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Subscribe {
    project: ProjectRef,
    environment: String,
    paths: Vec<String>,
    recursive: bool,
    clock: Clock,
    silence: Duration,
    retry_unavailable: Duration,
}

impl Subscribe {
    /// Changes in `environment` (its slug) of `project` (an id or a slug), at the root folder until
    /// [`path`](Self::path) says otherwise.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().folder("dev", "/").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::events::Subscribe;
    ///
    /// // The project by its slug (or its id), the environment by its slug.
    /// let subscriber = client.events().subscribe(&Subscribe::new("fake-project", "dev")).await?;
    /// assert_eq!(subscriber.project_id(), fake.project_id());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        Subscribe {
            project: project.into(),
            environment: environment.into(),
            paths: vec!["/".to_owned()],
            recursive: false,
            clock: Clock::system(),
            silence: reconnect::SILENCE,
            retry_unavailable: reconnect::RETRY_UNAVAILABLE,
        }
    }

    /// Changes in this folder (default `/`). Replaces the folders given so far.
    ///
    /// ```
    /// let subscription = infisical_config::events::Subscribe::new("my-project", "prod").path("/app");
    /// # let _ = subscription;
    /// ```
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.paths = vec![path.into()];
        self
    }

    /// Changes in these folders.
    ///
    /// ```
    /// let subscription = infisical_config::events::Subscribe::new("my-project", "prod").paths(["/app", "/db"]);
    /// # let _ = subscription;
    /// ```
    pub fn paths<I, S>(mut self, paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.paths = paths.into_iter().map(Into::into).collect();
        self
    }

    crate::setters::setters! {
        /// Changes in sub-folders too (default false).
        ///
        /// ```
        /// let subscription = infisical_config::events::Subscribe::new("my-project", "prod").recursive(true);
        /// # let _ = subscription;
        /// ```
        recursive(yes: bool) => recursive = yes;

        /// The clock the stream's waits run on (reconnect backoff, silence, the retry after a refusal):
        /// the system's by default, a [`ManualClock`](crate::testing::ManualClock)'s in tests.
        ///
        /// ```
        /// use infisical_config::clock::Clock;
        ///
        /// let subscription = infisical_config::events::Subscribe::new("my-project", "prod").clock(Clock::system());
        /// # let _ = subscription;
        /// ```
        clock(clock: Clock) => clock = clock;

        /// How long a connection may stay silent before it is taken for dead and replaced (default
        /// 45 s; the server pings every 15 s).
        ///
        /// ```
        /// use std::time::Duration;
        ///
        /// let subscription =
        ///     infisical_config::events::Subscribe::new("my-project", "prod").silence_timeout(Duration::from_secs(60));
        /// # let _ = subscription;
        /// ```
        silence_timeout(timeout: Duration) => silence = timeout;

        /// How long push stays off after the server refused the stream, before it is tried again
        /// (default 10 minutes, the Infisical CLI's polling fallback).
        ///
        /// ```
        /// use std::time::Duration;
        ///
        /// let subscription =
        ///     infisical_config::events::Subscribe::new("my-project", "prod").retry_unavailable(Duration::from_secs(3600));
        /// # let _ = subscription;
        /// ```
        retry_unavailable(wait: Duration) => retry_unavailable = wait;
    }

    fn interest(&self) -> Result<registry::Interest> {
        self.project.validate()?;
        require("environment", &self.environment)?;
        if self.paths.is_empty() {
            return Err(Error::invalid("paths", "is empty: give at least one folder"));
        }
        if self.silence.is_zero() {
            return Err(Error::invalid("silence_timeout", "is zero"));
        }
        let mut paths: Vec<String> = self.paths.iter().map(|p| normalize_path(p)).collect();
        paths.sort_unstable();
        paths.dedup();
        Ok(registry::Interest { environment: self.environment.trim().to_owned(), paths, recursive: self.recursive })
    }
}

/// Event subscriptions, from [`Client::events`].
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
/// # let client = fake.client_builder().build()?;
/// let subscriber = client.events().subscribe(&infisical_config::events::Subscribe::new(fake.project_id(), "dev")).await?;
/// # let _ = subscriber;
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Events<'c> {
    client: &'c Client,
}

impl Client {
    /// Event subscriptions: push of secret changes (feature `push`; servers since about July 2025
    /// with an Enterprise licence).
    ///
    /// ```
    /// # let client = infisical_config::Client::builder().site("https://infisical.example").cli_login(false).build().unwrap();
    /// let events = client.events();
    /// # let _ = events;
    /// ```
    pub fn events(&self) -> Events<'_> {
        Events { client: self }
    }
}

impl Events<'_> {
    /// Subscribes to the changes `subscription` names, joining the project's stream or opening it.
    ///
    /// Returns at once: the stream connects in the background, and the subscriber's first notice is
    /// its state. A server that refuses the stream is not an error (see [`PushUnavailable`]).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty project, environment or folder list; a project slug is
    /// turned into its id first, with that request's errors (an unknown slug is [`Error::Api`] 404).
    ///
    /// # Panics
    /// Outside a tokio runtime: the stream runs as a tokio task.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, PushState, Subscribe};
    ///
    /// let fake = infisical_config::testing::FakeInfisical::builder().folder("dev", "/").start().await; // no event route
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "dev")).await?;
    /// while !matches!(subscriber.state(), PushState::Unavailable(_)) {
    ///     subscriber.next().await;
    /// }
    /// assert_eq!(subscriber.state().to_string(), "unavailable: the server has no event subscriptions (404: servers before about July 2025 lack the route)");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub async fn subscribe(&self, subscription: &Subscribe) -> Result<Subscriber> {
        let interest = subscription.interest()?;
        let project_id = self.client.project_id(&subscription.project).await?;
        let options = stream::Options {
            clock: subscription.clock.clone(),
            silence: subscription.silence,
            retry_unavailable: subscription.retry_unavailable,
        };
        Ok(registry::join(self.client, project_id, interest, options))
    }
}

/// One subscriber of a project's stream: the changes of its environment and folders, resyncs, and the
/// stream's state, in order. Dropping the last subscriber of a project closes the stream.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").events(true).start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::events::{PushNotice, PushState, Subscribe};
///
/// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "dev")).await?;
/// assert_eq!(subscriber.next().await, Some(PushNotice::State(PushState::Reconnecting)));
/// assert_eq!(subscriber.next().await, Some(PushNotice::State(PushState::Connected)));
/// assert_eq!(subscriber.next().await, Some(PushNotice::Resync));
/// assert_eq!(fake.open_event_streams(), 1);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
pub struct Subscriber {
    inner: registry::Membership,
}

impl Subscriber {
    /// The next notice: a change where this subscriber looks, a resync, or a new state. `None` once
    /// the stream's task has ended (its tokio runtime shut down).
    ///
    /// Cancel-safe: use it in `tokio::select!` beside a poll timer.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").events(true).start().await;
    /// # let client = fake.client_builder().build()?;
    /// # let mut subscriber = client.events().subscribe(&infisical_config::events::Subscribe::new(fake.project_id(), "dev")).await?;
    /// let first = subscriber.next().await;
    /// assert!(matches!(first, Some(infisical_config::events::PushNotice::State(_))));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub async fn next(&mut self) -> Option<PushNotice> {
        self.inner.next().await
    }

    /// The stream's state now.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").events(true).start().await;
    /// # let client = fake.client_builder().build()?;
    /// # let mut subscriber = client.events().subscribe(&infisical_config::events::Subscribe::new(fake.project_id(), "dev")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await;
    /// }
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn state(&self) -> PushState {
        self.inner.state()
    }

    /// The id of the project (a slug given to [`Subscribe::new`] is turned into it).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::testing::PROJECT_SLUG;
    ///
    /// let subscriber = client.events().subscribe(&infisical_config::events::Subscribe::new(PROJECT_SLUG, "dev")).await?;
    /// assert_eq!(subscriber.project_id(), fake.project_id());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn project_id(&self) -> &str {
        self.inner.project_id()
    }
}

impl std::fmt::Debug for Subscriber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscriber")
            .field("project_id", &self.inner.project_id())
            .field("interest", self.inner.interest())
            .field("state", &self.state())
            .finish()
    }
}
