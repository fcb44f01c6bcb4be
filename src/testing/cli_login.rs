//! An `infisical login` written into a temporary home, for testing code that relies on it.

use serde_json::json;

/// Writes an Infisical CLI login into a home directory, the way `infisical login` leaves it, for
/// testing code that relies on the CLI-login credential provider.
///
/// ```
/// use infisical_config::auth::CliLogin;
/// use infisical_config::testing::FakeCliLogin;
/// use infisical_config::EnvSource;
///
/// let home = tempfile::tempdir().unwrap();
/// FakeCliLogin::new("dev@example.org", "a-user-token").site("https://infisical.example").write_file_vault(home.path()).unwrap();
/// let session = CliLogin::new(EnvSource::from_pairs::<_, String, String>([]).with_home(home.path())).load().unwrap();
/// assert_eq!((session.email.as_str(), session.site.as_str()), ("dev@example.org", "https://infisical.example"));
/// ```
#[derive(Clone)]
#[must_use]
pub struct FakeCliLogin {
    email: String,
    token: String,
    site: String,
    passphrase: String,
}

/// The PBKDF2 iteration count of the CLI's file vault.
const ITERATIONS: u32 = 8192;

impl std::fmt::Debug for FakeCliLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCliLogin").field("email", &self.email).field("site", &self.site).finish_non_exhaustive()
    }
}

impl FakeCliLogin {
    /// A login of `email` holding the session `token`, for `https://app.infisical.com`.
    ///
    /// ```
    /// use infisical_config::EnvSource;
    /// use infisical_config::auth::CliLogin;
    /// use infisical_config::testing::FakeCliLogin;
    ///
    /// let home = tempfile::tempdir()?;
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    /// FakeCliLogin::new("dev@example.org", "a-user-token").write_file_vault(home.path())?;
    /// let session = CliLogin::new(env).load()?;
    /// assert_eq!((session.email.as_str(), session.site.as_str()), ("dev@example.org", "https://app.infisical.com"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(email: impl Into<String>, token: impl Into<String>) -> Self {
        FakeCliLogin {
            email: email.into(),
            token: token.into(),
            site: "https://app.infisical.com".into(),
            passphrase: "fake-vault-passphrase".into(),
        }
    }

    /// The site logged in to (a self-hosted server, or the fake's [`uri`](super::FakeInfisical::uri)).
    ///
    /// ```
    /// use infisical_config::EnvSource;
    /// use infisical_config::auth::CliLogin;
    /// use infisical_config::testing::FakeCliLogin;
    ///
    /// let home = tempfile::tempdir()?;
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    /// FakeCliLogin::new("dev@example.org", "a-user-token").site("https://infisical.example/api").write_file_vault(home.path())?;
    /// assert_eq!(CliLogin::new(env).load()?.site, "https://infisical.example");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn site(mut self, site: impl Into<String>) -> Self {
        self.site = site.into();
        self
    }

    /// The file vault's passphrase (stored in the config, base64, as the CLI does; default a fixed
    /// one). A test of redaction gives its canary here.
    ///
    /// ```
    /// use infisical_config::EnvSource;
    /// use infisical_config::auth::CliLogin;
    /// use infisical_config::testing::FakeCliLogin;
    ///
    /// let home = tempfile::tempdir()?;
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    /// FakeCliLogin::new("dev@example.org", "a-user-token").passphrase("canary-passphrase").write_file_vault(home.path())?;
    /// let config = std::fs::read_to_string(home.path().join(".infisical/infisical-config.json"))?;
    /// assert!(!config.contains("canary-passphrase")); // base64, as the CLI writes it
    /// assert_eq!(CliLogin::new(env).load()?.email, "dev@example.org");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn passphrase(mut self, passphrase: impl Into<String>) -> Self {
        self.passphrase = passphrase.into();
        self
    }

    /// The credentials JSON the CLI stores in either vault: what a test's
    /// [`KeyringReader`](crate::auth::KeyringReader) hands back for a login kept in the OS keyring.
    ///
    /// ```
    /// use infisical_config::{EnvSource, ExposeSecret};
    /// use infisical_config::auth::{CliLogin, KeyringError, KeyringReader};
    /// use infisical_config::testing::FakeCliLogin;
    /// use zeroize::Zeroizing;
    ///
    /// #[derive(Debug)]
    /// struct Keyring(String);
    ///
    /// impl KeyringReader for Keyring {
    ///     fn read(&self, _service: &str, _account: &str) -> Result<Option<Zeroizing<Vec<u8>>>, KeyringError> {
    ///         Ok(Some(Zeroizing::new(self.0.clone().into_bytes())))
    ///     }
    /// }
    ///
    /// let home = tempfile::tempdir()?;
    /// let login = FakeCliLogin::new("dev@example.org", "a-user-token");
    /// login.write_config(home.path(), "auto")?; // "auto": the OS keyring
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    /// let session = CliLogin::new(env).keyring(Keyring(login.credentials_json())).load()?;
    /// assert_eq!(session.token.expose_secret(), "a-user-token");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn credentials_json(&self) -> String {
        json!({"email": self.email, "privateKey": "", "JTWToken": self.token, "RefreshToken": ""}).to_string()
    }

    /// Writes `<home>/.infisical/infisical-config.json` naming `vault` (`file` or `auto`), and no
    /// vault entry: for tests of a login that is configured but missing.
    ///
    /// ```
    /// use infisical_config::EnvSource;
    /// use infisical_config::auth::CliLogin;
    /// use infisical_config::testing::FakeCliLogin;
    ///
    /// let home = tempfile::tempdir()?;
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    /// FakeCliLogin::new("dev@example.org", "a-user-token").write_config(home.path(), "file")?;
    /// let err = CliLogin::new(env).load().unwrap_err();
    /// assert!(err.is_not_found(), "{err}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// When the files cannot be written.
    pub fn write_config(&self, home: &std::path::Path, vault: &str) -> std::io::Result<()> {
        use base64::Engine;
        let dir = home.join(".infisical");
        std::fs::create_dir_all(&dir)?;
        let api = format!("{}/api", crate::site::site_root(&self.site));
        let config = json!({
            "loggedInUserEmail": self.email, "LoggedInUserDomain": api,
            "loggedInUsers": [{"email": self.email, "domain": api}],
            "vaultBackendType": vault,
            "vaultBackendPassphrase": base64::engine::general_purpose::STANDARD.encode(&self.passphrase),
        });
        std::fs::write(dir.join("infisical-config.json"), config.to_string())
    }

    /// Writes the config and the encrypted file vault entry, as `infisical login` with the file vault
    /// leaves them; returns the vault file's path.
    ///
    /// ```
    /// use infisical_config::{EnvSource, ExposeSecret};
    /// use infisical_config::auth::CliLogin;
    /// use infisical_config::testing::FakeCliLogin;
    ///
    /// let home = tempfile::tempdir()?;
    /// let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    /// let vault = FakeCliLogin::new("dev@example.org", "a-user-token").write_file_vault(home.path())?;
    /// assert!(vault.starts_with(home.path().join("infisical-keyring")));
    /// assert_eq!(CliLogin::new(env).load()?.token.expose_secret(), "a-user-token");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// When the files cannot be written.
    pub fn write_file_vault(&self, home: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
        self.write_config(home, "file")?;
        let dir = home.join("infisical-keyring");
        std::fs::create_dir_all(&dir)?;
        // The vault holds a JSON string whose content is the credentials JSON.
        let plaintext = serde_json::to_vec(&self.credentials_json()).map_err(std::io::Error::other)?;
        let path = dir.join(crate::auth::vault_file_name(&self.email));
        std::fs::write(&path, crate::auth::jwe_encrypt(&plaintext, self.passphrase.as_bytes(), ITERATIONS))?;
        Ok(path)
    }
}
