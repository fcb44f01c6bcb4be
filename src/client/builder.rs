//! [`ClientBuilder`]: what a client needs, read from the builder, then the environment, then files.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::EnvSource;
use crate::auth::token_cache::{RefreshPolicy, Session};
use crate::auth::{
    AccessToken, ChainPosition, CliLogin, Credentials, CredentialsChain, CredentialsError, DefaultChainBuilder, KeyringReader,
    ProvideCredentials, UniversalAuth,
};
use crate::error::{Error, Result};
use crate::project_file::ProjectFile;
use crate::routes::ApiVersion;
use crate::routes::RouteChoice;
use crate::site::{self, SiteSource};
use crate::transport::{RequestBudget, RetryPolicy, Transport};

use super::http::CaSource;
use super::{Client, Inner};

/// Builds a [`Client`]; [`blocking::ClientBuilder`](crate::blocking::ClientBuilder) wraps it for the blocking one.
///
/// Nothing here touches the network. Everything not set is read from the environment (see each setter)
/// or has a sane default.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .site("https://infisical.internal.example")
///     .universal_auth("client-id", "client-secret")
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_retries(5))
///     .header("cf-access-client-id", "abc")
///     .build()?;
/// assert_eq!(client.site().as_str(), "https://infisical.internal.example/");
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    pub(super) site: Option<String>,
    pub(super) env: EnvSource,
    /// Credentials given in code, and the description of another kind given before them (a mistake
    /// reported by `build`).
    pub(super) explicit: Option<Credentials>,
    pub(super) explicit_clash: Option<(String, String)>,
    pub(super) env_credentials: bool,
    pub(super) cli_login: bool,
    pub(super) cli_keyring: Option<Arc<dyn KeyringReader>>,
    pub(super) custom: Vec<(ChainPosition, Cow<'static, str>, Arc<dyn ProvideCredentials>)>,
    pub(super) chain: Option<CredentialsChain>,
    pub(super) connect_timeout: Duration,
    pub(super) timeout: Duration,
    pub(super) attempt_timeout: Duration,
    pub(super) retry: RetryPolicy,
    pub(super) request_budget: Option<RequestBudget>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) ca_certificates: Vec<CaSource>,
    pub(super) accept_invalid_certs: Option<bool>,
    pub(super) follow_redirects: bool,
    pub(super) max_response_bytes: usize,
    pub(super) user_agent: Option<String>,
    pub(super) refresh: RefreshPolicy,
    pub(super) api_version: ApiVersion,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values may be credentials (Cloudflare Access and the like): names only.
        f.debug_struct("ClientBuilder")
            .field("site", &self.site)
            .field("explicit", &self.explicit)
            .field("headers", &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            site: None,
            env: EnvSource::process(),
            explicit: None,
            explicit_clash: None,
            env_credentials: true,
            cli_login: true,
            cli_keyring: None,
            custom: Vec::new(),
            chain: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            attempt_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            request_budget: None,
            headers: Vec::new(),
            ca_certificates: Vec::new(),
            accept_invalid_certs: None,
            follow_redirects: false,
            max_response_bytes: 64 * 1024 * 1024,
            user_agent: None,
            refresh: RefreshPolicy::default(),
            api_version: ApiVersion::Auto,
        }
    }
}

impl ClientBuilder {
    crate::setters::setters! {
        /// The Infisical site, with its scheme (`https://infisical.example.com`, `http://127.0.0.1:8080`),
        /// with or without a trailing `/` or `/api`. A site without its scheme is an error at
        /// [`build`](Self::build) that says how to write it.
        ///
        /// When not set: `INFISICAL_URL`, then `INFISICAL_DOMAIN`, then `INFISICAL_API_URL`, then the
        /// `domain` of `.infisical.json`, then the site of the Infisical CLI login, else
        /// `https://us.infisical.com`.
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

    /// Logs in with this Universal Auth pair (first in the credential chain).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{FakeInfisical, CLIENT_ID, CLIENT_SECRET};
    /// # use infisical_config::EnvSource;
    /// # let fake = FakeInfisical::builder().start().await;
    /// # let (client_id, client_secret) = (CLIENT_ID, CLIENT_SECRET.to_owned());
    /// use infisical_config::Client;
    ///
    /// let client = Client::builder()
    ///     .site(fake.uri())
    ///     .universal_auth(client_id, client_secret)
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// client.authenticate().await?; // logs in now
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn universal_auth(self, client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        self.credentials(Credentials::UniversalAuth(UniversalAuth::new(client_id, client_secret)))
    }

    /// Uses this access token (first in the credential chain). It cannot be refreshed; an expired one
    /// fails before any request.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::EnvSource;
    /// # let token = String::from("an-identity-access-token");
    /// use infisical_config::Client;
    ///
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com")
    ///     .access_token(token)
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// assert_eq!(client.explain_credentials().await.chosen(), Some("explicit"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn access_token(self, token: impl Into<SecretString>) -> Self {
        self.credentials(Credentials::AccessToken(AccessToken::new(token)))
    }

    /// Uses these credentials (first in the credential chain), whatever their kind: a Universal Auth
    /// pair scoped to a sub-organization, say (`Credentials::UniversalAuth(UniversalAuth::new(..).organization_slug(..))`),
    /// or a Kubernetes, AWS IAM, GCP, Azure, OIDC, JWT or LDAP login
    /// ([`IdentityLogin`](crate::auth::IdentityLogin)). Given twice, the later wins; two of different
    /// kinds are an error at [`build`](Self::build).
    ///
    /// ```
    /// use infisical_config::auth::{Credentials, IdentityLogin, UniversalAuth};
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    /// # let env = || EnvSource::from_pairs::<_, String, String>([]);
    ///
    /// let scoped = UniversalAuth::new("client-id", "client-secret").organization_slug("team-a");
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com")
    ///     .credentials(Credentials::UniversalAuth(scoped))
    /// # .env_source(env())
    ///     .build()?;
    /// # let _ = client;
    ///
    /// // Two kinds at once is a mistake, reported by `build`.
    /// let err = Client::builder()
    ///     .site("https://infisical.example.com")
    ///     .access_token("a-token")
    ///     .credentials(IdentityLogin::kubernetes("2b3c"))
    /// # .env_source(env())
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("choose one"));
    /// println!("{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        let credentials = credentials.into();
        if let Some(before) = &self.explicit
            && std::mem::discriminant(before) != std::mem::discriminant(&credentials)
        {
            self.explicit_clash = Some((before.describe(), credentials.describe()));
        }
        self.explicit = Some(credentials);
        self
    }

    crate::setters::setters! {
        /// Whether the chain reads credentials from environment variables (default true).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use infisical_config::{Client, EnvSource};
        ///
        /// let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "a-token")]);
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .env_source(env)
        ///     .env_credentials(false)
        ///     .build()?;
        /// let report = client.explain_credentials().await;
        /// assert_eq!(report.chosen(), None); // INFISICAL_TOKEN is not read
        /// assert!(report.attempts.iter().all(|a| a.provider != "environment"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        env_credentials(enabled: bool) => env_credentials = enabled;

        /// Whether the chain reuses the Infisical CLI's login (default true).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use infisical_config::{Client, EnvSource};
        /// use infisical_config::testing::FakeCliLogin;
        ///
        /// let home = tempfile::tempdir()?; // where `infisical login` left its files
        /// FakeCliLogin::new("dev@example.org", "a-user-token").site("https://infisical.example.com").write_file_vault(home.path())?;
        /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
        /// let builder = || Client::builder().site("https://infisical.example.com").env_source(env.clone());
        ///
        /// assert_eq!(builder().build()?.explain_credentials().await.chosen(), Some("infisical-cli"));
        /// assert_eq!(builder().cli_login(false).build()?.explain_credentials().await.chosen(), None);
        /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
        /// ```
        cli_login(enabled: bool) => cli_login = enabled;

        /// Reads the Infisical CLI's `auto` vault from this keyring instead of the OS's (tests inject a mock).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use infisical_config::auth::{KeyringError, KeyringReader};
        /// use infisical_config::testing::FakeCliLogin;
        /// use infisical_config::{Client, EnvSource};
        /// use zeroize::Zeroizing;
        ///
        /// /// A keyring holding one entry.
        /// #[derive(Debug)]
        /// struct OneEntry(String);
        ///
        /// impl KeyringReader for OneEntry {
        ///     fn read(&self, _service: &str, _account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
        ///         Ok(Some(Zeroizing::new(self.0.clone().into_bytes())))
        ///     }
        /// }
        ///
        /// let home = tempfile::tempdir()?;
        /// let login = FakeCliLogin::new("dev@example.org", "a-user-token").site("https://infisical.example.com");
        /// login.write_config(home.path(), "auto")?; // the login itself is in the keyring
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .env_source(EnvSource::from_pairs::<_, String, String>([]).with_home(home.path()))
        ///     .cli_keyring(OneEntry(login.credentials_json()))
        ///     .build()?;
        /// assert_eq!(client.explain_credentials().await.chosen(), Some("infisical-cli"));
        /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
        /// ```
        cli_keyring(reader: impl KeyringReader + 'static) => cli_keyring = Some(Arc::new(reader));
    }

    /// Adds a custom provider to the default chain, at `position`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::auth::{ChainPosition, Credentials, provide_credentials_fn};
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    ///
    /// let vault = provide_credentials_fn(|| async { Ok(Credentials::universal_auth("client-id", "from-vault")) });
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com")
    ///     .credentials_provider(ChainPosition::First, "vault", vault)
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// let report = client.explain_credentials().await;
    /// assert_eq!(report.chosen(), Some("vault"));
    /// assert_eq!(report.attempts[0].provider, "vault");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn credentials_provider(
        mut self,
        position: ChainPosition,
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.custom.push((position, name.into(), Arc::new(provider)));
        self
    }

    crate::setters::setters! {
        /// Replaces the whole default chain with this one.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use infisical_config::auth::{CredentialsChain, EnvCredentials};
        /// use infisical_config::{Client, EnvSource};
        ///
        /// let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "a-token")]);
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .credentials_chain(CredentialsChain::first_try("environment only", EnvCredentials::new(env)))
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// let report = client.explain_credentials().await;
        /// assert_eq!(report.attempts.len(), 1); // no explicit credentials, no CLI login
        /// assert_eq!(report.chosen(), Some("environment only"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        credentials_chain(chain: CredentialsChain) => chain = Some(chain);

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
        /// use infisical_config::{Error, TransportErrorKind};
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

    /// Builds the client. No network access happens here.
    ///
    /// ```
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    /// # let env = || EnvSource::from_pairs::<_, String, String>([]);
    ///
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com")
    /// # .env_source(env())
    ///     .build()?;
    /// assert_eq!(client.site().host_str(), Some("infisical.example.com"));
    ///
    /// let err = Client::builder()
    ///     .site("https://infisical.example.com?team=a")
    /// # .env_source(env())
    ///     .build()
    ///     .unwrap_err();
    /// println!("{err}"); // configuration error: the Infisical URL from ... has a query or fragment ...
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] for a bad site URL (one without its scheme, say), an `https` site on a build
    /// without a TLS feature, or a bad CA certificate; [`Error::InvalidHeader`] for a header
    /// that cannot be sent, [`Error::File`] for a project file that cannot be read or is refused (looked
    /// for only when neither the builder nor the environment names the site);
    /// [`Error::Credentials`] when credentials of two kinds were given (an access token and a Universal
    /// Auth pair, say); [`Error::Config`] for a request budget of 0 a minute.
    pub fn build(self) -> Result<Client> {
        if self.request_budget.as_ref().is_some_and(|b| b.requests_per_minute() == 0) {
            return Err(Error::Config(
                "the request budget allows 0 requests a minute: no request could be sent".into(),
            ));
        }
        if let Some((first, second)) = &self.explicit_clash {
            return Err(CredentialsError::invalid(
                "explicit",
                format!("both {first} and {second} were given; choose one"),
            )
            .into());
        }
        let mut cli = CliLogin::new(self.env.clone());
        if let Some(reader) = self.cli_keyring.clone() {
            cli = cli.shared_keyring(reader);
        }
        let (raw_site, source) = match site::site_from(self.site.as_deref(), &self.env) {
            Some(chosen) => chosen,
            // The project file is looked for only now: a site set by the caller or the environment
            // needs no walk up the directory tree, and is not failed by a file it would not read.
            None => ProjectFile::discover(&self.env)?
                .and_then(|f| f.domain.map(|d| (d, SiteSource::ProjectFile(f.path.display().to_string()))))
                .or_else(|| self.cli_login.then(|| cli.site()).flatten().map(|d| (d, SiteSource::CliLogin)))
                .unwrap_or_else(|| (site::DEFAULT_SITE.to_owned(), SiteSource::Default)),
        };
        let (site, api) = site::parse_site(&raw_site, &source)?;
        if let SiteSource::ProjectFile(file) = &source {
            // A project file sits in a directory others may control (a cloned repository, a parent):
            // it is not trusted like a site the user set.
            if site.scheme() != "https" {
                return Err(Error::Config(format!(
                    "the domain in {file} is plain http; credentials are never sent to a site chosen by a project                      file without TLS (set INFISICAL_URL or the builder's site() to use it)"
                )));
            }
            tracing::warn!(file = %file, site = %site::site_root(site.as_str()), "the Infisical site was chosen by a project file; set INFISICAL_URL to choose it yourself");
        }
        let site_root = site::site_root(site.as_str());
        tracing::debug!(site = %site_root, from = %source, "infisical client configured");

        let http = self.http_client(site.scheme() == "https")?;
        let transport = Transport::new(
            http,
            api,
            self.retry.clone(),
            self.attempt_timeout,
            self.max_response_bytes,
            self.request_budget.clone(),
        );

        let chain = match self.chain {
            Some(chain) => chain,
            None => {
                let mut links = DefaultChainBuilder::default().explicit(self.explicit);
                if self.env_credentials {
                    links = links.environment(self.env.clone());
                }
                if self.cli_login {
                    links = links.cli_login(cli.for_site(site_root.clone()));
                }
                for (position, name, provider) in self.custom {
                    links = links.shared_provider(position, name, provider);
                }
                links.build()
            }
        };
        let session = Session::new(chain, site_root, self.refresh, self.env);
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                session,
                site,
                call_timeout: self.timeout,
                routes: RouteChoice::new(self.api_version),
                project_ids: Default::default(),
                project_slugs: Default::default(),
            }),
        })
    }
}
