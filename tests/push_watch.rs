//! A watcher that follows the event stream (`Watch::push`) against the fake server: a change is
//! applied at once (the interval is an hour, so only push explains it); a dropped stream reconnects on
//! the clock's backoff and re-lists, finding a change made while it was down; every refusal (no route,
//! no licence, no permission, the cap on streams) leaves the watcher polling with one warning and no
//! error; watchers of one project in one process share one stream; replicas past the cap poll.
//!
//! Separate processes are played by separate sites: each replica reaches the fake through a TCP
//! forwarder of its own, so its stream is its own (the stream registry is per process, keyed by site
//! and project), as it would be in its own process.

mod common;

use common::until;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::{Captured, capture_logs};
use figment::Figment;
use infisical_config::events::{PushState, PushUnavailable};
use infisical_config::testing::{FakeInfisical, FakeInfisicalBuilder, ManualClock, Refusal};
use infisical_config::watch::Watcher;
use infisical_config::{Client, ExposeSecret, Infisical, RetryPolicy, SecretString};

const HOUR: Duration = Duration::from_secs(3600);
/// Long enough for anything on loopback, on a busy machine.
const PATIENCE: Duration = Duration::from_secs(20);

#[derive(serde::Deserialize)]
struct Config {
    api_key: SecretString,
}

static LOGS: OnceLock<Captured> = OnceLock::new();

fn logs() -> &'static Captured {
    LOGS.get_or_init(|| capture_logs(tracing::Level::DEBUG))
}

/// The warnings logged about `site`.
fn warnings_of(site: &str) -> Vec<String> {
    logs().text().lines().filter(|l| l.contains(site) && l.contains("WARN")).map(str::to_owned).collect()
}

async fn fake(builder: FakeInfisicalBuilder) -> FakeInfisical {
    logs();
    builder.secret("prod", "/", "API_KEY", "k1").start().await
}

fn client(site: &str, fake: &FakeInfisical) -> Client {
    fake.client_builder().site(site).retry(RetryPolicy::disabled()).build().unwrap()
}

type Events = Arc<Mutex<Vec<String>>>;

/// A push watcher of `prod` through `client`, its interval `interval`, its events kept in `events`.
async fn watcher(client: Client, interval: Duration, clock: Option<&ManualClock>, events: &Events) -> Watcher<Config> {
    let seen = events.clone();
    let mut watch = Infisical::new(infisical_config::testing::PROJECT_ID, "prod")
        .client(client)
        .watch(interval)
        .push(true)
        .jitter(0.0)
        .on_event(move |e| seen.lock().unwrap().push(e.to_string()));
    watch = match clock {
        // Every wait on the manual clock: the debounce too, so none.
        Some(clock) => watch.clock(clock).debounce(Duration::ZERO),
        None => watch.debounce(Duration::from_millis(50)),
    };
    watch.start(Figment::from).await.unwrap()
}

fn key(watcher: &Watcher<Config>) -> String {
    watcher.current().api_key.expose_secret().to_owned()
}

async fn until_push(watcher: &Watcher<Config>, wanted: impl Fn(&PushState) -> bool) {
    until("the push state", || watcher.health().push.as_ref().is_some_and(&wanted)).await;
}

fn no_failure(events: &Events) {
    let events = events.lock().unwrap();
    assert!(!events.iter().any(|e| e.starts_with("polling Infisical failed")), "no failed poll: {events:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushed_change_is_applied_in_under_a_second_with_one_list() {
    let fake = fake(FakeInfisical::builder().events(true)).await;
    let events = Events::default();
    let watcher = watcher(client(&fake.uri(), &fake), HOUR, None, &events).await;
    until_push(&watcher, PushState::is_connected).await;
    assert_eq!(watcher.health().push, Some(PushState::Connected));
    let next = watcher.health().next_poll.expect("a poll is scheduled");
    assert!(
        next > std::time::SystemTime::now() + HOUR,
        "while connected, the next poll is the backstop's (ten intervals), not the interval's"
    );
    // Any re-list of the connection is done: from here, only the change makes requests.
    until("the connection's re-list", || events.lock().unwrap().iter().any(|e| e.contains("push connected"))).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = fake.requests().await;

    let changed = Instant::now();
    fake.set_secret("prod", "/", "API_KEY", "k2");
    let mut config = watcher.subscribe();
    tokio::time::timeout(PATIENCE, config.changed()).await.unwrap().unwrap();
    let took = changed.elapsed();
    assert_eq!(key(&watcher), "k2");
    assert!(took < Duration::from_secs(1), "applied {took:?} after the change: only push explains it");
    until("the change's event", || events.lock().unwrap().iter().any(|e| e.contains("api_key (modified"))).await;
    assert_eq!(fake.requests().await - before, 1, "one list, no settle polls: the stream said when it settled");
    no_failure(&events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_stream_reconnects_on_the_clocks_backoff_and_a_relist_finds_what_changed_meanwhile() {
    let fake = fake(FakeInfisical::builder().events(true)).await;
    let manual = ManualClock::new();
    let events = Events::default();
    let watcher = watcher(client(&fake.uri(), &fake), HOUR, Some(&manual), &events).await;
    until_push(&watcher, PushState::is_connected).await;
    assert_eq!(fake.event_streams_opened(), 1);

    fake.drop_event_streams();
    until_push(&watcher, |s| *s == PushState::Reconnecting).await;
    // Not connected: polls are due every interval again, an hour from the last.
    let next = watcher.health().next_poll.unwrap();
    assert!(next <= manual.now() + HOUR, "polling at the interval while push is down");
    // Made while no stream is open: no event will ever tell of it.
    fake.set_secret("prod", "/", "API_KEY", "k2");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(fake.event_streams_opened(), 1, "the reconnect waits its backoff on the clock");
    assert_eq!(key(&watcher), "k1");

    // The CLI's first backoff is 2 to 3 s.
    until("the reconnect is scheduled", || manual.pending().iter().any(|d| *d < manual.now() + HOUR)).await;
    manual.advance(Duration::from_secs(3));
    until("the stream reconnected and the watcher re-listed", || key(&watcher) == "k2").await;
    assert_eq!(fake.event_streams_opened(), 2);
    assert_eq!(watcher.health().push, Some(PushState::Connected));
    until("the change's event", || events.lock().unwrap().iter().any(|e| e.contains("api_key (modified"))).await;
    no_failure(&events);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_leaves_the_watcher_polling_with_one_warning_and_no_error() {
    let cases: [(FakeInfisicalBuilder, PushUnavailable); 4] = [
        (FakeInfisical::builder(), PushUnavailable::RouteNotFound),
        (FakeInfisical::builder().events_refusal(Refusal::Plan), PushUnavailable::NotLicensed),
        (FakeInfisical::builder().events_refusal(Refusal::Forbidden), PushUnavailable::Forbidden),
        (FakeInfisical::builder().event_stream_cap(0), PushUnavailable::StreamLimit),
    ];
    for (builder, reason) in cases {
        let fake = fake(builder).await;
        let manual = ManualClock::new();
        let events = Events::default();
        let interval = Duration::from_secs(60);
        let watcher = watcher(client(&fake.uri(), &fake), interval, Some(&manual), &events).await;
        until_push(&watcher, |s| *s == PushState::Unavailable(reason.clone())).await;
        assert!(
            events.lock().unwrap().iter().any(|e| e.contains(&reason.to_string())),
            "{reason:?}: the event names the reason"
        );

        // Polling at the interval finds the change.
        fake.set_secret("prod", "/", "API_KEY", "k2");
        until("the first poll is scheduled", || manual.pending().iter().any(|d| *d <= manual.now() + interval)).await;
        manual.advance(interval);
        until("the poll applied the change", || key(&watcher) == "k2").await;

        let warnings = warnings_of(&fake.uri());
        assert_eq!(warnings.len(), 1, "{reason:?}: one warning: {warnings:#?}");
        assert!(warnings[0].contains(&reason.to_string()), "{reason:?}: it names the reason: {}", warnings[0]);
        no_failure(&events);
        assert_eq!(watcher.health().consecutive_failures, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_of_one_project_in_one_process_share_one_stream() {
    let fake = FakeInfisical::builder()
        .secret("prod", "/", "API_KEY", "k1")
        .secret("prod", "/app", "API_KEY", "a1")
        .secret("dev", "/", "API_KEY", "d1")
        .events(true)
        .start()
        .await;
    let events = Events::default();
    let mut watchers = Vec::new();
    for (environment, path) in [("prod", "/"), ("prod", "/app"), ("dev", "/"), ("prod", "/"), ("dev", "/")] {
        // A client each, as separate parts of one application may have.
        let seen = events.clone();
        let watcher: Watcher<Config> = Infisical::new(fake.project_id(), environment)
            .path(path)
            .client(client(&fake.uri(), &fake))
            .watch(HOUR)
            .push(true)
            .debounce(Duration::from_millis(20))
            .on_event(move |e| seen.lock().unwrap().push(e.to_string()))
            .start(Figment::from)
            .await
            .unwrap();
        watchers.push(watcher);
    }
    for watcher in &watchers {
        until_push(watcher, PushState::is_connected).await;
    }
    assert_eq!(fake.open_event_streams(), 1, "one stream for the project");

    fake.set_secret("prod", "/app", "API_KEY", "a2");
    until("the change reached its watcher", || key(&watchers[1]) == "a2").await;
    fake.set_secret("dev", "/", "API_KEY", "d2");
    until("the change reached both dev watchers", || key(&watchers[2]) == "d2" && key(&watchers[4]) == "d2").await;
    assert_eq!((key(&watchers[0]), key(&watchers[3])), ("k1".to_owned(), "k1".to_owned()));
    assert_eq!(fake.open_event_streams(), 1);
    no_failure(&events);

    drop(watchers);
    until("the stream closed with its last watcher", || fake.open_event_streams() == 0).await;
}

/// A TCP forwarder to `target`: a site of its own, as a replica in its own process has its own stream.
async fn forwarder(target: &str) -> String {
    let target = target.trim_start_matches("http://").to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    site
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_past_the_projects_cap_on_streams_poll_and_none_fails() {
    let fake = fake(FakeInfisical::builder().event_stream_cap(2)).await;
    let manual = ManualClock::new();
    let interval = Duration::from_secs(60);
    let events = Events::default();
    let mut replicas = Vec::new();
    for _ in 0..3 {
        let site = forwarder(&fake.uri()).await;
        let replica = watcher(client(&site, &fake), interval, Some(&manual), &events).await;
        until_push(&replica, |s| *s != PushState::Reconnecting).await;
        replicas.push((site, replica));
    }
    let states: Vec<PushState> = replicas.iter().map(|(_, r)| r.health().push.unwrap()).collect();
    assert_eq!(states[..2], [PushState::Connected, PushState::Connected]);
    assert_eq!(states[2], PushState::Unavailable(PushUnavailable::StreamLimit));
    assert_eq!(fake.open_event_streams(), 2);

    fake.set_secret("prod", "/", "API_KEY", "k2");
    until("the connected replicas applied the change at once", || replicas[..2].iter().all(|(_, r)| key(r) == "k2"))
        .await;
    assert_eq!(key(&replicas[2].1), "k1", "the one past the cap waits for its poll");
    manual.advance(interval);
    until("the replica past the cap polled", || key(&replicas[2].1) == "k2").await;
    no_failure(&events);
    let third = &replicas[2].0;
    assert_eq!(warnings_of(third).len(), 1, "one warning, from the refused replica's stream only");
    // The cap's 429 is no rate limit: the refused replica's other requests were not held.
    assert_eq!(replicas[2].1.health().consecutive_failures, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_edits_is_one_reload_after_the_stream_is_quiet() {
    let fake = fake(FakeInfisical::builder().events(true)).await;
    let events = Events::default();
    let seen = events.clone();
    let watcher: Watcher<Config> = Infisical::new(infisical_config::testing::PROJECT_ID, "prod")
        .client(client(&fake.uri(), &fake))
        .watch(HOUR)
        .push(true)
        .jitter(0.0)
        // Wide enough that the burst's events, sent within microseconds, are never a debounce apart.
        .debounce(Duration::from_millis(400))
        .on_event(move |e| seen.lock().unwrap().push(e.to_string()))
        .start(Figment::from)
        .await
        .unwrap();
    until_push(&watcher, PushState::is_connected).await;
    until("the connection's re-list", || events.lock().unwrap().iter().any(|e| e.contains("push connected"))).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = fake.requests().await;

    for n in 2..=6 {
        fake.set_secret("prod", "/", "API_KEY", &format!("k{n}"));
    }
    let mut config = watcher.subscribe();
    tokio::time::timeout(PATIENCE, config.changed()).await.unwrap().unwrap();
    assert_eq!(key(&watcher), "k6", "the burst's last value, at once");
    // Long past another debounce: nothing else comes of the burst.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let changes = events.lock().unwrap().iter().filter(|e| e.contains("api_key (modified")).count();
    assert_eq!(changes, 1, "one change applied for five edits: {:#?}", events.lock().unwrap());
    assert_eq!(fake.requests().await - before, 1, "one list for the burst");
    no_failure(&events);
}
