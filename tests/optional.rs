//! `.optional()` rides out an outage, never a mistake: a wrong environment, refused credentials (a
//! wrong client secret, an unknown client id) or a project the identity may not read fail the load
//! whatever the policy; only Infisical being unreachable provides nothing, with a warning naming the
//! target and the cause, and `on_unavailable` called once with the error.

mod common;

use std::sync::{Arc, Mutex, OnceLock};

use common::*;
use figment::Figment;
use figment::providers::Serialized;
use infisical_config::resources::ApiVersion;
use infisical_config::testing::{CLIENT_ID, CLIENT_SECRET, FakeInfisical};
use infisical_config::{Infisical, RetryPolicy, blocking};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| capture_logs(tracing::Level::WARN))
}

/// What an optional provider gave, on top of a default, and every error `on_unavailable` was called with.
fn load_optional(provider: Infisical) -> (Result<serde_json::Value, figment::Error>, Vec<String>) {
    let reports = Arc::new(Mutex::new(Vec::new()));
    let sink = reports.clone();
    let provider = provider.optional().on_unavailable(move |err| {
        assert!(err.is_unavailable(), "reported only for an outage: {err:?}");
        sink.lock().unwrap().push(err.to_string());
    });
    let loaded = Figment::new().merge(Serialized::defaults(json!({"from_default": "yes"}))).merge(provider).extract();
    let reports = reports.lock().unwrap().clone();
    (loaded, reports)
}

/// Asserts that an optional load failed with `cause` in its text and reported nothing as skipped.
fn assert_fails(provider: Infisical, cause: &str) {
    let (loaded, reports) = load_optional(provider);
    let err = loaded.expect_err("a mistake is never an empty layer");
    assert!(err.to_string().contains(cause), "names the cause `{cause}`: {err}");
    assert!(reports.is_empty(), "nothing was skipped: {reports:?}");
}

fn fake(legacy: bool) -> FakeInfisical {
    FakeInfisical::builder()
        .secret("dev", "/", "A", "1")
        .secret("prod", "/", "A", "2")
        .legacy_only(legacy)
        .start_blocking()
}

#[test]
fn a_wrong_environment_fails_an_optional_provider_on_both_generations() {
    for legacy in [false, true] {
        let fake = fake(legacy);
        let client = fake.blocking_client_builder().build().unwrap();
        assert_fails(Infisical::new(fake.project_id(), "stagin").client(client.clone()), "environment `stagin`");
        // And a folder that is not there.
        assert_fails(Infisical::new(fake.project_id(), "dev").path("/nope").client(client), "folder `/nope`");
    }
}

#[test]
fn refused_credentials_fail_an_optional_provider() {
    let fake = fake(false);
    let wrong_secret = fake.blocking_client_builder().universal_auth(CLIENT_ID, "wrong-secret").build().unwrap();
    assert_fails(Infisical::new(fake.project_id(), "dev").client(wrong_secret), "Invalid credentials");
    let unknown_id = fake.blocking_client_builder().universal_auth("someone-else", CLIENT_SECRET).build().unwrap();
    assert_fails(
        Infisical::new(fake.project_id(), "dev").client(unknown_id),
        "No identity with specified client ID was found",
    );
}

/// The recorded refusals of a real server: a wrong client secret (082, 401) and an unknown client id
/// (083, 404) at login, and a project the identity is not a member of (097, 403 on the list).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_refusals_fail_an_optional_provider() {
    for (prefix, said) in [
        ("082", "Invalid credentials"),
        ("083", "No identity with specified client ID was found"),
        ("097", "You are not allowed to access this resource"),
    ] {
        let server = MockServer::start().await;
        let recorded_sample = sample(prefix);
        Mock::given(method(recorded_sample["method"].as_str().unwrap()))
            .and(path(recorded_sample["path"].as_str().unwrap()))
            .respond_with(recorded(prefix))
            .mount(&server)
            .await;
        let builder = blocking_builder(&server.uri()).api_version(ApiVersion::Legacy);
        let client = match prefix {
            "097" => builder.access_token(recorded_token()),
            _ => builder.universal_auth("00000000-0000-0000-0000-000000000000", "0".repeat(64)),
        };
        let provider = Infisical::new(PROJECT, "dev").client(client.build().unwrap());
        tokio::task::spawn_blocking(move || assert_fails(provider, said)).await.unwrap();
    }
}

#[test]
fn an_unreachable_infisical_provides_nothing_with_a_warning_and_one_report() {
    logs();
    let fake = fake(false);
    // A port just released: connections are refused at once. (A dropped fake winds down on its own
    // thread, and a connection made meanwhile may be reset instead.)
    let site = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let client = fake.blocking_client_builder().site(site.as_str()).retry(RetryPolicy::disabled()).build().unwrap();
    let before = logs().text().len();
    let (loaded, reports) = load_optional(Infisical::new(infisical_config::testing::PROJECT_ID, "dev").client(client));
    let config = loaded.expect("an outage provides nothing");
    assert_eq!(config, json!({"from_default": "yes"}));
    assert_eq!(reports.len(), 1, "on_unavailable called once: {reports:?}");
    assert!(reports[0].contains("connection failed"), "{reports:?}");

    let warned = logs().text()[before..].to_owned();
    let target =
        format!("infisical://{}/{}/dev/", site.trim_start_matches("http://"), infisical_config::testing::PROJECT_ID);
    assert!(warned.contains("WARN") && warned.contains("providing nothing"), "{warned}");
    assert!(warned.contains(&target), "names the target {target}: {warned}");
    assert!(warned.contains("connection failed"), "names the cause: {warned}");
}

#[test]
fn a_server_answering_503_is_an_outage_too() {
    let fake = fake(false);
    let client = fake.blocking_client_builder().retry(RetryPolicy::disabled()).build().unwrap();
    fake.set_unavailable(true);
    let (loaded, reports) = load_optional(Infisical::new(fake.project_id(), "dev").client(client));
    assert_eq!(loaded.unwrap(), json!({"from_default": "yes"}));
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("503"), "{reports:?}");
}

#[test]
fn missing_credentials_fail_an_optional_provider() {
    let fake = fake(false);
    let unconfigured =
        blocking::Client::builder().site(fake.uri()).env_source(empty_env()).cli_login(false).build().unwrap();
    assert_fails(Infisical::new(fake.project_id(), "dev").client(unconfigured), "no Infisical credentials found");
}

#[test]
fn an_unknown_project_fails_an_optional_provider_on_both_generations() {
    for legacy in [false, true] {
        let fake = fake(legacy);
        let client = fake.blocking_client_builder().build().unwrap();
        assert_fails(Infisical::new("no-such-project", "dev").client(client), "no-such-project");
    }
}

#[test]
fn invalid_input_fails_an_optional_provider() {
    let fake = fake(false);
    let client = fake.blocking_client_builder().build().unwrap();
    assert_fails(Infisical::new(fake.project_id(), "dev").path("/app/../etc").client(client), "/app/../etc");
}

#[test]
fn a_429_after_the_retries_is_an_outage() {
    // One request a minute: the login passes, the list is refused with 429 and a minute's wait.
    let fake = FakeInfisical::builder()
        .secret("dev", "/", "A", "1")
        .rate_limit(1, std::time::Duration::from_secs(60))
        .start_blocking();
    let client = fake.blocking_client_builder().retry(RetryPolicy::disabled()).build().unwrap();
    let (loaded, reports) = load_optional(Infisical::new(fake.project_id(), "dev").client(client));
    assert_eq!(loaded.unwrap(), json!({"from_default": "yes"}), "a rate limit is an outage: nothing provided");
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("429"), "names the 429: {reports:?}");
    assert_eq!(fake.rate_limited(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_at_login_fails_an_optional_provider() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/universal-auth/login"))
        .respond_with(wiremock::ResponseTemplate::new(403).set_body_json(
            json!({"statusCode": 403, "message": "Access denied: IP not allowed", "error": "Forbidden"}),
        ))
        .mount(&server)
        .await;
    let client = blocking_builder(&server.uri()).universal_auth(CLIENT_ID, CLIENT_SECRET).build().unwrap();
    let provider = Infisical::new(PROJECT, "dev").client(client);
    tokio::task::spawn_blocking(move || assert_fails(provider, "IP not allowed")).await.unwrap();
}
