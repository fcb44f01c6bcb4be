//! The current API (secrets v4, folders and imports v2, cert-manager, projects): bodies and paths as in
//! the reference; automatic version choice both ways and pinning; the import-precedence map; ETag and
//! approvals.

mod common;

use common::*;
use infisical_config::resources::certificates::{IssueCertificate, RevocationReason};
use infisical_config::resources::folders::{CreateFolder, DeleteFolder, ListFolders};
use infisical_config::resources::imports::{ImportChange, ImportTarget};
use infisical_config::resources::secrets::{
    Batch, BatchMode, BatchSecret, CreateSecret, DeleteSecret, GetSecret, ListSecrets, SecretList, SecretMetadata,
    SecretPath, SecretType, UpdateSecret,
};
use infisical_config::resources::{ApiVersion, Conditional, Outcome, ProjectRef};
use infisical_config::{Client, ExposeSecret};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn v4_secret(key: &str, value: &str, folder: &str) -> Value {
    json!({"id": format!("id-{key}"), "_id": format!("id-{key}"), "workspace": PROJECT, "environment": "dev", "version": 3,
        "type": "shared", "secretKey": key, "secretValue": value, "secretComment": "", "secretPath": folder,
        "secretValueHidden": false, "tags": [], "secretMetadata": [{"key": "team", "value": "core", "isEncrypted": false}],
        "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"})
}

fn client(server: &MockServer, version: ApiVersion) -> Client {
    builder(&server.uri()).access_token("t").api_version(version).build().unwrap()
}

fn route_not_found(p: &str) -> ResponseTemplate {
    ResponseTemplate::new(404)
        .set_body_json(json!({"message": format!("Route GET:{p} not found"), "error": "Not Found", "statusCode": 404}))
}

#[tokio::test]
async fn v4_list_sends_every_flag_in_camel_case() {
    let server = MockServer::start().await;
    let mut mock = Mock::given(method("GET")).and(path("/api/v4/secrets"));
    for (k, v) in [
        ("projectId", PROJECT),
        ("environment", "prod"),
        ("secretPath", "/db"),
        ("recursive", "true"),
        ("includeImports", "false"),
        ("expandSecretReferences", "false"),
        ("viewSecretValue", "true"),
        ("includePersonalOverrides", "true"),
        ("tagSlugs", "a,b"),
        ("metadataFilter", "key=team,value=core|key=tier,value=1"),
    ] {
        mock = mock.and(query_param(k, v));
    }
    mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({"secrets": [v4_secret("HOST", "h", "/db")]})))
        .expect(1)
        .named("list v4")
        .mount(&server)
        .await;
    let req = ListSecrets::new(PROJECT, "prod")
        .path("/db/")
        .recursive(true)
        .include_imports(false)
        .expand_references(false)
        .include_personal_overrides(true)
        .tags(["a", "b"])
        .metadata_filter("team", "core")
        .metadata_filter("tier", "1");
    let list = client(&server, ApiVersion::Current).secrets().list(&req).await.unwrap();
    assert_eq!(list.secrets[0].metadata[0], SecretMetadata::new("team", "core"));
    assert!(list.imports.is_empty(), "a missing imports field decodes as empty");
}

#[tokio::test]
async fn v4_writes_use_project_id_and_a_json_body() {
    let server = MockServer::start().await;
    let answer = |k: &str| ResponseTemplate::new(200).set_body_json(json!({"secret": v4_secret(k, "v", "/")}));
    Mock::given(method("POST"))
        .and(path("/api/v4/secrets/API%20KEY"))
        .and(body_json(json!({"projectId": PROJECT, "environment": "dev", "secretPath": "/app", "type": "shared",
            "secretValue": "v", "secretComment": "c", "tagIds": ["t1"], "secretMetadata": [{"key": "k", "value": "v", "isEncrypted": false}],
            "skipMultilineEncoding": true, "secretReminderNote": "rotate", "secretReminderRepeatDays": 30})))
        .respond_with(answer("API KEY"))
        .expect(1)
        .named("create")
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/secrets/A"))
        .and(body_json(json!({"projectId": PROJECT, "environment": "dev", "secretPath": "/", "type": "personal", "newSecretName": "B", "secretComment": "renamed"})))
        .respond_with(answer("B"))
        .expect(1)
        .named("rename without value (v4 allows it)")
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v4/secrets/B"))
        .and(body_json(json!({"projectId": PROJECT, "environment": "dev", "secretPath": "/", "type": "shared"})))
        .respond_with(answer("B"))
        .expect(1)
        .named("delete")
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v4/secrets/batch"))
        .and(body_json(json!({"projectId": PROJECT, "environment": "dev", "secretPath": "/", "mode": "upsert",
            "secrets": [{"secretKey": "A", "secretValue": "1"}]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"secrets": [v4_secret("A", "1", "/")]})))
        .expect(1)
        .named("batch upsert")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets/A"))
        .and(query_param("projectId", PROJECT))
        .and(query_param("includeImports", "true"))
        .and(query_param("type", "personal"))
        .and(query_param("version", "4"))
        .respond_with(answer("A"))
        .expect(1)
        .named("get")
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Current);
    let req = CreateSecret::new(PROJECT, "dev", "API KEY", "v")
        .path("app")
        .comment("c")
        .tag_ids(["t1"])
        .metadata([SecretMetadata::new("k", "v")])
        .skip_multiline_encoding(true)
        .reminder("rotate", 30);
    assert!(matches!(c.secrets().create(&req).await.unwrap(), Outcome::Applied(_)));
    let req = UpdateSecret::new(PROJECT, "dev", "A").new_name("B").comment("renamed").kind(SecretType::Personal);
    assert!(c.secrets().update(&req).await.unwrap().applied().is_some());
    assert!(c.secrets().delete(&DeleteSecret::new(PROJECT, "dev", "B")).await.unwrap().applied().is_some());
    let batch = Batch::new(PROJECT, "dev").mode(BatchMode::Upsert).secret(BatchSecret::new("A").value("1"));
    assert_eq!(c.secrets().update_many(&batch).await.unwrap().applied().unwrap().len(), 1);
    c.secrets().get(&GetSecret::new(PROJECT, "dev", "A").kind(SecretType::Personal).version(4)).await.unwrap();
}

#[tokio::test]
async fn writes_that_need_approval_come_back_as_their_own_outcome() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v4/secrets/A"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"approval": {"id": "apr-1", "status": "open", "policyId": "pol-1", "slug": "x"}}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v4/secrets/batch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"approval": {"id": "apr-2"}})))
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Current);
    let Outcome::PendingApproval(approval) =
        c.secrets().create(&CreateSecret::new(PROJECT, "dev", "A", "v")).await.unwrap()
    else {
        panic!("expected an approval")
    };
    assert_eq!(
        (approval.id.as_str(), approval.status.as_deref(), approval.policy_id.as_deref()),
        ("apr-1", Some("open"), Some("pol-1"))
    );
    let out = c.secrets().delete_many(&Batch::new(PROJECT, "dev").secret(BatchSecret::new("A"))).await.unwrap();
    assert!(out.applied().is_none());
}

#[tokio::test]
async fn etag_revalidation_answers_not_modified() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304))
        .expect(1)
        .named("not modified")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .and(header("if-none-match", "\"old\""))
        .respond_with(ResponseTemplate::new(200).insert_header("etag", "\"v1\"").set_body_json(json!({"secrets": []})))
        .expect(1)
        .named("modified")
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Current);
    let req = ListSecrets::new(PROJECT, "dev");
    assert!(matches!(c.secrets().list_if_modified(&req, "\"v1\"").await.unwrap(), Conditional::NotModified));
    let Conditional::Modified(list) = c.secrets().list_if_modified(&req, "\"old\"").await.unwrap() else { panic!() };
    assert_eq!(list.etag.as_deref(), Some("\"v1\""));
}

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
    Mock::given(method("GET"))
        .and(path("/api/v4/secrets"))
        .and(query_param("projectId", PROJECT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"secrets": []})))
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

#[tokio::test]
async fn projects_on_both_generations() {
    let server = MockServer::start().await;
    let project = json!({"id": PROJECT, "_id": PROJECT, "name": "P", "slug": "p", "orgId": "o", "environments": []});
    Mock::given(method("GET"))
        .and(path("/api/v1/projects"))
        .and(query_param("includeRoles", "false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"projects": [project.clone()]})))
        .expect(1)
        .named("list")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/projects/{PROJECT}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"project": project.clone()})))
        .expect(1)
        .named("get")
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Current);
    assert_eq!(c.projects().list().await.unwrap()[0].slug, "p");
    assert_eq!(c.projects().get_by_id(PROJECT).await.unwrap().name, "P");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/workspace"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"workspaces": [project.clone()]})))
        .expect(1)
        .named("list")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/workspace/p"))
        .respond_with(ResponseTemplate::new(200).set_body_json(project.clone()))
        .expect(1)
        .named("slug")
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Legacy);
    assert_eq!(c.projects().list().await.unwrap()[0].id, PROJECT);
    assert_eq!(c.projects().get_by_slug("p").await.unwrap().id, PROJECT);
}

#[tokio::test]
async fn folders_and_imports_v2() {
    let server = MockServer::start().await;
    let folder = json!({"id": "f1", "name": "db", "version": 1, "envId": "e", "parentId": null, "description": "databases", "path": "/db",
        "createdAt": "x", "updatedAt": "x"});
    Mock::given(method("GET")).and(path("/api/v2/folders")).and(query_param("projectId", PROJECT)).and(query_param("recursive", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"folders": [folder.clone(), {"id": "f2", "name": "replica", "envId": "e", "relativePath": "/db/replica"}]})))
        .expect(1).named("list").mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/v2/folders"))
        .and(body_json(
            json!({"projectId": PROJECT, "environment": "dev", "name": "db", "path": "/", "description": "databases"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"folder": folder.clone()})))
        .expect(1)
        .named("create")
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/folders/f1"))
        .and(body_json(json!({"projectId": PROJECT, "environment": "dev", "path": "/", "forceDelete": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"folder": folder.clone()})))
        .expect(1)
        .named("delete")
        .mount(&server)
        .await;
    let import = json!({"id": "i1", "importPath": "/shared", "importEnv": {"id": "e2", "name": "Prod", "slug": "prod"}, "position": 2, "folderId": "f1"});
    Mock::given(method("POST")).and(path("/api/v2/secret-imports"))
        .and(body_json(json!({"projectId": PROJECT, "environment": "dev", "path": "/app", "import": {"environment": "prod", "path": "/shared"}, "isReplication": true})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "ok", "secretImport": import.clone()}))).expect(1).named("import create").mount(&server).await;
    Mock::given(method("PATCH"))
        .and(path("/api/v2/secret-imports/i1"))
        .and(body_json(json!({"projectId": PROJECT, "environment": "dev", "path": "/app", "import": {"position": 1}})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"message": "ok", "secretImport": import.clone()})),
        )
        .expect(1)
        .named("import update")
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/secret-imports/i1"))
        .and(body_json(json!({"projectId": PROJECT, "environment": "dev", "path": "/app"})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"message": "ok", "secretImport": import.clone()})),
        )
        .expect(1)
        .named("import delete")
        .mount(&server)
        .await;
    let c = client(&server, ApiVersion::Current);
    let folders = c.folders().list(&ListFolders::new(PROJECT, "dev").recursive(true)).await.unwrap();
    assert_eq!(folders[1].relative_path.as_deref(), Some("/db/replica"));
    assert_eq!(
        c.folders()
            .create(&CreateFolder::new(PROJECT, "dev", "db").description("databases"))
            .await
            .unwrap()
            .description
            .as_deref(),
        Some("databases")
    );
    assert!(
        c.folders().delete(&DeleteFolder::new(PROJECT, "dev", "f1").force(true)).await.unwrap().applied().is_some()
    );
    let target = ImportTarget::new(PROJECT, "dev").path("/app");
    assert_eq!(c.imports().create(&target, "prod", "shared", true).await.unwrap().position, 2);
    c.imports().update(&target, "i1", &ImportChange::default().position(1)).await.unwrap();
    c.imports().delete(&target, "i1").await.unwrap();
}

#[tokio::test]
async fn cert_manager_routes() {
    let server = MockServer::start().await;
    let id = "0b5e7c3a-1111-2222-3333-444455556666";
    let base = format!("/api/v1/cert-manager/certificates/{id}");
    let info = json!({"id": id, "caId": "ca", "status": "active", "serialNumber": "ab", "friendlyName": "f", "commonName": "cn",
        "notBefore": "x", "notAfter": "y", "keyUsages": null, "extendedKeyUsages": ["serverAuth"], "subject": {"cn": "x"}, "fingerprints": {"sha256": "z"}});
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"certificate": info.clone()})))
        .expect(1)
        .named("get")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{base}/certificate")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"certificate": "PEM", "certificateChain": null, "serialNumber": "ab"})),
        )
        .expect(1)
        .named("body")
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(format!("{base}/bundle")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"certificate": "PEM", "certificateChain": "CHAIN", "privateKey": "-----BEGIN PRIVATE KEY-----", "serialNumber": "ab"})))
        .expect(1).named("bundle").mount(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("{base}/private-key")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/plain")
                .set_body_string("-----BEGIN PRIVATE KEY-----\nabc\n"),
        )
        .expect(1)
        .named("key")
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{base}/revoke")))
        .and(body_json(json!({"revocationReason": "KEY_COMPROMISE"})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"message": "revoked", "serialNumber": "ab", "revokedAt": "now"})),
        )
        .expect(1)
        .named("revoke")
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(base.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"certificate": info.clone()})))
        .expect(1)
        .named("delete")
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/api/v1/cert-manager/certificates"))
        .and(body_json(json!({"profileId": "prof", "attributes": {"commonName": "svc", "altNames": [{"type": "dns_name", "value": "svc"}], "ttl": "30d"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"certificate": null, "certificateRequestId": "req-1", "status": "pending_approval"})))
        .expect(1).named("issue").mount(&server).await;
    let c = client(&server, ApiVersion::Current);
    let certs = c.certificates();
    let got = certs.get(id).await.unwrap();
    assert_eq!(got.extended_key_usages, ["serverAuth"]);
    assert!(got.key_usages.is_empty(), "null decodes as empty");
    assert_eq!(certs.body(id).await.unwrap().certificate_chain, None);
    assert!(certs.bundle(id).await.unwrap().private_key.is_some());
    assert!(certs.private_key(id).await.unwrap().expose_secret().starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(certs.revoke(id, RevocationReason::KeyCompromise).await.unwrap().serial_number, "ab");
    certs.delete(id).await.unwrap();
    let issued = certs
        .issue(&IssueCertificate::new("prof").common_name("svc").alt_name("dns_name", "svc").ttl("30d"))
        .await
        .unwrap();
    assert!(issued.certificate.is_none());
    assert_eq!(issued.certificate_request_id, "req-1");
}

fn value_at(
    map: &std::collections::BTreeMap<SecretPath, infisical_config::resources::Secret>,
    folder: &str,
    key: &str,
) -> Option<String> {
    map.get(&SecretPath { folder: folder.into(), key: key.into() }).map(|s| s.value.expose_secret().to_owned())
}

#[test]
fn import_precedence_on_recorded_lists() {
    // 036: /app with the staging:/shared import.
    let mut list: SecretList = serde_json::from_value(sample("036")["response"].clone()).unwrap();
    list.path = "/app".into();
    let map = list.into_map();
    assert_eq!(value_at(&map, "/app", "TLS_NOTE").as_deref(), Some("line one\nline two\nline three"));
    assert_eq!(value_at(&map, "/app", "SHARED_API_KEY").as_deref(), Some("shared-key-from-staging-123"));

    // 038: recursive from /; own secrets keep their folders; the import lands at the listed folder.
    let mut list: SecretList = serde_json::from_value(sample("038")["response"].clone()).unwrap();
    list.path = "/".into();
    let map = list.into_map();
    assert_eq!(map.len(), 12);
    assert_eq!(value_at(&map, "/db", "DB_HOST").as_deref(), Some("db.internal.example"));
    assert_eq!(
        value_at(&map, "/db/replica", "REPLICA_URL").as_deref(),
        Some("postgres://app_user@replica-1.internal.example:5432/app")
    );
    assert_eq!(value_at(&map, "/", "SHARED_API_KEY").as_deref(), Some("shared-key-from-staging-123"));
    // Deterministic order: a BTreeMap by folder, then key.
    let first: Vec<String> = map.keys().take(3).map(ToString::to_string).collect();
    assert_eq!(first, ["/API_URL", "/APP_NAME", "/GREETING"]);
}

#[test]
fn import_precedence_on_made_up_conflicts() {
    let list: SecretList = serde_json::from_value(json!({
        "secrets": [
            {"secretKey": "OWN", "secretValue": "own", "secretPath": "/"},
            {"secretKey": "HOST", "secretValue": "db-host", "secretPath": "/db"},
            {"secretKey": "HOST", "secretValue": "cache-host", "secretPath": "/cache"},
            {"secretKey": "P", "secretValue": "shared", "type": "shared"},
            {"secretKey": "P", "secretValue": "personal", "type": "personal"},
            {"secretKey": "Q", "secretValue": "personal-first", "type": "personal"},
            {"secretKey": "Q", "secretValue": "shared-after", "type": "shared"}
        ],
        "imports": [
            {"secretPath": "/a", "environment": "prod", "secrets": [{"secretKey": "OWN", "secretValue": "import-a"}, {"secretKey": "X", "secretValue": "first"}, {"secretKey": "ONLY_A", "secretValue": "a"}]},
            {"secretPath": "/b", "environment": "prod", "secrets": [{"secretKey": "X", "secretValue": "second"}]},
            {"secretPath": "/c", "environment": "prod", "secrets": [{"secretKey": "X", "secretValue": "third"}]}
        ]
    }))
    .unwrap();
    let map = list.into_map();
    assert_eq!(value_at(&map, "/", "OWN").as_deref(), Some("own"), "own beats imports");
    assert_eq!(value_at(&map, "/", "X").as_deref(), Some("third"), "the last import wins");
    assert_eq!(value_at(&map, "/", "ONLY_A").as_deref(), Some("a"));
    assert_eq!(value_at(&map, "/db", "HOST").as_deref(), Some("db-host"), "folders stay apart");
    assert_eq!(value_at(&map, "/cache", "HOST").as_deref(), Some("cache-host"));
    assert_eq!(value_at(&map, "/", "P").as_deref(), Some("personal"), "personal overrides shared");
    assert_eq!(value_at(&map, "/", "Q").as_deref(), Some("personal-first"), "whatever the order");
}

#[tokio::test]
async fn list_values_merges_as_into_map_does_and_keeps_only_values() {
    // 038 (recursive from /, with an import) and a made-up answer with personal overrides.
    let made_up = json!({
        "secrets": [
            {"secretKey": "P", "secretValue": "shared", "type": "shared", "secretPath": "/"},
            {"secretKey": "P", "secretValue": "personal", "type": "personal", "secretPath": "/"},
            {"secretKey": "HOST", "secretValue": "db-host", "secretPath": "/db/"}
        ],
        "imports": [{"secretPath": "/a", "environment": "prod", "secrets": [{"secretKey": "P", "secretValue": "import"}, {"secretKey": "X", "secretValue": "x"}]}]
    });
    for body in [sample("038")["response"].clone(), made_up] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v4/secrets"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(2)
            .mount(&server)
            .await;
        let client = client(&server, ApiVersion::Current);
        let req = ListSecrets::new(PROJECT, "dev").recursive(true);
        let full = client.secrets().list(&req).await.unwrap().into_map();
        let values = client.secrets().list_values(&req).await.unwrap();
        let full: Vec<(String, String)> =
            full.iter().map(|(at, s)| (at.to_string(), s.value.expose_secret().to_owned())).collect();
        let lean: Vec<(String, String)> =
            values.iter().map(|(at, v)| (at.to_string(), v.expose_secret().to_owned())).collect();
        assert!(!lean.is_empty());
        assert_eq!(lean, full);
    }
}
