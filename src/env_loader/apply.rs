//! Applying an [`EnvMap`]: to a child process or to this process, and what was done.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::process::Command;

use secrecy::{ExposeSecret, SecretString};

use super::EnvMap;
use super::policy::Refused;

/// Whether a secret replaces a variable of its name that is already there.
///
/// Reserved names ([`Reserved`](super::Reserved)) and names off a strict list
/// ([`EnvLoader::only`](super::EnvLoader::only)) are never set, whichever is chosen.
///
/// ```
/// use std::process::Command;
/// use infisical_config::env_loader::EnvMap;
/// use infisical_config::env_loader::Overwrite;
///
/// let vars = EnvMap::from_pairs([("GREETING", "from Infisical")])?;
/// let mut child = Command::new("sh");
/// child.args(["-c", r#"printf %s "$GREETING""#]).env("GREETING", "set by the caller");
/// let applied = vars.clone().apply_to_command(&mut child);
/// assert_eq!(applied.kept, ["GREETING"], "what the caller set wins by default");
///
/// let applied = vars.overwrite(Overwrite::Always).apply_to_command(&mut child);
/// assert_eq!(applied.set, ["GREETING"]);
/// assert_eq!(child.output()?.stdout, b"from Infisical");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Overwrite {
    /// The default: a secret replaces what a child would inherit from this process, as `infisical
    /// run` does, and never a variable that is set: one of this process (for
    /// [`apply_to_process`](EnvMap::apply_to_process): dotenv's rule), or one set or removed on the
    /// `Command` (`command.env(..)`, `env_remove(..)`: the caller asked for it).
    #[default]
    Inherited,
    /// Every variable already there wins: set in this process, set on the `Command`, or inherited.
    /// A `Command` does not tell whether `env_clear()` was called on it, so after that call this mode
    /// still leaves out the secrets named like this process's variables.
    Never,
    /// Every secret wins, over this process's variables and over what the `Command` sets.
    Always,
}

/// What applying an [`EnvMap`] did, by name (never values): what to log at start-up.
///
/// ```
/// use std::process::Command;
/// use infisical_config::env_loader::EnvMap;
///
/// let vars = EnvMap::from_pairs([("PORT", "8080"), ("HOST", "0.0.0.0"), ("LD_PRELOAD", "/tmp/evil.so")])?;
/// let mut child = Command::new("my-server");
/// child.env("HOST", "127.0.0.1");
/// let applied = vars.apply_to_command(&mut child);
/// assert_eq!(applied.set, ["PORT"]);
/// assert_eq!(applied.kept, ["HOST"]); // set on the command: the caller's choice
/// assert_eq!(applied.reserved, ["LD_PRELOAD"]);
/// assert!(applied.not_listed.is_empty());
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Applied {
    /// Variables set from Infisical.
    pub set: Vec<String>,
    /// Variables that were already there and were kept (see [`Overwrite`]).
    pub kept: Vec<String>,
    /// Reserved names left alone (see [`Reserved`](super::Reserved)).
    pub reserved: Vec<String>,
    /// Names left out because a strict list ([`EnvLoader::only`](super::EnvLoader::only)) does not
    /// name them.
    pub not_listed: Vec<String>,
}

impl EnvMap {
    /// Decides for each variable: `keep` says whether the target has one of that name to keep.
    fn plan(&self, keep: impl Fn(&str) -> bool) -> (Vec<(&str, &SecretString)>, Applied) {
        let mut applied = Applied::default();
        let mut to_set = Vec::new();
        for (name, value) in &self.vars {
            if let Err(refused) = self.policy.names.check(name) {
                match refused {
                    Refused::Reserved(_) => applied.reserved.push(name.clone()),
                    Refused::NotListed => applied.not_listed.push(name.clone()),
                }
            } else if keep(name) {
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

    /// Gives the variables to a child process; this process's environment is not touched.
    ///
    /// By default ([`Overwrite::Inherited`]) the precedence is `infisical run`'s: a secret replaces a
    /// variable the child would inherit from this process, but not one set or removed on `command`
    /// (the caller's choice wins). Reserved names are never set.
    ///
    /// ```
    /// use std::process::Command;
    /// use infisical_config::env_loader::EnvMap;
    ///
    /// let vars = EnvMap::from_pairs([("DATABASE_URL", "postgres://db"), ("PORT", "8080")])?;
    /// let mut child = Command::new("sh");
    /// child.args(["-c", r#"printf '%s %s' "$DATABASE_URL" "$PORT""#]).env("PORT", "9090");
    /// let applied = vars.apply_to_command(&mut child);
    /// assert_eq!((applied.set, applied.kept), (vec!["DATABASE_URL".to_owned()], vec!["PORT".to_owned()]));
    /// assert_eq!(child.output()?.stdout, b"postgres://db 9090");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_to_command(&self, command: &mut Command) -> Applied {
        // `infisical run` builds its child's environment from its own (`os.Environ()`), then writes the
        // secrets over it, reserved names left out: `formatSecretsForShell` in `packages/cmd/run.go` of
        // Infisical/cli, commit 05df0ab2eac3394fbc91f63ca3b00e6b8b1d9796. What the caller set on the
        // `Command` is not inherited but chosen, so it stays unless told otherwise.
        let explicit: BTreeSet<String> = command.get_envs().map(|(k, _)| k.to_string_lossy().into_owned()).collect();
        let (to_set, applied) = self.plan(|name| match self.policy.overwrite {
            Overwrite::Inherited => explicit.contains(name),
            Overwrite::Never => explicit.contains(name) || std::env::var_os(name).is_some(),
            Overwrite::Always => false,
        });
        for (name, value) in to_set {
            command.env(name, OsStr::new(value.expose_secret()));
        }
        applied
    }

    /// Sets the variables in this process. A variable already set here wins (dotenv's rule) unless
    /// [`Overwrite::Always`] was chosen.
    ///
    /// # Safety
    /// It calls `std::env::set_var`: no other thread may read or write the environment meanwhile. Call
    /// it first thing in `main`, before starting any thread or async runtime.
    ///
    /// ```
    /// use infisical_config::env_loader::EnvMap;
    /// # // SAFETY (here and below): this doctest's process has no other thread.
    /// # unsafe { std::env::set_var("DOCTEST_APPLY_MODE", "set-by-the-operator") };
    /// # assert!(std::env::var_os("DOCTEST_APPLY_PORT").is_none());
    ///
    /// let vars = EnvMap::from_pairs([("DOCTEST_APPLY_PORT", "8080"), ("DOCTEST_APPLY_MODE", "from-infisical")])?;
    /// // SAFETY: first thing in main; no other thread exists yet.
    /// let applied = unsafe { vars.apply_to_process() };
    /// assert_eq!(applied.set, ["DOCTEST_APPLY_PORT"]);
    /// assert_eq!(applied.kept, ["DOCTEST_APPLY_MODE"]);
    /// assert_eq!(std::env::var("DOCTEST_APPLY_PORT")?, "8080");
    /// assert_eq!(std::env::var("DOCTEST_APPLY_MODE")?, "set-by-the-operator"); // not overwritten
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub unsafe fn apply_to_process(&self) -> Applied {
        let (to_set, applied) =
            self.plan(|name| self.policy.overwrite != Overwrite::Always && std::env::var_os(name).is_some());
        for (name, value) in to_set {
            // SAFETY: names and values were checked for `=` and NUL when loaded; the caller guarantees
            // that no other thread touches the environment.
            unsafe { std::env::set_var(name, value.expose_secret()) };
        }
        applied
    }
}
