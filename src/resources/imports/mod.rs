//! Secret imports: one folder pulling in the secrets of another (environment, path).
//!
//! Current servers: `/api/v2/secret-imports` with `projectId`; servers of 2024: `/api/v1/secret-imports`
//! with `workspaceId`.

mod model;
mod requests;

pub use model::{ImportEnvironment, SecretImport};
pub use requests::{ImportChange, ImportTarget};

use serde::{Deserialize, Serialize};

use super::{check_environment, normalize_path, null_default, require};
use crate::Client;
use crate::error::Result;
use crate::routes::Routes;
use crate::transport::ApiRequest;

#[derive(Serialize)]
struct Source<'a> {
    environment: &'a str,
    path: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportBody<'a, I: Serialize> {
    environment: &'a str,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    import: Option<I>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_replication: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OneImport {
    secret_import: SecretImport,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManyImports {
    #[serde(default, deserialize_with = "null_default")]
    secret_imports: Vec<SecretImport>,
}

/// The secret imports handler: `client.imports()`. Lists, reads, creates, moves and removes the
/// imports of a folder, on both server generations.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let server = wiremock::MockServer::start().await;
/// # for name in ["025-create-secret-import", "066-secret-imports-list-dev-app"] {
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
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::imports::ImportTarget;
///
/// let app = ImportTarget::new(project, "dev").path("/app");
/// let created = client.imports().create(&app, "staging", "/shared", false).await?;
/// let listed = client.imports().list(&app).await?;
/// assert_eq!(listed[0].id, created.id);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Imports<'c> {
    client: &'c Client,
}

impl Client {
    /// The secret imports handler: see [`Imports`].
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("staging", "/shared", "SHARED_API_KEY", "k").import("dev", "/app", "staging", "/shared").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::imports::ImportTarget;
    ///
    /// let imports = client.imports().list(&ImportTarget::new(fake.project_id(), "dev").path("/app")).await?;
    /// assert_eq!(imports.len(), 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn imports(&self) -> Imports<'_> {
        Imports { client: self }
    }
}

impl Imports<'_> {
    async fn scoped(&self, target: &ImportTarget) -> Result<String> {
        check_environment(&target.environment)?;
        self.client.project_id(&target.project).await
    }

    /// The imports of a folder, in position order.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder()
    /// #     .secret("staging", "/shared", "SHARED_API_KEY", "k").import("dev", "/app", "staging", "/shared").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::imports::ImportTarget;
    ///
    /// let imports = client.imports().list(&ImportTarget::new(fake.project_id(), "dev").path("/app")).await?;
    /// assert_eq!(imports[0].position, 1);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment or project,
    /// before any request; [`Error::Api`](crate::Error::Api) when the server refuses (a project
    /// the identity is not a member of: 403).
    pub async fn list(&self, target: &ImportTarget) -> Result<Vec<SecretImport>> {
        let resp = self.read(target, |r| r.imports).await?;
        let mut imports = resp.json::<ManyImports>()?.secret_imports;
        imports.sort_by_key(|i| i.position);
        Ok(imports)
    }

    /// The secrets a folder imports, grouped by import: what a secret list with imports adds
    /// ([`ListSecrets::include_imports`](crate::resources::ListSecrets::include_imports)), on its own.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["067-secret-imports-secrets-raw-dev-app"] {
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
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::imports::ImportTarget;
    ///
    /// let imported = client.imports().secrets(&ImportTarget::new(project, "dev").path("/app")).await?;
    /// assert_eq!((imported[0].environment.as_str(), imported[0].secret_path.as_str()), ("staging", "/shared"));
    /// assert_eq!(imported[0].secrets[0].key, "SHARED_API_KEY");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment or project,
    /// before any request; [`Error::Api`](crate::Error::Api) when the server refuses.
    pub async fn secrets(&self, target: &ImportTarget) -> Result<Vec<crate::resources::secrets::ImportedSecrets>> {
        #[derive(Deserialize)]
        struct Answer {
            #[serde(default, deserialize_with = "null_default")]
            secrets: Vec<crate::resources::secrets::ImportedSecrets>,
        }
        Ok(self.read(target, |r| r.import_secrets).await?.json::<Answer>()?.secrets)
    }

    /// A read about the target folder at the route `route` picks from the table.
    async fn read(
        &self,
        target: &ImportTarget,
        route: fn(&Routes) -> &'static [&'static str],
    ) -> Result<crate::transport::ApiResponse> {
        let project_id = self.scoped(target).await?;
        self.client
            .routed(|routes| {
                Ok(ApiRequest::get(route(routes))
                    .query(routes.project_id, project_id.as_str())
                    .query("environment", target.environment.as_str())
                    .query("path", normalize_path(&target.path)))
            })
            .await
    }

    /// One import by id, with the importing environment and project.
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
    /// assert_eq!(import.environment.map(|e| e.slug).as_deref(), Some("dev"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty id, before any request;
    /// [`Error::Api`](crate::Error::Api) (404) when there is no such import.
    pub async fn get(&self, id: &str) -> Result<SecretImport> {
        require("id", id)?;
        let resp = self.client.routed(|routes| Ok(ApiRequest::get(routes.imports).segment(id))).await?;
        Ok(resp.json::<OneImport>()?.secret_import)
    }

    /// Imports the secrets of `from_environment`:`from_path` into the target folder, as a reference
    /// (`replicate` false: reads see the source's current values) or a replica (`replicate` true:
    /// copies kept in sync by the server, for sources the readers may not see).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let server = wiremock::MockServer::start().await;
    /// # for name in ["025-create-secret-import"] {
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
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::imports::ImportTarget;
    ///
    /// let app = ImportTarget::new(project, "dev").path("/app");
    /// let import = client.imports().create(&app, "staging", "/shared", false).await?;
    /// assert_eq!(import.id, "b7cbf7bc-8244-410f-b2ce-f07250cc480e");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment (either) or
    /// project, before any request; [`Error::Api`](crate::Error::Api) when the server refuses (the
    /// source folder does not exist, or is imported already).
    pub async fn create(
        &self,
        target: &ImportTarget,
        from_environment: &str,
        from_path: &str,
        replicate: bool,
    ) -> Result<SecretImport> {
        check_environment(from_environment)?;
        let project_id = self.scoped(target).await?;
        let body = ImportBody {
            environment: &target.environment,
            path: normalize_path(&target.path),
            import: Some(Source { environment: from_environment, path: normalize_path(from_path) }),
            // Omitted unless asked: servers default to false, and old ones know no such field.
            is_replication: replicate.then_some(true),
        };
        let resp = self.client.scoped_write(reqwest::Method::POST, |r| r.imports, None, &project_id, &body).await?;
        Ok(resp.json::<OneImport>()?.secret_import)
    }

    /// Changes import `id` of the target folder: its source or its position.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
    /// # let server = wiremock::MockServer::start().await;
    /// # let recorded = |name: &str| -> serde_json::Value {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     sample["response"].take()
    /// # };
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// # let sent = serde_json::json!({"workspaceId": project, "environment": "dev", "path": "/app", "import": {"position": 2}});
    /// # let mut answer = recorded("025-create-secret-import");
    /// # answer["secretImport"]["position"] = 2.into();
    /// # Mock::given(method("PATCH")).and(path("/api/v1/secret-imports/b7cbf7bc-8244-410f-b2ce-f07250cc480e")).and(body_json(sent))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(answer)).expect(1).mount(&server).await;
    /// use infisical_config::resources::imports::{ImportChange, ImportTarget};
    ///
    /// let app = ImportTarget::new(project, "dev").path("/app");
    /// let moved = client.imports().update(&app, "b7cbf7bc-8244-410f-b2ce-f07250cc480e", &ImportChange::default().position(2)).await?;
    /// assert_eq!(moved.position, 2);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment or project,
    /// before any request; [`Error::Api`](crate::Error::Api) (404) when there is no such import.
    pub async fn update(&self, target: &ImportTarget, id: &str, change: &ImportChange) -> Result<SecretImport> {
        let project_id = self.scoped(target).await?;
        let body = ImportBody {
            environment: &target.environment,
            path: normalize_path(&target.path),
            import: Some(change),
            is_replication: None,
        };
        let resp =
            self.client.scoped_write(reqwest::Method::PATCH, |r| r.imports, Some(id), &project_id, &body).await?;
        Ok(resp.json::<OneImport>()?.secret_import)
    }

    /// Removes import `id` from the target folder, and answers what it was. The source's secrets stay
    /// where they are.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, ResponseTemplate, matchers::{body_json, method, path}};
    /// # let server = wiremock::MockServer::start().await;
    /// # let recorded = |name: &str| -> serde_json::Value {
    /// #     let file = format!("{}/tests/fixtures/server-2024-10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    /// #     let mut sample: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    /// #     sample["response"].take()
    /// # };
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false)
    /// #     .api_version(infisical_config::resources::ApiVersion::Legacy).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// # let sent = serde_json::json!({"workspaceId": project, "environment": "dev", "path": "/app"});
    /// # Mock::given(method("DELETE")).and(path("/api/v1/secret-imports/b7cbf7bc-8244-410f-b2ce-f07250cc480e")).and(body_json(sent))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(recorded("025-create-secret-import"))).expect(1).mount(&server).await;
    /// use infisical_config::resources::imports::ImportTarget;
    ///
    /// let app = ImportTarget::new(project, "dev").path("/app");
    /// let removed = client.imports().delete(&app, "b7cbf7bc-8244-410f-b2ce-f07250cc480e").await?;
    /// assert_eq!(removed.import_path, "/shared");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty environment or project,
    /// before any request; [`Error::Api`](crate::Error::Api) (404) when there is no such import.
    pub async fn delete(&self, target: &ImportTarget, id: &str) -> Result<SecretImport> {
        let project_id = self.scoped(target).await?;
        let body: ImportBody<'_, ()> = ImportBody {
            environment: &target.environment,
            path: normalize_path(&target.path),
            import: None,
            is_replication: None,
        };
        let resp =
            self.client.scoped_write(reqwest::Method::DELETE, |r| r.imports, Some(id), &project_id, &body).await?;
        Ok(resp.json::<OneImport>()?.secret_import)
    }
}
