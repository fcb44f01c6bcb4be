//! A fake Infisical server for your tests (feature `testing`).
//!
//! It speaks Universal Auth login, renewal, the project lookup, and the v4 and v3 secret list and get
//! routes, from secrets you seed per environment and folder (imports and `${...}` references included),
//! and dynamic secrets with their leases ([`FakeInfisicalBuilder::dynamic_secret`]), whose expiry
//! follows the fake's clock ([`FakeInfisicalBuilder::clock`]).
//! It refuses as a real server does: an unknown client id (404) or a wrong client secret (401) at
//! login, an unknown project with the server's own 404 (`Project with ID '…' not found`), an unknown
//! environment or folder with 404 or, like servers of 2024, 200 and nothing.
//! Point a [`Client`](crate::Client) or the figment provider at it to test your typed configuration
//! without a real server. It is built on `wiremock` and runs on its own thread, so it works from async
//! and plain `#[test]`s alike.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use infisical_config::testing::FakeInfisical;
//! use infisical_config::resources::ListSecrets;
//!
//! let fake = FakeInfisical::builder()
//!     .secret("dev", "/", "DATABASE_URL", "postgres://localhost/app")
//!     .secret("dev", "/db", "PASSWORD", "hunter2")
//!     .start()
//!     .await;
//! let client = fake.client_builder().build()?;
//! let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").recursive(true)).await?;
//! assert_eq!(list.secrets.len(), 2);
//! assert_eq!(fake.requests().await, 2); // one login, one list
//! # Ok::<(), infisical_config::Error>(()) }).unwrap();
//! ```

mod builder;
mod cli_login;
mod clock;
#[cfg(feature = "push")]
mod events;
mod leases;
mod server;
mod traffic;

pub use builder::FakeInfisicalBuilder;
pub use cli_login::FakeCliLogin;
pub use clock::ManualClock;
#[cfg(feature = "push")]
pub use events::Refusal;
pub use leases::{DynamicSecretSpec, FakeLease, FakeLeaseState, LeaseCounts};
use server::{Seeded, State};
use traffic::Traffic;

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use wiremock::MockServer;

use crate::EnvSource;
use crate::{ClientBuilder, blocking};

/// The project id the fake server answers for by default.
pub const PROJECT_ID: &str = "6f1e0d3c-5b7a-4c2e-9d8f-0a1b2c3d4e5f";
/// The project slug the fake server answers for by default.
pub const PROJECT_SLUG: &str = "fake-project";
/// The Universal Auth client id the fake server accepts.
pub const CLIENT_ID: &str = "fake-client-id";
/// The Universal Auth client secret the fake server accepts.
pub const CLIENT_SECRET: &str = "fake-client-secret";

/// A running fake Infisical server. It stops when dropped.
///
/// Its list answers carry an `ETag` computed from the body and answer `304` with no body to a matching
/// `If-None-Match`, as the real server does; [`set_secret`](Self::set_secret) and
/// [`set_unavailable`](Self::set_unavailable) change it while it runs.
///
/// A test seeds it, points the code under test at it, and asserts on what the code got and on what
/// the fake saw:
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use infisical_config::resources::ListSecrets;
/// use infisical_config::testing::FakeInfisical;
///
/// // #[tokio::test]
/// // async fn reads_the_database_url() -> Result<(), infisical_config::Error> {
/// let fake = FakeInfisical::builder().secret("dev", "/", "DATABASE_URL", "postgres://db").start().await;
/// let client = fake.client_builder().build()?;
/// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
/// assert_eq!(list.secrets[0].key, "DATABASE_URL");
/// assert_eq!(fake.requests().await, 2); // the login, the list
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug)]
pub struct FakeInfisical {
    server: MockServer,
    state: Arc<Mutex<State>>,
    not_modified: Arc<AtomicUsize>,
    traffic: Arc<Traffic>,
    /// The event stream's front, which forwards everything else to `server`.
    #[cfg(feature = "push")]
    front: Option<events::Front>,
}

impl FakeInfisical {
    /// Starts seeding a fake server.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// assert_eq!(fake.requests().await, 0);
    /// # });
    /// ```
    pub fn builder() -> FakeInfisicalBuilder {
        FakeInfisicalBuilder::default()
    }

    /// Its address, `http://127.0.0.1:<port>`: the site for code that builds its own client.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::ClientBuilder;
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// assert!(fake.uri().starts_with("http://127.0.0.1:"));
    /// let client = ClientBuilder::default()
    ///     .site(fake.uri())
    ///     .universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    ///     .build()?;
    /// assert_eq!(client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?.secrets.len(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn uri(&self) -> String {
        #[cfg(feature = "push")]
        if let Some(front) = &self.front {
            return front.uri();
        }
        self.server.uri()
    }

    /// The id of its project ([`PROJECT_ID`]; its slug, [`PROJECT_SLUG`], names it too).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::{FakeInfisical, PROJECT_SLUG};
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// let client = fake.client_builder().build()?;
    /// let by_id = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// let by_slug = client.secrets().list(&ListSecrets::new(PROJECT_SLUG, "dev")).await?;
    /// assert_eq!(by_id.secrets[0].key, by_slug.secrets[0].key);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn project_id(&self) -> &'static str {
        PROJECT_ID
    }

    /// An async client builder aimed at this server with its credentials, and an empty environment (so
    /// the real one is neither read nor needed). Set anything else on it, as the code under test would.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::RetryPolicy;
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// let client = fake.client_builder().retry(RetryPolicy::disabled()).build()?;
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(list.secrets[0].key, "PORT");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn client_builder(&self) -> ClientBuilder {
        self.configure(ClientBuilder::default())
    }

    /// The same, for a blocking client (and the [`EnvLoader`](crate::EnvLoader), which takes one).
    ///
    /// ```
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start_blocking();
    /// let client = fake.blocking_client_builder().build()?;
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev"))?;
    /// assert_eq!(list.secrets[0].key, "PORT");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn blocking_client_builder(&self) -> blocking::ClientBuilder {
        self.configure(ClientBuilder::default()).into()
    }

    fn configure(&self, builder: ClientBuilder) -> ClientBuilder {
        builder
            .site(self.uri())
            .env_source(EnvSource::from_pairs::<_, String, String>([]))
            .cli_login(false)
            .universal_auth(CLIENT_ID, CLIENT_SECRET)
    }

    /// Sets secret `key` in `environment`, folder `path`, to `value` while the server runs (adding it
    /// when it is not there): the next list answer, and its `ETag`, change. With the event stream on
    /// (feature `push`), open streams get `secret:update` (or `secret:create`), names only.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::ExposeSecret;
    /// use infisical_config::resources::secrets::GetSecret;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// let client = fake.client_builder().build()?;
    /// let get = GetSecret::new(fake.project_id(), "dev", "PORT");
    /// fake.set_secret("dev", "/", "PORT", "9090"); // rotated while the service runs
    /// assert_eq!(client.secrets().get(&get).await?.value.expose_secret(), "9090");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn set_secret(&self, environment: &str, path: &str, key: &str, value: &str) {
        let folder = crate::resources::normalize_path(path);
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let secrets = state.folders.entry((environment.into(), folder.clone())).or_default();
        let kind = match secrets.iter_mut().find(|s| s.key == key) {
            Some(found) => {
                found.value = value.into();
                "secret:update"
            }
            None => {
                secrets.push(Seeded { key: key.into(), value: value.into(), comment: String::new(), tags: Vec::new() });
                "secret:create"
            }
        };
        drop(state);
        self.announce(kind, environment, &folder, key);
    }

    /// Removes secret `key` from `environment`, folder `path`, while the server runs (open event
    /// streams get `secret:delete`).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").secret("dev", "/", "HOST", "::").start().await;
    /// let client = fake.client_builder().build()?;
    /// fake.remove_secret("dev", "/", "HOST");
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(list.secrets.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["PORT"]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn remove_secret(&self, environment: &str, path: &str, key: &str) {
        let folder = crate::resources::normalize_path(path);
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(secrets) = state.folders.get_mut(&(environment.to_owned(), folder.clone())) else { return };
        let before = secrets.len();
        secrets.retain(|s| s.key != key);
        let removed = secrets.len() < before;
        drop(state);
        if removed {
            self.announce("secret:delete", environment, &folder, key);
        }
    }

    /// Tells the open event streams about a change (feature `push`). Names only.
    fn announce(&self, kind: &str, environment: &str, folder: &str, key: &str) {
        #[cfg(feature = "push")]
        if let Some(front) = &self.front {
            front.announce(kind, environment, folder, key);
        }
        #[cfg(not(feature = "push"))]
        let _ = (kind, environment, folder, key);
    }

    /// While `true`, answers every request `503 Service Unavailable`, as a server whose proxy lost it.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::RetryPolicy;
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// let client = fake.client_builder().retry(RetryPolicy::disabled()).build()?;
    /// let list = ListSecrets::new(fake.project_id(), "dev");
    /// fake.set_unavailable(true);
    /// let err = client.secrets().list(&list).await.unwrap_err();
    /// assert!(err.is_unavailable(), "{err}");
    /// fake.set_unavailable(false);
    /// assert_eq!(client.secrets().list(&list).await?.secrets.len(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn set_unavailable(&self, unavailable: bool) {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).unavailable = unavailable;
    }

    /// How many list requests it answered `304 Not Modified` (with no body).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::{Conditional, ListSecrets};
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// let client = fake.client_builder().build()?;
    /// let list = ListSecrets::new(fake.project_id(), "dev");
    /// let etag = client.secrets().list(&list).await?.etag.unwrap();
    /// let again = client.secrets().list_if_modified(&list, &etag).await?;
    /// assert!(matches!(again, Conditional::NotModified));
    /// assert_eq!(fake.not_modified(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn not_modified(&self) -> usize {
        self.not_modified.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many bytes of response bodies it has served (a `304` serves none): what revalidation saves.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::resources::ListSecrets;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    /// # let client = fake.client_builder().build()?;
    /// client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert!(fake.body_bytes() > 0);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn body_bytes(&self) -> u64 {
        self.traffic.body_bytes.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many requests it answered `429 Too Many Requests` (see
    /// [`FakeInfisicalBuilder::rate_limit`]).
    ///
    /// ```
    /// # let fake = infisical_config::testing::FakeInfisical::builder().start_blocking();
    /// assert_eq!(fake.rate_limited(), 0); // no rate limit set
    /// ```
    #[must_use]
    pub fn rate_limited(&self) -> usize {
        self.traffic.rate_limited.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// When each request arrived, in order: to check how a fleet spreads its requests over time.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::resources::ListSecrets;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    /// # let client = fake.client_builder().build()?;
    /// let before = std::time::Instant::now();
    /// client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// let times = fake.request_times();
    /// assert_eq!(times.len(), 2); // the login, the list
    /// assert!(times.iter().all(|t| *t >= before));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn request_times(&self) -> Vec<Instant> {
        self.traffic.arrivals.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// How many requests it has answered.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// let client = fake.client_builder().build()?;
    /// let list = ListSecrets::new(fake.project_id(), "dev");
    /// client.secrets().list(&list).await?;
    /// client.secrets().list(&list).await?;
    /// assert_eq!(fake.requests().await, 3); // one login for both lists
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub async fn requests(&self) -> usize {
        #[cfg(feature = "push")]
        if let Some(front) = &self.front {
            return front.request_log().len();
        }
        self.server.received_requests().await.map_or(0, |r| r.len())
    }

    /// The method and path of every request it has answered, in order.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// let client = fake.client_builder().build()?;
    /// client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(fake.request_log().await, ["POST /api/v1/auth/universal-auth/login", "GET /api/v4/secrets"]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub async fn request_log(&self) -> Vec<String> {
        #[cfg(feature = "push")]
        if let Some(front) = &self.front {
            return front.request_log();
        }
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect()
    }
}
