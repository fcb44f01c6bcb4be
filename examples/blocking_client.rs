//! The blocking client, for programs without an async runtime: list, then read one secret.
//!
//! ```sh
//! cargo run --example blocking_client
//! ```

mod common;

use infisical_config::ExposeSecret;
use infisical_config::resources::secrets::{GetSecret, ListSecrets};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::Target::pick()?;
    let client = target.blocking_client()?;
    let list = client.secrets().list(&ListSecrets::new(target.project.as_str(), target.environment.as_str()))?;
    let names: Vec<&str> = list.secrets.iter().map(|s| s.key.as_str()).collect();
    println!("secrets at /: {names:?}");
    if let Some(first) = names.first() {
        let secret =
            client.secrets().get(&GetSecret::new(target.project.as_str(), target.environment.as_str(), *first))?;
        println!(
            "{} is {} characters long (version {})",
            secret.key,
            secret.value.expose_secret().len(),
            secret.version
        );
    }
    Ok(())
}
