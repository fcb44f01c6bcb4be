//! Push: the event stream against the fake server (which serves it as a current server does) and
//! against recorded refusals. Waits on the stream run on a `ManualClock` where timing matters; every
//! wait for the network has a generous real-time bound.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use common::{Captured, capture_logs};
use infisical_config::Client;
use infisical_config::events::{EventKind, PushNotice, PushState, PushUnavailable, Subscribe, Subscriber};
use infisical_config::testing::{FakeInfisical, ManualClock, Refusal};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Long enough for anything on loopback, on a busy machine.
const PATIENCE: Duration = Duration::from_secs(20);

static LOGS: OnceLock<Captured> = OnceLock::new();

fn logs() -> &'static Captured {
    LOGS.get_or_init(|| capture_logs(tracing::Level::DEBUG))
}

/// The log lines of one fake (its port is in every line the stream writes) at `level`.
fn lines_of(fake: &str, level: &str) -> Vec<String> {
    logs().text().lines().filter(|l| l.contains(fake) && l.contains(level)).map(str::to_owned).collect()
}

async fn start(builder: infisical_config::testing::FakeInfisicalBuilder) -> (FakeInfisical, Client) {
    let fake =
        builder.secret("dev", "/app", "DB_URL", "postgres://a").secret("dev", "/db", "PASSWORD", "p1").start().await;
    let client = fake.client_builder().build().unwrap();
    (fake, client)
}

/// The next notice `wanted` accepts, skipping others; fails after `PATIENCE`.
async fn until(subscriber: &mut Subscriber, wanted: impl Fn(&PushNotice) -> bool) -> PushNotice {
    tokio::time::timeout(PATIENCE, async {
        loop {
            match subscriber.next().await {
                Some(notice) if wanted(&notice) => return notice,
                Some(_) => {}
                None => panic!("the stream ended"),
            }
        }
    })
    .await
    .expect("the notice came in time")
}

async fn connected(subscriber: &mut Subscriber) {
    until(subscriber, |n| matches!(n, PushNotice::State(PushState::Connected))).await;
    assert_eq!(subscriber.next().await, Some(PushNotice::Resync), "a (re)connection is followed by a resync");
}

fn changed(notice: PushNotice) -> (EventKind, String, String, Vec<String>) {
    match notice {
        PushNotice::Changed(e) => (e.kind, e.environment, e.path, e.keys),
        other => panic!("not a change: {other:?}"),
    }
}

/// Waits (real time) until `check` holds.
async fn eventually(what: &str, check: impl Fn() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < PATIENCE, "{what} did not happen in time");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_the_server_reaches_its_subscriber_at_once_names_only() {
    let (fake, client) = start(FakeInfisical::builder().events(true)).await;
    let mut app = client.events().subscribe(&Subscribe::new(fake.project_id(), "dev").path("/app")).await.unwrap();
    assert_eq!(app.next().await, Some(PushNotice::State(PushState::Reconnecting)));
    connected(&mut app).await;

    // A change elsewhere (another folder, another environment) is not this subscriber's; the stream
    // keeps order, so the next change it sees is the one in its folder.
    fake.set_secret("dev", "/db", "PASSWORD", "p2");
    fake.set_secret("prod", "/app", "DB_URL", "postgres://prod");
    let started = Instant::now();
    fake.set_secret("dev", "/app", "DB_URL", "postgres://b");
    let first = until(&mut app, |n| matches!(n, PushNotice::Changed(_))).await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(1), "a pushed change arrives at once, not at the next poll: {elapsed:?}");
    assert_eq!(changed(first.clone()), (EventKind::Updated, "dev".into(), "/app".into(), vec!["DB_URL".to_owned()]));
    let shown = format!(
        "{first:?} {}",
        match &first {
            PushNotice::Changed(e) => e.to_string(),
            _ => unreachable!(),
        }
    );
    assert!(!shown.contains("postgres"), "no value in an event: {shown}");

    fake.set_secret("dev", "/app", "NEW", "v");
    let created = until(&mut app, |n| matches!(n, PushNotice::Changed(_))).await;
    assert_eq!(changed(created).0, EventKind::Created);
    fake.remove_secret("dev", "/app", "NEW");
    let deleted = until(&mut app, |n| matches!(n, PushNotice::Changed(_))).await;
    assert_eq!(changed(deleted), (EventKind::Deleted, "dev".into(), "/app".into(), vec!["NEW".to_owned()]));
    assert_eq!(fake.event_streams_opened(), 1);
    assert!(fake.request_log().await.contains(&"POST /api/v1/events/subscribe/project-events".to_owned()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_to_an_imported_folder_reaches_the_importers_subscribers() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/shared", "TOKEN", "t1")
        .import("dev", "/app", "dev", "/shared")
        .events(true)
        .start()
        .await;
    let client = fake.client_builder().build().unwrap();
    let mut app = client.events().subscribe(&Subscribe::new(fake.project_id(), "dev").path("/app")).await.unwrap();
    connected(&mut app).await;
    fake.set_secret("dev", "/shared", "TOKEN", "t2");
    let notice = until(&mut app, |n| matches!(n, PushNotice::Changed(_))).await;
    assert_eq!(changed(notice), (EventKind::ImportChanged, "dev".into(), "/app".into(), vec![]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pings_keep_a_quiet_stream_alive_and_silence_replaces_it() {
    // Pings every 50 ms, silence allowed 600 ms: the stream outlives many silences' worth of time.
    let (fake, client) = start(FakeInfisical::builder().event_ping_interval(Duration::from_millis(50))).await;
    let subscription = Subscribe::new(fake.project_id(), "dev").silence_timeout(Duration::from_millis(600));
    let mut subscriber = client.events().subscribe(&subscription).await.unwrap();
    connected(&mut subscriber).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(subscriber.state().is_connected());
    assert_eq!(fake.event_streams_opened(), 1, "pinged, the stream was never taken for dead");

    // Without pings, the same silence ends the connection, and a new one is made.
    let (quiet, client) = start(FakeInfisical::builder().event_ping_interval(Duration::from_secs(3600))).await;
    let manual = ManualClock::new();
    let subscription = Subscribe::new(quiet.project_id(), "dev").clock(manual.clock());
    let mut subscriber = client.events().subscribe(&subscription).await.unwrap();
    connected(&mut subscriber).await;
    // The reader sets its silence timer once it reads: moved earlier, the clock would start it late.
    let now = manual.now();
    eventually("the silence timer is set", || manual.pending().contains(&(now + Duration::from_secs(45)))).await;
    manual.advance(Duration::from_secs(44));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(subscriber.state().is_connected(), "44 s of silence is not yet a dead connection");
    manual.advance(Duration::from_secs(2));
    until(&mut subscriber, |n| matches!(n, PushNotice::State(PushState::Reconnecting))).await;
    // It stayed up past 30 s: the first wait again (2 to 3 s).
    let now = manual.now();
    eventually("the reconnect was scheduled", || {
        manual.pending().iter().any(|t| *t >= now + Duration::from_secs(2) && *t <= now + Duration::from_secs(3))
    })
    .await;
    manual.advance(Duration::from_secs(3));
    connected(&mut subscriber).await;
    assert_eq!(quiet.event_streams_opened(), 2);
}

/// The backoff deadline scheduled after a lost connection, as a wait from `now`.
async fn scheduled_wait(manual: &ManualClock, now: SystemTime) -> Duration {
    let started = Instant::now();
    loop {
        // The only sleeper while disconnected is the backoff (the silence timer went with the connection).
        if let [deadline] = manual.pending().as_slice() {
            return deadline.duration_since(now).unwrap();
        }
        assert!(started.elapsed() < PATIENCE, "no reconnect was scheduled: {:?}", manual.pending());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_stream_reconnects_with_the_clis_backoff_and_subscribers_resync() {
    let (fake, client) = start(FakeInfisical::builder().events(true)).await;
    let manual = ManualClock::new();
    let subscription = Subscribe::new(fake.project_id(), "dev").recursive(true).clock(manual.clock());
    let mut subscriber = client.events().subscribe(&subscription).await.unwrap();
    connected(&mut subscriber).await;

    // Failures in a row wait 2 s, then 4 s, then 8 s, each plus up to half again.
    for (n, low) in [(1u32, 2u64), (2, 4), (3, 8)] {
        fake.drop_event_streams();
        until(&mut subscriber, |n| matches!(n, PushNotice::State(PushState::Reconnecting))).await;
        let now = manual.now();
        let wait = scheduled_wait(&manual, now).await;
        assert!(
            wait >= Duration::from_secs(low) && wait <= Duration::from_millis(low * 1500),
            "failure {n}: waits {wait:?}"
        );
        manual.advance(wait - Duration::from_millis(1));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(fake.event_streams_opened(), n as usize, "not before the wait is over");
        manual.advance(Duration::from_millis(1));
        // Events published while away are lost: the subscriber is told to load everything again.
        connected(&mut subscriber).await;
        assert_eq!(fake.event_streams_opened(), n as usize + 1);
    }

    // 30 s of healthy connection forgets the failures.
    manual.advance(Duration::from_secs(31));
    fake.drop_event_streams();
    until(&mut subscriber, |n| matches!(n, PushNotice::State(PushState::Reconnecting))).await;
    let wait = scheduled_wait(&manual, manual.now()).await;
    assert!(wait >= Duration::from_secs(2) && wait <= Duration::from_secs(3), "after a healthy connection: {wait:?}");
    manual.advance(wait);
    connected(&mut subscriber).await;

    // And a change after the reconnection arrives as before.
    fake.set_secret("dev", "/db", "PASSWORD", "p3");
    let notice = until(&mut subscriber, |n| matches!(n, PushNotice::Changed(_))).await;
    assert_eq!(changed(notice).2, "/db");
}

/// Subscribes on `fake` and waits for the refusal; returns the subscriber.
async fn refused(fake: &FakeInfisical, client: &Client, manual: &ManualClock, reason: PushUnavailable) -> Subscriber {
    let subscription = Subscribe::new(fake.project_id(), "dev").clock(manual.clock());
    let mut subscriber = client.events().subscribe(&subscription).await.expect("a refusal is not an error");
    let notice = until(&mut subscriber, |n| matches!(n, PushNotice::State(PushState::Unavailable(_)))).await;
    assert_eq!(notice, PushNotice::State(PushState::Unavailable(reason)));
    subscriber
}

fn subscriptions(log: &[String]) -> usize {
    log.iter().filter(|l| *l == "POST /api/v1/events/subscribe/project-events").count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_refusal_is_a_typed_state_with_one_warning_and_push_is_tried_again_later() {
    logs();
    let cases = [
        (FakeInfisical::builder().events(false), PushUnavailable::RouteNotFound),
        (FakeInfisical::builder().events_refusal(Refusal::NotFound), PushUnavailable::RouteNotFound),
        (FakeInfisical::builder().events_refusal(Refusal::Plan), PushUnavailable::NotLicensed),
        (FakeInfisical::builder().events_refusal(Refusal::Forbidden), PushUnavailable::Forbidden),
        (FakeInfisical::builder().event_stream_cap(0), PushUnavailable::StreamLimit),
    ];
    for (builder, reason) in cases {
        let (fake, client) = start(builder).await;
        let manual = ManualClock::new();
        let subscriber = refused(&fake, &client, &manual, reason.clone()).await;
        let port = fake.uri().rsplit(':').next().unwrap().to_owned();
        let site = format!("127.0.0.1:{port}");
        let warnings = lines_of(&site, "WARN");
        assert_eq!(warnings.len(), 1, "{reason:?}: one warning: {warnings:#?}");
        assert!(warnings[0].contains(&reason.to_string()), "it names the reason: {}", warnings[0]);
        assert!(lines_of(&site, "ERROR").is_empty());

        // Ten minutes later push is tried again; the same refusal warns no more.
        let now = manual.now();
        eventually("the retry was scheduled", || manual.pending() == [now + Duration::from_secs(600)]).await;
        let before = subscriptions(&fake.request_log().await);
        manual.advance(Duration::from_secs(600));
        let log = fake.request_log().await;
        let started = Instant::now();
        while subscriptions(&fake.request_log().await) == before {
            assert!(started.elapsed() < PATIENCE, "{reason:?}: push was not tried again: {log:?}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        eventually("the second refusal was handled", || manual.pending() == [now + Duration::from_secs(1200)]).await;
        assert_eq!(subscriber.state(), PushState::Unavailable(reason.clone()));
        assert_eq!(lines_of(&site, "WARN").len(), 1, "{reason:?}: the same refusal again is not warned again");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_that_becomes_available_connects_at_the_next_try() {
    let (fake, client) = start(FakeInfisical::builder().events_refusal(Refusal::Plan)).await;
    let manual = ManualClock::new();
    let mut subscriber = refused(&fake, &client, &manual, PushUnavailable::NotLicensed).await;
    fake.set_events_refusal(None);
    let now = manual.now();
    eventually("the retry was scheduled", || manual.pending() == [now + Duration::from_secs(600)]).await;
    manual.advance(Duration::from_secs(600));
    connected(&mut subscriber).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_of_concurrent_streams_is_the_servers_429_for_the_stream_past_it() {
    // Another process holds the project's only stream.
    let (fake, client) = start(FakeInfisical::builder().event_stream_cap(1)).await;
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{}/api/v1/auth/universal-auth/login", fake.uri()))
        .json(&serde_json::json!({"clientId": infisical_config::testing::CLIENT_ID, "clientSecret": infisical_config::testing::CLIENT_SECRET}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other = http
        .post(format!("{}/api/v1/events/subscribe/project-events", fake.uri()))
        .bearer_auth(login["accessToken"].as_str().unwrap())
        .json(&serde_json::json!({"projectId": fake.project_id(), "register": [{"event": "secret:update"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200);
    assert_eq!(other.headers()["content-type"], "text/event-stream");
    assert_eq!(fake.open_event_streams(), 1);
    let _subscriber = refused(&fake, &client, &ManualClock::new(), PushUnavailable::StreamLimit).await;
    // The cap is no rate limit: the client's other requests go at once, not after a 429's hold.
    let started = std::time::Instant::now();
    client.secrets().list(&infisical_config::resources::ListSecrets::new(fake.project_id(), "dev")).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "the client was held: {:?}", started.elapsed());
    drop(other);
    eventually("the other stream closed", || fake.open_event_streams() == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_of_june_2025_answers_with_the_recorded_404() {
    let sample: serde_json::Value = serde_json::from_slice(
        &std::fs::read(common::fixtures().join("server-2025-06/061-error-event-subscription-route-absent.json"))
            .unwrap(),
    )
    .unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/events/subscribe/project-events"))
        .respond_with(ResponseTemplate::new(404).set_body_json(sample["response"].clone()))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server.uri()).access_token("token").build().unwrap();
    let mut subscriber = client.events().subscribe(&Subscribe::new(common::PROJECT, "dev")).await.unwrap();
    let notice = until(&mut subscriber, |n| matches!(n, PushNotice::State(PushState::Unavailable(_)))).await;
    assert_eq!(notice, PushNotice::State(PushState::Unavailable(PushUnavailable::RouteNotFound)));
    let body: serde_json::Value = server.received_requests().await.unwrap()[0].body_json().unwrap();
    assert_eq!(body["projectId"], common::PROJECT);
    assert_eq!(body["register"].as_array().unwrap().len(), 4, "the four secret events");
    assert_eq!(
        body["register"][1],
        serde_json::json!({"event": "secret:update", "conditions": {"environmentSlug": "dev", "secretPath": "/"}})
    );
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.headers["accept"], "text/event-stream");
    assert_eq!(received.headers["authorization"], "Bearer token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_renewed_once_and_the_stream_opens() {
    let server = MockServer::start().await;
    let login = serde_json::json!({"accessToken": "t-1", "expiresIn": 3600, "accessTokenMaxTTL": 86_400, "tokenType": "Bearer"});
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/universal-auth/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&login))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/events/subscribe/project-events"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            serde_json::json!({"statusCode": 401, "error": "UnauthorizedError", "message": "Token expired"}),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    // A whole body: the stream "ends" after it, which is a reconnect, not an error.
    let frames = "event: ping\n\nid: 1\nevent: secret:update\ndata: {\"projectType\":\"secret-manager\",\"data\":{\"eventType\":\"secret:update\",\"payload\":[{\"environment\":\"dev\",\"secretPath\":\"/\",\"secretKey\":\"A\"}]}}\n\n";
    Mock::given(method("POST"))
        .and(path("/api/v1/events/subscribe/project-events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(frames, "text/event-stream"))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = common::builder(&server.uri()).universal_auth("id", "secret").build().unwrap();
    let manual = ManualClock::new();
    let mut subscriber =
        client.events().subscribe(&Subscribe::new(common::PROJECT, "dev").clock(manual.clock())).await.unwrap();
    connected(&mut subscriber).await;
    let notice = until(&mut subscriber, |n| matches!(n, PushNotice::Changed(_))).await;
    assert_eq!(changed(notice).3, ["A"]);
    until(&mut subscriber, |n| matches!(n, PushNotice::State(PushState::Reconnecting))).await;
    let paths: Vec<String> =
        server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_owned()).collect();
    assert_eq!(paths.iter().filter(|p| p.ends_with("/login")).count(), 2, "logged in again once: {paths:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_subscribers_in_one_process_share_one_stream_and_it_closes_with_the_last() {
    let (fake, _) = start(FakeInfisical::builder().event_ping_interval(Duration::from_millis(200))).await;
    let clients: Vec<Client> = (0..3).map(|_| fake.client_builder().build().unwrap()).collect();
    // The first looks at the whole environment, so later ones need nothing more registered.
    let mut everything =
        clients[0].events().subscribe(&Subscribe::new(fake.project_id(), "dev").recursive(true)).await.unwrap();
    let tasks: Vec<_> = (0..30)
        .map(|n| {
            let client = clients[n % 3].clone();
            let path = if n % 2 == 0 { "/app" } else { "/db" };
            let project = fake.project_id();
            tokio::spawn(
                async move { client.events().subscribe(&Subscribe::new(project, "dev").path(path)).await.unwrap() },
            )
        })
        .collect();
    let mut subscribers = Vec::new();
    for task in tasks {
        subscribers.push(task.await.unwrap());
    }
    connected(&mut everything).await;
    for subscriber in &mut subscribers {
        until(subscriber, |n| matches!(n, PushNotice::State(PushState::Connected))).await;
    }
    assert_eq!(fake.open_event_streams(), 1, "one stream for the project");
    assert_eq!(fake.event_streams_opened(), 1, "never more than one");

    fake.set_secret("dev", "/app", "DB_URL", "postgres://c");
    fake.set_secret("dev", "/db", "PASSWORD", "p4");
    for (n, subscriber) in subscribers.iter_mut().enumerate() {
        let notice = until(subscriber, |n| matches!(n, PushNotice::Changed(_))).await;
        let expected = if n % 2 == 0 { "/app" } else { "/db" };
        assert_eq!(changed(notice).2, expected, "subscriber {n} sees its own folder first");
    }
    let first = until(&mut everything, |n| matches!(n, PushNotice::Changed(_))).await;
    let second = until(&mut everything, |n| matches!(n, PushNotice::Changed(_))).await;
    assert_eq!((changed(first).2, changed(second).2), ("/app".to_owned(), "/db".to_owned()));

    drop(subscribers);
    assert_eq!(fake.open_event_streams(), 1, "open while one subscriber is left");
    drop(everything);
    eventually("the stream closed with its last subscriber", || fake.open_event_streams() == 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_environment_widens_the_one_stream() {
    let (fake, client) = start(FakeInfisical::builder().events(true)).await;
    let mut dev = client.events().subscribe(&Subscribe::new(fake.project_id(), "dev").path("/app")).await.unwrap();
    connected(&mut dev).await;
    let mut prod = client.events().subscribe(&Subscribe::new(fake.project_id(), "prod")).await.unwrap();
    // Connected already: it resyncs at once; then the stream reconnects with prod registered.
    connected(&mut prod).await;
    until(&mut prod, |n| matches!(n, PushNotice::State(PushState::Reconnecting))).await;
    connected(&mut prod).await;
    eventually("one stream, opened twice", || fake.event_streams_opened() == 2 && fake.open_event_streams() == 1).await;
    fake.set_secret("prod", "/", "KEY", "v");
    let notice = until(&mut prod, |n| matches!(n, PushNotice::Changed(_))).await;
    assert_eq!(changed(notice).1, "prod");
    fake.set_secret("dev", "/app", "DB_URL", "postgres://d");
    let notice = until(&mut dev, |n| matches!(n, PushNotice::Changed(_))).await;
    assert_eq!(changed(notice).1, "dev");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slug_is_turned_into_the_id_and_bad_input_is_refused_before_sending() {
    let (fake, client) = start(FakeInfisical::builder().events(true)).await;
    let subscriber =
        client.events().subscribe(&Subscribe::new(infisical_config::testing::PROJECT_SLUG, "dev")).await.unwrap();
    assert_eq!(subscriber.project_id(), fake.project_id());
    let shown = format!("{subscriber:?}");
    assert!(shown.contains(fake.project_id()) && shown.contains("dev"), "{shown}");
    let err = client.events().subscribe(&Subscribe::new(fake.project_id(), " ")).await.unwrap_err();
    assert!(err.to_string().contains("environment"), "{err}");
    let err = client.events().subscribe(&Subscribe::new("no-such-project", "dev")).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "an unknown slug is a mistake, not a quiet fallback: {err}");
}
