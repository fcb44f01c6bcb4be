//! Changing one secret: create, update, delete.

use secrecy::SecretString;
use serde::Serialize;

use super::Secrets;
use crate::error::Result;
use crate::resources::{
    Outcome, ProjectKey, ProjectRef, Scoped, check_environment, check_secret_name, decode_outcome, normalize_path,
    require,
};
use crate::transport::ApiRequest;

use super::fields::{SecretFields, check_reminder, expose, expose_opt, secret_field_setters};
use super::model::OneSecret;
use super::{GetSecret, Secret, SecretMetadata, SecretType};

/// Creates a secret: the request of [`Secrets::create`]. The value is a [`SecretString`], sent and
/// never shown.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("POST")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "s3cr3t", "secretPath": "/app", "secretComment": "rotated monthly"})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 1, "secretPath": "/app", "secretComment": "rotated monthly", "secretMetadata": [{"key": "owner", "value": "payments"}]}})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::secrets::{CreateSecret, SecretMetadata};
///
/// let req = CreateSecret::new(project, "dev", "API_KEY", "s3cr3t")
///     .path("/app")
///     .comment("rotated monthly")
///     .metadata([SecretMetadata::new("owner", "payments")]);
/// let created = client.secrets().create(&req).await?.applied().expect("no approval policy");
/// assert_eq!((created.key.as_str(), created.version), ("API_KEY", 1));
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct CreateSecret {
    project: ProjectRef,
    environment: String,
    name: String,
    value: SecretString,
    path: String,
    kind: SecretType,
    fields: SecretFields,
}

impl CreateSecret {
    /// Creates `name` = `value` in `project`'s (id or slug) `environment` (its slug), folder `/`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("POST")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretValue": "s3cr3t", "secretPath": "/", "type": "shared"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 1}})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::CreateSecret;
    ///
    /// let req = CreateSecret::new(project, "dev", "API_KEY", "s3cr3t");
    /// let created = client.secrets().create(&req).await?.applied().expect("no approval policy");
    /// assert_eq!(created.key, "API_KEY");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(
        project: impl Into<ProjectRef>,
        environment: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<SecretString>,
    ) -> Self {
        CreateSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            value: value.into(),
            path: "/".into(),
            kind: SecretType::Shared,
            fields: SecretFields::default(),
        }
    }

    secret_field_setters!(
        "CreateSecret",
        "POST",
        "CreateSecret::new(project, \"dev\", \"API_KEY\", \"s3cr3t\")",
        "create"
    );
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WriteBody<'a, F: Serialize> {
    environment: &'a str,
    secret_path: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    fields: F,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateFields<'a> {
    #[serde(serialize_with = "expose")]
    secret_value: &'a SecretString,
    #[serde(flatten)]
    fields: &'a SecretFields,
}

/// Updates a secret: its value, name, comment, tags, metadata or reminder. The request of
/// [`Secrets::update`]; what is not set is left as it is.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "n3w-v4lue", "secretComment": "rotated"})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 2, "secretComment": "rotated"}})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::secrets::UpdateSecret;
///
/// let rotate = UpdateSecret::new(project, "dev", "API_KEY").value("n3w-v4lue").comment("rotated");
/// let updated = client.secrets().update(&rotate).await?.applied().expect("no approval policy");
/// assert_eq!(updated.version, 2);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct UpdateSecret {
    project: ProjectRef,
    environment: String,
    name: String,
    value: Option<SecretString>,
    new_name: Option<String>,
    path: String,
    kind: SecretType,
    fields: SecretFields,
}

impl UpdateSecret {
    /// Updates secret `name` of `project` (id or slug) in `environment` (its slug), folder `/`; the
    /// setters say what changes.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretValue": "n3w"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 2}})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::UpdateSecret;
    ///
    /// let req = UpdateSecret::new(project, "dev", "API_KEY").value("n3w");
    /// assert_eq!(client.secrets().update(&req).await?.applied().map(|s| s.version), Some(2));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        UpdateSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            value: None,
            new_name: None,
            path: "/".into(),
            kind: SecretType::Shared,
            fields: SecretFields::default(),
        }
    }

    crate::setters::setters! {
        /// The new value.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "n3w-v4lue"})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 2}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::UpdateSecret;
        ///
        /// let req = UpdateSecret::new(project, "dev", "API_KEY").value("n3w-v4lue");
        /// let updated = client.secrets().update(&req).await?.applied().expect("no approval policy");
        /// assert_eq!(updated.version, 2);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        value(value: impl Into<SecretString>) => value = Some(value.into());

        /// Renames the secret (a name with `/` or `:` is an
        /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) when sent).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"newSecretName": "API_TOKEN"})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_TOKEN", "version": 2}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::UpdateSecret;
        ///
        /// let req = UpdateSecret::new(project, "dev", "API_KEY").new_name("API_TOKEN");
        /// let renamed = client.secrets().update(&req).await?.applied().expect("no approval policy");
        /// assert_eq!(renamed.key, "API_TOKEN");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        new_name(name: impl Into<String>) => new_name = Some(name.into());
    }

    secret_field_setters!("UpdateSecret", "PATCH", "UpdateSecret::new(project, \"dev\", \"API_KEY\")", "update");
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateFields<'a> {
    #[serde(serialize_with = "expose_opt", skip_serializing_if = "Option::is_none")]
    secret_value: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_secret_name: Option<&'a str>,
    #[serde(flatten)]
    fields: &'a SecretFields,
}

/// Deletes a secret: the request of [`Secrets::delete`].
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/OLD_KEY")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretPath": "/app"})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "OLD_KEY", "secretPath": "/app"}})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::secrets::DeleteSecret;
///
/// let req = DeleteSecret::new(project, "dev", "OLD_KEY").path("/app");
/// let deleted = client.secrets().delete(&req).await?.applied().expect("no approval policy");
/// assert_eq!(deleted.key, "OLD_KEY");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DeleteSecret {
    project: ProjectRef,
    environment: String,
    name: String,
    path: String,
    kind: SecretType,
}

impl DeleteSecret {
    /// Deletes secret `name` of `project` (id or slug) in `environment` (its slug), folder `/`.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/OLD_KEY")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretPath": "/"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "OLD_KEY"}})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::DeleteSecret;
    ///
    /// let req = DeleteSecret::new(project, "dev", "OLD_KEY");
    /// assert!(client.secrets().delete(&req).await?.applied().is_some());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>, name: impl Into<String>) -> Self {
        DeleteSecret {
            project: project.into(),
            environment: environment.into(),
            name: name.into(),
            path: "/".into(),
            kind: SecretType::Shared,
        }
    }

    crate::setters::setters! {
        /// The folder (default `/`).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/OLD_KEY")).and(body_partial_json(serde_json::json!({"secretPath": "/app"})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "OLD_KEY", "secretPath": "/app"}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::DeleteSecret;
        ///
        /// let req = DeleteSecret::new(project, "dev", "OLD_KEY").path("/app");
        /// let deleted = client.secrets().delete(&req).await?.applied().expect("no approval policy");
        /// assert_eq!(deleted.path(), Some("/app"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        path(path: impl Into<String>) => path = path.into();

        /// Shared (default) or personal: `Personal` deletes the caller's override and leaves the shared secret.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"type": "personal"})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "type": "personal"}})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::{DeleteSecret, SecretType};
        ///
        /// let req = DeleteSecret::new(project, "dev", "API_KEY").kind(SecretType::Personal);
        /// let deleted = client.secrets().delete(&req).await?.applied().expect("no approval policy");
        /// assert_eq!(deleted.kind, SecretType::Personal);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        kind(kind: SecretType) => kind = kind;
    }
}

impl Secrets<'_> {
    /// Creates a secret. [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("POST")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "s3cr3t"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 1}})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::Error;
    /// use infisical_config::resources::secrets::CreateSecret;
    ///
    /// let req = CreateSecret::new(project, "dev", "API_KEY", "s3cr3t");
    /// let created = client.secrets().create(&req).await?.applied().expect("no approval policy");
    /// assert_eq!(created.version, 1);
    ///
    /// // Refused before sending: the server would refuse it too.
    /// let bad = CreateSecret::new(project, "dev", "db/url", "x");
    /// let err = client.secrets().create(&bad).await.unwrap_err();
    /// assert!(matches!(err, Error::InvalidRequest { field: "name", .. }), "{err}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// - [`Error::InvalidRequest`](crate::Error::InvalidRequest) before sending: an empty name or one
    ///   with `/` or `:`, an empty environment, a reminder note over 1024 characters.
    /// - [`Error::Api`](crate::Error::Api) when the server refuses: 400 when a secret of that name
    ///   exists in the folder, 404 for an unknown project, environment or folder, 403 when the
    ///   identity may not write there.
    pub async fn create(&self, req: &CreateSecret) -> Result<Outcome<Secret>> {
        check_secret_name("name", &req.name)?;
        check_environment(&req.environment)?;
        check_reminder(&req.fields)?;
        let project_id = self.client.project_id(&req.project).await?;
        let body = WriteBody {
            environment: &req.environment,
            secret_path: normalize_path(&req.path),
            kind: req.kind.as_str(),
            fields: CreateFields { secret_value: &req.value, fields: &req.fields },
        };
        let resp =
            self.client.scoped_write(reqwest::Method::POST, |r| r.secrets, Some(&req.name), &project_id, &body).await?;
        decode_outcome(&resp, |e: OneSecret| e.secret)
    }

    /// Updates a secret. [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// Servers of 2024 require a value even to rename or re-comment (`v3` quirk); when none is given the
    /// client reads the current one first and sends it back unchanged.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/API_KEY")).and(body_partial_json(serde_json::json!({"secretValue": "n3w"})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "API_KEY", "version": 2}})))
    /// #     .expect(1).mount(&server).await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/NO_SUCH"))
    /// #     .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"statusCode": 404, "error": "NotFound", "message": "Secret not found"})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::UpdateSecret;
    ///
    /// let req = UpdateSecret::new(project, "dev", "API_KEY").value("n3w");
    /// assert_eq!(client.secrets().update(&req).await?.applied().map(|s| s.version), Some(2));
    ///
    /// let missing = UpdateSecret::new(project, "dev", "NO_SUCH").value("n3w");
    /// assert_eq!(client.secrets().update(&missing).await.unwrap_err().status(), Some(404));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// - [`Error::InvalidRequest`](crate::Error::InvalidRequest) before sending: an empty name or
    ///   environment, a new name with `/` or `:`, a reminder note over 1024 characters.
    /// - [`Error::Api`](crate::Error::Api) with status 404 when there is no such secret (or
    ///   environment or folder); other refusals as the server says them (403 when the identity may
    ///   not write there).
    pub async fn update(&self, req: &UpdateSecret) -> Result<Outcome<Secret>> {
        check_environment(&req.environment)?;
        require("name", &req.name)?;
        if let Some(n) = &req.new_name {
            check_secret_name("new_name", n)?;
        }
        check_reminder(&req.fields)?;
        let project_id = self.client.project_id(&req.project).await?;
        let choice = &self.client.inner.routes;
        // Servers of 2024 refuse an update without the value: read it first when it may be needed.
        let current = if req.value.is_none() && (choice.routes().update_needs_value || choice.undecided()) {
            let get = GetSecret::new(ProjectRef::Id(project_id.clone()), &req.environment, &req.name)
                .path(&req.path)
                .kind(req.kind)
                .include_imports(false)
                .expand_references(false);
            Some(self.get(&get).await?.value)
        } else {
            None
        };
        let resp = self
            .client
            .routed(|routes| {
                let value = req.value.clone().or_else(|| current.clone().filter(|_| routes.update_needs_value));
                let body = WriteBody {
                    environment: &req.environment,
                    secret_path: normalize_path(&req.path),
                    kind: req.kind.as_str(),
                    fields: UpdateFields {
                        secret_value: value,
                        new_secret_name: req.new_name.as_deref(),
                        fields: &req.fields,
                    },
                };
                ApiRequest::patch(routes.secrets)
                    .segment(req.name.as_str())
                    .json(&Scoped { project: ProjectKey::new(routes, &project_id), body })
            })
            .await?;
        decode_outcome(&resp, |e: OneSecret| e.secret)
    }

    /// Deletes a secret (the filter goes in a JSON body, as the server wants). The answer holds the
    /// deleted secret; [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/OLD_KEY"))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secret": {"secretKey": "OLD_KEY", "version": 3}})))
    /// #     .expect(1).mount(&server).await;
    /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/NO_SUCH"))
    /// #     .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({"statusCode": 404, "error": "NotFound", "message": "Secret not found"})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::DeleteSecret;
    ///
    /// let deleted = client.secrets().delete(&DeleteSecret::new(project, "dev", "OLD_KEY")).await?;
    /// assert_eq!(deleted.applied().map(|s| s.key), Some("OLD_KEY".to_owned()));
    ///
    /// let err = client.secrets().delete(&DeleteSecret::new(project, "dev", "NO_SUCH")).await.unwrap_err();
    /// assert_eq!(err.status(), Some(404));
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) for an empty name or environment,
    /// before sending; [`Error::Api`](crate::Error::Api) with status 404 when there is no such
    /// secret, other refusals as the server says them.
    pub async fn delete(&self, req: &DeleteSecret) -> Result<Outcome<Secret>> {
        check_environment(&req.environment)?;
        require("name", &req.name)?;
        let project_id = self.client.project_id(&req.project).await?;
        let body = WriteBody {
            environment: &req.environment,
            secret_path: normalize_path(&req.path),
            kind: req.kind.as_str(),
            fields: (),
        };
        let resp = self
            .client
            .scoped_write(reqwest::Method::DELETE, |r| r.secrets, Some(&req.name), &project_id, &body)
            .await?;
        decode_outcome(&resp, |e: OneSecret| e.secret)
    }
}
