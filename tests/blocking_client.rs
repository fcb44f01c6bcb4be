//! The blocking client works outside any runtime and inside both kinds of tokio runtime.

mod common;

use common::*;
use infisical_config::resources::ApiVersion;
use infisical_config::resources::secrets::{GetSecret, ListSecrets};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/universal-auth/login"))
        .respond_with(recorded("008"))
        .expect(1)
        .named("login")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(recorded("028"))
        .named("list")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw/DB_URL"))
        .respond_with(recorded("041"))
        .named("get")
        .mount(&server)
        .await;
    server
}

fn exercise(uri: &str) {
    let client = blocking_builder(uri).universal_auth("id", "secret").api_version(ApiVersion::Legacy).build().unwrap();
    let list = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).unwrap();
    assert!(list.secrets.iter().any(|s| s.key == "APP_NAME"));
    // A clone shares the token: still one login.
    let secret = client.clone().secrets().get(&GetSecret::new(PROJECT, "dev", "DB_URL").path("/db")).unwrap();
    assert_eq!(secret.key, "DB_URL");
    // Dropped here, inside or outside a runtime: must not panic.
}

#[test]
fn outside_any_runtime() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(server());
    exercise(&server.uri());
}

#[tokio::test(flavor = "current_thread")]
async fn inside_a_current_thread_runtime() {
    let server = server().await;
    exercise(&server.uri());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_multi_thread_runtime() {
    let server = server().await;
    exercise(&server.uri());
}

#[test]
fn errors_come_back_typed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v3/secrets/raw/NOPE"))
            .respond_with(recorded("050"))
            .mount(&server)
            .await;
        server
    });
    let client = blocking_builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().get(&GetSecret::new(PROJECT, "dev", "NOPE")).unwrap_err();
    assert!(err.is_not_found(), "{err}");
}
