//! Seeding and starting the fake: [`FakeInfisicalBuilder`].

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wiremock::{Mock, MockServer};

use super::FakeInfisical;
#[cfg(feature = "push")]
use super::events;
use super::server::{Responder, Seeded, State};
use super::traffic::{Metered, RateLimit, Traffic};

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
    pub(super) state: State,
    rate_limit: Option<RateLimit>,
    #[cfg(feature = "push")]
    pub(super) events: Option<events::Config>,
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
    /// [`ManualClock`](super::ManualClock) to move time for the server and the code under test
    /// together.
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
