//! The default credential chain, assembled in one place: explicit credentials, the environment, the
//! Infisical CLI's login, and custom providers at the positions they name.

use std::borrow::Cow;
use std::sync::Arc;

use super::chain::Explicit;
use super::{ChainPosition, CliLogin, Credentials, CredentialsChain, EnvCredentials, ProvideCredentials};
use crate::EnvSource;

/// The client builder's default chain, link by link; [`build`](DefaultChainBuilder::build) puts them
/// in order: custom providers at [`ChainPosition::First`], the explicit credentials, those at
/// `AfterExplicit`, the environment, those at `AfterEnvironment`, the CLI login, those at `Last`.
/// Providers at one position keep the order they were added in.
#[derive(Default)]
#[must_use]
pub(crate) struct DefaultChainBuilder {
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
    pub(crate) fn explicit(mut self, credentials: impl Into<Option<Credentials>>) -> Self {
        self.explicit = credentials.into();
        self
    }

    /// Reads `INFISICAL_CLIENT_ID`/`_SECRET`, `INFISICAL_TOKEN`, ... from this environment.
    pub(crate) fn environment(mut self, env: EnvSource) -> Self {
        self.environment = Some(env);
        self
    }

    /// Reuses this Infisical CLI login (bind it to the client's site with [`CliLogin::for_site`]).
    pub(crate) fn cli_login(mut self, login: CliLogin) -> Self {
        self.cli_login = Some(login);
        self
    }

    /// Adds a custom provider at `position`.
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
    pub(crate) fn build(self) -> CredentialsChain {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{CredentialsError, provide_credentials_fn};

    #[test]
    fn the_default_chain_owns_its_order() {
        let none = || -> Arc<dyn ProvideCredentials> {
            Arc::new(provide_credentials_fn(|| async { Err(CredentialsError::not_found("x", "none")) }))
        };
        let chain = DefaultChainBuilder::default()
            .shared_provider(ChainPosition::Last, "last".into(), none())
            .shared_provider(ChainPosition::AfterEnvironment, "after-env".into(), none())
            .shared_provider(ChainPosition::First, "first".into(), none())
            .shared_provider(ChainPosition::AfterExplicit, "after-explicit".into(), none())
            .shared_provider(ChainPosition::First, "first-2".into(), none())
            .environment(EnvSource::from_pairs::<_, String, String>([]))
            .cli_login(CliLogin::new(EnvSource::from_pairs::<_, String, String>([])))
            .build();
        assert_eq!(
            chain.names(),
            ["first", "first-2", "explicit", "after-explicit", "environment", "after-env", "infisical-cli", "last"]
        );
    }
}
