//! Retries: a 429's `Retry-After`, reads replayed after a 503, writes never replayed once they may
//! have reached the server, timeouts. (Refused connections: `transport.rs`.)

use super::*;

#[tokio::test]
async fn a_429_waits_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    let rate_limited = recorded("117").insert_header("retry-after", "1");
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(rate_limited)
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .named("429")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(recorded("028"))
        .with_priority(2)
        .expect(1)
        .named("ok")
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let started = Instant::now();
    client.secrets().list(&list_req()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_not_slept() {
    let server = MockServer::start().await;
    // The recorded answer asks for 60 s; cap at 5 s.
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(recorded("117"))
        .expect(1)
        .named("429")
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .retry(RetryPolicy::default().max_retry_after(Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status(), 429);
    assert_eq!(api.retry_after(), Some(Duration::from_secs(60)));
    assert!(err.is_transient());
}

#[tokio::test]
async fn reads_are_replayed_after_a_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .named("503")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(recorded("028"))
        .with_priority(2)
        .expect(1)
        .named("ok")
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    client.secrets().list(&list_req()).await.unwrap();
}

#[tokio::test]
async fn writes_are_not_replayed_after_they_may_have_reached_the_server() {
    for status in [502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/v3/secrets/raw/NEW"))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .named("create")
            .mount(&server)
            .await;
        let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
        let err = client.secrets().create(&CreateSecret::new(PROJECT, "dev", "NEW", "v")).await.unwrap_err();
        assert_eq!(err.status(), Some(status));
    }
}

#[tokio::test]
async fn writes_are_retried_after_a_429_because_the_server_did_not_act() {
    let server = MockServer::start().await;
    let limited = recorded("117").insert_header("retry-after", "0");
    Mock::given(method("POST"))
        .and(path("/api/v3/secrets/raw/APP_NAME"))
        .respond_with(limited)
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .named("429")
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v3/secrets/raw/APP_NAME"))
        .respond_with(recorded("015"))
        .with_priority(2)
        .expect(1)
        .named("ok")
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let created =
        client.secrets().create(&CreateSecret::new(PROJECT, "dev", "APP_NAME", "rust-sdk-demo")).await.unwrap();
    assert_eq!(created.applied().unwrap().key, "APP_NAME");
}

#[tokio::test]
async fn the_request_timeout_fires() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(recorded("028").set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportErrorKind::Timeout, .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}
