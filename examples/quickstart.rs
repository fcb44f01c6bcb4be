//! The main job: a typed configuration from a TOML file plus Infisical secrets, with figment.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With no Infisical configured it starts a local demo server (and says so) and extracts the typed
//! `Config` below. With yours (`INFISICAL_PROJECT_ID`, or the `.infisical.json` that `infisical init`
//! wrote, as the CLI finds it; and credentials), it cannot know your keys: it
//! shows what loaded (each key and the secret it came from, never a value) and the struct that would
//! take them.

mod common;

use std::collections::BTreeMap;

use figment::providers::{Format, Toml};
use figment::{Figment, Profile};
use infisical_config::figment::ExtractRedacted;
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
    let target = common::Target::pick()?;
    let provider = Infisical::new(target.project.as_str(), target.environment.as_str())
        .path(target.path.as_str())
        .recursive(true) // `/database/URL` becomes `database.url`
        .client(target.blocking_client()?);
    if target.demo.is_none() {
        return show_what_loaded(&provider);
    }
    // `extract_redacted`, not `extract`: a `main` returning `Box<dyn Error>` prints the error's `Debug`,
    // and figment's quotes the value that failed to parse, which may be a secret.
    let config: Config = Figment::new().merge(Toml::string(APP_TOML)).merge(provider).extract_redacted()?;

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

/// Your project's keys are not this example's: list them with their origins, and sketch the struct.
fn show_what_loaded(provider: &Infisical) -> Result<(), Box<dyn std::error::Error>> {
    let snapshot = provider.fetch()?;
    let origins: Vec<(String, String)> = snapshot.origins(&Profile::Default).collect();
    println!("Loaded {} key(s) from Infisical (values are never shown):", origins.len());
    for (key, origin) in &origins {
        println!("  {key:<32} <- {origin}");
    }
    println!("\nA struct that takes them (every value is a string as stored; use `SecretString` for secrets):\n");
    print_struct("Config", &origins.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>());
    Ok(())
}

/// Prints `#[derive(Deserialize)] struct <name> { ... }` for dotted keys, nested tables as structs.
fn print_struct(name: &str, keys: &[&str]) {
    let mut fields: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for key in keys {
        match key.split_once('.') {
            Some((head, rest)) => fields.entry(head).or_default().push(rest),
            None => {
                fields.entry(key).or_default();
            }
        }
    }
    println!("#[derive(serde::Deserialize)]\nstruct {name} {{");
    for (field, nested) in &fields {
        let ty = if nested.is_empty() { "SecretString".to_owned() } else { camel(field) };
        println!("    {}: {ty},", rust_field(field));
    }
    println!("}}\n");
    for (field, nested) in fields {
        if !nested.is_empty() {
            print_struct(&camel(field), &nested);
        }
    }
}

fn rust_field(key: &str) -> String {
    let plain = key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && key.chars().next().is_some_and(|c| !c.is_ascii_digit());
    if plain { key.to_owned() } else { format!("#[serde(rename = {key:?})] field_{}", key.len()) }
}

fn camel(key: &str) -> String {
    key.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| p[..1].to_ascii_uppercase() + &p[1..])
        .collect()
}
