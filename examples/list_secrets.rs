//! Lists the secrets of a project and environment, with the async client.
//!
//! With `INFISICAL_PROJECT_ID` and credentials in the environment (`INFISICAL_CLIENT_ID` +
//! `INFISICAL_CLIENT_SECRET`, or `INFISICAL_TOKEN`, or an `infisical login`), it talks to your
//! Infisical. Without, it starts a local demo server and says so, so it runs anywhere:
//!
//! ```sh
//! cargo run --example list_secrets
//! ```

use infisical_config::resources::ListSecrets;
use infisical_config::testing::FakeInfisical;
use infisical_config::{Client, EnvSource};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let env = EnvSource::process();
    let (client, project, environment, _demo) = match env.non_empty("INFISICAL_PROJECT_ID") {
        Some(project) => {
            let environment = env.non_empty("INFISICAL_ENVIRONMENT").unwrap_or_else(|| "dev".into());
            (Client::from_env()?, project, environment, None)
        }
        None => {
            let demo = FakeInfisical::builder()
                .secret("dev", "/", "APP_NAME", "demo-app")
                .secret("dev", "/", "GREETING", "hello from ${APP_NAME}")
                .secret("dev", "/db", "DB_PASSWORD", "s3cr3t")
                .start()
                .await;
            println!(
                "No Infisical configured (INFISICAL_PROJECT_ID is unset): using a local demo server at {}",
                demo.uri()
            );
            (demo.client_builder().build()?, demo.project_id().to_owned(), "dev".to_owned(), Some(demo))
        }
    };
    let list = client.secrets().list(&ListSecrets::new(project.as_str(), environment.as_str()).recursive(true)).await?;
    println!("{} secret(s) in {project} / {environment} on {}:", list.secrets.len(), client.site());
    for (at, secret) in list.into_map() {
        // Values are SecretStrings: printing one shows [REDACTED], never the value.
        println!("  {:<24} {:?}", at.to_string(), secret.value);
    }
    Ok(())
}
