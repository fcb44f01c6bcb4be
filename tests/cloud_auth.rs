//! Cloud machine identities: AWS IAM, GCP (ID token and IAM) and Azure. The metadata endpoints each
//! asks, with the headers they require (the IMDSv2 token dance, `Metadata-Flavor: Google`,
//! `Metadata: true`, App Service's `X-IDENTITY-HEADER`), the exact login bodies, a fresh proof at every
//! login, and an endpoint that is absent (the chain moves on quickly, saying why). Every endpoint is a
//! local mock: no test reaches a real metadata service. AWS and GCP need their features (CI builds
//! them all).
#![cfg(all(feature = "aws", feature = "gcp"))]

mod common;

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::logins::*;
use common::*;
use infisical_config::auth::{
    AttemptOutcome, ChainPosition, Credentials, EnvCredentials, IdentityLogin, ProvideCredentials,
    provide_credentials_fn,
};
use infisical_config::resources::ApiVersion;
use infisical_config::resources::secrets::ListSecrets;
use infisical_config::{CredentialsError, EnvSource};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A client of `infisical` that logs in with `login` (or, given none, as `env` says) and lists once.
async fn listed(infisical: &MockServer, login: Option<IdentityLogin>, env: EnvSource) -> infisical_config::Client {
    let mut builder = builder(&infisical.uri()).env_source(env).api_version(ApiVersion::Current);
    if let Some(login) = login {
        builder = builder.credentials(login);
    }
    let client = builder.build().unwrap();
    client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    client
}

/// An App Service's environment: the identity, and the endpoint and header App Service gives its apps.
fn app_service(endpoint: String, header: &str) -> Vec<(&'static str, String)> {
    vec![
        ("INFISICAL_AZURE_AUTH_IDENTITY_ID", "id-app".to_owned()),
        ("IDENTITY_ENDPOINT", endpoint),
        ("IDENTITY_HEADER", header.to_owned()),
    ]
}

/// A port on this machine where nothing listens.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn from_env(pairs: &[(&str, String)]) -> Result<Credentials, CredentialsError> {
    EnvCredentials::new(EnvSource::from_pairs(pairs.iter().cloned())).provide_credentials().await
}

#[tokio::test]
async fn azure_asks_the_instance_metadata_service_at_every_login() {
    let cloud = MockServer::start().await;
    let infisical = MockServer::start().await;
    for n in 1..=2 {
        Mock::given(method("GET"))
            .and(path("/metadata/identity/oauth2/token"))
            .and(header("metadata", "true"))
            .and(query_param("api-version", "2018-02-01"))
            .and(query_param("resource", "https://management.azure.com/"))
            .and(query_param("client_id", "user-assigned-client"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"access_token": format!("azure-mi-token-{n}"), "expires_in": "86399", "token_type": "Bearer"}),
            ))
            .up_to_n_times(1)
            .expect(1)
            .mount(&cloud)
            .await;
        expect_login(
            &infisical,
            "/api/v1/auth/azure-auth/login",
            json!({"identityId": "id-azure", "jwt": format!("azure-mi-token-{n}")}),
            n,
        )
        .await;
    }
    refuse_first_token(&infisical).await;
    list_ok(&infisical, "identity-token-2").await;
    let login = IdentityLogin::azure("id-azure")
        .azure_client_id("user-assigned-client")
        .platform_endpoint(format!("{}/metadata/identity/oauth2/token", cloud.uri()));
    let client = builder(&infisical.uri()).credentials(login).api_version(ApiVersion::Current).build().unwrap();
    client.authenticate().await.unwrap();
    client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
}

#[tokio::test]
async fn azure_app_service_uses_its_identity_endpoint_and_one_request_serves_chain_and_login() {
    let cloud = MockServer::start().await;
    let infisical = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/msi/token"))
        .and(header("x-identity-header", "app-service-header"))
        .and(query_param("api-version", "2019-08-01"))
        .and(query_param("resource", "https://management.azure.com/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "app-service-token"})))
        // The chain checks the cloud is there by making the login request; the login then uses it.
        .expect(1)
        .mount(&cloud)
        .await;
    expect_one_login(
        &infisical,
        "/api/v1/auth/azure-auth/login",
        json!({"identityId": "id-app", "jwt": "app-service-token"}),
    )
    .await;
    let env = EnvSource::from_pairs(app_service(format!("{}/msi/token", cloud.uri()), "app-service-header"));
    listed(&infisical, None, env).await;
}

#[tokio::test]
async fn gcp_id_token_comes_from_the_metadata_server_for_the_identity() {
    let cloud = MockServer::start().await;
    let infisical = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/computeMetadata/v1/instance/service-accounts/default/identity"))
        .and(header("metadata-flavor", "Google"))
        .and(query_param("audience", "id-gcp"))
        .and(query_param("format", "full"))
        .respond_with(ResponseTemplate::new(200).set_body_string("gcp.id.token\n"))
        // Once for the load (the chain's check is the login's request), once for the explanation.
        .expect(2)
        .mount(&cloud)
        .await;
    expect_one_login(&infisical, "/api/v1/auth/gcp-auth/login", json!({"identityId": "id-gcp", "jwt": "gcp.id.token"}))
        .await;
    // As on GCP: the identity in the CLI's variable, the metadata server where GCE_METADATA_HOST says.
    let host = cloud.uri().trim_start_matches("http://").to_owned();
    let env =
        EnvSource::from_pairs([("INFISICAL_GCP_AUTH_IDENTITY_ID", "id-gcp".to_owned()), ("GCE_METADATA_HOST", host)]);
    let client = listed(&infisical, None, env).await;
    let report = client.explain_credentials().await;
    assert!(report.to_string().contains("gcp id-token auth (identity id-gcp)"), "{report}");
}

fn jwt_claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn gcp_iam_has_the_service_account_sign_a_jwt_for_the_identity() {
    let google = MockServer::start().await;
    let infisical = MockServer::start().await;
    let fixtures = fixtures().join("gcp");
    let private_key = std::fs::read_to_string(fixtures.join("test-only-service-account.key.pem")).unwrap();
    let public_key = std::fs::read(fixtures.join("test-only-service-account.pub.pem")).unwrap();
    let email = "reader@project.iam.gserviceaccount.com";
    let token_uri = format!("{}/token", google.uri());
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key.json");
    std::fs::write(
        &key_file,
        json!({"type": "service_account", "client_email": email, "private_key": private_key,
               "private_key_id": "key-1", "token_uri": token_uri})
        .to_string(),
    )
    .unwrap();

    // The key file's own assertion buys an OAuth token: signed with its key, for its token endpoint.
    let verify = jsonwebtoken::DecodingKey::from_rsa_pem(&public_key).unwrap();
    let audience = token_uri.clone();
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(move |req: &Request| {
            let form: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(&req.body).into_owned().collect();
            let Some(assertion) = form.get("assertion") else { return false };
            let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
            validation.set_audience(&[audience.as_str()]);
            let header = jsonwebtoken::decode_header(assertion).unwrap();
            let claims = jsonwebtoken::decode::<serde_json::Value>(assertion, &verify, &validation);
            form.get("grant_type").map(String::as_str) == Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
                && header.kid.as_deref() == Some("key-1")
                && claims.is_ok_and(|c| c.claims["iss"] == email && c.claims["scope"].as_str().unwrap().contains("iam"))
        })
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"access_token": "oauth-access-token", "expires_in": 3599, "token_type": "Bearer"}),
            ),
        )
        .expect(1)
        .mount(&google)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/projects/-/serviceAccounts/{email}:signJwt")))
        .and(header("authorization", "Bearer oauth-access-token"))
        .and(|req: &Request| {
            let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
            let payload: serde_json::Value = serde_json::from_str(body["payload"].as_str().unwrap()).unwrap();
            payload == json!({"sub": "reader@project.iam.gserviceaccount.com", "aud": "id-gcp-iam"})
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keyId": "key-1", "signedJwt": "signed.by.iam"})))
        .expect(1)
        .mount(&google)
        .await;
    expect_one_login(
        &infisical,
        "/api/v1/auth/gcp-auth/login",
        json!({"identityId": "id-gcp-iam", "jwt": "signed.by.iam"}),
    )
    .await;
    let login = IdentityLogin::gcp_iam("id-gcp-iam", &key_file).platform_endpoint(google.uri());
    listed(&infisical, Some(login), empty_env()).await;
    // The claims the OAuth assertion carries, decoded without trusting the mock's check alone.
    let requests = google.received_requests().await.unwrap();
    let form: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(&requests[0].body).into_owned().collect();
    let claims = jwt_claims(&form["assertion"]);
    assert_eq!(claims["aud"], token_uri);
    assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
}

#[tokio::test]
async fn gcp_iam_names_a_bad_key_file_without_quoting_it() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key.json");
    std::fs::write(&key_file, r#"{"client_email": "a@b", "private_key": "not-a-key-SECRETISH"}"#).unwrap();
    let client = builder("http://127.0.0.1:9").credentials(IdentityLogin::gcp_iam("id", &key_file)).build().unwrap();
    let err = client.authenticate().await.unwrap_err().to_string();
    assert!(err.contains("key.json") && err.contains("not an RSA key"), "{err}");
    assert!(!err.contains("SECRETISH"), "{err}");
}

/// The signed request Infisical replays to STS, decoded from the login body.
fn aws_signed(req: &Request) -> Option<(serde_json::Value, serde_json::Value)> {
    let body: serde_json::Value = serde_json::from_slice(&req.body).ok()?;
    let headers = STANDARD.decode(body["iamRequestHeaders"].as_str()?).ok()?;
    Some((body.clone(), serde_json::from_slice(&headers).ok()?))
}

#[tokio::test]
async fn aws_iam_sends_a_signed_get_caller_identity() {
    let infisical = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/aws-auth/login"))
        .and(|req: &Request| {
            let Some((body, headers)) = aws_signed(req) else { return false };
            let mut fields: Vec<&String> = body.as_object().unwrap().keys().collect();
            fields.sort();
            fields == ["iamHttpRequestMethod", "iamRequestBody", "iamRequestHeaders", "identityId"]
                && body["identityId"] == "id-aws"
                && body["iamHttpRequestMethod"] == "POST"
                && body["iamRequestBody"] == STANDARD.encode("Action=GetCallerIdentity&Version=2011-06-15")
                && headers["Host"] == "sts.eu-west-1.amazonaws.com"
                && headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
                && headers["X-Amz-Security-Token"] == "session-token"
                && headers["Authorization"].as_str().is_some_and(|a| {
                    a.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/") && a.contains("/eu-west-1/sts/aws4_request")
                })
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(issued(1)))
        .expect(1)
        .mount(&infisical)
        .await;
    list_ok(&infisical, "identity-token-1").await;
    // The AWS chain's first link: the keys in the environment; the region from AWS_REGION.
    let env = EnvSource::from_pairs([
        ("INFISICAL_AWS_IAM_AUTH_IDENTITY_ID", "id-aws"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
        ("AWS_SECRET_ACCESS_KEY", "aws-secret-key"),
        ("AWS_SESSION_TOKEN", "session-token"),
    ]);
    listed(&infisical, None, env).await;
}

#[tokio::test]
async fn aws_iam_takes_region_and_credentials_from_instance_metadata_with_the_imdsv2_token() {
    let imds = MockServer::start().await;
    let infisical = MockServer::start().await;
    // IMDSv2: a session token first (PUT, with its TTL), then every read carries it.
    Mock::given(method("PUT"))
        .and(path("/latest/api/token"))
        .and(header("x-aws-ec2-metadata-token-ttl-seconds", "21600"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("imds-session")
                .insert_header("x-aws-ec2-metadata-token-ttl-seconds", "21600"),
        )
        .mount(&imds)
        .await;
    let get = |route: &'static str, body: String| {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("x-aws-ec2-metadata-token", "imds-session"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
    };
    get("/latest/meta-data/placement/region", "ap-south-1".into()).expect(1).mount(&imds).await;
    get("/latest/meta-data/iam/security-credentials/", "instance-role".into()).mount(&imds).await;
    let expiry = (chrono_like_in_an_hour()).to_owned();
    get(
        "/latest/meta-data/iam/security-credentials/instance-role",
        json!({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAINSTANCE", "SecretAccessKey": "instance-secret",
               "Token": "instance-session", "Expiration": expiry, "LastUpdated": "2026-01-01T00:00:00Z"})
        .to_string(),
    )
    .expect(1..)
    .mount(&imds)
    .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/aws-auth/login"))
        .and(|req: &Request| {
            aws_signed(req).is_some_and(|(_, h)| {
                h["Host"] == "sts.ap-south-1.amazonaws.com"
                    && h["X-Amz-Security-Token"] == "instance-session"
                    && h["Authorization"].as_str().is_some_and(|a| a.contains("Credential=ASIAINSTANCE/"))
            })
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(issued(1)))
        .expect(1)
        .mount(&infisical)
        .await;
    list_ok(&infisical, "identity-token-1").await;
    let login = IdentityLogin::aws_iam("id-aws").platform_endpoint(imds.uri());
    listed(&infisical, Some(login), empty_env()).await;
}

/// An RFC 3339 time an hour from now, as IMDS writes `Expiration`.
fn chrono_like_in_an_hour() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[tokio::test]
async fn an_absent_metadata_endpoint_passes_quickly_with_a_reason() {
    let port = closed_port();
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![("INFISICAL_GCP_AUTH_IDENTITY_ID", "g".into()), ("GCE_METADATA_HOST", format!("127.0.0.1:{port}"))],
            "no GCP metadata server",
        ),
        (app_service(format!("http://127.0.0.1:{port}/msi/token"), "h"), "no App Service managed identity endpoint"),
        (
            vec![
                ("INFISICAL_AWS_IAM_AUTH_IDENTITY_ID", "w".into()),
                ("AWS_REGION", "us-east-1".into()),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", format!("http://127.0.0.1:{port}")),
            ],
            "no AWS credentials found",
        ),
    ];
    for (vars, reason) in cases {
        let started = Instant::now();
        let err = from_env(&vars).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
        assert!(matches!(&err, CredentialsError::NotFound { .. }), "{err:?}");
        assert!(err.to_string().contains(reason) && err.to_string().contains("is configured, but"), "{err}");

        // In a client, the chain moves on to the next link and the explanation says why.
        let env = EnvSource::from_pairs(vars.iter().cloned());
        let client = builder("http://127.0.0.1:9")
            .env_source(env)
            .credentials_provider(
                ChainPosition::Last,
                "fallback",
                provide_credentials_fn(|| async { Ok(Credentials::access_token("fallback-token")) }),
            )
            .build()
            .unwrap();
        let report = client.explain_credentials().await;
        assert_eq!(report.chosen(), Some("fallback"), "{report}");
        let env_link = report.attempts.iter().find(|a| a.provider == "environment").unwrap();
        assert!(matches!(&env_link.outcome, AttemptOutcome::Passed(why) if why.contains(reason)), "{report}");
    }
}

#[tokio::test]
async fn a_metadata_endpoint_that_refuses_stops_the_chain_with_its_reason() {
    let cloud = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/msi/token"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_request", "error_description": "Identity not found"})),
        )
        .mount(&cloud)
        .await;
    let err = from_env(&app_service(format!("{}/msi/token", cloud.uri()), "h")).await.unwrap_err();
    assert!(matches!(&err, CredentialsError::Invalid { .. }), "{err:?}");
    assert!(err.to_string().contains("400") && err.to_string().contains("Identity not found"), "{err}");
}

#[tokio::test]
async fn the_environment_selects_each_cloud_method() {
    let pick = |vars: Vec<(&'static str, &'static str)>| async move {
        EnvCredentials::new(EnvSource::from_pairs(vars)).provide_credentials().await
    };
    // Without the selector, two clouds at once are ambiguous; with it, it decides (and the other
    // variables are left alone).
    let two = vec![("INFISICAL_AWS_IAM_AUTH_IDENTITY_ID", "w"), ("INFISICAL_AZURE_AUTH_IDENTITY_ID", "a")];
    let err = pick(two.clone()).await.unwrap_err().to_string();
    assert!(
        err.contains(
            "INFISICAL_AWS_IAM_AUTH_IDENTITY_ID, INFISICAL_AZURE_AUTH_IDENTITY_ID are set for different logins"
        ),
        "{err}"
    );
    // Each method's name and the pieces it needs; a missing one is named.
    let err = pick(vec![("INFISICAL_AUTH_METHOD", "gcp-iam"), ("INFISICAL_MACHINE_IDENTITY_ID", "m")])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH"), "{err}");
    // The Go SDK's spelling of a method is the CLI's.
    for name in ["aws-iam", "AWS_IAM"] {
        let err = pick(vec![("INFISICAL_AUTH_METHOD", name)]).await.unwrap_err().to_string();
        assert!(err.contains("INFISICAL_AWS_IAM_AUTH_IDENTITY_ID or INFISICAL_MACHINE_IDENTITY_ID"), "{err}");
    }
    // A key file path alongside the GCP identity means IAM (which needs no metadata server: the file is
    // only read at login).
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("absent.json").display().to_string();
    let found = EnvCredentials::new(EnvSource::from_pairs([
        ("INFISICAL_GCP_AUTH_IDENTITY_ID", "g".to_owned()),
        ("INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH", key),
    ]))
    .provide_credentials()
    .await;
    let err = found.unwrap_err().to_string();
    assert!(err.contains("absent.json"), "{err}");
}

#[tokio::test]
async fn oidc_from_a_token_file_in_the_environment_is_read_at_every_login() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ci-oidc-token");
    std::fs::write(&file, "ci.token.one\n").unwrap();
    let infisical = MockServer::start().await;
    for (n, jwt) in [(1, "ci.token.one"), (2, "ci.token.two")] {
        expect_login(&infisical, "/api/v1/auth/oidc-auth/login", json!({"identityId": "id-ci", "jwt": jwt}), n).await;
    }
    refuse_first_token(&infisical).await;
    list_ok(&infisical, "identity-token-2").await;
    let env = EnvSource::from_pairs([
        ("INFISICAL_OIDC_AUTH_IDENTITY_ID", "id-ci".to_owned()),
        ("INFISICAL_JWT_FILE", file.display().to_string()),
    ]);
    let client = builder(&infisical.uri()).env_source(env).api_version(ApiVersion::Current).build().unwrap();
    client.authenticate().await.unwrap();
    std::fs::write(&file, "ci.token.two").unwrap(); // the CI system rotated it
    client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
}

#[tokio::test]
async fn a_cloud_login_renews_and_when_refused_logs_in_again_with_a_fresh_proof() {
    let cloud = MockServer::start().await;
    let infisical = MockServer::start().await;
    for n in 1..=2 {
        Mock::given(method("GET"))
            .and(path("/computeMetadata/v1/instance/service-accounts/default/identity"))
            .respond_with(ResponseTemplate::new(200).set_body_string(format!("gcp.token.{n}")))
            .up_to_n_times(1)
            .expect(1)
            .mount(&cloud)
            .await;
    }
    let route = "/api/v1/auth/gcp-auth/login";
    expect_login(&infisical, route, json!({"identityId": "id-gcp", "jwt": "gcp.token.1"}), 1).await;
    expect_login(&infisical, route, json!({"identityId": "id-gcp", "jwt": "gcp.token.2"}), 3).await;
    // The first renewal is granted, the second refused.
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/token/renew"))
        .and(body_json(json!({"accessToken": "identity-token-1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(issued(2)))
        .expect(1)
        .mount(&infisical)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/token/renew"))
        .and(body_json(json!({"accessToken": "identity-token-2"})))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"statusCode": 401, "error": "TokenError", "message": "revoked"})),
        )
        .expect(1)
        .mount(&infisical)
        .await;
    for n in 1..=3 {
        list_ok(&infisical, &format!("identity-token-{n}")).await;
    }
    let client = builder(&infisical.uri())
        .credentials(IdentityLogin::gcp_id_token("id-gcp").platform_endpoint(cloud.uri()))
        // Every call finds its token due: login, renew, then (renewal refused) log in again.
        .refresh_ahead(Duration::from_secs(3600))
        .api_version(ApiVersion::Current)
        .build()
        .unwrap();
    for _ in 0..3 {
        client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_calls_ask_the_cloud_and_log_in_once() {
    let cloud = MockServer::start().await;
    let infisical = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "azure-token"}))
                .set_delay(Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&cloud)
        .await;
    expect_one_login(&infisical, "/api/v1/auth/azure-auth/login", json!({"identityId": "id", "jwt": "azure-token"}))
        .await;
    let login = IdentityLogin::azure("id").platform_endpoint(format!("{}/metadata/identity/oauth2/token", cloud.uri()));
    let client = builder(&infisical.uri()).credentials(login).api_version(ApiVersion::Current).build().unwrap();
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_busy_metadata_endpoint_is_asked_once_more() {
    let cloud = MockServer::start().await;
    let infisical = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .respond_with(ResponseTemplate::new(429).set_body_string("too many requests"))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&cloud)
        .await;
    Mock::given(method("GET"))
        .and(path("/metadata/identity/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "after-retry"})))
        .expect(1)
        .with_priority(2)
        .mount(&cloud)
        .await;
    expect_one_login(&infisical, "/api/v1/auth/azure-auth/login", json!({"identityId": "id", "jwt": "after-retry"}))
        .await;
    let login = IdentityLogin::azure("id").platform_endpoint(format!("{}/metadata/identity/oauth2/token", cloud.uri()));
    listed(&infisical, Some(login), empty_env()).await;
}

#[tokio::test]
async fn a_login_changed_after_the_chain_prepared_it_asks_the_cloud_again() {
    let cloud = MockServer::start().await;
    let infisical = MockServer::start().await;
    for resource in ["https://management.azure.com/", "https://vault.example/"] {
        Mock::given(method("GET"))
            .and(path("/msi/token"))
            .and(query_param("resource", resource))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": format!("for {resource}")})))
            .expect(1)
            .mount(&cloud)
            .await;
    }
    expect_one_login(
        &infisical,
        "/api/v1/auth/azure-auth/login",
        json!({"identityId": "id-app", "jwt": "for https://vault.example/"}),
    )
    .await;
    let env = EnvSource::from_pairs(app_service(format!("{}/msi/token", cloud.uri()), "h"));
    // A provider of the user's that takes the environment's login and changes it: the request the
    // environment prepared is for the default resource and must not be sent.
    let client_env = env.clone();
    let provider = provide_credentials_fn(move || {
        let env = env.clone();
        async move {
            match EnvCredentials::new(env).provide_credentials().await? {
                Credentials::Identity(login) => Ok(login.azure_resource("https://vault.example/").into()),
                other => Ok(other),
            }
        }
    });
    // The client reads the platform's variables (`IDENTITY_ENDPOINT`) from its own environment.
    let client = builder(&infisical.uri())
        .env_source(client_env)
        .credentials_provider(ChainPosition::First, "changed", provider)
        .api_version(ApiVersion::Current)
        .build()
        .unwrap();
    client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
}
