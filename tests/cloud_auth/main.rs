//! Cloud machine identities: AWS IAM, GCP (ID token and IAM) and Azure. The metadata endpoints each
//! asks, with the headers they require (the IMDSv2 token dance, `Metadata-Flavor: Google`,
//! `Metadata: true`, App Service's `X-IDENTITY-HEADER`), the exact login bodies, a fresh proof at every
//! login, and an endpoint that is absent (the chain moves on quickly, saying why). Every endpoint is a
//! local mock: no test reaches a real metadata service. AWS and GCP need their features (CI builds
//! them all). One module a cloud, and one for the chain; the helpers they share are here.
#![cfg(all(feature = "aws", feature = "gcp"))]

mod aws;
mod azure;
mod chain;
#[path = "../common/mod.rs"]
mod common;
mod gcp;
mod hostile;

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::logins::*;
use common::*;
use infisical_config::EnvSource;
use infisical_config::auth::CredentialsError;
use infisical_config::auth::{
    AttemptOutcome, ChainPosition, Credentials, EnvCredentials, IdentityLogin, ProvideCredentials,
    provide_credentials_fn,
};
use infisical_config::resources::ApiVersion;
use infisical_config::resources::secrets::ListSecrets;
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
