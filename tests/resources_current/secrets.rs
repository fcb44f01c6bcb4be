//! Secrets v4: every flag of a list, writes with the project id and a JSON body, writes that need
//! approval, `ETag` revalidation, and the import-precedence map (recorded and made up).

use super::*;

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
    assert_eq!(list.secrets[0].metadata()[0], SecretMetadata::new("team", "core"));
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
