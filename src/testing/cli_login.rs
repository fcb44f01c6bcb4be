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
    p2c: u32,
}

impl std::fmt::Debug for FakeCliLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCliLogin").field("email", &self.email).field("site", &self.site).finish_non_exhaustive()
    }
}

impl FakeCliLogin {
    /// A login of `email` holding the session `token`, for `https://app.infisical.com`.
    pub fn new(email: impl Into<String>, token: impl Into<String>) -> Self {
        FakeCliLogin {
            email: email.into(),
            token: token.into(),
            site: "https://app.infisical.com".into(),
            passphrase: "fake-vault-passphrase".into(),
            p2c: 8192,
        }
    }

    /// The site logged in to.
    pub fn site(mut self, site: impl Into<String>) -> Self {
        self.site = site.into();
        self
    }

    /// The file vault's passphrase (stored in the config, base64, as the CLI does).
    pub fn passphrase(mut self, passphrase: impl Into<String>) -> Self {
        self.passphrase = passphrase.into();
        self
    }

    /// The PBKDF2 iteration count of the file vault (default 8192, the CLI's).
    pub fn iterations(mut self, p2c: u32) -> Self {
        self.p2c = p2c;
        self
    }

    /// The credentials JSON the CLI stores in either vault.
    #[must_use]
    pub fn credentials_json(&self) -> String {
        json!({"email": self.email, "privateKey": "", "JTWToken": self.token, "RefreshToken": ""}).to_string()
    }

    /// Writes `<home>/.infisical/infisical-config.json` naming `vault` (`file` or `auto`).
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

    /// Writes the config and the encrypted file vault entry; returns the vault file's path.
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
        std::fs::write(&path, crate::auth::jwe_encrypt(&plaintext, self.passphrase.as_bytes(), self.p2c))?;
        Ok(path)
    }
}
