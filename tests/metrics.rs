//! Metrics (feature `metrics`) against the fake server, read back from `metrics-util`'s debugging
//! recorder. Each test installs its own recorder for its own thread (`metrics::with_local_recorder`)
//! and runs on a current-thread runtime inside it, so every task it starts records there and tests do
//! not see each other's numbers. Each outcome is counted once per event; no label holds a value or a
//! secret's name.
//!
//! The debugging recorder's snapshot takes what was recorded since the last one (it swaps each value
//! with zero), so each snapshot here is one step's delta.

mod common;

use common::until;
use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use figment::Figment;
use infisical_config::events::{PushNotice, PushState, Subscribe};
use infisical_config::resources::ListSecrets;
use infisical_config::testing::{FakeInfisical, ManualClock, Refusal};
use infisical_config::{Client, Infisical, RetryPolicy};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A secret's name and value that must never be a label.
const NAME: &str = "CANARY_NAME_7F3A";
const VALUE: &str = "canary-value-7f3a";

/// Runs `test` on a current-thread runtime with a recorder of its own; returns its output and what
/// it recorded.
fn recorded<T, F: Future<Output = T>>(test: impl FnOnce(Snapshotter) -> F) -> (T, Recorded) {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let output = metrics::with_local_recorder(&recorder, || runtime.block_on(test(snapshotter.clone())));
    (output, Recorded::of(&snapshotter))
}

/// A snapshot (what was recorded since the last): each metric's name and labels (sorted) with its
/// value.
struct Recorded(BTreeMap<(String, Vec<(String, String)>), DebugValue>);

impl Recorded {
    fn of(snapshotter: &Snapshotter) -> Self {
        let mut all = BTreeMap::new();
        for (key, _, _, value) in snapshotter.snapshot().into_vec() {
            let key = key.key();
            let mut labels: Vec<(String, String)> =
                key.labels().map(|l| (l.key().to_owned(), l.value().to_owned())).collect();
            labels.sort();
            all.insert((key.name().to_owned(), labels), value);
        }
        Recorded(all)
    }

    fn find(&self, name: &str, labels: &[(&str, &str)]) -> Option<&DebugValue> {
        let mut labels: Vec<(String, String)> = labels.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        labels.sort();
        self.0.get(&(name.to_owned(), labels))
    }

    fn counter(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        match self.find(name, labels) {
            Some(DebugValue::Counter(n)) => *n,
            None => 0,
            other => panic!("{name} is not a counter: {other:?}"),
        }
    }

    fn gauge(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        match self.find(name, labels) {
            Some(DebugValue::Gauge(v)) => v.into_inner(),
            other => panic!("{name} {labels:?} is not a gauge: {other:?}"),
        }
    }

    /// The sum of a counter over every label set.
    fn total(&self, name: &str) -> u64 {
        self.0
            .iter()
            .filter(|((n, _), _)| n == name)
            .map(|(_, v)| match v {
                DebugValue::Counter(n) => *n,
                _ => 0,
            })
            .sum()
    }

    /// No label holds a value or a secret's name; every label is one of the documented ones.
    fn labels_are_safe(&self) {
        for (name, labels) in self.0.keys() {
            assert!(name.starts_with("infisical_config_"), "{name}");
            for (key, value) in labels {
                assert!(
                    ["endpoint", "outcome", "environment", "origin", "reason", "kind", "event"].contains(&key.as_str()),
                    "{name}: label {key}"
                );
                let lower = value.to_lowercase();
                assert!(!lower.contains("canary"), "{name}: {key}={value} holds a secret's name or value");
            }
        }
    }
}

const REQUESTS: &str = "infisical_config_requests_total";
const LOADS: &str = "infisical_config_loads_total";

/// Moves `manual` on by `by` once a poll waits on it.
async fn poll_now(manual: &ManualClock, by: Duration) {
    until("a poll is scheduled", || manual.pending().iter().any(|d| *d > manual.now())).await;
    manual.advance(by);
}

#[test]
fn a_watchers_requests_loads_and_reloads_are_each_counted_once() {
    let interval = Duration::from_secs(60);
    let (during, recorded) = recorded(|snapshotter| async move {
        let mut during = Vec::new();
        let fake = FakeInfisical::builder().secret("prod", "/", NAME, VALUE).start().await;
        let manual = ManualClock::new();
        let client = fake.client_builder().retry(RetryPolicy::disabled()).build().unwrap();
        let watcher = Infisical::new(fake.project_id(), "prod")
            .client(client)
            .watch(interval)
            .clock(&manual)
            .debounce(Duration::ZERO)
            .jitter(0.0)
            .on_event(|_| {})
            .start::<serde_json::Value, _>(Figment::from)
            .await
            .unwrap();
        // The start: a login and a 200.
        during.push(Recorded::of(&snapshotter));
        // An unchanged poll: a 304.
        let seen = fake.requests().await;
        poll_now(&manual, interval).await;
        until("the 304", || fake.not_modified() == 1).await;
        during.push(Recorded::of(&snapshotter));
        // A change: a 200, then a 304 confirming it settled; applied.
        fake.set_secret("prod", "/", NAME, "canary-value-2");
        let mut config = watcher.subscribe();
        poll_now(&manual, interval).await;
        tokio::time::timeout(Duration::from_secs(20), config.changed()).await.unwrap().unwrap();
        during.push(Recorded::of(&snapshotter));
        // An outage: a 503, the poll failed, the age served grows.
        fake.set_unavailable(true);
        poll_now(&manual, interval).await;
        until("the failed poll", || watcher.health().consecutive_failures == 1).await;
        assert!(fake.requests().await > seen);
        drop(watcher);
        during
    });
    let [start, unchanged, changed] = &during[..] else { panic!() };
    let (outage, all) = (&recorded, [start, unchanged, changed, &recorded]);

    assert_eq!(start.counter("infisical_config_logins_total", &[("outcome", "ok")]), 1);
    assert_eq!(start.counter(REQUESTS, &[("endpoint", "login"), ("outcome", "ok")]), 1);
    assert_eq!(start.counter(REQUESTS, &[("endpoint", "secrets"), ("outcome", "ok")]), 1);
    assert_eq!(start.total(REQUESTS), 2, "two requests, each counted once");
    assert_eq!(start.counter(LOADS, &[("environment", "prod"), ("origin", "network")]), 1);
    assert_eq!(start.gauge("infisical_config_served_age_seconds", &[("environment", "prod")]), 0.0);

    assert_eq!(unchanged.counter(REQUESTS, &[("endpoint", "secrets"), ("outcome", "not_modified")]), 1);
    assert_eq!(unchanged.total(REQUESTS), 1);
    assert_eq!(unchanged.counter(LOADS, &[("environment", "prod"), ("origin", "revalidated")]), 1);
    assert_eq!(unchanged.total(LOADS), 1);
    assert_eq!(unchanged.total("infisical_config_reloads_total"), 0, "nothing changed: no reload");

    // The change's 200, then the 304 that says it settled.
    assert_eq!(changed.counter("infisical_config_reloads_total", &[("outcome", "applied")]), 1);
    assert_eq!(changed.counter(REQUESTS, &[("endpoint", "secrets"), ("outcome", "ok")]), 1);
    assert_eq!(changed.counter(REQUESTS, &[("endpoint", "secrets"), ("outcome", "not_modified")]), 1);
    assert_eq!(changed.total(REQUESTS), 2);

    assert_eq!(outage.counter(REQUESTS, &[("endpoint", "secrets"), ("outcome", "server_error")]), 1);
    assert_eq!(outage.total(REQUESTS), 1);
    assert_eq!(outage.counter("infisical_config_reloads_total", &[("outcome", "failed")]), 1);
    let age = outage.gauge("infisical_config_served_age_seconds", &[("environment", "prod")]);
    assert!(age >= interval.as_secs_f64(), "the age served grows through the outage: {age}");
    match outage.find("infisical_config_request_duration_seconds", &[("endpoint", "secrets")]) {
        Some(DebugValue::Histogram(times)) => assert_eq!(times.len(), 1, "one attempt, one time"),
        other => panic!("no request duration: {other:?}"),
    }
    assert_eq!(all.iter().map(|r| r.total("infisical_config_logins_total")).sum::<u64>(), 1, "one login in all");
    for recorded in all {
        recorded.labels_are_safe();
    }
}

#[test]
fn every_outcome_of_an_attempt_has_its_count() {
    let ((), recorded) = recorded(|_| async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v4/secrets"))
            .respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({
                "statusCode": 429, "error": "RateLimitExceeded", "message": "Rate limit exceeded. Please try again in 1 seconds"})))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v4/secrets"))
            .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
                "statusCode": 404, "error": "NotFound", "message": format!("Secret {NAME} not found")})))
            .mount(&server)
            .await;
        let client = Client::builder()
            .site(server.uri())
            .access_token("token")
            .cli_login(false)
            .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap();
        let list = ListSecrets::new(infisical_config::testing::PROJECT_ID, "prod");
        assert_eq!(client.secrets().list(&list).await.unwrap_err().status(), Some(429));
        tokio::time::sleep(Duration::from_millis(1100)).await; // the gate's hold
        assert_eq!(client.secrets().list(&list).await.unwrap_err().status(), Some(404));
        // Nothing listens there: the connection is refused.
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", listener.local_addr().unwrap())
        };
        let nowhere = Client::builder()
            .site(closed)
            .access_token("token")
            .cli_login(false)
            .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([]))
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap();
        assert!(nowhere.secrets().list(&list).await.unwrap_err().is_unavailable());
    });
    let secrets = |outcome| recorded.counter(REQUESTS, &[("endpoint", "secrets"), ("outcome", outcome)]);
    assert_eq!([secrets("rate_limited"), secrets("refused"), secrets("transport")], [1, 1, 1]);
    // The 404 is checked against the project (a missing target is named): that request is the fourth.
    assert_eq!(recorded.counter(REQUESTS, &[("endpoint", "projects"), ("outcome", "refused")]), 1);
    assert_eq!(recorded.total(REQUESTS), 4);
    recorded.labels_are_safe();
}

#[test]
fn push_events_connections_and_refusals_are_counted_once_per_stream() {
    let ((), recorded) = recorded(|snapshotter| async move {
        let fake = FakeInfisical::builder().secret("prod", "/", NAME, VALUE).events(true).start().await;
        let client = fake.client_builder().build().unwrap();
        let manual = ManualClock::new();
        let subscription = Subscribe::new(fake.project_id(), "prod").clock(manual.clock());
        // Three subscribers of one stream.
        let mut subscribers = Vec::new();
        for _ in 0..3 {
            subscribers.push(client.events().subscribe(&subscription).await.unwrap());
        }
        for subscriber in &mut subscribers {
            while !subscriber.state().is_connected() {
                subscriber.next().await;
            }
        }
        let connected = Recorded::of(&snapshotter);
        assert_eq!(connected.gauge("infisical_config_push_connected", &[]), 1.0, "one stream for three");
        assert_eq!(connected.counter(REQUESTS, &[("endpoint", "events"), ("outcome", "ok")]), 1);
        fake.set_secret("prod", "/", NAME, "canary-value-2");
        for subscriber in &mut subscribers {
            while !matches!(subscriber.next().await, Some(PushNotice::Changed(_))) {}
        }
        fake.drop_event_streams();
        while subscribers[0].state() != PushState::Reconnecting {
            subscribers[0].next().await;
        }
        let dropped = Recorded::of(&snapshotter);
        assert_eq!(dropped.gauge("infisical_config_push_connected", &[]), -1.0, "down by one: none connected");
        assert_eq!(
            dropped.counter("infisical_config_push_events_total", &[("kind", "updated")]),
            1,
            "once, not thrice"
        );
        assert_eq!(dropped.total("infisical_config_push_events_total"), 1);
        assert_eq!(dropped.total("infisical_config_push_reconnects_total"), 1);
        until("the reconnect is scheduled", || !manual.pending().is_empty()).await;
        manual.advance(Duration::from_secs(3));
        while !subscribers[0].state().is_connected() {
            subscribers[0].next().await;
        }
        drop(subscribers);

        let refused = FakeInfisical::builder().events_refusal(Refusal::Plan).start().await;
        let client = refused.client_builder().build().unwrap();
        let mut subscriber = client.events().subscribe(&Subscribe::new(refused.project_id(), "prod")).await.unwrap();
        while !matches!(subscriber.state(), PushState::Unavailable(_)) {
            subscriber.next().await;
        }
    });
    // The reconnection, then the refusal of another server.
    assert_eq!(recorded.counter(REQUESTS, &[("endpoint", "events"), ("outcome", "ok")]), 1);
    assert_eq!(recorded.counter(REQUESTS, &[("endpoint", "events"), ("outcome", "refused")]), 1);
    assert_eq!(recorded.counter("infisical_config_push_unavailable_total", &[("reason", "not_licensed")]), 1);
    assert_eq!(recorded.total("infisical_config_push_reconnects_total"), 0);
    recorded.labels_are_safe();
}

#[test]
fn a_leases_creation_renewal_and_revocation_are_counted_and_the_leases_held_gauged() {
    use infisical_config::DynamicLease;
    use infisical_config::testing::DynamicSecretSpec;
    use std::time::SystemTime;

    const LEASES: &str = "infisical_config_lease_events_total";
    const HELD: &str = "infisical_config_leases_held";
    const LEFT: &str = "infisical_config_lease_remaining_seconds";
    let ttl = Duration::from_secs(3600);
    let (during, recorded) = recorded(|snapshotter| async move {
        let mut during = Vec::new();
        // Infisical writes times to the millisecond: a clock at a whole second.
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        let manual = ManualClock::starting_at(SystemTime::UNIX_EPOCH + Duration::from_secs(now));
        let fake = FakeInfisical::builder()
            .clock(&manual)
            .secret("prod", "/", NAME, VALUE)
            .dynamic_secret("prod", "/", "postgres", DynamicSecretSpec::new(ttl))
            .start()
            .await;
        let client = fake.client_builder().retry(RetryPolicy::disabled()).build().unwrap();
        let renewed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = renewed.clone();
        let watcher = Infisical::new(fake.project_id(), "prod")
            .client(client)
            .lease(DynamicLease::new("postgres").at("database").jitter(0.0))
            .watch(Duration::from_secs(24 * 3600))
            .clock(&manual)
            .jitter(0.0)
            .on_event(move |e| {
                if e.to_string().contains("renewed") {
                    seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            })
            .start::<serde_json::Value, _>(Figment::from)
            .await
            .unwrap();
        // The lease was created during the start; its manager records what it holds as it runs.
        during.push(Recorded::of(&snapshotter));
        let limit = Instant::now() + Duration::from_secs(20);
        during.push(loop {
            let recorded = Recorded::of(&snapshotter);
            if recorded.find(HELD, &[("environment", "prod")]).is_some() {
                break recorded;
            }
            assert!(Instant::now() < limit, "the leases held are not gauged within 20 s");
            tokio::time::sleep(Duration::from_millis(5)).await;
        });
        // The renewal is the first thing due (before the day-long poll interval).
        until("the renewal is scheduled", || manual.pending().iter().any(|d| *d > manual.now())).await;
        let due = manual.pending().into_iter().filter(|d| *d > manual.now()).min().unwrap();
        manual.advance(due.duration_since(manual.now()).unwrap());
        until("the renewal", || renewed.load(std::sync::atomic::Ordering::SeqCst) == 1).await;
        during.push(Recorded::of(&snapshotter));
        let reports = watcher.shutdown().await;
        assert_eq!(reports.len(), 1);
        during
    });
    let [started, held, renewal] = &during[..] else { panic!() };
    let env = [("environment", "prod")];
    assert_eq!(started.counter(LEASES, &[("environment", "prod"), ("event", "created")]), 1);
    assert_eq!(started.total(LEASES), 1);
    assert_eq!(held.gauge(HELD, &env), 1.0);
    let left = held.gauge(LEFT, &env);
    assert!(left > 0.0 && left <= ttl.as_secs_f64(), "the time left on the lease: {left}");

    assert_eq!(renewal.counter(LEASES, &[("environment", "prod"), ("event", "renewed")]), 1);
    assert_eq!(renewal.total(LEASES), 1, "one renewal, counted once");
    assert_eq!(renewal.gauge(HELD, &env), 1.0);

    assert_eq!(recorded.counter(LEASES, &[("environment", "prod"), ("event", "revoked")]), 1, "revoked at shutdown");
    assert_eq!(recorded.gauge(HELD, &env), 0.0, "none held once revoked");
    for recorded in [started, held, renewal, &recorded] {
        recorded.labels_are_safe();
    }
}

#[test]
fn loads_from_the_cache_or_nothing_and_failed_logins_are_counted() {
    use infisical_config::cache::{Cache, CacheKey, OnFailure};

    let dir = tempfile::tempdir().unwrap();
    let cache = Cache::new(CacheKey::from([7; 32]))
        .dir(dir.path())
        .on_failure(OnFailure::UseCache { max_age: Duration::from_secs(3600) });
    let (during, recorded) = recorded(|snapshotter| async move {
        let mut during = Vec::new();
        let fake = FakeInfisical::builder().secret("prod", "/", NAME, VALUE).start().await;
        let client = fake.client_builder().retry(RetryPolicy::disabled()).build().unwrap();
        let cached = Infisical::new(fake.project_id(), "prod").client(client.clone()).cache(cache);
        cached.fetch_async().await.unwrap();
        during.push(Recorded::of(&snapshotter));
        // Infisical down: the cache answers, then an optional provider without one provides nothing.
        fake.set_unavailable(true);
        cached.fetch_async().await.unwrap();
        let optional = Infisical::new(fake.project_id(), "prod").client(client).optional();
        let watcher = optional.watch(Duration::from_secs(3600)).start::<serde_json::Value, _>(Figment::from).await;
        drop(watcher.expect("an optional watcher starts with nothing during an outage"));
        during.push(Recorded::of(&snapshotter));
        // A refused login.
        fake.set_unavailable(false);
        let refused = fake.client_builder().universal_auth("fake-client-id", "wrong").build().unwrap();
        let err = refused.secrets().list(&ListSecrets::new(fake.project_id(), "prod")).await.unwrap_err();
        assert!(!err.is_unavailable(), "{err}");
        during
    });
    let [network, outage] = &during[..] else { panic!() };
    assert_eq!(network.counter(LOADS, &[("environment", "prod"), ("origin", "network")]), 1);
    assert_eq!(network.total("infisical_config_cache_served_total"), 0);

    assert_eq!(outage.counter(LOADS, &[("environment", "prod"), ("origin", "cache")]), 1);
    assert_eq!(
        outage.counter("infisical_config_cache_served_total", &[("environment", "prod"), ("reason", "unavailable")]),
        1
    );
    assert_eq!(outage.counter(LOADS, &[("environment", "prod"), ("origin", "nothing")]), 1);
    assert_eq!(outage.total(LOADS), 2);

    assert_eq!(recorded.counter("infisical_config_logins_total", &[("outcome", "failed")]), 1);
    assert_eq!(recorded.total("infisical_config_logins_total"), 1);
    for recorded in [network, outage, &recorded] {
        recorded.labels_are_safe();
    }
}
