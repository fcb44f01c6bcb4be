//! An unknown environment or folder fails the same way everywhere: the plain list (async and
//! blocking, `list`, `list_values`, `list_if_modified`) as the loaders, on servers that answer it with
//! `200` and nothing as on those that answer `404`: `Error::NotFound`, naming it and what exists
//! instead. An answer that holds something costs no extra request; an empty folder that exists is no
//! error. The fake answers an unknown project as a real server does.

mod common;

use common::*;
use infisical_config::resources::{ApiVersion, ListSecrets};
use infisical_config::testing::FakeInfisical;
use infisical_config::{Error, Infisical};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A fake with environments dev and prod, folders `/`, `/db` and the empty `/empty` in dev: answering
/// unknown targets with 200 and nothing (`empty`), or 404.
async fn fake(empty: bool) -> FakeInfisical {
    FakeInfisical::builder()
        .secret("dev", "/", "A", "1")
        .secret("dev", "/db", "HOST", "h")
        .folder("dev", "/empty")
        .secret("prod", "/", "A", "2")
        .empty_for_unknown_targets(empty)
        .start()
        .await
}

fn assert_not_found(err: &Error, target: &str, existing: &[&str]) {
    let Error::NotFound { target: missing, existing: found, .. } = err else { panic!("not a NotFound: {err:?}") };
    assert_eq!(missing, target, "{err}");
    assert_eq!(found, existing, "lists what exists instead: {err}");
    assert!(err.is_not_found());
}

#[tokio::test]
async fn a_plain_list_of_an_unknown_environment_is_not_found_on_both_generations() {
    for empty in [true, false] {
        let fake = fake(empty).await;
        let client = fake.client_builder().build().unwrap();
        let req = ListSecrets::new(fake.project_id(), "stagin");
        let err = client.secrets().list(&req).await.unwrap_err();
        assert_not_found(&err, "environment `stagin`", &["dev", "prod"]);
        assert!(err.to_string().contains(fake.project_id()), "names the project: {err}");
        let err = client.secrets().list_values(&req).await.unwrap_err();
        assert_not_found(&err, "environment `stagin`", &["dev", "prod"]);
        let err = client.secrets().list_if_modified(&req, "\"stale\"").await.unwrap_err();
        assert_not_found(&err, "environment `stagin`", &["dev", "prod"]);
    }
}

#[tokio::test]
async fn a_plain_list_of_an_unknown_folder_is_not_found_on_both_generations() {
    for empty in [true, false] {
        let fake = fake(empty).await;
        let client = fake.client_builder().build().unwrap();
        let req = ListSecrets::new(fake.project_id(), "dev").path("/dbb");
        let err = client.secrets().list(&req).await.unwrap_err();
        assert_not_found(&err, "folder `/dbb`", &["db", "empty"]);
        let err = client.secrets().list_values(&req).await.unwrap_err();
        assert_not_found(&err, "folder `/dbb`", &["db", "empty"]);
        // Deeper: the parent's folders are listed.
        let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/db/replica")).await;
        assert_not_found(&err.unwrap_err(), "folder `/db/replica`", &[]);
    }
}

#[test]
fn the_blocking_client_fails_the_same_way() {
    for empty in [true, false] {
        let fake = FakeInfisical::builder()
            .secret("dev", "/db", "HOST", "h")
            .secret("prod", "/", "A", "2")
            .empty_for_unknown_targets(empty)
            .start_blocking();
        let client = fake.blocking_client_builder().build().unwrap();
        let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "qa")).unwrap_err();
        assert_not_found(&err, "environment `qa`", &["dev", "prod"]);
        let err = client.secrets().list_values(&ListSecrets::new(fake.project_id(), "dev").path("/cache")).unwrap_err();
        assert_not_found(&err, "folder `/cache`", &["db"]);
        let err = client
            .secrets()
            .list_if_modified(&ListSecrets::new(fake.project_id(), "dev").path("/cache"), "\"x\"")
            .unwrap_err();
        assert_not_found(&err, "folder `/cache`", &["db"]);
    }
}

#[tokio::test]
async fn an_empty_folder_that_exists_is_no_error() {
    for empty in [true, false] {
        let fake = fake(empty).await;
        let client = fake.client_builder().build().unwrap();
        let list = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/empty")).await.unwrap();
        assert!(list.secrets.is_empty() && list.imports.is_empty());
        let values = client.secrets().list_values(&ListSecrets::new(fake.project_id(), "dev").path("/empty")).await;
        assert!(values.unwrap().is_empty());
        // A tag filter that matches nothing in an environment that exists: empty, not an error.
        let tagged = ListSecrets::new(fake.project_id(), "prod").tags(["nothing-has-this"]);
        assert!(client.secrets().list(&tagged).await.unwrap().secrets.is_empty());
    }
}

#[tokio::test]
async fn an_answer_that_holds_something_costs_no_extra_request() {
    for empty in [true, false] {
        let fake = fake(empty).await;
        let client = fake.client_builder().build().unwrap();
        client.secrets().list(&ListSecrets::new(fake.project_id(), "dev").path("/db")).await.unwrap();
        client.secrets().list_values(&ListSecrets::new(fake.project_id(), "prod")).await.unwrap();
        let log = fake.request_log().await;
        let lists = log.iter().filter(|r| r.contains("/secrets")).count();
        assert_eq!(log.len(), lists + 1, "one login and the lists, nothing else: {log:?}");
    }
}

#[tokio::test]
async fn the_loaders_and_the_plain_list_share_the_check() {
    let fake = fake(true).await;
    let client = fake.client_builder().build().unwrap();
    let from_list = client.secrets().list(&ListSecrets::new(fake.project_id(), "stagin")).await.unwrap_err();
    let from_loader = Infisical::new(fake.project_id(), "stagin").client(client).fetch_async().await.unwrap_err();
    assert_eq!(from_list.to_string(), from_loader.to_string());
}

/// An identity allowed to list secrets but not to read the project: its environment cannot be
/// checked (the list is taken as the server answered), its folders still are.
#[tokio::test]
async fn without_the_project_the_folder_is_still_checked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(recorded("088")) // 200 and nothing
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/workspace/{PROJECT}")))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"statusCode": 403, "message": "You are not allowed to access this resource", "error": "PermissionDenied"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/folders"))
        .and(query_param("path", "/"))
        .respond_with(recorded("057")) // db, app
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().list(&ListSecrets::new(PROJECT, "dev").path("/nope")).await.unwrap_err();
    assert_not_found(&err, "folder `/nope`", &["db", "app"]);
    let root = client.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    assert!(root.secrets.is_empty());

    // A server of 2024 answers a folder listing in an unknown environment with a bare "Environment
    // not found": the error says which environment, and why its folders were asked for.
    Mock::given(method("GET"))
        .and(path("/api/v1/folders"))
        .and(query_param("environment", "stagin"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"statusCode": 404, "message": "Environment not found", "error": "get folders"})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    let err = client.secrets().list(&ListSecrets::new(PROJECT, "stagin").path("/db")).await.unwrap_err();
    let text = err.to_string();
    assert!(err.is_not_found(), "{err:?}");
    assert!(text.contains("Environment not found") && text.contains("environment `stagin`"), "{text}");
}

/// A check that cannot reach the server is an outage, not a confirmation: an empty answer is not
/// taken as the truth (and so never written to a cache as the last good load).
#[tokio::test]
async fn a_check_that_cannot_reach_the_server_fails_the_list() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/api/v3/secrets/raw")).respond_with(recorded("087")).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/workspace/{PROJECT}")))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"message": "upstream connect error"})))
        .mount(&server)
        .await;
    let client = builder(&server.uri())
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .retry(infisical_config::RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = client.secrets().list(&ListSecrets::new(PROJECT, "nope")).await.unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
    let err = Infisical::new(PROJECT, "nope").client(client).fetch_async().await.unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
}

/// The fake's answer to an unknown project is the real server's (sample 095: the list and get
/// routes look the project up first), never the web framework's "Route ... not found", which would
/// make a client take the server for an older generation.
#[tokio::test]
async fn the_fake_answers_an_unknown_project_as_a_real_server() {
    let unknown = "00000000-0000-4000-8000-000000000000";
    let recorded = sample("095")["response"]["message"].as_str().unwrap().replace("not-a-uuid", unknown);
    for legacy in [false, true] {
        let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").legacy_only(legacy).start().await;
        let client = fake.client_builder().build().unwrap();
        let err = client.secrets().list(&ListSecrets::new(unknown, "dev")).await.unwrap_err();
        assert_eq!(err.status(), Some(404), "{err}");
        assert_eq!(err.to_string(), format!("Client Error 404: {recorded}"));

        let err = client.projects().get_by_id(unknown).await.unwrap_err();
        assert_eq!(err.to_string(), format!("Client Error 404: Project with ID '{unknown}' not found"));
        let err = client.projects().get_by_slug("no-such-project").await.unwrap_err();
        assert_eq!(err.to_string(), "Client Error 404: Project with slug 'no-such-project' not found");

        // The client still speaks the generation it found first.
        client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await.unwrap();
        let log = fake.request_log().await;
        let want = if legacy { "GET /api/v3/secrets/raw" } else { "GET /api/v4/secrets" };
        assert_eq!(log.last().map(String::as_str), Some(want), "{log:?}");
    }
}

#[tokio::test]
async fn the_fake_refuses_an_unknown_client_id_and_a_wrong_secret_as_the_recorded_server() {
    let fake = FakeInfisical::builder().secret("dev", "/", "A", "1").start().await;
    for (id, secret, sample_prefix) in [
        (infisical_config::testing::CLIENT_ID, "wrong", "082"),
        ("someone-else", infisical_config::testing::CLIENT_SECRET, "083"),
    ] {
        let client = fake.client_builder().universal_auth(id, secret).build().unwrap();
        let err = client.secrets().list(&ListSecrets::new(fake.project_id(), "dev")).await.unwrap_err();
        let recorded = sample(sample_prefix);
        let said = recorded["response"]["message"].as_str().unwrap();
        assert!(matches!(err, Error::Credentials(_)), "{err:?}");
        assert!(err.to_string().contains(said), "{err}");
        let Error::Credentials(infisical_config::auth::CredentialsError::Rejected { source, .. }) = &err else {
            panic!()
        };
        assert_eq!(u64::from(source.status()), recorded["status"].as_u64().unwrap());
    }
}

/// The recorded 200-and-nothing answers of a 2024 server to an unknown environment (087) and folder
/// (088), with the project and its parent folder answered as that server held them (environments
/// dev, staging and prod; no folder `/does/not`, whose listing such a server answers with none).
#[tokio::test]
async fn the_recorded_empty_answers_to_unknown_targets_are_not_found() {
    for (prefix, target, existing) in
        [("087", "environment `nope`", vec!["dev", "staging", "prod"]), ("088", "folder `/does/not/exist`", vec![])]
    {
        let server = MockServer::start().await;
        let recorded_sample = sample(prefix);
        let q = &recorded_sample["query"];
        Mock::given(method("GET")).and(path("/api/v3/secrets/raw")).respond_with(recorded(prefix)).mount(&server).await;
        let environments: Vec<_> = ["dev", "staging", "prod"]
            .iter()
            .map(|e| json!({"id": format!("env-{e}"), "name": e, "slug": e}))
            .collect();
        Mock::given(method("GET"))
            .and(path(format!("/api/v1/workspace/{PROJECT}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"workspace": {"id": PROJECT, "name": "rust-sdk-test", "slug": "rust-sdk-test", "environments": environments}}),
            ))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v1/folders"))
            .and(query_param("path", "/does/not"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"folders": []})))
            .mount(&server)
            .await;
        let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
        let mut req = ListSecrets::new(PROJECT, q["environment"].as_str().unwrap());
        if let Some(p) = q["secretPath"].as_str() {
            req = req.path(p);
        }
        let err = client.secrets().list(&req).await.unwrap_err();
        assert_not_found(&err, target, &existing);
    }
}
