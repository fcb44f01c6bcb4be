//! A watcher among many replicas (issue 27): it starts from the cache during an outage and switches to
//! Infisical when it answers; a restarted replica revalidates its cache (a 304 per folder, no body);
//! first polls are spread over the interval; health goes not ready once the configuration served is
//! older than the bound. Time where the watcher waits is a `ManualClock`'s; requests run in real time.

mod common;

use common::until;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use figment::Figment;
use infisical_config::cache::{Cache, CacheKey, OnFailure};
use infisical_config::report::LoadReport;
use infisical_config::report::{CacheReason, Origin};
use infisical_config::testing::{FakeInfisical, ManualClock};
use infisical_config::watch::Watcher;
use infisical_config::{Client, ExposeSecret, Infisical, RetryPolicy, SecretString};

const INTERVAL: Duration = Duration::from_secs(60);

#[derive(serde::Deserialize)]
struct Config {
    database_url: SecretString,
    password: SecretString,
}

async fn fake() -> FakeInfisical {
    FakeInfisical::builder()
        .secret("prod", "/", "DATABASE_URL", "postgres://one")
        .secret("prod", "/db", "PASSWORD", "hunter2")
        .start()
        .await
}

/// A client of `fake` that does not retry: an outage shows at once. A new one is a restarted process.
fn client(fake: &FakeInfisical) -> Client {
    fake.client_builder().retry(RetryPolicy::disabled()).build().unwrap()
}

fn provider(fake: &FakeInfisical, client: &Client) -> Infisical {
    Infisical::new(fake.project_id(), "prod").paths(["/", "/db"]).client(client.clone())
}

fn cache(dir: &std::path::Path, policy: OnFailure) -> Cache {
    Cache::new(CacheKey::from([3; 32])).dir(dir).on_failure(policy)
}

type Events = Arc<Mutex<Vec<(String, LoadReport)>>>;

async fn start(provider: Infisical, manual: &ManualClock, events: &Events) -> Watcher<Config> {
    let seen = events.clone();
    provider
        .watch(INTERVAL)
        .clock(manual)
        .on_event(move |e| seen.lock().unwrap().push((e.to_string(), e.report().clone())))
        .start(Figment::from)
        .await
        .unwrap()
}

/// Moves `manual` on by `by` once `sleepers` polling tasks wait on it for a time still to come (moved
/// earlier, a task would count its wait from the new time).
async fn advance(manual: &ManualClock, sleepers: usize, by: Duration) {
    until("the polls are scheduled", || {
        let pending = manual.pending();
        pending.len() >= sleepers && pending.iter().all(|due| *due > manual.now())
    })
    .await;
    manual.advance(by);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_started_during_an_outage_serves_the_cache_then_switches_to_infisical() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let serve_stale = OnFailure::UseCache { max_age: Duration::from_secs(3600) };
    let with_cache = |client: &Client| provider(&fake, client).cache(cache(dir.path(), serve_stale));
    with_cache(&client(&fake)).fetch_async().await.unwrap();

    // The fleet restarts while Infisical is down: each replica starts from the cache.
    fake.set_unavailable(true);
    let (manual, events) = (ManualClock::new(), Events::default());
    let provider = with_cache(&client(&fake));
    let watcher = start(provider.clone(), &manual, &events).await;
    assert_eq!(watcher.current().database_url.expose_secret(), "postgres://one");
    let health = watcher.health();
    assert!(
        matches!(&health.origin, Origin::Cache { reason: CacheReason::Unavailable { error }, .. } if error.contains("503")),
        "{health:?}"
    );
    assert_eq!((health.last_success, health.consecutive_failures), (None, 1));
    assert!(health.check(Duration::from_secs(600)).is_ok(), "a young cache is served: ready");
    let started = provider.last_report().expect("the start's report, from a clone of its provider");
    assert!(!started.is_fresh() && started.served_age() < Duration::from_secs(60), "{started}");

    // Infisical answers again: the next poll confirms the cache with a 304 per folder, and says so.
    fake.set_unavailable(false);
    let not_modified = fake.not_modified();
    advance(&manual, 1, INTERVAL).await;
    until("the recovery event", || events.lock().unwrap().iter().any(|(e, _)| e.contains("answers again"))).await;
    assert_eq!(fake.not_modified() - not_modified, 2, "one 304 per folder, no body");
    let (_, report) = events.lock().unwrap().last().cloned().unwrap();
    assert!(report.is_fresh() && report.layers.iter().all(|l| l.origin == Origin::Revalidated), "{report}");
    let health = watcher.health();
    assert_eq!(health.origin, Origin::Revalidated);
    assert_eq!((health.last_success, health.consecutive_failures), (Some(manual.now()), 0));
    assert_eq!(health.served_age, Duration::ZERO);
    assert_eq!(watcher.current().password.expose_secret(), "hunter2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_replica_revalidates_its_cache_and_downloads_no_body() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake().await;
    let manual = ManualClock::new();
    let with_cache = |client: &Client| provider(&fake, client).cache(cache(dir.path(), OnFailure::Fail));
    drop(start(with_cache(&client(&fake)), &manual, &Events::default()).await);
    let file = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();

    // The replica restarts (a new process: a new client) while nothing changed.
    let (not_modified, requests) = (fake.not_modified(), fake.requests().await);
    let (manual, events) = (ManualClock::new(), Events::default());
    let provider = with_cache(&client(&fake));
    let watcher = start(provider.clone(), &manual, &events).await;
    assert_eq!(fake.not_modified() - not_modified, 2, "one 304 per folder");
    assert_eq!(fake.requests().await - requests, 3, "a login and the two 304s");
    let report = provider.last_report().unwrap();
    assert!(report.layers.iter().all(|l| l.origin == Origin::Revalidated), "{report}");
    assert_eq!(watcher.current().password.expose_secret(), "hunter2", "the values from the cache");
    assert_eq!(watcher.health().origin, Origin::Revalidated);

    // Each poll revalidates the same way, and writes the cache (its age is that of the confirmation).
    // (Each write seals with a fresh nonce: new bytes for the same load.)
    let written = std::fs::read(&file).unwrap();
    advance(&manual, 1, INTERVAL).await;
    until("the first poll", || fake.not_modified() - not_modified == 4).await;
    until("the cache rewritten", || std::fs::read(&file).unwrap() != written).await;
    assert!(events.lock().unwrap().is_empty(), "nothing changed: {:?}", events.lock().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_polls_of_a_hundred_replicas_spread_over_the_interval() {
    let fake = fake().await;
    let client = client(&fake);
    let manual = ManualClock::new();
    let start_time = manual.now();
    let mut watchers = Vec::new();
    for _ in 0..100 {
        watchers.push(start(provider(&fake, &client), &manual, &Events::default()).await);
    }
    until("every first poll scheduled", || manual.pending().len() == 100).await;
    let due = manual.pending();
    let mut told: Vec<SystemTime> = watchers.iter().map(|w| w.health().next_poll.expect("scheduled")).collect();
    told.sort();
    assert_eq!(told, due, "each watcher's health names its first poll");

    let offsets: Vec<Duration> = due.iter().map(|t| t.duration_since(start_time).unwrap()).collect();
    assert!(offsets.iter().all(|o| *o < INTERVAL), "within the first interval: {offsets:?}");
    let span = *offsets.last().unwrap() - offsets[0];
    assert!(span > INTERVAL * 3 / 4, "over most of the interval: {span:?}");
    for quarter in 0..4u32 {
        let (from, to) = (INTERVAL * quarter / 4, INTERVAL * (quarter + 1) / 4);
        let within = offsets.iter().filter(|o| (from..to).contains(*o)).count();
        assert!((1..=50).contains(&within), "quarter {quarter}: {within} of 100 first polls: {offsets:?}");
    }
    assert_eq!(fake.requests().await, 2 * 100 + 1, "the starts only (a login, two lists each): no poll yet");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_goes_not_ready_when_the_served_age_passes_the_bound_and_ready_again() {
    let fake = fake().await;
    let (manual, events) = (ManualClock::new(), Events::default());
    let watcher = start(provider(&fake, &client(&fake)), &manual, &events).await;
    let bound = Duration::from_secs(300);
    assert!(watcher.health().check(bound).is_ok());
    assert_eq!(watcher.health().origin, Origin::Network);

    fake.set_unavailable(true);
    advance(&manual, 1, INTERVAL).await;
    until("a failed poll", || watcher.health().consecutive_failures == 1).await;
    let health = watcher.health();
    assert_eq!(health.served_age, INTERVAL, "confirmed at the start, a minute ago on the watcher's clock");
    assert!(health.check(bound).is_ok());
    assert!(health.last_error.as_deref().is_some_and(|e| e.contains("503")), "{health:?}");

    advance(&manual, 1, Duration::from_secs(300)).await;
    until("a second failed poll", || watcher.health().consecutive_failures == 2).await;
    let not_ready = watcher.health().check(bound).unwrap_err();
    let said = not_ready.to_string();
    assert!(
        said.starts_with(
            "not ready: the configuration was last confirmed by Infisical 6 min ago, more than the 5 min allowed; 2 \
             failed in a row, the last: "
        ) && said.contains("503"),
        "{said}"
    );
    assert_eq!(not_ready.health.served_age, Duration::from_secs(360));

    // Back: the next poll confirms the configuration, and it is ready again.
    fake.set_unavailable(false);
    advance(&manual, 1, INTERVAL * 2).await;
    until("the recovery", || watcher.health().consecutive_failures == 0).await;
    assert!(watcher.health().check(bound).is_ok());
    assert_eq!(watcher.health().served_age, Duration::ZERO);
    let said: Vec<String> = events.lock().unwrap().iter().map(|(e, _)| e.clone()).collect();
    assert_eq!(said.iter().filter(|e| e.contains("polling Infisical failed")).count(), 2, "{said:?}");
    assert!(said.last().unwrap().contains("answers again"), "{said:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_optional_watcher_starts_with_nothing_during_an_outage_and_fills_in() {
    let fake = fake().await;
    fake.set_unavailable(true);
    let (manual, events) = (ManualClock::new(), Events::default());
    let seen = events.clone();
    let watcher = provider(&fake, &client(&fake))
        .optional()
        .watch(INTERVAL)
        .clock(&manual)
        .on_event(move |e| seen.lock().unwrap().push((e.to_string(), e.report().clone())))
        .start::<serde_json::Value, _>(Figment::from)
        .await
        .unwrap();
    assert_eq!(*watcher.current(), serde_json::json!({}));
    let not_ready = watcher.health().check(Duration::from_secs(3600)).unwrap_err();
    assert!(not_ready.to_string().starts_with("not ready: nothing was loaded from Infisical ("), "{not_ready}");

    fake.set_unavailable(false);
    advance(&manual, 1, INTERVAL).await;
    // A change is applied once it settles (the debounce, on the watcher's clock).
    advance(&manual, 1, Duration::from_secs(2)).await;
    until("the secrets arrive", || !events.lock().unwrap().is_empty()).await;
    let (said, report) = events.lock().unwrap()[0].clone();
    assert!(said.contains("database_url (added"), "{said}");
    assert!(report.is_fresh(), "{report}");
    assert_eq!(watcher.current()["password"], "hunter2");
    assert!(watcher.health().check(Duration::from_secs(3600)).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watchers_next_poll_waits_out_a_429_on_its_client() {
    // Three requests a 4-second window: the watcher's start (a login, two lists) spends them all.
    let fake = FakeInfisical::builder()
        .secret("prod", "/", "DATABASE_URL", "postgres://one")
        .secret("prod", "/db", "PASSWORD", "hunter2")
        .rate_limit(3, Duration::from_secs(4))
        .start()
        .await;
    // A call may take 2 s: less than the hold, so a poll sent into it would fail at once.
    let client = fake.client_builder().retry(RetryPolicy::disabled()).timeout(Duration::from_secs(2)).build().unwrap();
    let manual = ManualClock::new();
    let events = Events::default();
    let watcher = start(provider(&fake, &client), &manual, &events).await;
    // Another request of the same client is refused: the whole client is held until the window ends.
    let list = infisical_config::resources::ListSecrets::new(fake.project_id(), "prod");
    let refused = client.secrets().list(&list).await;
    let held_at = Instant::now();
    assert_eq!(refused.unwrap_err().status(), Some(429));
    let before = fake.request_times().len();
    // The poll falls due at once on the watcher's clock; it waits for the hold to end, then goes.
    advance(&manual, 1, INTERVAL).await;
    until("the poll after the hold", || fake.request_times().len() >= before + 2).await;
    assert!(fake.request_times()[before] >= held_at + Duration::from_secs(2), "the poll went during the hold");
    until("the poll's answer", || watcher.health().next_poll.is_some()).await;
    assert_eq!(watcher.health().consecutive_failures, 0, "{:?}", events.lock().unwrap());
    assert!(events.lock().unwrap().iter().all(|(text, _)| !text.contains("failed")), "{:?}", events.lock().unwrap());
    assert_eq!(fake.rate_limited(), 1, "only the request that met the limit was refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_stretches_an_interval_its_request_budget_cannot_fit() {
    static LOGS: OnceLock<common::Captured> = OnceLock::new();
    let logs = LOGS.get_or_init(|| common::capture_logs(tracing::Level::WARN));
    let fake = fake().await;
    // Two folders a poll every second is 120 requests a minute: 30 fit, so one poll every 4 s.
    let client = fake
        .client_builder()
        .retry(RetryPolicy::disabled())
        .request_budget(infisical_config::RequestBudget::per_minute(30))
        .build()
        .unwrap();
    let manual = ManualClock::new();
    let watcher = provider(&fake, &client)
        .watch(Duration::from_secs(1))
        .jitter(0.0)
        .clock(&manual)
        .start::<Config, _>(Figment::from)
        .await
        .unwrap();
    let first = watcher.health().next_poll.unwrap();
    assert!(first.duration_since(manual.now()).unwrap() < Duration::from_secs(4));
    let polled = fake.requests().await;
    advance(&manual, 1, Duration::from_secs(4)).await;
    until("the first poll", || watcher.health().next_poll.is_some_and(|next| next > first)).await;
    let next = watcher.health().next_poll.unwrap();
    assert_eq!(next.duration_since(manual.now()).unwrap(), Duration::from_secs(4), "the interval was stretched");
    assert!(fake.requests().await >= polled + 2);
    let warned: Vec<String> = logs.text().lines().filter(|l| l.contains("request budget")).map(str::to_owned).collect();
    assert_eq!(warned.len(), 1, "one warning: {warned:#?}");
    assert!(
        warned[0].contains("WARN")
            && warned[0].contains("2 requests a poll, 30 a minute")
            && warned[0].contains("every 4.0 s"),
        "names both numbers and the interval used: {}",
        warned[0]
    );
}
