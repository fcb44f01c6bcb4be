//! The current API (secrets v4, folders and imports v2, cert-manager, projects): bodies and paths as in
//! the reference; automatic version choice both ways and pinning; the import-precedence map; ETag and
//! approvals. One module for secrets, one for the API generation, one for the other resources; the
//! helpers they share are here.

#[path = "../common/mod.rs"]
mod common;
mod other_resources;
mod secrets;
mod versions;

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
