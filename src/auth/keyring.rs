//! Reading the OS keyring, where the Infisical CLI keeps its login by default.

use std::fmt;

use zeroize::Zeroizing;

/// Reads entries of a keyring. `OsKeyring` (feature `keyring`) reads the platform's; tests (and unusual setups) give their
/// own, so nothing ever touches the real keyring unless asked to.
///
/// ```
/// use infisical_config::auth::{KeyringError, KeyringReader};
/// use zeroize::Zeroizing;
///
/// #[derive(Debug)]
/// struct Empty;
///
/// impl KeyringReader for Empty {
///     fn read(&self, _service: &str, _account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
///         Ok(None)
///     }
/// }
/// ```
pub trait KeyringReader: Send + Sync + fmt::Debug {
    /// The bytes stored for `service` and `account`: `Ok(None)` when there is no such entry, `Err` with a
    /// reason when no keyring can be used here (no Secret Service on a headless Linux, say).
    ///
    /// ```
    /// use infisical_config::auth::{KeyringError, KeyringReader};
    /// use zeroize::Zeroizing;
    ///
    /// /// One entry, as a test's stand-in for the OS keyring.
    /// #[derive(Debug)]
    /// struct One(&'static str, &'static str, &'static [u8]);
    ///
    /// impl KeyringReader for One {
    ///     fn read(&self, service: &str, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
    ///         Ok(((service, account) == (self.0, self.1)).then(|| Zeroizing::new(self.2.to_vec())))
    ///     }
    /// }
    ///
    /// let keyring = One("infisical-cli", "dev@example.org", b"{}");
    /// assert!(keyring.read("infisical-cli", "dev@example.org")?.is_some());
    /// assert!(keyring.read("infisical-cli", "someone-else@example.org")?.is_none());
    /// # Ok::<(), KeyringError>(())
    /// ```
    ///
    /// # Errors
    /// [`KeyringError`]: why the keyring cannot be read, with the platform's error behind it.
    fn read(&self, service: &str, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError>;
}

/// Why a keyring cannot be read. Never holds stored bytes.
///
/// ```
/// use infisical_config::auth::KeyringError;
///
/// let err = KeyringError::new("no OS keyring service is available here");
/// assert_eq!(err.to_string(), "no OS keyring service is available here");
/// ```
#[derive(Debug, thiserror::Error)]
#[error("{reason}")]
pub struct KeyringError {
    reason: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl KeyringError {
    /// A failure described in words.
    ///
    /// ```
    /// use infisical_config::auth::KeyringError;
    ///
    /// let err = KeyringError::new("the keyring is locked");
    /// assert_eq!(err.to_string(), "the keyring is locked");
    /// ```
    pub fn new(reason: impl Into<String>) -> Self {
        KeyringError { reason: reason.into(), source: None }
    }

    /// A failure with the platform's error behind it.
    ///
    /// ```
    /// use std::error::Error as _;
    /// use infisical_config::auth::KeyringError;
    ///
    /// let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "D-Bus refused the call");
    /// let err = KeyringError::because("the keyring could not be read", io);
    /// assert_eq!(err.to_string(), "the keyring could not be read");
    /// assert!(err.source().is_some());
    /// ```
    pub fn because(reason: impl Into<String>, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        KeyringError { reason: reason.into(), source: Some(source.into()) }
    }
}

/// The platform's keyring: macOS Keychain, Windows Credential Manager, or the Secret Service on Linux
/// and BSD, through the `keyring` crate.
///
/// The platform store is set up on first use, and only when the application has not set a default
/// `keyring_core` store of its own (so a store set by the application, or a test's mock, is used).
///
/// ```no_run
/// use infisical_config::auth::{KeyringReader, OsKeyring};
///
/// let stored = OsKeyring.read("infisical-cli", "someone@example.org");
/// # let _ = stored;
/// ```
#[cfg(feature = "keyring")]
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

#[cfg(feature = "keyring")]
impl KeyringReader for OsKeyring {
    fn read(&self, service: &str, account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
        use keyring_core::Error as K;
        if keyring_core::get_default_store().is_none()
            && let Err(e) = keyring::Entry::store_status()
        {
            return Err(KeyringError::because(format!("no OS keyring service is available here ({e})"), e));
        }
        let entry = if cfg!(windows) {
            // go-keyring stores under the target `service:account` (keyring-rs defaults to `account.service`).
            let target = format!("{service}:{account}");
            keyring_core::Entry::new_with_modifiers(
                service,
                account,
                &[("target", target.as_str())].into_iter().collect(),
            )
        } else {
            keyring_core::Entry::new(service, account)
        };
        // `get_secret`, not `get_password`: the CLI stores UTF-8 bytes, which keyring-rs would read as
        // UTF-16 on Windows.
        let read = entry.and_then(|e| e.get_secret());
        match read {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(K::NoEntry) => Ok(None),
            // go-keyring always creates, so duplicates exist; they hold the same login.
            Err(K::Ambiguous(entries)) => match entries.first().map(keyring_core::Entry::get_secret) {
                Some(Ok(bytes)) => Ok(Some(Zeroizing::new(bytes))),
                _ => Ok(None),
            },
            Err(K::NoDefaultStore) => Err(KeyringError::new("no OS keyring service is available here")),
            // Some variants carry the stored bytes: never format or keep them.
            Err(K::BadEncoding(_) | K::BadDataFormat(..)) => {
                Err(KeyringError::new("the keyring entry is not in a readable format"))
            }
            Err(K::PlatformFailure(e) | K::NoStorageAccess(e)) => {
                Err(KeyringError::because(format!("the keyring could not be read ({e})"), e))
            }
            Err(_) => Err(KeyringError::new("the keyring could not be read")),
        }
    }
}

/// Stands in for the OS keyring in a build without the `keyring` feature: the CLI's `auto` vault
/// then passes with this reason.
#[cfg(not(feature = "keyring"))]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct NoKeyring;

#[cfg(not(feature = "keyring"))]
impl KeyringReader for NoKeyring {
    fn read(&self, _service: &str, _account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
        Err(KeyringError::new("this build has no OS keyring support (the `keyring` feature is off)"))
    }
}

/// The keyring a CLI login reads unless given another.
pub(crate) fn platform() -> std::sync::Arc<dyn KeyringReader> {
    #[cfg(feature = "keyring")]
    return std::sync::Arc::new(OsKeyring);
    #[cfg(not(feature = "keyring"))]
    return std::sync::Arc::new(NoKeyring);
}
