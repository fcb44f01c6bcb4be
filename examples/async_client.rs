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
    let target = common::Target::pick()?;
    let client = target.client()?;
    let list = client
        .secrets()
        .list(&ListSecrets::new(target.project.as_str(), target.environment.as_str()).recursive(true))
        .await?;
    let imported: usize = list.imports.iter().map(|i| i.secrets.len()).sum();
    let (own, site) = (list.secrets.len(), client.site().clone());
    // Merged: own secrets win over imported ones of the same name and folder.
    let merged = list.into_map();
    println!("{} secret(s) on {site} ({own} own, {imported} imported, merged):", merged.len());
    for (at, secret) in merged {
        // A SecretString prints as [REDACTED], never the value.
        println!("  {:<24} {:?}", at.to_string(), secret.value);
    }
    Ok(())
}
