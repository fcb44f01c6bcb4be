//! Mocks of an identity login and what follows it, shared by the identity and cloud login tests.

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The answer of the `n`th login: access token `identity-token-{n}`.
pub fn issued(n: u32) -> Value {
    json!({"accessToken": format!("identity-token-{n}"), "expiresIn": 3600, "accessTokenMaxTTL": 86_400, "tokenType": "Bearer"})
}

/// Expects exactly one login at `route` with exactly `body`, answering the `n`th token.
pub async fn expect_login(server: &MockServer, route: &str, body: Value, n: u32) {
    Mock::given(method("POST"))
        .and(path(route))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(issued(n)))
        .expect(1)
        .mount(server)
        .await;
}

/// Expects one login at `route` with exactly `body`, whose token then lists.
pub async fn expect_one_login(server: &MockServer, route: &str, body: Value) {
    expect_login(server, route, body, 1).await;
    list_ok(server, "identity-token-1").await;
}

/// Lists nothing, for requests carrying `bearer`.
pub async fn list_ok(server: &MockServer, bearer: &str) {
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .and(header("authorization", format!("Bearer {bearer}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"secrets": [], "imports": []})))
        .mount(server)
        .await;
}

/// Refuses the first token once it is used, so the client logs in a second time.
pub async fn refuse_first_token(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .and(header("authorization", "Bearer identity-token-1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"statusCode": 401, "error": "TokenError", "message": "expired"})),
        )
        .mount(server)
        .await;
}
