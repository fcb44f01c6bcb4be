//! A last-known-good cache of loads (feature `cache`): a service starts, and keeps its secrets, while
//! Infisical is down or unreachable, and a load of an unchanged folder costs a `304` and no body.
//!
//! After every successful load, what was loaded (each folder's merged secrets and the list answer's
//! `ETag`) is written to one file per target (site, project, environment, folders and query options),
//! named by a hash of the target, in [`Cache::dir`] (default: the platform's cache folder, under
//! `infisical-config`). The file is encrypted with AES-256-GCM under the caller's key, with a fresh
//! nonce per write and the target as associated data, written atomically (a temporary file in the same
//! folder, fsync, rename) with mode 0600.
//!
//! The next load sends each folder's `ETag` as `If-None-Match`; a `304` reuses the cached folder.
//! When Infisical cannot be reached or is unavailable ([`Error::is_unavailable`](crate::Error::is_unavailable):
//! a connection refused or reset, a name that does not resolve, a timeout, a 5xx, 408 or 429 once the
//! retries are spent), [`OnFailure`] decides: fail (the default), serve the cached load if it is no
//! older than a maximum age (with a warning giving its age), or provide nothing.
//!
//! A refusal is an answer, not an outage, and the cache never hides it: credentials refused at login
//! (a revoked or wrong client secret, an identity removed: 401, 403, 404), a project the identity may
//! not read (403), an unknown environment or folder (404) fail the load whatever the policy. A cache
//! that served on a refused login would keep handing out secrets to a caller whose access was
//! withdrawn; there is deliberately no option to do so.
//!
//! A cache that cannot be used (no file, a missing or wrong key, a file of another target, a truncated
//! or tampered file) is treated as absent, with a warning that names the file and the load it is for,
//! says why and what to do; never a panic, never a wrong value.
//!
//! By choice, the cache can also answer first: [`Cache::fresh_for`] serves a cache younger than a
//! window without asking Infisical (a restart storm, a burst of short jobs), and [`Cache::offline`]
//! never asks Infisical (local development on a bad network). Every load says where its values came
//! from, and how old they are, in its [`LoadReport`](crate::report::LoadReport).
//!
//! The folder is used only when no one else can change what is in it, as ssh checks its files: it
//! belongs to the effective user and no one else can write it, and every folder on the way to it
//! (links followed) belongs to root or that user and no one else can write it, unless it has the
//! sticky bit (as `/tmp`). A link to such a folder is followed. Otherwise a warning names the folder
//! and the reason, the cache is neither read nor written, and the load goes on from the server. A
//! file is read only if it is a regular file of that user that no one else can write, opened once
//! without following a link or waiting on a FIFO, and no larger than a load of its target can be.
//! These checks are made on unix; elsewhere only "a regular file of a bounded size" is.
//!
//! ```
//! use std::time::Duration;
//! use infisical_config::Infisical;
//! use infisical_config::cache::{Cache, CacheKey, OnFailure};
//! use infisical_config::report::Origin;
//! # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
//! # let client = fake.blocking_client_builder().retry(infisical_config::RetryPolicy::disabled()).build()?;
//! # let dir = tempfile::tempdir().unwrap();
//! # let env = infisical_config::EnvSource::from_pairs([("APP_CACHE_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")]);
//!
//! let provider = Infisical::new(fake.project_id(), "prod").client(client).cache(
//!     Cache::new(CacheKey::from_env("APP_CACHE_KEY"))
//! #       .dir(dir.path())
//!         .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(24 * 3600) }),
//! );
//! # let provider = provider.env_source(env);
//! assert_eq!(provider.fetch()?.report().unwrap().layers[0].origin, Origin::Network); // and kept
//! assert_eq!(provider.fetch()?.report().unwrap().layers[0].origin, Origin::Revalidated); // a 304
//!
//! fake.set_unavailable(true);
//! let snapshot = provider.fetch()?; // the cached load, with a warning giving its age
//! assert!(matches!(snapshot.report().unwrap().layers[0].origin, Origin::Cache { .. }));
//! # Ok::<(), infisical_config::Error>(())
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use crate::EnvSource;

mod file;
mod key;
mod not_used;

pub use key::CacheKey;

#[cfg(feature = "fuzzing")]
pub(crate) use file::fuzz as fuzz_file;

use not_used::{NotUsed, checked_folder, describe};

/// What a load does when Infisical cannot be reached or is unavailable
/// ([`Error::is_unavailable`](crate::Error::is_unavailable)).
///
/// Only an outage: a refusal (credentials refused at login, a project the identity may not read, an
/// unknown environment or folder) or a mistake on this machine (no credentials configured) fails the
/// load under every policy, so that withdrawing an identity's access stops its secrets at once. No
/// policy serves the cache on a refusal.
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
/// let cache = |policy| Cache::new(CacheKey::from([7; 32])).dir(dir.path()).on_failure(policy);
/// let provider = Infisical::new(fake.project_id(), "prod").client(client);
/// provider.clone().cache(cache(OnFailure::Fail)).fetch()?; // kept
/// fake.set_unavailable(true);
///
/// assert!(provider.clone().cache(cache(OnFailure::Fail)).fetch().unwrap_err().is_unavailable());
/// let day = Duration::from_secs(24 * 3600);
/// let served = provider.clone().cache(cache(OnFailure::UseCache { max_age: day })).fetch()?;
/// assert!(matches!(served.report().unwrap().layers[0].origin, Origin::Cache { .. }));
/// assert!(provider.cache(cache(OnFailure::ProvideNothing)).fetch()?.is_empty());
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum OnFailure {
    /// Fail, as without a cache (the default): the cache only saves bodies through revalidation.
    #[default]
    Fail,
    /// Serve the cached load when it is no older than `max_age`, with a warning giving its age; fail
    /// when there is none or it is older.
    UseCache {
        /// The oldest cached load that may be served.
        max_age: Duration,
    },
    /// Provide nothing, with a warning: the env loader's and the `config` source's counterpart of the
    /// figment provider's [`optional`](crate::Infisical::optional), under the same rule.
    ProvideNothing,
}

/// A last-known-good cache for a loader: where, under which key, and what to do on failure.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::{EnvSource, Infisical};
/// use infisical_config::cache::{Cache, CacheKey, OnFailure};
/// use infisical_config::report::Origin;
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
/// # let client = fake.blocking_client_builder().retry(infisical_config::RetryPolicy::disabled()).build()?;
/// # let dir = tempfile::tempdir().unwrap();
///
/// let cache = Cache::new(CacheKey::from_env("APP_CACHE_KEY")) // `openssl rand -base64 32`
///     .dir(dir.path()) // e.g. /var/cache/my-app
///     .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(3600) });
/// let env = EnvSource::from_pairs([("APP_CACHE_KEY", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")]);
/// let provider = Infisical::new(fake.project_id(), "prod").client(client).env_source(env).cache(cache);
/// provider.fetch()?;
///
/// fake.set_unavailable(true);
/// let snapshot = provider.fetch()?; // Infisical is down: the last good load stands in
/// assert!(matches!(snapshot.report().unwrap().layers[0].origin, Origin::Cache { .. }));
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Cache {
    key: CacheKey,
    dir: Option<PathBuf>,
    on_failure: OnFailure,
    first: First,
}

/// Whether the cache answers before Infisical is asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum First {
    /// Infisical first (the default): the cache revalidates and stands in.
    #[default]
    Network,
    /// A cache younger than the window answers, without asking Infisical.
    Fresh(Duration),
    /// Infisical is never asked; a cache no older than this answers, or the load fails.
    Offline(Duration),
}

/// Why the cache was not read: its file (`none` without a folder), and the reason with what to do.
#[derive(Debug)]
pub(crate) struct Unread {
    pub(crate) file: String,
    pub(crate) reason: String,
}

impl Cache {
    /// A cache under this key, in the platform's cache folder, failing as without a cache.
    ///
    /// ```
    /// use infisical_config::Infisical;
    /// use infisical_config::cache::{Cache, CacheKey};
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    /// # let dir = tempfile::tempdir().unwrap();
    ///
    /// let cache = Cache::new(CacheKey::from([7; 32])).dir(dir.path()); // a folder of its own in tests
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client).cache(cache);
    /// provider.fetch()?;
    /// provider.fetch()?; // revalidated: a 304, no body
    /// assert_eq!(fake.not_modified(), 1);
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn new(key: CacheKey) -> Self {
        Cache { key, dir: None, on_failure: OnFailure::Fail, first: First::Network }
    }

    /// Serves a cache younger than `window` without asking Infisical at all: no request, not even a
    /// `304` (the report says `CacheReason::Fresh`, with its age). For a restart storm (a fleet
    /// restarted together), a burst of short jobs, local development on a bad network: what the
    /// Infisical CLI's users ask for as `--prefer-offline`. An older or unusable cache goes to Infisical
    /// as usual. Off by default; replaces [`offline`](Self::offline). With
    /// [`OnFailure::UseCache`], its `max_age` still bounds what is served.
    ///
    /// Only a load without a previous one reads it: a watcher's polls always ask Infisical.
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::Infisical;
    /// use infisical_config::cache::{Cache, CacheKey};
    /// use infisical_config::report::{CacheReason, Origin};
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    /// # let dir = tempfile::tempdir().unwrap();
    ///
    /// // Replicas restarted within five minutes of the last load start from the cache.
    /// let cache = Cache::new(CacheKey::from([7; 32])).dir(dir.path()).fresh_for(Duration::from_secs(300));
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client).cache(cache);
    /// provider.fetch()?; // no cache yet: from Infisical, and kept
    ///
    /// let restarted = provider.fetch()?;
    /// assert!(matches!(restarted.report().unwrap().layers[0].origin, Origin::Cache { reason: CacheReason::Fresh, .. }));
    /// assert_eq!(restarted.report().unwrap().requests, 0); // not even a 304
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn fresh_for(mut self, window: Duration) -> Self {
        self.first = First::Fresh(window);
        self
    }

    /// Never asks Infisical: serves the cache when it is no older than `max_age` (the report says
    /// `CacheReason::Offline`, with its age), and otherwise fails naming why (no file yet, too old,
    /// another key, a folder others can write...), an [`Error::File`](crate::Error::File). Off by
    /// default; replaces [`fresh_for`](Self::fresh_for). With [`OnFailure::UseCache`], its `max_age`
    /// still bounds what is served.
    ///
    /// ```
    /// use std::time::Duration;
    /// use infisical_config::{Error, Infisical};
    /// use infisical_config::cache::{Cache, CacheKey};
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
    /// # let client = fake.blocking_client_builder().build()?;
    /// # let dir = tempfile::tempdir().unwrap();
    ///
    /// let week = Duration::from_secs(7 * 24 * 3600);
    /// let cache = Cache::new(CacheKey::from([7; 32])).dir(dir.path());
    /// let provider = Infisical::new(fake.project_id(), "prod").client(client);
    ///
    /// // No load has kept anything yet: the error says so.
    /// let err = provider.clone().cache(cache.clone().offline(week)).fetch().unwrap_err();
    /// assert!(matches!(err, Error::File { .. }), "{err}");
    ///
    /// provider.clone().cache(cache.clone()).fetch()?; // with a network: kept
    /// // On a plane: what the last load with a network kept, up to a week old.
    /// let snapshot = provider.cache(cache.offline(week)).fetch()?;
    /// assert_eq!(snapshot.get(&figment::Profile::Default, "port"), Some("8080"));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn offline(mut self, max_age: Duration) -> Self {
        self.first = First::Offline(max_age);
        self
    }

    crate::setters::setters! {
        /// Keeps the files in this folder (created 0700 when missing).
        ///
        /// ```
        /// use infisical_config::Infisical;
        /// use infisical_config::cache::{Cache, CacheKey};
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let client = fake.blocking_client_builder().build()?;
        /// # let dir = tempfile::tempdir().unwrap();
        ///
        /// let folder = dir.path().join("infisical-cache");
        /// let provider = Infisical::new(fake.project_id(), "prod")
        ///     .client(client)
        ///     .cache(Cache::new(CacheKey::from([7; 32])).dir(&folder));
        /// provider.fetch()?;
        /// assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1); // one file per target
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        dir(dir: impl Into<PathBuf>) => dir = Some(dir.into());

        /// What a load does when Infisical cannot be reached (see [`OnFailure`]).
        ///
        /// ```
        /// use std::time::Duration;
        /// use infisical_config::Infisical;
        /// use infisical_config::cache::{Cache, CacheKey, OnFailure};
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/", "PORT", "8080").start_blocking();
        /// # let client = fake.blocking_client_builder().retry(infisical_config::RetryPolicy::disabled()).build()?;
        /// # let dir = tempfile::tempdir().unwrap();
        ///
        /// let cache = Cache::new(CacheKey::from([7; 32]))
        ///     .dir(dir.path())
        ///     .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(3600) });
        /// let provider = Infisical::new(fake.project_id(), "prod").client(client).cache(cache);
        /// provider.fetch()?;
        ///
        /// fake.set_unavailable(true);
        /// let snapshot = provider.fetch()?; // the last good load, with a warning giving its age
        /// assert_eq!(snapshot.get(&figment::Profile::Default, "port"), Some("8080"));
        /// # Ok::<(), infisical_config::Error>(())
        /// ```
        on_failure(policy: OnFailure) => on_failure = policy;
    }

    pub(crate) fn policy(&self) -> OnFailure {
        self.on_failure
    }

    pub(crate) fn first(&self) -> First {
        self.first
    }

    /// The oldest cache a load may serve by choice, `limit`, bounded by the policy's maximum age.
    pub(crate) fn bound(&self, limit: Duration) -> Duration {
        match self.on_failure {
            OnFailure::UseCache { max_age } => limit.min(max_age),
            _ => limit,
        }
    }

    /// The file of `target`, for messages (`none` without a folder).
    pub(crate) fn file_name(&self, env: &EnvSource, target: &str) -> String {
        self.folder(env).map_or_else(|_| "none".into(), |dir| file::path_of(&dir, target).display().to_string())
    }

    /// The folder of the files, or why there is none.
    fn folder(&self, env: &EnvSource) -> Result<PathBuf, NotUsed> {
        match &self.dir {
            Some(dir) => Ok(dir.clone()),
            None => env.cache_dir().map(|d| d.join("infisical-config")).ok_or_else(|| NotUsed {
                reason: "no cache folder (no home folder, no XDG_CACHE_HOME)".into(),
                fix: "set one with Cache::dir".into(),
            }),
        }
    }

    /// The last load of `target`, decoded by `decode` from its plaintext and time, if there is a usable
    /// one; otherwise why not, and for any reason but "no file yet" a warning names the file and the
    /// load, and says why and what to do. `answers_cap` is what the target's answers can total (the
    /// client's response cap times the target's folders): what bounds its file.
    pub(crate) fn read<T>(
        &self,
        env: &EnvSource,
        target: &str,
        answers_cap: u64,
        decode: impl FnOnce(&[u8], SystemTime) -> Result<T, String>,
    ) -> Result<T, Unread> {
        let read = |path: &Path| {
            let found = self.try_read(env, path, target, answers_cap, decode)?;
            Ok(found.ok_or_else(|| path.display().to_string()))
        };
        match self.on_file(env, target, "the Infisical cache is not used", read)? {
            Ok(found) => Ok(found),
            Err(file) => Err(Unread {
                file,
                reason: "there is no cache file yet; a load that reaches Infisical writes it".into(),
            }),
        }
    }

    fn try_read<T>(
        &self,
        env: &EnvSource,
        path: &Path,
        target: &str,
        answers_cap: u64,
        decode: impl FnOnce(&[u8], SystemTime) -> Result<T, String>,
    ) -> Result<Option<T>, NotUsed> {
        let dir = path.parent().expect("a file in a folder");
        if let Err(e) = std::fs::metadata(dir)
            && e.kind() == std::io::ErrorKind::NotFound
        {
            tracing::debug!(folder = %dir.display(), "no Infisical cache yet");
            return Ok(None);
        }
        checked_folder(dir)?;
        let Some(bytes) = file::read(path, file::max_file_bytes(answers_cap)).map_err(NotUsed::file)? else {
            tracing::debug!(file = %path.display(), "no Infisical cache yet");
            return Ok(None);
        };
        let key = self.key.resolve(env)?;
        let (plain, saved_at) = file::open(&bytes, &key, target).map_err(|why| NotUsed::content(why, &self.key))?;
        decode(&plain, saved_at).map(Some).map_err(|_| NotUsed::content(file::Unusable::Content, &self.key))
    }

    /// Keeps the plaintext `encode` makes, saved at `saved_at`, as the last load of `target`, bounded as
    /// [`read`](Self::read) bounds it. A failure is a warning: the load itself worked.
    pub(crate) fn write(
        &self,
        env: &EnvSource,
        target: &str,
        saved_at: SystemTime,
        answers_cap: u64,
        encode: impl FnOnce() -> Result<Zeroizing<Vec<u8>>, String>,
    ) {
        let write =
            |path: &Path| self.try_write(env, path, target, saved_at, answers_cap, encode).map(|()| path.to_owned());
        if let Ok(path) = self.on_file(env, target, "the Infisical cache could not be written", write) {
            tracing::debug!(file = %path.display(), "Infisical cache written");
        }
    }

    /// `attempt` on the file of `target`; when it fails, or there is no folder, a warning: `what`, the
    /// file and the load, the reason and what to do.
    fn on_file<T>(
        &self,
        env: &EnvSource,
        target: &str,
        what: &str,
        attempt: impl FnOnce(&Path) -> Result<T, NotUsed>,
    ) -> Result<T, Unread> {
        let (path, done) = match self.folder(env) {
            Ok(dir) => {
                let path = file::path_of(&dir, target);
                let done = attempt(&path);
                (Some(path), done)
            }
            Err(none) => (None, Err(none)),
        };
        done.map_err(|NotUsed { reason, fix }| {
            let file = path.map_or_else(|| "none".into(), |p| p.display().to_string());
            tracing::warn!(%file, load = %describe(target), %reason, %fix, "{what}");
            Unread { file, reason: format!("{reason}; {fix}") }
        })
    }

    fn try_write(
        &self,
        env: &EnvSource,
        path: &Path,
        target: &str,
        saved_at: SystemTime,
        answers_cap: u64,
        encode: impl FnOnce() -> Result<Zeroizing<Vec<u8>>, String>,
    ) -> Result<(), NotUsed> {
        let dir = path.parent().expect("a file in a folder");
        file::create_private_dir(dir).map_err(|e| NotUsed {
            reason: format!("the cache folder {} cannot be made: {e}", dir.display()),
            fix: "make it, or choose another with Cache::dir".into(),
        })?;
        checked_folder(dir)?;
        let key = self.key.resolve(env)?;
        let bug = |reason| NotUsed { reason, fix: "report it as a bug".into() };
        let sealed = file::seal(&encode().map_err(bug)?, saved_at, &key, target).map_err(bug)?;
        let bound = file::max_file_bytes(answers_cap);
        if sealed.len() as u64 > bound {
            return Err(NotUsed {
                reason: format!(
                    "the load takes {} bytes, more than the {bound} a file of this target may hold (the \
                     client's response cap times the target's folders, and 1 MiB)",
                    sealed.len()
                ),
                fix: "raise the client's max_response_bytes to cache it".into(),
            });
        }
        file::write(path, &sealed).map_err(|e| NotUsed {
            reason: format!("it cannot be written: {e}"),
            fix: "check the folder's free space and permissions".into(),
        })
    }
}
