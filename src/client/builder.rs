//! [`ClientBuilder`]: what a client needs, read from the builder, then the environment, then files.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::EnvSource;
use crate::auth::token_cache::{RefreshPolicy, Session};
use crate::auth::{
    ChainPosition, CliLogin, Credentials, CredentialsChain, CredentialsError, DefaultChainBuilder, KeyringReader,
    ProvideCredentials,
};
use crate::error::{Error, Result};
use crate::project_file::ProjectFile;
use crate::routes::{ApiVersion, RouteChoice};
use crate::site::{self, SiteSource};
use crate::transport::{RequestBudget, RetryPolicy, Transport};

use super::http::CaSource;
use super::{Client, Inner};

/// Builds a [`Client`]; [`blocking::ClientBuilder`](crate::blocking::ClientBuilder) wraps it for the blocking one.
///
/// Nothing here touches the network. Everything not set is read from the environment (see each setter)
/// or has a sane default.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .site("https://infisical.internal.example")
///     .universal_auth("client-id", "client-secret")
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_retries(5))
///     .header("cf-access-client-id", "abc")
///     .build()?;
/// assert_eq!(client.site().as_str(), "https://infisical.internal.example/");
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    pub(super) site: Option<String>,
    pub(super) env: EnvSource,
    /// Credentials given in code, and the description of another kind given before them (a mistake
    /// reported by `build`).
    pub(super) explicit: Option<Credentials>,
    pub(super) explicit_clash: Option<(String, String)>,
    pub(super) env_credentials: bool,
    pub(super) cli_login: bool,
    pub(super) cli_keyring: Option<Arc<dyn KeyringReader>>,
    pub(super) custom: Vec<(ChainPosition, Cow<'static, str>, Arc<dyn ProvideCredentials>)>,
    pub(super) chain: Option<CredentialsChain>,
    pub(super) connect_timeout: Duration,
    pub(super) timeout: Duration,
    pub(super) attempt_timeout: Duration,
    pub(super) retry: RetryPolicy,
    pub(super) request_budget: Option<RequestBudget>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) ca_certificates: Vec<CaSource>,
    pub(super) accept_invalid_certs: Option<bool>,
    pub(super) follow_redirects: bool,
    pub(super) max_response_bytes: usize,
    pub(super) user_agent: Option<String>,
    pub(super) refresh: RefreshPolicy,
    pub(super) api_version: ApiVersion,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values may be credentials (Cloudflare Access and the like): names only.
        f.debug_struct("ClientBuilder")
            .field("site", &self.site)
            .field("explicit", &self.explicit)
            .field("headers", &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            site: None,
            env: EnvSource::process(),
            explicit: None,
            explicit_clash: None,
            env_credentials: true,
            cli_login: true,
            cli_keyring: None,
            custom: Vec::new(),
            chain: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            attempt_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            request_budget: None,
            headers: Vec::new(),
            ca_certificates: Vec::new(),
            accept_invalid_certs: None,
            follow_redirects: false,
            max_response_bytes: 64 * 1024 * 1024,
            user_agent: None,
            refresh: RefreshPolicy::default(),
            api_version: ApiVersion::Auto,
        }
    }
}

impl ClientBuilder {
    /// Builds the client. No network access happens here.
    ///
    /// ```
    /// use infisical_config::Client;
    /// # use infisical_config::EnvSource;
    /// # let env = || EnvSource::from_pairs::<_, String, String>([]);
    ///
    /// let client = Client::builder()
    ///     .site("https://infisical.example.com")
    /// # .env_source(env())
    ///     .build()?;
    /// assert_eq!(client.site().host_str(), Some("infisical.example.com"));
    ///
    /// let err = Client::builder()
    ///     .site("https://infisical.example.com?team=a")
    /// # .env_source(env())
    ///     .build()
    ///     .unwrap_err();
    /// println!("{err}"); // configuration error: the Infisical URL from ... has a query or fragment ...
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] for a bad site URL (one without its scheme, say), an `https` site on a build
    /// without a TLS feature, or a bad CA certificate; [`Error::InvalidHeader`] for a header
    /// that cannot be sent, [`Error::File`] for a project file that cannot be read or is refused (looked
    /// for only when neither the builder nor the environment names the site);
    /// [`Error::Credentials`] when credentials of two kinds were given (an access token and a Universal
    /// Auth pair, say); [`Error::Config`] for a request budget of 0 a minute.
    pub fn build(self) -> Result<Client> {
        if self.request_budget.as_ref().is_some_and(|b| b.requests_per_minute() == 0) {
            return Err(Error::Config(
                "the request budget allows 0 requests a minute: no request could be sent".into(),
            ));
        }
        if let Some((first, second)) = &self.explicit_clash {
            return Err(CredentialsError::invalid(
                "explicit",
                format!("both {first} and {second} were given; choose one"),
            )
            .into());
        }
        let mut cli = CliLogin::new(self.env.clone());
        if let Some(reader) = self.cli_keyring.clone() {
            cli = cli.shared_keyring(reader);
        }
        let (raw_site, source) = match site::site_from(self.site.as_deref(), &self.env) {
            Some(chosen) => chosen,
            // The project file is looked for only now: a site set by the caller or the environment
            // needs no walk up the directory tree, and is not failed by a file it would not read.
            None => ProjectFile::discover(&self.env)?
                .and_then(|f| f.domain.map(|d| (d, SiteSource::ProjectFile(f.path.display().to_string()))))
                .or_else(|| self.cli_login.then(|| cli.site()).flatten().map(|d| (d, SiteSource::CliLogin)))
                .unwrap_or_else(|| (site::DEFAULT_SITE.to_owned(), SiteSource::Default)),
        };
        let (site, api) = site::parse_site(&raw_site, &source)?;
        if let SiteSource::ProjectFile(file) = &source {
            // A project file sits in a directory others may control (a cloned repository, a parent):
            // it is not trusted like a site the user set.
            if site.scheme() != "https" {
                return Err(Error::Config(format!(
                    "the domain in {file} is plain http; credentials are never sent to a site chosen by a project                      file without TLS (set INFISICAL_URL or the builder's site() to use it)"
                )));
            }
            tracing::warn!(file = %file, site = %site::site_root(site.as_str()), "the Infisical site was chosen by a project file; set INFISICAL_URL to choose it yourself");
        }
        let site_root = site::site_root(site.as_str());
        tracing::debug!(site = %site_root, from = %source, "infisical client configured");

        let http = self.http_client(site.scheme() == "https")?;
        let transport = Transport::new(
            http,
            api,
            self.retry.clone(),
            self.attempt_timeout,
            self.max_response_bytes,
            self.request_budget.clone(),
        );

        let chain = match self.chain {
            Some(chain) => chain,
            None => {
                let mut links = DefaultChainBuilder::default().explicit(self.explicit);
                if self.env_credentials {
                    links = links.environment(self.env.clone());
                }
                if self.cli_login {
                    links = links.cli_login(cli.for_site(site_root.clone()));
                }
                for (position, name, provider) in self.custom {
                    links = links.shared_provider(position, name, provider);
                }
                links.build()
            }
        };
        let session = Session::new(chain, site_root, self.refresh, self.env);
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                session,
                site,
                call_timeout: self.timeout,
                routes: RouteChoice::new(self.api_version),
                project_ids: Default::default(),
                project_slugs: Default::default(),
            }),
        })
    }
}
