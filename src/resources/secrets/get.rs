//! Reading one secret by name.

use super::model::OneSecret;
use super::requests::{project_query, read_scope};
use super::{Secret, SecretType, Secrets};
use crate::error::Result;
use crate::resources::{ProjectRef, check_environment, normalize_path, require};
use crate::routes::Routes;
use crate::transport::ApiRequest;

/// Gets one secret by name: the request of [`Secrets::get`].
///
/// Defaults: folder `/`, the latest version, shared, imports looked in, references expanded, the value
/// shown.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # let fake = infisical_config::testing::FakeInfisical::builder().secret("prod", "/db", "DB_URL", "postgres://db").start().await;
/// # let client = fake.client_builder().build()?;
/// use infisical_config::ExposeSecret;
/// use infisical_config::resources::secrets::GetSecret;
///
/// let secret = client.secrets().get(&GetSecret::new(fake.project_id(), "prod", "DB_URL").path("/db")).await?;
/// assert_eq!(secret.value.expose_secret(), "postgres://db");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct GetSecret {
    project: ProjectRef,
    environment: String,
    name: String,
    path: String,
    version: Option<u64>,
    kind: SecretType,
    include_imports: bool,
    expand_references: bool,
    view_value: bool,
}

impl GetSecret {
    /// Gets secret `name` of `project` (id or slug) in `environment` (its slug), folder `/`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::resources::secrets::GetSecret;
    ///
    /// let secret = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "API_KEY")).await?;
    /// assert_eq!((secret.key.as_str(), secret.environment()), ("API_KEY", "dev"));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        GetSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            path: "/".into(),
            version: None,
            kind: SecretType::Shared,
            include_imports: true,
            expand_references: true,
            view_value: true,
        }
    }

    crate::setters::setters! {
        /// The folder (default `/`).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/db", "DB_URL", "postgres://db").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::resources::secrets::GetSecret;
        ///
        /// let secret = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "DB_URL").path("/db")).await?;
        /// assert_eq!(secret.path(), Some("/db"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        path(path: impl Into<String>) => path = path.into();

        /// A past version (servers of 2024 ignore this and return the latest).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("GET")).and(path("/api/v4/secrets/API_KEY")).and(query_param("projectId", "22770578-ba92-407c-a19b-e79cd7aa39d9")).and(query_param("version", "3"))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "secretValue": "old", "version": 3}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::GetSecret;
        ///
        /// let req = GetSecret::new(project, "dev", "API_KEY").version(3);
        /// assert_eq!(client.secrets().get(&req).await?.version, 3);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        version(version: u64) => version = Some(version);

        /// Shared (default) or personal.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("GET")).and(path("/api/v4/secrets/API_KEY")).and(query_param("projectId", "22770578-ba92-407c-a19b-e79cd7aa39d9")).and(query_param("type", "personal"))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "secretValue": "mine", "type": "personal"}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::{GetSecret, SecretType};
        ///
        /// let req = GetSecret::new(project, "dev", "API_KEY").kind(SecretType::Personal);
        /// assert_eq!(client.secrets().get(&req).await?.kind, SecretType::Personal);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        kind(kind: SecretType) => kind = kind;

        /// Looks in imports when the folder has no such secret (default true).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("shared", "/", "SMTP_HOST", "mail").import("dev", "/", "shared", "/").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::resources::secrets::GetSecret;
        ///
        /// let req = GetSecret::new(fake.project_id(), "dev", "SMTP_HOST");
        /// assert_eq!(client.secrets().get(&req).await?.key, "SMTP_HOST"); // found in the import
        /// let err = client.secrets().get(&req.include_imports(false)).await.unwrap_err();
        /// assert_eq!(err.status(), Some(404));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        include_imports(yes: bool) => include_imports = yes;

        /// Expands references (default true).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "HOST", "db.internal").secret("dev", "/", "URL", "postgres://${HOST}").start().await;
        /// # let client = fake.client_builder().build()?;
        /// use infisical_config::ExposeSecret;
        /// use infisical_config::resources::secrets::GetSecret;
        ///
        /// let req = GetSecret::new(fake.project_id(), "dev", "URL");
        /// assert_eq!(client.secrets().get(&req).await?.value.expose_secret(), "postgres://db.internal");
        /// let raw = client.secrets().get(&req.expand_references(false)).await?;
        /// assert_eq!(raw.value.expose_secret(), "postgres://${HOST}");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        expand_references(yes: bool) => expand_references = yes;

        /// Returns the value (default true); false gets the secret's other fields only.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("GET")).and(path("/api/v4/secrets/API_KEY")).and(query_param("projectId", "22770578-ba92-407c-a19b-e79cd7aa39d9")).and(query_param("viewSecretValue", "false"))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "secretValue": "<hidden-by-infisical>", "secretValueHidden": true, "secretComment": "rotated monthly"}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::GetSecret;
        ///
        /// let secret = client.secrets().get(&GetSecret::new(project, "dev", "API_KEY").view_value(false)).await?;
        /// assert!(secret.value_hidden);
        /// assert_eq!(secret.comment(), "rotated monthly");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        view_value(yes: bool) => view_value = yes;
    }

    fn request(&self, routes: &Routes, project_id: &str) -> ApiRequest {
        let req = ApiRequest::get(routes.secrets).segment(self.name.as_str());
        project_query(req, routes, &self.project, project_id)
            .query("environment", self.environment.as_str())
            .query("secretPath", normalize_path(&self.path))
            .query("type", self.kind.as_str())
            .query_opt("version", self.version.map(|v| v.to_string()))
            .query_bool(routes.include_imports, self.include_imports)
            .query_bool("expandSecretReferences", self.expand_references)
            .query_bool("viewSecretValue", self.view_value)
    }
}

impl Secrets<'_> {
    /// Gets one secret.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let fake = infisical_config::testing::FakeInfisical::builder().secret("dev", "/", "API_KEY", "k").start().await;
    /// # let client = fake.client_builder().build()?;
    /// use infisical_config::ExposeSecret;
    /// use infisical_config::resources::secrets::GetSecret;
    ///
    /// let secret = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "API_KEY")).await?;
    /// assert_eq!(secret.value.expose_secret(), "k");
    ///
    /// let err = client.secrets().get(&GetSecret::new(fake.project_id(), "dev", "NO_SUCH")).await.unwrap_err();
    /// assert_eq!(err.status(), Some(404));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty project, environment or
    /// name; [`Error::Api`](crate::Error::Api) with status 404 when there is no such secret in the
    /// folder (nor in its imports, when they are looked in), or no such environment or folder.
    pub async fn get(&self, req: &GetSecret) -> Result<Secret> {
        req.project.validate()?;
        check_environment(&req.environment)?;
        require("name", &req.name)?;
        let project_id = read_scope(self.client, &req.project).await?;
        let resp = self.client.routed(|routes| Ok(req.request(routes, &project_id))).await?;
        let mut secret = resp.json::<OneSecret>()?.secret;
        // Servers of 2024 leave the path out of a get; it is the one asked for.
        secret.or_path(|| normalize_path(&req.path));
        Ok(secret)
    }
}
