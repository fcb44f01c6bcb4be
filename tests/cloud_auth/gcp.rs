//! GCP: an ID token from the metadata server, and the IAM method's JWT signed by the service account.

use super::*;

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
