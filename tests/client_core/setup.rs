//! What a client is built with and sends: headers and the user agent, site forms, the response cap,
//! redirects, configuration errors, CA certificates, the site from the environment, and every flag of
//! a get.

use super::*;

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
    assert_eq!(client.site().as_str(), "https://app.infisical.com/");
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
    assert_eq!(s.path(), Some("/db"));
}
