//! The client core against wiremock: recorded login, renew and revoke; error decoding; the token
//! lifecycle; retries; timeouts.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use infisical_config::resources::ApiVersion;
use infisical_config::resources::secrets::{CreateSecret, GetSecret, ListSecrets};
use infisical_config::{ApiMessage, CredentialsError, Error, RetryPolicy, TransportErrorKind};
use serde_json::json;
use wiremock::matchers::{bearer_token, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LOGIN: &str = "/api/v1/auth/universal-auth/login";
const RENEW: &str = "/api/v1/auth/token/renew";
const LIST_V3: &str = "/api/v3/secrets/raw";

fn list_req() -> ListSecrets {
    ListSecrets::new(PROJECT, "dev")
}

async fn mount_login(server: &MockServer, expect: u64) {
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .and(body_json(sample("008")["body"].clone()))
        .respond_with(recorded("008"))
        .expect(expect)
        .named("login")
        .mount(server)
        .await;
}

fn login_answer(token: &str, expires_in: u64, max_ttl: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"accessToken": token, "expiresIn": expires_in, "accessTokenMaxTTL": max_ttl, "tokenType": "Bearer"}),
    )
}

#[tokio::test]
async fn recorded_login_then_list_on_a_legacy_server() {
    let server = MockServer::start().await;
    mount_login(&server, 1).await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .and(bearer_token(recorded_token()))
        .and(query_param("workspaceId", PROJECT))
        .and(query_param("environment", "dev"))
        .respond_with(recorded("028"))
        .expect(1)
        .named("list v3")
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .universal_auth("085dd008-ef6d-499a-8c72-0f00ff20c601", "0".repeat(64))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    let list = client.secrets().list(&list_req()).await.unwrap();
    let keys: Vec<&str> = list.secrets.iter().map(|s| s.key.as_str()).collect();
    assert!(keys.contains(&"APP_NAME") && keys.contains(&"GREETING"), "{keys:?}");
}

#[tokio::test]
async fn refresh_ahead_renews_with_the_recorded_answer() {
    let server = MockServer::start().await;
    mount_login(&server, 1).await;
    Mock::given(method("POST"))
        .and(path(RENEW))
        .and(body_json(sample("009")["body"].clone()))
        .respond_with(recorded("009"))
        .expect(1)
        .named("renew")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(recorded("028"))
        .expect(2)
        .named("list")
        .mount(&server)
        .await;
    // Refreshing a day ahead of a one-day TTL makes every later request due for renewal.
    let client = builder(&server.uri())
        .universal_auth("085dd008-ef6d-499a-8c72-0f00ff20c601", "0".repeat(64))
        .refresh_ahead(Duration::from_secs(86_400))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    client.secrets().list(&list_req()).await.unwrap();
    client.secrets().list(&list_req()).await.unwrap();
}

#[tokio::test]
async fn renewal_swaps_in_the_returned_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(login_answer("first", 3600, 86_400))
        .expect(1)
        .named("login")
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(RENEW))
        .and(body_json(json!({"accessToken": "first"})))
        .respond_with(login_answer("second", 86_400, 864_000))
        .expect(1)
        .named("renew")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .and(bearer_token("first"))
        .respond_with(recorded("028"))
        .expect(1)
        .named("list first")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .and(bearer_token("second"))
        .respond_with(recorded("028"))
        .expect(2)
        .named("list second")
        .mount(&server)
        .await;
    // Refreshing an hour ahead: the first token (TTL 1 h) is due at once, the renewed one (TTL 1 day) is not.
    let client = builder(&server.uri())
        .universal_auth("id", "secret")
        .refresh_ahead(Duration::from_secs(3600))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    client.secrets().list(&list_req()).await.unwrap();
    client.clone().secrets().list(&list_req()).await.unwrap();
    client.secrets().list(&list_req()).await.unwrap();
}

#[tokio::test]
async fn renewal_past_max_ttl_logs_in_again() {
    let server = MockServer::start().await;
    // The server defaults: TTL equal to max TTL, so no renewal can stay within it.
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(login_answer("tok", 2_592_000, 2_592_000))
        .expect(2)
        .named("login")
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(RENEW))
        .respond_with(login_answer("renewed", 2_592_000, 2_592_000))
        .expect(0)
        .named("renew")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .and(bearer_token("tok"))
        .respond_with(recorded("028"))
        .expect(2)
        .named("list")
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .universal_auth("id", "secret")
        .refresh_ahead(Duration::from_secs(3_000_000))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    client.secrets().list(&list_req()).await.unwrap();
    client.secrets().list(&list_req()).await.unwrap();
}

#[tokio::test]
async fn refused_renewal_logs_in_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(login_answer("tok", 3600, 86_400))
        .expect(2)
        .named("login")
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(RENEW))
        .respond_with(recorded("101"))
        .expect(1)
        .named("renew refused")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(recorded("028"))
        .expect(2)
        .named("list")
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .universal_auth("id", "secret")
        .refresh_ahead(Duration::from_secs(3600))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    client.secrets().list(&list_req()).await.unwrap();
    client.secrets().list(&list_req()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_cause_exactly_one_login() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(recorded("008").set_delay(Duration::from_millis(300)))
        .expect(1)
        .named("login")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(recorded("028"))
        .expect(32)
        .named("list")
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .universal_auth("085dd008-ef6d-499a-8c72-0f00ff20c601", "0".repeat(64))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.secrets().list(&list_req()).await.map(|l| l.secrets.len()) })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().unwrap() > 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_during_expiry_cause_exactly_one_renewal() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(login_answer("old", 3600, 864_000))
        .expect(1)
        .named("login")
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(RENEW))
        .respond_with(login_answer("new", 864_000, 8_640_000).set_delay(Duration::from_millis(300)))
        .expect(1)
        .named("renew")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .and(bearer_token("old"))
        .respond_with(recorded("028"))
        .expect(1)
        .named("list old")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .and(bearer_token("new"))
        .respond_with(recorded("028"))
        .expect(24)
        .named("list new")
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .universal_auth("id", "secret")
        .refresh_ahead(Duration::from_secs(3600))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    client.secrets().list(&list_req()).await.unwrap();
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.secrets().list(&list_req()).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

/// Answers 401 the first `n` times, then the recorded list.
struct RejectFirst {
    n: usize,
    seen: AtomicUsize,
    rejection: &'static str,
}

impl Respond for RejectFirst {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.seen.fetch_add(1, Ordering::SeqCst) < self.n { recorded(self.rejection) } else { recorded("028") }
    }
}

#[tokio::test]
async fn a_401_drops_the_token_logs_in_again_and_retries_once() {
    let server = MockServer::start().await;
    mount_login(&server, 2).await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(RejectFirst { n: 1, seen: AtomicUsize::new(0), rejection: "100" })
        .expect(2)
        .named("list")
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .universal_auth("085dd008-ef6d-499a-8c72-0f00ff20c601", "0".repeat(64))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    client.secrets().list(&list_req()).await.unwrap();
}

#[tokio::test]
async fn a_403_token_error_is_retried_once() {
    let server = MockServer::start().await;
    mount_login(&server, 2).await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(RejectFirst { n: 1, seen: AtomicUsize::new(0), rejection: "080" })
        .expect(2)
        .named("list")
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .universal_auth("085dd008-ef6d-499a-8c72-0f00ff20c601", "0".repeat(64))
        .api_version(ApiVersion::Legacy)
        .build()
        .unwrap();
    client.secrets().list(&list_req()).await.unwrap();
}

#[tokio::test]
async fn a_persistent_401_is_retried_once_and_not_twice() {
    for rejection in ["100", "081"] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(LIST_V3))
            .respond_with(recorded(rejection))
            .expect(2)
            .named("list")
            .mount(&server)
            .await;
        let client =
            builder(&server.uri()).access_token("static-token").api_version(ApiVersion::Legacy).build().unwrap();
        let err = client.secrets().list(&list_req()).await.unwrap_err();
        let status = sample(rejection)["status"].as_u64().unwrap() as u16;
        assert_eq!(err.status(), Some(status), "{err}");
    }
}

#[tokio::test]
async fn recorded_errors_decode_into_the_right_error() {
    let cases: &[(&str, u16, Option<&str>, &str)] = &[
        ("079", 401, Some("UnauthorizedError"), "Client Error 401: Token missing"),
        ("080", 403, Some("TokenError"), "Client Error 403: The provided access token is malformed"),
        ("078", 404, Some("NotFound"), "Client Error 404: Secret with name 'TEMP2_RENAMED' not found"),
        ("089", 401, Some("ValidationFailure"), "Client Error 401: validation failed: `recursive`: Invalid enum value"),
        ("085", 400, Some("BadRequest"), "Client Error 400: Missing workspace id or environment"),
        ("092", 500, Some("InternalServerError"), "Server Error 500: Something went wrong"),
        (
            "097",
            403,
            Some("Identity is not a member of the specified project with ID '27e408af-fbc5-4bec-adf9-ba58a84d9d0f'"),
            "Client Error 403: You are not allowed",
        ),
    ];
    for (prefix, status, name, display) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET")).and(path(LIST_V3)).respond_with(recorded(prefix)).mount(&server).await;
        let client = builder(&server.uri())
            .access_token("t")
            .api_version(ApiVersion::Legacy)
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap();
        let err = client.secrets().list(&list_req()).await.unwrap_err();
        let Error::Api(api) = &err else { panic!("{prefix}: not an API error: {err:?}") };
        assert_eq!(api.status(), *status, "{prefix}");
        assert_eq!(api.error_name(), *name, "{prefix}");
        assert!(err.to_string().starts_with(display), "{prefix}: {err}");
        assert_eq!(api.request_id(), None, "the 2024 server sends no reqId");
    }
}

#[tokio::test]
async fn validation_failures_carry_their_issues_and_are_not_retried_as_token_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v3/secrets/raw/API_URL"))
        .respond_with(recorded("016"))
        .expect(1)
        .named("create")
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().create(&CreateSecret::new(PROJECT, "dev", "API_URL", "x")).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert!(api.is_validation() && !api.is_token_rejected());
    let ApiMessage::Validation(issues) = api.message() else { panic!("{:?}", api.message()) };
    assert_eq!(issues[0].field(), "tagIds.0");
    assert_eq!(err.to_string(), "Client Error 401: validation failed: `tagIds.0`: Expected string, received null");
}

#[tokio::test]
async fn current_servers_request_id_and_422_decode() {
    let server = MockServer::start().await;
    let body = json!({"reqId": "req-abcdefghijklmn", "statusCode": 422, "error": "ValidationFailure",
        "message": [{"code": "invalid_type", "path": ["environment"], "message": "Required"}], "details": {"x": 1}});
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .respond_with(ResponseTemplate::new(422).set_body_json(body))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Current).build().unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.request_id(), Some("req-abcdefghijklmn"));
    assert_eq!(api.details(), Some(&json!({"x": 1})));
    assert!(err.to_string().ends_with("(request req-abcdefghijklmn)"), "{err}");
}

#[tokio::test]
async fn login_refused_is_a_credentials_error() {
    for (prefix, status) in [("082", 401), ("083", 404), ("084", 401)] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(LOGIN))
            .respond_with(recorded(prefix))
            .expect(1)
            .named("login")
            .mount(&server)
            .await;
        let client = builder(&server.uri()).universal_auth("id", "wrong").build().unwrap();
        let err = client.authenticate().await.unwrap_err();
        let Error::Credentials(CredentialsError::Rejected { source, .. }) = &err else { panic!("{prefix}: {err:?}") };
        assert_eq!(source.status(), status);
    }
}

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

#[tokio::test]
async fn a_connection_refused_is_retried_then_reported() {
    // Bind and drop a listener: nothing answers on that port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client =
        builder(&format!("http://127.0.0.1:{port}")).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportErrorKind::Connect, .. }), "{err:?}");
    assert!(err.to_string().contains("/api/v3/secrets/raw"), "{err}");
}

#[tokio::test]
async fn recorded_revoke() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(recorded("098"))
        .expect(1)
        .named("login")
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/token/revoke"))
        .and(body_json(sample("099")["body"].clone()))
        .respond_with(recorded("099"))
        .expect(1)
        .named("revoke")
        .mount(&server)
        .await;
    let client = ua_client(&server.uri());
    client.authenticate().await.unwrap();
    assert!(client.revoke_token().await.unwrap());
    // Nothing left to revoke.
    assert!(!client.revoke_token().await.unwrap());
}

#[tokio::test]
async fn an_expired_given_token_fails_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(recorded("028")).expect(0).named("nothing").mount(&server).await;
    let token = jwt(r#"{"exp": 1000000000}"#);
    let client = builder(&server.uri()).access_token(token).build().unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    assert!(matches!(err, Error::Credentials(CredentialsError::Expired { .. })), "{err:?}");
    assert!(err.to_string().contains("expired"), "{err}");
}

#[tokio::test]
async fn a_given_token_without_exp_never_expires() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .and(bearer_token(jwt(r#"{"iat": 1}"#)))
        .respond_with(recorded("028"))
        .expect(1)
        .named("list")
        .mount(&server)
        .await;
    let client =
        builder(&server.uri()).access_token(jwt(r#"{"iat": 1}"#)).api_version(ApiVersion::Legacy).build().unwrap();
    client.secrets().list(&list_req()).await.unwrap();
}

#[tokio::test]
async fn headers_user_agent_and_site_forms() {
    for site_suffix in ["", "/", "/api", "/api/"] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(LIST_V3))
            .and(header("user-agent", infisical_config::USER_AGENT))
            .and(header("x-from-env", "one"))
            .and(header("x-other", "two"))
            .and(header("x-builder", "three"))
            .respond_with(recorded("028"))
            .expect(1)
            .named("list")
            .mount(&server)
            .await;
        let env = infisical_config::EnvSource::from_pairs([("INFISICAL_CUSTOM_HEADERS", "X-From-Env=one X-Other=two")]);
        let client = builder(&format!("{}{site_suffix}", server.uri()))
            .env_source(env)
            .header("x-builder", "three")
            .access_token("t")
            .api_version(ApiVersion::Legacy)
            .build()
            .unwrap();
        client.secrets().list(&list_req()).await.unwrap();
    }
}

#[tokio::test]
async fn responses_over_the_cap_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path(LIST_V3)).respond_with(recorded("028")).mount(&server).await;
    let client = builder(&server.uri())
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .max_response_bytes(100)
        .build()
        .unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportErrorKind::ResponseTooLarge, .. }), "{err:?}");
}

#[tokio::test]
async fn redirects_are_not_followed_unless_asked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LIST_V3))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "https://elsewhere.example/steal"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&list_req()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { kind: TransportErrorKind::Redirect, .. }), "{err:?}");
}

#[test]
fn configuration_errors_name_their_source() {
    let bad_headers = infisical_config::EnvSource::from_pairs([("INFISICAL_CUSTOM_HEADERS", "novalue")]);
    let err = builder("http://x").env_source(bad_headers).build().unwrap_err();
    assert!(err.to_string().contains("INFISICAL_CUSTOM_HEADERS"), "{err}");

    let bad_pem = infisical_config::EnvSource::from_pairs([(
        "INFISICAL_SSL_CERTIFICATE",
        "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n",
    )]);
    let err = builder("http://x").env_source(bad_pem).build().unwrap_err();
    assert!(err.to_string().contains("INFISICAL_SSL_CERTIFICATE"), "{err}");

    let missing = infisical_config::EnvSource::from_pairs([("SSL_CERT_FILE", "/nonexistent/ca.pem")]);
    let err = builder("https://x").env_source(missing.clone()).build().unwrap_err();
    assert!(err.to_string().contains("SSL_CERT_FILE"), "{err}");
    // A plain-http site uses no TLS, so the ambient SSL_CERT_FILE is not even read.
    builder("http://x").env_source(missing).build().unwrap();
    // The I/O error stays behind it.
    assert!(matches!(err, Error::File { .. }), "{err:?}");
    let io = std::error::Error::source(&err).and_then(|e| e.source()).expect("the I/O error");
    assert!(io.downcast_ref::<std::io::Error>().is_some(), "{io:?}");

    let err = builder("ftp://x").build().unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");

    let err = builder("http://x").universal_auth("a", "b").access_token("t").build().unwrap_err();
    assert!(err.to_string().contains("choose one"), "{err}");
}

#[test]
fn a_real_ca_certificate_and_verify_off_are_accepted() {
    let pem = sample("104")["response"]["certificate"].as_str().unwrap().to_owned();
    builder("https://x.example").ca_certificate_pem(pem.clone()).build().unwrap();
    let env = infisical_config::EnvSource::from_pairs([
        ("INFISICAL_SSL_CERTIFICATE", pem.as_str()),
        ("INFISICAL_VERIFY_SSL", "false"),
    ]);
    builder("https://x.example").env_source(env).build().unwrap();
}

#[test]
fn site_comes_from_the_environment_in_order() {
    let env = infisical_config::EnvSource::from_pairs([
        ("INFISICAL_DOMAIN", "https://b.example/api"),
        ("INFISICAL_API_URL", "https://c.example"),
    ]);
    let client = infisical_config::Client::builder().env_source(env).cli_login(false).build().unwrap();
    assert_eq!(client.site().as_str(), "https://b.example/");
    let client = infisical_config::Client::builder().env_source(empty_env()).cli_login(false).build().unwrap();
    assert_eq!(client.site().as_str(), "https://us.infisical.com/");
}

#[tokio::test]
async fn get_sends_every_flag_explicitly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw/DB_URL"))
        .and(query_param("workspaceId", PROJECT))
        .and(query_param("secretPath", "/db"))
        .and(query_param("include_imports", "true"))
        .and(query_param("expandSecretReferences", "true"))
        .and(query_param("type", "shared"))
        .respond_with(recorded("042"))
        .expect(1)
        .named("get")
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let s = client.secrets().get(&GetSecret::new(PROJECT, "dev", "DB_URL").path("db/")).await.unwrap();
    assert_eq!(s.path.as_deref(), Some("/db"));
}
