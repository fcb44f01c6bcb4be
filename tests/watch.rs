//! Live reload (feature `watch`) against the fake server: changes arrive, unchanged polls cost a 304
//! and no body, failures keep the last value and are reported, a refused change is not applied, and
//! dropping the watcher stops the polling.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use figment::Figment;
use infisical_config::testing::FakeInfisical;
use infisical_config::{ExposeSecret, Infisical, SecretString};

const INTERVAL: Duration = Duration::from_millis(300);

#[derive(serde::Deserialize)]
struct Config {
    database_url: SecretString,
    retries: Option<u8>,
}

fn fake() -> FakeInfisical {
    FakeInfisical::builder()
        .secret("prod", "/", "DATABASE_URL", "postgres://one")
        .secret("prod", "/", "RETRIES", "3")
        .start_blocking()
}

type Events = Arc<Mutex<Vec<String>>>;

fn provider(fake: &FakeInfisical) -> Infisical {
    let client = fake.client_builder().retry(infisical_config::RetryPolicy::default().max_retries(0)).build().unwrap();
    Infisical::new(fake.project_id(), "prod").client(client).parse_values(true)
}

async fn start(fake: &FakeInfisical, events: &Events) -> infisical_config::watch::Watcher<Config> {
    let seen = events.clone();
    provider(fake)
        .watch(INTERVAL)
        .debounce(Duration::from_millis(20))
        .jitter(0.0)
        .on_event(move |e| seen.lock().unwrap().push(e.to_string()))
        .start(Figment::from)
        .await
        .unwrap()
}

/// Waits (up to `limit`) for `events` to hold an entry containing `text`.
async fn event_containing(events: &Events, text: &str, limit: Duration) -> String {
    let until = Instant::now() + limit;
    loop {
        if let Some(found) = events.lock().unwrap().iter().find(|e| e.contains(text)) {
            return found.clone();
        }
        assert!(Instant::now() < until, "no event with {text:?} in {limit:?}: {:?}", events.lock().unwrap());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_reaches_the_receiver_within_two_intervals_and_names_its_keys() {
    let fake = fake();
    let events = Events::default();
    let watcher = start(&fake, &events).await;
    assert_eq!(watcher.current().database_url.expose_secret(), "postgres://one");
    let mut rx = watcher.subscribe();
    rx.borrow_and_update();

    let changed_at = Instant::now();
    fake.set_secret("prod", "/", "DATABASE_URL", "postgres://two");
    tokio::time::timeout(2 * INTERVAL, rx.changed()).await.expect("the change within two intervals").unwrap();
    assert_eq!(rx.borrow().database_url.expose_secret(), "postgres://two");
    assert!(changed_at.elapsed() < 2 * INTERVAL);
    let said = event_containing(&events, "configuration changed", INTERVAL).await;
    assert!(said.contains("database_url (modified, secret `DATABASE_URL` in / (prod))"), "{said}");
    assert!(!said.contains("postgres"), "never a value: {said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_server_costs_one_304_per_interval() {
    let fake = fake();
    let events = Events::default();
    let _watcher = start(&fake, &events).await;
    let (requests, not_modified) = (fake.requests().await, fake.not_modified());
    tokio::time::sleep(INTERVAL * 4 + INTERVAL / 2).await;
    let polls = fake.requests().await - requests;
    assert!((3..=5).contains(&polls), "about one poll per interval: {polls}");
    assert_eq!(fake.not_modified() - not_modified, polls, "every poll was answered 304, with no body");
    assert!(events.lock().unwrap().is_empty(), "{:?}", events.lock().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_server_keeps_the_last_value_and_reports_each_failure() {
    let fake = fake();
    let events = Events::default();
    let watcher = start(&fake, &events).await;
    fake.set_unavailable(true);
    let until = Instant::now() + INTERVAL * 10;
    while events.lock().unwrap().iter().filter(|e| e.contains("polling Infisical failed")).count() < 2 {
        assert!(Instant::now() < until, "two failures reported: {:?}", events.lock().unwrap());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(watcher.current().database_url.expose_secret(), "postgres://one");

    // Back up: a change then applies.
    fake.set_unavailable(false);
    fake.set_secret("prod", "/", "DATABASE_URL", "postgres://three");
    event_containing(&events, "configuration changed", INTERVAL * 4).await;
    assert_eq!(watcher.current().database_url.expose_secret(), "postgres://three");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_no_longer_extracts_is_refused_and_the_last_value_stays() {
    let fake = fake();
    let events = Events::default();
    let watcher = start(&fake, &events).await;
    assert_eq!(watcher.current().retries, Some(3));
    fake.set_secret("prod", "/", "RETRIES", "many-9f1");
    let said = event_containing(&events, "refused", INTERVAL * 4).await;
    assert!(said.contains("retries (modified"), "{said}");
    assert!(!said.contains("many-9f1"), "the value is redacted: {said}");
    assert_eq!(watcher.current().retries, Some(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_watcher_stops_the_polling() {
    let fake = fake();
    let watcher = start(&fake, &Events::default()).await;
    tokio::time::sleep(INTERVAL + INTERVAL / 2).await;
    drop(watcher);
    let after = fake.requests().await;
    tokio::time::sleep(INTERVAL * 3).await;
    assert_eq!(fake.requests().await, after, "no request after the drop");
}

#[test]
fn the_blocking_watcher_follows_changes_and_stops_on_drop() {
    let fake = fake();
    let client = fake.blocking_client_builder().build().unwrap();
    let watcher = Infisical::new(fake.project_id(), "prod")
        .client(client)
        .parse_values(true)
        .watch(INTERVAL)
        .debounce(Duration::from_millis(20))
        .jitter(0.0)
        .start_blocking::<Config, _>(Figment::from)
        .unwrap();
    let rx = watcher.subscribe();
    fake.set_secret("prod", "/", "DATABASE_URL", "postgres://blocking");
    let until = Instant::now() + INTERVAL * 4;
    while !rx.has_changed().unwrap() {
        assert!(Instant::now() < until, "the change arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(watcher.current().database_url.expose_secret(), "postgres://blocking");
    drop(watcher);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let after = rt.block_on(fake.requests());
    std::thread::sleep(INTERVAL * 3);
    assert_eq!(rt.block_on(fake.requests()), after, "the thread stopped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_and_removed_keys_are_named() {
    let fake = fake();
    let events = Events::default();
    let watcher = start(&fake, &events).await;
    fake.set_secret("prod", "/", "FEATURE_FLAG", "on");
    fake.remove_secret("prod", "/", "RETRIES");
    let said = event_containing(&events, "configuration changed", INTERVAL * 4).await;
    assert!(said.contains("feature_flag (added, secret `FEATURE_FLAG` in / (prod))"), "{said}");
    assert!(said.contains("retries (removed, secret `RETRIES` in / (prod))"), "{said}");
    assert_eq!(watcher.current().retries, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_event_carries_the_report_of_its_poll() {
    use infisical_config::report::Origin;
    let fake = fake();
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = reports.clone();
    let _watcher = provider(&fake)
        .watch(INTERVAL)
        .debounce(Duration::from_millis(20))
        .jitter(0.0)
        .on_event(move |e| seen.lock().unwrap().push((e.to_string(), e.report().clone())))
        .start::<Config, _>(Figment::from)
        .await
        .unwrap();
    fake.set_secret("prod", "/", "DATABASE_URL", "postgres://two");
    let until = Instant::now() + INTERVAL * 4;
    while reports.lock().unwrap().is_empty() {
        assert!(Instant::now() < until, "the change was reported");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (said, report) = reports.lock().unwrap()[0].clone();
    assert!(said.starts_with("configuration changed"), "{said}");
    assert_eq!(report.layers[0].origin, Origin::Network, "the poll that brought the change: {report}");
    assert_eq!((report.requests, report.layers[0].secrets), (1, 2));

    fake.set_unavailable(true);
    let until = Instant::now() + INTERVAL * 4;
    while !reports.lock().unwrap().iter().any(|(e, _)| e.contains("failed")) {
        assert!(Instant::now() < until, "the failure was reported");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (_, failed) = reports.lock().unwrap().iter().find(|(e, _)| e.contains("failed")).cloned().unwrap();
    assert!(failed.layers.is_empty() && failed.requests == 1, "{failed}");
}
