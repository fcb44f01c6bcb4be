//! The main job: a typed configuration from a TOML file plus Infisical secrets, with figment.
//!
//! ```sh
//! cargo run --example quickstart
//! ```

mod common;

use figment::Figment;
use figment::providers::{Format, Toml};
use infisical_config::{ExposeSecret, Infisical, SecretString};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Config {
    app_name: String,
    port: u16,
    api_key: SecretString,
    database: Database,
}

#[derive(Debug, Deserialize)]
struct Database {
    url: SecretString,
    pool_size: u32,
}

/// What would be `App.toml`: the non-secret settings.
const APP_TOML: &str = r#"
app_name = "from-the-file"
port = 8080

[database]
pool_size = 10
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::Target::pick();
    let config: Config = Figment::new()
        .merge(Toml::string(APP_TOML))
        .merge(
            Infisical::new(target.project.as_str(), target.environment.as_str())
                .recursive(true) // `/database/URL` becomes `database.url`
                .client(target.blocking_client()?),
        )
        .extract()
        .map_err(infisical_config::figment::redact)?;

    // Debug shows secrets as [REDACTED]; reading one is explicit.
    println!("{config:#?}");
    println!(
        "\n{} listens on {}; the API key has {} characters; {} connections to a {:?} database.",
        config.app_name,
        config.port,
        config.api_key.expose_secret().len(),
        config.database.pool_size,
        config.database.url.expose_secret().split("://").next().unwrap_or_default(),
    );
    Ok(())
}
