//! Creating, updating and deleting many secrets of one folder at once, all or nothing.

use secrecy::SecretString;
use serde::Serialize;

use super::fields::{SecretFields, check_reminder, expose_opt};
use super::model::ManySecrets;
use super::{Secret, SecretMetadata, Secrets};
use crate::error::{Error, Result};
use crate::resources::{Outcome, ProjectRef, check_environment, check_secret_name, decode_outcome, normalize_path};

/// What a batch update ([`Secrets::update_many`]) does with a secret that does not exist; set with
/// [`Batch::mode`].
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"mode": "upsert", "secrets": [{"secretKey": "NEW_KEY", "secretValue": "1"}]})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "NEW_KEY", "version": 1}]})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::secrets::{Batch, BatchMode, BatchSecret};
///
/// // NEW_KEY does not exist yet: upsert creates it instead of failing the batch.
/// let batch = Batch::new(project, "dev").mode(BatchMode::Upsert).secret(BatchSecret::new("NEW_KEY").value("1"));
/// let updated = client.secrets().update_many(&batch).await?.applied().expect("no approval policy");
/// assert_eq!(updated[0].key, "NEW_KEY");
/// assert_eq!(BatchMode::default(), BatchMode::FailOnNotFound);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum BatchMode {
    /// Fail the whole batch (the server's default).
    #[default]
    FailOnNotFound,
    /// Create it.
    Upsert,
    /// Skip it.
    Ignore,
}

/// One secret of a [`Batch`] to create, update or delete (a delete uses only its name).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("POST")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "DB_HOST", "secretValue": "db.internal", "secretComment": "primary"}]})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_HOST", "version": 1, "secretComment": "primary"}]})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::secrets::{Batch, BatchSecret};
///
/// let item = BatchSecret::new("DB_HOST").value("db.internal").comment("primary");
/// let batch = Batch::new(project, "dev").secret(item);
/// let created = client.secrets().create_many(&batch).await?.applied().expect("no approval policy");
/// assert_eq!(created[0].comment(), "primary");
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct BatchSecret {
    secret_key: String,
    #[serde(serialize_with = "expose_opt", skip_serializing_if = "Option::is_none")]
    secret_value: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_secret_name: Option<String>,
    #[serde(flatten)]
    fields: SecretFields,
}

impl BatchSecret {
    /// The secret named `key`; a create also needs its [`value`](Self::value).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "OLD_KEY"}]})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "OLD_KEY"}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::{Batch, BatchSecret};
    ///
    /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("OLD_KEY"));
    /// let deleted = client.secrets().delete_many(&batch).await?.applied().expect("no approval policy");
    /// assert_eq!(deleted[0].key, "OLD_KEY");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(key: impl Into<String>) -> Self {
        BatchSecret {
            secret_key: key.into(),
            secret_value: None,
            new_secret_name: None,
            fields: SecretFields::default(),
        }
    }

    crate::setters::setters! {
        /// Its value (required to create).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("POST")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "secretValue": "app"}]})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "version": 1}]})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::{Batch, BatchSecret};
        ///
        /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("DB_USER").value("app"));
        /// let created = client.secrets().create_many(&batch).await?.applied().expect("no approval policy");
        /// assert_eq!(created.len(), 1);
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        value(value: impl Into<SecretString>) => secret_value = Some(value.into());

        /// Renames it (update only).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "newSecretName": "DB_USERNAME"}]})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_USERNAME", "version": 2}]})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::{Batch, BatchSecret};
        ///
        /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("DB_USER").new_name("DB_USERNAME"));
        /// let updated = client.secrets().update_many(&batch).await?.applied().expect("no approval policy");
        /// assert_eq!(updated[0].key, "DB_USERNAME");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        new_name(name: impl Into<String>) => new_secret_name = Some(name.into());

        /// Its comment.
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "secretComment": "the app role"}]})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "version": 2, "secretComment": "the app role"}]})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::{Batch, BatchSecret};
        ///
        /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("DB_USER").comment("the app role"));
        /// let updated = client.secrets().update_many(&batch).await?.applied().expect("no approval policy");
        /// assert_eq!(updated[0].comment(), "the app role");
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        comment(comment: impl Into<String>) => fields.secret_comment = Some(comment.into());
    }

    /// Its tags (ids); replaces the secret's tag set.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "tagIds": ["tag-1"]}]})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "tags": [{"id": "tag-1", "slug": "backend"}]}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::{Batch, BatchSecret};
    ///
    /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("DB_USER").tag_ids(["tag-1"]));
    /// let updated = client.secrets().update_many(&batch).await?.applied().expect("no approval policy");
    /// assert_eq!(updated[0].tags()[0].slug, "backend");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn tag_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.fields.tag_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Its metadata entries; replaces the secret's metadata.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "secretMetadata": [{"key": "owner", "value": "payments", "isEncrypted": false}]}]})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "secretMetadata": [{"key": "owner", "value": "payments"}]}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::{Batch, BatchSecret, SecretMetadata};
    ///
    /// let owner = SecretMetadata::new("owner", "payments");
    /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("DB_USER").metadata([owner.clone()]));
    /// let updated = client.secrets().update_many(&batch).await?.applied().expect("no approval policy");
    /// assert_eq!(updated[0].metadata(), [owner]);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn metadata(mut self, entries: impl IntoIterator<Item = SecretMetadata>) -> Self {
        self.fields.secret_metadata = Some(entries.into_iter().collect());
        self
    }
}

/// A batch of secrets to create, update or delete in one folder, all or nothing: the request of
/// [`Secrets::create_many`], [`Secrets::update_many`] and [`Secrets::delete_many`].
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
/// # let server = MockServer::start().await;
/// # Mock::given(method("POST")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretPath": "/db", "secrets": [{"secretKey": "DB_USER", "secretValue": "app"}, {"secretKey": "DB_PASSWORD", "secretValue": "s3cr3t"}]})))
/// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "version": 1}, {"secretKey": "DB_PASSWORD", "version": 1}]})))
/// #     .expect(1).mount(&server).await;
/// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
/// #     .api_version(infisical_config::resources::ApiVersion::Current)
/// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
/// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
/// use infisical_config::resources::secrets::{Batch, BatchSecret};
///
/// let create = Batch::new(project, "dev").path("/db")
///     .secret(BatchSecret::new("DB_USER").value("app"))
///     .secret(BatchSecret::new("DB_PASSWORD").value("s3cr3t"));
/// let created = client.secrets().create_many(&create).await?.applied().expect("no approval policy");
/// assert_eq!(created.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(), ["DB_USER", "DB_PASSWORD"]);
/// # Ok::<(), infisical_config::Error>(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Batch {
    project: ProjectRef,
    environment: String,
    path: String,
    mode: Option<BatchMode>,
    secrets: Vec<BatchSecret>,
}

impl Batch {
    /// An empty batch for `project`'s (id or slug) `environment` (its slug), folder `/`; add secrets
    /// with [`secret`](Self::secret) (an empty batch is refused when sent).
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("POST")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"environment": "dev", "secretPath": "/", "secrets": [{"secretKey": "A", "secretValue": "1"}]})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "A", "version": 1}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::{Batch, BatchSecret};
    ///
    /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("A").value("1"));
    /// assert!(client.secrets().create_many(&batch).await?.applied().is_some());
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn new(project: impl Into<ProjectRef>, environment: impl Into<String>) -> Self {
        Batch {
            project: project.into(),
            environment: environment.into(),
            path: "/".into(),
            mode: None,
            secrets: Vec::new(),
        }
    }

    crate::setters::setters! {
        /// The folder (default `/`).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secretPath": "/db", "secrets": [{"secretKey": "DB_OLD"}]})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_OLD", "secretPath": "/db"}]})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::{Batch, BatchSecret};
        ///
        /// let batch = Batch::new(project, "dev").path("/db").secret(BatchSecret::new("DB_OLD"));
        /// let deleted = client.secrets().delete_many(&batch).await?.applied().expect("no approval policy");
        /// assert_eq!(deleted[0].path(), Some("/db"));
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        path(path: impl Into<String>) => path = path.into();

        /// What an update does with missing secrets (unset: the server's default, fail).
        ///
        /// ```
        /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
        /// # let server = MockServer::start().await;
        /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"mode": "ignore", "secrets": [{"secretKey": "MAYBE", "secretValue": "1"}]})))
        /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": []})))
        /// #     .expect(1).mount(&server).await;
        /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
        /// #     .api_version(infisical_config::resources::ApiVersion::Current)
        /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
        /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
        /// use infisical_config::resources::secrets::{Batch, BatchMode, BatchSecret};
        ///
        /// // MAYBE does not exist: ignored, the batch succeeds and changes nothing.
        /// let batch = Batch::new(project, "dev").mode(BatchMode::Ignore).secret(BatchSecret::new("MAYBE").value("1"));
        /// let updated = client.secrets().update_many(&batch).await?.applied().expect("no approval policy");
        /// assert!(updated.is_empty());
        /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
        /// ```
        mode(mode: BatchMode) => mode = Some(mode);
    }

    /// Adds a secret.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("POST")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "A", "secretValue": "1"}, {"secretKey": "B", "secretValue": "2"}]})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "A"}, {"secretKey": "B"}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::{Batch, BatchSecret};
    ///
    /// let batch = Batch::new(project, "dev")
    ///     .secret(BatchSecret::new("A").value("1"))
    ///     .secret(BatchSecret::new("B").value("2"));
    /// let created = client.secrets().create_many(&batch).await?.applied().expect("no approval policy");
    /// assert_eq!(created.len(), 2);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    pub fn secret(mut self, secret: BatchSecret) -> Self {
        self.secrets.push(secret);
        self
    }

    fn validate(&self, creating: bool) -> Result<()> {
        self.project.validate()?;
        check_environment(&self.environment)?;
        if self.secrets.is_empty() {
            return Err(Error::invalid("secrets", "is empty; a batch needs at least one secret"));
        }
        for s in &self.secrets {
            check_secret_name("secrets.secretKey", &s.secret_key)?;
            if creating && s.secret_value.is_none() {
                return Err(Error::invalid(
                    "secrets.secretValue",
                    format!("is missing for `{}`; creating needs a value", s.secret_key),
                ));
            }
            if let Some(n) = &s.new_secret_name {
                check_secret_name("secrets.newSecretName", n)?;
            }
            check_reminder(&s.fields)?;
        }
        Ok(())
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchBody<'a, T: Serialize> {
    environment: &'a str,
    secret_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<BatchMode>,
    secrets: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeleteItem<'a> {
    secret_key: &'a str,
}

impl Secrets<'_> {
    /// Creates every secret of the batch, or none (fails if any exists).
    /// [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("POST")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "secretValue": "app"}]})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "version": 1}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::Error;
    /// use infisical_config::resources::secrets::{Batch, BatchSecret};
    ///
    /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("DB_USER").value("app"));
    /// let created = client.secrets().create_many(&batch).await?.applied().expect("no approval policy");
    /// assert_eq!(created[0].key, "DB_USER");
    ///
    /// // Refused before sending: creating needs a value.
    /// let no_value = Batch::new(project, "dev").secret(BatchSecret::new("DB_PASSWORD"));
    /// let err = client.secrets().create_many(&no_value).await.unwrap_err();
    /// assert!(matches!(err, Error::InvalidRequest { field: "secrets.secretValue", .. }), "{err}");
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    /// # Errors
    /// - [`Error::InvalidRequest`] before sending: an empty batch, project or environment, a secret
    ///   without a value, a name with `/` or `:`, a reminder note over 1024 characters.
    /// - [`Error::Api`] when the server refuses: when any of the secrets exists (none is created), or
    ///   for an unknown project, environment or folder (404).
    pub async fn create_many(&self, batch: &Batch) -> Result<Outcome<Vec<Secret>>> {
        batch.validate(true)?;
        self.send_batch(batch, reqwest::Method::POST, None, &batch.secrets).await
    }

    /// Updates every secret of the batch; [`Batch::mode`] says what happens to missing ones.
    /// [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("PATCH")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "secretValue": "app2"}]})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "DB_USER", "version": 2}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::{Batch, BatchSecret};
    ///
    /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("DB_USER").value("app2"));
    /// let updated = client.secrets().update_many(&batch).await?.applied().expect("no approval policy");
    /// assert_eq!(updated[0].version, 2);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    /// # Errors
    /// - [`Error::InvalidRequest`] before sending: an empty batch, project or environment, a name or new
    ///   name with `/` or `:`, a reminder note over 1024 characters.
    /// - [`Error::Api`] when the server refuses: when a secret does not exist and the mode is
    ///   [`BatchMode::FailOnNotFound`] (nothing is updated), or for an unknown environment or folder.
    pub async fn update_many(&self, batch: &Batch) -> Result<Outcome<Vec<Secret>>> {
        batch.validate(false)?;
        self.send_batch(batch, reqwest::Method::PATCH, batch.mode, &batch.secrets).await
    }

    /// Deletes every secret of the batch (only their names are used), or none.
    /// [`Outcome::PendingApproval`] when the environment has a change policy.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::*};
    /// # let server = MockServer::start().await;
    /// # Mock::given(method("DELETE")).and(path("/api/v4/secrets/batch")).and(body_partial_json(serde_json::json!({"secrets": [{"secretKey": "OLD_A"}, {"secretKey": "OLD_B"}]})))
    /// #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"secrets": [{"secretKey": "OLD_A"}, {"secretKey": "OLD_B"}]})))
    /// #     .expect(1).mount(&server).await;
    /// # let client = infisical_config::Client::builder().site(server.uri()).access_token("token")
    /// #     .api_version(infisical_config::resources::ApiVersion::Current)
    /// #     .env_source(infisical_config::EnvSource::from_pairs::<_, String, String>([])).cli_login(false).build()?;
    /// # let project = "22770578-ba92-407c-a19b-e79cd7aa39d9";
    /// use infisical_config::resources::secrets::{Batch, BatchSecret};
    ///
    /// let batch = Batch::new(project, "dev").secret(BatchSecret::new("OLD_A")).secret(BatchSecret::new("OLD_B"));
    /// let deleted = client.secrets().delete_many(&batch).await?.applied().expect("no approval policy");
    /// assert_eq!(deleted.len(), 2);
    /// # Ok::<(), infisical_config::Error>(()) }).unwrap();
    /// ```
    /// # Errors
    /// - [`Error::InvalidRequest`] before sending: an empty batch, project or environment, a name with
    ///   `/` or `:`.
    /// - [`Error::Api`] when the server refuses: a secret it cannot find (none is deleted), an
    ///   unknown environment or folder.
    pub async fn delete_many(&self, batch: &Batch) -> Result<Outcome<Vec<Secret>>> {
        batch.validate(false)?;
        let keys: Vec<DeleteItem<'_>> =
            batch.secrets.iter().map(|s| DeleteItem { secret_key: &s.secret_key }).collect();
        self.send_batch(batch, reqwest::Method::DELETE, None, &keys).await
    }

    async fn send_batch<T: Serialize + Sync>(
        &self,
        batch: &Batch,
        method: reqwest::Method,
        mode: Option<BatchMode>,
        items: &T,
    ) -> Result<Outcome<Vec<Secret>>> {
        let project_id = self.client.project_id(&batch.project).await?;
        let body = BatchBody {
            environment: &batch.environment,
            secret_path: normalize_path(&batch.path),
            mode,
            secrets: items,
        };
        let resp = self.client.scoped_write(method, |r| r.secrets_batch, None, &project_id, &body).await?;
        decode_outcome(&resp, |e: ManySecrets| e.secrets)
    }
}
