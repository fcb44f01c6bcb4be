//! Machine-identity logins beyond Universal Auth: Kubernetes, OIDC, JWT and LDAP. Login bodies as the
//! reference gives them, the token source read again at every login, the environment variables and
//! the `INFISICAL_AUTH_METHOD` selector, and the chain's explanation.

mod common;

use common::logins::*;
use common::*;
use infisical_config::EnvSource;
use infisical_config::auth::CredentialsError;
use infisical_config::auth::{Credentials, EnvCredentials, IdentityLogin, JwtSource, ProvideCredentials};
use infisical_config::resources::ApiVersion;
use infisical_config::resources::secrets::ListSecrets;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn each_method_logs_in_at_its_route_with_its_body() {
    let cases: Vec<(IdentityLogin, &str, serde_json::Value)> = vec![
        (
            IdentityLogin::oidc("id-oidc", JwtSource::Given("oidc.jwt.value".into())),
            "/api/v1/auth/oidc-auth/login",
            json!({"identityId": "id-oidc", "jwt": "oidc.jwt.value"}),
        ),
        (
            IdentityLogin::jwt("id-jwt", JwtSource::Given("plain.jwt.value".into())).organization_slug("sub-org"),
            "/api/v1/auth/jwt-auth/login",
            json!({"identityId": "id-jwt", "jwt": "plain.jwt.value", "organizationSlug": "sub-org"}),
        ),
        (
            IdentityLogin::ldap("id-ldap", "svc-user", "ldap-password"),
            "/api/v1/auth/ldap-auth/login",
            json!({"identityId": "id-ldap", "username": "svc-user", "password": "ldap-password"}),
        ),
    ];
    for (login, route, body) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(route))
            .and(body_json(&body))
            .respond_with(ResponseTemplate::new(200).set_body_json(issued(1)))
            .expect(1)
            .mount(&server)
            .await;
        list_ok(&server, "identity-token-1").await;
        let client = builder(&server.uri()).credentials(login).api_version(ApiVersion::Current).build().unwrap();
        client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    }
}

#[tokio::test]
async fn kubernetes_reads_its_token_file_again_at_every_login() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "sa-token-one\n").unwrap();
    let server = MockServer::start().await;
    for (n, jwt) in [(1, "sa-token-one"), (2, "sa-token-two")] {
        expect_login(&server, "/api/v1/auth/kubernetes-auth/login", json!({"identityId": "id-k8s", "jwt": jwt}), n)
            .await;
    }
    // The first token is refused once it has been used: the client logs in again, reading the file.
    refuse_first_token(&server).await;
    list_ok(&server, "identity-token-2").await;
    let login = IdentityLogin::kubernetes("id-k8s").token_path(&token_file);
    let client =
        builder(&server.uri()).credentials(login).renew_tokens(false).api_version(ApiVersion::Current).build().unwrap();
    client.authenticate().await.unwrap();
    std::fs::write(&token_file, "sa-token-two").unwrap(); // Kubernetes rotated it
    client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
}

#[tokio::test]
async fn a_missing_token_file_names_it() {
    let client = builder("http://127.0.0.1:9")
        .credentials(IdentityLogin::kubernetes("id").token_path("/nonexistent/sa-token"))
        .build()
        .unwrap();
    let err = client.authenticate().await.unwrap_err();
    assert!(err.to_string().contains("/nonexistent/sa-token"), "{err}");
}

async fn from_env(pairs: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
    EnvCredentials::new(EnvSource::from_pairs(pairs.iter().copied())).provide_credentials().await
}

#[tokio::test]
async fn the_environment_names_every_method() {
    let found = from_env(&[
        ("INFISICAL_KUBERNETES_IDENTITY_ID", "k"),
        ("INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH", "/t"),
    ])
    .await
    .unwrap();
    assert!(matches!(&found, Credentials::Identity(l) if l.method() == "kubernetes" && l.identity_id() == "k"));
    assert!(format!("{found:?}").contains("\"/t\""));

    let found = from_env(&[
        ("INFISICAL_LDAP_AUTH_IDENTITY_ID", "l"),
        ("INFISICAL_LDAP_USERNAME", "u"),
        ("INFISICAL_LDAP_PASSWORD", "ldap-secret-1"),
    ])
    .await
    .unwrap();
    assert!(matches!(&found, Credentials::Identity(l) if l.method() == "ldap-auth"));
    assert!(!format!("{found:?}").contains("ldap-secret-1"));

    let found = from_env(&[("INFISICAL_OIDC_AUTH_IDENTITY_ID", "o"), ("INFISICAL_OIDC_AUTH_JWT", "jwt-secret-2")])
        .await
        .unwrap();
    assert!(matches!(&found, Credentials::Identity(l) if l.method() == "oidc-auth"));
    assert!(!format!("{found:?}").contains("jwt-secret-2"));

    // The selector decides between OIDC and JWT, which take the same variables.
    let both = [("INFISICAL_MACHINE_IDENTITY_ID", "m"), ("INFISICAL_JWT", "j")];
    let err = from_env(&both).await.unwrap_err();
    assert!(err.to_string().contains("INFISICAL_AUTH_METHOD"), "{err}");
    let mut jwt = both.to_vec();
    jwt.push(("INFISICAL_AUTH_METHOD", "jwt-auth"));
    assert!(matches!(from_env(&jwt).await.unwrap(), Credentials::Identity(l) if l.method() == "jwt-auth"));
    let mut oidc = both.to_vec();
    oidc.push(("INFISICAL_AUTH_METHOD", "oidc-auth"));
    assert!(matches!(from_env(&oidc).await.unwrap(), Credentials::Identity(l) if l.method() == "oidc-auth"));

    // Two logins set at once need the selector; with it, it decides.
    let ua =
        [("INFISICAL_CLIENT_ID", "c"), ("INFISICAL_CLIENT_SECRET", "s"), ("INFISICAL_KUBERNETES_IDENTITY_ID", "k")];
    let err = from_env(&ua).await.unwrap_err();
    assert!(
        err.to_string().contains("INFISICAL_CLIENT_ID, INFISICAL_KUBERNETES_IDENTITY_ID are set for different logins"),
        "{err}"
    );
    let two = [("INFISICAL_KUBERNETES_IDENTITY_ID", "k"), ("INFISICAL_LDAP_USERNAME", "u")];
    assert!(from_env(&two).await.unwrap_err().to_string().contains("INFISICAL_AUTH_METHOD"));
    let mut chosen = ua.to_vec();
    chosen.push(("INFISICAL_AUTH_METHOD", "kubernetes"));
    assert!(matches!(from_env(&chosen).await.unwrap(), Credentials::Identity(_)));

    // A named method with a piece missing, an unknown name: errors that say so.
    let err =
        from_env(&[("INFISICAL_AUTH_METHOD", "ldap-auth"), ("INFISICAL_MACHINE_IDENTITY_ID", "m")]).await.unwrap_err();
    assert!(err.to_string().contains("INFISICAL_LDAP_PASSWORD"), "{err}");
    let err = from_env(&[("INFISICAL_AUTH_METHOD", "azure")]).await.unwrap_err();
    assert!(err.to_string().contains("azure login needs INFISICAL_AZURE_AUTH_IDENTITY_ID"), "{err}");
    let err = from_env(&[("INFISICAL_AUTH_METHOD", "magic")]).await.unwrap_err();
    assert!(err.to_string().contains("not a login method"), "{err}");
    assert!(matches!(err, CredentialsError::Invalid { .. }), "{err:?}");
}

#[tokio::test]
async fn a_given_token_is_named_token_auth() {
    let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "identity-access-token")]);
    let found = from_env(&[("INFISICAL_TOKEN", "identity-access-token")]).await.unwrap();
    assert_eq!(found.describe(), "token auth (access token)");
    let client = builder("http://127.0.0.1:9").env_source(env).build().unwrap();
    assert!(client.explain_credentials().await.to_string().contains("token auth"));
}

#[tokio::test]
async fn explain_credentials_names_the_method() {
    let env = EnvSource::from_pairs([("INFISICAL_KUBERNETES_IDENTITY_ID", "id-k8s-7")]);
    let client = builder("http://127.0.0.1:9").env_source(env).build().unwrap();
    let report = client.explain_credentials().await;
    assert!(report.to_string().contains("kubernetes auth (identity id-k8s-7)"), "{report}");
}
