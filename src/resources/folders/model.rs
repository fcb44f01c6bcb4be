//! What the folder routes answer.

use serde::Deserialize;

use crate::resources::{lenient_u64, null_default};

/// A folder, as [`Folders`](super::Folders) answers it. Which fields are filled depends on the call: a
/// [`get`](super::Folders::get) has the path, environment and project; a recursive
/// [`list`](super::Folders::list) the path relative to the listed folder.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["060-folders-get-by-id"] {
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
/// let folder = client.folders().get("73a450e8-6666-48dc-9a37-f366a98e82f8").await?;
/// assert_eq!(folder.name, "tmp-folder");
/// assert_eq!(folder.path.as_deref(), Some("/tmp-folder"));
/// assert_eq!(folder.version, 1);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Folder {
    /// The id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The version.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub version: u64,
    /// The environment's id.
    #[serde(default, deserialize_with = "null_default")]
    pub env_id: String,
    /// The parent folder's id.
    pub parent_id: Option<String>,
    /// The description (current servers).
    pub description: Option<String>,
    /// The full path, when the server says (get, create, update).
    pub path: Option<String>,
    /// The path relative to the listed folder (recursive lists on current servers; filled in by the
    /// client on legacy servers).
    pub relative_path: Option<String>,
    /// The environment (get).
    pub environment: Option<FolderEnvironment>,
    /// The project's id (get).
    pub project_id: Option<String>,
    /// Creation time (ISO 8601).
    pub created_at: Option<String>,
    /// Last update time (ISO 8601).
    pub updated_at: Option<String>,
}

/// The environment of a folder, as [`Folders::get`](super::Folders::get) returns it.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["060-folders-get-by-id"] {
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
/// let folder = client.folders().get("73a450e8-6666-48dc-9a37-f366a98e82f8").await?;
/// let env = folder.environment.expect("a get names the environment");
/// assert_eq!((env.env_slug.as_str(), env.env_name.as_str()), ("dev", "Development"));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FolderEnvironment {
    /// Its id.
    pub env_id: String,
    /// Its name.
    pub env_name: String,
    /// Its slug.
    pub env_slug: String,
}
