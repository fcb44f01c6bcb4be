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
    /// The real process environment, home directory (from `dirs`) and current directory: the default
    /// of every builder and loader.
    ///
    /// ```
    /// use infisical_config::auth::EnvCredentials;
    /// use infisical_config::EnvSource;
    ///
    /// // Read when the provider is asked, not now.
    /// let from_the_process = EnvCredentials::new(EnvSource::process());
    /// # let _ = from_the_process;
    /// ```
    #[must_use]
    pub fn process() -> Self {
        Self::default()
    }

    /// A fixed environment holding exactly these variables; no home or current directory unless set.
    ///
    /// ```
    /// use infisical_config::EnvSource;
    ///
    /// let env = EnvSource::from_pairs([("INFISICAL_URL", "http://127.0.0.1:8080")]);
    /// assert_eq!(env.var("INFISICAL_URL").as_deref(), Some("http://127.0.0.1:8080"));
    /// assert_eq!(env.var("HOME"), None); // the process's variables are not seen
    /// assert_eq!(env.home_dir(), None);
    ///
    /// let empty = EnvSource::from_pairs::<_, String, String>([]); // the types of an empty list
    /// # let _ = empty;
    /// ```
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

    /// Uses this directory as the home directory (where the Infisical CLI's login is looked for).
    ///
    /// ```
    /// use infisical_config::EnvSource;
    ///
    /// let home = tempfile::tempdir().unwrap();
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    /// assert_eq!(env.home_dir().as_deref(), Some(home.path()));
    /// ```
    #[must_use]
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// Uses this directory as the current directory (where `.infisical.json` is searched from).
    ///
    /// ```
    /// use infisical_config::{Client, EnvSource};
    ///
    /// let project = tempfile::tempdir().unwrap();
    /// std::fs::write(project.path().join(".infisical.json"), r#"{"workspaceId": "6f1e", "domain": "https://infisical.example.com"}"#).unwrap();
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_current_dir(project.path());
    /// let client = Client::builder().env_source(env).build()?; // the site comes from the project file
    /// assert_eq!(client.site().as_str(), "https://infisical.example.com/");
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    #[must_use]
    pub fn with_current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// One variable; `None` when unset or not valid UTF-8.
    ///
    /// ```
    /// use infisical_config::EnvSource;
    ///
    /// let env = EnvSource::from_pairs([("INFISICAL_ENVIRONMENT", "staging")]);
    /// assert_eq!(env.var("INFISICAL_ENVIRONMENT").as_deref(), Some("staging"));
    /// assert_eq!(env.var("INFISICAL_PROJECT_ID"), None);
    /// ```
    #[must_use]
    pub fn var(&self, name: &str) -> Option<String> {
        match &self.vars {
            Some(map) => map.get(name).cloned(),
            None => std::env::var(name).ok(),
        }
    }

    /// One variable, ignoring it when empty or only white space.
    ///
    /// ```
    /// use infisical_config::EnvSource;
    ///
    /// let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "  "), ("INFISICAL_ENVIRONMENT", "dev")]);
    /// assert_eq!(env.non_empty("INFISICAL_TOKEN"), None);
    /// assert_eq!(env.non_empty("INFISICAL_ENVIRONMENT").as_deref(), Some("dev"));
    /// ```
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

    /// The home directory: the one given to [`with_home`](Self::with_home), else the process's for
    /// [`process`](Self::process) and none for fixed pairs (never the real one).
    ///
    /// ```
    /// use infisical_config::EnvSource;
    ///
    /// assert_eq!(EnvSource::from_pairs::<_, String, String>([]).home_dir(), None);
    /// assert_eq!(EnvSource::from_pairs::<_, String, String>([]).with_home("/home/ci").home_dir(), Some("/home/ci".into()));
    /// ```
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

    /// The current directory: the one given to [`with_current_dir`](Self::with_current_dir), else the
    /// process's for [`process`](Self::process) and none for fixed pairs.
    ///
    /// ```
    /// use infisical_config::EnvSource;
    ///
    /// let env = EnvSource::from_pairs::<_, String, String>([]);
    /// assert_eq!(env.current_dir(), None); // no `.infisical.json` is looked for
    /// assert_eq!(env.with_current_dir("/srv/app").current_dir(), Some("/srv/app".into()));
    /// ```
    #[must_use]
    pub fn current_dir(&self) -> Option<PathBuf> {
        match (&self.cwd, &self.vars) {
            (Some(c), _) => Some(c.clone()),
            (None, Some(_)) => None,
            (None, None) => std::env::current_dir().ok(),
        }
    }
}
