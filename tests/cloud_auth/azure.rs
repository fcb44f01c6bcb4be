//! Azure: the instance metadata service at every login, and App Service's identity endpoint with its
//! header.

use super::*;

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
