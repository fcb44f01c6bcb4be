//! The credential chain: explicit, environment, custom providers; what passes and what stops.

mod common;

use common::*;
use infisical_config::auth::CredentialsError;
use infisical_config::auth::{
    AttemptOutcome, BoxFuture, ChainPosition, Credentials, CredentialsChain, EnvCredentials, ProvideCredentials,
    provide_credentials_fn,
};
use infisical_config::{EnvSource, Error};
use wiremock::matchers::{bearer_token, body_json, method, path};
use wiremock::{Mock, MockServer};

async fn provided(env: &[(&str, &str)]) -> Result<Credentials, CredentialsError> {
    EnvCredentials::new(EnvSource::from_pairs(env.iter().copied())).provide_credentials().await
}

#[tokio::test]
async fn env_pairs_in_both_spellings() {
    for (id, secret) in [
        ("INFISICAL_CLIENT_ID", "INFISICAL_CLIENT_SECRET"),
        ("INFISICAL_UNIVERSAL_AUTH_CLIENT_ID", "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET"),
        ("INFISICAL_CLIENT_ID", "INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET"),
    ] {
        let creds = provided(&[(id, "the-id"), (secret, "the-secret")]).await.unwrap();
        assert!(matches!(creds, Credentials::UniversalAuth(ua) if ua.client_id() == "the-id"), "{id}");
    }
}

#[tokio::test]
async fn env_tokens_in_every_spelling() {
    for var in ["INFISICAL_TOKEN", "INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN", "INFISICAL_ACCESS_TOKEN"] {
        let creds = provided(&[(var, "tok")]).await.unwrap();
        assert!(matches!(creds, Credentials::AccessToken(_)), "{var}");
    }
}

#[tokio::test]
async fn a_client_pair_wins_over_a_token() {
    let creds =
        provided(&[("INFISICAL_TOKEN", "tok"), ("INFISICAL_CLIENT_ID", "id"), ("INFISICAL_CLIENT_SECRET", "s")])
            .await
            .unwrap();
    assert!(matches!(creds, Credentials::UniversalAuth(_)));
}

#[tokio::test]
async fn half_a_pair_stops_the_chain_naming_the_variables() {
    let err = provided(&[("INFISICAL_CLIENT_ID", "id"), ("INFISICAL_TOKEN", "tok")]).await.unwrap_err();
    assert!(matches!(err, CredentialsError::Invalid { .. }), "{err:?}");
    assert!(err.to_string().contains("INFISICAL_CLIENT_ID is set but no client secret"), "{err}");
    let err = provided(&[("INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET", "s")]).await.unwrap_err();
    assert!(err.to_string().contains("INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET is set but no client id"), "{err}");
}

#[tokio::test]
async fn empty_variables_count_as_unset() {
    let err = provided(&[("INFISICAL_TOKEN", "  "), ("INFISICAL_CLIENT_ID", "")]).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn nothing_found_lists_every_provider_and_why() {
    let client = builder("http://127.0.0.1:9").build().unwrap();
    let err = client.authenticate().await.unwrap_err();
    let Error::Credentials(CredentialsError::NoneFound { attempts }) = &err else { panic!("{err:?}") };
    let names: Vec<&str> = attempts.iter().map(|a| a.provider.as_str()).collect();
    assert_eq!(names, ["explicit", "environment"]);
    let text = err.to_string();
    assert!(text.contains("explicit: passed: none given to the client builder"), "{text}");
    assert!(text.contains("environment: passed: none of INFISICAL_CLIENT_ID"), "{text}");
}

#[derive(Debug)]
struct Fixed(&'static str);

impl ProvideCredentials for Fixed {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move { Ok(Credentials::access_token(self.0)) })
    }
}

#[derive(Debug)]
struct Nothing;

impl ProvideCredentials for Nothing {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async { Err(CredentialsError::not_found("vault", "no vault configured")) })
    }
}

#[tokio::test]
async fn custom_providers_go_where_they_are_put() {
    let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "from-env")]);
    // Last: the environment answers first.
    let client = builder("http://127.0.0.1:9")
        .env_source(env.clone())
        .credentials_provider(ChainPosition::Last, "custom", Fixed("custom"))
        .build()
        .unwrap();
    let report = client.explain_credentials().await;
    assert_eq!(report.chosen(), Some("environment"));
    let names: Vec<&str> = report.attempts.iter().map(|a| a.provider.as_str()).collect();
    assert_eq!(names, ["explicit", "environment", "custom"]);
    assert_eq!(report.attempts[2].outcome, AttemptOutcome::NotAsked);

    // After explicit, before the environment: the custom one answers.
    let client = builder("http://127.0.0.1:9")
        .env_source(env.clone())
        .credentials_provider(ChainPosition::AfterExplicit, "custom", Fixed("custom"))
        .build()
        .unwrap();
    let report = client.explain_credentials().await;
    assert_eq!(report.chosen(), Some("custom"));
    assert!(matches!(&report.attempts[0].outcome, AttemptOutcome::Passed(r) if r.contains("none given")));

    // First: even before explicit credentials.
    let client = builder("http://127.0.0.1:9")
        .access_token("explicit")
        .credentials_provider(ChainPosition::First, "custom", Fixed("custom"))
        .build()
        .unwrap();
    assert_eq!(client.explain_credentials().await.chosen(), Some("custom"));

    // After the environment, with two customs keeping their order.
    let client = builder("http://127.0.0.1:9")
        .credentials_provider(ChainPosition::AfterEnvironment, "a", Nothing)
        .credentials_provider(ChainPosition::AfterEnvironment, "b", Fixed("b"))
        .build()
        .unwrap();
    let report = client.explain_credentials().await;
    let names: Vec<&str> = report.attempts.iter().map(|a| a.provider.as_str()).collect();
    assert_eq!(names, ["explicit", "environment", "a", "b"]);
    assert_eq!(report.chosen(), Some("b"));
    assert!(report.to_string().contains("a: passed: no vault configured"), "{report}");
}

#[tokio::test]
async fn explicit_credentials_win_and_are_used() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/universal-auth/login"))
        .and(body_json(serde_json::json!({"clientId": "explicit-id", "clientSecret": "explicit-secret"})))
        .respond_with(recorded("008"))
        .expect(1)
        .named("login")
        .mount(&server)
        .await;
    let env = EnvSource::from_pairs([("INFISICAL_TOKEN", "from-env")]);
    let client =
        builder(&server.uri()).env_source(env).universal_auth("explicit-id", "explicit-secret").build().unwrap();
    client.authenticate().await.unwrap();
}

#[tokio::test]
async fn a_broken_provider_stops_the_chain() {
    let env = EnvSource::from_pairs([("INFISICAL_CLIENT_ID", "id")]);
    let client = builder("http://127.0.0.1:9")
        .env_source(env)
        .credentials_provider(ChainPosition::Last, "custom", Fixed("never"))
        .build()
        .unwrap();
    let report = client.explain_credentials().await;
    assert_eq!(report.chosen(), None);
    assert!(matches!(report.attempts[1].outcome, AttemptOutcome::Failed(_)));
    assert_eq!(report.attempts[2].outcome, AttemptOutcome::NotAsked);
    let err = client.authenticate().await.unwrap_err();
    assert!(matches!(err, Error::Credentials(CredentialsError::Invalid { .. })), "{err:?}");
}

#[tokio::test]
async fn a_replacement_chain_and_closure_providers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .and(bearer_token("from-closure"))
        .respond_with(recorded("028"))
        .expect(1)
        .named("list")
        .mount(&server)
        .await;
    let chain = CredentialsChain::first_try("nothing", Nothing)
        .or_else("closure", provide_credentials_fn(|| async { Ok(Credentials::access_token("from-closure")) }));
    let client = builder(&server.uri())
        .credentials_chain(chain)
        .api_version(infisical_config::resources::ApiVersion::Legacy)
        .build()
        .unwrap();
    client.secrets().list(&infisical_config::resources::ListSecrets::new(PROJECT, "dev")).await.unwrap();
}

#[tokio::test]
async fn a_token_bound_to_another_site_is_never_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(recorded("028")).expect(0).named("nothing").mount(&server).await;
    let chain = CredentialsChain::first_try(
        "cli",
        provide_credentials_fn(|| async {
            Ok(Credentials::AccessToken(
                infisical_config::auth::AccessToken::new("user-jwt").bound_to("https://app.infisical.com/api"),
            ))
        }),
    );
    let client = builder(&server.uri()).credentials_chain(chain).build().unwrap();
    let err = client.secrets().list(&infisical_config::resources::ListSecrets::new(PROJECT, "dev")).await.unwrap_err();
    assert!(matches!(err, Error::Credentials(CredentialsError::SiteMismatch { .. })), "{err:?}");
    assert!(err.to_string().contains("https://app.infisical.com"), "{err}");
}
