//! What the secret import routes answer.

use serde::Deserialize;

use crate::resources::{lenient_u64, null_default};

/// A secret import: a folder pulling in the secrets of another environment's folder, as
/// [`Imports`](super::Imports) answers it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["068-secret-imports-get-by-id"] {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
/// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
/// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
/// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
/// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
/// #     }
/// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
/// #     mock.respond_with(answer).expect(1).mount(&server).await;
/// # }
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
/// let import = client.imports().get("b7cbf7bc-8244-410f-b2ce-f07250cc480e").await?;
/// assert_eq!(import.import_path, "/shared");
/// assert_eq!(import.import_env.map(|e| e.slug).as_deref(), Some("staging"));
/// assert!(!import.is_replication);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SecretImport {
    /// The id.
    pub id: String,
    /// The folder imported from.
    #[serde(default, deserialize_with = "null_default")]
    pub import_path: String,
    /// The environment imported from.
    pub import_env: Option<ImportEnvironment>,
    /// Its position among the folder's imports (later positions win).
    #[serde(default, deserialize_with = "lenient_u64")]
    pub position: u64,
    /// The id of the importing folder.
    pub folder_id: Option<String>,
    /// Whether it replicates rather than references.
    #[serde(default, deserialize_with = "null_default")]
    pub is_replication: bool,
    /// The importing environment (get).
    pub environment: Option<ImportEnvironment>,
    /// The project's id (get).
    pub project_id: Option<String>,
    /// Creation time (ISO 8601).
    pub created_at: Option<String>,
}

/// An environment as imports name it: where an import comes from
/// ([`SecretImport::import_env`]), or the importing one ([`SecretImport::environment`]).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["068-secret-imports-get-by-id"] {
/// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
/// #     let s: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
/// #     let mut mock = wiremock::Mock::given(wiremock::matchers::method(s["method"].as_str().unwrap()))
/// #         .and(wiremock::matchers::path(s["path"].as_str().unwrap()));
/// #     if !s["body"].is_null() { mock = mock.and(wiremock::matchers::body_json(&s["body"])); }
/// #     for (k, v) in s["query"].as_object().into_iter().flatten() {
/// #         mock = mock.and(wiremock::matchers::query_param(k.as_str(), v.as_str().unwrap()));
/// #     }
/// #     let answer = wiremock::ResponseTemplate::new(s["status"].as_u64().unwrap() as u16).set_body_json(&s["response"]);
/// #     mock.respond_with(answer).expect(1).mount(&server).await;
/// # }
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
/// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
/// let import = client.imports().get("b7cbf7bc-8244-410f-b2ce-f07250cc480e").await?;
/// let from = import.import_env.expect("an import names its source");
/// assert_eq!((from.slug.as_str(), from.name.as_str()), ("staging", "Staging"));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportEnvironment {
    /// Its id.
    #[serde(default)]
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its slug.
    #[serde(default)]
    pub slug: String,
}
