//! The token's lifecycle: the recorded login, renewal ahead of expiry and past the maximum TTL,
//! one login or renewal for many concurrent callers, a 401 answered by logging in again, revocation,
//! and tokens given as they are.

use super::*;

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
