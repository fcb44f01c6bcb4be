//! Deprecated routes log one warning per process, however often they are used.
//! Its own test binary: it installs a global subscriber.

mod common;

use common::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

#[tokio::test]
#[allow(deprecated)]
async fn deprecated_routes_warn_once_per_process() {
    let logs = capture_logs(tracing::Level::WARN);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/pki/certificates/25c2bddbf3935cfce23b57e88dc7e316ccec6e30"))
        .respond_with(recorded("114"))
        .expect(3)
        .named("get")
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").build().unwrap();
    for _ in 0..3 {
        client.certificates().get_by_serial("25c2bddbf3935cfce23b57e88dc7e316ccec6e30").await.unwrap();
    }
    let logs = logs.text();
    assert_eq!(logs.matches("deprecated Infisical route used").count(), 1, "{logs}");
    assert!(logs.contains("GET /api/v1/pki/certificates/{serialNumber}"), "{logs}");
}
