//! Asking credential providers in order.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use tracing::Instrument;

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials};
pub use crate::error::credentials::{Attempt, AttemptOutcome};

/// Providers asked in order until one finds credentials.
///
/// A provider answering [`CredentialsError::NotFound`] passes to the next; any other error stops the
/// chain. When every provider passes, the error lists each one and its reason.
///
/// ```
/// use infisical_config::auth::{CredentialsChain, EnvCredentials, provide_credentials_fn, Credentials};
/// use infisical_config::EnvSource;
///
/// let chain = CredentialsChain::first_try("environment", EnvCredentials::new(EnvSource::from_pairs([("INFISICAL_TOKEN", "t")])))
///     .or_else("fallback", provide_credentials_fn(|| async { Ok(Credentials::access_token("other")) }));
/// assert_eq!(chain.names(), ["environment", "fallback"]);
/// ```
#[derive(Clone, Debug, Default)]
pub struct CredentialsChain {
    providers: Vec<(Cow<'static, str>, Arc<dyn ProvideCredentials>)>,
}

/// Where to put a custom provider in the client's default chain
/// ([`ClientBuilder::credentials_provider`](crate::ClientBuilder::credentials_provider)).
///
/// The default chain asks: providers at [`First`](Self::First), the builder's explicit credentials
/// (`explicit`), those at [`AfterExplicit`](Self::AfterExplicit), the environment (`environment`),
/// those at [`AfterEnvironment`](Self::AfterEnvironment), the Infisical CLI's login (`infisical-cli`),
/// those at [`Last`](Self::Last). Providers at one position keep the order they were added in.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// use infisical_config::auth::{ChainPosition, CredentialsError, provide_credentials_fn};
/// use infisical_config::Client;
/// # use infisical_config::EnvSource;
///
/// let vault = provide_credentials_fn(|| async { Err(CredentialsError::not_found("vault", "not configured")) });
/// let client = Client::builder()
///     .site("https://infisical.example.com")
///     .credentials_provider(ChainPosition::AfterEnvironment, "vault", vault)
/// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
///     .build()?;
/// let report = client.explain_credentials().await;
/// let order: Vec<&str> = report.attempts.iter().map(|a| a.provider.as_str()).collect();
/// assert_eq!(order, ["explicit", "environment", "vault", "infisical-cli"]);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ChainPosition {
    /// Before everything, even the builder's explicit credentials.
    First,
    /// After the builder's explicit credentials, before the environment.
    AfterExplicit,
    /// After the environment, before the Infisical CLI login.
    AfterEnvironment,
    /// At the end, after the Infisical CLI login.
    #[default]
    Last,
}

impl CredentialsChain {
    /// An empty chain; it finds nothing until providers are added.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use infisical_config::auth::{Credentials, CredentialsChain, provide_credentials_fn};
    ///
    /// let empty = CredentialsChain::new();
    /// assert!(empty.names().is_empty());
    /// let err = empty.resolve().await.unwrap_err();
    /// println!("{err}"); // no Infisical credentials found; providers asked:
    ///
    /// let chain = CredentialsChain::new().or_else("fixed", provide_credentials_fn(|| async { Ok(Credentials::access_token("t")) }));
    /// assert_eq!(chain.names(), ["fixed"]);
    /// # });
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A chain that asks this provider first.
    ///
    /// ```
    /// use infisical_config::auth::{CredentialsChain, EnvCredentials};
    /// use infisical_config::EnvSource;
    ///
    /// let chain = CredentialsChain::first_try("environment", EnvCredentials::new(EnvSource::from_pairs([("INFISICAL_TOKEN", "t")])));
    /// assert_eq!(chain.names(), ["environment"]);
    /// ```
    #[must_use]
    pub fn first_try(name: impl Into<Cow<'static, str>>, provider: impl ProvideCredentials + 'static) -> Self {
        Self::new().or_else(name, provider)
    }

    /// Asks this provider after the ones already in the chain.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use infisical_config::auth::{Credentials, CredentialsChain, EnvCredentials, provide_credentials_fn};
    /// use infisical_config::EnvSource;
    ///
    /// let empty_env = EnvCredentials::new(EnvSource::from_pairs::<_, String, String>([]));
    /// let chain = CredentialsChain::first_try("environment", empty_env)
    ///     .or_else("fallback", provide_credentials_fn(|| async { Ok(Credentials::access_token("t")) }));
    /// let (from, _creds) = chain.resolve().await?; // the environment passes: the fallback answers
    /// assert_eq!(from, "fallback");
    /// # Ok::<(), infisical_config::auth::CredentialsError>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn or_else(mut self, name: impl Into<Cow<'static, str>>, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push((name.into(), Arc::new(provider)));
        self
    }

    pub(crate) fn push_arc(&mut self, name: Cow<'static, str>, provider: Arc<dyn ProvideCredentials>) {
        self.providers.push((name, provider));
    }

    /// The providers' names, in the order they are asked.
    ///
    /// ```
    /// use infisical_config::auth::{CliLogin, CredentialsChain, EnvCredentials};
    /// use infisical_config::EnvSource;
    ///
    /// let env = EnvSource::from_pairs::<_, String, String>([]);
    /// let chain = CredentialsChain::first_try("environment", EnvCredentials::new(env.clone()))
    ///     .or_else("infisical-cli", CliLogin::new(env));
    /// assert_eq!(chain.names(), ["environment", "infisical-cli"]);
    /// ```
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        self.providers.iter().map(|(n, _)| n.as_ref()).collect()
    }

    /// Asks the providers in order and returns the first credentials found, with the provider's name.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use infisical_config::auth::{Credentials, CredentialsChain, EnvCredentials};
    /// use infisical_config::EnvSource;
    /// use infisical_config::auth::CredentialsError;
    ///
    /// let env = EnvSource::from_pairs([("INFISICAL_CLIENT_ID", "client-id"), ("INFISICAL_CLIENT_SECRET", "client-secret")]);
    /// let (from, creds) = CredentialsChain::first_try("environment", EnvCredentials::new(env)).resolve().await?;
    /// assert_eq!((from.as_ref(), creds.describe().as_str()), ("environment", "universal auth (client id client-id)"));
    ///
    /// // Half a pair is a mistake: the chain stops there and says so.
    /// let half = EnvSource::from_pairs([("INFISICAL_CLIENT_ID", "client-id")]);
    /// let err = CredentialsChain::first_try("environment", EnvCredentials::new(half)).resolve().await.unwrap_err();
    /// assert!(matches!(err, CredentialsError::Invalid { .. }));
    /// println!("{err}");
    /// # Ok::<(), CredentialsError>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// The first error that is not "not found", or [`CredentialsError::NoneFound`] listing every provider.
    pub async fn resolve(&self) -> Result<(Cow<'static, str>, Credentials), CredentialsError> {
        self.run(false).await.0
    }

    /// Asks the chain, as [`resolve`](Self::resolve) does, and reports which provider answered and why
    /// each of the others passed. The report holds no secret.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use infisical_config::auth::{CredentialsChain, EnvCredentials};
    /// use infisical_config::EnvSource;
    ///
    /// let chain = CredentialsChain::first_try("environment", EnvCredentials::new(EnvSource::from_pairs([("INFISICAL_TOKEN", "t")])));
    /// let report = chain.explain().await;
    /// assert_eq!(report.chosen(), Some("environment"));
    /// println!("{report}");
    /// # });
    /// ```
    pub async fn explain(&self) -> ChainReport {
        let (result, mut attempts) = self.run(true).await;
        let asked = attempts.len();
        attempts.extend(
            self.providers[asked.min(self.providers.len())..]
                .iter()
                .map(|(name, _)| Attempt { provider: name.to_string(), outcome: AttemptOutcome::NotAsked }),
        );
        let chosen = result.ok().map(|(name, _)| name.into_owned());
        ChainReport { attempts, chosen }
    }

    /// Asks the providers in order, keeping why each passed (for the error when none answers); with
    /// `report`, also which one answered (for [`explain`](Self::explain)).
    async fn run(&self, report: bool) -> (Result<(Cow<'static, str>, Credentials), CredentialsError>, Vec<Attempt>) {
        let mut attempts = Vec::with_capacity(self.providers.len());
        for (name, provider) in &self.providers {
            let span = tracing::debug_span!("credentials_provider", provider = %name);
            let outcome = provider.provide_credentials().instrument(span).await;
            match outcome {
                Ok(creds) => {
                    tracing::debug!(provider = %name, kind = %creds.describe(), "credentials found");
                    if report {
                        attempts.push(Attempt {
                            provider: name.to_string(),
                            outcome: AttemptOutcome::Found(creds.describe()),
                        });
                    }
                    return (Ok((name.clone(), creds)), attempts);
                }
                Err(CredentialsError::NotFound { reason, .. }) => {
                    tracing::debug!(provider = %name, %reason, "provider passed");
                    attempts.push(Attempt { provider: name.to_string(), outcome: AttemptOutcome::Passed(reason) });
                }
                Err(CredentialsError::NoneFound { attempts: inner }) => {
                    // A nested chain that found nothing is one more provider that passed.
                    let reason =
                        inner.iter().map(|a| format!("{}: {}", a.provider, a.outcome)).collect::<Vec<_>>().join("; ");
                    attempts.push(Attempt { provider: name.to_string(), outcome: AttemptOutcome::Passed(reason) });
                }
                Err(err) => {
                    tracing::debug!(provider = %name, error = %err, "provider failed; chain stops");
                    if report {
                        attempts.push(Attempt {
                            provider: name.to_string(),
                            outcome: AttemptOutcome::Failed(err.to_string()),
                        });
                    }
                    return (Err(err), attempts);
                }
            }
        }
        (Err(CredentialsError::NoneFound { attempts: attempts.clone() }), attempts)
    }
}

impl ProvideCredentials for CredentialsChain {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move { self.resolve().await.map(|(_, c)| c) })
    }
}

/// Which provider of a chain answered, and why the others passed: what
/// [`Client::explain_credentials`](crate::Client::explain_credentials) and
/// [`CredentialsChain::explain`] answer. Its `Display` is a few lines for a log or a terminal; it
/// holds no secret.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use infisical_config::auth::{AttemptOutcome, CliLogin, CredentialsChain, EnvCredentials};
/// use infisical_config::EnvSource;
///
/// let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "a-token")]);
/// let report = CredentialsChain::first_try("infisical-cli", CliLogin::new(env.clone()))
///     .or_else("environment", EnvCredentials::new(env))
///     .explain()
///     .await;
/// assert_eq!(report.chosen(), Some("environment"));
/// assert!(matches!(&report.attempts[0].outcome, AttemptOutcome::Passed(why) if why.contains("no home directory")));
/// println!("{report}");
/// // credentials come from `environment`
/// //   infisical-cli: passed: no home directory to look in
/// //   environment: found token auth (access token)
/// # });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    /// Every provider of the chain, in order.
    pub attempts: Vec<Attempt>,
    chosen: Option<String>,
}

impl ChainReport {
    /// The provider whose credentials are used, if any.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// use infisical_config::auth::{CredentialsChain, EnvCredentials};
    /// use infisical_config::EnvSource;
    ///
    /// let nothing = EnvCredentials::new(EnvSource::from_pairs::<_, String, String>([]));
    /// let report = CredentialsChain::first_try("environment", nothing).explain().await;
    /// assert_eq!(report.chosen(), None);
    /// # });
    /// ```
    #[must_use]
    pub fn chosen(&self) -> Option<&str> {
        self.chosen.as_deref()
    }
}

impl fmt::Display for ChainReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.chosen {
            Some(name) => writeln!(f, "credentials come from `{name}`")?,
            None => writeln!(f, "no provider supplied credentials")?,
        }
        for a in &self.attempts {
            writeln!(f, "  {}: {}", a.provider, a.outcome)?;
        }
        Ok(())
    }
}

/// The credentials given to the client builder, first in the default chain.
#[derive(Debug)]
pub(crate) struct Explicit(pub(crate) Option<Credentials>);

impl ProvideCredentials for Explicit {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let found =
            self.0.clone().ok_or_else(|| CredentialsError::not_found("explicit", "none given to the client builder"));
        Box::pin(std::future::ready(found))
    }
}
