//! The fake's event stream (features `testing` and `push`): its settings on the builder, and what a
//! test reads or changes while it runs. The [`front`] serves it.

mod front;

pub(super) use front::Front;

use std::time::Duration;

use super::{FakeInfisical, FakeInfisicalBuilder};

/// How the fake refuses an event subscription, as real servers do (see [`FakeInfisicalBuilder::events_refusal`]).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use infisical_config::events::{PushNotice, PushState, PushUnavailable, Subscribe};
/// use infisical_config::testing::{FakeInfisical, Refusal};
///
/// let fake = FakeInfisical::builder().events_refusal(Refusal::Plan).start().await;
/// let client = fake.client_builder().build()?;
/// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
/// let refused = loop {
///     match subscriber.next().await {
///         Some(PushNotice::State(PushState::Unavailable(reason))) => break reason,
///         Some(_) => continue,
///         None => panic!("the stream ended"),
///     }
/// };
/// assert_eq!(refused, PushUnavailable::NotLicensed);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// 404 "Route POST:/api/v1/events/subscribe/project-events not found": a server before about July
    /// 2025 (the answer recorded from a 2025-06 server).
    NotFound,
    /// 400 "Event subscriptions are not available on your current plan…": a server without an
    /// Enterprise licence.
    Plan,
    /// 403 `PermissionDenied`: an identity without the "Secret Events" permission.
    Forbidden,
}

/// The builder's settings of the event stream.
#[derive(Clone, Debug)]
pub(super) struct Config {
    refusal: Option<Refusal>,
    cap: Option<usize>,
    ping: Duration,
}

impl Default for Config {
    fn default() -> Self {
        // The server's `PING_INTERVAL`.
        Config { refusal: None, cap: None, ping: Duration::from_secs(15) }
    }
}

impl FakeInfisicalBuilder {
    fn events_config(&mut self) -> &mut Config {
        self.events.get_or_insert_with(Config::default)
    }

    /// Serves the event stream (`POST /api/v1/events/subscribe/project-events`) as a current server
    /// with an Enterprise licence does. A change made with [`FakeInfisical::set_secret`] or
    /// [`FakeInfisical::remove_secret`] is sent at once to the open streams that registered it.
    /// Without it the route does not exist (404, as on servers before about July 2025).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, Subscribe};
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("prod", "/", "API_KEY", "k1").events(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// fake.set_secret("prod", "/", "API_KEY", "k2");
    /// let event = loop {
    ///     match subscriber.next().await {
    ///         Some(PushNotice::Changed(event)) => break event,
    ///         Some(_) => continue,
    ///         None => panic!("the stream ended"),
    ///     }
    /// };
    /// assert_eq!(event.to_string(), "secret:update in prod:/ (API_KEY)");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn events(mut self, yes: bool) -> Self {
        if yes {
            self.events_config();
        } else {
            self.events = None;
        }
        self
    }

    /// Serves the event route, and refuses every subscription as `refusal` says (implies
    /// [`events`](Self::events)). [`FakeInfisical::set_events_refusal`] changes it while it runs.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, PushState, PushUnavailable, Subscribe};
    /// use infisical_config::testing::{FakeInfisical, Refusal};
    ///
    /// let fake = FakeInfisical::builder().events_refusal(Refusal::Forbidden).start().await;
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// let refused = loop {
    ///     match subscriber.next().await {
    ///         Some(PushNotice::State(PushState::Unavailable(reason))) => break reason,
    ///         Some(_) => continue,
    ///         None => panic!("the stream ended"),
    ///     }
    /// };
    /// assert_eq!(refused, PushUnavailable::Forbidden);
    /// assert_eq!(fake.open_event_streams(), 0);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn events_refusal(mut self, refusal: Refusal) -> Self {
        self.events_config().refusal = Some(refusal);
        self
    }

    /// Allows `n` streams open at once for the project, as the server's cap does (100 today): the
    /// next one is refused with the server's `429` (implies [`events`](Self::events)).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, PushState, PushUnavailable, Subscribe};
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().event_stream_cap(0).start().await; // the project is full
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// let refused = loop {
    ///     match subscriber.next().await {
    ///         Some(PushNotice::State(PushState::Unavailable(reason))) => break reason,
    ///         Some(_) => continue,
    ///         None => panic!("the stream ended"),
    ///     }
    /// };
    /// assert_eq!(refused, PushUnavailable::StreamLimit);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn event_stream_cap(mut self, n: usize) -> Self {
        self.events_config().cap = Some(n);
        self
    }

    /// How often open streams get `event: ping` (default 15 s, as the server; real time). Implies
    /// [`events`](Self::events).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::events::Subscribe;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().event_ping_interval(Duration::from_millis(20)).start().await;
    /// let client = fake.client_builder().build()?;
    /// // A stream silent for a second is taken for dead; the pings keep this one alive.
    /// let subscription = Subscribe::new(fake.project_id(), "prod").silence_timeout(Duration::from_secs(1));
    /// let mut subscriber = client.events().subscribe(&subscription).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// tokio::time::sleep(Duration::from_millis(1500)).await;
    /// assert!(subscriber.state().is_connected());
    /// assert_eq!(fake.event_streams_opened(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn event_ping_interval(mut self, every: Duration) -> Self {
        self.events_config().ping = every.max(Duration::from_millis(1));
        self
    }
}

impl FakeInfisical {
    /// How many event streams are open now.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::Subscribe;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().events(true).start().await;
    /// assert_eq!(fake.open_event_streams(), 0);
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// assert_eq!(fake.open_event_streams(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn open_event_streams(&self) -> usize {
        self.front.as_ref().map_or(0, Front::open_streams)
    }

    /// How many event streams it has opened since it started (reconnections included).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::Subscribe;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().events(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// assert_eq!(fake.event_streams_opened(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn event_streams_opened(&self) -> usize {
        self.front.as_ref().map_or(0, Front::opened)
    }

    /// Ends every open event stream, as a dropped connection (a restart, a proxy's idle timeout) does.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::events::{PushNotice, PushState, Subscribe};
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().events(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await?;
    /// while !subscriber.state().is_connected() {
    ///     subscriber.next().await.expect("the stream runs");
    /// }
    /// fake.drop_event_streams();
    /// assert_eq!(fake.open_event_streams(), 0);
    /// loop {
    ///     match subscriber.next().await {
    ///         Some(PushNotice::State(PushState::Reconnecting)) => break, // it will connect again
    ///         Some(_) => continue,
    ///         None => panic!("the stream ended"),
    ///     }
    /// }
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn drop_event_streams(&self) {
        if let Some(front) = &self.front {
            front.drop_streams();
        }
    }

    /// Changes how subscriptions are refused while it runs (`None`: accepted). Open streams stay open.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::testing::{FakeInfisical, Refusal};
    ///
    /// let fake = FakeInfisical::builder().events_refusal(Refusal::Plan).start().await;
    /// fake.set_events_refusal(None); // the licence arrived
    /// assert_eq!(fake.open_event_streams(), 0); // until a subscriber tries again
    /// # });
    /// ```
    pub fn set_events_refusal(&self, refusal: Option<Refusal>) {
        if let Some(front) = &self.front {
            front.set_refusal(refusal);
        }
    }
}
