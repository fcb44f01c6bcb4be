//! [`EnvMap`]: the variables a load returns, and the rules they are applied with.

use std::collections::BTreeMap;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::{Overwrite, Policy, check_variable};
use crate::error::Result;

/// Environment variables loaded from Infisical ([`EnvLoader::load`](super::EnvLoader::load)), sorted
/// by name, and the rules they are applied with: to a child process
/// ([`apply_to_command`](Self::apply_to_command)), to this process
/// ([`apply_to_process`](Self::apply_to_process)), or out to a file ([`to_dotenv`](Self::to_dotenv),
/// [`to_shell`](Self::to_shell), [`to_json`](Self::to_json)).
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
    pub(super) vars: Vec<(String, SecretString)>,
    pub(super) policy: Policy,
    pub(super) report: Option<crate::report::LoadReport>,
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
    /// use infisical_config::env_loader::EnvMap;
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
    /// [`Error::KeyMapping`](crate::Error::KeyMapping) naming the variable (never its value) for an
    /// empty name, a name holding `=` or NUL, or a value holding NUL: no environment can hold them.
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
    /// use infisical_config::ExposeSecret;
    /// use infisical_config::env_loader::EnvMap;
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
    pub fn report(&self) -> Option<&crate::report::LoadReport> {
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
    /// use infisical_config::env_loader::EnvMap;
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
    /// use infisical_config::env_loader::EnvMap;
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

    /// Allows these reserved names to be set (see [`Reserved`](super::Reserved)), by exact name.
    ///
    /// ```
    /// use infisical_config::env_loader::EnvMap;
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
    /// use infisical_config::env_loader::EnvMap;
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
