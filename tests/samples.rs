//! Every recorded exchange of the 2024 server that belongs to a resource, replayed through the public
//! API: the mock only answers when the request has the recorded method, path, query parameters and
//! (exact) JSON body, and the answer must decode into the typed result or error it should.

mod common;

use common::*;
use infisical_config::resources::certificates::{LegacyIssue, ListCertificates};
use infisical_config::resources::folders::{CreateFolder, DeleteFolder, ListFolders, UpdateFolder};
use infisical_config::resources::imports::ImportTarget;
use infisical_config::resources::kms::KeyChange;
use infisical_config::resources::secrets::{
    Batch, BatchSecret, CreateSecret, DeleteSecret, GetSecret, ListSecrets, SecretType, UpdateSecret,
};
use infisical_config::resources::{ApiVersion, Outcome, ProjectRef};
use infisical_config::{Client, Error, ExposeSecret, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer};

/// A server answering exactly the recorded request of each sample, and a client pinned to legacy routes.
async fn replay(prefixes: &[&str]) -> (MockServer, Client) {
    let server = MockServer::start().await;
    for prefix in prefixes {
        let s = sample(prefix);
        let mut mock = Mock::given(method(s["method"].as_str().unwrap())).and(path(s["path"].as_str().unwrap()));
        if let Some(q) = s["query"].as_object() {
            for (k, v) in q {
                mock = mock.and(query_param(k.as_str(), v.as_str().unwrap()));
            }
        }
        if !s["body"].is_null() {
            mock = mock.and(body_json(s["body"].clone()));
        }
        mock.respond_with(recorded(prefix)).expect(1).named(*prefix).mount(&server).await;
    }
    let client = builder(&server.uri())
        .access_token("t")
        .api_version(ApiVersion::Legacy)
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap();
    (server, client)
}

fn body(prefix: &str) -> Value {
    sample(prefix)["body"].clone()
}

fn response(prefix: &str) -> Value {
    sample(prefix)["response"].clone()
}

fn name_in_path(prefix: &str) -> String {
    sample(prefix)["path"].as_str().unwrap().rsplit('/').next().unwrap().to_owned()
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_default()
}

fn api_status(err: &Error) -> (u16, String) {
    match err {
        Error::Api(api) => (api.status(), api.error_name().unwrap_or_default().to_owned()),
        other => panic!("not an API error: {other:?}"),
    }
}

#[tokio::test]
async fn secret_creates() {
    for prefix in ["015", "017", "019", "020", "021", "022", "023", "024", "026", "027", "047", "071"] {
        let b = body(prefix);
        let mut req =
            CreateSecret::new(PROJECT, str_of(&b, "environment"), name_in_path(prefix), str_of(&b, "secretValue"))
                .path(str_of(&b, "secretPath"));
        if let Some(c) = b["secretComment"].as_str() {
            req = req.comment(c);
        }
        if let Some(tags) = b["tagIds"].as_array() {
            req = req.tag_ids(tags.iter().map(|t| t.as_str().unwrap().to_owned()));
        }
        let (_server, client) = replay(&[prefix]).await;
        let Outcome::Applied(secret) = client.secrets().create(&req).await.unwrap() else {
            panic!("{prefix}: approval?")
        };
        let want = &response(prefix)["secret"];
        assert_eq!(secret.key, str_of(want, "secretKey"), "{prefix}");
        assert_eq!(secret.value.expose_secret(), str_of(want, "secretValue"), "{prefix}");
        assert_eq!(secret.id(), str_of(want, "id"), "{prefix}");
        assert_eq!(secret.version, 1, "{prefix}");
        assert_eq!(secret.kind, SecretType::Shared);
    }
}

#[tokio::test]
async fn secret_batches() {
    for prefix in ["018", "054"] {
        let b = body(prefix);
        let mut batch = Batch::new(PROJECT, "dev").path(str_of(&b, "secretPath"));
        for item in b["secrets"].as_array().unwrap() {
            let mut s = BatchSecret::new(str_of(item, "secretKey")).value(str_of(item, "secretValue"));
            if let Some(c) = item["secretComment"].as_str() {
                s = s.comment(c);
            }
            batch = batch.secret(s);
        }
        let (_server, client) = replay(&[prefix]).await;
        let created = client.secrets().create_many(&batch).await.unwrap().applied().unwrap();
        assert_eq!(created.len(), b["secrets"].as_array().unwrap().len(), "{prefix}");
    }
    let (_server, client) = replay(&["055"]).await;
    let batch = Batch::new(PROJECT, "dev")
        .secret(BatchSecret::new("BATCH_A").value("a2"))
        .secret(BatchSecret::new("BATCH_B").value("b2").comment("updated"));
    let updated = client.secrets().update_many(&batch).await.unwrap().applied().unwrap();
    assert_eq!(updated[1].comment(), "updated");
    let (_server, client) = replay(&["056"]).await;
    let batch = Batch::new(PROJECT, "dev").secret(BatchSecret::new("BATCH_A")).secret(BatchSecret::new("BATCH_B"));
    assert_eq!(client.secrets().delete_many(&batch).await.unwrap().applied().unwrap().len(), 2);
}

#[tokio::test]
async fn secret_updates_and_deletes() {
    let (_server, client) = replay(&["048"]).await;
    let updated = client.secrets().update(&UpdateSecret::new(PROJECT, "dev", "TEMP_SECRET").value("v2")).await.unwrap();
    assert_eq!(updated.applied().unwrap().version, 2);

    let (_server, client) = replay(&["072"]).await;
    let req = UpdateSecret::new(PROJECT, "dev", "TEMP2")
        .value("second")
        .new_name("TEMP2_RENAMED")
        .comment("renamed")
        .tag_ids(["8942b6b0-98f1-41ac-a9e9-ea8cb604831a"]);
    let renamed = client.secrets().update(&req).await.unwrap().applied().unwrap();
    assert_eq!(renamed.key, "TEMP2_RENAMED");

    for (prefix, name) in [("076", "TEMP2_RENAMED"), ("077", "TEMP_SECRET")] {
        let (_server, client) = replay(&[prefix]).await;
        let deleted = client.secrets().delete(&DeleteSecret::new(PROJECT, "dev", name)).await.unwrap();
        assert_eq!(deleted.applied().unwrap().key, name);
    }
}

#[tokio::test]
async fn a_rename_without_value_works_on_servers_that_require_one() {
    // 049: this server refuses a PATCH without secretValue. The client reads the value first and
    // sends it back, so the rename works: the mock only answers a body carrying the current value.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/secrets/raw/TEMP2"))
        .and(query_param("expandSecretReferences", "false"))
        .respond_with(recorded("073"))
        .expect(1)
        .named("read current")
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/api/v3/secrets/raw/TEMP2"))
        .and(wiremock::matchers::body_partial_json(
            serde_json::json!({"secretValue": "second", "newSecretName": "TEMP2_RENAMED"}),
        ))
        .respond_with(recorded("072"))
        .expect(1)
        .named("rename")
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let renamed =
        client.secrets().update(&UpdateSecret::new(PROJECT, "dev", "TEMP2").new_name("TEMP2_RENAMED")).await.unwrap();
    assert_eq!(renamed.applied().unwrap().key, "TEMP2_RENAMED");

    // And the recorded refusal itself decodes into a validation error naming the field.
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(recorded("049")).mount(&server).await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let err = client.secrets().update(&UpdateSecret::new(PROJECT, "dev", "TEMP_SECRET").value("x")).await.unwrap_err();
    assert!(err.to_string().contains("`secretValue`: Required"), "{err}");
}

#[tokio::test]
async fn secret_lists() {
    // 087 and 088 (an unknown environment and folder answered 200 and nothing) are no longer lists
    // that succeed: the empty answer is checked and fails as `Error::NotFound`
    // (`tests/unknown_targets.rs` replays them).
    for prefix in ["028", "029", "030", "031", "032", "033", "034", "035", "036", "037", "038", "039", "040", "126"] {
        let q = sample(prefix)["query"].clone();
        let project = match q["workspaceSlug"].as_str() {
            Some(slug) => ProjectRef::slug(slug),
            None => ProjectRef::id(str_of(&q, "workspaceId")),
        };
        let mut req = ListSecrets::new(project, str_of(&q, "environment"));
        if let Some(p) = q["secretPath"].as_str() {
            req = req.path(p);
        }
        for (param, set) in [("expandSecretReferences", 0), ("recursive", 1), ("include_imports", 2)] {
            if let Some(v) = q[param].as_str() {
                let v = v == "true";
                req = match set {
                    0 => req.expand_references(v),
                    1 => req.recursive(v),
                    _ => req.include_imports(v),
                };
            }
        }
        if let Some(tags) = q["tagSlugs"].as_str() {
            req = req.tags(tags.split(','));
        }
        let (_server, client) = replay(&[prefix]).await;
        let list = client.secrets().list(&req).await.unwrap();
        let want = response(prefix);
        let keys: Vec<&str> = list.secrets.iter().map(|s| s.key.as_str()).collect();
        let want_keys: Vec<&str> = want["secrets"].as_array().unwrap().iter().map(|s| str_of(s, "secretKey")).collect();
        assert_eq!(keys, want_keys, "{prefix}");
        assert_eq!(list.imports.len(), want["imports"].as_array().map_or(0, Vec::len), "{prefix}");
        for (got, want) in list.secrets.iter().zip(want["secrets"].as_array().unwrap()) {
            assert_eq!(got.value.expose_secret(), str_of(want, "secretValue"), "{prefix} {}", got.key);
        }
        assert_eq!(list.etag.as_deref(), sample(prefix)["headers"]["etag"].as_str(), "{prefix}");
        if prefix == "039" {
            assert_eq!(list.secrets[0].tags()[0].slug, "backend");
        }
    }
}

#[tokio::test]
async fn secret_gets() {
    for prefix in ["041", "042", "043", "044", "045", "046", "073", "074", "075", "127", "128"] {
        let q = sample(prefix)["query"].clone();
        let project = match q["workspaceSlug"].as_str() {
            Some(slug) => ProjectRef::slug(slug),
            None => ProjectRef::id(str_of(&q, "workspaceId")),
        };
        let mut req = GetSecret::new(project, str_of(&q, "environment"), name_in_path(prefix));
        if let Some(p) = q["secretPath"].as_str() {
            req = req.path(p);
        }
        if let Some(v) = q["version"].as_str() {
            req = req.version(v.parse().unwrap());
        }
        if let Some(v) = q["expandSecretReferences"].as_str() {
            req = req.expand_references(v == "true");
        }
        if let Some(v) = q["include_imports"].as_str() {
            req = req.include_imports(v == "true");
        }
        let (_server, client) = replay(&[prefix]).await;
        let secret = client.secrets().get(&req).await.unwrap();
        let want = &response(prefix)["secret"];
        assert_eq!(secret.key, str_of(want, "secretKey"), "{prefix}");
        assert_eq!(secret.value.expose_secret(), str_of(want, "secretValue"), "{prefix}");
        assert_eq!(secret.version, want["version"].as_u64().unwrap(), "{prefix}");
    }
    // 127: asked for version 1, this server answers the latest (version 2): the typed result says so.
    let (_server, client) = replay(&["127"]).await;
    let s = client.secrets().get(&GetSecret::new(PROJECT, "dev", "VERSIONED").version(1)).await.unwrap();
    assert_eq!((s.version, s.value.expose_secret()), (2, "two"));
    // 042 expands the references that 041 leaves.
    let (_server, client) = replay(&["042"]).await;
    let s = client.secrets().get(&GetSecret::new(PROJECT, "dev", "DB_URL").path("/db")).await.unwrap();
    assert_eq!(s.value.expose_secret(), "postgres://app_user:s3cr3t-Pa55!@db.internal.example:5432/app");
}

#[tokio::test]
async fn secret_errors() {
    let (_s, client) = replay(&["050"]).await;
    let err = client.secrets().get(&GetSecret::new(PROJECT, "dev", "TEMP_SECRET_RENAMED")).await.unwrap_err();
    assert_eq!(api_status(&err), (404, "NotFound".into()));
    assert_eq!(err.to_string(), "Client Error 404: Secret with name 'TEMP_SECRET_RENAMED' not found");

    let (_s, client) = replay(&["078"]).await;
    assert!(client.secrets().get(&GetSecret::new(PROJECT, "dev", "TEMP2_RENAMED")).await.unwrap_err().is_not_found());

    let (_s, client) = replay(&["052"]).await;
    let err = client.secrets().delete(&DeleteSecret::new(PROJECT, "dev", "TEMP_SECRET_RENAMED")).await.unwrap_err();
    assert_eq!(api_status(&err), (404, "DeleteSecret".into()));

    let (_s, client) = replay(&["090"]).await;
    let err = client.secrets().create(&CreateSecret::new(PROJECT, "dev", "APP_NAME", "dup")).await.unwrap_err();
    assert_eq!(err.to_string(), "Client Error 400: Secret already exist");

    let (_s, client) = replay(&["091"]).await;
    let err = client
        .secrets()
        .create(&CreateSecret::new(PROJECT, "dev", "X_KEY", "x").path("/no/such/folder"))
        .await
        .unwrap_err();
    assert_eq!(api_status(&err), (404, "CreateSecret".into()));

    let (_s, client) = replay(&["095"]).await;
    let err = client.secrets().get(&GetSecret::new(ProjectRef::id("not-a-uuid"), "dev", "APP_NAME")).await.unwrap_err();
    assert!(err.to_string().contains("not found during bot lookup"), "{err}");

    let (_s, client) = replay(&["097"]).await;
    let err =
        client.secrets().list(&ListSecrets::new("27e408af-fbc5-4bec-adf9-ba58a84d9d0f", "dev")).await.unwrap_err();
    assert_eq!(err.status(), Some(403));

    let (_s, client) = replay(&["117"]).await;
    let err = client.secrets().get(&GetSecret::new(PROJECT, "dev", "APP_NAME")).await.unwrap_err();
    assert_eq!(api_status(&err), (429, "RateLimitExceeded".into()));

    // 016, 092: matched on method and path only (this API cannot send a null tag id or broken JSON).
    for (prefix, status) in [("016", 401), ("092", 500)] {
        let server = MockServer::start().await;
        let s = sample(prefix);
        Mock::given(method("POST"))
            .and(path(s["path"].as_str().unwrap()))
            .respond_with(recorded(prefix))
            .mount(&server)
            .await;
        let client = builder(&server.uri())
            .access_token("t")
            .api_version(ApiVersion::Legacy)
            .retry(RetryPolicy::disabled())
            .build()
            .unwrap();
        let err =
            client.secrets().create(&CreateSecret::new(PROJECT, "dev", name_in_path(prefix), "x")).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{prefix}");
    }
}

#[tokio::test]
async fn requests_the_server_would_refuse_are_refused_before_sending() {
    // 085 and 086: a missing environment or project never leaves the client.
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(recorded("085"))
        .expect(0)
        .named("nothing")
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let cases: Vec<(Error, &str)> = vec![
        (client.secrets().list(&ListSecrets::new(PROJECT, "")).await.unwrap_err(), "environment"),
        (client.secrets().list(&ListSecrets::new("", "dev")).await.unwrap_err(), "project"),
        (client.secrets().create(&CreateSecret::new(PROJECT, "dev", "a/b", "v")).await.unwrap_err(), "name"),
        (client.secrets().create(&CreateSecret::new(PROJECT, "dev", "a:b", "v")).await.unwrap_err(), "name"),
        (client.secrets().create(&CreateSecret::new(PROJECT, "dev", " ", "v")).await.unwrap_err(), "name"),
        (
            client.secrets().update(&UpdateSecret::new(PROJECT, "dev", "A").new_name("x/y")).await.unwrap_err(),
            "new_name",
        ),
        (client.secrets().create_many(&Batch::new(PROJECT, "dev")).await.unwrap_err(), "secrets"),
        (
            client
                .secrets()
                .create_many(&Batch::new(PROJECT, "dev").secret(BatchSecret::new("NO_VALUE")))
                .await
                .unwrap_err(),
            "secrets.secretValue",
        ),
        (client.folders().create(&CreateFolder::new(PROJECT, "dev", "a.b")).await.unwrap_err(), "name"),
        (client.folders().create(&CreateFolder::new(PROJECT, "dev", "")).await.unwrap_err(), "name"),
        (client.certificates().list(&ListCertificates::new("slug").limit(0)).await.unwrap_err(), "limit"),
        (client.certificates().list(&ListCertificates::new("slug").limit(101)).await.unwrap_err(), "limit"),
        (client.kms().encrypt("", b"x").await.unwrap_err(), "key_id"),
        (
            client
                .secrets()
                .list(&(0..11).fold(ListSecrets::new(PROJECT, "dev"), |r, i| r.metadata_filter(format!("k{i}"), "v")))
                .await
                .unwrap_err(),
            "metadata_filter",
        ),
    ];
    for (err, field) in cases {
        let Error::InvalidRequest { field: got, .. } = &err else { panic!("{field}: {err:?}") };
        assert_eq!(*got, field, "{err}");
        assert!(err.to_string().contains(&format!("`{field}`")), "{err}");
    }
}

#[tokio::test]
async fn folders() {
    for prefix in ["011", "012", "013", "014", "059", "063", "093"] {
        let b = body(prefix);
        let (_s, client) = replay(&[prefix]).await;
        let folder = client
            .folders()
            .create(&CreateFolder::new(PROJECT, str_of(&b, "environment"), str_of(&b, "name")).path(str_of(&b, "path")))
            .await
            .unwrap();
        assert_eq!(folder.name, str_of(&b, "name"), "{prefix}");
        assert_eq!(folder.id, str_of(&response(prefix)["folder"], "id"), "{prefix}");
    }
    for (prefix, p) in [("057", "/"), ("058", "/db")] {
        let (_s, client) = replay(&[prefix]).await;
        let folders = client.folders().list(&ListFolders::new(PROJECT, "dev").path(p)).await.unwrap();
        assert_eq!(folders.len(), response(prefix)["folders"].as_array().unwrap().len(), "{prefix}");
    }
    let (_s, client) = replay(&["060"]).await;
    let f = client.folders().get("73a450e8-6666-48dc-9a37-f366a98e82f8").await.unwrap();
    assert_eq!(f.path.as_deref(), Some("/tmp-folder"));
    assert_eq!(f.environment.unwrap().env_slug, "dev");

    let (_s, client) = replay(&["061"]).await;
    let req = UpdateFolder::new(PROJECT, "dev", "73a450e8-6666-48dc-9a37-f366a98e82f8", "tmp-folder-renamed");
    assert_eq!(client.folders().update(&req).await.unwrap().version, 2);

    let (_s, client) = replay(&["062"]).await;
    let deleted = client
        .folders()
        .delete(&DeleteFolder::new(PROJECT, "dev", "73a450e8-6666-48dc-9a37-f366a98e82f8"))
        .await
        .unwrap();
    assert_eq!(deleted.applied().unwrap().name, "tmp-folder-renamed");
    let (_s, client) = replay(&["064"]).await;
    let deleted = client.folders().delete(&DeleteFolder::new(PROJECT, "dev", "tmp2").path("/db")).await.unwrap();
    assert_eq!(deleted.applied().unwrap().name, "tmp2");
    let (_s, client) = replay(&["065"]).await;
    let err = client.folders().delete(&DeleteFolder::new(PROJECT, "dev", "does-not-exist")).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn recursive_folder_lists_walk_the_tree_on_legacy_servers() {
    let server = MockServer::start().await;
    for (p, prefix) in [("/", "057"), ("/db", "058")] {
        Mock::given(method("GET"))
            .and(path("/api/v1/folders"))
            .and(query_param("path", p))
            .respond_with(recorded(prefix))
            .expect(1)
            .named(p)
            .mount(&server)
            .await;
    }
    for p in ["/app", "/db/replica"] {
        Mock::given(method("GET"))
            .and(path("/api/v1/folders"))
            .and(query_param("path", p))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(serde_json::json!({"folders": []})))
            .expect(1)
            .named(p)
            .mount(&server)
            .await;
    }
    let client = builder(&server.uri()).access_token("t").api_version(ApiVersion::Legacy).build().unwrap();
    let folders = client.folders().list(&ListFolders::new(PROJECT, "dev").recursive(true)).await.unwrap();
    let mut paths: Vec<String> = folders.iter().map(|f| f.relative_path.clone().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, ["/app", "/db", "/db/replica"]);
}

#[tokio::test]
async fn imports() {
    let target = ImportTarget::new(PROJECT, "dev").path("/app");
    let (_s, client) = replay(&["025"]).await;
    let created = client.imports().create(&target, "staging", "/shared", false).await.unwrap();
    assert_eq!(created.import_path, "/shared");
    assert_eq!(created.import_env.unwrap().slug, "staging");

    let (_s, client) = replay(&["066"]).await;
    let list = client.imports().list(&target).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].position, 1);

    let (_s, client) = replay(&["067"]).await;
    let imported = client.imports().secrets(&target).await.unwrap();
    assert_eq!(imported[0].environment, "staging");
    assert_eq!(imported[0].secrets[0].value.expose_secret(), "shared-key-from-staging-123");

    let (_s, client) = replay(&["068"]).await;
    let one = client.imports().get("b7cbf7bc-8244-410f-b2ce-f07250cc480e").await.unwrap();
    assert_eq!(one.project_id.as_deref(), Some(PROJECT));
    assert_eq!(one.environment.unwrap().slug, "dev");
}

#[tokio::test]
#[allow(deprecated)]
async fn legacy_certificates() {
    let (_s, client) = replay(&["106"]).await;
    let issued = client
        .certificates()
        .issue_legacy(&LegacyIssue::new("svc2.internal.example").ca("01e527f6-a7be-4348-a882-21f6529726cf").ttl("1d"))
        .await
        .unwrap();
    assert_eq!(issued.serial_number, "335c0308caf8f973c14899459d655d4542506426");
    assert!(issued.private_key.unwrap().expose_secret().starts_with("-----BEGIN PRIVATE KEY-----"));

    let ca = "01e527f6-a7be-4348-a882-21f6529726cf";
    let (_s, client) = replay(&["113"]).await;
    let req = LegacyIssue::new("svc.internal.example")
        .friendly_name("svc cert")
        .alt_names(["svc.internal.example", "localhost"])
        .ttl("30d")
        .key_usages(["digitalSignature", "keyEncipherment"])
        .extended_key_usages(["serverAuth"]);
    let issued = client.certificates().issue_from_ca(ca, &req).await.unwrap();
    assert_eq!(issued.serial_number, "25c2bddbf3935cfce23b57e88dc7e316ccec6e30");

    let (_s, client) = replay(&["105"]).await;
    let bad = LegacyIssue::new("svc.internal.example")
        .friendly_name("svc cert")
        .alt_names(["svc.internal.example", "localhost"])
        .ttl("30d")
        .key_usages(["digital_signature", "key_encipherment"])
        .extended_key_usages(["server_auth"]);
    let err = client.certificates().issue_from_ca(ca, &bad).await.unwrap_err();
    assert!(err.to_string().contains("`keyUsages.0`"), "{err}");

    let (_s, client) = replay(&["111"]).await;
    let err = client.certificates().issue_from_ca(ca, &LegacyIssue::new("x.example").ttl("forever")).await.unwrap_err();
    assert!(err.to_string().contains("`ttl`: TTL must be a positive number"), "{err}");

    let serial = "25c2bddbf3935cfce23b57e88dc7e316ccec6e30";
    let (_s, client) = replay(&["114"]).await;
    let info = client.certificates().get_by_serial(serial).await.unwrap();
    assert_eq!((info.common_name.as_str(), info.status.as_str()), ("svc.internal.example", "active"));
    assert_eq!(info.key_usages, ["digitalSignature", "keyEncipherment"]);
    let (_s, client) = replay(&["115"]).await;
    let body = client.certificates().body_by_serial(serial).await.unwrap();
    assert!(body.certificate.starts_with("-----BEGIN CERTIFICATE-----"));
    for (prefix, serial) in [("107", "None"), ("116", "00aa")] {
        let (_s, client) = replay(&[prefix]).await;
        let err = client.certificates().get_by_serial(serial).await.unwrap_err();
        assert!(err.to_string().starts_with("Server Error 500"), "{err}");
    }

    let (_s, client) = replay(&["110"]).await;
    let page = client.certificates().list(&ListCertificates::new(ProjectRef::slug("rust-sdk-test"))).await.unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.certificates[0].serial_number, "335c0308caf8f973c14899459d655d4542506426");

    // Issuing needs exactly one issuer.
    let err = client.certificates().issue_legacy(&LegacyIssue::new("x")).await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { field: "ca", .. }), "{err:?}");
}

#[tokio::test]
async fn kms() {
    let (_s, client) = replay(&["118"]).await;
    let key = client.kms().create_key(PROJECT, "rust-sdk-key", Some("test key"), Some("aes-256-gcm")).await.unwrap();
    assert_eq!(key.id, "189026fc-45d0-4250-b564-d038b045f446");
    let (_s, client) = replay(&["124"]).await;
    let key = client.kms().create_key(PROJECT, "temp-key", None, None).await.unwrap();
    assert_eq!(key.description, None);
    let (_s, client) = replay(&["119"]).await;
    assert_eq!(client.kms().list_keys(PROJECT).await.unwrap()[0].name, "rust-sdk-key");

    let key_id = "189026fc-45d0-4250-b564-d038b045f446";
    let (_s, client) = replay(&["120"]).await;
    let ciphertext = client.kms().encrypt(key_id, b"hello rust sdk").await.unwrap();
    assert_eq!(ciphertext, str_of(&response("120"), "ciphertext"));
    let (_s, client) = replay(&["121"]).await;
    let plain = client.kms().decrypt(key_id, str_of(&body("121"), "ciphertext")).await.unwrap();
    assert_eq!(plain.expose_secret(), b"hello rust sdk");
    let (_s, client) = replay(&["122"]).await;
    let key = client.kms().update_key(key_id, &KeyChange::default().description("updated description")).await.unwrap();
    assert_eq!(key.description.as_deref(), Some("updated description"));
    let (_s, client) = replay(&["125"]).await;
    assert_eq!(client.kms().delete_key("4c8ffbac-f240-496b-afbf-2ad522fcb590").await.unwrap().name, "temp-key");

    // 123: the client always base64-encodes, so the recorded refusal is matched on the route only.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(sample("123")["path"].as_str().unwrap()))
        .respond_with(recorded("123"))
        .mount(&server)
        .await;
    let client = builder(&server.uri()).access_token("t").build().unwrap();
    let err = client.kms().encrypt(key_id, b"x").await.unwrap_err();
    assert!(err.to_string().contains("`plaintext`: plaintext must be base64 encoded"), "{err}");
}
