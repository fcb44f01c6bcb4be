//! Live reload: a typed configuration that follows Infisical. Against the crate's fake server (started
//! here, no account needed), it changes a secret and prints what the watcher reports: each event with
//! the report of its poll (where each folder came from, the requests it took), and the health a
//! `/healthz` handler would answer from.
//!
//! ```sh
//! cargo run --example watch --features watch
//! ```

use std::time::Duration;

use figment::Figment;
use figment::providers::{Format, Toml};
use infisical_config::testing::FakeInfisical;
use infisical_config::{ExposeSecret, Infisical, SecretString};

#[derive(serde::Deserialize)]
struct Config {
    port: u16,
    api_key: SecretString,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("Using the crate's fake Infisical server (this example never reaches a real one).");
    let fake = FakeInfisical::builder().secret("prod", "/", "API_KEY", "first-key").start().await;
    let client = fake.client_builder().build()?;

    let watcher: infisical_config::watch::Watcher<Config> = Infisical::new(fake.project_id(), "prod")
        .client(client)
        .watch(Duration::from_millis(500))
        .debounce(Duration::from_millis(100))
        .on_event(|event| println!("{event}\n{}", event.report()))
        .start(|secrets| Figment::new().merge(Toml::string("port = 8080")).merge(secrets))
        .await?;
    let config = watcher.current();
    println!("port {}, API key of {} characters", config.port, config.api_key.expose_secret().len());
    let health = watcher.health();
    println!("health: {}; configuration confirmed {:?} ago", health.origin, health.served_age);

    // Someone rotates the key in Infisical.
    fake.set_secret("prod", "/", "API_KEY", "the-rotated-key");
    let mut rx = watcher.subscribe();
    tokio::time::timeout(Duration::from_secs(5), rx.changed()).await??;
    let config = rx.borrow().clone();
    println!("port {}, API key of {} characters", config.port, config.api_key.expose_secret().len());
    // What a readiness check answers: ready while Infisical confirmed the configuration in the last 2 minutes.
    match watcher.health().check(Duration::from_secs(120)) {
        Ok(()) => println!("ready"),
        Err(not_ready) => println!("{not_ready}"),
    }
    Ok(())
}
