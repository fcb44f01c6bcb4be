//! Behind Infisical's caching proxy (`infisical proxy start`), with nothing but the site changed: a
//! relay in the proxy's role ([`relay`]) in front of the fake server serves cached list answers with
//! the `ETag` of when they were stored (never a `304`), or none at all, and passes event streams
//! through. A watcher behind it applies each change once, pays one request a poll (an answer that
//! holds the same secrets is no change, whatever its tag), and follows push through it.

#[path = "../common/mod.rs"]
mod common;
mod relay;

use common::until;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use figment::Figment;
use infisical_config::events::PushState;
use infisical_config::testing::{FakeInfisical, ManualClock};
use infisical_config::watch::Watcher;
use infisical_config::{ExposeSecret, Infisical, RetryPolicy, SecretString};
use relay::Relay;

const INTERVAL: Duration = Duration::from_secs(60);

#[derive(serde::Deserialize)]
struct Config {
    api_key: SecretString,
}

type Events = Arc<Mutex<Vec<String>>>;

async fn fake(events: bool) -> FakeInfisical {
    FakeInfisical::builder().secret("prod", "/", "API_KEY", "k1").events(events).start().await
}

/// A watcher whose client's site is the relay: the only change a proxy asks of its users.
async fn watcher(
    fake: &FakeInfisical,
    relay: &Relay,
    clock: &ManualClock,
    push: bool,
    events: &Events,
) -> Watcher<Config> {
    let client = fake.client_builder().site(relay.uri()).retry(RetryPolicy::disabled()).build().unwrap();
    let seen = events.clone();
    let mut watch = Infisical::new(fake.project_id(), "prod")
        .client(client)
        .watch(INTERVAL)
        .jitter(0.0)
        .on_event(move |e| seen.lock().unwrap().push(e.to_string()));
    watch = if push {
        watch.push(true).debounce(Duration::from_millis(100))
    } else {
        watch.clock(clock).debounce(Duration::ZERO)
    };
    watch.start(Figment::from).await.unwrap()
}

fn key(watcher: &Watcher<Config>) -> String {
    watcher.current().api_key.expose_secret().to_owned()
}

/// One poll: the manual clock moved an interval once the poll waits on it; returns once the relay
/// has answered `requests` more.
async fn poll(manual: &ManualClock, relay: &Relay, requests: usize) {
    until("a poll is scheduled", || manual.pending().iter().any(|d| *d > manual.now())).await;
    let before = relay.requests.load(Ordering::SeqCst);
    manual.advance(INTERVAL);
    until("the poll's requests", || relay.requests.load(Ordering::SeqCst) >= before + requests).await;
    // Let the poll finish (and show any request past those expected).
    tokio::time::sleep(Duration::from_millis(200)).await;
}

fn changes(events: &Events) -> usize {
    events.lock().unwrap().iter().filter(|e| e.starts_with("configuration changed")).count()
}

/// Polls through a proxy without push: cached answers until the proxy refreshes, then the change,
/// applied once; one request a poll throughout (`strip_etag`: answers without any `ETag`).
async fn polls_through_a_cache(strip_etag: bool) {
    let fake = fake(false).await;
    let relay = Relay::start(&fake.uri(), strip_etag, None).await;
    let manual = ManualClock::new();
    let events = Events::default();
    let watcher = watcher(&fake, &relay, &manual, false, &events).await;
    let upstream = fake.requests().await;

    for _ in 0..3 {
        poll(&manual, &relay, 1).await;
    }
    assert_eq!(relay.requests.load(Ordering::SeqCst), 2 + 3, "a login and a list, then one request a poll");
    assert_eq!(relay.hits.load(Ordering::SeqCst), 3, "each poll served from the proxy's cache (a 200, no 304)");
    assert_eq!(fake.requests().await, upstream, "Infisical was not asked");
    assert_eq!(changes(&events), 0, "the same secrets are no change, whatever the tag");

    // Changed in Infisical: the proxy serves what it holds until its refresh.
    fake.set_secret("prod", "/", "API_KEY", "k2");
    poll(&manual, &relay, 1).await;
    assert_eq!(key(&watcher), "k1");
    relay.refresh().await;
    let before = relay.requests.load(Ordering::SeqCst);
    poll(&manual, &relay, 2).await;
    until("the change applied", || key(&watcher) == "k2").await;
    assert_eq!(relay.requests.load(Ordering::SeqCst) - before, 2, "the change, and one poll to see it settled");
    until("its event", || changes(&events) == 1).await;
    poll(&manual, &relay, 1).await;
    assert_eq!(changes(&events), 1, "applied once");
    assert!(!events.lock().unwrap().iter().any(|e| e.contains("failed")), "{events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_answers_with_the_etag_of_when_they_were_stored_cost_one_request_a_poll() {
    polls_through_a_cache(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_without_an_etag_cost_one_request_a_poll_too() {
    polls_through_a_cache(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_passes_through_a_proxy_that_follows_the_events_itself() {
    let fake = fake(true).await;
    // The proxy's own stream (`--use-sse`) purges what the events name.
    let proxy_client = fake.client_builder().build().unwrap();
    let relay = Relay::start(&fake.uri(), false, Some((&proxy_client, fake.project_id(), "prod"))).await;
    let manual = ManualClock::new();
    let events = Events::default();
    let watcher = watcher(&fake, &relay, &manual, true, &events).await;
    until("push connected through the proxy", || watcher.health().push == Some(PushState::Connected)).await;
    assert_eq!(relay.streams.load(Ordering::SeqCst), 1, "the watcher's stream went through the proxy");
    until("both streams open upstream", || fake.open_event_streams() == 2).await;

    let changed = Instant::now();
    fake.set_secret("prod", "/", "API_KEY", "k2");
    until("the pushed change applied through the proxy", || key(&watcher) == "k2").await;
    assert!(changed.elapsed() < Duration::from_secs(5), "pushed, not polled (the interval is a minute)");
    until("its event", || changes(&events) == 1).await;
    assert!(!events.lock().unwrap().iter().any(|e| e.contains("failed")), "{events:?}");
}
