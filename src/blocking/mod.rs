//! A blocking client for programs without an async runtime.
//!
//! [`Client`] drives the async [`crate::Client`] on a private single-threaded tokio runtime: one
//! implementation of HTTP, authentication, retries and error handling serves both, and every handler
//! ([`Secrets`], [`Folders`], [`Imports`], [`Projects`], [`Certificates`], [`Kms`],
//! [`DynamicSecrets`]) has the async one's methods, without `.await`. It works outside any runtime,
//! and inside one too (current-thread or multi-thread): there it runs the request on a helper thread
//! rather than nesting runtimes, which would panic.
//!
//! ```
//! use infisical_config::blocking::Client;
//! use infisical_config::resources::ListSecrets;
//! # use infisical_config::testing::FakeInfisical;
//! # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start_blocking();
//! # let (site, project_id) = (fake.uri(), fake.project_id());
//! # let (client_id, client_secret) = (infisical_config::testing::CLIENT_ID, infisical_config::testing::CLIENT_SECRET);
//!
//! let client = Client::builder()
//!     .site(site)
//!     .universal_auth(client_id, client_secret)
//! #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
//!     .build()?;
//! let list = client.secrets().list(&ListSecrets::new(project_id, "dev"))?;
//! assert_eq!(list.secrets[0].key, "API_KEY");
//! # Ok::<(), infisical_config::Error>(())
//! ```

use std::future::Future;
use std::sync::Arc;

use tokio::runtime::{Handle, Runtime};

use crate::auth::ChainReport;
use crate::error::{Error, Result};

/// Declares a blocking handler and the client's getter for it.
macro_rules! handler {
    ($(#[$doc:meta])* struct $name:ident; $(#[$getter_doc:meta])* fn $getter:ident;) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name<'c> {
            pub(super) client: &'c super::Client,
        }

        impl super::Client {
            $(#[$getter_doc])*
            #[must_use]
            pub fn $getter(&self) -> $name<'_> {
                $name { client: self }
            }
        }
    };
}

/// Blocking methods that run the async handler's namesakes (`client.$getter().$method(..)`) on the
/// client's runtime. Each carries its own docs.
macro_rules! blocking_methods {
    ($name:ident, $getter:ident {
        $( $(#[$attr:meta])* fn $method:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*
    }) => {
        impl $name<'_> {
            $(
                $(#[$attr])*
                pub fn $method(&self $(, $arg: $ty)*) -> crate::Result<$ret> {
                    #[allow(deprecated)]
                    self.client.run(self.client.inner.$getter().$method($($arg),*))
                }
            )*
        }
    };
}

/// Blocking client builder setters, each passing through to the async builder's namesake. Each
/// carries its own docs.
macro_rules! pass_through {
    ($( $(#[$attr:meta])* $name:ident ( $($arg:ident : $ty:ty),* ) ; )*) => {
        impl ClientBuilder {
            $(
                $(#[$attr])*
                pub fn $name(self $(, $arg: $ty)*) -> Self {
                    ClientBuilder(self.0.$name($($arg),*))
                }
            )*
        }
    };
}

mod builder;
mod certificates;
mod credentials;
mod dynamic_secrets;
mod folders;
mod imports;
mod kms;
mod pki;
mod projects;
mod secrets;

pub use builder::ClientBuilder;
pub use certificates::Certificates;
pub use dynamic_secrets::DynamicSecrets;
pub use folders::Folders;
pub use imports::Imports;
pub use kms::Kms;
pub use projects::Projects;
pub use secrets::Secrets;

/// A blocking Infisical client: the async [`crate::Client`] for code without `async`, with the same
/// handlers, methods and errors.
///
/// ```
/// use infisical_config::ExposeSecret;
/// use infisical_config::blocking::Client;
/// use infisical_config::resources::ListSecrets;
/// use infisical_config::resources::secrets::GetSecret;
/// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
///
/// fn main() -> Result<(), infisical_config::Error> {
/// #   let fake = FakeInfisical::builder()
/// #       .secret("prod", "/", "DATABASE_URL", "postgres://db.internal/app")
/// #       .secret("prod", "/", "LOG_LEVEL", "info")
/// #       .start_blocking();
/// #   let (site, project_id) = (fake.uri(), fake.project_id());
/// #   let (client_id, client_secret) = (CLIENT_ID, CLIENT_SECRET);
///     // Nothing is sent until the first call; then the client logs in and keeps its token fresh.
///     let client = Client::builder()
///         .site(site)
///         .universal_auth(client_id, client_secret)
/// #       .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
///         .build()?;
///
///     let list = client.secrets().list(&ListSecrets::new(project_id, "prod"))?;
///     let keys: Vec<&str> = list.secrets.iter().map(|s| s.key.as_str()).collect();
///     assert_eq!(keys, ["DATABASE_URL", "LOG_LEVEL"]);
///
///     let url = client.secrets().get(&GetSecret::new(project_id, "prod", "DATABASE_URL"))?;
///     assert!(url.value.expose_secret().starts_with("postgres://"));
///     Ok(())
/// }
/// ```
///
/// Cloning is cheap; clones share the connection pool, the token and the runtime, which stops when
/// the last clone is dropped.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: crate::Client,
    bridge: Arc<Bridge>,
}

impl Client {
    /// Starts a [`ClientBuilder`]: the site, credentials, timeouts and the rest, then
    /// [`build`](ClientBuilder::build).
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::blocking::Client;
    ///
    /// let client = Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://eu.infisical.com")
    ///     .timeout(Duration::from_secs(10))
    ///     .build()?;
    /// assert_eq!(client.site().as_str(), "https://eu.infisical.com/");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured entirely from the environment: the site from `INFISICAL_URL` (or the project
    /// file, or the CLI login), credentials from the default chain (`INFISICAL_CLIENT_ID` and
    /// `INFISICAL_CLIENT_SECRET`, `INFISICAL_TOKEN`, the Infisical CLI's login). The same as
    /// `Client::builder().build()`.
    ///
    /// ```no_run
    /// // Reads the real environment and logs in to the site it names.
    /// let client = infisical_config::blocking::Client::from_env()?;
    /// client.authenticate()?;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ClientBuilder::build`]: [`Error::Config`] for a bad `INFISICAL_URL`, [`Error::File`] for an
    /// unreadable project file. Missing credentials are found at the first call, not here.
    pub fn from_env() -> Result<Client> {
        Self::builder().build()
    }

    /// Wraps an async client: both share the token and the connection pool. For a program that has
    /// an async [`crate::Client`] and needs a blocking one too (a sync library, a `spawn_blocking` task).
    ///
    /// ```
    /// # use infisical_config::testing::FakeInfisical;
    /// use infisical_config::resources::ListSecrets;
    ///
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start_blocking();
    /// let async_client = fake.client_builder().build()?;
    /// let client = infisical_config::blocking::Client::wrap(async_client)?;
    /// let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev"))?;
    /// assert_eq!(list.secrets.len(), 1);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Local`] when the client's runtime cannot start (the system refuses a thread or an I/O
    /// driver).
    pub fn wrap(inner: crate::Client) -> Result<Client> {
        Ok(Client { inner, bridge: Arc::new(Bridge::new()?) })
    }

    /// The async client underneath, for APIs that take a [`crate::Client`]. It shares this client's
    /// token: no second login.
    ///
    /// ```
    /// # use infisical_config::testing::FakeInfisical;
    /// use infisical_config::resources::ListSecrets;
    ///
    /// # let fake = FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start_blocking();
    /// let client = fake.blocking_client_builder().build()?;
    /// let req = ListSecrets::new(fake.project_id(), "dev");
    /// client.secrets().list(&req)?; // logs in
    ///
    /// let rt = tokio::runtime::Runtime::new().unwrap();
    /// let list = rt.block_on(client.as_async().secrets().list(&req))?; // the same token
    /// assert_eq!(list.secrets[0].key, "API_KEY");
    /// assert_eq!(rt.block_on(fake.requests()), 3); // one login, two lists
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// The Infisical site this client talks to (without `/api`).
    ///
    /// ```
    /// let client = infisical_config::blocking::Client::builder()
    /// #   .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
    ///     .site("https://infisical.internal.example/api")
    ///     .build()?;
    /// assert_eq!(client.site().as_str(), "https://infisical.internal.example/");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn site(&self) -> &reqwest::Url {
        self.inner.site()
    }

    /// Logs in now instead of at the first call: a start-up check that the credentials work. See
    /// [`crate::Client::authenticate`].
    ///
    /// ```
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// let client = fake.blocking_client_builder().build()?;
    /// client.authenticate()?;
    ///
    /// let wrong = fake.blocking_client_builder().universal_auth("fake-client-id", "wrong-secret").build()?;
    /// let err = wrong.authenticate().unwrap_err();
    /// assert!(matches!(err, infisical_config::Error::Credentials(_)), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Credentials`] when no provider of the chain has credentials, or the server refuses
    /// them (its text says which provider and why); an error with
    /// [`is_unavailable`](Error::is_unavailable) when the server cannot be reached.
    pub fn authenticate(&self) -> Result<()> {
        self.run(self.inner.authenticate())
    }

    /// Which credential provider answers, and why the others pass; reveals no secret. Print it when
    /// the client does not log in as you expect. See [`crate::Client::explain_credentials`].
    ///
    /// ```
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// let client = fake.blocking_client_builder().build()?;
    /// let report = client.explain_credentials();
    /// assert_eq!(report.chosen(), Some("explicit")); // the builder's `universal_auth`
    /// println!("{report}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn explain_credentials(&self) -> ChainReport {
        self.run(self.inner.explain_credentials())
    }

    /// Revokes the token this client logged in for, so it cannot be used after the program ends.
    /// Returns whether a token was revoked (a token the client was given, or none yet, is left alone).
    /// A later call logs in again. See [`crate::Client::revoke_token`].
    ///
    /// ```
    /// # use infisical_config::testing::FakeInfisical;
    /// # let fake = FakeInfisical::builder().start_blocking();
    /// let client = fake.blocking_client_builder().build()?;
    /// assert!(!client.revoke_token()?); // not logged in yet
    /// client.authenticate()?;
    /// assert!(client.revoke_token()?);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] when the server refuses; an error with [`is_unavailable`](Error::is_unavailable)
    /// when it cannot be reached.
    pub fn revoke_token(&self) -> Result<bool> {
        self.run(self.inner.revoke_token())
    }

    /// Runs a future of the async client to completion.
    pub(crate) fn run<F>(&self, fut: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        self.bridge.run(fut)
    }
}

/// A private current-thread runtime.
#[derive(Debug)]
struct Bridge {
    rt: Option<Runtime>,
}

impl Bridge {
    fn new() -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .thread_name("infisical-config-blocking")
            .build()
            .map_err(|e| Error::Local { what: "could not start the blocking client's runtime", source: Box::new(e) })?;
        Ok(Bridge { rt: Some(rt) })
    }

    fn run<F>(&self, fut: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        let rt = self.rt.as_ref().expect("the runtime lives until the bridge is dropped");
        // On the heap: a load's future is several KiB, and `block_on` moves it down a few frames,
        // each copy touching fresh stack pages (a page fault each, at start-up).
        let fut = Box::pin(fut);
        if Handle::try_current().is_ok() {
            // Inside a runtime `block_on` would panic; a scoped thread may block freely.
            std::thread::scope(|s| s.spawn(|| rt.block_on(fut)).join())
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        } else {
            rt.block_on(fut)
        }
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            if Handle::try_current().is_ok() {
                // Dropping a runtime inside another panics; let it wind down in the background.
                rt.shutdown_background();
            } else {
                // Joins the runtime's threads, so none outlives the client (the env loader relies on it).
                drop(rt);
            }
        }
    }
}
