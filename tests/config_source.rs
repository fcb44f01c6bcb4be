//! The `config` (config-rs) source (feature `config`): the same load and key mapping as the figment
//! provider, values whose origin names the secret, and type errors that can be printed safely.

use infisical_config::config_source::{InfisicalSource, redact};
use infisical_config::testing::FakeInfisical;
use infisical_config::{Error, ExposeSecret, Infisical, SecretString};

#[derive(Debug, serde::Deserialize)]
struct AppConfig {
    name: String,
    port: u16,
    database_url: SecretString,
    db: Db,
}

#[derive(Debug, serde::Deserialize)]
struct Db {
    password: SecretString,
}

async fn fake(port: &str) -> FakeInfisical {
    FakeInfisical::builder()
        .secret("prod", "/", "DATABASE_URL", "postgres://db.internal/app")
        .secret("prod", "/", "PORT", port)
        .secret("prod", "/db", "PASSWORD", "hunter2-c0ffee")
        .start()
        .await
}

fn source(fake: &FakeInfisical) -> InfisicalSource {
    let client = fake.client_builder().build().unwrap();
    Infisical::new(fake.project_id(), "prod").recursive(true).client(client).into()
}

#[tokio::test]
async fn secrets_merge_with_other_sources_and_deserialize() {
    let fake = fake("9090").await;
    let config = config::Config::builder()
        .set_default("name", "from-defaults")
        .unwrap()
        .set_default("port", 8080)
        .unwrap()
        .add_async_source(source(&fake))
        .build()
        .await
        .unwrap();
    let app: AppConfig = config.try_deserialize().unwrap();
    assert_eq!(app.name, "from-defaults");
    assert_eq!(app.port, 9090, "the secret overrides the default, parsed by config-rs");
    assert_eq!(app.database_url.expose_secret(), "postgres://db.internal/app");
    assert_eq!(app.db.password.expose_secret(), "hunter2-c0ffee", "folders nest as with figment");
}

#[tokio::test]
async fn a_bad_value_names_its_secret_and_redact_hides_it() {
    let fake = fake("not-a-port-77").await;
    let config = config::Config::builder().add_async_source(source(&fake)).build().await.unwrap();
    let err = config.get::<u16>("port").unwrap_err();
    assert!(err.to_string().contains("secret `PORT` in / (prod)"), "{err}");
    let shown = redact(err).to_string();
    assert!(shown.contains("secret `PORT` in / (prod)") && shown.contains("port"), "{shown}");
    assert!(!shown.contains("not-a-port-77"), "{shown}");
    let err = config.try_deserialize::<AppConfig>().map_err(redact).unwrap_err().to_string();
    assert!(!err.contains("not-a-port-77"), "{err}");
}

#[tokio::test]
async fn a_failed_load_is_a_config_error_keeping_the_cause() {
    let fake = fake("1").await;
    let client = fake.client_builder().build().unwrap();
    let source: InfisicalSource = Infisical::new(fake.project_id(), "no-such-env").client(client).into();
    let err = config::Config::builder().add_async_source(source).build().await.unwrap_err();
    let config::ConfigError::Foreign(cause) = &err else { panic!("{err:?}") };
    assert!(cause.downcast_ref::<infisical_config::Error>().is_some_and(|e| e.is_not_found()), "{cause}");
}

#[tokio::test]
async fn a_failed_load_names_the_site_project_environment_and_folders() {
    let fake = fake("1").await;
    let client = fake.client_builder().build().unwrap();
    let provider = Infisical::new(fake.project_id(), "no-such-env").paths(["/", "/db"]).client(client);
    let err = config::Config::builder().add_async_source(InfisicalSource::new(provider)).build().await.unwrap_err();
    let config::ConfigError::Foreign(cause) = &err else { panic!("{err:?}") };
    let Some(Error::Load { target, error }) = cause.downcast_ref::<Error>() else { panic!("{err:?}") };
    let site = fake.uri().trim_start_matches("http://").to_owned();
    assert_eq!(target, &format!("infisical://{site}/{}/no-such-env/,/db", fake.project_id()));
    assert!(error.is_not_found(), "{err}");
    assert!(err.to_string().contains(target.as_str()), "{err}");
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Mode {
    Fast,
    Safe,
}

#[derive(Debug, serde::Deserialize)]
struct WithMode {
    #[allow(dead_code)] // never read: the test is its failing to deserialize
    mode: Mode,
}

#[tokio::test]
async fn messages_that_may_quote_a_secret_are_redacted_keeping_the_key() {
    let fake = FakeInfisical::builder()
        .secret("prod", "/", "MODE", "hunter2-c0ffee")
        .secret("prod", "/", "PORT", "99999")
        .start()
        .await;
    let client = fake.client_builder().build().unwrap();
    let source: InfisicalSource = Infisical::new(fake.project_id(), "prod").client(client).into();
    let config = config::Config::builder().add_async_source(source).build().await.unwrap();

    // An unknown variant: config-rs's message quotes it, and names no origin.
    let err = config.clone().try_deserialize::<WithMode>().unwrap_err();
    assert!(err.to_string().contains("hunter2-c0ffee"), "the leak this guards against: {err}");
    let shown = redact(err).to_string();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("for key `mode`") && shown.contains("enum Mode"), "{shown}");

    // serde's `invalid value` message, and a number out of range (a type error with no origin).
    for (err, expected) in [
        (config.get::<char>("mode").unwrap_err(), "expected a character for key `mode`"),
        (config.get::<u16>("port").unwrap_err(), "expected an unsigned 16 bit integer for key `port`"),
    ] {
        let shown = redact(err).to_string();
        assert!(!shown.contains("hunter2") && !shown.contains("99999"), "{shown}");
        assert!(shown.contains(expected), "{shown}");
    }
    assert_eq!(
        redact(config::ConfigError::Message("invalid IP address syntax: hunter2".into())).to_string(),
        "invalid value (message not shown)"
    );
}
