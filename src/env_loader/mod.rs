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

use std::time::SystemTime;

use secrecy::{ExposeSecret, SecretString};

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::leases::Issued;
use crate::pipeline::Query;
use crate::resources::ProjectRef;
use crate::resources::secrets::precedence::layered;
use crate::{DynamicLease, EnvSource, blocking};

mod apply;
mod dotenv;
mod map;
mod options;
mod policy;

pub use apply::{Applied, Overwrite};
pub use map::EnvMap;
use policy::NamePolicy;
pub use policy::{Reserved, reserved};

/// How secrets meet variables that already exist, and which names they may take.
#[derive(Clone, Debug, Default)]
struct Policy {
    overwrite: Overwrite,
    names: NamePolicy,
}

/// Loads secrets from Infisical as environment variables: into this process at start-up, into a child
/// process, or out to a dotenv or JSON file ([the rules](crate::env_loader)).
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
        report: &mut crate::report::LoadReport,
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
