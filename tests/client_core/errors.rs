//! Error answers decoded into the right error: recorded errors, validation issues, request ids, and
//! a refused login.

use super::*;

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
