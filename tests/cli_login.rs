//! The Infisical CLI login as a credential provider: the file vault (interop with an independent
//! implementation, wrong passphrase, tampering, truncation, hostile iteration counts, odd emails), the
//! OS keyring through keyring-core's mock store (Linux, macOS and Windows stored forms), expiry, the
//! site guard, and `.infisical.json`. Every test uses its own temporary home; none touches the real one.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use infisical_config::auth::CredentialsError;
use infisical_config::auth::{AttemptOutcome, CliLogin, KeyringReader};
use infisical_config::project_file::{ProjectDefaults, ProjectFile};
use infisical_config::testing::FakeCliLogin;
use infisical_config::{Client, EnvSource, Error, ExposeSecret};
use serde_json::Value;
use tempfile::TempDir;
use zeroize::Zeroizing;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary home holding the login made by an independent implementation.
fn example_home() -> TempDir {
    let home = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("cli-login-example/home"), home.path());
    home
}

fn env_with_home(home: &Path) -> EnvSource {
    EnvSource::from_pairs::<_, String, String>([]).with_home(home)
}

fn login(env: EnvSource) -> Result<infisical_config::auth::CliSession, CredentialsError> {
    CliLogin::new(env).keyring(NoKeyring).load()
}

/// A keyring that is not there (a headless Linux).
#[derive(Debug)]
struct NoKeyring;

impl KeyringReader for NoKeyring {
    fn read(&self, _: &str, _: &str) -> Result<Option<Zeroizing<Vec<u8>>>, infisical_config::auth::KeyringError> {
        Err(infisical_config::auth::KeyringError::new("no OS keyring service is available here (no D-Bus session)"))
    }
}

fn token_expiring_in(secs: i64) -> String {
    let exp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 + secs;
    jwt(&format!(r#"{{"authTokenType":"accessToken","exp":{exp}}}"#))
}

fn assert_invalid_naming(err: &CredentialsError, file: &Path, what: &str) {
    assert!(matches!(err, CredentialsError::Invalid { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&file.display().to_string()), "names the file: {text}");
    assert!(text.contains(what), "{text}");
}

#[test]
fn an_independent_implementations_login_decodes_to_its_expectation() {
    let expect: Value =
        serde_json::from_slice(&std::fs::read(fixtures().join("cli-login-example/expect.json")).unwrap()).unwrap();
    let home = example_home();
    let session = login(env_with_home(home.path())).unwrap();
    assert_eq!(session.token.expose_secret(), expect["token"].as_str().unwrap());
    assert_eq!(session.site, expect["domain"].as_str().unwrap());
    assert_eq!(session.email, "someone@example.org");
    assert!(!format!("{session:?}").contains(expect["token"].as_str().unwrap()), "Debug redacts the token");
}

#[test]
fn the_env_passphrase_wins_and_a_wrong_one_is_a_clear_error() {
    let home = example_home();
    let vault = home.path().join("infisical-keyring/someone@example.org");
    let env = EnvSource::from_pairs([("INFISICAL_VAULT_FILE_PASSPHRASE", "wrong")]).with_home(home.path());
    let err = login(env).unwrap_err();
    assert_invalid_naming(&err, &vault, "wrong passphrase, or the file was tampered with");
    // The right one through the environment works (it is what the config holds, decoded).
    let env = EnvSource::from_pairs([("INFISICAL_VAULT_FILE_PASSPHRASE", "c2VjcmV0LXBhc3M=")]).with_home(home.path());
    login(env).unwrap();
}

#[test]
fn tampered_and_truncated_vaults_are_clear_errors() {
    let home = example_home();
    let vault = home.path().join("infisical-keyring/someone@example.org");
    let original = std::fs::read_to_string(&vault).unwrap();
    let mut parts: Vec<String> = original.split('.').map(str::to_owned).collect();
    // Flip one character of the ciphertext.
    let c = parts[3].remove(5);
    parts[3].insert(5, if c == 'A' { 'B' } else { 'A' });
    std::fs::write(&vault, parts.join(".")).unwrap();
    assert_invalid_naming(&login(env_with_home(home.path())).unwrap_err(), &vault, "tampered");

    for cut in [original.len() / 3, original.len() - 10, 0] {
        std::fs::write(&vault, &original[..cut]).unwrap();
        let err = login(env_with_home(home.path())).unwrap_err();
        assert!(matches!(err, CredentialsError::Invalid { .. }), "cut {cut}: {err:?}");
        assert!(err.to_string().contains(&vault.display().to_string()), "{err}");
    }
}

#[test]
fn a_huge_iteration_count_is_refused_at_once() {
    let home = tempfile::tempdir().unwrap();
    FakeCliLogin::new("a@b.org", token_expiring_in(3600)).write_config(home.path(), "file").unwrap();
    // Write a vault whose header claims a huge count (the body does not matter: it is never reached).
    use base64::Engine;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(r#"{"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2c":4000000000,"p2s":"AAAAAAAAAAAAAAAA"}"#);
    std::fs::create_dir_all(home.path().join("infisical-keyring")).unwrap();
    let path = home.path().join("infisical-keyring/a@b.org");
    std::fs::write(&path, format!("{header}.AAAA.AAAA.AAAA.AAAA")).unwrap();
    let started = Instant::now();
    let err = login(env_with_home(home.path())).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_invalid_naming(&err, &path, "iteration count 4000000000");
}

#[test]
fn emails_needing_percent_encoding() {
    let home = tempfile::tempdir().unwrap();
    let email = "team/ops%1@example.org";
    let path = FakeCliLogin::new(email, token_expiring_in(3600)).write_file_vault(home.path()).unwrap();
    assert_eq!(path.file_name().unwrap(), "team%2Fops%251@example.org");
    assert_eq!(login(env_with_home(home.path())).unwrap().email, email);
}

#[test]
fn expired_logins_pass_with_advice() {
    for secs in [-3600, 10] {
        let home = tempfile::tempdir().unwrap();
        FakeCliLogin::new("a@b.org", token_expiring_in(secs)).write_file_vault(home.path()).unwrap();
        let err = login(env_with_home(home.path())).unwrap_err();
        assert!(err.is_not_found(), "{secs}: {err:?}");
        assert!(err.to_string().contains("run `infisical login`"), "{err}");
    }
}

#[test]
fn missing_pieces_pass_with_reasons() {
    // No home at all.
    let err = login(empty_env()).unwrap_err();
    assert!(err.is_not_found() && err.to_string().contains("no home directory"), "{err}");
    // No config.
    let home = tempfile::tempdir().unwrap();
    let err = login(env_with_home(home.path())).unwrap_err();
    assert!(err.is_not_found() && err.to_string().contains("no Infisical CLI config"), "{err}");
    // A config with nobody logged in.
    std::fs::create_dir_all(home.path().join(".infisical")).unwrap();
    std::fs::write(home.path().join(".infisical/infisical-config.json"), r#"{"loggedInUserEmail":""}"#).unwrap();
    let err = login(env_with_home(home.path())).unwrap_err();
    assert!(err.is_not_found() && err.to_string().contains("nobody is logged in"), "{err}");
    // A file vault without the entry.
    FakeCliLogin::new("a@b.org", token_expiring_in(3600)).write_config(home.path(), "file").unwrap();
    let err = login(env_with_home(home.path())).unwrap_err();
    assert!(err.is_not_found() && err.to_string().contains("no stored login"), "{err}");
    // The keyring vault on a machine without a keyring service.
    FakeCliLogin::new("a@b.org", token_expiring_in(3600)).write_config(home.path(), "auto").unwrap();
    let err = login(env_with_home(home.path())).unwrap_err();
    assert!(err.is_not_found() && err.to_string().contains("no OS keyring service"), "{err}");
    // A broken config is an error naming the file and the field.
    std::fs::write(home.path().join(".infisical/infisical-config.json"), r#"{"loggedInUserEmail": 7}"#).unwrap();
    let err = login(env_with_home(home.path())).unwrap_err();
    assert!(matches!(err, CredentialsError::Invalid { .. }) && err.to_string().contains("loggedInUserEmail"), "{err}");
}

#[cfg(feature = "keyring")]
mod keyring_vault {
    use super::*;
    use base64::Engine;
    use infisical_config::auth::OsKeyring;
    use std::sync::Once;

    /// The mock store, set once for this test binary (it is process-global).
    fn mock_store() {
        static SET: Once = Once::new();
        SET.call_once(|| keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap()));
    }

    fn session_from_keyring(
        email: &str,
        store: impl FnOnce(&keyring_core::Entry),
    ) -> Result<infisical_config::auth::CliSession, CredentialsError> {
        mock_store();
        let home = tempfile::tempdir().unwrap();
        FakeCliLogin::new(email, "unused").write_config(home.path(), "auto").unwrap();
        let entry = keyring_core::Entry::new("infisical-cli", email).unwrap();
        store(&entry);
        CliLogin::new(env_with_home(home.path())).keyring(OsKeyring).load()
    }

    #[test]
    fn linux_and_windows_store_the_bytes_as_they_are() {
        let token = token_expiring_in(3600);
        let json = FakeCliLogin::new("linux@example.org", token.as_str()).credentials_json();
        let s = session_from_keyring("linux@example.org", |e| e.set_secret(json.as_bytes()).unwrap()).unwrap();
        assert_eq!(s.token.expose_secret(), token);
        assert!(s.source.contains("OS keyring"));
    }

    #[test]
    fn macos_stores_go_keyring_base64() {
        let token = token_expiring_in(3600);
        let json = FakeCliLogin::new("mac@example.org", token.as_str()).credentials_json();
        let stored = format!("go-keyring-base64:{}", base64::engine::general_purpose::STANDARD.encode(json));
        let s = session_from_keyring("mac@example.org", |e| e.set_password(&stored).unwrap()).unwrap();
        assert_eq!(s.token.expose_secret(), token);
    }

    #[test]
    fn a_missing_entry_passes_and_garbage_is_an_error() {
        let err = session_from_keyring("nobody@example.org", |_| {}).unwrap_err();
        assert!(err.is_not_found() && err.to_string().contains("no stored login"), "{err}");
        let err = session_from_keyring("garbage@example.org", |e| e.set_password("go-keyring-base64:???").unwrap())
            .unwrap_err();
        assert!(matches!(err, CredentialsError::Invalid { .. }) && err.to_string().contains("not base64"), "{err}");
    }
}

#[tokio::test]
async fn the_chain_uses_the_login_only_for_its_own_site() {
    let home = example_home();
    // No site configured anywhere: the client adopts the login's site, and the login answers.
    let client = Client::builder().env_source(env_with_home(home.path())).cli_keyring(NoKeyring).build().unwrap();
    assert_eq!(client.site().as_str(), "https://app.infisical.com/");
    let report = client.explain_credentials().await;
    assert_eq!(report.chosen(), Some("infisical-cli"), "{report}");

    // Another site: the login passes, saying why, and is never sent.
    let client = Client::builder()
        .site("https://infisical.internal.example")
        .env_source(env_with_home(home.path()))
        .cli_keyring(NoKeyring)
        .build()
        .unwrap();
    let report = client.explain_credentials().await;
    assert_eq!(report.chosen(), None);
    let AttemptOutcome::Passed(reason) = &report.attempts[2].outcome else { panic!("{report}") };
    assert!(
        reason.contains("is for https://app.infisical.com") && reason.contains("only ever sent to its own site"),
        "{reason}"
    );
    let err = client.authenticate().await.unwrap_err();
    assert!(matches!(err, Error::Credentials(CredentialsError::NoneFound { .. })), "{err:?}");
}

#[tokio::test]
async fn environment_credentials_come_before_the_login() {
    let home = example_home();
    let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "from-env")]).with_home(home.path());
    let client = Client::builder().env_source(env).cli_keyring(NoKeyring).build().unwrap();
    let report = client.explain_credentials().await;
    assert_eq!(report.chosen(), Some("environment"));
    assert_eq!(report.attempts[2].outcome, AttemptOutcome::NotAsked);
}

fn git_repo_on_branch(dir: &Path, branch: &str) {
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join(".git/HEAD"), format!("ref: refs/heads/{branch}\n")).unwrap();
}

#[test]
fn the_project_file_is_found_in_a_parent_directory() {
    let root = tempfile::tempdir().unwrap();
    let deep = root.path().join("services/api/src");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(
        root.path().join("services/.infisical.json"),
        r#"{"workspaceId": "p-123", "defaultEnvironment": "staging", "gitBranchToEnvironmentMapping": {"main": "prod"}, "defaultSecretPath": "/api/", "domain": "https://infisical.internal.example"}"#,
    )
    .unwrap();
    let env = empty_env().with_current_dir(&deep);
    let file = ProjectFile::discover(&env).unwrap().unwrap();
    assert_eq!(file.path, root.path().join("services/.infisical.json"));
    let d = ProjectDefaults::resolve(&env).unwrap();
    assert_eq!(d.project.as_deref(), Some("p-123"));
    assert_eq!(d.environment, "staging", "no git branch: the default environment");
    assert_eq!(d.path, "/api");
    assert_eq!(d.site.as_deref(), Some("https://infisical.internal.example"));
    // The project file names the site when nothing else does.
    let client = Client::builder().env_source(env).cli_login(false).build().unwrap();
    assert_eq!(client.site().as_str(), "https://infisical.internal.example/");
}

#[test]
fn branch_mapping_then_default_then_dev_and_env_vars_win() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join(".infisical.json"),
        r#"{"workspaceId": "p", "defaultEnvironment": "", "gitBranchToEnvironmentMapping": {"main": "prod"}}"#,
    )
    .unwrap();
    git_repo_on_branch(root.path(), "main");
    let env = empty_env().with_current_dir(root.path());
    assert_eq!(ProjectDefaults::resolve(&env).unwrap().environment, "prod");
    git_repo_on_branch(root.path(), "feature/x");
    assert_eq!(ProjectDefaults::resolve(&env).unwrap().environment, "dev", "unmapped branch, empty default: dev");
    let env = EnvSource::from_pairs([
        ("INFISICAL_ENVIRONMENT", "qa"),
        ("INFISICAL_PROJECT_ID", "other"),
        ("INFISICAL_SECRET_PATH", "x/y"),
    ])
    .with_current_dir(root.path());
    let d = ProjectDefaults::resolve(&env).unwrap();
    assert_eq!((d.environment.as_str(), d.project.as_deref(), d.path.as_str()), ("qa", Some("other"), "/x/y"));
}

#[test]
fn a_worktree_branch_is_read_through_its_gitdir_file() {
    let root = tempfile::tempdir().unwrap();
    let real = root.path().join("real-git-dir");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::write(real.join("HEAD"), "ref: refs/heads/release\n").unwrap();
    let wt = root.path().join("wt");
    std::fs::create_dir_all(&wt).unwrap();
    std::fs::write(wt.join(".git"), format!("gitdir: {}\n", real.display())).unwrap();
    std::fs::write(
        wt.join(".infisical.json"),
        r#"{"workspaceId": "p", "gitBranchToEnvironmentMapping": {"release": "prod"}}"#,
    )
    .unwrap();
    let env = EnvSource::from_pairs::<_, String, String>([]).with_current_dir(&wt);
    let defaults = infisical_config::project_file::ProjectDefaults::resolve(&env).unwrap();
    assert_eq!(defaults.environment, "prod", "the branch was read through the worktree's gitdir file");
}

#[test]
fn a_broken_project_file_names_itself() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join(".infisical.json"), r#"{"gitBranchToEnvironmentMapping": ["main"]}"#).unwrap();
    let err = ProjectDefaults::resolve(&empty_env().with_current_dir(root.path())).unwrap_err().to_string();
    assert!(err.contains(".infisical.json") && err.contains("gitBranchToEnvironmentMapping"), "{err}");
}
