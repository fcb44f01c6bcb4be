//! Dynamic secrets in typed configuration (issue 30): a loader asks for a lease by name, and a watcher's
//! lease manager renews it, replaces it before its max TTL or when renewal is refused, tells the
//! application, revokes the old one after its grace period and all of them on shutdown, and warns
//! before a lease lapses during an outage. Lease time is a `ManualClock`'s, shared with the fake
//! server; requests run in real time.

#[path = "../common/mod.rs"]
mod common;
mod loads;
mod manager;

use common::until;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use figment::Figment;
use infisical_config::report::LoadReport;
use infisical_config::testing::{DynamicSecretSpec, FakeInfisical, FakeLease, ManualClock};
use infisical_config::watch::Watcher;
use infisical_config::{Client, DynamicLease, Infisical, RetryPolicy, SecretString};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
/// Long enough that polls do not get in the way of the leases (the first one falls anywhere in it).
const INTERVAL: Duration = Duration::from_secs(7 * 24 * 3600);
const GRACE: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, serde::Deserialize)]
struct Config {
    greeting: String,
    database: Database,
}

#[derive(Debug, serde::Deserialize)]
struct Database {
    username: String,
    password: SecretString,
}

/// A manual clock at a whole second: Infisical writes times to the millisecond, so the expiries in
/// reports compare exactly.
fn clock() -> ManualClock {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    ManualClock::starting_at(SystemTime::UNIX_EPOCH + Duration::from_secs(now))
}

/// A fake on `clock` with a secret and dynamic secret `postgres` (in `prod`, `/`) issuing by `spec`.
async fn fake(clock: &ManualClock, spec: DynamicSecretSpec) -> FakeInfisical {
    FakeInfisical::builder()
        .clock(clock)
        .secret("prod", "/", "GREETING", "hello")
        .dynamic_secret("prod", "/", "postgres", spec)
        .start()
        .await
}

/// A client of `fake` that does not retry: an outage shows at once.
fn client(fake: &FakeInfisical) -> Client {
    fake.client_builder().retry(RetryPolicy::disabled()).build().unwrap()
}

fn postgres() -> DynamicLease {
    DynamicLease::new("postgres")
        .at("database")
        .key("DB_USERNAME", "username")
        .key("DB_PASSWORD", "password")
        .jitter(0.0)
        .grace(GRACE)
}

fn provider(fake: &FakeInfisical) -> Infisical {
    Infisical::new(fake.project_id(), "prod").client(client(fake)).lease(postgres())
}

/// One event: its text, its report, and the keys it changed because of a lease.
type Event = (String, LoadReport, Vec<String>);

/// What the watcher reported.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<Event>>>);

impl Events {
    fn texts(&self) -> Vec<String> {
        self.0.lock().unwrap().iter().map(|(text, _, _)| text.clone()).collect()
    }

    /// Waits (real time, up to 10 s) for an event containing `text`, and returns it.
    async fn containing(&self, text: &str) -> Event {
        let limit = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(found) = self.0.lock().unwrap().iter().find(|(e, _, _)| e.contains(text)) {
                return found.clone();
            }
            assert!(Instant::now() < limit, "no event with {text:?} in 10 s: {:#?}", self.texts());
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    fn count(&self, text: &str) -> usize {
        self.texts().iter().filter(|e| e.contains(text)).count()
    }
}

async fn start(provider: Infisical, manual: &ManualClock, events: &Events) -> Watcher<Config> {
    let seen = events.clone();
    provider
        .watch(INTERVAL)
        .clock(manual)
        .on_event(move |e| {
            let leased = match e {
                infisical_config::watch::WatchEvent::Changed { keys, .. } => {
                    keys.iter().filter(|k| k.lease.is_some()).map(|k| k.key.clone()).collect()
                }
                _ => Vec::new(),
            };
            seen.0.lock().unwrap().push((e.to_string(), e.report().clone(), leased));
        })
        .start(Figment::from)
        .await
        .unwrap()
}

/// Waits until the watcher's two sleepers (the polls and the lease manager) wait for a time still to
/// come: moved earlier, one would count its wait from the new time.
async fn scheduled(manual: &ManualClock) {
    until("the watcher's work is scheduled", || {
        let pending = manual.pending();
        pending.len() >= 2 && pending.iter().all(|due| *due > manual.now())
    })
    .await;
}

/// Moves `manual` on to `at`, once the watcher's work is scheduled.
async fn advance_to(manual: &ManualClock, at: SystemTime) {
    scheduled(manual).await;
    manual.advance(at.duration_since(manual.now()).unwrap_or_default());
}

/// Moves `manual` on to the next thing scheduled, whatever it is.
async fn advance_to_next(manual: &ManualClock) {
    scheduled(manual).await;
    let next = manual.pending().into_iter().min().unwrap();
    manual.advance(next.duration_since(manual.now()).unwrap_or_default());
}

fn lease(fake: &FakeInfisical, n: usize) -> FakeLease {
    fake.leases()[n].clone()
}
