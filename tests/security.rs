//! A secrets crate must never be the way in (issue 9): planted project files, redirects to other
//! hosts, header values in errors, userinfo in a site, CLI configs spelled another way, hostile local
//! files, values in decode errors, echoing servers and a name holding the key separator.

mod common;

use std::path::Path;

use common::*;
use infisical_config::resources::{ApiVersion, ListSecrets};
use infisical_config::testing::{FakeCliLogin, FakeInfisical};
use infisical_config::{Client, EnvSource, Error, Infisical, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// WARN and above, for the whole binary (one global subscriber).
fn warn_logs() -> &'static Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| capture_logs(tracing::Level::WARN))
}

fn project_dir(domain: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".infisical.json");
    std::fs::write(&file, format!(r#"{{"workspaceId": "p", "domain": "{domain}"}}"#)).unwrap();
    set_mode(&file, 0o644);
    dir
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

fn env_in(dir: &Path, vars: &[(&str, &str)]) -> EnvSource {
    EnvSource::from_pairs(vars.iter().copied()).with_current_dir(dir)
}

#[test]
fn a_project_file_never_sends_credentials_over_plain_http() {
    let dir = project_dir("http://attacker.example");
    let env = env_in(dir.path(), &[("INFISICAL_CLIENT_ID", "id"), ("INFISICAL_CLIENT_SECRET", "s")]);
    let err = Client::builder().env_source(env).cli_login(false).build().unwrap_err();
    let text = err.to_string();
    assert!(text.contains(".infisical.json") && text.contains("plain http"), "{text}");
    // The user may still choose such a site themselves.
    let env = env_in(dir.path(), &[("INFISICAL_URL", "http://127.0.0.1:9")]);
    assert!(Client::builder().env_source(env).cli_login(false).build().is_ok());
}

#[test]
fn a_project_file_choosing_the_site_is_logged_naming_the_file() {
    let logs = warn_logs();
    let dir = project_dir("https://infisical.example");
    let client = Client::builder().env_source(env_in(dir.path(), &[])).cli_login(false).build().unwrap();
    assert_eq!(client.site().as_str(), "https://infisical.example/");
    let text = logs.text();
    assert!(text.contains("chosen by a project file") && text.contains(".infisical.json"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_project_file_others_can_write_is_refused_naming_it() {
    let dir = project_dir("https://infisical.example");
    let file = dir.path().join(".infisical.json");
    set_mode(&file, 0o666);
    let err = Client::builder().env_source(env_in(dir.path(), &[])).cli_login(false).build().unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&file.display().to_string()) && text.contains("others can write"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_project_file_is_not_read_when_the_site_is_set() {
    let dir = project_dir("https://infisical.example");
    set_mode(&dir.path().join(".infisical.json"), 0o666);
    // Refused when it would choose the site ...
    assert!(Client::builder().env_source(env_in(dir.path(), &[])).cli_login(false).build().is_err());
    // ... and never read when the environment or the builder chose it.
    let env = env_in(dir.path(), &[("INFISICAL_URL", "https://eu.infisical.com")]);
    let client = Client::builder().env_source(env).cli_login(false).build().unwrap();
    assert_eq!(client.site().as_str(), "https://eu.infisical.com/");
    let builder = Client::builder().site("https://eu.infisical.com").env_source(env_in(dir.path(), &[]));
    let client = builder.cli_login(false).build().unwrap();
    assert_eq!(client.site().as_str(), "https://eu.infisical.com/");
}

#[cfg(unix)]
#[test]
fn a_project_file_that_is_a_fifo_or_huge_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join(".infisical.json");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        set_mode(&fifo, 0o600);
        let err = Client::builder().env_source(env_in(dir.path(), &[])).cli_login(false).build().unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        std::fs::remove_file(&fifo).unwrap();
    }
    let huge = std::fs::File::create(&fifo).unwrap();
    huge.set_len(64 * 1024 * 1024).unwrap();
    set_mode(&fifo, 0o600);
    let err = Client::builder().env_source(env_in(dir.path(), &[])).cli_login(false).build().unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[tokio::test]
async fn a_login_redirected_to_another_host_does_not_carry_the_secret_there() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&elsewhere).await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/universal-auth/login"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/api/v1/auth/universal-auth/login", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .universal_auth("id", "the-client-secret")
        .header("x-custom", "custom-credential")
        .follow_redirects(true)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.authenticate().await.unwrap_err();
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "nothing reached the other host");
    assert!(err.to_string().contains("redirect"), "{err}");
}

#[tokio::test]
async fn a_redirect_within_the_same_origin_is_followed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", format!("{}/moved", server.uri())))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/moved")).respond_with(recorded("028")).mount(&server).await;
    let client = builder(&server.uri())
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .follow_redirects(true)
        .build()
        .unwrap();
    let list = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    assert!(!list.secrets.is_empty());
}

#[test]
fn a_custom_header_error_never_echoes_the_value_and_quoted_values_work() {
    let env = EnvSource::from_pairs([("INFISICAL_CUSTOM_HEADERS", "X-A=1 Authorization=Bearer TOKEN-canary")]);
    let err = Client::builder().site("https://x.example").env_source(env).build().unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("TOKEN-canary") && text.contains("item 3"), "{text}");
    let env = EnvSource::from_pairs([("INFISICAL_CUSTOM_HEADERS", r#"Authorization="Bearer TOKEN-canary" X-B=2"#)]);
    assert!(Client::builder().site("https://x.example").env_source(env).build().is_ok());
}

#[tokio::test]
async fn a_quoted_custom_header_is_sent_with_its_spaces() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .and(wiremock::matchers::header("x-note", "two words"))
        .respond_with(recorded("028"))
        .mount(&server)
        .await;
    let env = EnvSource::from_pairs([("INFISICAL_CUSTOM_HEADERS", r#"X-Note="two words""#)]);
    let client =
        builder(&server.uri()).env_source(env).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
}

#[test]
fn a_site_with_userinfo_is_refused_naming_where_it_came_from() {
    let env = EnvSource::from_pairs([("INFISICAL_URL", "https://user:PW-canary@infisical.example")]);
    let err = Client::builder().env_source(env).cli_login(false).build().unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("INFISICAL_URL") && !text.contains("PW-canary"), "{text}");
    let err = Client::builder().site("https://user:PW-canary@infisical.example").build().unwrap_err();
    assert!(!format!("{err:?}").contains("PW-canary"));
}

#[test]
fn a_cli_config_spelled_in_another_case_keeps_the_login_on_its_site() {
    let home = tempfile::tempdir().unwrap();
    let login = FakeCliLogin::new("dev@example.org", jwt(r#"{"exp":9999999999}"#)).site("https://self-hosted.example");
    login.write_file_vault(home.path()).unwrap();
    // Rewrite the config with the domain key in another case and no loggedInUsers entry.
    let config_path = home.path().join(".infisical/infisical-config.json");
    let mut config: serde_json::Value = serde_json::from_slice(&std::fs::read(&config_path).unwrap()).unwrap();
    let map = config.as_object_mut().unwrap();
    let domain = map.remove("LoggedInUserDomain").unwrap();
    map.remove("loggedInUsers");
    map.insert("loggedInUserDomain".into(), domain);
    std::fs::write(&config_path, serde_json::to_vec(&config).unwrap()).unwrap();
    let env = EnvSource::from_pairs::<_, String, String>([]).with_home(home.path());
    let session = infisical_config::auth::CliLogin::new(env.clone()).load().unwrap();
    assert_eq!(session.site, "https://self-hosted.example");
    // With no site named at all, the login is offered nowhere.
    let map = config.as_object_mut().unwrap();
    map.remove("loggedInUserDomain");
    std::fs::write(&config_path, serde_json::to_vec(&config).unwrap()).unwrap();
    let err = infisical_config::auth::CliLogin::new(env).load().unwrap_err();
    assert!(err.to_string().contains("names no site"), "{err}");
}

#[tokio::test]
async fn a_decode_error_never_quotes_a_value_even_one_saying_expected() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"secrets": [{"secretKey": "A", "secretValue": "canary, expected a leak", "version": "canary expected"}]});
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, Error::Decode { .. }), "{text}");
    assert!(!text.contains("canary") && !text.contains("leak"), "{text}");
}

#[tokio::test]
async fn an_echoing_server_is_bounded_and_kept_out_of_warn_logs() {
    let logs = warn_logs();
    let server = MockServer::start().await;
    let echoed = format!("echo of CANARY-{}", "x".repeat(10_000));
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(serde_json::json!({"statusCode": 503, "message": echoed})),
        )
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .retry(RetryPolicy::default().max_retries(1).initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap_err();
    assert!(err.to_string().len() < 1_000, "bounded: {} characters", err.to_string().len());
    let text = logs.text();
    assert!(text.contains("retrying Infisical request"), "the retry was logged");
    assert!(!text.contains("CANARY-"), "the server's message stays out of WARN: {text}");
}

#[tokio::test]
async fn a_name_holding_the_key_separator_is_refused_not_split() {
    let fake = FakeInfisical::builder().secret("dev", "/", "DB\u{1f}HOST", "x").start().await;
    let err = Infisical::new(fake.project_id(), "dev")
        .client(fake.client_builder().build().unwrap())
        .fetch_async()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::KeyMapping { .. }), "{err:?}");
}

#[tokio::test]
async fn a_flood_of_tiny_secrets_is_refused_before_it_costs_gigabytes() {
    let server = MockServer::start().await;
    let mut body = String::from(r#"{"secrets":["#);
    for i in 0..100_001 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(r#"{"secretKey":"k","secretValue":"v"}"#);
    }
    body.push_str("]}");
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap_err();
    assert!(err.to_string().contains("at most 100000 items"), "{err}");
}
