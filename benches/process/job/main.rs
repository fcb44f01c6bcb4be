//! This crate, as a service uses it at start-up. `job figment`: the figment provider with its own
//! client from the environment (the main job); `job list`: the client's `list_values` into a map;
//! `job env`: the env loader into a map.

use figment::Figment;
use infisical_config::resources::secrets::ListSecrets;
use infisical_config::{EnvLoader, Infisical, blocking};
use process_bench::{Config, PROJECT, mode};

fn main() {
    let loaded = match mode().as_str() {
        "figment" => {
            let config: Config =
                Figment::new().merge(Infisical::new(PROJECT, "prod").recursive(true)).extract().expect("figment job");
            config.services.values().map(|t| t.len()).sum()
        }
        "list" => {
            let client = blocking::Client::from_env().expect("client");
            client.secrets().list_values(&ListSecrets::new(PROJECT, "prod").recursive(true)).expect("list").len()
        }
        "env" => EnvLoader::new(PROJECT, "prod").recursive(true).load().expect("env loader").len(),
        // Start-up alone: the client built from the environment, no request.
        "build" => usize::from(blocking::Client::from_env().is_ok()),
        other => panic!("unknown mode {other:?}: figment, list or env"),
    };
    assert!(loaded > 0);
}
