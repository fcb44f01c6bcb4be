//! Dynamic secrets in typed configuration: a service whose database password is always valid. A
//! watcher's lease manager renews the lease before it expires, replaces it before its max TTL (the
//! service reconnects: "credentials rotated"), and revokes the old one after its grace period.
//!
//! It runs against the crate's fake Infisical server (started here, no account needed) on a manual
//! clock that the example moves itself, so four hours of leases pass in a second or two.
//!
//! ```sh
//! cargo run --example dynamic_db --features watch
//! ```

use std::time::{Duration, Instant, SystemTime};

use figment::Figment;
use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, ManualClock};
use infisical_config::watch::WatchEvent;
use infisical_config::{DynamicLease, ExposeSecret, Infisical, SecretString};

const HOUR: Duration = Duration::from_secs(3600);

#[derive(serde::Deserialize)]
struct Config {
    database_host: String,
    database: Database,
}

#[derive(serde::Deserialize)]
struct Database {
    username: String,
    password: SecretString,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("Using the crate's fake Infisical server on a manual clock (this example never reaches a real one).");
    let clock = ManualClock::new();
    let fake = FakeInfisical::builder()
        .clock(&clock)
        .secret("prod", "/", "DATABASE_HOST", "db.internal")
        // Each lease lives an hour, renewals included at most three.
        .dynamic_secret("prod", "/", "postgres-app", DynamicSecretSpec::new(HOUR).max_ttl(3 * HOUR))
        .start()
        .await;
    let client = fake.client_builder().build()?;

    let start = clock.now();
    let minutes = move |at: SystemTime| at.duration_since(start).unwrap_or_default().as_secs() / 60;
    let watcher = Infisical::new(fake.project_id(), "prod")
        .client(client)
        .lease(
            DynamicLease::new("postgres-app")
                .at("database")
                .key("DB_USERNAME", "username")
                .key("DB_PASSWORD", "password")
                .grace(Duration::from_secs(5 * 60)),
        )
        .watch(Duration::from_secs(60))
        .clock(&clock)
        // What the lease manager does, on the example's clock.
        .on_event(move |event| {
            let at = minutes(event.report().finished_at);
            match event {
                WatchEvent::Lease { .. } => println!("[{at:>3} min] {event}"),
                WatchEvent::Changed { keys, .. } if keys.iter().any(|k| k.lease.is_some()) => {
                    println!("[{at:>3} min] a new lease of `postgres-app`: {} changed", keys.len())
                }
                _ => {}
            }
        })
        .start::<Config, _>(Figment::from)
        .await?;

    // The service: it connects with the credentials it has, and again whenever they change.
    let mut config = watcher.subscribe();
    let connect = |config: &Config| {
        let (user, password) = (&config.database.username, config.database.password.expose_secret());
        format!("{}@{} (a password of {} characters)", user, config.database_host, password.len())
    };
    println!("[  0 min] connected as {}", connect(&config.borrow_and_update()));
    let service = tokio::spawn(async move {
        while config.changed().await.is_ok() {
            let now = config.borrow_and_update().clone();
            println!("          credentials rotated: reconnected as {}", connect(&now));
        }
    });

    // Four hours pass, five minutes at a time, each step once the watcher has done what was due.
    for _ in 0..48 {
        settled(&clock).await?;
        clock.advance(Duration::from_secs(5 * 60));
    }
    settled(&clock).await?;

    for lease in fake.leases() {
        println!("the server's lease {}: {:?}, renewed {} times", lease.id, lease.state, lease.renewals);
    }
    // On shutdown, the lease in use is revoked.
    for lease in watcher.shutdown().await {
        println!("shut down: {lease}");
    }
    service.abort();
    Ok(())
}

/// Waits (real time) until the watcher's polls and lease manager wait for a time still to come.
async fn settled(clock: &ManualClock) -> Result<(), &'static str> {
    let limit = Instant::now() + Duration::from_secs(10);
    loop {
        let pending = clock.pending();
        if pending.len() >= 2 && pending.iter().all(|due| *due > clock.now()) {
            return Ok(());
        }
        if Instant::now() > limit {
            return Err("the watcher did not settle within 10 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
