//! The smallest program that loads secrets into a typed configuration with figment: what the build
//! figures of the README measure.

use figment::Figment;
use infisical_config::{Infisical, SecretString};

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Config {
    database_url: SecretString,
}

fn main() {
    let config: Result<Config, _> = Figment::new().merge(Infisical::new("my-project", "prod")).extract();
    if let Err(e) = config {
        eprintln!("{e}");
    }
}
