//! A newcomer's walk: the README's uses, copied as a new user would, with only the project and the
//! site changed to the test kit's fake server (`FakeInfisical`, `fake.blocking_client_builder()`).
//! When a README snippet changes, change its copy here. The third use, the environment at start-up,
//! sets process variables: it lives alone in `tests/newcomer_env.rs`.

use infisical_config::testing::FakeInfisical;

/// "Secrets as configuration": a TOML file and Infisical into a typed struct.
mod quickstart {
    use figment::{
        Figment,
        providers::{Format, Toml},
    };
    use infisical_config::figment::ExtractRedacted;
    use infisical_config::testing::FakeInfisical;
    use infisical_config::{Infisical, SecretString};

    #[derive(Debug, serde::Deserialize)]
    pub struct Config {
        pub app_name: String,
        pub port: u16,
        pub api_key: SecretString, // Debug prints [REDACTED]
        pub database: Database,    // from the folder /database
    }
    #[derive(Debug, serde::Deserialize)]
    pub struct Database {
        pub url: SecretString,
        pub pool_size: u32,
    }

    /// The README's `main`; the project and the site are the fake's.
    pub fn main(fake: &FakeInfisical) -> Result<Config, Box<dyn std::error::Error>> {
        let config: Config = Figment::new()
            .merge(Toml::file("App.toml"))
            .merge(
                Infisical::new(fake.project_id(), "prod")
                    .recursive(true)
                    .client(fake.blocking_client_builder().build()?),
            )
            .extract_redacted()?; // not `extract()`: see "Errors" below
        Ok(config)
    }

    /// The README's `App.toml`.
    pub const APP_TOML: &str = r#"
app_name = "shop"
port = 8080

[database]
pool_size = 10
"#;
}

#[test]
#[allow(clippy::result_large_err)] // figment's jail takes a closure returning figment's own `Result`
fn the_readme_quickstart_runs_against_the_fake_with_its_app_toml() {
    use infisical_config::ExposeSecret;

    let fake = FakeInfisical::builder()
        .secret("prod", "/", "API_KEY", "sk-live-1")
        .secret("prod", "/database", "URL", "postgres://db/shop")
        .start_blocking();
    // `Toml::file("App.toml")` reads the current directory: figment's jail makes one for the file.
    figment::Jail::expect_with(|jail| {
        jail.create_file("App.toml", quickstart::APP_TOML)?;
        let config = quickstart::main(&fake).map_err(|e| e.to_string())?;
        assert_eq!((config.app_name.as_str(), config.port, config.database.pool_size), ("shop", 8080, 10));
        assert_eq!(config.api_key.expose_secret(), "sk-live-1");
        assert_eq!(config.database.url.expose_secret(), "postgres://db/shop");
        assert!(!format!("{config:?}").contains("sk-live-1"), "Debug prints [REDACTED]");

        // Without the file, the error names a missing key, as a newcomer would see it.
        std::fs::remove_file("App.toml").map_err(|e| e.to_string())?;
        let err = quickstart::main(&fake).unwrap_err().to_string();
        assert!(err.starts_with("missing field `pool_size` for key \"database\""), "{err}");
        Ok(())
    });
}

/// "Testing your configuration", as the README has it.
#[allow(dead_code)] // the README's struct: fields a service would read
mod testing_your_configuration {
    use figment::Figment;
    use infisical_config::figment::ExtractRedacted;
    use infisical_config::{Infisical, SecretString};

    #[derive(serde::Deserialize)]
    pub struct Config {
        pub api_key: SecretString,
        pub port: u16,
        pub db: Db,
    }
    #[derive(serde::Deserialize)]
    pub struct Db {
        pub url: SecretString,
    }

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        let fake = infisical_config::testing::FakeInfisical::builder()
            .secret("dev", "/", "API_KEY", "test-key")
            .secret("dev", "/", "PORT", "8080")
            .secret("dev", "/db", "URL", "postgres://localhost/test")
            .start_blocking(); // or .start().await
        let figment = Figment::new().merge(
            Infisical::new(fake.project_id(), "dev").recursive(true).client(fake.blocking_client_builder().build()?),
        );
        let config: Config = figment.extract_checked()?; // lossy ("8080" → 8080), and fails on a secret no field reads
        assert_eq!(config.port, 8080);
        Ok(())
    }
}

#[test]
fn the_readme_test_kit_snippet_runs_as_written() {
    testing_your_configuration::main().unwrap();
}

#[test]
fn the_readme_test_kit_snippet_fails_on_a_typo_naming_it() {
    use figment::Figment;
    use infisical_config::Infisical;
    use infisical_config::figment::{ExtractRedacted, unread_secrets};
    use testing_your_configuration::Config;

    // The same code, with the typo a newcomer makes on the Infisical side.
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "API_KEY", "test-key")
        .secret("dev", "/", "PORT", "8080")
        .secret("dev", "/db", "URL", "postgres://localhost/test")
        .secret("dev", "/db", "ULR", "postgres://localhost/typo")
        .start_blocking();
    let figment = Figment::new().merge(
        Infisical::new(fake.project_id(), "dev")
            .recursive(true)
            .client(fake.blocking_client_builder().build().unwrap()),
    );
    let err = figment.extract_checked::<Config>().err().expect("an unread secret fails the check");
    assert!(err.to_string().contains("secret `ULR` in /db (dev) at key `db.ulr`"), "{err}");
    assert!(!format!("{err} {err:?}").contains("postgres"), "{err:?}");
    let unread = unread_secrets::<Config>(&figment).unwrap();
    assert_eq!(unread.iter().map(|s| (s.name.as_str(), s.folder.as_str())).collect::<Vec<_>>(), [("ULR", "/db")]);
}

/// The examples' shared start (`examples/common`), as `cargo run --example quickstart` runs it.
#[path = "../examples/common/mod.rs"]
mod examples_common;

/// `cargo run --example quickstart` in a directory where `infisical init` wrote `.infisical.json` uses
/// that project, its default environment and its folder, as the CLI does: no demo server.
#[test]
fn the_examples_find_the_project_in_infisical_json_as_the_cli_does() {
    use infisical_config::EnvSource;
    use infisical_config::resources::ListSecrets;
    use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET};

    let fake = FakeInfisical::builder().secret("staging", "/app", "API_KEY", "k-1").start_blocking();
    let (work, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let nested = work.path().join("service/src");
    std::fs::create_dir_all(&nested).unwrap();
    let file = format!(
        r#"{{"workspaceId": "{}", "defaultEnvironment": "staging", "defaultSecretPath": "/app"}}"#,
        fake.project_id()
    );
    std::fs::write(work.path().join(".infisical.json"), file).unwrap();
    let env = EnvSource::from_pairs([
        ("INFISICAL_URL", fake.uri().as_str()),
        ("INFISICAL_CLIENT_ID", CLIENT_ID),
        ("INFISICAL_CLIENT_SECRET", CLIENT_SECRET),
    ])
    .with_current_dir(&nested)
    .with_home(home.path());

    let target = examples_common::Target::pick_in(env.clone()).unwrap();
    assert!(target.demo.is_none(), "a project file names a project: no demo server");
    assert_eq!(
        (target.project.as_str(), target.environment.as_str(), target.path.as_str()),
        (fake.project_id(), "staging", "/app")
    );
    let client = target.blocking_client().unwrap();
    let list = client
        .secrets()
        .list(&ListSecrets::new(target.project.as_str(), target.environment.as_str()).path(target.path.as_str()))
        .unwrap();
    assert_eq!(list.secrets[0].key, "API_KEY");

    // Without a project anywhere the demo starts; a broken project file is an error, not the demo.
    let bare = EnvSource::from_pairs::<_, &str, &str>([]).with_current_dir(home.path()).with_home(home.path());
    assert!(examples_common::Target::pick_in(bare).unwrap().demo.is_some());
    std::fs::write(work.path().join(".infisical.json"), r#"{"workspaceId": 5}"#).unwrap();
    let err = examples_common::Target::pick_in(env).err().expect("a broken project file fails").to_string();
    assert!(err.contains(".infisical.json") && err.contains("workspaceId"), "{err}");
}
