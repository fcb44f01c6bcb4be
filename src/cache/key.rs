//! The key that encrypts the cache: where it comes from, and taking it in the forms a user has it.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretBox};
use zeroize::{Zeroize, Zeroizing};

use super::NotUsed;
use crate::EnvSource;
use crate::error::{Error, Result};

/// Where the key that encrypts the cache comes from. The key is 32 bytes (AES-256), given as bytes,
/// as base64 text, or read at every load from an environment variable or the OS keyring.
///
/// The bytes are kept in a [`SecretBox`], wiped when the last clone of the key is dropped; `Debug`
/// shows where the key comes from, never the key.
///
/// ```
/// use infisical_config::cache::{Cache, CacheKey};
///
/// // In production: base64 of 32 random bytes (`openssl rand -base64 32`) in a variable, read at each load.
/// let from_env = CacheKey::from_env("APP_CACHE_KEY");
/// assert_eq!(format!("{from_env:?}"), "CacheKey(env: APP_CACHE_KEY)");
///
/// let given = CacheKey::from_base64("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")?;
/// assert_eq!(format!("{given:?}"), "CacheKey(bytes: [REDACTED])");
/// let cache = Cache::new(given);
/// # let _ = cache;
/// # Ok::<(), infisical_config::Error>(())
/// ```
#[derive(Clone)]
pub struct CacheKey(KeySource);

#[derive(Clone)]
enum KeySource {
    Bytes(Arc<SecretBox<[u8; 32]>>),
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

/// How to make a key, for the errors that refuse one.
const MAKE_ONE: &str = "make one with `openssl rand -base64 32`";

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
        CacheKey(KeySource::Bytes(Arc::new(key)))
    }

    /// The key in this base64 text (standard alphabet, padded; surrounding whitespace ignored), as a
    /// secret store or `openssl rand -base64 32` gives it. An [`Error::Config`] when it is not base64
    /// or not of 32 bytes; the error gives the length found, never the text or the bytes.
    ///
    /// ```
    /// use infisical_config::cache::CacheKey;
    ///
    /// let key = CacheKey::from_base64("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n")?;
    /// # let _ = key;
    /// let err = CacheKey::from_base64("c2hvcnQ=").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "configuration error: the cache key holds 5 bytes, not 32; make one with `openssl rand -base64 32`"
    /// );
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn from_base64(text: &str) -> Result<Self> {
        let bytes = decode_base64(text)
            .ok_or_else(|| Error::Config(format!("the cache key is not base64 text; {MAKE_ONE}")))?;
        Self::try_from_slice(&bytes)
    }

    /// The key in these 32 bytes, copied (the caller's copy is theirs to wipe). An [`Error::Config`]
    /// naming the length found for any other length.
    ///
    /// ```
    /// use infisical_config::cache::CacheKey;
    ///
    /// let bytes = vec![7u8; 32];
    /// let key = CacheKey::try_from_slice(&bytes)?;
    /// # let _ = key;
    /// assert!(CacheKey::try_from_slice(&bytes[..16]).unwrap_err().to_string().contains("holds 16 bytes, not 32"));
    /// # Ok::<(), infisical_config::Error>(())
    /// ```
    pub fn try_from_slice(bytes: &[u8]) -> Result<Self> {
        let key = key_from_slice(bytes)
            .map_err(|len| Error::Config(format!("the cache key holds {len} bytes, not 32; {MAKE_ONE}")))?;
        Ok(Self::from_bytes(key))
    }

    /// The key in this environment variable, base64 of 32 bytes (`openssl rand -base64 32` makes one).
    /// Read at every load, from the loader's environment.
    ///
    /// ```
    /// use infisical_config::cache::CacheKey;
    ///
    /// let key = CacheKey::from_env("APP_CACHE_KEY");
    /// assert_eq!(format!("{key:?}"), "CacheKey(env: APP_CACHE_KEY)"); // where, never the key
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

    /// Where the key comes from, for a warning.
    pub(super) fn source(&self) -> String {
        match &self.0 {
            KeySource::Bytes(_) => "the key given to CacheKey".to_owned(),
            KeySource::Env(var) => format!("the key in {var}"),
            #[cfg(feature = "keyring")]
            KeySource::Keyring { service, account } => format!("the key in the keyring entry {service}/{account}"),
        }
    }

    /// The key, or why there is none and what to do.
    pub(super) fn resolve(&self, env: &EnvSource) -> std::result::Result<SecretBox<[u8; 32]>, NotUsed> {
        match &self.0 {
            KeySource::Bytes(key) => Ok(key_from_slice(key.expose_secret().as_slice()).expect("32 bytes")),
            KeySource::Env(var) => {
                let not_used =
                    |reason: String| NotUsed { reason, fix: format!("set {var} to base64 of 32 bytes; {MAKE_ONE}") };
                let text = env.non_empty(var).ok_or_else(|| not_used(format!("the key variable {var} is not set")))?;
                let bytes =
                    decode_base64(&text).ok_or_else(|| not_used(format!("the key variable {var} is not base64")))?;
                key_from_slice(&bytes)
                    .map_err(|len| not_used(format!("the key variable {var} holds {len} bytes, not 32")))
            }
            #[cfg(feature = "keyring")]
            KeySource::Keyring { service, account } => super::file::keyring_key(service, account).map_err(|reason| {
                NotUsed { reason, fix: "check the OS keyring, or give the key with CacheKey::from_env".to_owned() }
            }),
        }
    }
}

/// Takes the key and wipes the vector.
///
/// ```
/// use infisical_config::cache::CacheKey;
///
/// let key = CacheKey::try_from(vec![7u8; 32])?;
/// # let _ = key;
/// assert!(CacheKey::try_from(vec![7u8; 31]).is_err());
/// # Ok::<(), infisical_config::Error>(())
/// ```
impl TryFrom<Vec<u8>> for CacheKey {
    type Error = Error;

    fn try_from(bytes: Vec<u8>) -> Result<Self> {
        Self::try_from_slice(&Zeroizing::new(bytes))
    }
}

/// Takes the key and wipes the array moved in (copies the caller kept are theirs to wipe).
///
/// ```
/// use infisical_config::cache::CacheKey;
///
/// let key = CacheKey::from([7u8; 32]);
/// # let _ = key;
/// ```
impl From<[u8; 32]> for CacheKey {
    fn from(mut bytes: [u8; 32]) -> Self {
        let key = key_from_slice(&bytes).expect("32 bytes");
        bytes.zeroize();
        Self::from_bytes(key)
    }
}

/// These bytes as a key, written straight into its box (no copy left on the stack), or their length.
pub(super) fn key_from_slice(bytes: &[u8]) -> std::result::Result<SecretBox<[u8; 32]>, usize> {
    if bytes.len() != 32 {
        return Err(bytes.len());
    }
    Ok(SecretBox::init_with_mut(|key: &mut [u8; 32]| key.copy_from_slice(bytes)))
}

/// Base64 text decoded into a buffer wiped when dropped. The decoder's error is dropped: it quotes the
/// offending character, a piece of the key.
fn decode_base64(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text.trim()).ok().map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(key: &CacheKey) -> [u8; 32] {
        *key.resolve(&EnvSource::from_pairs::<_, String, String>([])).unwrap().expose_secret()
    }

    #[test]
    fn every_form_gives_the_same_key_and_a_wrong_length_names_only_its_length() {
        use base64::Engine;
        let bytes: [u8; 32] = std::array::from_fn(|n| n as u8 + 200);
        let text = base64::engine::general_purpose::STANDARD.encode(bytes);
        for key in [
            CacheKey::from(bytes),
            CacheKey::try_from(bytes.to_vec()).unwrap(),
            CacheKey::try_from_slice(&bytes).unwrap(),
            CacheKey::from_base64(&format!(" {text}\n")).unwrap(),
            CacheKey::from_bytes(SecretBox::new(Box::new(bytes))),
        ] {
            assert_eq!(resolved(&key), bytes);
            assert_eq!(format!("{key:?}"), "CacheKey(bytes: [REDACTED])");
        }
        let short = base64::engine::general_purpose::STANDARD.encode(&bytes[..20]);
        for (err, len) in [
            (CacheKey::try_from_slice(&bytes[..20]).unwrap_err(), 20),
            (CacheKey::try_from(bytes.repeat(2)).unwrap_err(), 64),
            (CacheKey::try_from(Vec::new()).unwrap_err(), 0),
            (CacheKey::from_base64(&short).unwrap_err(), 20),
        ] {
            let shown = format!("{err} {err:?}");
            assert!(matches!(err, Error::Config(_)), "{shown}");
            assert!(shown.contains(&format!("holds {len} bytes, not 32")), "{shown}");
            assert!(!shown.contains(&short[..8]) && !shown.contains("200"), "{shown}");
        }
        // `!` is not base64: the decoder's error would quote it.
        let err = CacheKey::from_base64("secret-key-material!").unwrap_err().to_string();
        assert_eq!(err, format!("configuration error: the cache key is not base64 text; {MAKE_ONE}"));
    }

    #[test]
    fn a_key_from_the_environment_says_what_is_wrong_and_what_to_do() {
        let key = CacheKey::from_env("K");
        for (value, reason) in
            [(None, "is not set"), (Some("not base64!"), "is not base64"), (Some("c2hvcnQ="), "holds 5 bytes, not 32")]
        {
            let env = EnvSource::from_pairs(value.map(|v| ("K", v)));
            let err = key.resolve(&env).unwrap_err();
            assert_eq!(err.reason, format!("the key variable K {reason}"));
            assert_eq!(err.fix, format!("set K to base64 of 32 bytes; {MAKE_ONE}"));
        }
        assert_eq!(key.source(), "the key in K");
    }
}
