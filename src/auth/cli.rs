//! Reusing the Infisical CLI's own login (`infisical login`), from its file vault or the OS keyring.
//!
//! The CLI keeps `~/.infisical/infisical-config.json` (who is logged in, to which site, which vault) and
//! the login itself, `{"email", "JTWToken", ...}`, in one of two vaults:
//! - `file`: `~/infisical-keyring/<email>`, a JWE encrypted with a passphrase
//!   (`INFISICAL_VAULT_FILE_PASSPHRASE`, else the config's base64 `vaultBackendPassphrase`);
//! - `auto` (the default): the OS keyring, service `infisical-cli`, account the email.
//!
//! Nothing here ever prompts. The token is a user session bound to the site it was issued by: it is
//! only ever sent there.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::SecretString;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::keyring::KeyringReader;
use super::{AccessToken, BoxFuture, Credentials, CredentialsError, ProvideCredentials, jwe, jwt};
use crate::EnvSource;

const PROVIDER: &str = "infisical-cli";
const KEYRING_SERVICE: &str = "infisical-cli";
/// The CLI's default site when its config names none.
/// A login that expires within this margin counts as expired, as the CLI does.
const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

/// The fields of `~/.infisical/infisical-config.json` this crate reads (see `parse_config`).
#[derive(Default)]
pub(crate) struct CliConfig {
    email: Option<String>,
    domain: Option<String>,
    users: Option<Vec<CliUser>>,
    vault: Option<String>,
    passphrase: Option<String>,
}

#[derive(Deserialize)]
struct CliUser {
    #[serde(default)]
    email: String,
    #[serde(default)]
    domain: String,
}

#[derive(Deserialize)]
pub(crate) struct StoredLogin {
    #[serde(default)]
    email: String,
    // Spelled this way by the CLI.
    #[serde(rename = "JTWToken", default)]
    token: Option<SecretString>,
}

/// A login of the Infisical CLI, as found on disk or in the keyring: what [`CliLogin::load`] reads.
///
/// ```
/// use infisical_config::auth::CliLogin;
/// use infisical_config::testing::FakeCliLogin;
/// use infisical_config::EnvSource;
///
/// let home = tempfile::tempdir()?;
/// FakeCliLogin::new("dev@example.org", "a-user-token").site("https://eu.infisical.com").write_file_vault(home.path())?;
/// let session = CliLogin::new(EnvSource::from_pairs::<_, String, String>([]).with_home(home.path())).load()?;
/// assert_eq!(session.email, "dev@example.org");
/// assert_eq!(session.site, "https://eu.infisical.com");
/// assert!(session.source.contains("infisical-keyring")); // the file vault
/// assert!(!format!("{session:?}").contains("a-user-token"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct CliSession {
    /// Who is logged in.
    pub email: String,
    /// The site the login belongs to (`https://app.infisical.com`, no `/api`).
    pub site: String,
    /// The user's session token.
    pub token: SecretString,
    /// When the token expires, from its JWT `exp`.
    pub expires_at: Option<SystemTime>,
    /// Where the login was read from (a file path, or `keyring`).
    pub source: String,
}

impl std::fmt::Debug for CliSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CliSession")
            .field("email", &self.email)
            .field("site", &self.site)
            .field("token", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .field("source", &self.source)
            .finish()
    }
}

/// The Infisical CLI login as a credential provider: third in the default chain, after the builder's
/// credentials and the environment.
///
/// ```
/// use infisical_config::auth::CliLogin;
/// use infisical_config::testing::FakeCliLogin;
/// use infisical_config::EnvSource;
///
/// # let home = tempfile::tempdir()?;
/// # FakeCliLogin::new("dev@example.org", "a-user-token").site("https://eu.infisical.com").write_file_vault(home.path())?;
/// // `EnvSource::process()` reads the real home; here, one where `infisical login` was run.
/// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
/// let session = CliLogin::new(env).load()?;
/// println!("logged in as {} on {}", session.email, session.site);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct CliLogin {
    env: EnvSource,
    keyring: Arc<dyn KeyringReader>,
    target_site: Option<String>,
}

impl CliLogin {
    /// Reads the login from this environment's home directory, and the OS keyring.
    ///
    /// ```
    /// use infisical_config::auth::CliLogin;
    /// use infisical_config::EnvSource;
    ///
    /// let nobody = tempfile::tempdir().unwrap(); // a home where nobody ran `infisical login`
    /// let err = CliLogin::new(EnvSource::from_pairs::<_, String, String>([]).with_home(nobody.path())).load().unwrap_err();
    /// assert!(err.is_not_found()); // a chain asks the next provider
    /// println!("{err}"); // infisical-cli: no Infisical CLI config at .../.infisical/infisical-config.json
    /// ```
    #[must_use]
    pub fn new(env: EnvSource) -> Self {
        CliLogin { env, keyring: super::keyring::platform(), target_site: None }
    }

    /// Reads the `auto` vault from this keyring instead of the OS's.
    ///
    /// ```
    /// use infisical_config::auth::{CliLogin, KeyringError, KeyringReader};
    /// use infisical_config::testing::FakeCliLogin;
    /// use infisical_config::EnvSource;
    /// use zeroize::Zeroizing;
    ///
    /// /// A keyring with no service behind it, as on a headless Linux.
    /// #[derive(Debug)]
    /// struct Headless;
    ///
    /// impl KeyringReader for Headless {
    ///     fn read(&self, _service: &str, _account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
    ///         Err(KeyringError::new("no Secret Service is running"))
    ///     }
    /// }
    ///
    /// let home = tempfile::tempdir()?;
    /// FakeCliLogin::new("dev@example.org", "a-user-token").write_config(home.path(), "auto")?;
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    /// let err = CliLogin::new(env).keyring(Headless).load().unwrap_err();
    /// assert!(err.is_not_found());
    /// assert_eq!(err.to_string(), "infisical-cli: no Secret Service is running");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn keyring(mut self, reader: impl KeyringReader + 'static) -> Self {
        self.keyring = Arc::new(reader);
        self
    }

    pub(crate) fn shared_keyring(mut self, reader: Arc<dyn KeyringReader>) -> Self {
        self.keyring = reader;
        self
    }

    /// Offers the login only to a client talking to `site`: a session is never sent to another site.
    ///
    /// ```
    /// use infisical_config::auth::CliLogin;
    /// use infisical_config::testing::FakeCliLogin;
    /// use infisical_config::EnvSource;
    ///
    /// let home = tempfile::tempdir()?;
    /// FakeCliLogin::new("dev@example.org", "a-user-token").site("https://eu.infisical.com").write_file_vault(home.path())?;
    /// let login = CliLogin::new(EnvSource::from_pairs::<_, String, String>([]).with_home(home.path()));
    /// assert!(login.clone().for_site("https://eu.infisical.com/api").load().is_ok());
    /// let err = login.for_site("https://us.infisical.com").load().unwrap_err();
    /// assert!(err.is_not_found());
    /// println!("{err}"); // ... the login of dev@example.org is for https://eu.infisical.com, but the client talks to ...
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn for_site(mut self, site: impl Into<String>) -> Self {
        self.target_site = Some(crate::site::site_root(&site.into()));
        self
    }

    fn config_path(&self) -> Option<PathBuf> {
        self.env.home_dir().map(|h| h.join(".infisical").join("infisical-config.json"))
    }

    /// The site of the current login, if there is one; reads the config file only.
    #[must_use]
    pub(crate) fn site(&self) -> Option<String> {
        let config = read_config(&self.config_path()?).ok().flatten()?;
        config.email.as_deref().filter(|e| !e.is_empty())?;
        site_of(&config)
    }

    /// Reads the current login, checking that it has not expired.
    ///
    /// ```
    /// use infisical_config::auth::CliLogin;
    /// use infisical_config::testing::FakeCliLogin;
    /// use infisical_config::EnvSource;
    ///
    /// let home = tempfile::tempdir()?;
    /// FakeCliLogin::new("dev@example.org", "a-user-token").write_file_vault(home.path())?;
    /// let session = CliLogin::new(EnvSource::from_pairs::<_, String, String>([]).with_home(home.path())).load()?;
    /// assert_eq!((session.email.as_str(), session.site.as_str()), ("dev@example.org", "https://app.infisical.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`CredentialsError::NotFound`] when there is no usable login (with the reason); another variant
    /// when something is broken, naming the file at fault.
    pub fn load(&self) -> Result<CliSession, CredentialsError> {
        let not_found = |reason: String| CredentialsError::not_found(PROVIDER, reason);
        let invalid = |reason: String| CredentialsError::invalid(PROVIDER, reason);
        let config_path = self.config_path().ok_or_else(|| not_found("no home directory to look in".into()))?;
        let config = read_config(&config_path)
            .map_err(invalid)?
            .ok_or_else(|| not_found(format!("no Infisical CLI config at {}", config_path.display())))?;
        let email = config.email.clone().filter(|e| !e.trim().is_empty()).ok_or_else(|| {
            not_found(format!("nobody is logged in ({} has no loggedInUserEmail)", config_path.display()))
        })?;
        // A session is only offered to the site it was issued for: with no site named, it goes nowhere.
        let site = site_of(&config)
            .ok_or_else(|| not_found(format!("{} names no site for the login of {email}", config_path.display())))?;
        if let Some(target) = &self.target_site
            && *target != site
        {
            return Err(not_found(format!(
                "the login of {email} is for {site}, but the client talks to {target}; the session is only ever sent to its own site"
            )));
        }
        let (stored, source) = match config.vault.as_deref().unwrap_or("") {
            "file" => self.read_file_vault(&config, &email)?,
            "auto" | "" => self.read_keyring(&email)?,
            other => return Err(invalid(format!("{}: unknown vaultBackendType `{other}`", config_path.display()))),
        };
        let login: StoredLogin = serde_json::from_str(&stored)
            .map_err(|_| invalid(format!("{source}: the stored login is not the CLI's credentials JSON")))?;
        let token = login.token.filter(|t| !secrecy::ExposeSecret::expose_secret(t).is_empty());
        let token = token.ok_or_else(|| not_found(format!("{source}: the stored login of {email} holds no token")))?;
        let expires_at = jwt::expiry(secrecy::ExposeSecret::expose_secret(&token));
        if let Some(at) = expires_at
            && at <= SystemTime::now() + EXPIRY_MARGIN
        {
            return Err(not_found(format!("the login of {email} expired {}; run `infisical login`", jwt::ago(at))));
        }
        if !login.email.is_empty() && login.email != email {
            tracing::debug!(config = %email, stored = %login.email, "the stored login names another email");
        }
        tracing::debug!(%email, %site, %source, "found an Infisical CLI login");
        Ok(CliSession { email, site, token, expires_at, source })
    }

    fn read_file_vault(
        &self,
        config: &CliConfig,
        email: &str,
    ) -> Result<(Zeroizing<String>, String), CredentialsError> {
        let passphrase: Zeroizing<Vec<u8>> = match (self.env.var("INFISICAL_VAULT_FILE_PASSPHRASE"), &config.passphrase)
        {
            (Some(p), _) if !p.is_empty() => Zeroizing::new(p.into_bytes()),
            (_, Some(b64)) if !b64.is_empty() => Zeroizing::new(STANDARD.decode(b64.trim()).map_err(|_| {
                CredentialsError::invalid(PROVIDER, "infisical-config.json: vaultBackendPassphrase is not base64")
            })?),
            _ => {
                return Err(CredentialsError::not_found(
                    PROVIDER,
                    "the file vault needs a passphrase: set INFISICAL_VAULT_FILE_PASSPHRASE (this library never prompts)",
                ));
            }
        };
        let path = self.vault_file(email).ok_or_else(|| {
            CredentialsError::not_found(PROVIDER, format!("no stored login for {email} in the file vault"))
        })?;
        let shown = path.display().to_string();
        crate::local_file::warn_if_readable_by_others(&path, "Infisical CLI file vault");
        let bytes = crate::local_file::read(&path)
            .map_err(|e| CredentialsError::invalid_because(PROVIDER, format!("{shown}: {e}"), e))?;
        let compact = String::from_utf8(bytes).map_err(|e| {
            CredentialsError::invalid_because(PROVIDER, format!("{shown}: is not UTF-8"), e.utf8_error())
        })?;
        let plaintext = jwe::decrypt(&compact, &passphrase)
            .map_err(|e| CredentialsError::invalid_because(PROVIDER, format!("{shown}: {e}"), e))?;
        // The plaintext is a JSON string whose content is the credentials JSON.
        let inner: String = serde_json::from_slice(&plaintext).map_err(|_| {
            CredentialsError::invalid(PROVIDER, format!("{shown}: the decrypted login is not a JSON string"))
        })?;
        Ok((Zeroizing::new(inner), shown))
    }

    /// The vault file of `email`, named as the CLI names it (only `%` and `/` percent-encoded).
    fn vault_file(&self, email: &str) -> Option<PathBuf> {
        let name = vault_file_name(email);
        let mut candidates: Vec<PathBuf> =
            self.env.home_dir().map(|h| h.join("infisical-keyring").join(&name)).into_iter().collect();
        if cfg!(windows) {
            // The CLI does not expand `~/` on Windows: it writes relative to the working directory.
            candidates.extend(self.env.current_dir().map(|d| d.join("~").join("infisical-keyring").join(&name)));
        }
        candidates.into_iter().find(|p| p.is_file())
    }

    fn read_keyring(&self, email: &str) -> Result<(Zeroizing<String>, String), CredentialsError> {
        let source = format!("the OS keyring (service {KEYRING_SERVICE}, account {email})");
        let bytes = self
            .keyring
            .read(KEYRING_SERVICE, email)
            .map_err(|e| CredentialsError::not_found(PROVIDER, e.to_string()))?
            .ok_or_else(|| CredentialsError::not_found(PROVIDER, format!("no stored login in {source}")))?;
        let text = decode_keyring_value(&bytes)
            .map_err(|reason| CredentialsError::invalid(PROVIDER, format!("{source}: {reason}")))?;
        Ok((text, source))
    }
}

impl ProvideCredentials for CliLogin {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let this = self.clone();
        Box::pin(async move {
            // File reads, key derivation and D-Bus calls block: keep them off the async workers.
            let session = tokio::task::spawn_blocking(move || this.load()).await.map_err(|_| {
                CredentialsError::Provider { provider: PROVIDER.into(), reason: "the reader task failed".into() }
            })??;
            Ok(Credentials::AccessToken(
                AccessToken::new(session.token).with_expiry(session.expires_at).bound_to(session.site),
            ))
        })
    }
}

fn read_config(path: &Path) -> Result<Option<CliConfig>, String> {
    let bytes = match crate::local_file::read(path) {
        Ok(b) => b,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(format!("{}: {}", path.display(), crate::error::with_causes(&e))),
    };
    crate::local_file::warn_if_readable_by_others(path, "Infisical CLI config");
    parse_config(&bytes).map(Some).map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn parse_config(bytes: &[u8]) -> Result<CliConfig, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        // The CLI treats an empty config as no config.
        return Ok(CliConfig::default());
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let map: serde_json::Map<String, serde_json::Value> =
        serde_path_to_error::deserialize(de).map_err(|e| crate::error::safe_decode_detail(&e))?;
    Ok(CliConfig {
        email: field(&map, "loggedInUserEmail")?,
        domain: field(&map, "LoggedInUserDomain")?,
        users: field(&map, "loggedInUsers")?,
        vault: field(&map, "vaultBackendType")?,
        passphrase: field(&map, "vaultBackendPassphrase")?,
    })
}

/// A key of the CLI config, matched as the CLI's Go decoder does: the exact spelling, else any letter
/// case (`loggedInUserDomain` reads as `LoggedInUserDomain`). Errors name the key as written.
fn field<T: serde::de::DeserializeOwned>(
    map: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Result<Option<T>, String> {
    let Some((key, value)) = map.get_key_value(name).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
    else {
        return Ok(None);
    };
    if value.is_null() {
        return Ok(None);
    }
    serde_path_to_error::deserialize(value).map(Some).map_err(|e| {
        let what = crate::error::safe_expectation(e.inner());
        match e.path().to_string().as_str() {
            "." | "" => format!("at `{key}`: {what}"),
            path => format!("at `{key}.{path}`: {what}"),
        }
    })
}

fn site_of(config: &CliConfig) -> Option<String> {
    let email = config.email.as_deref().unwrap_or_default();
    let domain = config.domain.clone().filter(|d| !d.trim().is_empty()).or_else(|| {
        config.users.iter().flatten().find(|u| u.email == email && !u.domain.is_empty()).map(|u| u.domain.clone())
    })?;
    Some(crate::site::site_root(&domain))
}

/// `percent.Encode(key, "/")`: only `/` and `%` are escaped, upper-case hex.
pub(crate) fn vault_file_name(email: &str) -> String {
    let mut out = String::with_capacity(email.len());
    for c in email.chars() {
        match c {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            c => out.push(c),
        }
    }
    out
}

/// Undoes go-keyring's encodings: macOS stores `go-keyring-base64:` + base64, older versions
/// `go-keyring-encoded:` + hex; Linux and Windows store the bytes as they are.
pub(crate) fn decode_keyring_value(bytes: &[u8]) -> Result<Zeroizing<String>, String> {
    let decoded: Zeroizing<Vec<u8>> = if let Some(rest) = bytes.strip_prefix(b"go-keyring-base64:") {
        Zeroizing::new(
            STANDARD.decode(rest.trim_ascii()).map_err(|_| "the go-keyring-base64 value is not base64".to_owned())?,
        )
    } else if let Some(rest) = bytes.strip_prefix(b"go-keyring-encoded:") {
        Zeroizing::new(
            hex_decode(rest.trim_ascii()).ok_or_else(|| "the go-keyring-encoded value is not hex".to_owned())?,
        )
    } else {
        Zeroizing::new(bytes.to_vec())
    };
    String::from_utf8(decoded.to_vec()).map(Zeroizing::new).map_err(|_| "the stored login is not UTF-8 text".to_owned())
}

fn hex_decode(hex: &[u8]) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.chunks(2)
        .map(|pair| {
            let digit = |c: u8| (c as char).to_digit(16);
            Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_escape_only_percent_and_slash() {
        assert_eq!(vault_file_name("user@x.com"), "user@x.com");
        assert_eq!(vault_file_name("a/b%c+d@x.com"), "a%2Fb%25c+d@x.com");
    }

    #[test]
    fn keyring_forms() {
        let json = r#"{"JTWToken":"t"}"#;
        assert_eq!(&*decode_keyring_value(json.as_bytes()).unwrap(), json);
        let mac = format!("go-keyring-base64:{}", STANDARD.encode(json));
        assert_eq!(&*decode_keyring_value(mac.as_bytes()).unwrap(), json);
        let hex: String = json.bytes().map(|b| format!("{b:02x}")).collect();
        assert_eq!(&*decode_keyring_value(format!("go-keyring-encoded:{hex}").as_bytes()).unwrap(), json);
        assert!(decode_keyring_value(b"go-keyring-base64:!!!").is_err());
        assert!(decode_keyring_value(b"go-keyring-encoded:abc").is_err());
        assert!(decode_keyring_value(&[0xff, 0xfe]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn config_parser_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = parse_config(&bytes);
            let _ = decode_keyring_value(&bytes);
        }

        #[test]
        fn config_parser_survives_json_shapes(s in r#"\{("[a-zA-Z]{0,20}":("[^"]{0,10}"|[0-9]{1,3}|null|true|\[\]|\{\}),?){0,6}\}"#) {
            let _ = parse_config(s.as_bytes());
        }
    }
}
