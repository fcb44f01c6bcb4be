//! The async [`Client`]: every request authenticated, re-authenticated once when the token is
//! refused, and bounded by the call's deadline.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::auth::ChainReport;
use crate::auth::token_cache::{Session, Token};
use crate::error::{Error, Result};
use crate::routes::RouteChoice;
use crate::transport::{ApiRequest, ApiResponse, Budget, Transport};

mod builder;
mod credentials;
mod http;
mod options;

pub use builder::ClientBuilder;

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
    pub(crate) project_ids: SlugCache,
    /// Project ids turned into slugs (the dynamic-secret routes take only slugs), the same way.
    pub(crate) project_slugs: SlugCache,
}

impl Client {
    /// A builder: the site, the credentials, timeouts, retries, TLS (see [`ClientBuilder`]).
    ///
    /// ```
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    ///
    /// let client = Client::builder()
    ///     .site("https://eu.infisical.com")
    ///     .universal_auth("client-id", "client-secret")
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// assert_eq!(client.site().as_str(), "https://eu.infisical.com/");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured entirely from the environment and the default credential chain.
    ///
    /// ```no_run
    /// // Reads INFISICAL_URL, INFISICAL_CLIENT_ID and INFISICAL_CLIENT_SECRET (or another login), ...
    /// let client = infisical_config::Client::from_env()?;
    /// println!("secrets come from {}", client.site());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ClientBuilder::build`].
    pub fn from_env() -> Result<Client> {
        Self::builder().build()
    }

    /// The Infisical site this client talks to (without `/api`).
    ///
    /// ```
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    ///
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com/api")
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// assert_eq!(client.site().as_str(), "https://infisical.example.com/");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn site(&self) -> &Url {
        &self.inner.site
    }

    /// Authenticates now instead of on the first request: a start-up health check for credentials.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().start().await;
    /// let client = fake.client_builder().build()?;
    /// client.authenticate().await?;
    ///
    /// let wrong = fake.client_builder().universal_auth("fake-client-id", "not-the-secret").build()?;
    /// let err = wrong.authenticate().await.unwrap_err();
    /// assert!(matches!(err, infisical_config::Error::Credentials(_)));
    /// println!("{err}"); // authentication with universal auth failed: Client Error 401: Invalid credentials ...
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::Credentials`] when no usable credentials are found or the server refuses them.
    pub async fn authenticate(&self) -> Result<()> {
        let budget = Budget::new(self.inner.call_timeout);
        let login = self.inner.session.token(&self.inner.transport, &budget);
        self.within(&budget, &reqwest::Method::POST, "/api/v1/auth", login).await.map(|_| ())
    }

    /// Asks the credential chain which provider would answer, and why the others pass. Reveals no secret.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::{Client, EnvSource};
    ///
    /// let env = EnvSource::from_pairs([("INFISICAL_CLIENT_ID", "client-id"), ("INFISICAL_CLIENT_SECRET", "client-secret")]);
    /// let client = Client::builder().site("https://infisical.example.com").env_source(env).build()?;
    /// let report = client.explain_credentials().await;
    /// assert_eq!(report.chosen(), Some("environment"));
    /// println!("{report}");
    /// // credentials come from `environment`
    /// //   explicit: passed: none given to the client builder
    /// //   environment: found universal auth (client id client-id)
    /// //   infisical-cli: not asked
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub async fn explain_credentials(&self) -> ChainReport {
        self.inner.session.chain().explain().await
    }

    /// Revokes the access token this client obtained by logging in (`POST /api/v1/auth/token/revoke`),
    /// so it cannot be used after the program ends. Returns whether a token was revoked; tokens the client
    /// was given are left alone. A later request logs in again.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().start().await;
    /// let client = fake.client_builder().build()?;
    /// client.authenticate().await?;
    /// // ... the program's work, then at its end:
    /// assert!(client.revoke_token().await?);
    /// assert!(!client.revoke_token().await?); // nothing left to revoke
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
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
        // On the heap: the login and the request nest several KiB of futures, which the stack would
        // otherwise copy through each frame that polls them (fresh stack pages, a fault each, at start-up).
        self.within(&budget, &req.method, &req.path(), Box::pin(self.execute_within(req, &budget))).await
    }

    async fn execute_within(&self, req: &ApiRequest, budget: &Budget) -> Result<ApiResponse> {
        let transport = &self.inner.transport;
        if !req.authenticated {
            return transport.send(req, None, budget).await;
        }
        self.authenticated(req, budget, |token| async move { transport.send(req, Some(&token.secret), budget).await })
            .await
    }

    /// Opens the answer to `req` for reading as it arrives (the event stream), authenticated as
    /// [`execute`](Self::execute) is; the call's deadline bounds the wait for the answer's head.
    #[cfg(feature = "push")]
    pub(crate) async fn open_stream(&self, req: &ApiRequest) -> Result<reqwest::Response> {
        let budget = &Budget::new(self.inner.call_timeout);
        let transport = &self.inner.transport;
        let open = self.authenticated(req, budget, |token| async move {
            transport.open_stream(req, Some(&token.secret), budget).await
        });
        self.within(budget, &req.method, &req.path(), Box::pin(open)).await
    }

    /// Runs `send` with the client's token; when the server rejects the token (401, or 403
    /// `TokenError`), drops it, authenticates once more and runs `send` once more.
    async fn authenticated<T, F, Fut>(&self, req: &ApiRequest, budget: &Budget, send: F) -> Result<T>
    where
        F: Fn(Arc<Token>) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let inner = &self.inner;
        let token = inner.session.token(&inner.transport, budget).await?;
        match send(token.clone()).await {
            Err(Error::Api(api)) if api.is_token_rejected() => {
                tracing::debug!(endpoint = %req.describe(), status = api.status(), "token rejected; authenticating again");
                inner.session.invalidate(&token).await;
                send(inner.session.token(&inner.transport, budget).await?).await
            }
            other => other,
        }
    }

    /// When the next request could be sent (the end of a 429's hold, the request budget's next token),
    /// `None` when it could go now: the watcher and the lease manager move their next step there.
    #[cfg_attr(not(feature = "watch"), allow(dead_code))] // Timed work (the watcher) asks it.
    pub(crate) fn ready_at(&self) -> Option<tokio::time::Instant> {
        self.inner.transport.ready_at()
    }

    /// The request budget's requests a minute, when the client has one ([`crate::RequestBudget`]).
    #[cfg_attr(not(feature = "watch"), allow(dead_code))] // Timed work (the watcher) asks it.
    pub(crate) fn budget_per_minute(&self) -> Option<u32> {
        self.inner.transport.budget_per_minute()
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

/// Project slugs turned into ids, one lookup per slug.
#[derive(Debug, Default)]
pub(crate) struct SlugCache {
    ids: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::OnceCell<String>>>>,
}

impl SlugCache {
    /// The cell of `slug`: filled once; a failed lookup leaves it empty for the next caller.
    pub(crate) fn cell(&self, slug: &str) -> std::sync::Arc<tokio::sync::OnceCell<String>> {
        self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(slug.to_owned()).or_default().clone()
    }
}
