//! The API generation: chosen automatically both ways (once per client), pinned, and slugs resolved
//! once per client.

use super::*;

#[tokio::test]
async fn automatic_choice_on_a_current_server_stays_on_v4() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"secrets": [v4_secret("A", "1", "/")]})))
        .expect(2)
        .named("v4")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(recorded("028"))
        .expect(0)
        .named("v3")
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Auto);
    c.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    c.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
}

#[tokio::test]
async fn automatic_choice_on_a_2024_server_switches_to_v3_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .respond_with(route_not_found("/api/v4/secrets"))
        .expect(1)
        .named("v4 probe")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets/DB_URL"))
        .respond_with(route_not_found("/api/v4/secrets/DB_URL"))
        .expect(0)
        .named("v4 get")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .and(query_param("workspaceId", PROJECT))
        .and(query_param("include_imports", "true"))
        .respond_with(recorded("028"))
        .expect(2)
        .named("v3 list")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw/DB_URL"))
        .respond_with(recorded("042"))
        .expect(1)
        .named("v3 get")
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Auto);
    c.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    c.secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
    c.secrets().get(&GetSecret::new(PROJECT, "dev", "DB_URL").path("/db")).await.unwrap();
}

#[tokio::test]
async fn a_v4_not_found_for_a_secret_does_not_switch_versions() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets/NOPE"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"statusCode": 404, "error": "NotFound", "message": "Secret with name 'NOPE' not found"}),
        ))
        .expect(1)
        .named("v4 404")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw/NOPE"))
        .respond_with(recorded("050"))
        .expect(0)
        .named("v3")
        .mount(&server)
        .await;
    let err =
        client(&server, ApiVersion::Auto).secrets().get(&GetSecret::new(PROJECT, "dev", "NOPE")).await.unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn pinning_skips_detection_either_way() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .respond_with(route_not_found("/api/v4/secrets"))
        .expect(1)
        .named("v4")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw"))
        .respond_with(recorded("028"))
        .expect(1)
        .named("v3")
        .mount(&server)
        .await;
    // Pinned to current: the route-not-found is an error, not a reason to switch.
    let err = client(&server, ApiVersion::Current).secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap_err();
    assert!(err.is_not_found());
    // Pinned to legacy: straight to v3.
    client(&server, ApiVersion::Legacy).secrets().list(&ListSecrets::new(PROJECT, "dev")).await.unwrap();
}

#[tokio::test]
async fn slugs_are_resolved_once_per_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/projects/slug/my-project"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": PROJECT, "_id": PROJECT, "name": "My", "slug": "my-project",
            "orgId": "o", "type": "secret-manager", "environments": [{"id": "e1", "name": "Development", "slug": "dev"}]})))
        // Once for both lists (then remembered), once for the explicit get at the end.
        .expect(2)
        .named("slug")
        .mount(&server)
        .await;
    // Not empty: an empty answer is checked against the project, which looks the slug up again.
    let one = json!({"secrets": [{"id": "1", "secretKey": "A", "secretValue": "v", "type": "shared"}]});
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .and(query_param("projectId", PROJECT))
        .respond_with(ResponseTemplate::new(200).set_body_json(one))
        .expect(2)
        .named("list")
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Auto);
    c.secrets().list(&ListSecrets::new("my-project", "dev")).await.unwrap();
    c.secrets().list(&ListSecrets::new(ProjectRef::slug("my-project"), "dev")).await.unwrap();
    let p = c.projects().get(&ProjectRef::slug("my-project")).await.unwrap();
    assert_eq!(p.environments[0].slug, "dev");
}
