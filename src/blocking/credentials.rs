//! The blocking client builder's credential setters: which credentials the client logs in with, and
//! where the default chain looks for them.

use super::ClientBuilder;

pass_through! {
    /// Logs in with this Universal Auth pair (first in the credential chain); the client renews the
    /// token by itself. See [`crate::ClientBuilder::universal_auth`].
    ///
    /// ```
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// # let (site, client_id, client_secret) = (fake.uri(), CLIENT_ID, CLIENT_SECRET);
    /// let client = infisical_config::blocking::Client::builder()
    ///     .site(site)
    ///     .universal_auth(client_id, client_secret)
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    universal_auth(client_id: impl Into<String>, client_secret: impl Into<secrecy::SecretString>);

    /// Uses this access token (first in the credential chain). It cannot be refreshed; an expired one
    /// fails before any request. See [`crate::ClientBuilder::access_token`].
    ///
    /// ```
    /// # let token = String::from("an-identity-access-token");
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://eu.infisical.com")
    ///     .access_token(token)
    ///     .build()?;
    /// assert_eq!(client.explain_credentials().chosen(), Some("explicit"));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    access_token(token: impl Into<secrecy::SecretString>);

    /// Uses these credentials (first in the credential chain), whatever their kind: Universal Auth,
    /// an access token, or a Kubernetes, AWS, GCP, Azure, OIDC, JWT or LDAP login. Two of different
    /// kinds are an error at [`build`](Self::build). See [`crate::ClientBuilder::credentials`].
    ///
    /// ```
    /// use infisical_config::auth::Credentials;
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// # let (client_id, client_secret) = (CLIENT_ID, CLIENT_SECRET);
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .credentials(Credentials::universal_auth(client_id, client_secret))
    ///     .build()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    credentials(credentials: impl Into<crate::auth::Credentials>);

    /// Whether the chain reads credentials from environment variables (`INFISICAL_TOKEN`,
    /// `INFISICAL_CLIENT_ID` and `INFISICAL_CLIENT_SECRET`, ...; default true). See
    /// [`crate::ClientBuilder::env_credentials`].
    ///
    /// ```
    /// use infisical_config::EnvSource;
    ///
    /// let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "not-for-this-client")]);
    /// let client = infisical_config::blocking::Client::builder()
    ///     .site("https://eu.infisical.com")
    ///     .env_source(env)
    ///     .env_credentials(false)
    ///     .cli_login(false)
    ///     .build()?;
    /// assert_eq!(client.explain_credentials().chosen(), None);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    env_credentials(enabled: bool);

    /// Whether the chain reuses the Infisical CLI's login (`infisical login`; default true). Turn it
    /// off on servers, where a developer's login has no business. See
    /// [`crate::ClientBuilder::cli_login`].
    ///
    /// ```
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://eu.infisical.com")
    ///     .cli_login(false)
    ///     .build()?;
    /// let report = client.explain_credentials();
    /// assert!(report.attempts.iter().all(|a| a.provider != "infisical-cli"));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    cli_login(enabled: bool);

    /// Reads the Infisical CLI's `auto` vault from this keyring instead of the OS's (tests inject
    /// one). See [`crate::ClientBuilder::cli_keyring`].
    ///
    /// ```
    /// use infisical_config::auth::{KeyringError, KeyringReader};
    /// use zeroize::Zeroizing;
    ///
    /// /// A keyring with nothing in it.
    /// #[derive(Debug)]
    /// struct Empty;
    ///
    /// impl KeyringReader for Empty {
    ///     fn read(&self, _service: &str, _account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
    ///         Ok(None)
    ///     }
    /// }
    ///
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://eu.infisical.com")
    ///     .cli_keyring(Empty)
    ///     .build()?;
    /// assert_eq!(client.explain_credentials().chosen(), None);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    cli_keyring(reader: impl crate::auth::KeyringReader + 'static);

    /// Adds a credential provider of your own to the default chain, at `position`. See
    /// [`crate::ClientBuilder::credentials_provider`].
    ///
    /// ```
    /// use infisical_config::auth::{ChainPosition, Credentials, provide_credentials_fn};
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// // Say, a pair a sidecar fetched from a vault.
    /// let vault = provide_credentials_fn(|| async { Ok(Credentials::universal_auth(CLIENT_ID, CLIENT_SECRET)) });
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .credentials_provider(ChainPosition::AfterEnvironment, "vault", vault)
    ///     .build()?;
    /// assert_eq!(client.explain_credentials().chosen(), Some("vault"));
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    credentials_provider(
        position: crate::auth::ChainPosition,
        name: impl Into<std::borrow::Cow<'static, str>>,
        provider: impl crate::auth::ProvideCredentials + 'static
    );

    /// Replaces the whole default chain with this one. See [`crate::ClientBuilder::credentials_chain`].
    ///
    /// ```
    /// use infisical_config::auth::{Credentials, CredentialsChain, provide_credentials_fn};
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().start_blocking();
    ///
    /// let chain = CredentialsChain::first_try(
    ///     "vault",
    ///     provide_credentials_fn(|| async { Ok(Credentials::universal_auth(CLIENT_ID, CLIENT_SECRET)) }),
    /// );
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .site(fake.uri()).env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .credentials_chain(chain)
    ///     .build()?;
    /// assert_eq!(client.explain_credentials().attempts.len(), 1);
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    credentials_chain(chain: crate::auth::CredentialsChain);
}
