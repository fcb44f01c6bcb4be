//! The access token a client uses, and keeping it fresh.
//!
//! - Log in lazily, on the first request.
//! - Refresh ahead of expiry, scheduled from the login's `expiresIn` (real servers put a different `exp`
//!   in the JWT: a server of 2024 signs `exp = iat + max TTL` while answering `expiresIn` = TTL).
//! - Renew with `POST /api/v1/auth/token/renew` and always keep the token it returns (current servers
//!   sign a new one); log in again instead when the renewal would pass `accessTokenMaxTTL`, or when the
//!   server refuses it.
//! - One login or renewal at a time: concurrent callers wait for it and share the result.
//! - A token the server rejected is dropped, so the next caller authenticates anew.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::{AccessToken, Credentials, CredentialsChain, CredentialsError, IdentityLogin, UniversalAuth};
use crate::error::{Error, Result};
use crate::transport::{ApiRequest, Budget, Transport};

/// How the client keeps its token fresh.
#[derive(Clone, Debug)]
pub(crate) struct RefreshPolicy {
    /// How long before expiry to refresh; `None` picks a tenth of the TTL, between 5 s and 5 min.
    pub(crate) ahead: Option<Duration>,
    /// Whether to renew (`/auth/token/renew`) rather than always logging in again.
    pub(crate) renew: bool,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy { ahead: None, renew: true }
    }
}

/// A token in use.
pub(crate) struct Token {
    pub(crate) secret: SecretString,
    /// When to stop using it as is and refresh; `None` for tokens that never expire.
    refresh_at: Option<Instant>,
    /// When it stops working.
    expires_at: Option<Instant>,
    origin: Origin,
    pub(crate) provider: Cow<'static, str>,
}

/// What a login was made with, kept to log in again.
#[derive(Clone)]
enum Login {
    Universal(UniversalAuth),
    Identity(IdentityLogin),
}

impl Login {
    fn name(&self) -> &'static str {
        match self {
            Login::Universal(_) => "universal auth login",
            Login::Identity(login) => login.login_name(),
        }
    }
}

enum Origin {
    /// Minted by a login (Universal Auth or another identity method): renewable, and revocable on close.
    Login { credentials: Login, first_login: Instant, ttl: Duration, max_ttl: Option<Duration> },
    /// Handed to the client.
    Given,
}

impl Token {
    fn fresh(&self, now: Instant) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }

    fn still_valid(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    access_token: SecretString,
    #[serde(default)]
    expires_in: f64,
    #[serde(default, rename = "accessTokenMaxTTL")]
    access_token_max_ttl: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginBody<'a> {
    client_id: &'a str,
    client_secret: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_slug: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenBody<'a> {
    access_token: &'a str,
}

/// The token state of one client, shared by all its clones.
pub(crate) struct Session {
    chain: CredentialsChain,
    site: String,
    /// Where a cloud login finds its platform's variables (`IDENTITY_ENDPOINT`, `AWS_REGION`, ...).
    env: crate::EnvSource,
    policy: RefreshPolicy,
    /// The current token, read without waiting on a refresh in progress.
    current: Mutex<Option<Arc<Token>>>,
    /// Held while logging in or renewing, so there is one at a time.
    refresh: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("chain", &self.chain.names()).field("site", &self.site).finish_non_exhaustive()
    }
}

impl Session {
    pub(crate) fn new(chain: CredentialsChain, site: String, policy: RefreshPolicy, env: crate::EnvSource) -> Self {
        Session { chain, site, env, policy, current: Mutex::new(None), refresh: tokio::sync::Mutex::new(()) }
    }

    pub(crate) fn chain(&self) -> &CredentialsChain {
        &self.chain
    }

    fn cached(&self) -> Option<Arc<Token>> {
        self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn store(&self, token: Option<Arc<Token>>) {
        *self.current.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = token;
    }

    /// A token fit to use now, authenticating or refreshing first when needed.
    pub(crate) async fn token(&self, transport: &Transport, budget: &Budget) -> Result<Arc<Token>> {
        if let Some(tok) = self.cached().filter(|t| t.fresh(Instant::now())) {
            return Ok(tok);
        }
        let _flight = self.refresh.lock().await;
        // Someone else may have refreshed while this caller waited.
        let previous = self.cached();
        if let Some(tok) = previous.as_ref().filter(|t| t.fresh(Instant::now())) {
            return Ok(tok.clone());
        }
        let next = match previous {
            Some(prev) => self.refresh_token(transport, budget, &prev).await?,
            None => self.authenticate(transport, budget).await?,
        };
        let next = Arc::new(next);
        self.store(Some(next.clone()));
        Ok(next)
    }

    /// Forgets a token the server rejected, unless it was already replaced.
    pub(crate) async fn invalidate(&self, rejected: &Arc<Token>) {
        let _flight = self.refresh.lock().await;
        if self.cached().is_some_and(|t| Arc::ptr_eq(&t, rejected)) {
            tracing::debug!(provider = %rejected.provider, "server rejected the access token; dropping it");
            self.store(None);
        }
    }

    async fn refresh_token(&self, transport: &Transport, budget: &Budget, prev: &Token) -> Result<Token> {
        let now = Instant::now();
        let Origin::Login { credentials, first_login, ttl, max_ttl } = &prev.origin else {
            // A given token cannot be refreshed: ask the providers again (the environment or the CLI
            // login may hold a newer one); an expired one fails there.
            return self.authenticate(transport, budget).await;
        };
        let within_max = max_ttl.is_none_or(|max| now.duration_since(*first_login) + *ttl <= max);
        if !self.policy.renew || !within_max {
            tracing::debug!("renewal would pass the token's max TTL; logging in again");
            return self.login(transport, budget, credentials.clone(), prev.provider.clone()).await;
        }
        match self.renew(transport, budget, prev, credentials, *first_login).await {
            Ok(tok) => Ok(tok),
            Err(Error::Api(api)) if api.status() == 401 || api.status() == 400 || api.status() == 403 => {
                tracing::debug!(status = api.status(), "renewal refused; logging in again");
                self.login(transport, budget, credentials.clone(), prev.provider.clone()).await
            }
            Err(err) if prev.still_valid(now) => {
                // The server is having trouble but the token still works: keep it, try again soon.
                tracing::warn!(error = %err, "token renewal failed; keeping the current token for now");
                let retry_in = prev
                    .expires_at
                    .map_or(Duration::from_secs(5), |at| (at - now).mul_f64(0.5).min(Duration::from_secs(5)));
                Ok(Token {
                    secret: prev.secret.clone(),
                    refresh_at: Some(now + retry_in),
                    expires_at: prev.expires_at,
                    origin: Origin::Login {
                        credentials: credentials.clone(),
                        first_login: *first_login,
                        ttl: *ttl,
                        max_ttl: *max_ttl,
                    },
                    provider: prev.provider.clone(),
                })
            }
            Err(err) => Err(err),
        }
    }

    async fn authenticate(&self, transport: &Transport, budget: &Budget) -> Result<Token> {
        let (provider, credentials) = self.chain.resolve().await?;
        match credentials {
            Credentials::UniversalAuth(ua) => self.login(transport, budget, Login::Universal(ua), provider).await,
            Credentials::Identity(login) => self.login(transport, budget, Login::Identity(login), provider).await,
            Credentials::AccessToken(token) => self.accept_given(token, provider),
        }
    }

    fn accept_given(&self, token: AccessToken, provider: Cow<'static, str>) -> Result<Token> {
        if let Some(bound) = token.bound_site()
            && bound != self.site
        {
            return Err(CredentialsError::SiteMismatch {
                provider,
                issued_for: bound.to_owned(),
                target: self.site.clone(),
            }
            .into());
        }
        let expires_at = match token.expires_at() {
            None => None,
            Some(at) => match at.duration_since(SystemTime::now()) {
                Ok(left) => Some(Instant::now() + left),
                Err(_) => return Err(CredentialsError::Expired { provider, ago: super::jwt::ago(at) }.into()),
            },
        };
        tracing::debug!(%provider, "using a given access token");
        Ok(Token {
            secret: token.secret().clone(),
            refresh_at: expires_at,
            expires_at,
            origin: Origin::Given,
            provider,
        })
    }

    async fn login(
        &self,
        transport: &Transport,
        budget: &Budget,
        credentials: Login,
        provider: Cow<'static, str>,
    ) -> Result<Token> {
        let req = match &credentials {
            Login::Universal(ua) => {
                tracing::debug!(%provider, client_id = %ua.client_id(), "logging in with universal auth");
                let body = LoginBody {
                    client_id: ua.client_id(),
                    client_secret: ua.secret().expose_secret(),
                    organization_slug: ua.org(),
                };
                ApiRequest::post(crate::routes::UNIVERSAL_AUTH_LOGIN).json(&body)?.anonymous().replayable()
            }
            Login::Identity(login) => {
                tracing::debug!(%provider, method = login.method(), identity_id = %login.identity_id(), "logging in");
                login.login_request(&self.env).await?
            }
        };
        let resp = transport.send(&req, None, budget).await.map_err(|e| rejected(credentials.name(), e))?;
        let parsed: TokenResponse = resp.json()?;
        let now = Instant::now();
        Ok(self.issued(parsed, credentials, now, provider))
    }

    async fn renew(
        &self,
        transport: &Transport,
        budget: &Budget,
        prev: &Token,
        credentials: &Login,
        first_login: Instant,
    ) -> Result<Token> {
        tracing::debug!(provider = %prev.provider, "renewing the access token");
        let body = TokenBody { access_token: prev.secret.expose_secret() };
        let req = ApiRequest::post(crate::routes::TOKEN_RENEW).json(&body)?.anonymous().replayable();
        let parsed: TokenResponse = transport.send(&req, None, budget).await?.json()?;
        Ok(self.issued(parsed, credentials.clone(), first_login, prev.provider.clone()))
    }

    fn issued(
        &self,
        resp: TokenResponse,
        credentials: Login,
        first_login: Instant,
        provider: Cow<'static, str>,
    ) -> Token {
        let now = Instant::now();
        let secs = |s: f64| (s.is_finite() && s > 0.0).then(|| Duration::from_secs_f64(s.min(1e10)));
        let ttl = secs(resp.expires_in);
        let max_ttl = secs(resp.access_token_max_ttl);
        let expires_at = ttl.map(|ttl| now + ttl);
        let refresh_at = ttl.map(|ttl| now + ttl - self.refresh_ahead(ttl));
        Token {
            secret: resp.access_token,
            refresh_at,
            expires_at,
            origin: Origin::Login { credentials, first_login, ttl: ttl.unwrap_or(Duration::ZERO), max_ttl },
            provider,
        }
    }

    fn refresh_ahead(&self, ttl: Duration) -> Duration {
        let ahead = match self.policy.ahead {
            Some(ahead) => ahead,
            None => {
                let base = (ttl / 10).clamp(Duration::from_secs(5), Duration::from_secs(300));
                // Jitter, so a fleet started together does not renew together.
                base + base.mul_f64(fastrand::f64() * 0.2)
            }
        };
        ahead.min(ttl)
    }

    /// Revokes the token this client minted (not one it was given) and forgets it.
    pub(crate) async fn revoke(&self, transport: &Transport, budget: &Budget) -> Result<bool> {
        let _flight = self.refresh.lock().await;
        let Some(tok) = self.cached() else { return Ok(false) };
        self.store(None);
        if !matches!(tok.origin, Origin::Login { .. }) {
            return Ok(false);
        }
        let body = TokenBody { access_token: tok.secret.expose_secret() };
        let req = ApiRequest::post(crate::routes::TOKEN_REVOKE).json(&body)?.anonymous().replayable();
        transport.send(&req, None, budget).await?;
        tracing::debug!(provider = %tok.provider, "access token revoked");
        Ok(true)
    }
}

/// A refused login is a credentials problem; a network failure stays what it is.
fn rejected(method: &'static str, err: Error) -> Error {
    match err {
        Error::Api(api) if (400..500).contains(&api.status()) && api.status() != 429 => {
            CredentialsError::Rejected { method, source: Arc::new(*api) }.into()
        }
        other => other,
    }
}
