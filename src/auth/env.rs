//! Credentials from environment variables.

use super::{BoxFuture, Credentials, CredentialsError, ProvideCredentials, UniversalAuth};
use crate::EnvSource;

const CLIENT_ID: &[&str] = &["INFISICAL_CLIENT_ID", "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID"];
const CLIENT_SECRET: &[&str] = &["INFISICAL_CLIENT_SECRET", "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET"];
const TOKEN: &[&str] = &["INFISICAL_TOKEN", "INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN", "INFISICAL_ACCESS_TOKEN"];
const ORGANIZATION: &str = "INFISICAL_AUTH_ORGANIZATION_SLUG";

/// Credentials from environment variables.
///
/// | variables | credentials |
/// |---|---|
/// | `INFISICAL_CLIENT_ID` + `INFISICAL_CLIENT_SECRET` (or `INFISICAL_UNIVERSAL_AUTH_CLIENT_ID` + `_SECRET`) | Universal Auth; `INFISICAL_AUTH_ORGANIZATION_SLUG` scopes it |
/// | `INFISICAL_TOKEN`, `INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN` or `INFISICAL_ACCESS_TOKEN` | an access token |
///
/// A client id and secret win over a token. Half a pair is an error that stops the chain (it is a
/// mistake, not an absence); no variable at all passes to the next provider.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use infisical_config::auth::{Credentials, EnvCredentials, ProvideCredentials};
/// use infisical_config::EnvSource;
///
/// let env = EnvSource::from_pairs([("INFISICAL_CLIENT_ID", "id"), ("INFISICAL_CLIENT_SECRET", "secret")]);
/// let creds = EnvCredentials::new(env).provide_credentials().await.unwrap();
/// assert!(matches!(creds, Credentials::UniversalAuth(ua) if ua.client_id() == "id"));
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct EnvCredentials {
    env: EnvSource,
}

impl EnvCredentials {
    /// Reads this environment.
    #[must_use]
    pub fn new(env: EnvSource) -> Self {
        EnvCredentials { env }
    }

    fn find(&self) -> Result<Credentials, CredentialsError> {
        const NAME: &str = "environment";
        match (self.env.first_of(CLIENT_ID), self.env.first_of(CLIENT_SECRET)) {
            (Some((_, id)), Some((_, secret))) => {
                let mut ua = UniversalAuth::new(id.trim(), secret.trim().to_owned());
                if let Some(org) = self.env.non_empty(ORGANIZATION) {
                    ua = ua.organization_slug(org.trim());
                }
                Ok(Credentials::UniversalAuth(ua))
            }
            (Some((set, _)), None) => Err(CredentialsError::invalid(
                NAME,
                format!("{set} is set but no client secret is ({} are empty or unset)", CLIENT_SECRET.join(", ")),
            )),
            (None, Some((set, _))) => Err(CredentialsError::invalid(
                NAME,
                format!("{set} is set but no client id is ({} are empty or unset)", CLIENT_ID.join(", ")),
            )),
            (None, None) => match self.env.first_of(TOKEN) {
                Some((_, token)) => Ok(Credentials::access_token(token.trim().to_owned())),
                None => Err(CredentialsError::not_found(
                    NAME,
                    format!("none of {}, {} is set", CLIENT_ID.join(", "), TOKEN.join(", ")),
                )),
            },
        }
    }
}

impl ProvideCredentials for EnvCredentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(std::future::ready(self.find()))
    }
}
