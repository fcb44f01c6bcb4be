//! The cloud methods in the credential chain: an absent or refusing metadata endpoint, the
//! environment choosing a method, OIDC from a token file, renewal with a fresh proof, one login for
//! concurrent callers, a busy endpoint asked once more.

use super::*;

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
