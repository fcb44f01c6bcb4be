//! The [`ClientBuilder`]'s credentials: given in code, or where the default chain looks for them.

use std::borrow::Cow;
use std::sync::Arc;

use secrecy::SecretString;

use super::ClientBuilder;
use crate::auth::{
    AccessToken, ChainPosition, Credentials, CredentialsChain, KeyringReader, ProvideCredentials, UniversalAuth,
};

impl ClientBuilder {
    /// Logs in with this Universal Auth pair (first in the credential chain).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::testing::{FakeInfisical, CLIENT_ID, CLIENT_SECRET};
    /// # use infisical_config::EnvSource;
    /// # let fake = FakeInfisical::builder().start().await;
    /// # let (client_id, client_secret) = (CLIENT_ID, CLIENT_SECRET.to_owned());
    /// use infisical_config::Client;
    ///
    /// let client = Client::builder()
    ///     .site(fake.uri())
    ///     .universal_auth(client_id, client_secret)
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// client.authenticate().await?; // logs in now
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn universal_auth(self, client_id: impl Into<String>, client_secret: impl Into<SecretString>) -> Self {
        self.credentials(Credentials::UniversalAuth(UniversalAuth::new(client_id, client_secret)))
    }

    /// Uses this access token (first in the credential chain). It cannot be refreshed; an expired one
    /// fails before any request.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use infisical_config::EnvSource;
    /// # let token = String::from("an-identity-access-token");
    /// use infisical_config::Client;
    ///
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com")
    ///     .access_token(token)
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// assert_eq!(client.explain_credentials().await.chosen(), Some("explicit"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn access_token(self, token: impl Into<SecretString>) -> Self {
        self.credentials(Credentials::AccessToken(AccessToken::new(token)))
    }

    /// Uses these credentials (first in the credential chain), whatever their kind: a Universal Auth
    /// pair scoped to a sub-organization, say (`Credentials::UniversalAuth(UniversalAuth::new(..).organization_slug(..))`),
    /// or a Kubernetes, AWS IAM, GCP, Azure, OIDC, JWT or LDAP login
    /// ([`IdentityLogin`](crate::auth::IdentityLogin)). Given twice, the later wins; two of different
    /// kinds are an error at [`build`](Self::build).
    ///
    /// ```
    /// use infisical_config::auth::{Credentials, IdentityLogin, UniversalAuth};
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    /// # let env = || EnvSource::from_pairs::<_, String, String>([]);
    ///
    /// let scoped = UniversalAuth::new("client-id", "client-secret").organization_slug("team-a");
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com")
    ///     .credentials(Credentials::UniversalAuth(scoped))
    /// # .env_source(env())
    ///     .build()?;
    /// # let _ = client;
    ///
    /// // Two kinds at once is a mistake, reported by `build`.
    /// let err = Client::builder()
    ///     .site("https://infisical.example.com")
    ///     .access_token("a-token")
    ///     .credentials(IdentityLogin::kubernetes("2b3c"))
    /// # .env_source(env())
    ///     .build()
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("choose one"));
    /// println!("{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        let credentials = credentials.into();
        if let Some(before) = &self.explicit
            && std::mem::discriminant(before) != std::mem::discriminant(&credentials)
        {
            self.explicit_clash = Some((before.describe(), credentials.describe()));
        }
        self.explicit = Some(credentials);
        self
    }

    crate::setters::setters! {
        /// Whether the chain reads credentials from environment variables (default true).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use infisical_config::{Client, EnvSource};
        ///
        /// let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "a-token")]);
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .env_source(env)
        ///     .env_credentials(false)
        ///     .build()?;
        /// let report = client.explain_credentials().await;
        /// assert_eq!(report.chosen(), None); // INFISICAL_TOKEN is not read
        /// assert!(report.attempts.iter().all(|a| a.provider != "environment"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        env_credentials(enabled: bool) => env_credentials = enabled;

        /// Whether the chain reuses the Infisical CLI's login (default true).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use infisical_config::{Client, EnvSource};
        /// use infisical_config::testing::FakeCliLogin;
        ///
        /// let home = tempfile::tempdir()?; // where `infisical login` left its files
        /// FakeCliLogin::new("dev@example.org", "a-user-token").site("https://infisical.example.com").write_file_vault(home.path())?;
        /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
        /// let builder = || Client::builder().site("https://infisical.example.com").env_source(env.clone());
        ///
        /// assert_eq!(builder().build()?.explain_credentials().await.chosen(), Some("infisical-cli"));
        /// assert_eq!(builder().cli_login(false).build()?.explain_credentials().await.chosen(), None);
        /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
        /// ```
        cli_login(enabled: bool) => cli_login = enabled;

        /// Reads the Infisical CLI's `auto` vault from this keyring instead of the OS's (tests inject a mock).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use infisical_config::auth::{KeyringError, KeyringReader};
        /// use infisical_config::testing::FakeCliLogin;
        /// use infisical_config::{Client, EnvSource};
        /// use zeroize::Zeroizing;
        ///
        /// /// A keyring holding one entry.
        /// #[derive(Debug)]
        /// struct OneEntry(String);
        ///
        /// impl KeyringReader for OneEntry {
        ///     fn read(&self, _service: &str, _account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
        ///         Ok(Some(Zeroizing::new(self.0.clone().into_bytes())))
        ///     }
        /// }
        ///
        /// let home = tempfile::tempdir()?;
        /// let login = FakeCliLogin::new("dev@example.org", "a-user-token").site("https://infisical.example.com");
        /// login.write_config(home.path(), "auto")?; // the login itself is in the keyring
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .env_source(EnvSource::from_pairs::<_, String, String>([]).with_home(home.path()))
        ///     .cli_keyring(OneEntry(login.credentials_json()))
        ///     .build()?;
        /// assert_eq!(client.explain_credentials().await.chosen(), Some("infisical-cli"));
        /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
        /// ```
        cli_keyring(reader: impl KeyringReader + 'static) => cli_keyring = Some(Arc::new(reader));
    }

    /// Adds a custom provider to the default chain, at `position`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::auth::{ChainPosition, Credentials, provide_credentials_fn};
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    ///
    /// let vault = provide_credentials_fn(|| async { Ok(Credentials::universal_auth("client-id", "from-vault")) });
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com")
    ///     .credentials_provider(ChainPosition::First, "vault", vault)
    /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// let report = client.explain_credentials().await;
    /// assert_eq!(report.chosen(), Some("vault"));
    /// assert_eq!(report.attempts[0].provider, "vault");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn credentials_provider(
        mut self,
        position: ChainPosition,
        name: impl Into<Cow<'static, str>>,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.custom.push((position, name.into(), Arc::new(provider)));
        self
    }

    crate::setters::setters! {
        /// Replaces the whole default chain with this one.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// use infisical_config::auth::{CredentialsChain, EnvCredentials};
        /// use infisical_config::{Client, EnvSource};
        ///
        /// let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "a-token")]);
        /// let client = Client::builder()
        ///     .site("https://infisical.example.com")
        ///     .credentials_chain(CredentialsChain::first_try("environment only", EnvCredentials::new(env)))
        /// # .env_source(EnvSource::from_pairs::<_, String, String>([]))
        ///     .build()?;
        /// let report = client.explain_credentials().await;
        /// assert_eq!(report.attempts.len(), 1); // no explicit credentials, no CLI login
        /// assert_eq!(report.chosen(), Some("environment only"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        credentials_chain(chain: CredentialsChain) => chain = Some(chain);
    }
}
