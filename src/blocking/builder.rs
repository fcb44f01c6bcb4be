//! The blocking client's builder: the async builder's options, passed through.

use super::Client;
use crate::error::Result;

/// Builds a blocking [`Client`]: the async [`crate::ClientBuilder`]'s options, the same defaults, and
/// a [`build`](Self::build) that wraps the async client in a private runtime. Nothing here touches the
/// network; what is not set is read from the environment or has a sane default.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::RetryPolicy;
/// use infisical_config::blocking::Client;
///
/// let client = Client::builder()
/// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
///     .site("https://infisical.internal.example")
///     .universal_auth("client-id", "client-secret")
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_retries(5))
///     .build()?;
/// assert_eq!(client.site().as_str(), "https://infisical.internal.example/");
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder(pub(super) crate::ClientBuilder);

impl From<crate::ClientBuilder> for ClientBuilder {
    fn from(builder: crate::ClientBuilder) -> Self {
        ClientBuilder(builder)
    }
}

pass_through! {
    /// The Infisical site, with its scheme (`https://infisical.example.com`), with or without a trailing
    /// `/` or `/api`. When not set: `INFISICAL_URL` and its kin, the project file, the CLI login, else
    /// `https://app.infisical.com`. See [`crate::ClientBuilder::site`].
    ///
    /// ```
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://eu.infisical.com")
    ///     .build()?;
    /// assert_eq!(client.site().as_str(), "https://eu.infisical.com/");
    ///
    /// // Without its scheme, `build` says how to write it.
    /// let err = infisical_config::blocking::Client::builder().site("eu.infisical.com").build().unwrap_err();
    /// assert!(matches!(err, infisical_config::Error::Config(_)), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    site(url: impl Into<String>);

    /// Reads environment variables, the home directory and the current directory from here instead of
    /// the process: tests use it to stay away from the real environment. See
    /// [`crate::ClientBuilder::env_source`].
    ///
    /// ```
    /// use infisical_config::EnvSource;
    ///
    /// let env = EnvSource::from_pairs([("INFISICAL_URL", "https://eu.infisical.com")]);
    /// let client = infisical_config::blocking::Client::builder().env_source(env).build()?;
    /// assert_eq!(client.site().as_str(), "https://eu.infisical.com/");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    env_source(env: crate::EnvSource);

    /// How long connecting may take (default 10 s). See [`crate::ClientBuilder::connect_timeout`].
    ///
    /// ```
    /// use std::time::Duration;
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .connect_timeout(Duration::from_secs(2))
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    connect_timeout(timeout: std::time::Duration);

    /// How long one call may take in all (default 60 s): the login it may need, every attempt and
    /// every wait between attempts. See [`crate::ClientBuilder::timeout`].
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .timeout(Duration::from_secs(1))
    ///     .build()?;
    /// # fake.set_unavailable(true);
    /// // The server is down: the call gives up within its second, retries included.
    /// let started = Instant::now();
    /// let err = client.authenticate().unwrap_err();
    /// assert!(err.is_unavailable(), "{err}");
    /// assert!(started.elapsed() < Duration::from_secs(10));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    timeout(timeout: std::time::Duration);

    /// How long one attempt may take, connect to end of body (default 30 s, and never past the call's
    /// [`timeout`](Self::timeout)). See [`crate::ClientBuilder::attempt_timeout`].
    ///
    /// ```
    /// use std::time::Duration;
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .attempt_timeout(Duration::from_secs(5))
    ///     .timeout(Duration::from_secs(20))
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    attempt_timeout(timeout: std::time::Duration);

    /// How failed requests are retried (default: 3 retries, backing off from 250 ms). See
    /// [`crate::ClientBuilder::retry`].
    ///
    /// ```
    /// use infisical_config::RetryPolicy;
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .retry(RetryPolicy::disabled())
    ///     .build()?;
    /// fake.set_unavailable(true); // every request answered 503
    /// let err = client.authenticate().unwrap_err();
    /// assert!(err.is_unavailable(), "{err}");
    /// # let rt = tokio::runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(fake.requests()), 1); // no retry
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    retry(policy: crate::RetryPolicy);

    /// Spends at most this budget of requests (logins, retries and revalidations included); share
    /// clones of one budget between clients. See [`crate::ClientBuilder::request_budget`].
    ///
    /// ```
    /// use infisical_config::RequestBudget;
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// let budget = RequestBudget::per_minute(60);
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .request_budget(budget.clone())
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    request_budget(budget: crate::RequestBudget);

    /// Adds a header to every request (an access proxy's, say). See [`crate::ClientBuilder::header`].
    ///
    /// ```
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .header("cf-access-client-id", "abc.access")
    ///     .build()?;
    /// client.authenticate()?;
    ///
    /// // A value HTTP cannot carry is refused before anything is sent.
    /// let err = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .header("x-team", "a\nb")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, infisical_config::Error::InvalidHeader { .. }), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    header(name: impl Into<String>, value: impl Into<String>);

    /// Trusts the certificates of this PEM besides the platform's roots (a company CA). See
    /// [`crate::ClientBuilder::ca_certificate_pem`].
    ///
    /// ```
    /// # let company_ca = rcgen::generate_simple_self_signed(vec!["ca.internal".to_owned()]).unwrap().cert.pem();
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://infisical.internal.example")
    ///     .ca_certificate_pem(company_ca)
    ///     .build()?;
    /// # let _ = client;
    ///
    /// let err = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://infisical.internal.example")
    ///     .ca_certificate_pem("not a certificate")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, infisical_config::Error::Config(_)), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ca_certificate_pem(pem: impl Into<Vec<u8>>);

    /// Trusts the certificates of this PEM file besides the platform's roots; [`build`](Self::build)
    /// reads it. See [`crate::ClientBuilder::ca_certificate_file`].
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # let path = dir.path().join("company-ca.pem");
    /// # std::fs::write(&path, rcgen::generate_simple_self_signed(vec!["ca.internal".to_owned()]).unwrap().cert.pem()).unwrap();
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://infisical.internal.example")
    ///     .ca_certificate_file(&path)
    ///     .build()?;
    /// # let _ = client;
    ///
    /// let missing = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://infisical.internal.example")
    ///     .ca_certificate_file(dir.path().join("missing.pem"))
    ///     .build();
    /// assert!(missing.is_err());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ca_certificate_file(path: impl Into<std::path::PathBuf>);

    /// Turns off TLS certificate verification. Dangerous: anyone on the path can read your secrets;
    /// the client logs a warning. For a developer's machine only. See
    /// [`crate::ClientBuilder::danger_accept_invalid_certs`].
    ///
    /// ```
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://localhost:8443")
    ///     .danger_accept_invalid_certs(cfg!(debug_assertions))
    ///     .build()?;
    /// assert_eq!(client.site().port(), Some(8443));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    danger_accept_invalid_certs(accept: bool);

    /// Follows redirects within the same origin, up to five (off by default; another origin is never
    /// followed). See [`crate::ClientBuilder::follow_redirects`].
    ///
    /// ```
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .follow_redirects(true)
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    follow_redirects(follow: bool);

    /// The largest response accepted, in bytes (default 64 MiB); a larger one is an error, not an
    /// out-of-memory. See [`crate::ClientBuilder::max_response_bytes`].
    ///
    /// ```
    /// use infisical_config::Error;
    /// use infisical_config::error::TransportErrorKind;
    /// use infisical_config::resources::ListSecrets;
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "CERT", &"x".repeat(4096)).start_blocking();
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .max_response_bytes(1024)
    ///     .build()?;
    /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).unwrap_err();
    /// assert!(matches!(err, Error::Transport { kind: TransportErrorKind::ResponseTooLarge, .. }), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    max_response_bytes(bytes: usize);

    /// Appends to the user agent (`infisical-config/<version> <yours>`), so the server's logs say
    /// which program called. See [`crate::ClientBuilder::user_agent_suffix`].
    ///
    /// ```
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .user_agent_suffix("billing-worker/2.1")
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    user_agent_suffix(suffix: impl Into<String>);

    /// How long before a token's expiry it is refreshed (default: a tenth of its TTL, 5 s to 5 min).
    /// See [`crate::ClientBuilder::refresh_ahead`].
    ///
    /// ```
    /// use std::time::Duration;
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .refresh_ahead(Duration::from_secs(60))
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    refresh_ahead(ahead: std::time::Duration);

    /// Whether to renew tokens (`/auth/token/renew`) before logging in again (default true). See
    /// [`crate::ClientBuilder::renew_tokens`].
    ///
    /// ```
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .renew_tokens(false) // always a fresh login
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    renew_tokens(renew: bool);

    /// Which API generation to use for secrets, folders and imports (default: detect, on the first
    /// "route not found"). Pin [`Legacy`](crate::resources::ApiVersion::Legacy) for a server of 2024
    /// to save that first request. See [`crate::ClientBuilder::api_version`].
    ///
    /// ```
    /// use infisical_config::resources::{ApiVersion, ListSecrets};
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start_blocking();
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .api_version(ApiVersion::Legacy)
    ///     .build()?;
    /// client.secrets().list(&ListSecrets::new(fake.project_id(), "dev"))?;
    /// # let rt = tokio::runtime::Runtime::new().unwrap();
    /// assert!(rt.block_on(fake.request_log()).contains(&"GET /api/v3/secrets/raw".to_owned()));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    api_version(version: crate::resources::ApiVersion);
}

impl ClientBuilder {
    /// Builds the blocking client and starts its runtime. No network access happens here.
    ///
    /// ```
    /// use infisical_config::Error;
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// let client = fake.blocking_client_builder().build()?;
    /// client.authenticate()?;
    ///
    /// let err = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .access_token("a-token")
    ///     .universal_auth("client-id", "client-secret")
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::Credentials(_)), "{err}"); // two kinds of credentials
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`crate::ClientBuilder::build`]: [`Error::Config`](crate::Error::Config) for a bad site URL or
    /// CA certificate, [`Error::InvalidHeader`](crate::Error::InvalidHeader) for a header that cannot
    /// be sent, [`Error::File`](crate::Error::File) for an unreadable project file,
    /// [`Error::Credentials`](crate::Error::Credentials) when credentials of two kinds were given; and
    /// [`Error::Local`](crate::Error::Local) when the client's runtime cannot start.
    pub fn build(self) -> Result<Client> {
        Client::wrap(self.0.build()?)
    }
}
