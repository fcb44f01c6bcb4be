//! Credentials, the providers that find them, and the token lifecycle built on them.
//!
//! A [`ProvideCredentials`] finds [`Credentials`]: a Universal Auth client id and secret, or a machine
//! identity's Kubernetes, AWS IAM, GCP, Azure, OIDC, JWT or LDAP login (the client logs in and keeps the
//! token fresh itself), or a ready access token. A [`CredentialsChain`] asks providers in
//! order; the default chain asks the builder's explicit credentials, then the environment, then the
//! Infisical CLI's own login, then any custom providers.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use secrecy::{ExposeSecret, SecretString};

pub(crate) mod chain;
pub(crate) mod cli;
pub(crate) mod cloud;
mod default_chain;
mod env;
mod identity;
pub(crate) mod jwe;
pub(crate) mod jwt;
mod keyring;
pub(crate) mod token_cache;

pub use crate::error::credentials::CredentialsError;
pub use chain::{Attempt, AttemptOutcome, ChainPosition, ChainReport, CredentialsChain};
pub use cli::{CliLogin, CliSession};
pub(crate) use default_chain::DefaultChainBuilder;
pub use env::EnvCredentials;
pub use identity::{IdentityLogin, JwtSource, KUBERNETES_TOKEN_PATH};
#[cfg(feature = "keyring")]
#[cfg_attr(docsrs, doc(cfg(feature = "keyring")))]
pub use keyring::OsKeyring;
pub use keyring::{KeyringError, KeyringReader};

#[cfg(feature = "testing")]
pub(crate) use cli::vault_file_name;
#[cfg(feature = "testing")]
pub(crate) use jwe::encrypt as jwe_encrypt;

/// A boxed, sendable future: what [`ProvideCredentials`] returns, so the trait stays object safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something that can find credentials: the environment, the CLI login, your secrets store.
///
/// Return [`CredentialsError::NotFound`] when this provider has nothing to offer (the chain moves on to
/// the next provider), and any other error when it found something broken (the chain stops there).
///
/// ```
/// use infisical_config::auth::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
///
/// #[derive(Debug)]
/// struct FromVault;
///
/// impl ProvideCredentials for FromVault {
///     fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
///         Box::pin(async {
///             // Look the pair up somewhere; here it is fixed.
///             Ok(Credentials::universal_auth("client-id", "client-secret"))
///         })
///     }
/// }
/// ```
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Finds credentials, or says why there are none.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use infisical_config::auth::{Credentials, EnvCredentials, ProvideCredentials};
    /// use infisical_config::EnvSource;
    ///
    /// let provider = EnvCredentials::new(EnvSource::from_pairs([("INFISICAL_TOKEN", "a-token")]));
    /// let creds = provider.provide_credentials().await?;
    /// assert_eq!(creds.describe(), "token auth (access token)");
    ///
    /// let nothing = EnvCredentials::new(EnvSource::from_pairs::<_, String, String>([]));
    /// let err = nothing.provide_credentials().await.unwrap_err();
    /// assert!(err.is_not_found()); // a chain would ask the next provider
    /// # Ok::<(), infisical_config::auth::CredentialsError>(()) }).unwrap();
    /// ```
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>>;
}

impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

/// Makes a provider of a closure returning a future.
///
/// ```
/// use infisical_config::auth::{provide_credentials_fn, Credentials, ProvideCredentials};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let provider = provide_credentials_fn(|| async { Ok(Credentials::access_token("a-token")) });
/// assert_eq!(provider.provide_credentials().await?.describe(), "token auth (access token)");
/// # Ok::<(), infisical_config::auth::CredentialsError>(()) }).unwrap();
/// ```
pub fn provide_credentials_fn<F, Fut>(f: F) -> impl ProvideCredentials
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Credentials, CredentialsError>> + Send + 'static,
{
    FnProvider(f)
}

struct FnProvider<F>(F);

impl<F> fmt::Debug for FnProvider<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnProvider")
    }
}

impl<F, Fut> ProvideCredentials for FnProvider<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Credentials, CredentialsError>> + Send + 'static,
{
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin((self.0)())
    }
}

/// Credentials the client can authenticate with: what a [`ProvideCredentials`] finds and
/// [`ClientBuilder::credentials`](crate::ClientBuilder::credentials) takes.
///
/// ```
/// use infisical_config::auth::{Credentials, IdentityLogin, JwtSource};
///
/// let pair = Credentials::universal_auth("client-id", "client-secret");
/// let ci: Credentials = IdentityLogin::oidc("5d6e", JwtSource::File("/run/ci/oidc-token".into())).into();
/// assert_eq!(pair.describe(), "universal auth (client id client-id)");
/// assert_eq!(ci.describe(), "oidc auth (identity 5d6e)");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// A machine identity's Universal Auth pair: the client logs in and renews by itself.
    UniversalAuth(UniversalAuth),
    /// A ready access token (token auth: an identity access token created in Infisical, or a user's
    /// CLI login): used until it expires.
    AccessToken(AccessToken),
    /// A machine identity logging in by Kubernetes, AWS IAM, GCP, Azure, OIDC, JWT or LDAP auth: the
    /// client logs in and renews by itself, reading its token source (or asking its cloud) again at
    /// every login.
    Identity(IdentityLogin),
}

impl Credentials {
    /// Universal Auth credentials.
    ///
    /// ```
    /// use infisical_config::auth::Credentials;
    ///
    /// let creds = Credentials::universal_auth("client-id", "client-secret");
    /// assert!(matches!(&creds, Credentials::UniversalAuth(ua) if ua.client_id() == "client-id"));
    /// ```
    #[must_use]
    pub fn universal_auth(client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        Credentials::UniversalAuth(UniversalAuth::new(client_id, client_secret))
    }

    /// A ready access token; its JWT `exp`, when present, is read (not verified) so an expired token
    /// fails before any request.
    ///
    /// ```
    /// use infisical_config::auth::Credentials;
    ///
    /// let creds = Credentials::access_token("an-identity-access-token");
    /// assert_eq!(creds.describe(), "token auth (access token)");
    /// ```
    #[must_use]
    pub fn access_token(token: impl Into<SecretString>) -> Self {
        Credentials::AccessToken(AccessToken::new(token))
    }

    /// Kubernetes auth with the pod's service-account token (see [`IdentityLogin::kubernetes`]).
    ///
    /// ```
    /// use infisical_config::auth::Credentials;
    ///
    /// assert_eq!(Credentials::kubernetes("2b3c").describe(), "kubernetes auth (identity 2b3c)");
    /// ```
    #[must_use]
    pub fn kubernetes(identity_id: impl Into<String>) -> Self {
        Credentials::Identity(IdentityLogin::kubernetes(identity_id))
    }

    /// AWS IAM auth with AWS's credential chain (see [`IdentityLogin::aws_iam`]).
    ///
    /// ```
    /// use infisical_config::auth::Credentials;
    ///
    /// assert_eq!(Credentials::aws_iam("2b3c").describe(), "aws-iam auth (identity 2b3c)");
    /// ```
    #[cfg(feature = "aws")]
    #[cfg_attr(docsrs, doc(cfg(feature = "aws")))]
    #[must_use]
    pub fn aws_iam(identity_id: impl Into<String>) -> Self {
        Credentials::Identity(IdentityLogin::aws_iam(identity_id))
    }

    /// GCP ID-token auth with the metadata server's token (see [`IdentityLogin::gcp_id_token`]).
    ///
    /// ```
    /// use infisical_config::auth::Credentials;
    ///
    /// assert_eq!(Credentials::gcp_id_token("2b3c").describe(), "gcp id-token auth (identity 2b3c)");
    /// ```
    #[cfg(feature = "gcp")]
    #[cfg_attr(docsrs, doc(cfg(feature = "gcp")))]
    #[must_use]
    pub fn gcp_id_token(identity_id: impl Into<String>) -> Self {
        Credentials::Identity(IdentityLogin::gcp_id_token(identity_id))
    }

    /// Azure auth with the managed identity's token (see [`IdentityLogin::azure`]).
    ///
    /// ```
    /// use infisical_config::auth::Credentials;
    ///
    /// assert_eq!(Credentials::azure("2b3c").describe(), "azure auth (identity 2b3c)");
    /// ```
    #[must_use]
    pub fn azure(identity_id: impl Into<String>) -> Self {
        Credentials::Identity(IdentityLogin::azure(identity_id))
    }

    /// A short description naming the kind and, for Universal Auth, the client id (not a secret).
    ///
    /// ```
    /// use infisical_config::auth::{AccessToken, Credentials};
    ///
    /// let user = Credentials::AccessToken(AccessToken::new("a-user-token").bound_to("https://app.infisical.com"));
    /// assert_eq!(user.describe(), "access token for https://app.infisical.com");
    /// ```
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Credentials::UniversalAuth(ua) => format!("universal auth (client id {})", ua.client_id),
            Credentials::Identity(login) => login.describe(),
            Credentials::AccessToken(t) => match &t.bound_to {
                // A token bound to a site is a user's CLI login; an unbound one is token auth: an
                // identity access token created in Infisical.
                Some(url) => format!("access token for {url}"),
                None => "token auth (access token)".to_owned(),
            },
        }
    }
}

/// A Universal Auth client id and secret: a machine identity's login, renewed by the client itself.
///
/// ```
/// use infisical_config::auth::{Credentials, UniversalAuth};
///
/// let pair = UniversalAuth::new("client-id", "s3cr3t-value").organization_slug("team-a");
/// assert_eq!(pair.client_id(), "client-id");
/// assert!(!format!("{pair:?}").contains("s3cr3t-value")); // the secret is never shown
/// let creds = Credentials::UniversalAuth(pair);
/// # let _ = creds;
/// ```
#[derive(Clone)]
pub struct UniversalAuth {
    client_id: String,
    client_secret: SecretString,
    organization_slug: Option<String>,
}

impl UniversalAuth {
    /// A client id and secret.
    ///
    /// ```
    /// use infisical_config::auth::UniversalAuth;
    ///
    /// let pair = UniversalAuth::new("client-id", String::from("client-secret"));
    /// assert_eq!(pair.client_id(), "client-id");
    /// ```
    #[must_use]
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        UniversalAuth { client_id: client_id.into(), client_secret: client_secret.into(), organization_slug: None }
    }

    /// Logs in to this sub-organization (`organizationSlug`).
    ///
    /// ```
    /// use infisical_config::auth::UniversalAuth;
    ///
    /// let pair = UniversalAuth::new("client-id", "client-secret").organization_slug("team-a");
    /// assert!(format!("{pair:?}").contains("team-a"));
    /// ```
    #[must_use]
    pub fn organization_slug(mut self, slug: impl Into<String>) -> Self {
        self.organization_slug = Some(slug.into());
        self
    }

    /// The client id.
    ///
    /// ```
    /// use infisical_config::auth::UniversalAuth;
    ///
    /// assert_eq!(UniversalAuth::new("client-id", "client-secret").client_id(), "client-id");
    /// ```
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(crate) fn secret(&self) -> &SecretString {
        &self.client_secret
    }

    pub(crate) fn org(&self) -> Option<&str> {
        self.organization_slug.as_deref()
    }
}

impl fmt::Debug for UniversalAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UniversalAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("organization_slug", &self.organization_slug)
            .finish()
    }
}

/// An access token, with its expiry when known: token auth (an identity access token created in
/// Infisical), or a user's CLI login bound to its site.
///
/// ```
/// use infisical_config::auth::{AccessToken, Credentials};
///
/// let token = AccessToken::new("an-identity-access-token");
/// assert_eq!(token.expires_at(), None); // not a JWT: never expires client-side
/// let creds = Credentials::AccessToken(token.bound_to("https://infisical.example.com"));
/// assert_eq!(creds.describe(), "access token for https://infisical.example.com");
/// ```
#[derive(Clone)]
pub struct AccessToken {
    token: SecretString,
    expires_at: Option<SystemTime>,
    bound_to: Option<String>,
}

impl AccessToken {
    /// Wraps a token. The JWT `exp` claim, when present, becomes the expiry; a token that is not a JWT,
    /// or a JWT without `exp`, never expires client-side.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use infisical_config::auth::AccessToken;
    ///
    /// // A JWT whose payload is `{"exp":4102444800}` (2100-01-01).
    /// let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJl";
    /// let token = AccessToken::new(jwt);
    /// assert_eq!(token.expires_at(), Some(UNIX_EPOCH + Duration::from_secs(4_102_444_800)));
    /// ```
    #[must_use]
    pub fn new(token: impl Into<SecretString>) -> Self {
        let token = token.into();
        let expires_at = jwt::expiry(token.expose_secret());
        AccessToken { token, expires_at, bound_to: None }
    }

    /// Overrides the expiry.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use infisical_config::auth::AccessToken;
    ///
    /// let in_an_hour = SystemTime::now() + Duration::from_secs(3600);
    /// let token = AccessToken::new("an-opaque-token").with_expiry(Some(in_an_hour));
    /// assert_eq!(token.expires_at(), Some(in_an_hour));
    /// ```
    #[must_use]
    pub fn with_expiry(mut self, expires_at: Option<SystemTime>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// Restricts the token to one Infisical site (`https://host`, no `/api`): the client refuses to send
    /// it anywhere else. Tokens from a user's CLI login are bound this way.
    ///
    /// ```
    /// use infisical_config::auth::AccessToken;
    ///
    /// let token = AccessToken::new("a-user-token").bound_to("https://eu.infisical.com/api");
    /// assert_eq!(token.bound_site(), Some("https://eu.infisical.com"));
    /// ```
    #[must_use]
    pub fn bound_to(mut self, base_url: impl Into<String>) -> Self {
        self.bound_to = Some(crate::site::site_root(&base_url.into()));
        self
    }

    /// When the token expires, if known.
    ///
    /// ```
    /// use infisical_config::auth::AccessToken;
    ///
    /// assert_eq!(AccessToken::new("an-opaque-token").expires_at(), None);
    /// ```
    #[must_use]
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The site the token is restricted to, if any.
    ///
    /// ```
    /// use infisical_config::auth::AccessToken;
    ///
    /// assert_eq!(AccessToken::new("a-token").bound_site(), None);
    /// assert_eq!(AccessToken::new("a-token").bound_to("https://app.infisical.com").bound_site(), Some("https://app.infisical.com"));
    /// ```
    #[must_use]
    pub fn bound_site(&self) -> Option<&str> {
        self.bound_to.as_deref()
    }

    /// The token itself.
    #[must_use]
    pub(crate) fn secret(&self) -> &SecretString {
        &self.token
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("token", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .field("bound_to", &self.bound_to)
            .finish()
    }
}
