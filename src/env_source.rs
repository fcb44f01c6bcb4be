//! Where configuration reads the process environment and the home directory from.
//!
//! Everything in this crate that would read `std::env` or the home directory reads an [`EnvSource`]
//! instead, so tests (the crate's and yours) can hand in a fixed environment and a temporary home
//! without touching the real ones.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A source of environment variables and of the home directory.
///
/// [`EnvSource::process`] (the default) reads the real process; [`EnvSource::from_pairs`] holds a
/// fixed map, for tests.
///
/// ```
/// use infisical_config::EnvSource;
///
/// let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "t")]).with_home("/tmp/nobody");
/// assert_eq!(env.var("INFISICAL_TOKEN").as_deref(), Some("t"));
/// assert_eq!(env.var("PATH"), None);
/// assert_eq!(env.home_dir(), Some("/tmp/nobody".into()));
/// ```
#[derive(Clone, Default)]
pub struct EnvSource {
    vars: Option<Arc<BTreeMap<String, String>>>,
    home: Option<PathBuf>,
    cwd: Option<PathBuf>,
}

impl std::fmt::Debug for EnvSource {
    // Variable values may be secrets: show names only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("EnvSource");
        match &self.vars {
            None => d.field("vars", &"<process>"),
            Some(v) => d.field("vars", &v.keys().collect::<Vec<_>>()),
        };
        d.field("home", &self.home).field("cwd", &self.cwd).finish()
    }
}

impl EnvSource {
    /// The real process environment, home directory (from `dirs`) and current directory.
    #[must_use]
    pub fn process() -> Self {
        Self::default()
    }

    /// A fixed environment holding exactly these variables; no home or current directory unless set.
    #[must_use]
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars = pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        EnvSource { vars: Some(Arc::new(vars)), home: None, cwd: None }
    }

    /// Uses this directory as the home directory.
    #[must_use]
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// Uses this directory as the current directory (where `.infisical.json` is searched from).
    #[must_use]
    pub fn with_current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// One variable; `None` when unset or not valid UTF-8.
    #[must_use]
    pub fn var(&self, name: &str) -> Option<String> {
        match &self.vars {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        }
    }

    /// One variable, ignoring it when empty or only white space.
    #[must_use]
    pub fn non_empty(&self, name: &str) -> Option<String> {
        self.var(name).filter(|v| !v.trim().is_empty())
    }

    /// Whether this is the process's own environment (not pairs given to [`from_pairs`](Self::from_pairs)).
    #[cfg(feature = "aws")]
    pub(crate) fn is_process(&self) -> bool {
        self.vars.is_none()
    }

    /// The first of these variables that is set and not empty, with its name.
    pub(crate) fn first_of(&self, names: &[&'static str]) -> Option<(&'static str, String)> {
        names.iter().find_map(|n| self.non_empty(n).map(|v| (*n, v)))
    }

    /// The home directory.
    #[must_use]
    pub fn home_dir(&self) -> Option<PathBuf> {
        match (&self.home, &self.vars) {
            (Some(h), _) => Some(h.clone()),
            // A fixed environment never falls back to the real home: tests must not see it.
            (None, Some(_)) => None,
            (None, None) => dirs::home_dir(),
        }
    }

    /// The per-user cache folder: the platform's (`dirs`) for the process; for a fixed environment,
    /// `XDG_CACHE_HOME`, else `.cache` in its home, never the real one.
    #[cfg_attr(not(feature = "cache"), allow(dead_code))]
    pub(crate) fn cache_dir(&self) -> Option<PathBuf> {
        match &self.vars {
            None => dirs::cache_dir(),
            Some(_) => {
                self.non_empty("XDG_CACHE_HOME").map(PathBuf::from).or_else(|| Some(self.home_dir()?.join(".cache")))
            }
        }
    }

    /// The current directory.
    #[must_use]
    pub fn current_dir(&self) -> Option<PathBuf> {
        match (&self.cwd, &self.vars) {
            (Some(c), _) => Some(c.clone()),
            (None, Some(_)) => None,
            (None, None) => std::env::current_dir().ok(),
        }
    }
}
