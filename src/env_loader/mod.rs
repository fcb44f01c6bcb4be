//! Secrets as environment variables, dotenv-style: into the process at start-up, into a child process,
//! or out to a dotenv or JSON file.
//!
//! [`EnvLoader::load`] is safe and has no side effect: it returns an [`EnvMap`]. From there:
//! - [`EnvMap::apply_to_command`] gives the secrets to a child process with `infisical run`'s
//!   precedence, leaving this process's environment alone;
//! - [`EnvMap::apply_to_process`] (or [`EnvLoader::load_and_set`]) sets them in this process. Since
//!   Rust 2024, `std::env::set_var` is `unsafe`: another thread reading the environment at the same
//!   time is undefined behaviour on most platforms. Call it at the very top of `main`, before any
//!   thread or async runtime starts, and build the runtime after:
//!
//! ```no_run
//! use infisical_config::EnvLoader;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // SAFETY: first thing in main; no other thread exists yet (the loader's own are gone when it returns).
//!     let applied = unsafe { EnvLoader::new("my-project", "prod").load_and_set()? };
//!     eprintln!("{} secrets set, {} existing variables kept", applied.set.len(), applied.kept.len());
//!
//!     // Only now start the runtime (instead of #[tokio::main]).
//!     let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
//!     runtime.block_on(async {
//!         // ... the application, reading std::env::var("DATABASE_URL") ...
//!     });
//!     Ok(())
//! }
//! ```
//!
//! # Rules
//!
//! - In this process, variables already set win by default (dotenv's rule: nothing is lost).
//! - In a child, a secret wins by default over a variable the child would inherit from this process,
//!   as with `infisical run` (which gives its child this process's variables, then the secrets over
//!   them); a variable set on the `Command` itself (`command.env(..)`) wins over the secret: the caller
//!   asked for it.
//! - [`overwrite`](EnvLoader::overwrite) changes both: [`Overwrite::Never`] keeps every variable
//!   already set or inherited, [`Overwrite::Always`] lets the secrets replace them all
//!   ([`override_existing(true)`](EnvLoader::override_existing) for short).
//! - Names that make programs, shells or interpreters run code or trust another server
//!   (`LD_PRELOAD`, `BASH_FUNC_*`, `NODE_OPTIONS`, `PYTHONPATH`, `GIT_*`, `*_PROXY`, `SSL_CERT_FILE`,
//!   `INFISICAL_*`, `PATH`, ... see [`Reserved`] for the classes and why) are never set from Infisical,
//!   in the process, in a child or in a dotenv file, unless named in
//!   [`allow_reserved`](EnvLoader::allow_reserved). Whoever can write a secret must not thereby run
//!   code on every machine that loads it. The list cannot be complete: a service that knows its names
//!   should list them with [`only`](EnvLoader::only), and nothing else is set.
//! - Several folders: a later folder wins, as with `infisical run --path`. Within one (recursive)
//!   load, two secrets of the same name in different folders are an error naming both.
//! - A failed load is an [`Error::Load`] naming what was loaded
//!   (`infisical://host:port/project/environment/folders`), as the figment provider and the `config`
//!   source name it; [`Error::innermost`] is the error itself.

// The one module allowed `unsafe`: setting process environment variables is unsafe since Rust 2024.
#![allow(unsafe_code)]

use std::collections::BTreeMap;
use std::time::SystemTime;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::leases::Issued;
use crate::pipeline::{Query, loader_setters};
use crate::resources::ProjectRef;
use crate::resources::secrets::precedence::layered;
use crate::{DynamicLease, EnvSource, blocking};

mod apply;
mod dotenv;
mod policy;

pub use apply::{Applied, Overwrite};
use policy::NamePolicy;
pub use policy::{Reserved, reserved};

/// How secrets meet variables that already exist, and which names they may take.
#[derive(Clone, Debug, Default)]
struct Policy {
    overwrite: Overwrite,
    names: NamePolicy,
}

/// Loads secrets from Infisical as environment variables: into this process at start-up, into a child
/// process, or out to a dotenv or JSON file ([the rules](self)).
///
/// At start-up, first thing in `main`, before any thread or async runtime starts:
///
/// ```
/// # use infisical_config::{EnvSource, testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical}};
/// # let fake = FakeInfisical::builder().secret("prod", "/", "DOCTEST_LOADER_PORT", "8080").start_blocking();
/// # let env = EnvSource::from_pairs([("INFISICAL_API_URL", fake.uri().as_str()), ("INFISICAL_CLIENT_ID", CLIENT_ID), ("INFISICAL_CLIENT_SECRET", CLIENT_SECRET)]);
/// # assert!(std::env::var_os("DOCTEST_LOADER_PORT").is_none());
/// use infisical_config::EnvLoader;
///
/// let loader = EnvLoader::new("my-project", "prod");
/// # let loader = EnvLoader::new(fake.project_id(), "prod").env_source(env);
/// // SAFETY: no other thread exists yet to read or write the environment.
/// let applied = unsafe { loader.load_and_set()? };
/// assert_eq!(applied.set, ["DOCTEST_LOADER_PORT"]);
/// assert_eq!(std::env::var("DOCTEST_LOADER_PORT")?, "8080");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`load`](Self::load) alone sets nothing: it returns the variables, for a child process
/// ([`EnvMap::apply_to_command`]) or a file ([`EnvMap::to_dotenv`]).
#[derive(Clone, Debug)]
#[must_use]
pub struct EnvLoader {
    project: std::result::Result<ProjectRef, String>,
    environment: String,
    query: Query,
    client: Option<blocking::Client>,
    credentials: Option<crate::auth::Credentials>,
    env: EnvSource,
    policy: Policy,
    leases: Vec<DynamicLease>,
}

impl EnvLoader {
    /// Secrets of `project` (id or slug) in `environment` (slug), from the folder `/` unless told
    /// otherwise, with a client of its own built from the environment (the site, credentials, the CLI's
    /// login) unless given one.
    ///
    /// ```
    /// use infisical_config::{EnvLoader, ExposeSecret};
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
    /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        EnvLoader {
            project: Ok(project.into()),
            environment: environment.into(),
            query: Query::default(),
            client: None,
            credentials: None,
            env: EnvSource::process(),
            policy: Policy::default(),
            leases: Vec::new(),
        }
    }

    /// Project, environment and folder from `INFISICAL_PROJECT_ID`, `INFISICAL_ENVIRONMENT`,
    /// `INFISICAL_SECRET_PATH`, else `.infisical.json`.
    ///
    /// ```
    /// use infisical_config::{EnvLoader, ExposeSecret};
    /// # use infisical_config::{EnvSource, testing::FakeInfisical};
    /// # let fake = FakeInfisical::builder().secret("prod", "/api", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// // Run as INFISICAL_PROJECT_ID=… INFISICAL_ENVIRONMENT=prod INFISICAL_SECRET_PATH=/api my-app
    /// let loader = EnvLoader::from_env();
    /// # let loader = EnvLoader::from_env_source(EnvSource::from_pairs([
    /// #     ("INFISICAL_PROJECT_ID", fake.project_id()), ("INFISICAL_ENVIRONMENT", "prod"), ("INFISICAL_SECRET_PATH", "/api"),
    /// # ]));
    /// let vars = loader.client(client).load()?;
    /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn from_env() -> Self {
        Self::from_env_source(EnvSource::process())
    }

    /// As [`from_env`](Self::from_env), reading this environment (and its client, when the loader
    /// builds its own, reads it too).
    ///
    /// ```
    /// use infisical_config::{EnvLoader, EnvSource, ExposeSecret};
    /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
    /// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    /// # let site = fake.uri();
    ///
    /// let env = EnvSource::from_pairs([
    ///     ("INFISICAL_PROJECT_ID", fake.project_id()),
    ///     ("INFISICAL_ENVIRONMENT", "prod"),
    ///     ("INFISICAL_API_URL", site.as_str()),
    ///     ("INFISICAL_CLIENT_ID", CLIENT_ID),
    ///     ("INFISICAL_CLIENT_SECRET", CLIENT_SECRET),
    /// ]);
    /// let vars = EnvLoader::from_env_source(env).load()?;
    /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
    ///
    /// let err = EnvLoader::from_env_source(EnvSource::from_pairs::<_, String, String>([])).load().unwrap_err();
    /// assert!(err.to_string().contains("INFISICAL_PROJECT_ID"), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn from_env_source(env: EnvSource) -> Self {
        let (project, environment, path) = crate::pipeline::target_from_env(&env);
        EnvLoader {
            project,
            environment,
            query: Query::default(),
            client: None,
            credentials: None,
            env,
            policy: Policy::default(),
            leases: Vec::new(),
        }
        .path(path)
    }

    loader_setters! {
        credentials:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, EnvSource, ExposeSecret};
        /// use infisical_config::auth::Credentials;
        /// # use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
        /// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod")
        ///     .env_source(EnvSource::from_pairs([("INFISICAL_API_URL", fake.uri())])) // the site
        ///     .credentials(Credentials::universal_auth(CLIENT_ID, CLIENT_SECRET))
        ///     .load()?;
        /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        env_source:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, EnvSource, ExposeSecret};
        /// # use infisical_config::testing::{self, FakeInfisical};
        /// # let fake = FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let site = fake.uri();
        ///
        /// // What a deployment would set, given here so the test needs none of it.
        /// let env = EnvSource::from_pairs([
        ///     ("INFISICAL_API_URL", site.as_str()),
        ///     ("INFISICAL_CLIENT_ID", testing::CLIENT_ID),
        ///     ("INFISICAL_CLIENT_SECRET", testing::CLIENT_SECRET),
        /// ]);
        /// let vars = EnvLoader::new(fake.project_id(), "prod").env_source(env).load()?;
        /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        cache:
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::EnvLoader;
        /// use infisical_config::cache::{Cache, CacheKey, OnFailure};
        /// use infisical_config::report::Origin;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let dir = tempfile::tempdir().unwrap();
        ///
        /// let cache = Cache::new(CacheKey::from([7; 32]))
        ///     .dir(dir.path())
        ///     .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(24 * 3600) });
        /// let loader = EnvLoader::new(fake.project_id(), "prod")
        ///     .client(fake.blocking_client_builder().build()?)
        ///     .cache(cache);
        /// loader.load()?; // from Infisical, and kept
        ///
        /// fake.set_unavailable(true);
        /// let vars = loader.load()?; // Infisical is down: the last good load
        /// assert_eq!(vars.len(), 1);
        /// assert!(matches!(vars.report().unwrap().layers[0].origin, Origin::Cache { .. }));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        path:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, ExposeSecret};
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/api", "API_KEY", "k")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).path("/api").load()?;
        /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["API_KEY"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        paths:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, ExposeSecret};
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "LOG_LEVEL", "info")
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/api", "PORT", "9090")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).paths(["/", "/api"]).load()?;
        /// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "9090"); // /api came later
        /// assert_eq!(vars.get("LOG_LEVEL").unwrap().expose_secret(), "info");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        recursive:
        ///
        /// ```
        /// use infisical_config::EnvLoader;
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/db", "DATABASE_URL", "postgres://db")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).recursive(true).load()?;
        /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["DATABASE_URL", "PORT"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        include_imports:
        ///
        /// ```
        /// use infisical_config::EnvLoader;
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "PORT", "8080")
        /// #     .secret("prod", "/shared", "SENTRY_DSN", "https://sentry.example")
        /// #     .import("prod", "/", "prod", "/shared")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// // `/` imports `/shared`.
        /// let loader = EnvLoader::new(fake.project_id(), "prod").client(client);
        /// assert!(loader.load()?.get("SENTRY_DSN").is_some());
        /// assert!(loader.include_imports(false).load()?.get("SENTRY_DSN").is_none());
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        expand_references:
        ///
        /// ```
        /// use infisical_config::{EnvLoader, ExposeSecret};
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .secret("prod", "/", "HOST", "db.internal")
        /// #     .secret("prod", "/", "DATABASE_URL", "postgres://${HOST}/app")
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let loader = EnvLoader::new(fake.project_id(), "prod").client(client);
        /// assert_eq!(loader.load()?.get("DATABASE_URL").unwrap().expose_secret(), "postgres://db.internal/app");
        /// let raw = loader.expand_references(false).load()?;
        /// assert_eq!(raw.get("DATABASE_URL").unwrap().expose_secret(), "postgres://${HOST}/app");
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        tags:
        ///
        /// ```
        /// use infisical_config::EnvLoader;
        /// # let fake = infisical_config::testing::FakeInfisical::builder()
        /// #     .tagged_secret("prod", "/", "PORT", "8080", &["backend"])
        /// #     .tagged_secret("prod", "/", "CDN_URL", "https://cdn.example", &["frontend"])
        /// #     .start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).tags(["backend"]).load()?;
        /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["PORT"]);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
    }

    crate::setters::setters! {
        /// Uses this client. Its runtime lives as long as it (and its clones) do: for
        /// [`load_and_set`](Self::load_and_set), let the loader build its own, which is gone when it returns.
        ///
        /// ```
        /// use infisical_config::{EnvLoader, RetryPolicy, blocking};
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        ///
        /// let client: blocking::Client = fake.blocking_client_builder().retry(RetryPolicy::disabled()).build()?;
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client.clone()).load()?;
        /// assert_eq!(vars.len(), 1);
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        client(client: blocking::Client) => client = Some(client);

        /// Whether secrets replace variables that are already there (default [`Overwrite::Inherited`]:
        /// only what a child inherits, as with `infisical run`).
        ///
        /// ```
        /// use std::process::Command;
        /// use infisical_config::EnvLoader;
        /// use infisical_config::env_loader::Overwrite;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).overwrite(Overwrite::Always).load()?;
        /// let mut child = Command::new("sh");
        /// child.args(["-c", r#"printf %s "$PORT""#]).env("PORT", "9090");
        /// assert_eq!(vars.apply_to_command(&mut child).set, ["PORT"]);
        /// assert_eq!(child.output()?.stdout, b"8080");
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        overwrite(mode: Overwrite) => policy.overwrite = mode;

        /// `true` is [`overwrite(Overwrite::Always)`](Self::overwrite); `false` is the default,
        /// [`Overwrite::Inherited`].
        ///
        /// ```
        /// use std::process::Command;
        /// use infisical_config::EnvLoader;
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        ///
        /// let loader = EnvLoader::new(fake.project_id(), "prod").client(client);
        /// let mut child = Command::new("true");
        /// child.env("PORT", "9090");
        /// assert_eq!(loader.clone().load()?.apply_to_command(&mut child).kept, ["PORT"]);
        /// assert_eq!(loader.override_existing(true).load()?.apply_to_command(&mut child).set, ["PORT"]);
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        override_existing(yes: bool) => policy.overwrite = if yes { Overwrite::Always } else { Overwrite::Inherited };
    }

    /// Also asks for a lease of a dynamic secret: its credentials become variables beside the secrets,
    /// named by [`DynamicLease::key`] (else as the dynamic secret names them: `DB_USERNAME`,
    /// `DB_PASSWORD`), after [`DynamicLease::at`] and `_` when given. The same rules apply to them as to
    /// secrets: reserved names are not set, a strict list ([`only`](Self::only)) must name them, and a
    /// name a secret has too is an [`Error::KeyConflict`] naming both.
    ///
    /// Each load creates a lease, which nothing renews: its credentials live until its TTL
    /// ([`DynamicLease::ttl`]); see [`leases`](crate::leases).
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::{DynamicLease, EnvLoader, ExposeSecret};
    /// # use infisical_config::testing::{DynamicSecretSpec, FakeInfisical};
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("prod", "/", "PGHOST", "db.internal")
    /// #     .dynamic_secret("prod", "/", "postgres-app", DynamicSecretSpec::new(Duration::from_secs(3600)))
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod")
    ///     .client(client)
    ///     .lease(DynamicLease::new("postgres-app").key("DB_USERNAME", "PGUSER").key("DB_PASSWORD", "PGPASSWORD"))
    ///     .load()?;
    /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["PGHOST", "PGPASSWORD", "PGUSER"]);
    /// assert_eq!(vars.get("PGUSER").unwrap().expose_secret(), "user-1");
    /// assert_eq!(vars.report().unwrap().leases[0].keys, ["PGPASSWORD", "PGUSER"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn lease(mut self, lease: DynamicLease) -> Self {
        self.leases.push(lease);
        self
    }

    /// Allows these reserved names (see [`Reserved`]) to be set from Infisical, by exact name.
    ///
    /// ```
    /// use std::process::Command;
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "NODE_OPTIONS", "--max-old-space-size=4096")
    /// #     .secret("prod", "/", "LD_PRELOAD", "/tmp/evil.so")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).allow_reserved(["NODE_OPTIONS"]).load()?;
    /// let applied = vars.apply_to_command(&mut Command::new("node"));
    /// assert_eq!((applied.set, applied.reserved), (vec!["NODE_OPTIONS".to_owned()], vec!["LD_PRELOAD".to_owned()]));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn allow_reserved<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.policy.names.allowed.extend(names.into_iter().map(Into::into));
        self
    }

    /// Strict mode: sets only these names, or names starting with a prefix written `PREFIX*`
    /// (`["APP_*", "DATABASE_URL"]`). Reserved names still need [`allow_reserved`](Self::allow_reserved).
    ///
    /// ```
    /// use std::process::Command;
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "APP_PORT", "8080")
    /// #     .secret("prod", "/", "DATABASE_URL", "postgres://db")
    /// #     .secret("prod", "/", "BILLING_API_KEY", "b")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).only(["APP_*", "DATABASE_URL"]).load()?;
    /// let applied = vars.apply_to_command(&mut Command::new("my-server"));
    /// assert_eq!(applied.set, ["APP_PORT", "DATABASE_URL"]);
    /// assert_eq!(applied.not_listed, ["BILLING_API_KEY"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn only<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.policy.names.only = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Fetches the secrets. Touches nothing: no variable is set.
    ///
    /// ```
    /// use infisical_config::testing::FakeInfisical;
    /// use infisical_config::{EnvLoader, Error, ExposeSecret};
    ///
    /// let fake = FakeInfisical::builder().secret("staging", "/", "GREETING", "hello").start_blocking();
    /// let loader = |environment| {
    ///     EnvLoader::new(fake.project_id(), environment).client(fake.blocking_client_builder().build().unwrap())
    /// };
    /// assert_eq!(loader("staging").load()?.get("GREETING").unwrap().expose_secret(), "hello");
    ///
    /// // What was loaded, then what went wrong.
    /// let err = loader("stagin").load().unwrap_err();
    /// assert!(err.to_string().starts_with("loading secrets from infisical://127.0.0.1:"), "{err}");
    /// assert!(matches!(err, Error::Load { .. }) && err.is_not_found(), "{err}");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Load`] naming the site, project, environment and folders, around any error of the
    /// client; [`Error::KeyConflict`] for two secrets of one name in different folders of one load;
    /// [`Error::KeyMapping`] for a name no environment variable can have.
    pub fn load(&self) -> Result<EnvMap> {
        self.fetch().map_err(|error| crate::pipeline::in_load(error, || self.target()))
    }

    /// What this loader loads, named as every loader names it.
    fn target(&self) -> String {
        crate::pipeline::describe_target(
            self.client.as_ref().map(blocking::Client::site),
            &self.env,
            self.project.as_ref().ok(),
            &[self.environment.as_str()],
            &self.query.paths,
        )
    }

    fn fetch(&self) -> Result<EnvMap> {
        let project = self.project.clone().map_err(|reason| Error::InvalidRequest { field: "project", reason })?;
        // A client built here is dropped, with its runtime and threads, before this returns.
        let owned;
        let client = match &self.client {
            Some(c) => c,
            None => {
                owned = crate::blocking::ClientBuilder::from(crate::pipeline::own_client(
                    &self.env,
                    self.credentials.as_ref(),
                ))
                .build()?;
                &owned
            }
        };
        let load = async {
            let client = client.as_async();
            let loaded = self.query.load(client, &project, &self.environment, &self.env, None).await?;
            let folder = self.query.paths.first().map_or("/", String::as_str);
            let where_ = (&project, self.environment.as_str(), folder);
            let issued = crate::leases::issue_all(client, &self.leases, where_, &Clock::system()).await?;
            Ok((loaded, issued))
        };
        let (loaded, measure) = client.run(crate::pipeline::counted(load));
        let (mut loaded, issued) = loaded?;
        let mut report = measure.report(self.target(), std::mem::take(&mut loaded.report), SystemTime::now());
        let vars = self.variables(loaded.into_layers(), &issued, &mut report);
        if vars.is_err() {
            client.run(crate::leases::revoke_unused(client.as_async(), &issued));
        }
        let vars = vars?;
        tracing::debug!(environment = %self.environment, count = vars.len(), "secrets loaded as environment variables");
        Ok(EnvMap { vars, policy: self.policy.clone(), report: Some(report) })
    }

    /// The variables of `layers` (a later folder wins) and of the leases `issued`, sorted by name; the
    /// leases' reports go in `report`.
    fn variables(
        &self,
        layers: Vec<crate::pipeline::Layer>,
        issued: &[Issued],
        report: &mut crate::LoadReport,
    ) -> Result<Vec<(String, SecretString)>> {
        let describe = |name: &str, folder: &str| format!("secret `{name}` in {folder} ({})", self.environment);
        let mut mapped = Vec::with_capacity(layers.len());
        for layer in layers {
            // Collected in place, into the layer's own buffer.
            let entries: Result<Vec<_>> = (layer.secrets.into_iter())
                .map(|(at, value)| {
                    check_variable(&at.key, &value, || describe(&at.key, &at.folder))?;
                    Ok((at.key, value, at.folder))
                })
                .collect();
            mapped.push(entries?);
        }
        // A later folder wins; one name twice in one folder's answer (two sub-folders) is a conflict.
        let vars = layered(mapped).map_err(|c| Error::KeyConflict {
            remedy: format!(
                "rename one, or load without sub-folders (`.recursive(false)`), naming the folders with \
                 `.paths([\"{}\", \"{}\"])`: a later folder wins",
                c.first, c.second
            ),
            first: describe(&c.key, &c.first),
            second: describe(&c.key, &c.second),
            key: c.key,
        })?;
        if issued.is_empty() {
            return Ok(vars.into_iter().map(|(name, value, _)| (name, value)).collect());
        }
        // Secrets and credentials as one layer: a name both have is a conflict, never a winner.
        let mut all: Vec<_> = vars
            .into_iter()
            .map(|(name, value, folder)| {
                let origin = describe(&name, &folder);
                (name, value, origin)
            })
            .collect();
        for (lease, one) in self.leases.iter().zip(issued) {
            let variables = lease.variables(one)?;
            let names = variables.iter().map(|(name, _, _)| name.clone()).collect();
            for (name, value, origin) in variables {
                check_variable(&name, &value, || origin.clone())?;
                all.push((name, value, origin));
            }
            report.leases.push(one.report(&lease.name, names, report.finished_at));
        }
        let vars = layered([all]).map_err(|c| Error::KeyConflict {
            remedy: "name the lease's variables otherwise (`DynamicLease::key`, `DynamicLease::at`), or rename \
                     the secret"
                .into(),
            first: c.first,
            second: c.second,
            key: c.key,
        })?;
        Ok(vars.into_iter().map(|(name, value, _)| (name, value)).collect())
    }

    /// [`load`](Self::load)s, then sets the variables in this process ([`EnvMap::apply_to_process`]).
    ///
    /// # Safety
    /// It calls `std::env::set_var`. No other thread may read or write the environment meanwhile: call
    /// it first thing in `main`, before starting any thread or async runtime. When the loader was given
    /// a [`client`](Self::client), that client's runtime thread must be gone too (drop every clone).
    ///
    /// A variable already set in this process is kept (dotenv's rule) unless
    /// [`overwrite`](Self::overwrite) says otherwise:
    ///
    /// ```
    /// # use infisical_config::{EnvSource, testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical}};
    /// # let fake = FakeInfisical::builder()
    /// #     .secret("prod", "/", "DOCTEST_LOAD_AND_SET_PORT", "8080")
    /// #     .secret("prod", "/", "DOCTEST_LOAD_AND_SET_MODE", "from-infisical")
    /// #     .start_blocking();
    /// # let env = EnvSource::from_pairs([("INFISICAL_API_URL", fake.uri().as_str()), ("INFISICAL_CLIENT_ID", CLIENT_ID), ("INFISICAL_CLIENT_SECRET", CLIENT_SECRET)]);
    /// # // SAFETY: this doctest's process has no thread that reads the environment.
    /// # unsafe { std::env::set_var("DOCTEST_LOAD_AND_SET_MODE", "set-by-the-operator") };
    /// use infisical_config::EnvLoader;
    ///
    /// // DOCTEST_LOAD_AND_SET_MODE=set-by-the-operator my-app
    /// let loader = EnvLoader::new("my-project", "prod");
    /// # let loader = EnvLoader::new(fake.project_id(), "prod").env_source(env);
    /// // SAFETY: first thing in main; no other thread exists yet.
    /// let applied = unsafe { loader.load_and_set()? };
    /// assert_eq!(applied.set, ["DOCTEST_LOAD_AND_SET_PORT"]);
    /// assert_eq!(applied.kept, ["DOCTEST_LOAD_AND_SET_MODE"]);
    /// assert_eq!(std::env::var("DOCTEST_LOAD_AND_SET_MODE")?, "set-by-the-operator");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`load`](Self::load); nothing is set when loading fails.
    pub unsafe fn load_and_set(&self) -> Result<Applied> {
        let map = self.load()?;
        // SAFETY: the caller guarantees no other thread touches the environment.
        Ok(unsafe { map.apply_to_process() })
    }
}

/// Refuses what no environment can hold, which `std::env::set_var` and `Command::env` would panic on.
fn check_variable(name: &str, value: &SecretString, describe: impl Fn() -> String) -> Result<()> {
    // The key separator of the precedence merge too: a name holding it would read as nested.
    let separator = crate::resources::secrets::precedence::KEY_SEP as u8;
    if name.is_empty() || name.bytes().any(|b| b == b'=' || b == 0 || b == separator) {
        return Err(Error::KeyMapping { secret: describe(), reason: "not a valid environment variable name".into() });
    }
    if value.expose_secret().contains('\0') {
        return Err(Error::KeyMapping { secret: describe(), reason: "the value holds a NUL byte".into() });
    }
    Ok(())
}

/// Environment variables loaded from Infisical ([`EnvLoader::load`]), sorted by name, and the rules
/// they are applied with: to a child process ([`apply_to_command`](Self::apply_to_command)), to this
/// process ([`apply_to_process`](Self::apply_to_process)), or out to a file
/// ([`to_dotenv`](Self::to_dotenv), [`to_shell`](Self::to_shell), [`to_json`](Self::to_json)).
/// Values are [`SecretString`]s; `Debug` shows names only.
///
/// ```
/// use infisical_config::{EnvLoader, ExposeSecret};
/// # let fake = infisical_config::testing::FakeInfisical::builder()
/// #     .secret("prod", "/", "PORT", "8080")
/// #     .secret("prod", "/", "DATABASE_URL", "postgres://db")
/// #     .start_blocking();
/// # let client = fake.blocking_client_builder().build()?;
///
/// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
/// assert_eq!(vars.get("PORT").unwrap().expose_secret(), "8080");
/// assert_eq!(format!("{vars:?}"), r#"EnvMap { names: ["DATABASE_URL", "PORT"], .. }"#);
///
/// let mut child = std::process::Command::new("my-server");
/// assert_eq!(vars.apply_to_command(&mut child).set, ["DATABASE_URL", "PORT"]);
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone)]
pub struct EnvMap {
    /// Sorted by name, each name once: `layered` returns them so, and a vector is built and freed in
    /// one piece where a map would be node by node.
    vars: Vec<(String, SecretString)>,
    policy: Policy,
    report: Option<crate::LoadReport>,
}

impl std::fmt::Debug for EnvMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvMap")
            .field("names", &self.vars.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl EnvMap {
    /// A map of these variables (with the default rules: [`Overwrite::Inherited`], reserved names skipped).
    /// A name given twice keeps its later value.
    ///
    /// ```
    /// use infisical_config::EnvMap;
    /// use secrecy::ExposeSecret;
    ///
    /// let vars = EnvMap::from_pairs([("PORT", "80"), ("GREETING", "hello"), ("PORT", "8080")])?;
    /// assert_eq!(vars.len(), 2);
    /// assert_eq!(vars.get("PORT").map(|v| v.expose_secret()), Some("8080"));
    /// assert_eq!(vars.iter().map(|(name, _)| name).collect::<Vec<_>>(), ["GREETING", "PORT"]);
    /// assert!(EnvMap::from_pairs([("A=B", "x")]).is_err());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::KeyMapping`] naming the variable (never its value) for an empty name, a name holding
    /// `=` or NUL, or a value holding NUL: no environment can hold them.
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut vars = Vec::new();
        for (name, value) in pairs {
            let (name, value) = (name.into(), SecretString::from(value.into()));
            check_variable(&name, &value, || format!("variable `{name}`"))?;
            vars.push((name, value));
        }
        // A later pair wins: reversed, the stable sort puts it first among its name, and dedup keeps it.
        vars.reverse();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        vars.dedup_by(|a, b| a.0 == b.0);
        Ok(EnvMap { vars, policy: Policy::default(), report: None })
    }

    /// One variable.
    ///
    /// ```
    /// use infisical_config::{EnvMap, ExposeSecret};
    ///
    /// let vars = EnvMap::from_pairs([("PORT", "8080")])?;
    /// assert_eq!(vars.get("PORT").map(ExposeSecret::expose_secret), Some("8080"));
    /// assert!(vars.get("HOST").is_none());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&SecretString> {
        let at = self.vars.binary_search_by(|(k, _)| k.as_str().cmp(name)).ok()?;
        Some(&self.vars[at].1)
    }

    /// The variables, sorted by name.
    ///
    /// ```
    /// use infisical_config::{EnvLoader, ExposeSecret};
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "PORT", "8080")
    /// #     .secret("prod", "/", "HOST", "0.0.0.0")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
    /// let pairs: Vec<(&str, &str)> = vars.iter().map(|(name, value)| (name, value.expose_secret())).collect();
    /// assert_eq!(pairs, [("HOST", "0.0.0.0"), ("PORT", "8080")]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Where the variables came from: the load's report (each folder from Infisical, a `304`, the cache
    /// and why, or nothing and why; requests, time, `ETag`s). `None` for a map made with
    /// [`from_pairs`](Self::from_pairs).
    ///
    /// ```
    /// use infisical_config::EnvLoader;
    /// use infisical_config::report::Origin;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "A", "1").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
    /// let report = vars.report().unwrap();
    /// assert_eq!(report.layers[0].origin, Origin::Network);
    /// assert_eq!(report.layers[0].secrets, 1);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn report(&self) -> Option<&crate::LoadReport> {
        self.report.as_ref()
    }

    /// How many.
    ///
    /// ```
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "PORT", "8080")
    /// #     .secret("prod", "/", "HOST", "0.0.0.0")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// assert_eq!(EnvLoader::new(fake.project_id(), "prod").client(client).load()?.len(), 2);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// True when there are none: a folder with no secret loads as an empty map, not an error.
    ///
    /// ```
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder().folder("prod", "/empty").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).path("/empty").load()?;
    /// assert!(vars.is_empty());
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// Whether the secrets replace variables that are already there (default
    /// [`Overwrite::Inherited`]), for a map loaded by one part of a program and applied by another.
    ///
    /// ```
    /// use std::process::Command;
    /// use infisical_config::EnvMap;
    /// use infisical_config::env_loader::Overwrite;
    ///
    /// // `HOME` is inherited by the child and reserved: never set, whatever the mode.
    /// let vars = EnvMap::from_pairs([("PORT", "8080"), ("HOME", "/tmp/evil")])?;
    /// let mut child = Command::new("true");
    /// child.env("PORT", "9090");
    /// let applied = vars.overwrite(Overwrite::Always).apply_to_command(&mut child);
    /// assert_eq!((applied.set, applied.reserved), (vec!["PORT".to_owned()], vec!["HOME".to_owned()]));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn overwrite(mut self, mode: Overwrite) -> Self {
        self.policy.overwrite = mode;
        self
    }

    /// `true` is [`overwrite(Overwrite::Always)`](Self::overwrite); `false` is the default,
    /// [`Overwrite::Inherited`].
    ///
    /// ```
    /// use std::process::Command;
    /// use infisical_config::EnvMap;
    ///
    /// let vars = EnvMap::from_pairs([("PORT", "8080")])?;
    /// let mut child = Command::new("true");
    /// child.env("PORT", "9090");
    /// assert_eq!(vars.clone().apply_to_command(&mut child).kept, ["PORT"]);
    /// assert_eq!(vars.override_existing(true).apply_to_command(&mut child).set, ["PORT"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn override_existing(self, yes: bool) -> Self {
        self.overwrite(if yes { Overwrite::Always } else { Overwrite::Inherited })
    }

    /// Allows these reserved names to be set (see [`Reserved`]), by exact name.
    ///
    /// ```
    /// use infisical_config::EnvMap;
    ///
    /// let vars = EnvMap::from_pairs([("NODE_OPTIONS", "--max-old-space-size=4096")])?;
    /// assert_eq!(vars.to_dotenv()?.as_str(), "");
    /// let vars = vars.allow_reserved(["NODE_OPTIONS"]);
    /// assert_eq!(vars.to_dotenv()?.as_str(), "NODE_OPTIONS='--max-old-space-size=4096'\n");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn allow_reserved<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.policy.names.allowed.extend(names.into_iter().map(Into::into));
        self
    }

    /// Strict mode: only these names, or names starting with a prefix written `PREFIX*`.
    ///
    /// ```
    /// use infisical_config::EnvMap;
    ///
    /// let vars = EnvMap::from_pairs([("APP_PORT", "8080"), ("DATABASE_URL", "postgres://db"), ("OTHER", "x")])?;
    /// let applied = vars.only(["APP_*", "DATABASE_URL"]).apply_to_command(&mut std::process::Command::new("true"));
    /// assert_eq!(applied.set, ["APP_PORT", "DATABASE_URL"]);
    /// assert_eq!(applied.not_listed, ["OTHER"]);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.policy.names.only = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// The variables as a JSON object, `{"NAME": "value", ...}`. The same name rules apply as when
    /// setting them: reserved names and names off a strict list are left out (with a warning).
    ///
    /// ```
    /// use infisical_config::EnvLoader;
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("prod", "/", "GREETING", "it's \"quoted\"")
    /// #     .secret("prod", "/", "LD_PRELOAD", "/tmp/evil.so")
    /// #     .start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    ///
    /// let vars = EnvLoader::new(fake.project_id(), "prod").client(client).load()?;
    /// let json: serde_json::Value = serde_json::from_str(&vars.to_json())?;
    /// assert_eq!(json, serde_json::json!({"GREETING": "it's \"quoted\""})); // LD_PRELOAD is reserved
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn to_json(&self) -> Zeroizing<String> {
        let plain: BTreeMap<&str, &str> =
            self.exported("the JSON export").into_iter().map(|(name, value)| (name, value.expose_secret())).collect();
        Zeroizing::new(serde_json::to_string_pretty(&plain).unwrap_or_default())
    }
}
