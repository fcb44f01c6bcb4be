//! What broke when the crate was tried from outside (issue 8), each at the level a user meets it:
//! a cold start fanning out against an old server, a deadline against a server that never answers,
//! a target that does not exist, an import in a sub-folder, an unreachable server through figment, a
//! value that must not be printed, and the smaller things a new user tripped on.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{builder, empty_env, recorded};
use figment::Figment;
use figment::providers::Serialized;
use infisical_config::error::TransportErrorKind;
use infisical_config::figment::ExtractRedacted;
use infisical_config::resources::ListSecrets;
use infisical_config::testing::{FakeInfisical, PROJECT_SLUG};
use infisical_config::{Error, ExposeSecret, Infisical, RetryPolicy, SecretString};
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn count(log: &[String], route: &str) -> usize {
    log.iter().filter(|l| l.ends_with(route)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_calls_on_a_cold_client_against_a_v3_only_server_all_succeed_with_one_probe() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").legacy_only(true).start().await;
    let client = fake.client_builder().build().unwrap();
    let calls = (0..64).map(|_| {
        let client = client.clone();
        let project = fake.project_id();
        tokio::spawn(async move { client.secrets().list(&ListSecrets::new(project, "dev")).await })
    });
    for call in calls.collect::<Vec<_>>() {
        let list = call.await.unwrap().unwrap();
        assert_eq!(list.secrets.len(), 1);
    }
    let log = fake.request_log().await;
    assert_eq!(count(&log, "/api/v4/secrets"), 1, "one probe of the v4 route: {log:?}");
    assert_eq!(count(&log, "/api/v3/secrets/raw"), 64);
    assert_eq!(count(&log, "/api/v1/auth/universal-auth/login"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_calls_naming_a_project_by_slug_share_one_lookup() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    let client = fake.client_builder().build().unwrap();
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.secrets().list(&ListSecrets::new(PROJECT_SLUG, "dev")).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let log = fake.request_log().await;
    assert_eq!(count(&log, &format!("/api/v1/projects/slug/{PROJECT_SLUG}")), 1, "{log:?}");
}

/// A server that accepts connections and never answers.
async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (uri, task)
}

#[tokio::test]
async fn the_call_timeout_bounds_a_call_against_a_server_that_never_answers_login_included() {
    let (uri, _server) = silent_server().await;
    let client = builder(&uri)
        .universal_auth("id", "secret")
        .timeout(Duration::from_secs(1))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(300)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.secrets().list(&ListSecrets::new(common::PROJECT, "dev")).await.unwrap_err();
    let took = started.elapsed();
    // Each attempt alone may take 30 s and three retries follow a timeout: only the deadline ends it.
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert!(matches!(err, Error::Transport { kind: TransportErrorKind::Timeout, .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("limit 1.0 s") && text.contains("attempt"), "{text}");
    assert!(text.contains("/api/v1/auth/universal-auth/login") && text.contains(&uri), "{text}");
}

#[tokio::test]
async fn the_attempt_timeout_is_retried_within_the_call_timeout() {
    let (uri, _server) = silent_server().await;
    let client = builder(&uri)
        .access_token("t")
        .attempt_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.secrets().list(&ListSecrets::new("p", "dev")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    let Error::Transport { attempts, kind: TransportErrorKind::Timeout, .. } = err else { panic!("{err:?}") };
    assert!(attempts >= 2, "a timed-out read is retried: {attempts} attempt(s)");
}

#[tokio::test]
async fn an_unknown_environment_fails_naming_it_on_a_server_that_answers_200_empty() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").secret("prod", "/", "A", "2").legacy_only(true);
    let fake = fake.start().await;
    let err = Infisical::new(fake.project_id(), "stagin")
        .client(fake.client_builder().build().unwrap())
        .fetch_async()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(text.contains("environment `stagin`") && text.contains(fake.project_id()), "{text}");
    assert!(text.contains("dev") && text.contains("prod"), "names what exists: {text}");
}

#[tokio::test]
async fn an_unknown_folder_fails_naming_it_and_an_empty_folder_that_exists_does_not() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/db", "HOST", "h")
        .folder("dev", "/empty")
        .legacy_only(true)
        .start()
        .await;
    let client = fake.client_builder().build().unwrap();
    let err =
        Infisical::new(fake.project_id(), "dev").path("/dbb").client(client.clone()).fetch_async().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("folder `/dbb`") && text.contains("db") && text.contains("empty"), "{text}");

    let empty = Infisical::new(fake.project_id(), "dev").path("/empty").client(client).fetch_async().await.unwrap();
    assert!(empty.is_empty());
}

#[tokio::test]
async fn the_env_loader_fails_on_an_unknown_environment_too() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").legacy_only(true).start().await;
    let client = fake.blocking_client_builder().build().unwrap();
    let project = fake.project_id();
    let err = tokio::task::spawn_blocking(move || {
        infisical_config::EnvLoader::new(project, "qa").client(client).load().unwrap_err()
    })
    .await
    .unwrap();
    assert!(err.to_string().contains("environment `qa`"), "{err}");
}

/// The fake answers 404 as a current server does; the plain list turns that 404 into the same
/// `Error::NotFound` an empty answer gets on older servers (it asserted the bare 404 before issue 24
/// made unknown targets fail the same way everywhere).
#[tokio::test]
async fn a_current_server_answers_404_for_an_unknown_environment_and_the_fake_does_too() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    let client = fake.client_builder().build().unwrap();
    let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "nope")).await.unwrap_err();
    assert!(matches!(&err, Error::NotFound { existing, .. } if existing == &["dev"]), "{err:?}");
    assert!(err.is_not_found(), "{err}");
    // The fake's own answer, with the token the client was issued: 404, not 200 and nothing.
    let url = format!("{}/api/v4/secrets?projectId={}&environment=nope", fake.uri(), fake.project_id());
    let raw = reqwest::Client::new().get(url).bearer_auth("fake-token-0").send().await.unwrap();
    assert_eq!(raw.status(), 404);
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Nested {
    app: App,
    greeting: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct App {
    shared_api_key: SecretString,
    tls_note: String,
}

#[tokio::test]
async fn an_import_into_a_sub_folder_nests_with_that_folder() {
    for legacy in [false, true] {
        let fake = FakeInfisical::builder()
            .secret("dev", "/", "GREETING", "hi")
            .secret("dev", "/app", "TLS_NOTE", "note")
            .import("dev", "/app", "staging", "/shared")
            .secret("staging", "/shared", "SHARED_API_KEY", "shared-key")
            .secret("staging", "/shared", "TLS_NOTE", "imported note")
            .legacy_only(legacy)
            .start()
            .await;
        let snapshot = Infisical::new(fake.project_id(), "dev")
            .recursive(true)
            .client(fake.client_builder().build().unwrap())
            .fetch_async()
            .await
            .unwrap();
        let config: Nested = Figment::from(snapshot).extract().unwrap();
        assert_eq!(config.app.shared_api_key.expose_secret(), "shared-key", "legacy={legacy}");
        assert_eq!(config.app.tls_note, "note", "the folder's own secret wins over its import");
        assert_eq!(config.greeting, "hi");
    }
}

#[test]
fn a_refused_connection_names_host_port_and_cause_through_the_figment_provider() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = common::blocking_builder(&format!("http://127.0.0.1:{port}"))
        .universal_auth("id", "secret")
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = Figment::from(Infisical::new("p", "dev").client(client)).extract::<Nested>().unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(text.to_ascii_lowercase().contains("connection refused"), "the cause is kept: {text}");
}

#[test]
fn metadata_names_the_port() {
    let client = common::blocking_builder("http://127.0.0.1:8123").access_token("t").build().unwrap();
    let provider = Infisical::new("p", "dev").client(client);
    let source = figment::Provider::metadata(&provider).source.unwrap().to_string();
    assert!(source.contains("127.0.0.1:8123"), "{source}");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Port {
    port: u16,
}

#[tokio::test]
async fn a_bad_value_cannot_be_printed_through_extract_redacted() {
    let fake = FakeInfisical::builder().secret("dev", "/", "PORT", "hunter2-secret").start().await;
    let snapshot = Infisical::new(fake.project_id(), "dev")
        .client(fake.client_builder().build().unwrap())
        .fetch_async()
        .await
        .unwrap();
    let err = Figment::from(snapshot).extract_redacted::<Port>().unwrap_err();
    // What `main` returning `Box<dyn Error>` prints is the `Debug`.
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    let shown = format!("{boxed:?} {boxed}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("PORT"), "still names the secret: {shown}");
}

#[test]
fn other_providers_values_are_hidden_too() {
    let figment = Figment::from(Serialized::defaults(serde_json::json!({"port": "from-env-secret"})));
    let err = figment.extract_redacted::<Port>().unwrap_err();
    assert!(!format!("{err:?}").contains("from-env-secret"));
}

#[derive(Deserialize)]
struct Typed {
    port: u16,
    debug: bool,
    pin: String,
}

#[tokio::test]
async fn values_stay_strings_unless_parsed_like_env() {
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "PORT", "8080")
        .secret("dev", "/", "DEBUG", "true")
        .secret("dev", "/", "PIN", "x0123")
        .start()
        .await;
    let provider = Infisical::new(fake.project_id(), "dev").client(fake.client_builder().build().unwrap());
    let strict = Figment::from(provider.clone().fetch_async().await.unwrap());
    assert!(strict.extract::<Typed>().is_err(), "strings by default");
    let parsed = Figment::from(provider.parse_values(true).fetch_async().await.unwrap()).extract::<Typed>().unwrap();
    assert_eq!((parsed.port, parsed.debug, parsed.pin.as_str()), (8080, true, "x0123"));
}

#[test]
fn optional_reports_what_it_skipped() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = common::blocking_builder(&format!("http://127.0.0.1:{port}"))
        .access_token("t")
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let skipped = Arc::new(Mutex::new(Vec::new()));
    let seen = skipped.clone();
    let provider = Infisical::new("p", "dev")
        .client(client)
        .optional()
        .on_unavailable(move |err| seen.lock().unwrap().push(err.to_string()));
    let value: Option<String> = Figment::from(provider).extract_inner("missing").ok();
    assert!(value.is_none());
    let skipped = skipped.lock().unwrap();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].contains("connection failed"), "{skipped:?}");
}

#[tokio::test]
async fn an_async_client_is_accepted_by_the_provider() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    let snapshot = Infisical::new(fake.project_id(), "dev")
        .client(fake.client_builder().build().unwrap())
        .fetch_async()
        .await
        .unwrap();
    assert_eq!(snapshot.len(), 1);
}

#[tokio::test]
async fn a_wrong_slug_answered_500_says_the_slug_may_not_exist() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/projects/slug/no-such-project"))
        .respond_with(ResponseTemplate::new(500).set_body_json(
            serde_json::json!({"statusCode": 500, "message": "Something went wrong", "error": "InternalServerError"}),
        ))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").retry(RetryPolicy::disabled()).build().unwrap();
    let err = client.secrets().list(&ListSecrets::new("no-such-project", "dev")).await.unwrap_err();
    assert!(err.to_string().contains("slug `no-such-project` may not exist"), "{err}");
}

#[tokio::test]
async fn a_recorded_legacy_list_still_replays_after_the_version_probe() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/api/v4/secrets")).respond_with(recorded("094")).mount(&server).await;
    Mock::given(method("GET")).and(path("/api/v3/secrets/raw")).respond_with(recorded("028")).mount(&server).await;
    let client = builder(&server.uri()).access_token("t").env_source(empty_env()).build().unwrap();
    let list = client.secrets().list(&ListSecrets::new(common::PROJECT, "dev")).await.unwrap();
    assert!(!list.secrets.is_empty());
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Small {
    pin: u8,
}

#[tokio::test]
async fn a_parsed_numeric_value_cannot_be_printed_either() {
    let fake = FakeInfisical::builder().secret("dev", "/", "PIN", "987654").start().await;
    let snapshot = Infisical::new(fake.project_id(), "dev")
        .client(fake.client_builder().build().unwrap())
        .parse_values(true)
        .fetch_async()
        .await
        .unwrap();
    let err = Figment::from(snapshot).extract_redacted::<Small>().unwrap_err();
    let shown = format!("{err:?} {err}");
    assert!(!shown.contains("987654"), "{shown}");
    assert!(shown.contains("PIN"), "still names the secret: {shown}");
}
