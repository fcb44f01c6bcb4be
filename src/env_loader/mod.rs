//! Secrets as environment variables, dotenv-style: into the process at start-up, into a child process,
//! or out to a dotenv or JSON file.
//!
//! [`EnvLoader::load`] is safe and has no side effect: it returns an [`EnvMap`]. From there:
//! - [`EnvMap::apply_to_command`] gives the secrets to a child process (what `infisical run` does),
//!   leaving this process's environment alone;
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
//! - Existing variables win by default (dotenv's rule: nothing is lost);
//!   [`override_existing(true)`](EnvLoader::override_existing) lets the secrets replace them.
//! - Names that make programs, shells or interpreters run code or trust another server
//!   (`LD_PRELOAD`, `BASH_FUNC_*`, `NODE_OPTIONS`, `PYTHONPATH`, `GIT_*`, `*_PROXY`, `SSL_CERT_FILE`,
//!   `INFISICAL_*`, `PATH`, ... see [`Reserved`] for the classes and why) are never set from Infisical,
//!   in the process, in a child or in a dotenv file, unless named in
//!   [`allow_reserved`](EnvLoader::allow_reserved). Whoever can write a secret must not thereby run
//!   code on every machine that loads it. The list cannot be complete: a service that knows its names
//!   should list them with [`only`](EnvLoader::only), and nothing else is set.
//! - Several folders: a later folder wins, as with `infisical run --path`. Within one (recursive)
//!   load, two secrets of the same name in different folders are an error naming both.

// The one module allowed `unsafe`: setting process environment variables is unsafe since Rust 2024.
#![allow(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::process::Command;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::pipeline::{Query, loader_setters};
use crate::resources::ProjectRef;
use crate::resources::secrets::precedence::layered;
use crate::{EnvSource, blocking};

mod dotenv;
mod policy;

use policy::{NamePolicy, Refused};
pub use policy::{Reserved, reserved};

/// How secrets meet variables that already exist, and which names they may take.
#[derive(Clone, Debug, Default)]
struct Policy {
    overwrite: bool,
    names: NamePolicy,
}

/// Loads secrets as environment variables.
///
/// ```no_run
/// use infisical_config::EnvLoader;
///
/// let vars = EnvLoader::new("my-project", "dev").paths(["/", "/api"]).load()?;
/// let mut child = std::process::Command::new("my-server");
/// let applied = vars.apply_to_command(&mut child);
/// # let _ = applied;
/// # Ok::<(), infisical_config::Error>(())
/// ```
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
}

impl EnvLoader {
    /// Secrets of `project` (id or slug) in `environment` (slug).
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        EnvLoader {
            project: Ok(project.into()),
            environment: environment.into(),
            query: Query::default(),
            client: None,
            credentials: None,
            env: EnvSource::process(),
            policy: Policy::default(),
        }
    }

    /// Project, environment and folder from `INFISICAL_PROJECT_ID`, `INFISICAL_ENVIRONMENT`,
    /// `INFISICAL_SECRET_PATH`, else `.infisical.json`.
    pub fn from_env() -> Self {
        Self::from_env_source(EnvSource::process())
    }

    /// As [`from_env`](Self::from_env), reading this environment.
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
        }
        .path(path)
    }

    loader_setters!();

    crate::setters::setters! {
        /// Uses this client. Its runtime lives as long as it (and its clones) do: for
        /// [`load_and_set`](Self::load_and_set), let the loader build its own, which is gone when it returns.
        client(client: blocking::Client) => client = Some(client);

        /// Lets secrets replace variables that already exist (default false: existing ones win).
        override_existing(yes: bool) => policy.overwrite = yes;
    }

    /// Allows these reserved names (see [`Reserved`]) to be set from Infisical, by exact name.
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
    /// # Errors
    /// Any error of the client; [`Error::KeyConflict`] for two secrets of one name in different folders
    /// of one load; [`Error::KeyMapping`] for a name no environment variable can have.
    pub fn load(&self) -> Result<EnvMap> {
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
        let layers = client.run(self.query.load(client.as_async(), &project, &self.environment, &self.env))?;
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
        let vars: Vec<(String, SecretString)> = layered(mapped)
            .map_err(|c| Error::KeyConflict {
                first: describe(&c.key, &c.first),
                second: describe(&c.key, &c.second),
                key: c.key,
            })?
            .into_iter()
            .map(|(name, value, _)| (name, value))
            .collect();
        tracing::debug!(environment = %self.environment, count = vars.len(), "secrets loaded as environment variables");
        Ok(EnvMap { vars, policy: self.policy.clone() })
    }

    /// [`load`](Self::load)s, then sets the variables in this process ([`EnvMap::apply_to_process`]).
    ///
    /// # Safety
    /// It calls `std::env::set_var`. No other thread may read or write the environment meanwhile: call
    /// it first thing in `main`, before starting any thread or async runtime. When the loader was given
    /// a [`client`](Self::client), that client's runtime thread must be gone too (drop every clone).
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

/// Environment variables loaded from Infisical. Values are [`SecretString`]s; `Debug` shows names only.
#[derive(Clone)]
pub struct EnvMap {
    /// Sorted by name, each name once: `layered` returns them so, and a vector is built and freed in
    /// one piece where a map would be node by node.
    vars: Vec<(String, SecretString)>,
    policy: Policy,
}

impl std::fmt::Debug for EnvMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvMap")
            .field("names", &self.vars.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// What applying an [`EnvMap`] did, by name (never values).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Applied {
    /// Variables set from Infisical.
    pub set: Vec<String>,
    /// Variables that already existed and were kept.
    pub kept: Vec<String>,
    /// Reserved names left alone (see [`Reserved`]).
    pub reserved: Vec<String>,
    /// Names left out because a strict list ([`EnvLoader::only`]) does not name them.
    pub not_listed: Vec<String>,
}

impl EnvMap {
    /// A map of these variables (with the default rules: existing ones win, reserved names skipped).
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
        Ok(EnvMap { vars, policy: Policy::default() })
    }

    /// One variable.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&SecretString> {
        let at = self.vars.binary_search_by(|(k, _)| k.as_str().cmp(name)).ok()?;
        Some(&self.vars[at].1)
    }

    /// The variables, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many.
    #[must_use]
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// True when there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// Lets the secrets replace variables that exist (default false).
    #[must_use]
    pub fn override_existing(mut self, yes: bool) -> Self {
        self.policy.overwrite = yes;
        self
    }

    /// Allows these reserved names to be set.
    #[must_use]
    pub fn allow_reserved<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.policy.names.allowed.extend(names.into_iter().map(Into::into));
        self
    }

    /// Strict mode: only these names, or names starting with a prefix written `PREFIX*`.
    #[must_use]
    pub fn only<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.policy.names.only = Some(names.into_iter().map(Into::into).collect());
        self
    }

    /// Decides for each variable: `exists` says whether the target already has it.
    fn plan(&self, exists: impl Fn(&str) -> bool) -> (Vec<(&str, &SecretString)>, Applied) {
        let mut applied = Applied::default();
        let mut to_set = Vec::new();
        for (name, value) in &self.vars {
            if let Err(refused) = self.policy.names.check(name) {
                match refused {
                    Refused::Reserved(_) => applied.reserved.push(name.clone()),
                    Refused::NotListed => applied.not_listed.push(name.clone()),
                }
            } else if exists(name) && !self.policy.overwrite {
                applied.kept.push(name.clone());
            } else {
                applied.set.push(name.clone());
                to_set.push((name.as_str(), value));
            }
        }
        if !applied.reserved.is_empty() {
            tracing::warn!(names = ?applied.reserved, "reserved environment variables were not set from Infisical (allow them by name)");
        }
        if !applied.not_listed.is_empty() {
            tracing::debug!(names = ?applied.not_listed, "secrets not on the strict list were not set");
        }
        (to_set, applied)
    }

    /// Gives the variables to a child process; this process's environment is not touched. A variable
    /// counts as existing when the command sets or removes it, or it inherits it from this process.
    pub fn apply_to_command(&self, command: &mut Command) -> Applied {
        let explicit: BTreeSet<String> = command.get_envs().map(|(k, _)| k.to_string_lossy().into_owned()).collect();
        let (to_set, applied) = self.plan(|name| explicit.contains(name) || std::env::var_os(name).is_some());
        for (name, value) in to_set {
            command.env(name, OsStr::new(value.expose_secret()));
        }
        applied
    }

    /// Sets the variables in this process.
    ///
    /// # Safety
    /// It calls `std::env::set_var`: no other thread may read or write the environment meanwhile. Call
    /// it first thing in `main`, before starting any thread or async runtime.
    pub unsafe fn apply_to_process(&self) -> Applied {
        let (to_set, applied) = self.plan(|name| std::env::var_os(name).is_some());
        for (name, value) in to_set {
            // SAFETY: names and values were checked for `=` and NUL when loaded; the caller guarantees
            // that no other thread touches the environment.
            unsafe { std::env::set_var(name, value.expose_secret()) };
        }
        applied
    }

    /// The variables as a JSON object, `{"NAME": "value", ...}`. The same name rules apply as when
    /// setting them: reserved names and names off a strict list are left out (with a warning).
    #[must_use]
    pub fn to_json(&self) -> Zeroizing<String> {
        let plain: BTreeMap<&str, &str> =
            self.exported("the JSON export").into_iter().map(|(name, value)| (name, value.expose_secret())).collect();
        Zeroizing::new(serde_json::to_string_pretty(&plain).unwrap_or_default())
    }
}
