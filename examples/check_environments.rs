//! Before you deploy: check a configuration type against the secrets of every environment, all
//! problems at once, and fail (exit code 1) when there is one. What a CI job runs.
//!
//! ```sh
//! cargo run --example check_environments
//! ```
//!
//! With no Infisical configured it starts a local demo server (and says so) whose three environments
//! each have one mistake. With yours (`INFISICAL_PROJECT_ID` and credentials), it checks this example's
//! `AppConfig` against the environments in `INFISICAL_ENVIRONMENTS` (default `dev,staging,prod`): put
//! your own struct in its place.

use std::process::ExitCode;

use figment::Figment;
use figment::providers::{Format, Toml};
use infisical_config::figment::{CheckReport, EnvironmentCheck};
use infisical_config::testing::FakeInfisical;
use infisical_config::{EnvSource, Infisical, SecretString, blocking};
use serde::Deserialize;

/// The application's configuration, as its `main` extracts it.
#[derive(Debug, Deserialize)]
#[allow(dead_code)] // read by the application, not by this check
pub struct AppConfig {
    database_url: SecretString,
    port: u16,
    api_key: SecretString,
    log_level: String, // from App.toml
}

/// What would be `App.toml`: the settings that are not secrets.
const APP_TOML: &str = "log_level = \"info\"\n";

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let env = EnvSource::process();
    // The demo server lives until the end of `run`.
    let (template, environments, _demo) = match env.non_empty("INFISICAL_PROJECT_ID") {
        Some(project) => {
            let environments = env.non_empty("INFISICAL_ENVIRONMENTS").unwrap_or_else(|| "dev,staging,prod".into());
            let environments: Vec<String> = environments.split(',').map(|e| e.trim().to_owned()).collect();
            eprintln!("Using your Infisical: project {project}, environments {}.", environments.join(", "));
            (Infisical::new(project, "dev").client(blocking::Client::from_env()?), environments, None)
        }
        None => {
            let demo = demo();
            eprintln!(
                "No Infisical configured (INFISICAL_PROJECT_ID is unset): checking a local demo server at {}.\n",
                demo.uri()
            );
            let template = Infisical::new(demo.project_id(), "dev").client(demo.blocking_client_builder().build()?);
            (template, vec!["dev".into(), "staging".into(), "prod".into()], Some(demo))
        }
    };

    let report = check(template, environments);
    println!("{report}");
    Ok(report.is_ok())
}

/// The check: `AppConfig` against each environment's secrets, inside the same figment the application
/// builds (`tests/check_environments.rs` runs it on the demo and holds its output to the README's).
pub fn check(template: Infisical, environments: Vec<String>) -> CheckReport {
    EnvironmentCheck::new(template, environments)
        .figment(|secrets| Figment::new().merge(Toml::string(APP_TOML)).merge(secrets))
        .run::<AppConfig>()
}

/// Three environments, one mistake each: dev has a stray `DATABSE_URL`, staging lacks `API_KEY`, and
/// prod's `PORT` is not a number.
pub fn demo() -> FakeInfisical {
    FakeInfisical::builder()
        .secret("dev", "/", "DATABASE_URL", "postgres://app:dev@db.dev:5432/app")
        .secret("dev", "/", "DATABSE_URL", "postgres://app:old@db.dev:5432/app")
        .secret("dev", "/", "PORT", "8080")
        .secret("dev", "/", "API_KEY", "sk-dev-1234")
        .secret("staging", "/", "DATABASE_URL", "postgres://app:stg@db.staging:5432/app")
        .secret("staging", "/", "PORT", "8080")
        .secret("prod", "/", "DATABASE_URL", "postgres://app:prod@db.prod:5432/app")
        .secret("prod", "/", "PORT", "80a")
        .secret("prod", "/", "API_KEY", "sk-prod-5678")
        .start_blocking()
}
