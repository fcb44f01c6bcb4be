//! Why credentials could not be had: nothing found (the chain moves on), or something broken.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Why credentials could not be had.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// This provider has nothing to offer; a chain moves on to the next one.
    #[error("{provider}: {reason}")]
    NotFound {
        /// The provider.
        provider: Cow<'static, str>,
        /// Why it passed.
        reason: String,
    },
    /// This provider found credentials that cannot be used (half a pair, both a token and a pair, a
    /// malformed value); a chain stops here.
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
    /// The token has expired and cannot be renewed.
    #[error("{provider}: the access token expired {ago}; supply a new one")]
    Expired {
        /// Where the token came from.
        provider: Cow<'static, str>,
        /// How long ago, in words.
        ago: String,
    },
    /// A token restricted to one site would have been sent to another.
    #[error("refusing to send the access token from {provider}, issued for {issued_for}, to {target}")]
    SiteMismatch {
        /// Where the token came from.
        provider: Cow<'static, str>,
        /// The site the token belongs to.
        issued_for: String,
        /// The site the client talks to.
        target: String,
    },
    /// The server refused to log in or renew.
    #[error("authentication with {method} failed: {source}")]
    Rejected {
        /// The authentication method.
        method: &'static str,
        /// The server's answer.
        #[source]
        source: Arc<crate::ApiError>,
    },
    /// No provider in the chain found credentials.
    #[error("no Infisical credentials found; providers asked:{}", fmt_attempts(.attempts))]
    NoneFound {
        /// Every provider asked, and why it passed.
        attempts: Vec<Attempt>,
    },
    /// The provider failed for another reason.
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
    #[must_use]
    pub fn not_found(provider: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        CredentialsError::NotFound { provider: provider.into(), reason: reason.into() }
    }

    /// "Something here, and it is broken": the chain stops.
    #[must_use]
    pub fn invalid(provider: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        CredentialsError::Invalid { provider: provider.into(), reason: reason.into(), source: None }
    }

    /// "Something here, and it is broken", with the error behind it.
    #[must_use]
    pub fn invalid_because(
        provider: impl Into<Cow<'static, str>>,
        reason: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        CredentialsError::Invalid { provider: provider.into(), reason: reason.into(), source: Some(Arc::new(source)) }
    }

    /// True when a chain should move on to the next provider.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, CredentialsError::NotFound { .. })
    }
}

/// One provider asked by a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The provider's name.
    pub provider: String,
    /// What it answered.
    pub outcome: AttemptOutcome,
}

/// What a provider answered.
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
