//! The [`ClientBuilder`]'s other options: the site and environment, timeouts and retries, TLS, and
//! the token's lifecycle.

use std::path::PathBuf;
use std::time::Duration;

use super::ClientBuilder;
use super::http::CaSource;
use crate::EnvSource;
use crate::routes::ApiVersion;
use crate::transport::{RequestBudget, RetryPolicy};

impl ClientBuilder {
    crate::setters::setters! {
        /// The Infisical site, with its scheme (`https://infisical.example.com`, `http://127.0.0.1:8080`),
        /// with or without a trailing `/` or `/api`. A site without its scheme is an error at
        /// [`build`](Self::build) that says how to write it.
        ///
        /// When not set: `INFISICAL_URL`, then `INFISICAL_DOMAIN`, then `INFISICAL_API_URL`, then the
        /// `domain` of `.infisical.json`, then the site of the Infisical CLI login, else
        /// [`DEFAULT_SITE`](crate::DEFAULT_SITE), `https://app.infisical.com`.
        ///
        /// ```
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        /// # let env = || EnvSource::from_pairs::<_, String, String>([]);
        ///
        /// let client = Client::builder()
        ///     .site("http://127.0.0.1:8080/api")
        /// # .env_source(env())
        ///     .build()?;
        /// assert_eq!(client.site().as_str(), "http://127.0.0.1:8080/");
        ///
        /// let err = Client::builder()
        ///     .site("infisical.example.com")
        /// # .env_source(env())
        ///     .build()
        ///     .unwrap_err();
        /// assert!(err.to_string().contains("add the scheme: http://infisical.example.com or https://infisical.example.com"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        site(url: impl Into<String>) => site = Some(url.into());

        /// Reads environment variables, the home directory and the current directory from here instead of
        /// the process. Tests use this to stay away from the real environment.
        ///
        /// ```
        /// use infisical_config::{Client, EnvSource};
        ///
        /// let env = EnvSource::from_pairs([("INFISICAL_URL", "https://infisical.example.com")]);
        /// let client = Client::builder().env_source(env).build()?;
        /// assert_eq!(client.site().as_str(), "https://infisical.example.com/");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        env_source(env: EnvSource) => env = env;
    }

    crate::setters::setters! {
        /// How long connecting may take (default 10 s).
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        ///
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .connect_timeout(Duration::from_secs(3))
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        connect_timeout(timeout: Duration) => connect_timeout = timeout;

        /// How long one call may take in all (default 60 s): the login it may need, every attempt and every
        /// wait between attempts. A dead server cannot hold a call longer than this; the error then says
        /// how long it waited and how many attempts it made. (The AWS SDK calls this the operation timeout.)
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        ///
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .timeout(Duration::from_secs(15)) // a start-up that must not hang
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        timeout(timeout: Duration) => timeout = timeout;

        /// How long one attempt may take, connect to end of body (default 30 s, and never past the call's
        /// [`timeout`](Self::timeout)). A timed-out read is retried as the [`RetryPolicy`] allows.
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        ///
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .attempt_timeout(Duration::from_secs(5))
        ///     .timeout(Duration::from_secs(20)) // room for a few attempts
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        attempt_timeout(timeout: Duration) => attempt_timeout = timeout;

        /// How failed requests are retried.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use infisical_config::testing::FakeInfisical;
        /// use std::time::Duration;
        /// use infisical_config::RetryPolicy;
        ///
        /// let fake = FakeInfisical::builder().start().await;
        /// fake.set_unavailable(true); // every answer is a 503
        /// let client = fake.client_builder()
        ///     .retry(RetryPolicy::default().max_retries(2).initial_backoff(Duration::from_millis(10)))
        ///     .build()?;
        /// let err = client.authenticate().await.unwrap_err();
        /// assert!(err.is_unavailable());
        /// assert_eq!(fake.requests().await, 3); // the first attempt and two retries
        /// println!("{err}");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        retry(policy: RetryPolicy) => retry = policy;
    }

    /// Spends at most this budget of requests: every attempt (logins, retries and revalidations
    /// included) takes one of its tokens, waiting for one within the call's [`timeout`](Self::timeout).
    /// Give clones of one budget to several clients to share it. Without one, only the server's
    /// `429`s slow the client down (each holds every request of the client until the server's time).
    ///
    /// ```
    /// use infisical_config::{Client, RequestBudget};
    ///
    /// let client = Client::builder()
    ///     .site("https://eu.infisical.com")
    ///     .request_budget(RequestBudget::per_minute(60))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn request_budget(mut self, budget: RequestBudget) -> Self {
        self.request_budget = Some(budget);
        self
    }

    /// Adds a header to every request. `INFISICAL_CUSTOM_HEADERS="K1=v1 K2=v2"` adds more (a value with
    /// spaces in double quotes: `K3="two words"`).
    ///
    /// ```
    /// use infisical_config::{Client, Error};
    /// # use infisical_config::EnvSource;
    /// # let env = || EnvSource::from_pairs::<_, String, String>([]);
    ///
    /// let client = Client::builder()
    ///     .site("https://infisical.internal.example")
    ///     .header("cf-access-client-id", "abc.access")
    /// # .env_source(env())
    ///     .build()?;
    /// # let _ = client;
    ///
    /// // A value HTTP cannot carry is refused before any request is sent.
    /// let err = Client::builder()
    ///     .site("https://infisical.internal.example")
    ///     .header("x-team", "a\nb")
    /// # .env_source(env())
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(&err, Error::InvalidHeader { name } if name == "x-team"));
    /// println!("{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Trusts the certificates of this PEM (one or several) besides the platform's roots.
    /// `INFISICAL_SSL_CERTIFICATE` (PEM text) and `SSL_CERT_FILE` (a path) add more.
    ///
    /// ```
    /// use infisical_config::{Client, Error};
    /// # use infisical_config::EnvSource;
    ///
    /// // Usually `std::fs::read("corp-root-ca.pem")?` or an embedded `include_bytes!`; a PEM without a
    /// // certificate is refused by `build`.
    /// let err = Client::builder()
    ///     .site("https://infisical.internal.example")
    ///     .ca_certificate_pem("not a certificate")
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, Error::Config(_)));
    /// println!("{err}");
    /// ```
    pub fn ca_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_certificates.push(CaSource::Pem(pem.into()));
        self
    }

    /// Trusts the certificates of this PEM file besides the platform's roots. The file is read by
    /// [`build`](ClientBuilder::build).
    ///
    /// ```
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let err = Client::builder()
    ///     .site("https://infisical.internal.example")
    ///     .ca_certificate_file(dir.path().join("corp-root-ca.pem")) // not there
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("corp-root-ca.pem"));
    /// println!("{err}");
    /// ```
    pub fn ca_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_certificates.push(CaSource::File(path.into()));
        self
    }

    crate::setters::setters! {
        /// Turns off TLS certificate verification. Dangerous: anyone on the path can read your secrets.
        /// `INFISICAL_VERIFY_SSL=false` does the same; either way the client logs a warning.
        ///
        /// ```
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        ///
        /// // Only for a throwaway server with a self-signed certificate; prefer `ca_certificate_pem`.
        /// let client = Client::builder()
        ///     .site("https://localhost:8443")
        ///     .danger_accept_invalid_certs(true)
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        danger_accept_invalid_certs(accept: bool) => accept_invalid_certs = Some(accept);

        /// Follows redirects within the same origin (scheme, host and port), up to five. Off by default; a
        /// redirect to another origin is never followed, since it would carry the login body and the custom
        /// headers there.
        ///
        /// ```
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        ///
        /// let client = Client::builder()
        ///     .site("https://infisical.internal.example")
        ///     .follow_redirects(true) // a proxy that moves `/api` within the same origin
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        follow_redirects(follow: bool) => follow_redirects = follow;

        /// The largest response accepted, in bytes (default 64 MiB).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use infisical_config::testing::FakeInfisical;
        /// use infisical_config::resources::ListSecrets;
        /// use infisical_config::Error;
        /// use infisical_config::error::TransportErrorKind;
        ///
        /// let fake = FakeInfisical::builder().secret("dev", "/", "BIG", &"x".repeat(10_000)).start().await;
        /// let client = fake.client_builder().max_response_bytes(4096).build()?;
        /// let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await.unwrap_err();
        /// assert!(matches!(err, Error::Transport { kind: TransportErrorKind::ResponseTooLarge, .. }));
        /// println!("{err}");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        max_response_bytes(bytes: usize) => max_response_bytes = bytes;

        /// Appends to the user agent (`infisical-config/<version> <yours>`).
        ///
        /// ```
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        ///
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .user_agent_suffix("billing-service/2.3")
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        user_agent_suffix(suffix: impl Into<String>) => user_agent = Some(suffix.into());

        /// How long before a token's expiry it is refreshed (default: a tenth of its TTL, 5 s to 5 min,
        /// with jitter). Scheduled from the login's `expiresIn`.
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        ///
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .refresh_ahead(Duration::from_secs(120))
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        refresh_ahead(ahead: Duration) => refresh.ahead = Some(ahead);

        /// Whether to renew tokens (`/auth/token/renew`) before logging in again (default true).
        ///
        /// ```
        /// use infisical_config::Client;
        /// # use infisical_config::EnvSource;
        ///
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .renew_tokens(false) // an identity whose tokens are not renewable: log in again instead
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// # let _ = client;
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        renew_tokens(renew: bool) => refresh.renew = renew;

        /// Which API generation to use for secrets, folders and imports (default: detect).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use infisical_config::testing::FakeInfisical;
        /// use infisical_config::resources::{ApiVersion, ListSecrets};
        ///
        /// let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
        /// let client = fake.client_builder().api_version(ApiVersion::Legacy).build()?;
        /// client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await?;
        /// assert!(fake.request_log().await.contains(&"GET /api/v3/secrets/raw".to_owned()));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        api_version(version: ApiVersion) => api_version = version;
    }
}
