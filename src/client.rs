//! The async [`Client`] and the [`ClientBuilder`] shared with the blocking client.

use std::borrow::Cow;
use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::SecretString;

use crate::EnvSource;
use crate::auth::session::{RefreshPolicy, Session};
use crate::auth::{
    AccessToken, ChainPosition, ChainReport, CliLogin, Credentials, CredentialsChain, CredentialsError, EnvCredentials,
    KeyringReader, ProvideCredentials, UniversalAuth, chain::Explicit,
};
use crate::config::{self, SiteSource};
use crate::error::{Error, Result};
use crate::project::ProjectFile;
use crate::resources::ApiVersion;
use crate::routes::RouteChoice;
use crate::transport::{ApiRequest, ApiResponse, Budget, RetryPolicy, Transport};

/// The user agent every request carries.
pub const USER_AGENT: &str = concat!("infisical-config/", env!("CARGO_PKG_VERSION"));

/// An async Infisical client: cheap to clone, usable from many tasks at once.
///
/// It authenticates lazily (on the first request) through its credential chain and keeps its token fresh
/// by itself. Build one with [`Client::builder`].
///
/// ```no_run
/// # async fn run() -> infisical_config::Result<()> {
/// use infisical_config::Client;
/// use infisical_config::resources::ListSecrets;
///
/// let client = Client::builder().site("https://eu.infisical.com").build()?;
/// let list = client.secrets().list(&ListSecrets::new("project-id", "prod")).await?;
/// for secret in &list.secrets {
///     println!("{}", secret.key); // never print secret.value
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) transport: Transport,
    pub(crate) session: Session,
    pub(crate) site: Url,
    /// How long one call may take in all.
    pub(crate) call_timeout: Duration,
    /// Which route table the client uses (found once, when automatic).
    pub(crate) routes: RouteChoice,
    /// Project slugs turned into ids: one lookup per slug, however many callers ask at once.
    pub(crate) project_ids: crate::resources::SlugCache,
}

/// Marks a [`ClientBuilder`] that builds the async [`Client`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Async;

/// Marks a [`ClientBuilder`] that builds a [`blocking::Client`](crate::blocking::Client).
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocking;

/// Builds a [`Client`] (or, as [`blocking::ClientBuilder`](crate::blocking::ClientBuilder), a blocking one).
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
pub struct ClientBuilder<K = Async> {
    site: Option<String>,
    env: EnvSource,
    universal_auth: Option<UniversalAuth>,
    access_token: Option<AccessToken>,
    env_credentials: bool,
    cli_login: bool,
    cli_keyring: Option<Arc<dyn KeyringReader>>,
    custom: Vec<(ChainPosition, Cow<'static, str>, Arc<dyn ProvideCredentials>)>,
    chain: Option<CredentialsChain>,
    connect_timeout: Duration,
    timeout: Duration,
    attempt_timeout: Duration,
    retry: RetryPolicy,
    headers: Vec<(String, String)>,
    ca_certificates: Vec<CaSource>,
    accept_invalid_certs: Option<bool>,
    follow_redirects: bool,
    max_response_bytes: usize,
    user_agent: Option<String>,
    refresh: RefreshPolicy,
    api_version: ApiVersion,
    _kind: PhantomData<K>,
}

impl<K> std::fmt::Debug for ClientBuilder<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values may be credentials (Cloudflare Access and the like): names only.
        f.debug_struct("ClientBuilder")
            .field("site", &self.site)
            .field("universal_auth", &self.universal_auth)
            .field("access_token", &self.access_token)
            .field("headers", &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<K> Default for ClientBuilder<K> {
    fn default() -> Self {
        ClientBuilder {
            site: None,
            env: EnvSource::process(),
            universal_auth: None,
            access_token: None,
            env_credentials: true,
            cli_login: true,
            cli_keyring: None,
            custom: Vec::new(),
            chain: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            attempt_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            headers: Vec::new(),
            ca_certificates: Vec::new(),
            accept_invalid_certs: None,
            follow_redirects: false,
            max_response_bytes: 64 * 1024 * 1024,
            user_agent: None,
            refresh: RefreshPolicy::default(),
            api_version: ApiVersion::Auto,
            _kind: PhantomData,
        }
    }
}

impl<K> ClientBuilder<K> {
    /// The Infisical site, with or without a trailing `/` or `/api`.
    ///
    /// When not set: `INFISICAL_URL`, then `INFISICAL_DOMAIN`, then `INFISICAL_API_URL`, then the
    /// `domain` of `.infisical.json`, then the site of the Infisical CLI login, else
    /// `https://us.infisical.com`.
    pub fn site(mut self, url: impl Into<String>) -> Self {
        self.site = Some(url.into());
        self
    }

    /// Reads environment variables, the home directory and the current directory from here instead of
    /// the process. Tests use this to stay away from the real environment.
    pub fn env(mut self, env: EnvSource) -> Self {
        self.env = env;
        self
    }

    /// Logs in with this Universal Auth pair (first in the credential chain).
    pub fn universal_auth(mut self, client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        self.universal_auth = Some(UniversalAuth::new(client_id, client_secret));
        self
    }

    /// Logs in with this Universal Auth pair, scoped to a sub-organization.
    pub fn universal_auth_with(mut self, credentials: UniversalAuth) -> Self {
        self.universal_auth = Some(credentials);
        self
    }

    /// Uses this access token (first in the credential chain). It cannot be refreshed; an expired one
    /// fails before any request.
    pub fn access_token(mut self, token: impl Into<SecretString>) -> Self {
        self.access_token = Some(AccessToken::new(token));
        self
    }

    /// Uses these credentials (first in the credential chain), whatever their kind.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        match credentials {
            Credentials::UniversalAuth(ua) => self.universal_auth = Some(ua),
            Credentials::AccessToken(token) => self.access_token = Some(token),
        }
        self
    }

    /// Whether the chain reads credentials from environment variables (default true).
    pub fn env_credentials(mut self, enabled: bool) -> Self {
        self.env_credentials = enabled;
        self
    }

    /// Whether the chain reuses the Infisical CLI's login (default true).
    pub fn cli_login(mut self, enabled: bool) -> Self {
        self.cli_login = enabled;
        self
    }

    /// Reads the Infisical CLI's `auto` vault from this keyring instead of the OS's (tests inject a mock).
    pub fn cli_keyring(mut self, reader: impl KeyringReader + 'static) -> Self {
        self.cli_keyring = Some(Arc::new(reader));
        self
    }

    /// Adds a custom provider to the default chain, at `position`.
    pub fn credentials_provider(
        mut self,
        position: ChainPosition,
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.custom.push((position, name.into(), Arc::new(provider)));
        self
    }

    /// Replaces the whole default chain with this one.
    pub fn credentials_chain(mut self, chain: CredentialsChain) -> Self {
        self.chain = Some(chain);
        self
    }

    /// How long connecting may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one call may take in all (default 60 s): the login it may need, every attempt and every
    /// wait between attempts. A dead server cannot hold a call longer than this; the error then says
    /// how long it waited and how many attempts it made. (The AWS SDK calls this the operation timeout.)
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long one attempt may take, connect to end of body (default 30 s, and never past the call's
    /// [`timeout`](Self::timeout)). A timed-out read is retried as the [`RetryPolicy`] allows.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// How failed requests are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Adds a header to every request. `INFISICAL_CUSTOM_HEADERS="K1=v1 K2=v2"` adds more (a value with
    /// spaces in double quotes: `K3="two words"`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Trusts the certificates of this PEM (one or several) besides the platform's roots.
    /// `INFISICAL_SSL_CERTIFICATE` (PEM text) and `SSL_CERT_FILE` (a path) add more.
    pub fn ca_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_certificates.push(CaSource::Pem(pem.into()));
        self
    }

    /// Trusts the certificates of this PEM file besides the platform's roots. The file is read by
    /// [`build`](ClientBuilder::build).
    pub fn ca_certificate_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_certificates.push(CaSource::File(path.into()));
        self
    }

    /// Turns off TLS certificate verification. Dangerous: anyone on the path can read your secrets.
    /// `INFISICAL_VERIFY_SSL=false` does the same; either way the client logs a warning.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.accept_invalid_certs = Some(accept);
        self
    }

    /// Follows redirects within the same origin (scheme, host and port), up to five. Off by default; a
    /// redirect to another origin is never followed, since it would carry the login body and the custom
    /// headers there.
    pub fn follow_redirects(mut self, follow: bool) -> Self {
        self.follow_redirects = follow;
        self
    }

    /// The largest response accepted, in bytes (default 64 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Appends to the user agent (`infisical-config/<version> <yours>`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// How long before a token's expiry it is refreshed (default: a tenth of its TTL, 5 s to 5 min,
    /// with jitter). Scheduled from the login's `expiresIn`.
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh.ahead = Some(ahead);
        self
    }

    /// Whether to renew tokens (`/auth/token/renew`) before logging in again (default true).
    pub fn renew_tokens(mut self, renew: bool) -> Self {
        self.refresh.renew = renew;
        self
    }

    /// Which API generation to use for secrets, folders and imports (default: detect).
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    fn build_inner(self) -> Result<Client> {
        if self.universal_auth.is_some() && self.access_token.is_some() {
            return Err(CredentialsError::invalid(
                "explicit",
                "both an access token and a universal auth client id and secret were given; choose one",
            )
            .into());
        }
        let mut cli = CliLogin::new(self.env.clone());
        if let Some(reader) = self.cli_keyring.clone() {
            cli = cli.shared_keyring(reader);
        }
        let project_file = ProjectFile::discover(&self.env)?;
        let (raw_site, source) = config::site_from(self.site.as_deref(), &self.env)
            .or_else(|| {
                project_file.and_then(|f| f.domain.map(|d| (d, SiteSource::ProjectFile(f.path.display().to_string()))))
            })
            .or_else(|| self.cli_login.then(|| cli.site()).flatten().map(|d| (d, SiteSource::CliLogin)))
            .unwrap_or_else(|| (config::DEFAULT_SITE.to_owned(), SiteSource::Default));
        let (site, api) = config::parse_site(&raw_site, &source)?;
        if let SiteSource::ProjectFile(file) = &source {
            // A project file sits in a directory others may control (a cloned repository, a parent):
            // it is not trusted like a site the user set.
            if site.scheme() != "https" {
                return Err(Error::Config(format!(
                    "the domain in {file} is plain http; credentials are never sent to a site chosen by a project                      file without TLS (set INFISICAL_URL or the builder's site() to use it)"
                )));
            }
            tracing::warn!(file = %file, site = %config::site_root(site.as_str()), "the Infisical site was chosen by a project file; set INFISICAL_URL to choose it yourself");
        }
        let site_root = config::site_root(site.as_str());
        tracing::debug!(site = %site_root, from = %source, "infisical client configured");

        let http = self.http_client()?;
        let transport = Transport::new(http, api, self.retry.clone(), self.attempt_timeout, self.max_response_bytes);

        let chain = match self.chain {
            Some(chain) => chain,
            None => {
                let explicit = self
                    .universal_auth
                    .map(Credentials::UniversalAuth)
                    .or(self.access_token.map(Credentials::AccessToken));
                let mut chain = CredentialsChain::first_try("explicit", Explicit(explicit));
                if self.env_credentials {
                    chain = chain.or_else("environment", EnvCredentials::new(self.env.clone()));
                }
                if self.cli_login {
                    chain = chain.or_else("infisical-cli", cli.for_site(site_root.clone()));
                }
                // Each custom provider goes right after the built-in one its position names; several at one
                // position keep the order they were added in.
                let mut after_env = 1 + usize::from(self.env_credentials);
                let mut after_explicit = 1;
                for (position, name, provider) in self.custom {
                    match position {
                        ChainPosition::First => {
                            chain.insert_at(0, name, provider);
                            after_explicit += 1;
                            after_env += 1;
                        }
                        ChainPosition::AfterExplicit => {
                            chain.insert_at(after_explicit, name, provider);
                            after_explicit += 1;
                            after_env += 1;
                        }
                        ChainPosition::AfterEnvironment => {
                            chain.insert_at(after_env, name, provider);
                            after_env += 1;
                        }
                        ChainPosition::Last => chain.push_arc(name, provider),
                    }
                }
                chain
            }
        };
        let session = Session::new(chain, site_root, self.refresh);
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                session,
                site,
                call_timeout: self.timeout,
                routes: RouteChoice::new(self.api_version),
                project_ids: Default::default(),
            }),
        })
    }

    fn http_client(&self) -> Result<reqwest::Client> {
        let ua = match &self.user_agent {
            Some(suffix) => format!("{USER_AGENT} {suffix}"),
            None => USER_AGENT.to_owned(),
        };
        let rb = reqwest::Client::builder()
            .user_agent(ua)
            .connect_timeout(self.connect_timeout)
            .default_headers(self.default_headers()?)
            .redirect(if self.follow_redirects { same_origin_redirects() } else { reqwest::redirect::Policy::none() });
        self.tls(rb)?.build().map_err(|e| Error::Local { what: "could not build the HTTP client", source: Box::new(e) })
    }

    fn default_headers(&self) -> Result<HeaderMap> {
        let mut pairs: Vec<(String, String, &str)> =
            self.headers.iter().map(|(k, v)| (k.clone(), v.clone(), "the client builder")).collect();
        if let Some(raw) = self.env.non_empty("INFISICAL_CUSTOM_HEADERS") {
            for (k, v) in parse_custom_headers(&raw)? {
                pairs.push((k, v, "INFISICAL_CUSTOM_HEADERS"));
            }
        }
        let mut map = HeaderMap::new();
        for (k, v, from) in pairs {
            let name = HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| Error::Config(format!("{from}: `{k}` is not a valid header name")))?;
            let mut value = HeaderValue::from_str(&v).map_err(|_| Error::InvalidHeader { name: k.clone() })?;
            value.set_sensitive(true);
            map.append(name, value);
        }
        Ok(map)
    }

    /// Adds CA certificates and the verification switch.
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    fn tls(&self, mut rb: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
        let mut sources = Vec::new();
        for source in &self.ca_certificates {
            sources.push(match source {
                CaSource::Pem(pem) => ("the PEM given to the builder".to_owned(), pem.clone()),
                CaSource::File(path) => (format!("the file {}", path.display()), read_ca_file(path, "")?),
            });
        }
        if let Some(pem) = self.env.non_empty("INFISICAL_SSL_CERTIFICATE") {
            sources.push(("INFISICAL_SSL_CERTIFICATE".into(), pem.into_bytes()));
        }
        if let Some(path) = self.env.non_empty("SSL_CERT_FILE") {
            let pem = read_ca_file(std::path::Path::new(&path), "SSL_CERT_FILE ")?;
            sources.push((format!("SSL_CERT_FILE {path}"), pem));
        }
        for (from, pem) in sources {
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| Error::Config(format!("CA certificate from {from} could not be read: {e}")))?;
            if certs.is_empty() {
                return Err(Error::Config(format!("CA certificate from {from} holds no PEM certificate")));
            }
            // reqwest parses PEM lazily and fails at build with no name attached: try each source alone.
            reqwest::Client::builder().tls_certs_merge(certs.clone()).build().map_err(|_| {
                Error::Config(format!("CA certificate from {from} could not be used: it is not a valid certificate"))
            })?;
            rb = rb.tls_certs_merge(certs);
        }
        let env_off = self
            .env
            .non_empty("INFISICAL_VERIFY_SSL")
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "false" | "0" | "no"));
        if self.accept_invalid_certs.unwrap_or(env_off) {
            tracing::warn!(
                "TLS CERTIFICATE VERIFICATION IS OFF (INFISICAL_VERIFY_SSL=false or danger_accept_invalid_certs): \
                 anyone on the network path can read the secrets this client fetches"
            );
            rb = rb.tls_danger_accept_invalid_certs(true);
        }
        Ok(rb)
    }

    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    fn tls(&self, rb: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder> {
        if !self.ca_certificates.is_empty() {
            return Err(Error::Config("custom CA certificates need the `rustls` or `native-tls` feature".into()));
        }
        Ok(rb)
    }
}

/// Where custom CA certificates come from; files are read by `build`, which reports their errors.
#[derive(Clone, Debug)]
enum CaSource {
    Pem(Vec<u8>),
    File(PathBuf),
}

#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn read_ca_file(path: &std::path::Path, var: &str) -> Result<Vec<u8>> {
    crate::local_file::read(path).map_err(|e| {
        Error::Config(format!("{var}CA certificate file {}: {}", path.display(), crate::error::with_causes(&e)))
    })
}

/// Follows up to five redirects within the same origin (scheme, host and port). A redirect elsewhere
/// is not followed: it would carry the login body (a client secret) and the custom headers there.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else if same {
            attempt.follow()
        } else {
            tracing::warn!(to = %attempt.url().origin().ascii_serialization(), "not following a redirect to another origin");
            attempt.stop()
        }
    })
}

/// Parses `INFISICAL_CUSTOM_HEADERS`: `NAME=value` items separated by spaces; a value holding spaces is
/// double-quoted (`X-Note="two words"`, `\"` and `\\` inside). Errors name the item's position, never
/// its text: a header value is often a credential.
fn parse_custom_headers(raw: &str) -> Result<Vec<(String, String)>> {
    let bad = |n: usize, what: &str| Error::Config(format!("INFISICAL_CUSTOM_HEADERS: item {n} {what}"));
    let mut items = Vec::new();
    let mut chars = raw.chars().peekable();
    let mut n = 0;
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(items);
        }
        n += 1;
        let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && !c.is_whitespace())).collect();
        if chars.next() != Some('=') || name.is_empty() {
            return Err(bad(n, "is not NAME=value"));
        }
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => value.extend(chars.next()),
                    Some(c) => value.push(c),
                    None => return Err(bad(n, "has an opening quote and no closing one")),
                }
            }
            if chars.peek().is_some_and(|c| !c.is_whitespace()) {
                return Err(bad(n, "has text right after its closing quote"));
            }
        } else {
            value.extend(std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())));
        }
        items.push((name, value));
    }
}

impl ClientBuilder<Async> {
    /// Builds the client. No network access happens here.
    ///
    /// # Errors
    /// [`Error::Config`] for a bad site URL, header or CA certificate; [`Error::Credentials`] when both
    /// an access token and a Universal Auth pair were given.
    pub fn build(self) -> Result<Client> {
        self.build_inner()
    }
}

impl ClientBuilder<Blocking> {
    /// Builds the blocking client. No network access happens here.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`], and [`Error::Config`] if its runtime cannot start.
    pub fn build(self) -> Result<crate::blocking::Client> {
        let inner = self.build_inner()?;
        crate::blocking::Client::wrap(inner)
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder<Async> {
        ClientBuilder::default()
    }

    /// A client configured entirely from the environment and the default credential chain.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`].
    pub fn from_env() -> Result<Client> {
        Self::builder().build()
    }

    /// The Infisical site this client talks to (without `/api`).
    #[must_use]
    pub fn site(&self) -> &Url {
        &self.inner.site
    }

    /// Authenticates now instead of on the first request: a start-up health check for credentials.
    ///
    /// # Errors
    /// [`Error::Credentials`] when no usable credentials are found or the server refuses them.
    pub async fn authenticate(&self) -> Result<()> {
        let budget = Budget::new(self.inner.call_timeout);
        let login = self.inner.session.token(&self.inner.transport, &budget);
        self.within(&budget, &reqwest::Method::POST, "/api/v1/auth", login).await.map(|_| ())
    }

    /// Asks the credential chain which provider would answer, and why the others pass. Reveals no secret.
    pub async fn explain_credentials(&self) -> ChainReport {
        self.inner.session.chain().explain().await
    }

    /// Revokes the access token this client obtained by logging in (`POST /api/v1/auth/token/revoke`),
    /// so it cannot be used after the program ends. Returns whether a token was revoked; tokens the client
    /// was given are left alone. A later request logs in again.
    ///
    /// # Errors
    /// When the server refuses or cannot be reached.
    pub async fn revoke_token(&self) -> Result<bool> {
        let budget = Budget::new(self.inner.call_timeout);
        let revoke = self.inner.session.revoke(&self.inner.transport, &budget);
        self.within(&budget, &reqwest::Method::POST, "/api/v1/auth/token/revoke", revoke).await
    }

    /// Sends a request with the client's token; when the server rejects the token (401, or 403
    /// `TokenError`), drops it, authenticates once more and sends the request once more. The whole of
    /// it (waiting for a login included) is bounded by the client's call timeout.
    pub(crate) async fn execute(&self, req: &ApiRequest) -> Result<ApiResponse> {
        let budget = Budget::new(self.inner.call_timeout);
        self.within(&budget, &req.method, &req.path(), self.execute_within(req, &budget)).await
    }

    async fn execute_within(&self, req: &ApiRequest, budget: &Budget) -> Result<ApiResponse> {
        let inner = &self.inner;
        if !req.authenticated {
            return inner.transport.send(req, None, budget).await;
        }
        let token = inner.session.token(&inner.transport, budget).await?;
        match inner.transport.send(req, Some(&token.secret), budget).await {
            Err(Error::Api(api)) if api.is_token_rejected() => {
                tracing::debug!(endpoint = %req.describe(), status = api.status(), "token rejected; authenticating again");
                inner.session.invalidate(&token).await;
                let token = inner.session.token(&inner.transport, budget).await?;
                inner.transport.send(req, Some(&token.secret), budget).await
            }
            other => other,
        }
    }

    /// Runs `call` until the budget's deadline. The transport bounds its own attempts and waits, and its
    /// error names the request that was in flight (the login, say); this also bounds what it cannot
    /// see, such as waiting for another task's login, a moment later so the transport's error wins.
    async fn within<T>(
        &self,
        budget: &Budget,
        method: &reqwest::Method,
        path: &str,
        call: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        match tokio::time::timeout(budget.limit() + Duration::from_millis(250), call).await {
            Ok(result) => result,
            Err(_) => Err(budget.timed_out(method, self.inner.transport.site(), path)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_headers_parse_with_quotes_and_never_echo_a_value() {
        let parsed = parse_custom_headers(r#" A=1  X-Note="two words" Q="say \"hi\"" E= "#).unwrap();
        assert_eq!(
            parsed,
            [("A", "1"), ("X-Note", "two words"), ("Q", "say \"hi\""), ("E", "")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        for raw in ["Authorization", "A=1 Bearer TOKEN-canary", "K=\"TOKEN-canary", "K=\"x\"TOKEN-canary"] {
            let err = parse_custom_headers(raw).unwrap_err().to_string();
            assert!(!err.contains("TOKEN") && err.contains("item"), "{err}");
        }
    }
}
