//! The [`Infisical`] figment provider: secrets as configuration.
//!
//! ```
//! use figment::Figment;
//! use figment::providers::{Format, Toml};
//! use infisical_config::{ExposeSecret, Infisical, SecretString};
//! # let fake = infisical_config::testing::FakeInfisical::builder()
//! #     .secret("prod", "/", "DATABASE_URL", "postgres://db/app")
//! #     .start_blocking();
//! # let client = fake.client_builder().build()?;
//!
//! #[derive(serde::Deserialize)]
//! struct Config {
//!     name: String,
//!     database_url: SecretString,
//! }
//!
//! let config: Config = Figment::new()
//!     .merge(Toml::string(r#"name = "shop""#))
//!     .merge(Infisical::new(fake.project_id(), "prod").client(client))
//!     .extract()
//!     .unwrap();
//! assert_eq!((config.name.as_str(), config.database_url.expose_secret()), ("shop", "postgres://db/app"));
//! # Ok::<(), infisical_config::Error>(())
//! ```
//!
//! # Keys
//!
//! Each secret becomes one string value. Its key is made, in this order:
//!
//! 1. [`prefixed(p)`](Infisical::prefixed): only secrets whose name starts with `p` (any case), which
//!    is then removed: `APP_PORT` → `PORT`;
//! 2. [`nest_folders`](Infisical::nest_folders) (on by default when [`recursive`](Infisical::recursive)):
//!    the folder, relative to the one listed, nests: `/db/HOST` → `db.HOST`;
//! 3. [`split(sep)`](Infisical::split): `sep` in the name nests: `DB__HOST` with `split("__")` → `DB.HOST`;
//! 4. [`lowercase`](Infisical::lowercase) (default on, as figment's `Env`): every part lowercased, to
//!    meet serde's field names: `db.host`.
//!
//! Two secrets that end up at the same key, or one at a key inside the other's (`DB` and `DB__HOST`),
//! are an [`Error::KeyConflict`] naming both, never a silent winner. With several folders
//! ([`paths`](Infisical::paths)), a later folder wins over an earlier one, as `infisical run --path`
//! does; within one folder, own secrets win over imported ones, and a later import over an earlier one.
//!
//! # Values
//!
//! Values are strings exactly as stored: `"0123"` stays `"0123"` and extracts into a `String` or a
//! [`SecretString`](crate::SecretString) field. Numbers and booleans are strings too, so a strict
//! `extract()` into `u16` or `bool` fails (the error names the secret and says what follows). Extract
//! with [`extract_lossy_redacted`](ExtractRedacted::extract_lossy_redacted), figment's
//! [lossy extraction][lossy-extraction] with a redacted error: a number or `bool`
//! field reads `"8080"` or `"true"`, and string fields keep their values as stored.
//! [`parse_values`](Infisical::parse_values) is the other way, with `Env`'s caveat.
//!
//! A secret that no field reads is usually a typo on one side (`DATABSE_URL`):
//! [`extract_checked`](ExtractRedacted::extract_checked) fails naming every such secret, and
//! [`unread_secrets`] lists them, for a test or a start-up check.
//!
//! # Failures
//!
//! The provider fails closed: when Infisical cannot be reached, no credentials are found or the server
//! refuses them, or the project, environment or folder is not there, `extract` fails with this crate's
//! error inside. [`optional()`](Infisical::optional) provides nothing instead, with a warning, only
//! when Infisical cannot be reached or is unavailable ([`Error::is_unavailable`]); a mistake still
//! fails. For typed errors before building the figment, use [`fetch`](Infisical::fetch) or
//! [`fetch_async`](Infisical::fetch_async), whose [`Snapshot`] is a provider too.
//!
//! Extraction errors name the secret a bad value came from (`secret DB_PORT in /db (prod)`). figment's
//! own type errors quote the value they found; pass them through [`redact`] before logging them.
//!
//! # Dynamic secrets
//!
//! [`lease`](Infisical::lease) asks for a lease of a dynamic secret: its credentials come beside the
//! secrets, at keys of your choice (`database.username`, `database.password`), from one `extract`.
//! A [watcher](Infisical::watch) keeps them valid: see [`leases`](crate::leases).
//!
//! # Where the values came from
//!
//! Every load makes a [`LoadReport`]: each folder from Infisical, confirmed by a `304`, from the cache
//! (with its age and why), or nothing (and why); the requests it took, how long, each `ETag`. After
//! `extract`, [`Infisical::last_report`] returns it (from any clone of the provider); a
//! [`Snapshot`] carries its own ([`Snapshot::report`]), and its figment metadata names the origin
//! (`infisical://host:port/project/prod/ (from the cache, saved 3 min ago (...))`). The lazy
//! provider's metadata cannot: figment asks for a provider's metadata before its data, so the metadata
//! is made before the load.
//!
//! [lossy-extraction]: https://docs.rs/figment/0.10/figment/struct.Figment.html#method.extract_lossy

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use ::figment::value::{Dict, Map};
use ::figment::{Metadata, Profile, Provider};

use crate::error::{Error, Result};
use crate::pipeline::{Measure, Query, loader_setters};
use crate::report::LoadReport;
use crate::resources::ProjectRef;
use crate::{Client, DynamicLease, EnvSource, blocking};

mod check;
#[cfg(feature = "config")]
#[cfg_attr(docsrs, doc(cfg(feature = "config")))]
pub mod config_source;
mod keys;
mod redact;
mod snapshot;
mod unread;
#[cfg(feature = "watch")]
#[cfg_attr(docsrs, doc(cfg(feature = "watch")))]
pub mod watch;

pub use check::{
    CheckReport, EnvironmentCheck, EnvironmentReport, EnvironmentSecrets, NameDifference, Problem, ProblemKind,
};
pub use redact::{ExtractRedacted, RedactedError, redact};
pub use snapshot::Snapshot;
pub use unread::{UnreadSecret, unread_secrets};

use keys::{Index, Mapping};
use snapshot::metadata_for;
/// A client for the provider: a [`blocking::Client`] or an async [`Client`], whichever you have.
///
/// ```
/// use figment::Figment;
/// use infisical_config::Infisical;
/// use infisical_config::figment::ProviderClient;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
///
/// let async_client = fake.client_builder().build()?; // infisical_config::Client
/// let blocking_client = fake.blocking_client_builder().build()?; // infisical_config::blocking::Client
/// assert!(matches!(ProviderClient::from(async_client.clone()), ProviderClient::Async(_)));
///
/// // Outside an async runtime, either works for the lazy provider.
/// for client in [ProviderClient::from(async_client), ProviderClient::from(blocking_client)] {
///     let config: serde_json::Value =
///         Figment::from(Infisical::new(fake.project_id(), "prod").client(client)).extract().unwrap();
///     assert_eq!(config["port"], "8080");
/// }
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug)]
pub enum ProviderClient {
    /// A blocking client: works for the lazy provider everywhere.
    Blocking(blocking::Client),
    /// An async client: for [`Infisical::fetch_async`], and for the lazy provider outside any async
    /// runtime (inside one, the provider cannot block on a client whose connections that runtime
    /// drives: give a blocking client, or call `fetch_async`).
    Async(Client),
}

impl From<blocking::Client> for ProviderClient {
    fn from(client: blocking::Client) -> Self {
        ProviderClient::Blocking(client)
    }
}

impl From<Client> for ProviderClient {
    fn from(client: Client) -> Self {
        ProviderClient::Async(client)
    }
}

impl ProviderClient {
    fn site(&self) -> &reqwest::Url {
        match self {
            ProviderClient::Blocking(c) => c.site(),
            ProviderClient::Async(c) => c.site(),
        }
    }
}

/// Called with the error when an [`optional`](Infisical::optional) provider provides nothing because
/// Infisical cannot be reached.
type OnUnavailable = Arc<dyn Fn(&Error) + Send + Sync>;

/// Loads Infisical secrets into a figment: the settings that are not secrets in `App.toml`, the
/// secrets from Infisical, one typed configuration.
///
/// ```
/// use figment::{Figment, providers::{Format, Toml}};
/// use infisical_config::figment::ExtractRedacted;
/// use infisical_config::{ExposeSecret, Infisical, SecretString};
/// # use infisical_config::testing::FakeInfisical;
/// # let fake = FakeInfisical::builder()
/// #     .secret("prod", "/", "API_KEY", "k-1")
/// #     .secret("prod", "/database", "URL", "postgres://db/app")
/// #     .start_blocking();
/// # let client = fake.client_builder().build()?; // tests give the fake's; by default, the credential chain
/// # let dir = tempfile::tempdir().unwrap();
/// # let app_toml = dir.path().join("App.toml");
/// # std::fs::write(&app_toml, "app_name = \"shop\"\nport = 8080\n[database]\npool_size = 10\n").unwrap();
///
/// #[derive(serde::Deserialize)]
/// struct Config {
///     app_name: String,
///     port: u16,
///     api_key: SecretString,      // Debug prints [REDACTED]
///     database: Database,         // from the folder /database
/// }
/// #[derive(serde::Deserialize)]
/// struct Database { url: SecretString, pool_size: u32 }
///
/// let config: Config = Figment::new()
///     .merge(Toml::file(app_toml))
///     .merge(Infisical::new(fake.project_id(), "prod").client(client).recursive(true))
///     .extract_redacted()
///     .unwrap();
/// assert_eq!((config.app_name.as_str(), config.port, config.database.pool_size), ("shop", 8080, 10));
/// assert_eq!(config.api_key.expose_secret(), "k-1");
/// assert_eq!(config.database.url.expose_secret(), "postgres://db/app");
/// # Ok::<(), infisical_config::Error>(())
/// ```
///
/// `Infisical::new(project, environment)` names what is required (project by id or slug, environment
/// by slug); everything else is a setter. Credentials come from the default chain unless a client is
/// given with [`client`](Self::client) (blocking or async). Loading a recursive
/// path costs one list request on a warm client, one login and one list on a cold one.
#[derive(Clone)]
#[must_use]
pub struct Infisical {
    project: std::result::Result<ProjectRef, String>,
    targets: Vec<(String, Profile)>,
    query: Query,
    mapping: Mapping,
    client: Option<ProviderClient>,
    credentials: Option<crate::auth::Credentials>,
    default_client: Arc<Mutex<Option<blocking::Client>>>,
    env: EnvSource,
    optional: bool,
    on_unavailable: Option<OnUnavailable>,
    /// Filled by `data()`, read by the metadata's interpolator (figment asks for metadata first).
    index: Arc<Mutex<Arc<Index>>>,
    /// The report of the last load of this provider or a clone.
    last_report: Arc<Mutex<Option<LoadReport>>>,
    /// The leases of dynamic secrets asked for, in order.
    leases: Vec<DynamicLease>,
}

impl std::fmt::Debug for Infisical {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Infisical")
            .field("source", &self.source())
            .field("query", &self.query)
            .field("mapping", &self.mapping)
            .field("client", &self.client)
            .field("credentials", &self.credentials)
            .field("optional", &self.optional)
            .field("leases", &self.leases)
            .finish_non_exhaustive()
    }
}

impl Infisical {
    /// Secrets of `project` (id or slug) in `environment` (slug), into figment's default profile.
    /// Nothing is loaded until figment asks (`extract`), or [`fetch`](Self::fetch) is called.
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client);
    /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
    /// assert_eq!(config, serde_json::json!({"port": "8080"})); // values are strings, as stored
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        Self::with_project(Ok(project.into()), environment.into(), EnvSource::process())
    }

    /// Project, environment and folder from `INFISICAL_PROJECT_ID`, `INFISICAL_ENVIRONMENT` and
    /// `INFISICAL_SECRET_PATH`, else `.infisical.json` (see
    /// [`ProjectDefaults`](crate::project_file::ProjectDefaults)). With no project anywhere, loading fails
    /// saying so, [`optional`](Self::optional) or not: a missing setting is a mistake, not an outage.
    /// Credentials and the site come from the environment too, unless a [`client`](Self::client) is
    /// given. Tests use [`from_env_source`](Self::from_env_source), which runs the same with an
    /// environment of their own.
    ///
    /// ```no_run
    /// // INFISICAL_PROJECT_ID=... INFISICAL_ENVIRONMENT=prod INFISICAL_TOKEN=... ./app
    /// let config: serde_json::Value = figment::Figment::from(infisical_config::Infisical::from_env()).extract()?;
    /// # Ok::<(), figment::Error>(())
    /// ```
    pub fn from_env() -> Self {
        Self::from_env_source(EnvSource::process())
    }

    /// As [`from_env`](Self::from_env), reading this environment (tests use it): project, environment
    /// and folder, then, for its own client, the site and the credentials.
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::{EnvSource, Infisical};
    /// # use infisical_config::testing::{self, FakeInfisical};
    /// # let fake = FakeInfisical::builder().secret("prod", "/api", "PORT", "8080").start_blocking();
    /// # let site = fake.uri();
    ///
    /// let env = EnvSource::from_pairs([
    ///     ("INFISICAL_PROJECT_ID", fake.project_id()),
    ///     ("INFISICAL_ENVIRONMENT", "prod"),
    ///     ("INFISICAL_SECRET_PATH", "/api"),
    ///     ("INFISICAL_API_URL", site.as_str()),
    ///     ("INFISICAL_CLIENT_ID", testing::CLIENT_ID),
    ///     ("INFISICAL_CLIENT_SECRET", testing::CLIENT_SECRET),
    /// ]);
    /// let config: serde_json::Value = Figment::from(Infisical::from_env_source(env)).extract().unwrap();
    /// assert_eq!(config["port"], "8080");
    ///
    /// // No project anywhere: a mistake, named.
    /// let err = Infisical::from_env_source(EnvSource::from_pairs([("INFISICAL_ENVIRONMENT", "prod")])).fetch().unwrap_err();
    /// assert!(err.to_string().contains("INFISICAL_PROJECT_ID"), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn from_env_source(env: EnvSource) -> Self {
        let (project, environment, path) = crate::pipeline::target_from_env(&env);
        Self::with_project(project, environment, env).path(path)
    }

    fn with_project(project: std::result::Result<ProjectRef, String>, environment: String, env: EnvSource) -> Self {
        Infisical {
            project,
            targets: vec![(environment, Profile::Default)],
            query: Query::default(),
            mapping: Mapping {
                lowercase: true,
                separator: None,
                prefix: None,
                nest_folders: None,
                parse_values: false,
            },
            client: None,
            credentials: None,
            default_client: Arc::default(),
            env,
            optional: false,
            on_unavailable: None,
            index: Arc::default(),
            last_report: Arc::default(),
            leases: Vec::new(),
        }
    }

    loader_setters! {
        credentials:
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::{EnvSource, Infisical};
        /// use infisical_config::auth::Credentials;
        /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
        /// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        ///
        /// let provider = Infisical::new(fake.project_id(), "prod")
        ///     .env_source(EnvSource::from_pairs([("INFISICAL_API_URL", fake.uri())])) // the site
        ///     .credentials(Credentials::universal_auth(CLIENT_ID, CLIENT_SECRET));
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config["port"], "8080");
        /// ```
        env_source:
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::{EnvSource, Infisical};
        /// # use infisical_config::testing::{self, FakeInfisical};
        /// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let site = fake.uri();
        ///
        /// // What a deployment would set, given here so that the test reads none of the process's.
        /// let env = EnvSource::from_pairs([
        ///     ("INFISICAL_API_URL", site.as_str()),
        ///     ("INFISICAL_CLIENT_ID", testing::CLIENT_ID),
        ///     ("INFISICAL_CLIENT_SECRET", testing::CLIENT_SECRET),
        /// ]);
        /// let provider = Infisical::new(fake.project_id(), "prod").env_source(env);
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config["port"], "8080");
        /// ```
        cache:
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::Infisical;
        /// use infisical_config::cache::{Cache, CacheKey, OnFailure};
        /// use infisical_config::report::Origin;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let client = fake.blocking_client_builder().retry(infisical_config::RetryPolicy::disabled()).build()?;
        /// # let dir = tempfile::tempdir().unwrap();
        ///
        /// let cache = Cache::new(CacheKey::from([7; 32]))
        ///     .dir(dir.path())
        ///     .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(24 * 3600) });
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client).cache(cache);
        /// provider.fetch()?; // from Infisical, and kept
        ///
        /// fake.set_unavailable(true);
        /// let snapshot = provider.fetch()?; // Infisical is down: the last good load
        /// assert_eq!(snapshot.get(&figment::Profile::Default, "port"), Some("8080"));
        /// assert!(matches!(snapshot.report().unwrap().layers[0].origin, Origin::Cache { .. }));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        path:
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/api", "API_KEY", "k")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client).path("/api");
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config, serde_json::json!({"api_key": "k"}));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        paths:
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "LOG_LEVEL", "info")
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/api", "PORT", "9090")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client).paths(["/", "/api"]);
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config, serde_json::json!({"log_level": "info", "port": "9090"})); // /api came later
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        recursive:
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/db", "HOST", "db.internal")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client).recursive(true);
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config, serde_json::json!({"port": "8080", "db": {"host": "db.internal"}})); // folders nest
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        include_imports:
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/shared", "SENTRY_DSN", "https://sentry")
        /// #     .import("prod", "/", "prod", "/shared")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client);
        /// let with: serde_json::Value = Figment::from(provider.clone()).extract().unwrap();
        /// assert_eq!(with["sentry_dsn"], "https://sentry"); // imported from /shared
        /// let without: serde_json::Value = Figment::from(provider.include_imports(false)).extract().unwrap();
        /// assert_eq!(without, serde_json::json!({"port": "8080"}));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        expand_references:
        ///
        /// ```
        /// use infisical_config::Infisical;
        /// use figment::Profile;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "HOST", "db.internal")
        /// #     .secret("prod", "/", "DATABASE_URL", "postgres://${HOST}/app")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client);
        /// let expanded = provider.fetch()?;
        /// assert_eq!(expanded.get(&Profile::Default, "database_url"), Some("postgres://db.internal/app"));
        /// let raw = provider.expand_references(false).fetch()?;
        /// assert_eq!(raw.get(&Profile::Default, "database_url"), Some("postgres://${HOST}/app"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        tags:
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .tagged_secret("prod", "/", "API_KEY", "k", &["api"])
        /// #     .tagged_secret("prod", "/", "WORKER_TOKEN", "t", &["worker"])
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client).tags(["api"]);
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config, serde_json::json!({"api_key": "k"}));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
    }

    /// Also asks for a lease of a dynamic secret: its credentials (a database user and password, cloud
    /// keys, ...) go beside the secrets, under the keys [`DynamicLease`] says, so one `extract` yields
    /// both ([`leases`](crate::leases) has a typed example). A credential at the key of a secret (or
    /// inside it) is an [`Error::KeyConflict`] naming both. A one-shot load creates a lease each time
    /// it loads and leaves it to its TTL; a [watcher](Self::watch) renews it, replaces it before it can
    /// no longer be renewed, and revokes it when shut down.
    ///
    /// ```
    /// use infisical_config::{DynamicLease, Infisical};
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let spec = DynamicSecretSpec::new(std::time::Duration::from_secs(3600));
    /// # let fake = FakeInfisical::builder().dynamic_secret("prod", "/", "postgres-app", spec).start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let lease = DynamicLease::new("postgres-app").at("database").key("DB_PASSWORD", "password");
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client).lease(lease);
    /// let config: serde_json::Value = figment::Figment::from(provider.clone()).extract().unwrap();
    /// assert_eq!(config["database"]["db_username"], "user-1"); // not mapped: its own name, lowercased
    /// assert_eq!(provider.last_report().unwrap().leases[0].keys, ["database.password", "database.db_username"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn lease(mut self, lease: DynamicLease) -> Self {
        self.leases.push(lease);
        self
    }

    /// Puts the secrets in this figment profile (default:
    /// [`Profile::Default`]).
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("staging", "/", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let provider = Infisical::new(fake.project_id(), "staging").client(client).profile("staging");
    /// let figment = Figment::from(provider);
    /// assert_eq!(figment.clone().select("staging").extract_inner::<String>("port").unwrap(), "8080");
    /// assert!(figment.extract_inner::<String>("port").is_err()); // not in the default profile
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// [`Profile::Default`]: https://docs.rs/figment/0.10/figment/struct.Profile.html#associatedconstant.Default
    pub fn profile(mut self, profile: impl Into<Profile>) -> Self {
        self.targets[0].1 = profile.into();
        self
    }

    /// Puts the secrets in figment's global profile, so they override every profile's values.
    ///
    /// ```
    /// use figment::{Figment, providers::{Format, Toml}};
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "API_KEY", "from-infisical").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let toml = Toml::string("[default]\napi_key = \"dev-key\"\n[release]\napi_key = \"release-key\"").nested();
    /// let figment = Figment::new().merge(toml).merge(Infisical::new(fake.project_id(), "prod").client(client).global());
    /// for profile in ["default", "release"] {
    ///     let key: String = figment.clone().select(profile).extract_inner("api_key").unwrap();
    ///     assert_eq!(key, "from-infisical");
    /// }
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn global(self) -> Self {
        self.profile(Profile::Global)
    }

    /// Also loads `environment` into `profile`: several environments, one provider, one profile each.
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("dev", "/", "PORT", "3000")
    /// #     .secret("prod", "/", "PORT", "80")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let provider = Infisical::new(fake.project_id(), "dev").client(client).and_environment("prod", "release");
    /// let figment = Figment::from(provider);
    /// assert_eq!(figment.extract_inner::<String>("port").unwrap(), "3000");
    /// assert_eq!(figment.select("release").extract_inner::<String>("port").unwrap(), "80");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn and_environment(mut self, environment: impl Into<String>, profile: impl Into<Profile>) -> Self {
        self.targets.push((environment.into(), profile.into()));
        self
    }

    /// Lowercases keys (default true); false keeps them as stored.
    ///
    /// ```
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "API_KEY", "k").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let snapshot = Infisical::new(fake.project_id(), "prod").client(client).lowercase(false).fetch()?;
    /// assert_eq!(snapshot.keys(&figment::Profile::Default).collect::<Vec<_>>(), ["API_KEY"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn lowercase(mut self, yes: bool) -> Self {
        self.mapping.lowercase = yes;
        self
    }

    /// Nests on `separator` in secret names: `DB__HOST` with `"__"` → `db.host`.
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "DB__HOST", "db.internal")
    /// #     .secret("prod", "/", "DB__PORT", "5432")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Config { db: Db }
    /// #[derive(serde::Deserialize)]
    /// struct Db { host: String, port: String }
    ///
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client).split("__");
    /// let config: Config = Figment::from(provider).extract().unwrap();
    /// assert_eq!((config.db.host.as_str(), config.db.port.as_str()), ("db.internal", "5432"));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn split(mut self, separator: impl Into<String>) -> Self {
        let sep = separator.into();
        self.mapping.separator = (!sep.is_empty()).then_some(sep);
        self
    }

    crate::setters::setters! {
        /// Only secrets whose name starts with `prefix` (any case), with the prefix removed.
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::Infisical;
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "APP_PORT", "8080")
        /// #     .secret("prod", "/", "WORKER_PORT", "9090")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client).prefixed("APP_");
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config, serde_json::json!({"port": "8080"}));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        prefixed(prefix: impl Into<String>) => mapping.prefix = Some(prefix.into());

        /// Nests by folder: `/db/HOST` → `db.host` (default: on when recursive, off otherwise).
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::Infisical;
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/db", "DB_HOST", "db.internal")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// // Every secret of the tree at the top level, by its own name.
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client).recursive(true).nest_folders(false);
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config, serde_json::json!({"port": "8080", "db_host": "db.internal"}));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        nest_folders(yes: bool) => mapping.nest_folders = Some(yes);
    }

    /// Provides nothing, with a warning, instead of failing when Infisical cannot be reached or is
    /// unavailable: a connection refused or reset, a name that does not resolve, a timeout, a 5xx, 408
    /// or 429 once the retries are spent ([`Error::is_unavailable`]). An optional source rides out an
    /// outage, as an optional file in figment is one that is not there.
    ///
    /// It never hides a mistake: credentials missing or refused at login (a wrong or revoked client
    /// secret, an unknown client id), a project the identity may not read, an unknown project,
    /// environment or folder, and invalid input fail the load as without it.
    ///
    /// The warning goes to `tracing` and names what was not loaded (`infisical://host:port/project/env/folders`)
    /// and why; to see it without a subscriber, or to act on it, pass a callback to
    /// [`on_unavailable`](Self::on_unavailable).
    ///
    /// ```
    /// # use figment::Figment;
    /// # use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "A", "1").start_blocking();
    /// # let client = fake.blocking_client_builder().retry(infisical_config::RetryPolicy::disabled()).build()?;
    /// // A typo in the environment fails, optional or not.
    /// let typo = Infisical::new(fake.project_id(), "dve").client(client.clone()).optional();
    /// assert!(Figment::from(typo).extract::<serde_json::Value>().is_err());
    ///
    /// // An outage provides nothing.
    /// fake.set_unavailable(true);
    /// let down = Infisical::new(fake.project_id(), "dev").client(client).optional();
    /// assert_eq!(Figment::from(down).extract::<serde_json::Value>().unwrap(), serde_json::json!({}));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    crate::setters::setters! {
        /// Calls `report` with the error, once a load, whenever the provider provides nothing because
        /// Infisical cannot be reached ([`Error::is_unavailable`]): an [`optional`](Self::optional) one,
        /// or one whose cache's policy is [`ProvideNothing`](crate::cache::OnFailure::ProvideNothing).
        /// Never for an error that fails the load, nor when the cache stands in with its values (the
        /// [`last_report`](Self::last_report) says so). The error names no value.
        ///
        /// ```
        /// use std::sync::{Arc, Mutex};
        /// use figment::Figment;
        /// use infisical_config::Infisical;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let client = fake.blocking_client_builder().retry(infisical_config::RetryPolicy::disabled()).build()?;
        ///
        /// let skipped = Arc::new(Mutex::new(Vec::new()));
        /// let seen = skipped.clone();
        /// let provider = Infisical::new(fake.project_id(), "prod")
        ///     .client(client)
        ///     .optional()
        ///     .on_unavailable(move |err| seen.lock().unwrap().push(err.to_string()));
        ///
        /// fake.set_unavailable(true);
        /// let config: serde_json::Value = Figment::from(provider).extract().unwrap();
        /// assert_eq!(config, serde_json::json!({})); // nothing provided...
        /// assert_eq!(skipped.lock().unwrap().len(), 1); // ...and the callback told why
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        on_unavailable(report: impl Fn(&Error) + Send + Sync + 'static) => on_unavailable = Some(Arc::new(report));

        /// Parses values the way figment's `Env` provider does (default false: strings as stored).
        ///
        /// With it, `"8080"` extracts into a `u16` and `"true"` into a `bool` with a strict `extract()`.
        /// The caveat is `Env`'s: every value that looks like a number or a boolean becomes one, whatever
        /// the field, so `"0123"` becomes the number 123 and no longer extracts into a `String` or a
        /// [`SecretString`](crate::SecretString) field (a [`RedactedError`] says so). A PIN, a token of
        /// digits, a password `"true"`: all break. Prefer
        /// [`extract_lossy_redacted`](ExtractRedacted::extract_lossy_redacted), which converts a
        /// string only for a field that asks for a number or a boolean; this setter stays for code that
        /// must call figment's strict `extract()`.
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::{Infisical, testing::FakeInfisical};
        ///
        /// #[derive(Debug, serde::Deserialize)]
        /// struct Config { port: u16, pin: String }
        ///
        /// let fake = FakeInfisical::builder()
        ///     .secret("dev", "/", "PORT", "8080")
        ///     .secret("dev", "/", "PIN", "0123")
        ///     .start_blocking();
        /// let provider = Infisical::new(fake.project_id(), "dev").client(fake.blocking_client_builder().build()?);
        /// let err = Figment::new().merge(provider.parse_values(true)).extract::<Config>().unwrap_err();
        /// assert!(err.to_string().contains("expected a string")); // PIN is the number 123 now
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        parse_values(yes: bool) => mapping.parse_values = yes;

        /// Uses this client, blocking or async (shared: its token and connections are reused). See
        /// [`ProviderClient`] for which to give where. Without one, the provider builds its own from
        /// the environment (the credential chain) at its first load.
        ///
        /// ```
        /// use figment::Figment;
        /// use infisical_config::Infisical;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        ///
        /// let client = fake.blocking_client_builder().build()?; // one client, one login, for every load
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client);
        /// let first: serde_json::Value = Figment::from(provider.clone()).extract().unwrap();
        /// let second: serde_json::Value = Figment::from(provider.clone()).extract().unwrap();
        /// assert_eq!(first, second);
        /// assert_eq!(provider.last_report().unwrap().requests, 1); // the token was reused: a list only
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        client(client: impl Into<ProviderClient>) => client = Some(client.into());
    }

    /// The report of the last load of this provider, or of a clone of it (made before or after): where
    /// each folder came from, the requests and time it took. `None` before any load, and after loads
    /// that only failed. Set by `extract` (figment's `data()`), [`fetch`](Self::fetch),
    /// [`fetch_async`](Self::fetch_async), and a watcher's start and polls; an
    /// [`optional`](Self::optional) provider that provided nothing reports
    /// [`Origin::Nothing`](crate::report::Origin::Nothing) with the reason.
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::Infisical;
    /// use infisical_config::report::Origin;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client);
    /// let config: serde_json::Value = Figment::from(provider.clone()).extract().unwrap();
    /// let report = provider.last_report().expect("extract loaded");
    /// assert_eq!(report.layers[0].origin, Origin::Network);
    /// assert_eq!(report.requests, 2); // a login and a list
    /// # let _ = config;
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn last_report(&self) -> Option<LoadReport> {
        self.last_report.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Fetches now, with typed errors: the [`Snapshot`] is a provider that does no I/O.
    ///
    /// ```
    /// use figment::Figment;
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client);
    /// let snapshot = provider.fetch()?;
    /// assert_eq!(snapshot.get(&figment::Profile::Default, "port"), Some("8080"));
    /// let config: serde_json::Value = Figment::from(snapshot).extract().unwrap(); // no request
    /// assert_eq!(config["port"], "8080");
    ///
    /// // A typed error, here for an environment that does not exist.
    /// let err = Infisical::new(fake.project_id(), "prdo").client(fake.blocking_client_builder().build()?).fetch().unwrap_err();
    /// assert!(err.is_not_found(), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// Any error of the client or the key mapping.
    pub fn fetch(&self) -> Result<Snapshot> {
        self.fetch_measured().0
    }

    fn fetch_measured(&self) -> (Result<Snapshot>, Measure) {
        match self.blocking_client() {
            Ok(client) => client.run(Box::pin(self.snapshot(client.as_async()))),
            Err(err) => (Err(err), Measure::default()),
        }
    }

    /// Fetches now, from async code.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// use infisical_config::Infisical;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start().await;
    /// # let client = fake.client_builder().build()?;
    ///
    /// let snapshot = Infisical::new(fake.project_id(), "prod").client(client).fetch_async().await?;
    /// assert_eq!(snapshot.get(&figment::Profile::Default, "port"), Some("8080"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// Any error of the client or the key mapping.
    pub async fn fetch_async(&self) -> Result<Snapshot> {
        match &self.client {
            Some(ProviderClient::Async(c)) => self.snapshot(c).await.0,
            Some(ProviderClient::Blocking(_)) => {
                // A blocking client's connections are driven by its own runtime: polling them from
                // this one would stall until they time out. Run the fetch there, off this runtime's
                // worker threads.
                let this = self.clone();
                tokio::task::spawn_blocking(move || this.fetch()).await.map_err(|e| Error::Local {
                    what: "the fetch on the blocking client's runtime failed",
                    source: Box::new(e),
                })?
            }
            None => {
                let client = crate::pipeline::own_client(&self.env, self.credentials.as_ref()).build()?;
                self.snapshot(&client).await.0
            }
        }
    }

    fn blocking_client(&self) -> Result<blocking::Client> {
        match &self.client {
            Some(ProviderClient::Blocking(c)) => Ok(c.clone()),
            Some(ProviderClient::Async(c)) => {
                if tokio::runtime::Handle::try_current().is_ok() {
                    return Err(Error::Config(
                        "the lazy Infisical provider was given an async client and runs inside an async runtime, \
                         which would block that client's connections; give it a blocking client, or call fetch_async()"
                            .into(),
                    ));
                }
                blocking::Client::wrap(c.clone())
            }
            None => {
                let mut cached = self.default_client.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Some(c) = cached.as_ref() {
                    return Ok(c.clone());
                }
                let c = crate::blocking::ClientBuilder::from(crate::pipeline::own_client(
                    &self.env,
                    self.credentials.as_ref(),
                ))
                .build()?;
                *cached = Some(c.clone());
                Ok(c)
            }
        }
    }

    /// `infisical://host:port/project/environments/folders`, for figment's metadata and errors: see
    /// [`describe_target`](crate::pipeline::describe_target).
    fn source(&self) -> String {
        let environments: Vec<&str> = self.targets.iter().map(|(e, _)| e.as_str()).collect();
        crate::pipeline::describe_target(
            self.client.as_ref().map(ProviderClient::site),
            &self.env,
            self.project.as_ref().ok(),
            &environments,
            &self.query.paths,
        )
    }

    fn project(&self) -> Result<ProjectRef> {
        self.project.clone().map_err(|reason| Error::InvalidRequest { field: "project", reason })
    }
}

impl Provider for Infisical {
    fn metadata(&self) -> Metadata {
        metadata_for(self.source(), self.index.clone())
    }

    fn data(&self) -> std::result::Result<Map<Profile, Dict>, ::figment::Error> {
        let (fetched, measure) = self.fetch_measured();
        match fetched {
            Ok(snapshot) => {
                *self.index.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = snapshot.index;
                Ok(snapshot.data)
            }
            // Optional rides out an outage only: a refusal or a mistake fails as below.
            Err(err) if self.optional && err.is_unavailable() => {
                self.provided_nothing(&err, measure, SystemTime::now());
                Ok(Map::new())
            }
            // figment keeps only text: carry the causes (the refused connection, the TLS error) into it.
            Err(err) => Err(::figment::Error::from(format!(
                "loading secrets from Infisical failed: {}",
                crate::error::with_causes(&err)
            ))),
        }
    }
}
