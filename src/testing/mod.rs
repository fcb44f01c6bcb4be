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

mod cli_login;
mod clock;
#[cfg(feature = "push")]
mod events;
mod leases;
mod server;
mod traffic;

pub use cli_login::FakeCliLogin;
pub use clock::ManualClock;
#[cfg(feature = "push")]
pub use events::Refusal;
pub use leases::{DynamicSecretSpec, FakeLease, FakeLeaseState, LeaseCounts};
use server::{Responder, Seeded, State};
use traffic::{Metered, RateLimit, Traffic};

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::{Mock, MockServer};

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

/// Seeds and starts a [`FakeInfisical`]: its secrets, folders and imports, how old a server it plays,
/// its clock, its rate limit, its dynamic secrets and event stream. Start it with
/// [`start`](Self::start) in an async test, [`start_blocking`](Self::start_blocking) in a plain one.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use infisical_config::resources::ListSecrets;
/// use infisical_config::testing::{FakeInfisical, FakeInfisicalBuilder};
///
/// let builder: FakeInfisicalBuilder = FakeInfisical::builder()
///     .secret("dev", "/", "PORT", "8080")
///     .folder("dev", "/empty")
///     .legacy_only(true); // a server of 2024
/// let fake = builder.start().await;
/// let client = fake.client_builder().build()?;
/// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
/// assert_eq!(list.secrets[0].key, "PORT");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct FakeInfisicalBuilder {
    state: State,
    rate_limit: Option<RateLimit>,
    #[cfg(feature = "push")]
    events: Option<events::Config>,
}

impl FakeInfisicalBuilder {
    /// Adds secret `key` = `value` in `environment`, folder `path` (creating both).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/db", "PASSWORD", "hunter2").start().await;
    /// let client = fake.client_builder().build()?;
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/db")).await?;
    /// assert_eq!(list.secrets[0].key, "PASSWORD");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn secret(mut self, environment: &str, path: &str, key: &str, value: &str) -> Self {
        self.push(
            environment,
            path,
            Seeded { key: key.into(), value: value.into(), comment: String::new(), tags: Vec::new() },
        );
        self
    }

    /// Adds a secret carrying tags (slugs), for tag-filter tests.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder()
    ///     .tagged_secret("dev", "/", "PORT", "8080", &["backend"])
    ///     .tagged_secret("dev", "/", "CDN_URL", "https://cdn.example", &["frontend"])
    ///     .start()
    ///     .await;
    /// let client = fake.client_builder().build()?;
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").tags(["backend"])).await?;
    /// assert_eq!(list.secrets.len(), 1);
    /// assert_eq!(list.secrets[0].key, "PORT");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn tagged_secret(mut self, environment: &str, path: &str, key: &str, value: &str, tags: &[&str]) -> Self {
        let tags = tags.iter().map(|t| (*t).to_owned()).collect();
        self.push(environment, path, Seeded { key: key.into(), value: value.into(), comment: String::new(), tags });
        self
    }

    fn push(&mut self, environment: &str, path: &str, secret: Seeded) {
        let folder = crate::resources::normalize_path(path);
        self.state.folders.entry((environment.into(), folder)).or_default().push(secret);
    }

    /// Makes folder `environment`:`path` import the secrets of `from_environment`:`from_path`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder()
    ///     .secret("dev", "/", "PORT", "8080")
    ///     .secret("shared", "/", "SENTRY_DSN", "https://sentry.example")
    ///     .import("dev", "/", "shared", "/")
    ///     .start()
    ///     .await;
    /// let client = fake.client_builder().build()?;
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(list.imports[0].secrets[0].key, "SENTRY_DSN");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn import(mut self, environment: &str, path: &str, from_environment: &str, from_path: &str) -> Self {
        let to = (environment.to_owned(), crate::resources::normalize_path(path));
        self.state
            .imports
            .entry(to)
            .or_default()
            .push((from_environment.into(), crate::resources::normalize_path(from_path)));
        self
    }

    /// Behaves like a server of 2024: no v4 routes (they answer fastify's "Route ... not found"), and
    /// a list of an unknown environment or folder answers 200 with nothing (unless
    /// [`empty_for_unknown_targets`](Self::empty_for_unknown_targets) says otherwise).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").legacy_only(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
    /// assert_eq!(list.secrets.len(), 1); // through the v3 route, after the v4 one answered 404
    /// assert!(fake.request_log().await.iter().any(|r| r.starts_with("GET /api/v3/secrets/raw")));
    /// // It answers 200 and nothing for an unknown environment, as in 2024; the client finds out.
    /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "qa")).await.unwrap_err();
    /// assert!(err.is_not_found(), "{err}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn legacy_only(mut self, yes: bool) -> Self {
        self.state.legacy_only = yes;
        self
    }

    /// How a list of an environment or folder that does not exist is answered: `true`, 200 with
    /// nothing (servers of 2024); `false`, 404 (current servers). Default: as
    /// [`legacy_only`](Self::legacy_only).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").empty_for_unknown_targets(true).start().await;
    /// let client = fake.client_builder().build()?;
    /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/nowhere")).await.unwrap_err();
    /// assert!(err.is_not_found(), "{err}"); // the client asked which folders exist
    /// assert!(fake.request_log().await.iter().any(|r| r.contains("/folders")));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn empty_for_unknown_targets(mut self, yes: bool) -> Self {
        self.state.empty_for_unknown = Some(yes);
        self
    }

    /// Creates an empty folder (and its environment), so that it exists with no secret in it.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().folder("dev", "/empty").start().await;
    /// let client = fake.client_builder().build()?;
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/empty")).await?;
    /// assert!(list.secrets.is_empty());
    /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/nowhere")).await.unwrap_err();
    /// assert!(err.is_not_found(), "{err}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn folder(mut self, environment: &str, path: &str) -> Self {
        let folder = crate::resources::normalize_path(path);
        self.state.folders.entry((environment.into(), folder)).or_default();
        self
    }

    /// The clock its lease TTLs and expiries follow (default: the system's). Give it the test's
    /// [`ManualClock`] to move time for the server and the code under test together.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::resources::dynamic_secrets::{CreateLease, DynamicSecretFolder};
    /// use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, FakeLeaseState, ManualClock};
    ///
    /// let clock = ManualClock::new();
    /// let fake = FakeInfisical::builder()
    ///     .clock(&clock)
    ///     .dynamic_secret("dev", "/", "postgres", DynamicSecretSpec::new(Duration::from_secs(3600)))
    ///     .start()
    ///     .await;
    /// let client = fake.client_builder().build()?;
    /// let folder = DynamicSecretFolder::new(fake.project_id(), "dev");
    /// client.dynamic_secrets().create_lease(&CreateLease::new(folder, "postgres")).await?;
    /// clock.advance(Duration::from_secs(3601));
    /// assert_eq!(fake.leases()[0].state, FakeLeaseState::Expired);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn clock(mut self, clock: impl Into<crate::clock::Clock>) -> Self {
        self.state.clock = clock.into();
        self
    }

    /// The `expiresIn` and `accessTokenMaxTTL` its logins answer (default one hour and one day), for
    /// tests of token renewal.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// // A token of 5 s is renewed before the next request (5 s ahead of its expiry).
    /// let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").token_ttl(5, 60).start().await;
    /// let client = fake.client_builder().build()?;
    /// let list = ListSecrets::new(fake.project_id(), "dev");
    /// client.secrets().list(&list).await?;
    /// client.secrets().list(&list).await?;
    /// let log = fake.request_log().await;
    /// assert_eq!(log.iter().filter(|r| r.as_str() == "POST /api/v1/auth/token/renew").count(), 1, "{log:?}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn token_ttl(mut self, ttl_secs: u64, max_ttl_secs: u64) -> Self {
        self.state.token_ttl = ttl_secs;
        self.state.max_ttl = max_ttl_secs;
        self
    }

    /// Limits requests as Infisical Cloud does: at most `limit_per_window` requests a `window` (the
    /// cloud's window is 60 s) per client address, in fixed windows that start at an address's first
    /// request (`@fastify/rate-limit`'s). Every request counts, logins and `304`s included. Over the
    /// limit it answers the real server's `429`
    /// (`{"reqId":"req-…","statusCode":429,"message":"Rate limit exceeded. Please try again in N seconds","error":"RateLimitExceeded"}`
    /// with `retry-after`); every answer carries `x-ratelimit-limit`, `x-ratelimit-remaining` and
    /// `x-ratelimit-reset`. Its clients all come from 127.0.0.1, so they share one window, as a fleet
    /// behind one NAT address does (a request with `X-Forwarded-For` counts for the address it names).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use std::time::Duration;
    /// use infisical_config::RetryPolicy;
    /// use infisical_config::resources::ListSecrets;
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").rate_limit(2, Duration::from_secs(60)).start().await;
    /// let client = fake.client_builder().retry(RetryPolicy::disabled()).build()?;
    /// let list = ListSecrets::new(fake.project_id(), "dev");
    /// client.secrets().list(&list).await?; // the login and the list: the whole window
    /// let err = client.secrets().list(&list).await.unwrap_err();
    /// assert_eq!(err.status(), Some(429));
    /// assert_eq!(fake.rate_limited(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn rate_limit(mut self, limit_per_window: u32, window: Duration) -> Self {
        self.rate_limit = Some(RateLimit::new(limit_per_window, window));
        self
    }

    /// Starts the server, in an async test.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start().await;
    /// assert!(fake.uri().starts_with("http://127.0.0.1:"));
    /// # });
    /// ```
    pub async fn start(mut self) -> FakeInfisical {
        if self.state.token_ttl == 0 {
            self.state.token_ttl = 3600;
            self.state.max_ttl = 86_400;
        }
        // Not from wiremock's pool: a pooled server outlives its handle, and this one must stop (and
        // refuse connections) when dropped, for tests of outages.
        let server = MockServer::builder().start().await;
        let state = Arc::new(Mutex::new(self.state));
        let not_modified = Arc::new(AtomicUsize::new(0));
        let issued = Arc::new(AtomicUsize::new(0));
        let responder = Responder { state: state.clone(), issued: issued.clone(), not_modified: not_modified.clone() };
        let traffic = Arc::new(Traffic { limit: self.rate_limit, ..Traffic::default() });
        let metered = Metered { inner: responder, traffic: traffic.clone() };
        Mock::given(wiremock::matchers::any()).respond_with(metered).named("fake infisical").mount(&server).await;
        #[cfg(feature = "push")]
        let front = self.events.map(|config| {
            events::Front::start(config, server.uri(), state.clone(), issued)
                .expect("the fake's event front (a local listener and its thread) started")
        });
        #[cfg(not(feature = "push"))]
        let _ = issued;
        FakeInfisical {
            server,
            state,
            not_modified,
            traffic,
            #[cfg(feature = "push")]
            front,
        }
    }

    /// Starts the server from synchronous code (a plain `#[test]`, a sync `main`).
    ///
    /// ```
    /// use infisical_config::{EnvLoader, ExposeSecret};
    /// use infisical_config::testing::FakeInfisical;
    ///
    /// let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "8080").start_blocking();
    /// let client = fake.blocking_client_builder().build()?;
    /// let vars = EnvLoader::new(fake.project_id(), "dev").client(client).load()?;
    /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Panics
    /// When no thread or runtime can be started.
    pub fn start_blocking(self) -> FakeInfisical {
        // The server runs on its own thread, so a throwaway runtime can start it. Started on a helper
        // thread so this also works when called from inside a runtime.
        std::thread::scope(|s| {
            s.spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime to start the fake server")
                    .block_on(self.start())
            })
            .join()
            .expect("the fake server started")
        })
    }
}

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
