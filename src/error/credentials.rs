//! Why credentials could not be had: nothing found (the chain moves on), or something broken.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Why credentials could not be had: reached as [`Error::Credentials`](crate::Error::Credentials)
/// from a client, or directly from a provider or a chain.
///
/// A provider returns [`NotFound`](Self::NotFound) when it has nothing (the chain asks the next one)
/// and another variant when what it found is broken (the chain stops, so a mistake is never hidden
/// by a provider further down).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use infisical_config::testing::FakeInfisical;
/// # let fake = FakeInfisical::builder().start().await;
/// use infisical_config::Error;
/// use infisical_config::auth::CredentialsError;
///
/// let client = fake.client_builder().universal_auth("fake-client-id", "a-wrong-secret").build()?;
/// let err = client.authenticate().await.unwrap_err();
/// assert!(matches!(&err, Error::Credentials(CredentialsError::Rejected { .. })));
/// println!("{err}"); // authentication with universal auth failed: Client Error 401: Invalid credentials ...
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// This provider has nothing to offer; a chain moves on to the next one.
    ///
    /// Seen alone only when you ask one provider yourself; from a chain, it becomes part of
    /// [`NoneFound`](Self::NoneFound). Return it from your own provider when it has nothing.
    #[error("{provider}: {reason}")]
    NotFound {
        /// The provider.
        provider: Cow<'static, str>,
        /// Why it passed.
        reason: String,
    },
    /// This provider found credentials that cannot be used (half a pair, both a token and a pair, a
    /// malformed value, an unreadable token file or CLI vault); a chain stops here.
    ///
    /// Fix what it names (the variable, the file), or remove it so the next provider is asked.
    #[error("{provider}: {reason}")]
    Invalid {
        /// The provider.
        provider: Cow<'static, str>,
        /// What is wrong.
        reason: String,
        /// The error behind it (an unreadable file, a failed decryption), when there is one.
        #[source]
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
    /// The access token given to the client (by the builder, the environment or the CLI login) has
    /// expired; a given token cannot be renewed.
    ///
    /// Supply a new token, run `infisical login` again, or use credentials the client can log in with
    /// itself (Universal Auth, a machine identity's login), which it renews.
    #[error("{provider}: the access token expired {ago}; supply a new one")]
    Expired {
        /// Where the token came from.
        provider: Cow<'static, str>,
        /// How long ago, in words.
        ago: String,
    },
    /// A token restricted to one site would have been sent to another: the Infisical CLI's login is
    /// for one site and the client talks to another. Nothing was sent.
    ///
    /// Point the client at the login's site, or log the CLI in to the client's (`infisical login
    /// --domain ...`), or give the client credentials of its own.
    #[error("refusing to send the access token from {provider}, issued for {issued_for}, to {target}")]
    SiteMismatch {
        /// Where the token came from.
        provider: Cow<'static, str>,
        /// The site the token belongs to.
        issued_for: String,
        /// The site the client talks to.
        target: String,
    },
    /// The server refused to log in or renew: an unknown client id or identity (404), a wrong secret
    /// (401), an identity not allowed to use that method or from that address (403).
    ///
    /// The server's answer is its `source` and in its text: fix the credentials or the identity's
    /// settings in Infisical. Trying again will not help.
    #[error("authentication with {method} failed: {source}")]
    Rejected {
        /// The authentication method.
        method: &'static str,
        /// The server's answer.
        #[source]
        source: Arc<crate::error::ApiError>,
    },
    /// No provider in the chain found credentials: its text lists every provider asked and why each
    /// passed.
    ///
    /// Give the client credentials: on the builder, in the environment (`INFISICAL_CLIENT_ID` and
    /// `INFISICAL_CLIENT_SECRET`, `INFISICAL_TOKEN`, ...; see
    /// [`EnvCredentials`](crate::auth::EnvCredentials)), or by `infisical login`.
    #[error("no Infisical credentials found; providers asked:{}", fmt_attempts(.attempts))]
    NoneFound {
        /// Every provider asked, and why it passed.
        attempts: Vec<Attempt>,
    },
    /// The provider failed for another reason (the task reading the CLI login could not run, say); a
    /// chain stops here. Your own provider may return it for a failure that is neither an absence nor
    /// broken credentials (its secrets store did not answer).
    ///
    /// Its text says what failed; asking again may succeed once the cause is gone.
    #[error("{provider}: {reason}")]
    Provider {
        /// The provider.
        provider: Cow<'static, str>,
        /// What failed.
        reason: String,
    },
}

fn fmt_attempts(attempts: &[Attempt]) -> String {
    attempts.iter().map(|a| format!("\n  - {}: {}", a.provider, a.outcome)).collect()
}

impl CredentialsError {
    /// "Nothing here": the chain asks the next provider.
    ///
    /// ```
    /// use infisical_config::auth::CredentialsError;
    ///
    /// let err = CredentialsError::not_found("vault", "VAULT_ADDR is not set");
    /// assert!(err.is_not_found());
    /// assert_eq!(err.to_string(), "vault: VAULT_ADDR is not set");
    /// ```
    #[must_use]
    pub fn not_found(provider: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        CredentialsError::NotFound { provider: provider.into(), reason: reason.into() }
    }

    /// "Something here, and it is broken": the chain stops.
    ///
    /// ```
    /// use infisical_config::auth::CredentialsError;
    ///
    /// let err = CredentialsError::invalid("vault", "the secret at infisical/app holds no client_id");
    /// assert!(!err.is_not_found());
    /// assert_eq!(err.to_string(), "vault: the secret at infisical/app holds no client_id");
    /// ```
    #[must_use]
    pub fn invalid(provider: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        CredentialsError::Invalid { provider: provider.into(), reason: reason.into(), source: None }
    }

    /// "Something here, and it is broken", with the error behind it.
    ///
    /// ```
    /// use std::error::Error as _;
    /// use infisical_config::auth::CredentialsError;
    ///
    /// let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
    /// let err = CredentialsError::invalid_because("vault", "the token file /run/vault/token cannot be read", io);
    /// assert_eq!(err.source().map(|e| e.to_string()).as_deref(), Some("permission denied"));
    /// ```
    #[must_use]
    pub fn invalid_because(
        provider: impl Into<Cow<'static, str>>,
        reason: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        CredentialsError::Invalid { provider: provider.into(), reason: reason.into(), source: Some(Arc::new(source)) }
    }

    /// True when a chain should move on to the next provider.
    ///
    /// ```
    /// use infisical_config::auth::CredentialsError;
    ///
    /// assert!(CredentialsError::not_found("vault", "not configured").is_not_found());
    /// assert!(!CredentialsError::invalid("vault", "half a pair").is_not_found());
    /// ```
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, CredentialsError::NotFound { .. })
    }
}

/// One provider asked by a chain: an entry of [`ChainReport::attempts`](crate::auth::ChainReport::attempts)
/// and of [`CredentialsError::NoneFound`].
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use infisical_config::auth::{AttemptOutcome, CredentialsChain, EnvCredentials};
/// use infisical_config::EnvSource;
/// use infisical_config::auth::CredentialsError;
///
/// let chain = CredentialsChain::first_try("environment", EnvCredentials::new(EnvSource::from_pairs::<_, String, String>([])));
/// let Err(CredentialsError::NoneFound { attempts }) = chain.resolve().await else { unreachable!() };
/// assert_eq!(attempts[0].provider, "environment");
/// assert!(matches!(attempts[0].outcome, AttemptOutcome::Passed(_)));
/// # });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The provider's name.
    pub provider: String,
    /// What it answered.
    pub outcome: AttemptOutcome,
}

/// What a provider answered; its `Display` is the line a [`ChainReport`](crate::auth::ChainReport)
/// prints.
///
/// ```
/// use infisical_config::auth::AttemptOutcome;
///
/// assert_eq!(AttemptOutcome::Passed("no INFISICAL_TOKEN".into()).to_string(), "passed: no INFISICAL_TOKEN");
/// assert_eq!(AttemptOutcome::NotAsked.to_string(), "not asked");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// It found credentials of this kind.
    Found(String),
    /// It had nothing, for this reason.
    Passed(String),
    /// It failed, and the chain stopped.
    Failed(String),
    /// An earlier provider answered, so it was not asked.
    NotAsked,
}

impl fmt::Display for AttemptOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttemptOutcome::Found(kind) => write!(f, "found {kind}"),
            AttemptOutcome::Passed(reason) => write!(f, "passed: {reason}"),
            AttemptOutcome::Failed(err) => write!(f, "failed: {err}"),
            AttemptOutcome::NotAsked => f.write_str("not asked"),
        }
    }
}
