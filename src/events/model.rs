//! What a subscriber is told: changes (names and paths, never values), resyncs, the stream's state.

use std::fmt;

/// Which change an event reports: the four events a subscription registers.
///
/// ```
/// use infisical_config::events::EventKind;
///
/// assert_eq!(EventKind::Updated.as_str(), "secret:update");
/// assert_eq!(EventKind::ImportChanged.to_string(), "secret:import-mutation");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EventKind {
    /// Secrets were created (`secret:create`).
    Created,
    /// Secrets were updated (`secret:update`).
    Updated,
    /// Secrets were deleted (`secret:delete`).
    Deleted,
    /// Something a folder imports changed (`secret:import-mutation`): the event names the importing
    /// folder and no secret.
    ImportChanged,
}

impl EventKind {
    /// Every kind, in the order a subscription registers them.
    pub(crate) const ALL: [EventKind; 4] =
        [EventKind::Created, EventKind::Updated, EventKind::Deleted, EventKind::ImportChanged];

    /// The server's name of the event.
    ///
    /// ```
    /// assert_eq!(infisical_config::events::EventKind::Deleted.as_str(), "secret:delete");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "secret:create",
            EventKind::Updated => "secret:update",
            EventKind::Deleted => "secret:delete",
            EventKind::ImportChanged => "secret:import-mutation",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A change to the secrets of one folder, as the server announced it.
///
/// Events carry names and paths only: the server sends no value and no version, and this type has no
/// place for one, so its `Debug` and `Display` show names, never values. Treat an event as a hint to
/// load the folder again, never as the new state.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use infisical_config::events::{PushNotice, Subscribe};
/// use infisical_config::testing::FakeInfisical;
///
/// let fake = FakeInfisical::builder().secret("dev", "/app", "DB_URL", "postgres://db").events(true).start().await;
/// let client = fake.client_builder().build()?;
/// let mut subscriber = client.events().subscribe(&Subscribe::new(fake.project_id(), "dev").path("/app")).await?;
/// while subscriber.state() != infisical_config::events::PushState::Connected {
///     subscriber.next().await;
/// }
/// fake.set_secret("dev", "/app", "DB_URL", "postgres://db-2");
/// let event = loop {
///     if let Some(PushNotice::Changed(event)) = subscriber.next().await {
///         break event;
///     }
/// };
/// assert_eq!((event.environment.as_str(), event.path.as_str()), ("dev", "/app"));
/// assert_eq!(event.keys, ["DB_URL"]);
/// assert_eq!(event.to_string(), "secret:update in dev:/app (DB_URL)");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretEvent {
    /// What changed.
    pub kind: EventKind,
    /// The environment's slug.
    pub environment: String,
    /// The folder, as `/app/db`.
    pub path: String,
    /// The names of the secrets that changed; empty for [`EventKind::ImportChanged`].
    pub keys: Vec<String>,
}

impl fmt::Display for SecretEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {}:{}", self.kind, self.environment, self.path)?;
        if !self.keys.is_empty() {
            write!(f, " ({})", self.keys.join(", "))?;
        }
        Ok(())
    }
}

/// The state of a project's event stream.
///
/// ```
/// use infisical_config::events::{PushState, PushUnavailable};
///
/// let state = PushState::Unavailable(PushUnavailable::NotLicensed);
/// assert!(!state.is_connected());
/// assert!(state.to_string().starts_with("unavailable: "));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushState {
    /// Not connected, trying to (the first time, or again after the connection was lost, with backoff).
    Reconnecting,
    /// Connected: changes arrive as they are made.
    Connected,
    /// The server refused the stream; push is off until the retry interval has passed
    /// ([`Subscribe::retry_unavailable`](super::Subscribe::retry_unavailable)). Keep polling.
    Unavailable(PushUnavailable),
}

impl PushState {
    /// Whether changes arrive as they are made.
    ///
    /// ```
    /// assert!(infisical_config::events::PushState::Connected.is_connected());
    /// ```
    #[must_use]
    pub fn is_connected(&self) -> bool {
        matches!(self, PushState::Connected)
    }
}

impl fmt::Display for PushState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushState::Reconnecting => f.write_str("connecting"),
            PushState::Connected => f.write_str("connected"),
            PushState::Unavailable(reason) => write!(f, "unavailable: {reason}"),
        }
    }
}

/// Why a server refused the event stream. None of these is an error: push is an optimisation, and
/// polling goes on without it.
///
/// ```
/// use infisical_config::events::PushUnavailable;
///
/// let reason = PushUnavailable::RouteNotFound;
/// assert!(reason.to_string().contains("July 2025"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushUnavailable {
    /// The server has no event-subscription route (404 "Route POST:… not found"): servers before
    /// about July 2025.
    RouteNotFound,
    /// The server's licence does not include event subscriptions (400): they are an Enterprise feature
    /// (Infisical Cloud's Enterprise tier, or a self-hosted server with an Enterprise licence).
    NotLicensed,
    /// The identity may not subscribe (403): it needs the project permission "Secret Events" with the
    /// subscribe action on the environment and path.
    Forbidden,
    /// The project has as many event streams open as it allows (429; 100 on current servers, for all
    /// identities together).
    StreamLimit,
    /// Another refusal (a 4xx answer the server gives no reason to expect will change soon).
    Rejected {
        /// The HTTP status.
        status: u16,
    },
}

impl fmt::Display for PushUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushUnavailable::RouteNotFound => f.write_str(
                "the server has no event subscriptions (404: servers before about July 2025 lack the route)",
            ),
            PushUnavailable::NotLicensed => f.write_str(
                "the server's plan does not include event subscriptions (400: an Enterprise licence, or Infisical \
                 Cloud's Enterprise tier, is needed)",
            ),
            PushUnavailable::Forbidden => f.write_str(
                "the identity may not subscribe to this project's events (403: give it the \"Secret Events\" \
                 permission with the subscribe action)",
            ),
            PushUnavailable::StreamLimit => {
                f.write_str("the project has as many event streams open as it allows (429: 100 on current servers)")
            }
            PushUnavailable::Rejected { status } => write!(f, "the server refused the event stream ({status})"),
        }
    }
}

/// What a [`Subscriber`](super::Subscriber) is told, in order.
///
/// ```
/// use infisical_config::events::PushNotice;
///
/// fn must_reload(notice: &PushNotice) -> bool {
///     matches!(notice, PushNotice::Changed(_) | PushNotice::Resync)
/// }
/// assert!(must_reload(&PushNotice::Resync));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushNotice {
    /// Secrets changed in a folder the subscriber looks at: load it again.
    Changed(SecretEvent),
    /// Changes may have been missed (the stream connected or reconnected, an event could not be read,
    /// or this subscriber fell behind): load everything again. The server keeps no events for a
    /// client that was away.
    Resync,
    /// The stream's state changed.
    State(PushState),
}
