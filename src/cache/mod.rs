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
//! or tampered file) is treated as absent, with a warning that says why; never a panic, never a wrong
//! value.
//!
//! ```no_run
//! use std::time::Duration;
//! use infisical_config::Infisical;
//! use infisical_config::cache::{Cache, CacheKey, OnFailure};
//!
//! let provider = Infisical::new("my-project", "prod").cache(
//!     Cache::new(CacheKey::from_env("APP_CACHE_KEY"))
//!         .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(24 * 3600) }),
//! );
//! # let _ = provider;
//! ```

use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretBox};

use crate::EnvSource;

mod file;

use crate::pipeline::Stored;

/// Where the key that encrypts the cache comes from. The key is 32 bytes (AES-256).
#[derive(Clone)]
pub struct CacheKey(KeySource);

#[derive(Clone)]
enum KeySource {
    Bytes(std::sync::Arc<SecretBox<[u8; 32]>>),
    Env(String),
    #[cfg(feature = "keyring")]
    Keyring {
        service: String,
        account: String,
    },
}

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            KeySource::Bytes(_) => f.write_str("CacheKey(bytes: [REDACTED])"),
            KeySource::Env(var) => write!(f, "CacheKey(env: {var})"),
            #[cfg(feature = "keyring")]
            KeySource::Keyring { service, account } => write!(f, "CacheKey(keyring: {service}/{account})"),
        }
    }
}

impl CacheKey {
    /// This key.
    ///
    /// ```
    /// use infisical_config::cache::CacheKey;
    /// use secrecy::SecretBox;
    ///
    /// let key = CacheKey::from_bytes(SecretBox::new(Box::new([7u8; 32])));
    /// assert!(!format!("{key:?}").contains('7'));
    /// ```
    #[must_use]
    pub fn from_bytes(key: SecretBox<[u8; 32]>) -> Self {
        CacheKey(KeySource::Bytes(std::sync::Arc::new(key)))
    }

    /// The key in this environment variable, base64 of 32 bytes (`openssl rand -base64 32` makes one).
    /// Read at every load, from the loader's environment.
    ///
    /// ```
    /// use infisical_config::cache::CacheKey;
    ///
    /// let key = CacheKey::from_env("APP_CACHE_KEY");
    /// # let _ = key;
    /// ```
    #[must_use]
    pub fn from_env(var: impl Into<String>) -> Self {
        CacheKey(KeySource::Env(var.into()))
    }

    /// A key generated once and kept in the OS keyring under `service` and `account` (feature
    /// `keyring`): for a developer machine or a host with a keyring service.
    ///
    /// ```no_run
    /// use infisical_config::cache::CacheKey;
    ///
    /// let key = CacheKey::keyring("my-app", "infisical-cache");
    /// # let _ = key;
    /// ```
    #[cfg(feature = "keyring")]
    #[cfg_attr(docsrs, doc(cfg(feature = "keyring")))]
    #[must_use]
    pub fn keyring(service: impl Into<String>, account: impl Into<String>) -> Self {
        CacheKey(KeySource::Keyring { service: service.into(), account: account.into() })
    }

    /// The key, or why there is none.
    fn resolve(&self, env: &EnvSource) -> Result<SecretBox<[u8; 32]>, String> {
        match &self.0 {
            KeySource::Bytes(key) => Ok(SecretBox::new(Box::new(*key.expose_secret()))),
            KeySource::Env(var) => {
                use base64::Engine;
                let raw = env.non_empty(var).ok_or_else(|| format!("the key variable {var} is not set"))?;
                let bytes = zeroize::Zeroizing::new(
                    base64::engine::general_purpose::STANDARD
                        .decode(raw.trim())
                        .map_err(|_| format!("the key variable {var} is not base64"))?,
                );
                let key: [u8; 32] = bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| format!("the key variable {var} holds {} bytes, not 32", bytes.len()))?;
                Ok(SecretBox::new(Box::new(key)))
            }
            #[cfg(feature = "keyring")]
            KeySource::Keyring { service, account } => file::keyring_key(service, account),
        }
    }
}

/// What a load does when Infisical cannot be reached or is unavailable
/// ([`Error::is_unavailable`](crate::Error::is_unavailable)).
///
/// Only an outage: a refusal (credentials refused at login, a project the identity may not read, an
/// unknown environment or folder) or a mistake on this machine (no credentials configured) fails the
/// load under every policy, so that withdrawing an identity's access stops its secrets at once. No
/// policy serves the cache on a refusal.
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
/// use infisical_config::cache::{Cache, CacheKey, OnFailure};
///
/// let cache = Cache::new(CacheKey::from_env("APP_CACHE_KEY"))
///     .dir("/var/cache/my-app")
///     .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(3600) });
/// # let _ = cache;
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Cache {
    key: CacheKey,
    dir: Option<PathBuf>,
    on_failure: OnFailure,
}

impl Cache {
    /// A cache under this key, in the platform's cache folder, failing as without a cache.
    pub fn new(key: CacheKey) -> Self {
        Cache { key, dir: None, on_failure: OnFailure::Fail }
    }

    crate::setters::setters! {
        /// Keeps the files in this folder (created 0700 when missing).
        dir(dir: impl Into<PathBuf>) => dir = Some(dir.into());

        /// What a load does when Infisical cannot be reached (see [`OnFailure`]).
        on_failure(policy: OnFailure) => on_failure = policy;
    }

    pub(crate) fn policy(&self) -> OnFailure {
        self.on_failure
    }

    /// The folder of the files, or why there is none.
    fn folder(&self, env: &EnvSource) -> Result<PathBuf, String> {
        match &self.dir {
            Some(dir) => Ok(dir.clone()),
            None => env
                .cache_dir()
                .map(|d| d.join("infisical-config"))
                .ok_or_else(|| "no cache folder: set one with Cache::dir".to_owned()),
        }
    }

    /// The last load of `target`, if there is a usable one; a warning says why otherwise.
    pub(crate) fn read(&self, env: &EnvSource, target: &str) -> Option<Stored> {
        let attempt = || -> Result<Option<Stored>, String> {
            let dir = self.folder(env)?;
            let Some(bytes) = file::read(&dir, target)? else { return Ok(None) };
            let key = self.key.resolve(env)?;
            file::open(&bytes, &key, target).map(Some)
        };
        match attempt() {
            Ok(found) => found,
            Err(reason) => {
                tracing::warn!(%reason, "the Infisical cache is not used");
                None
            }
        }
    }

    /// Keeps `stored` as the last load of `target`. A failure is a warning: the load itself worked.
    pub(crate) fn write(&self, env: &EnvSource, target: &str, stored: &Stored) {
        let attempt = || -> Result<PathBuf, String> {
            let dir = self.folder(env)?;
            let key = self.key.resolve(env)?;
            let sealed = file::seal(stored, &key, target)?;
            file::write(&dir, target, &sealed)
        };
        match attempt() {
            Ok(path) => tracing::debug!(file = %path.display(), "Infisical cache written"),
            Err(reason) => tracing::warn!(%reason, "the Infisical cache could not be written"),
        }
    }
}
