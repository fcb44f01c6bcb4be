//! What the binaries share: the project, the typed configuration, and where the server is.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The project the bench server answers for (any id works).
pub const PROJECT: &str = "6f1e0d3c-5b7a-4c2e-9d8f-0a1b2c3d4e5f";

/// The typed configuration: every folder a table of secrets.
#[derive(Deserialize)]
pub struct Config {
    #[serde(flatten)]
    pub services: BTreeMap<String, BTreeMap<String, secrecy::SecretString>>,
}

/// The bench server's site, from `INFISICAL_URL` (set by run.sh).
pub fn site() -> String {
    std::env::var("INFISICAL_URL").expect("INFISICAL_URL: run through benches/process/run.sh")
}

/// The mode, the first argument.
pub fn mode() -> String {
    std::env::args().nth(1).unwrap_or_default()
}
