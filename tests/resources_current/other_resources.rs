//! Projects on both generations, folders and imports v2, and the cert-manager routes.

use super::*;

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
