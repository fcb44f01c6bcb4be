//! The default credential chain, assembled in one place: explicit credentials, the environment, the
//! Infisical CLI's login, and custom providers at the positions they name.

use std::borrow::Cow;
use std::sync::Arc;

use super::chain::Explicit;
use super::{ChainPosition, CliLogin, Credentials, CredentialsChain, EnvCredentials, ProvideCredentials};
use crate::EnvSource;

/// Builds the default chain link by link; [`build`](DefaultChainBuilder::build) puts them in order.
///
/// The order is: custom providers at [`ChainPosition::First`], the explicit credentials, those at
/// `AfterExplicit`, the environment, those at `AfterEnvironment`, the CLI login, those at `Last`.
/// Providers at one position keep the order they were added in. A client builder makes this chain
/// unless given another; build one yourself to inspect it or to start from it.
///
/// ```
/// use infisical_config::auth::{ChainPosition, Credentials, DefaultChain, provide_credentials_fn};
/// use infisical_config::EnvSource;
///
/// let chain = DefaultChain::builder()
///     .explicit(Credentials::access_token("a-token"))
///     .environment(EnvSource::from_pairs::<_, String, String>([]))
///     .provider(ChainPosition::AfterEnvironment, "vault", provide_credentials_fn(|| async {
///         Err(infisical_config::CredentialsError::not_found("vault", "not configured"))
///     }))
///     .build();
/// assert_eq!(chain.names(), ["explicit", "environment", "vault"]);
/// ```
#[derive(Clone, Debug)]
pub struct DefaultChain;

impl DefaultChain {
    /// A builder with no link yet.
    pub fn builder() -> DefaultChainBuilder {
        DefaultChainBuilder::default()
    }
}

/// The links of a [`DefaultChain`] before they are put in order.
#[derive(Default)]
#[must_use]
pub struct DefaultChainBuilder {
    explicit: Option<Credentials>,
    environment: Option<EnvSource>,
    cli_login: Option<CliLogin>,
    custom: Vec<(ChainPosition, Cow<'static, str>, Arc<dyn ProvideCredentials>)>,
}

impl std::fmt::Debug for DefaultChainBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultChainBuilder")
            .field("explicit", &self.explicit)
            .field("environment", &self.environment.is_some())
            .field("cli_login", &self.cli_login)
            .field("custom", &self.custom.iter().map(|(p, n, _)| (p, n)).collect::<Vec<_>>())
            .finish()
    }
}

impl DefaultChainBuilder {
    /// Credentials given in code: always the first built-in link (it passes when none are given).
    pub fn explicit(mut self, credentials: impl Into<Option<Credentials>>) -> Self {
        self.explicit = credentials.into();
        self
    }

    /// Reads `INFISICAL_CLIENT_ID`/`_SECRET`, `INFISICAL_TOKEN`, ... from this environment.
    pub fn environment(mut self, env: EnvSource) -> Self {
        self.environment = Some(env);
        self
    }

    /// Reuses this Infisical CLI login (bind it to the client's site with [`CliLogin::for_site`]).
    pub fn cli_login(mut self, login: CliLogin) -> Self {
        self.cli_login = Some(login);
        self
    }

    /// Adds a custom provider at `position`.
    pub fn provider(
        self,
        position: ChainPosition,
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.shared_provider(position, name.into(), Arc::new(provider))
    }

    pub(crate) fn shared_provider(
        mut self,
        position: ChainPosition,
        name: Cow<'static, str>,
        provider: Arc<dyn ProvideCredentials>,
    ) -> Self {
        self.custom.push((position, name, provider));
        self
    }

    /// The chain, in order.
    #[must_use]
    pub fn build(self) -> CredentialsChain {
        let mut chain = CredentialsChain::new();
        let custom_at = |chain: &mut CredentialsChain, at: ChainPosition| {
            for (_, name, provider) in self.custom.iter().filter(|(p, _, _)| *p == at) {
                chain.push_arc(name.clone(), provider.clone());
            }
        };
        custom_at(&mut chain, ChainPosition::First);
        chain.push_arc("explicit".into(), Arc::new(Explicit(self.explicit)));
        custom_at(&mut chain, ChainPosition::AfterExplicit);
        if let Some(env) = self.environment {
            chain.push_arc("environment".into(), Arc::new(EnvCredentials::new(env)));
        }
        custom_at(&mut chain, ChainPosition::AfterEnvironment);
        if let Some(login) = self.cli_login {
            chain.push_arc("infisical-cli".into(), Arc::new(login));
        }
        custom_at(&mut chain, ChainPosition::Last);
        chain
    }
}
