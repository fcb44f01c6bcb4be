//! The client core against wiremock, one module a concern: the token's lifecycle, error decoding,
//! retries and timeouts, transport failures in words, and what a client is built with. The helpers
//! they share are here.

#[path = "../common/mod.rs"]
mod common;
mod errors;
mod retries;
mod setup;
mod tokens;
mod transport;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use infisical_config::auth::CredentialsError;
use infisical_config::error::{ApiMessage, TransportErrorKind};
use infisical_config::resources::ApiVersion;
use infisical_config::resources::secrets::{CreateSecret, GetSecret, ListSecrets};
use infisical_config::{Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{bearer_token, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LOGIN: &str = "/api/v1/auth/universal-auth/login";
const RENEW: &str = "/api/v1/auth/token/renew";
const LIST_V3: &str = "/api/v3/secrets/raw";

fn list_req() -> ListSecrets {
    ListSecrets::new(PROJECT, "dev")
}

async fn mount_login(server: &MockServer, expect: u64) {
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .and(body_json(sample("008")["body"].clone()))
        .respond_with(recorded("008"))
        .expect(expect)
        .named("login")
        .mount(server)
        .await;
}

fn login_answer(token: &str, expires_in: u64, max_ttl: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"accessToken": token, "expiresIn": expires_in, "accessTokenMaxTTL": max_ttl, "tokenType": "Bearer"}),
    )
}
