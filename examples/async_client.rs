//! The async client: list the secrets of a folder and its sub-folders, merged the way `infisical run`
//! merges them.
//!
//! ```sh
//! cargo run --example async_client
//! ```

mod common;

use infisical_config::resources::ListSecrets;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::Target::pick();
    let client = target.client()?;
    let list = client
        .secrets()
        .list(&ListSecrets::new(target.project.as_str(), target.environment.as_str()).recursive(true))
        .await?;
    println!("{} secret(s) on {}:", list.secrets.len(), client.site());
    for (at, secret) in list.into_map() {
        // A SecretString prints as [REDACTED], never the value.
        println!("  {:<24} {:?}", at.to_string(), secret.value);
    }
    Ok(())
}
