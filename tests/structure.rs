//! What the redesign (issue 10) promises from outside: metadata that does no work, local failures
//! that are their own kinds and are never retried, errors that keep their causes.

mod common;

use common::*;
use figment::Provider;
use infisical_config::resources::{ApiVersion, ListSecrets};
use infisical_config::{EnvSource, Error, Infisical};
use wiremock::MockServer;

#[test]
fn metadata_does_no_io_even_with_an_unreadable_project_file_and_no_credentials() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the project file should be: reading it would fail.
    std::fs::create_dir(dir.path().join(".infisical.json")).unwrap();
    let env = EnvSource::from_pairs::<_, String, String>([]).with_current_dir(dir.path()).with_home(dir.path());
    let provider = Infisical::new("my-project", "prod").env_source(env.clone());
    let metadata = provider.metadata();
    assert_eq!(metadata.name, "Infisical");
    let source = metadata.source.unwrap().to_string();
    assert!(source.contains("my-project") && source.contains("prod"), "{source}");
    // Loading does read it, and says so.
    let err = Infisical::new("my-project", "prod").env_source(env).fetch().unwrap_err();
    assert!(err.to_string().contains(".infisical.json"), "{err}");
}

#[tokio::test]
async fn a_bad_header_byte_fails_at_once_with_its_own_kind() {
    let server = MockServer::start().await;
    let client = builder(&server.uri()).access_token("bad\ntoken").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap_err();
    assert!(matches!(err, Error::InvalidHeader { ref name } if name == "authorization"), "{err:?}");
    assert!(!err.is_transient());
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent, nothing retried");

    let err = builder(&server.uri()).header("x-a", "line\nbreak").build().unwrap_err();
    assert!(matches!(err, Error::InvalidHeader { ref name } if name == "x-a"), "{err:?}");
}

#[test]
fn a_file_error_keeps_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".infisical.json")).unwrap();
    let env = EnvSource::from_pairs::<_, String, String>([]).with_current_dir(dir.path());
    let err = infisical_config::project_file::ProjectFile::discover(&env).unwrap_err();
    assert!(matches!(err, Error::File { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some() || err.to_string().contains("not a regular file"), "{err}");
}

#[test]
fn a_credentials_error_keeps_the_error_behind_it() {
    let home = tempfile::tempdir().unwrap();
    let vault = infisical_config::testing::FakeCliLogin::new("dev@example.org", jwt(r#"{"exp":9999999999}"#))
        .write_file_vault(home.path())
        .unwrap();
    let mut text = std::fs::read_to_string(&vault).unwrap();
    text.insert(text.len() / 2, '!');
    std::fs::write(&vault, text).unwrap();
    let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    let err = infisical_config::auth::CliLogin::new(env).load().unwrap_err();
    assert!(matches!(err, infisical_config::auth::CredentialsError::Invalid { .. }), "{err:?}");
    assert!(std::error::Error::source(&err).is_some(), "the decryption error is kept: {err:?}");
}
